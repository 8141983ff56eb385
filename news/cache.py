"""Per-language caching of public news pages with instant invalidation.

Every cache key holds a version that any change to articles, categories or ministries
replaces, so an edit shows at once on every server sharing the cache (Redis in
production). Scheduled articles appear when due without cron: no page is cached past the
next due ``publish_at``.

Each process also keeps its own copies of the stored pages it answered last
(``local_copy``), trusted for ``NEWS_PAGE_LOCAL_SECONDS`` (1) without asking the shared
cache: on a page read thousands of times a second that is one Redis read a second per
process instead of one a request (the round trip was 40 % of a stored page's cost behind
Redis). A change made in this process empties them at once (``bump``); one made in
another process reaches this one within those seconds. The crisis banner is put in on the
way out of every page (crisis/banner.py), so these copies never delay it.
"""

import datetime
import logging
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

VERSION_KEY = "news:version"
DEFAULT_TIMEOUT = 300  # seconds a public page stays in the cache at most
NONE_DUE = "none"


def version() -> str:
    value = cache.get(VERSION_KEY)
    if value is None:
        # A fresh value, never a reset to 1: pages cached under an old version stay unused.
        value = str(time.time_ns())
        if not cache.add(VERSION_KEY, value, timeout=None):
            value = cache.get(VERSION_KEY) or value
    return value


def bump() -> None:
    forget_local_copies()
    try:
        cache.set(VERSION_KEY, str(time.time_ns()), timeout=None)
    except Exception:
        # Saving an article must not fail with the cache: pages cached before it expire
        # within DEFAULT_TIMEOUT once the cache is back.
        logger.warning("cache unavailable; news cache version not replaced", exc_info=True)


def next_due() -> datetime.datetime | None:
    """The next time a published article becomes public (one query per version)."""
    from news.models import Article

    key = f"news:next-due:{version()}"
    stamp = cache.get(key)
    if stamp is None:
        due = Article.objects.next_scheduled_at()
        stamp = due.timestamp() if due else NONE_DUE
        cache.set(key, stamp, timeout=_seconds_until(due) if due else DEFAULT_TIMEOUT)
    if stamp == NONE_DUE:
        return None
    return datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)


def _seconds_until(moment: datetime.datetime) -> int:
    return max(1, int((moment - timezone.now()).total_seconds()) + 1)


def page_timeout() -> int:
    """Seconds a page made now may be cached: never past the next due article."""
    due = next_due()
    if due is None:
        return DEFAULT_TIMEOUT
    return min(DEFAULT_TIMEOUT, max(0, int((due - timezone.now()).total_seconds())))


def remembered(name: str, compute):
    """``compute()``, shared by every page until the news change or the next article falls
    due (e.g. the archive's months, read by every uncached list and search page)."""
    try:
        key = f"news:{name}:{version()}"
        value = cache.get(key)
    except Exception:  # the cache is optional: compute it for this page
        logger.warning("cache unavailable; news %s computed without it", name, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            timeout = page_timeout()
            if timeout > 0:
                cache.set(key, value, timeout)
        except Exception:
            logger.warning("cache unavailable; news %s not cached", name, exc_info=True)
    return value


# --- This process's copies of stored pages ---------------------------------------------
LOCAL_PAGES = 256  # the most-read pages; ~15 KB each
_local: OrderedDict[str, tuple[float, dict, str]] = OrderedDict()
_local_lock = threading.Lock()


def local_copy(key: str) -> tuple[dict, str] | None:
    """This process's copy of the stored page ``key`` and its version, if it was read
    from the shared cache less than ``NEWS_PAGE_LOCAL_SECONDS`` ago and is not past its
    own expiry."""
    held = _local.get(key)
    if held is None:
        return None
    read_at, entry, current = held
    if time.monotonic() - read_at >= settings.NEWS_PAGE_LOCAL_SECONDS or (
        entry["expires"] <= time.time()
    ):
        return None
    return entry, current


def keep_local_copy(key: str, entry: dict, current: str) -> None:
    if settings.NEWS_PAGE_LOCAL_SECONDS <= 0:
        return
    with _local_lock:
        _local[key] = (time.monotonic(), entry, current)
        _local.move_to_end(key)
        while len(_local) > LOCAL_PAGES:
            _local.popitem(last=False)


def forget_local_copies() -> None:
    with _local_lock:
        _local.clear()
