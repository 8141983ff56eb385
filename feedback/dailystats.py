"""Keeping ``DailyStat`` in step with the submissions: one rule, two ways to apply it.

``contribution(facts, clock)`` says what one item adds to the statistics: the key of its
row (day of receipt, current ministry, topic, kind) and its counts. ``feedback.workflow``
calls ``record_change(before, after)`` inside the transaction of each change: the
difference of the item's two contributions is added with one ``INSERT ... ON CONFLICT DO
UPDATE SET n = n + excluded.n`` (PostgreSQL and SQLite), which never loses an increment
when two transactions hit the same row. ``rebuild(first_day, last_day)`` recomputes the
rows of a range of days from the submissions and their audit rows with the same
``contribution``, so the two can only agree. Reading them is ``feedback.stats``.
"""

import datetime
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from feedback.calendar import WorkingClock, working_clock
from feedback.models import (
    RESPONSE_BIN_EDGES,
    DailyStat,
    Kind,
    PublicHoliday,
    Submission,
    SubmissionEvent,
    bin_field,
)
from portal.tasks import task

logger = logging.getLogger(__name__)

# The audit events that are a first response (the ministry acknowledged or answered, or a
# moderator rejected), and the one that is the answer.
FIRST_RESPONSE_KINDS = (
    SubmissionEvent.Kind.ACKNOWLEDGED,
    SubmissionEvent.Kind.ANSWERED,
    SubmissionEvent.Kind.REJECTED,
)
ANSWER_KINDS = (SubmissionEvent.Kind.ANSWERED,)
# The unit of each kind's response times: the unit of its response target. Every kind's
# target is in working days today; a kind with a target in hours maps to "hour".
KIND_UNITS: dict[str, str] = dict.fromkeys(Kind.values, "day")
# Rebuilding after a holiday changes: the cohorts received up to this many days before it
# (an item answered more than a year after receipt keeps its old bin until a full rebuild).
HOLIDAY_LOOKBACK_DAYS = 366
REBUILD_CHUNK_DAYS = 31

Key = tuple[datetime.date, int | None, int, str]


def unit_of(kind: str) -> str:
    return KIND_UNITS.get(kind, "day")


@dataclass(frozen=True)
class Facts:
    """What the statistics read of one item: its row, and what its history holds."""

    created_at: datetime.datetime
    ministry_id: int | None
    topic_id: int
    kind: str
    status: str
    rating: int | None
    first_response_at: datetime.datetime | None = None
    answered_at: datetime.datetime | None = None
    reroutes: int = 0
    send_backs: int = 0
    reopenings: int = 0

    @classmethod
    def of(cls, item: Submission, events: Iterable[tuple] = ()) -> "Facts":
        """From the item and its events as (kind, created_at, from_status, to_status)."""
        facts = cls(
            created_at=item.created_at,
            ministry_id=item.ministry_id,
            topic_id=item.topic_id,
            kind=item.kind,
            status=item.status,
            rating=item.rating,
        )
        for event in events:
            facts = facts.with_event(*event)
        return facts

    def with_event(self, kind: str, at, from_status: str, to_status: str) -> "Facts":
        changes: dict = {}
        if kind in FIRST_RESPONSE_KINDS and (
            self.first_response_at is None or at < self.first_response_at
        ):
            changes["first_response_at"] = at
        if kind in ANSWER_KINDS and (self.answered_at is None or at < self.answered_at):
            changes["answered_at"] = at
        if kind == SubmissionEvent.Kind.REROUTED:
            changes["reroutes"] = self.reroutes + 1
        if kind == SubmissionEvent.Kind.SENT_BACK:
            changes["send_backs"] = self.send_backs + 1
        if is_reopening(from_status, to_status):
            changes["reopenings"] = self.reopenings + 1
        return replace(self, **changes) if changes else self


def is_reopening(from_status: str, to_status: str) -> bool:
    """A finished item (answered, closed, rejected, merged) made open again."""
    return from_status in Submission.FINISHED_STATUSES and to_status in Submission.OPEN_STATUSES


def bin_index(value: float, unit: str) -> int:
    edges = RESPONSE_BIN_EDGES[unit]
    index = 0
    # 57 edges: a plain scan is as fast as bisect here and reads like the definition.
    while index + 1 < len(edges) and value >= edges[index + 1]:
        index += 1
    return index


