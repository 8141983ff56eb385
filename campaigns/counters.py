"""Counting in the shared cache, and the flush of the counts to ``DailyCount`` rows.

A request never writes the database, and costs no network round trip: it adds one to
this process's buffer (a dict keyed by kind, subject and day, under a lock). The buffer
goes to the shared cache in one batch (Redis: one pipeline of ``INCRBY``; local memory in
development: per key) at most once every ``CAMPAIGN_COUNT_BATCH_SECONDS``: a timer started
by the first count of an empty buffer sends it, so a quiet process's counts are in the
cache within that time without a further request; the flush and the exit of the process
send it too. 0 sends every count at once. The first count of a subject on a day also
writes the subject into that day's index of the kind, so the flush finds every counter
without scanning Redis.

``flush()`` (``manage.py flush_campaign_counters``, cron every 5 minutes) first sends this
process's buffer, then takes each counter's value out (``decr`` by what it read: counts
that arrive meanwhile stay for the next run) and adds it to the day's row, in one
transaction per run. Running it again moves nothing more: it is idempotent.

What a Redis outage loses (tested in tests/campaigns/test_counting.py and
test_count_batches.py): at most the counts since the last flush plus one batch interval
(a batch that fails is dropped, logged at most once a minute), and nothing already
flushed. Requests go on being answered and never wait for Redis. A process that is
killed loses its unsent buffer (at most one interval of its counts). A crash of the flush
between taking the counts and the commit puts them back; a killed process there loses
that run's counts (again: at most the counts since the last flush).
"""

import atexit
import datetime
import hashlib
import logging
import os
import threading
import time
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.base import BaseCache
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

Event = tuple[str, str, datetime.date]  # kind, subject, day

_lock = threading.Lock()
_unsent: dict[Event, int] = {}
_timer: threading.Timer | None = None


def _counter_key(kind: str, subject: str, day: datetime.date) -> str:
    # The subject (a page's path, maybe Arabic) hashed: any text makes a valid key.
    digest = hashlib.sha256(subject.encode()).hexdigest()[:24]
    return f"campaigns:n:{kind}:{day:%Y%m%d}:{digest}"


def _index_key(kind: str, day: datetime.date) -> str:
    return f"campaigns:idx:{kind}:{day:%Y%m%d}"


def count(kind: str, subject: str, day: datetime.date | None = None) -> None:
    """Add one event of ``kind`` for ``subject`` today, in this process's buffer. Never
    raises: if the cache is down when the batch goes, the batch is lost (logged)."""
    global _timer
    event = (kind, subject, day or timezone.localdate())
    interval = settings.CAMPAIGN_COUNT_BATCH_SECONDS
    if interval <= 0:
        _send({event: 1}, caches["default"])
        return
    with _lock:
        _unsent[event] = _unsent.get(event, 0) + 1
        if _timer is None:
            # The request's own cache sends the batch: its Redis connection pool is
            # thread-safe, and the timer's thread would otherwise open a connection of
            # its own for every batch.
            _timer = threading.Timer(interval, push, kwargs={"backend": caches["default"]})
            _timer.daemon = True
            _timer.start()


def push(backend: BaseCache | None = None) -> bool:
    """Send this process's buffered counts to the shared cache now; False if the cache
    refused them (they are lost)."""
    global _unsent, _timer
    with _lock:
        batch, _unsent = _unsent, {}
        timer, _timer = _timer, None
    if timer is not None:
        timer.cancel()
    if not batch:
        return True
    return _send(batch, backend or caches["default"])


def forget() -> None:
    """Drop the unsent counts and stop their timer (tests)."""
    if _timer is not None:
        _timer.cancel()
    _start_afresh()


def _start_afresh() -> None:
    global _lock, _unsent, _timer
    # A fork may have copied the lock while another thread held it.
    _lock = threading.Lock()
    _unsent = {}
    _timer = None


# A worker forked from a master that counted: the master sends those counts, not the
# child (and the master's timer thread is not in the child).
os.register_at_fork(after_in_child=_start_afresh)
atexit.register(push)


def _send(batch: dict[Event, int], backend: BaseCache) -> bool:
    try:
        client = _redis_client(backend)
        if client is None:
            _add_one_by_one(batch, backend)
        else:
            _add_in_pipelines(batch, backend, client)
    except Exception as error:  # the counts are lost; pages must still be answered
        _warn(error)
        return False
    return True


def _redis_client(backend: BaseCache):
    """The raw Redis client of ``backend``, if it is Redis (for pipelines)."""
    inner = getattr(backend, "_cache", None)
    get_client = getattr(inner, "get_client", None)
    if get_client is None or not hasattr(backend, "make_and_validate_key"):
        return None
    return get_client(write=True)


def _add_in_pipelines(batch: dict[Event, int], backend: BaseCache, client) -> None:
    """One round trip for the batch; two more when it starts counters (the day's index
    gets their subjects)."""
    pipeline = client.pipeline(transaction=False)
    for event, value in batch.items():
        key = backend.make_and_validate_key(_counter_key(*event))
        # SET NX gives a new counter its lifetime in the same trip; INCRBY keeps it.
        pipeline.set(key, 0, ex=KEEP_SECONDS, nx=True)
        pipeline.incrby(key, value)
    created = pipeline.execute()[0::2]
    started = [event for event, new in zip(batch, created, strict=True) if new]
    if not started:
        return
    new_subjects: dict[str, list[str]] = defaultdict(list)
    for kind, subject, day in started:
        new_subjects[_index_key(kind, day)].append(subject)
    pipeline = client.pipeline(transaction=False)
    for index, subjects in new_subjects.items():
        size_key = backend.make_and_validate_key(f"{index}:size")
        pipeline.set(size_key, 0, ex=KEEP_SECONDS, nx=True)
        pipeline.incrby(size_key, len(subjects))
    sizes = pipeline.execute()[1::2]
    entries = {}
    for (index, subjects), size in zip(new_subjects.items(), sizes, strict=True):
        for position, subject in enumerate(subjects, start=size - len(subjects) + 1):
            entries[f"{index}:{position}"] = subject
    backend.set_many(entries, timeout=KEEP_SECONDS)


def _add_one_by_one(batch: dict[Event, int], backend: BaseCache) -> None:
    """Local memory (development): no pipeline, and no network to save."""
    for (kind, subject, day), value in batch.items():
        _total, started = _add(backend, _counter_key(kind, subject, day), value)
        if started:
            index = _index_key(kind, day)
            position, _started = _add(backend, f"{index}:size", 1)
            backend.set(f"{index}:{position}", subject, timeout=KEEP_SECONDS)


def _add(backend: BaseCache, key: str, value: int) -> tuple[int, bool]:
    """``value`` more on ``key``: (the new total, whether this started the counter)."""
    if backend.add(key, value, timeout=KEEP_SECONDS):
        return value, True
    try:
        return backend.incr(key, value), False
    except ValueError:  # expired between add and incr
        backend.add(key, value, timeout=KEEP_SECONDS)
        return value, True


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
    push()  # this process's counts too (a command, a test, a single-process install)
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
