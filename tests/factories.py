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


# --- Feedback ---
def make_topic(**fields):
    from feedback.models import Topic

    n = next(_seq)
    values = {
        "name_ar": f"موضوع {n}",
        "name_en": f"Topic {n}",
        "help_text_ar": "مساعدة",
        "help_text_en": "Help",
        "response_days": 10,
    }
    values.update(fields)
    return Topic.objects.create(**values)


def make_submission(**fields):
    """A submission made through the workflow (reference, due date and first event)."""
    from feedback import workflow

    values = {
        "kind": "complaint",
        "subject": "Broken street light",
        "body": "The street light in front of the school has been off for a week.",
        "language": "en",
        "email": "citizen@example.com",
    }
    values.update(fields)
    if "topic" not in values:
        values["topic"] = make_topic()
    return workflow.submit(**values)
