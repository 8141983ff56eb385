"""Single flight for pages kept in the shared cache.

When a cached page is missing (a deploy emptied the cache, the news changed), every
request for it would render it at once: 64 visitors of the home page in the same second
would run 64 renders and their queries. Instead the first one takes a short lock in the
shared cache (``cache.add``, atomic on local memory and Redis, so it holds across app
servers) and renders; the others poll for the stored copy. The wait is bounded: if the
lock holder dies or its page cannot be stored, the lock expires and the waiters render
themselves, so a page is never more than ``WAIT_SECONDS`` late.
"""

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

# A render that takes longer than this is presumed dead: its lock expires.
LOCK_SECONDS = 5
# How long a request waits for another's render before it renders itself.
WAIT_SECONDS = 5.0
FIRST_POLL_SECONDS = 0.005
LONGEST_POLL_SECONDS = 0.05


def single_flight(key: str, lookup: Callable[[], T | None], render: Callable[[], R]) -> T | R:
    """``lookup()`` if another request is rendering the page and stores it in time, else
    ``render()`` (which stores it). Call it after a miss of ``lookup``."""
    lock = f"{key}:rendering"
    try:
        owner = cache.add(lock, 1, timeout=LOCK_SECONDS)
    except Exception:  # the cache is optional: render without it
        logger.warning("cache unavailable; rendering without a lock", exc_info=True)
        return render()
    if owner:
        try:
            return render()
        finally:
            try:
                cache.delete(lock)
            except Exception:
                logger.warning("cache unavailable; lock left to expire", exc_info=True)
    deadline = time.monotonic() + WAIT_SECONDS
    pause = FIRST_POLL_SECONDS
    while time.monotonic() < deadline:
        time.sleep(pause)
        pause = min(pause * 2, LONGEST_POLL_SECONDS)
        try:
            # The lock first: the page is stored before the lock is released, so a lock
            # gone and still no page means the render stored nothing (not cacheable, or
            # it failed).
            released = cache.get(lock) is None
            found = lookup()
            if found is not None:
                return found
            if released:
                break
        except Exception:
            logger.warning("cache unavailable while waiting for a render", exc_info=True)
            break
    return render()
