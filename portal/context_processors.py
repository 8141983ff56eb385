import logging
from typing import NamedTuple

from django.core.cache import cache
from django.http import HttpRequest

from portal.models import OfficialChannel

logger = logging.getLogger(__name__)

# Bump the version when the cached shape changes, so old entries are never read.
CHANNELS_CACHE_KEY = "portal:channels:v1"


class ChannelLink(NamedTuple):
    platform: str
    handle: str
    url: str

    @property
    def platform_label(self) -> str:
        return OfficialChannel.Platform(self.platform).label


def official_channels() -> list[ChannelLink]:
    """The footer's channels: read on every page, changed rarely, so cached.

    The cache holds plain tuples (no pickled models) and is optional: if it is down, the
    page still renders from the database.
    """
    try:
        cached = cache.get(CHANNELS_CACHE_KEY)
    except Exception:
        logger.warning("cache unavailable; reading channels from the database", exc_info=True)
        cached = None
    if cached is not None:
        return [ChannelLink(*row) for row in cached]
    # The centre's own channels: a ministry's are on that ministry's page.
    rows = list(
        OfficialChannel.objects.filter(is_active=True, ministry__isnull=True).values_list(
            "platform", "handle", "url"
        )
    )
    try:
        cache.set(CHANNELS_CACHE_KEY, rows, 60 * 60)
    except Exception:
        logger.warning("cache unavailable; channels not cached", exc_info=True)
    return [ChannelLink(*row) for row in rows]


def site(request: HttpRequest) -> dict:
    # Lazy: pages that never render the footer pay nothing.
    return {"official_channels": official_channels}
