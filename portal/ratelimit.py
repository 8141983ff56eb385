"""Fixed-window counters on the cache (local memory or Redis), for any app's rate limits.

``cache.add`` starts a window atomically and ``cache.incr`` counts in it, which both
backends do atomically, so several app servers on one Redis share the count. Keys hold a
salted hash (HMAC with SECRET_KEY) of the client address or e-mail, never the value itself.
Each app names its limits: ``settings.FEEDBACK_RATE_LIMITS`` (feedback/ratelimit.py),
``settings.STAFF_PASSWORD_RESET_LIMITS`` (the staff password reset).
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache


def window_key(namespace: str, scope: str, identity: str, window: int) -> str:
    """The cache key of ``identity``'s count in ``scope`` for the current window."""
    secret = f"{settings.SECRET_KEY}:{namespace}-ratelimit:{scope}".encode()
    digest = hmac.new(secret, identity.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]
    return f"{namespace}:rl:{scope}:{digest}:{int(time.time() // window)}"


def count(key: str, window: int) -> int:
    """Add one to ``key``'s window and return the count so far."""
    if cache.add(key, 1, timeout=window + 1):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        return 1


def seconds_left(window: int) -> int:
    return window - int(time.time()) % window