def elapsed(clock: WorkingClock, unit: str, start, end) -> float:
    return clock.working_days(start, end) if unit == "day" else clock.working_hours(start, end)


def day_of(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def contribution(facts: Facts, clock: WorkingClock | None) -> tuple[Key, Counter]:
    """The key of the item's row and what the item adds to it. ``clock`` may be None when
    the item has no response yet (nothing is measured)."""
    key = (day_of(facts.created_at), facts.ministry_id, facts.topic_id, facts.kind)
    counts: Counter = Counter(received=1)
    counts[f"status_{facts.status}"] = 1
    unit = unit_of(facts.kind)
    for measure, field, moment in (
        ("first_response", "first_responses", facts.first_response_at),
        ("answer", "answers", facts.answered_at),
    ):
        if moment is not None:
            counts[field] = 1
            value = elapsed(clock, unit, facts.created_at, moment)
            counts[bin_field(measure, bin_index(value, unit))] = 1
    for field in ("reroutes", "send_backs", "reopenings"):
        if getattr(facts, field):
            counts[field] = getattr(facts, field)
    if facts.rating is not None:
        counts["ratings"] = 1
        counts["rating_sum"] = facts.rating
    return key, counts


def clock_for(*facts: Facts | None) -> WorkingClock | None:
    """The working calendar for measuring these items, or None when none has a response."""
    measured = [f for f in facts if f is not None and (f.first_response_at or f.answered_at)]
    if not measured:
        return None
    return working_clock(min(day_of(f.created_at) for f in measured))


def record_change(before: Facts | None, after: Facts | None) -> None:
    """Apply an item's change to the statistics (None: the item did not / no longer exist).

    Must run in the transaction of the change: the increments commit or roll back with it.
    """
    clock = clock_for(before, after)
    deltas: dict[Key, Counter] = {}
    if after is not None:
        key, counts = contribution(after, clock)
        deltas.setdefault(key, Counter()).update(counts)
    if before is not None:
        key, counts = contribution(before, clock)
        deltas.setdefault(key, Counter()).subtract(counts)
    add(deltas)


def _sort_key(key: Key) -> tuple:
    day, ministry_id, topic_id, kind = key
    return (day, ministry_id or 0, topic_id, kind)


def add(deltas: dict[Key, Counter]) -> None:
    """Add ``deltas`` to their rows, creating missing rows, in one statement.

    Rows are written in key order, so two transactions touching the same two rows lock
    them in the same order and cannot deadlock.
    """
    rows = {key: {f: n for f, n in counts.items() if n} for key, counts in deltas.items()}
    rows = {key: counts for key, counts in rows.items() if counts}
    if not rows:
        return
    fields = sorted({field for counts in rows.values() for field in counts})
    quote = connection.ops.quote_name
    table = quote(DailyStat._meta.db_table)
    columns = ["day", "ministry_id", "topic_id", "kind", *fields]
    values, params = [], []
    for key in sorted(rows, key=_sort_key):
        values.append(f"({', '.join(['%s'] * len(columns))})")
        params += [*key, *(rows[key].get(field, 0) for field in fields)]
    updates = ", ".join(f"{quote(f)} = {table}.{quote(f)} + EXCLUDED.{quote(f)}" for f in fields)
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 - our names
        f"VALUES {', '.join(values)} "
        f'ON CONFLICT ("day", COALESCE("ministry_id", 0), "topic_id", "kind") '
        f"DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def history(submission_id: int) -> list[tuple]:
    """The item's events as ``Facts.of`` reads them (one indexed query)."""
    return list(
        SubmissionEvent.objects.filter(submission_id=submission_id)
        .order_by("created_at", "pk")
        .values_list("kind", "created_at", "from_status", "to_status")
    )


# --- Rebuilding from the raw rows ---------------------------------------------------------


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _facts_in(first_day: datetime.date, end_day: datetime.date) -> Iterable[Facts]:
    """The facts of every item received from ``first_day`` to before ``end_day``: one
    grouped join of the submissions with their events (no query per item)."""
    events = Q(events__kind__in=FIRST_RESPONSE_KINDS)
    rows = (
        Submission.objects.filter(
            created_at__gte=_local_midnight(first_day), created_at__lt=_local_midnight(end_day)
        )
        .order_by()
        .values_list("pk", "created_at", "ministry_id", "topic_id", "kind", "status", "rating")
        .annotate(
            first_response_at=Min("events__created_at", filter=events),
            answered_at=Min("events__created_at", filter=Q(events__kind__in=ANSWER_KINDS)),
            reroutes=Count("events", filter=Q(events__kind=SubmissionEvent.Kind.REROUTED)),
            send_backs=Count("events", filter=Q(events__kind=SubmissionEvent.Kind.SENT_BACK)),
            reopenings=Count(
                "events",
                filter=Q(
                    events__from_status__in=Submission.FINISHED_STATUSES,
                    events__to_status__in=Submission.OPEN_STATUSES,
                ),
            ),
        )
    )
    for row in rows.iterator(chunk_size=10_000):
        yield Facts(*row[1:])


def rebuild(first_day: datetime.date | None = None, last_day: datetime.date | None = None) -> int:
    """Recompute the rows of the days of receipt from ``first_day`` to ``last_day``
    (inclusive; None: from the first item, to today). Returns the items counted.

    One transaction per chunk of days: readers see a chunk either before or after. On
    PostgreSQL the table is locked against concurrent increments for the chunk (reads go
    on), so a change committed meanwhile is counted once: before the lock it is in what
    the rebuild reads, after it its increment lands on the rebuilt row.
    """
    bounds = Submission.objects.order_by().aggregate(first=Min("created_at"))
    if first_day is None:
        if bounds["first"] is None:
            DailyStat.objects.all().delete()
            return 0
        first_day = day_of(bounds["first"])
    last_day = last_day or timezone.localdate()
    clock = working_clock()
    counted = 0
    day = first_day
    while day <= last_day:
        end = min(
            day + datetime.timedelta(days=REBUILD_CHUNK_DAYS), last_day + datetime.timedelta(days=1)
        )
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    table = connection.ops.quote_name(DailyStat._meta.db_table)
                    cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            DailyStat.objects.filter(day__gte=day, day__lt=end).delete()
            totals: dict[Key, Counter] = {}
            for facts in _facts_in(day, end):
                key, counts = contribution(facts, clock)
                totals.setdefault(key, Counter()).update(counts)
                counted += 1
            DailyStat.objects.bulk_create(
                [
                    DailyStat(
                        day=key[0], ministry_id=key[1], topic_id=key[2], kind=key[3], **counts
                    )
                    for key, counts in sorted(totals.items(), key=lambda kv: _sort_key(kv[0]))
                ],
                batch_size=500,
            )
        day = end
    logger.info("statistics rebuilt from %s to %s: %s items", first_day, last_day, counted)
    return counted


@task()
def rebuild_task(first_day: str | None = None, last_day: str | None = None) -> int:
    """``rebuild`` as a task (ISO dates: task arguments are JSON)."""
    parse = datetime.date.fromisoformat
    return rebuild(first_day and parse(first_day), last_day and parse(last_day))


# --- Holidays change working days: rebuild what they touch ------------------------------


@receiver(pre_save, sender=PublicHoliday)
def _remember_old_date(sender, instance: PublicHoliday, **kwargs) -> None:
    instance._previous_date = (
        sender.objects.filter(pk=instance.pk).values_list("date", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=PublicHoliday)
@receiver(post_delete, sender=PublicHoliday)
def _rebuild_around_holiday(sender, instance: PublicHoliday, **kwargs) -> None:
    """Times measured across the holiday change: rebuild the cohorts that may hold them
    (received up to ``HOLIDAY_LOOKBACK_DAYS`` before it), after the commit."""
    dates = [d for d in (instance.date, getattr(instance, "_previous_date", None)) if d]
    if min(dates) > timezone.localdate():
        return  # no time measured so far crosses a day still to come
    first = min(dates) - datetime.timedelta(days=HOLIDAY_LOOKBACK_DAYS)
    last = min(max(dates), timezone.localdate())

    def enqueue() -> None:
        rebuild_task.enqueue(first.isoformat(), last.isoformat())

    transaction.on_commit(enqueue, robust=True)
