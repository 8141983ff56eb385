"""Fixed-window counters on the cache (local memory or Redis): every rate limit of the
site (feedback forms and tracking in ``feedback.ratelimit``, the staff password reset).

``cache.add`` starts a window atomically and ``cache.incr`` counts in it, which both
backends do atomically, so several app servers on one Redis share the count. Keys hold a
salted hash (HMAC with SECRET_KEY) of the client address or e-mail, never the value itself.

Without the shared cache (Redis down or unreachable) the limits are not dropped: each
process counts in its own memory until Redis answers again, so a client can send at most
the limit times the number of app-server processes. The switch is logged (a warning at
most once a minute per process); see docs/decisions.md and docs/operations.md.
"""

import hashlib
import hmac
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)

# This process's own counts, used only while the shared cache does not answer.
_fallback = LocMemCache("ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
_WARNING_INTERVAL = 60.0
_last_warning = 0.0


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
        _warn_fallback(error)
        return _count(_fallback, key, window)


def peek(key: str) -> int:
    """The count so far in ``key``'s window, counting nothing."""
    try:
        value = cache.get(key)
    except Exception as error:
        _warn_fallback(error)
        value = _fallback.get(key)
    return value or 0


def seconds_left(window: int) -> int:
    return window - int(time.time()) % window


def _count(store: BaseCache, key: str, window: int) -> int:
    if store.add(key, 1, timeout=window + 1):
        return 1
    try:
        return store.incr(key)
    except ValueError:  # the window expired between add and incr
        store.add(key, 1, timeout=window + 1)
        return 1


def _warn_fallback(error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= _WARNING_INTERVAL:
        _last_warning = now
        logger.warning(
            "rate limits counted per process: the shared cache does not answer (%s: %s)",
            type(error).__name__,
            error,
        )
