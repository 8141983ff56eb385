"""Demo content of the ministries' pages: official channels of some demo ministries (demo
handles, not real accounts). Their figures come from the feedback demo's year of requests
(``feedback/demo_history.py``); their news from the news demo. Safe to run again."""

from django.db import transaction

from portal.models import Ministry, OfficialChannel

# (ministry slug, platform, handle, address)
CHANNELS = [
    (
        "health",
        OfficialChannel.Platform.X,
        "@tawasul_demo_health",
        "https://x.com/tawasul_demo_health",
    ),
    (
        "health",
        OfficialChannel.Platform.INSTAGRAM,
        "@tawasul_demo_health",
        "https://www.instagram.com/tawasul_demo_health/",
    ),
    (
        "education",
        OfficialChannel.Platform.X,
        "@tawasul_demo_education",
        "https://x.com/tawasul_demo_education",
    ),
    (
        "labour",
        OfficialChannel.Platform.YOUTUBE,
        "@tawasul_demo_labour",
        "https://www.youtube.com/@tawasul_demo_labour",
    ),
]


@transaction.atomic
def load(stdout=None) -> None:
    ministries = {m.slug: m for m in Ministry.objects.all()}
    count = 0
    for order, (slug, platform, handle, url) in enumerate(CHANNELS, start=1):
        if slug not in ministries:
            continue
        OfficialChannel.objects.update_or_create(
            platform=platform,
            handle=handle,
            defaults={"url": url, "ministry": ministries[slug], "order": 100 + order},
        )
        count += 1
    if stdout:
        stdout.write(f"accountability: {count} ministry channels")
