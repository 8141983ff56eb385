"""Plain factory functions: each makes one valid object, overrides by keyword."""

import itertools

from portal.models import Ministry, OfficialChannel

_seq = itertools.count(1)


def make_ministry(**fields) -> Ministry:
    n = next(_seq)
    values = {
        "name_ar": f"وزارة الاختبار {n}",
        "name_en": f"Ministry of Testing {n}",
        "slug": f"ministry-{n}",
        "contact_email": f"ministry{n}@example.test",
    }
    values.update(fields)
    return Ministry.objects.create(**values)


def make_channel(**fields) -> OfficialChannel:
    n = next(_seq)
    values = {
        "platform": OfficialChannel.Platform.X,
        "handle": f"@channel{n}",
        "url": f"https://x.com/channel{n}",
    }
    values.update(fields)
    return OfficialChannel.objects.create(**values)
