from django.core.cache import cache
from django.http import HttpRequest

from portal.models import OfficialChannel

CHANNELS_CACHE_KEY = "portal:channels"


def official_channels() -> list[OfficialChannel]:
    """The footer's channels: read on every page, changed rarely, so cached."""
    channels = cache.get(CHANNELS_CACHE_KEY)
    if channels is None:
        channels = list(OfficialChannel.objects.filter(is_active=True))
        cache.set(CHANNELS_CACHE_KEY, channels, 60 * 60)
    return channels


def site(request: HttpRequest) -> dict:
    # Lazy: pages that never render the footer (feeds, errors of the admin) pay nothing.
    return {"official_channels": official_channels}
