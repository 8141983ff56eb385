"""Counting in the shared cache, and the flush of the counts to ``DailyCount`` rows.

A request never writes the database: it adds one to a counter in the cache (Redis
``INCR``; local memory in development), keyed by kind, subject and day. The first count
of a subject on a day also writes the subject into that day's index of the kind, so the
flush finds every counter without scanning Redis.

``flush()`` (``manage.py flush_campaign_counters``, cron every 5 minutes) takes each
counter's value out (``decr`` by what it read: counts that arrive meanwhile stay for the
next run) and adds it to the day's row, in one transaction per run. Running it again
moves nothing more: it is idempotent.

What a Redis outage loses (tested in tests/campaigns/test_counting.py): the counts since
the last flush, at most, and nothing already flushed. While Redis does not answer,
counting is skipped (logged, never an error page), so requests go on being answered. A
crash of the flush between taking the counts and the commit puts them back; a killed
process there loses that run's counts (again: at most the counts since the last flush).
"""

import datetime
import hashlib
import logging
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from campaigns.models import DailyCount

logger = logging.getLogger(__name__)

# Counters and indexes live this long: a flush that stops for a week loses the oldest day.
KEEP_SECONDS = 8 * 24 * 60 * 60
# Days the flush looks back (a cron that missed a night still finds yesterday's counts).
FLUSH_DAYS = 3
FLUSH_LOCK = "campaigns:flush-lock"
FLUSH_LOCK_SECONDS = 300
_WARNING_INTERVAL = 60.0
_last_warning = 0.0


def _counter_key(kind: str, subject: str, day: datetime.date) -> str:
    # The subject (a page's path, maybe Arabic) hashed: any text makes a valid key.
    digest = hashlib.sha256(subject.encode()).hexdigest()[:24]
    return f"campaigns:n:{kind}:{day:%Y%m%d}:{digest}"


def _index_key(kind: str, day: datetime.date) -> str:
    return f"campaigns:idx:{kind}:{day:%Y%m%d}"


def _incr(key: str) -> tuple[int, bool]:
    """One more on ``key``: (the new value, whether this started the counter)."""
    client = _redis_client()
    if client is not None:  # one round trip: INCR creates the key at 1
        full_key = cache.make_and_validate_key(key)
        value = client.incr(full_key)
        if value == 1:
            client.expire(full_key, KEEP_SECONDS)
        return value, value == 1
    if cache.add(key, 1, timeout=KEEP_SECONDS):
        return 1, True
    try:
        return cache.incr(key), False
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=KEEP_SECONDS)
        return 1, True


def _redis_client():
    """The raw Redis client of the default cache, if it is Redis (one INCR is one trip)."""
    inner = getattr(cache, "_cache", None)
    get_client = getattr(inner, "get_client", None)
    if get_client is None or not hasattr(cache, "make_and_validate_key"):
        return None
    return get_client(write=True)


def count(kind: str, subject: str, day: datetime.date | None = None) -> bool:
    """Add one event of ``kind`` for ``subject`` today; False if the cache is down (the
    event is lost, the request goes on)."""
    day = day or timezone.localdate()
    try:
        _value, started = _incr(_counter_key(kind, subject, day))
        if started:
            _register(kind, subject, day)
    except Exception as error:  # the count is lost; the page must still be answered
        _warn(error)
        return False
    return True


def _register(kind: str, subject: str, day: datetime.date) -> None:
    """Write ``subject`` into the day's index of ``kind`` (once per subject and day)."""
    index = _index_key(kind, day)
    position, _started = _incr(f"{index}:size")
    cache.set(f"{index}:{position}", subject, timeout=KEEP_SECONDS)


def _warn(error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= _WARNING_INTERVAL:
        _last_warning = now
        logger.warning(
            "campaign counts lost: the shared cache does not answer (%s: %s)",
            type(error).__name__,
            error,
        )


def pending(kind: str, day: datetime.date) -> dict[str, int]:
    """The counts of ``kind`` on ``day`` not flushed yet, by subject."""
    index = _index_key(kind, day)
    size = cache.get(f"{index}:size") or 0
    if not size:
        return {}
    subjects = cache.get_many([f"{index}:{position}" for position in range(1, size + 1)])
    names = sorted(set(subjects.values()))
    keys = {_counter_key(kind, subject, day): subject for subject in names}
    values = cache.get_many(list(keys))
    return {keys[key]: int(value) for key, value in values.items() if int(value) > 0}


def flush(today: datetime.date | None = None) -> int:
    """Move every count of the last ``FLUSH_DAYS`` days into ``DailyCount``; returns the
    number of events moved."""
    today = today or timezone.localdate()
    # One flush at a time: two would both take the same counts.
    if not cache.add(FLUSH_LOCK, 1, timeout=FLUSH_LOCK_SECONDS):
        logger.warning("campaign counters: another flush is running; nothing done")
        return 0
    try:
        return _flush(today)
    finally:
        cache.delete(FLUSH_LOCK)


def _flush(today: datetime.date) -> int:
    taken: list[tuple[str, str, datetime.date, int]] = []
    try:
        for offset in range(FLUSH_DAYS):
            day = today - datetime.timedelta(days=offset)
            for kind in DailyCount.Kind.values:
                for subject, value in pending(kind, day).items():
                    cache.decr(_counter_key(kind, subject, day), value)
                    taken.append((kind, subject, day, value))
        with transaction.atomic():
            for kind, subject, day, value in taken:
                row, created = DailyCount.objects.get_or_create(
                    kind=kind, subject=subject, day=day, defaults={"count": value}
                )
                if not created:
                    DailyCount.objects.filter(pk=row.pk).update(count=F("count") + value)
    except Exception:
        _put_back(taken)
        raise
    return sum(value for *_rest, value in taken)


def _put_back(taken) -> None:
    """The database refused the run: give the counts back to the cache for the next."""
    for kind, subject, day, value in taken:
        try:
            _incr_by(_counter_key(kind, subject, day), value)
        except Exception:
            logger.exception("campaign counts lost while putting them back")


def _incr_by(key: str, value: int) -> None:
    try:
        cache.incr(key, value)
    except ValueError:
        cache.set(key, value, timeout=KEEP_SECONDS)
