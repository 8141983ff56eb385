"""Fixed-window counters on the cache (local memory or Redis), for any app's rate limits.

``cache.add`` starts a window atomically and ``cache.incr`` counts in it, which both
backends do atomically, so several app servers on one Redis share the count. Keys hold a
salted hash (HMAC with SECRET_KEY) of the client address or e-mail, never the value itself.
Used by the staff password reset (``settings.STAFF_PASSWORD_RESET_LIMITS``). While the
shared cache does not answer, each process counts in its own memory (as
feedback/ratelimit.py does), so an outage loosens the limit but never drops it.
"""

import hashlib
import hmac
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)
_fallback = LocMemCache("portal-ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def window_key(namespace: str, scope: str, identity: str, window: int) -> str:
    """The cache key of ``identity``'s count in ``scope`` for the current window."""
    secret = f"{settings.SECRET_KEY}:{namespace}-ratelimit:{scope}".encode()
    digest = hmac.new(secret, identity.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]
    return f"{namespace}:rl:{scope}:{digest}:{int(time.time() // window)}"


def count(key: str, window: int) -> int:
    """Add one to ``key``'s window and return the count so far."""
    try:
        return _count(cache, key, window)
    except Exception as error:  # the shared cache is down: count in this process
        logger.warning("rate limit counted in this process only: %s", type(error).__name__)
        return _count(_fallback, key, window)


def _count(store, key: str, window: int) -> int:
    if store.add(key, 1, timeout=window + 1):
        return 1
    try:
        return store.incr(key)
    except ValueError:  # the window expired between add and incr
        store.add(key, 1, timeout=window + 1)
        return 1


def seconds_left(window: int) -> int:
    return window - int(time.time()) % window
