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
from django.db.models import Count, Min, Q, Sum
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from feedback.calendar import WorkingClock, working_clock
from feedback.models import (
    RESPONSE_BIN_EDGES,
    DailyStat,
    Kind,
    MonthlyStat,
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
    SubmissionEvent.Kind.CLARIFIED,
)
# An inquiry is answered when the clarification of its claim is published.
ANSWER_KINDS = (SubmissionEvent.Kind.ANSWERED, SubmissionEvent.Kind.CLARIFIED)
# The unit of each kind's response times: the unit of its response target. Every kind's
# target is in working days today; a kind with a target in hours maps to "hour".
KIND_UNITS: dict[str, str] = {**dict.fromkeys(Kind.values, "day"), Kind.INQUIRY: "hour"}
# Rebuilding after a holiday changes: the cohorts received up to this many days before it
# (an item answered more than a year after receipt keeps its old bin until a full rebuild).
HOLIDAY_LOOKBACK_DAYS = 366
REBUILD_CHUNK_DAYS = 31

Key = tuple[datetime.date, int | None, int, str]
KEY_COLUMNS = ("day", "ministry_id", "topic_id", "kind")


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


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add(deltas: dict[Key, Counter]) -> None:
    """Add ``deltas`` to their daily rows and to the monthly rows that hold those days,
    creating missing rows: one statement per table (a few for a big rebuild).

    Rows are written in key order, daily table first, so two transactions touching the
    same rows lock them in the same order and cannot deadlock.
    """
    daily = {key: {f: n for f, n in counts.items() if n} for key, counts in deltas.items()}
    daily = {key: counts for key, counts in daily.items() if counts}
    monthly: dict[Key, Counter] = {}
    for (day, *rest), counts in daily.items():
        monthly.setdefault((month_of(day), *rest), Counter()).update(counts)
    _upsert(DailyStat, daily)
    _upsert(MonthlyStat, {key: counts for key, counts in monthly.items() if any(counts.values())})


def _upsert(model, rows: dict[Key, dict]) -> None:
    if not rows:
        return
    fields = sorted({field for counts in rows.values() for field in counts})
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [*KEY_COLUMNS, *fields]
    updates = ", ".join(f"{quote(f)} = {table}.{quote(f)} + EXCLUDED.{quote(f)}" for f in fields)
    keys = sorted(rows, key=_sort_key)
    # Batches under the databases' limits on parameters per statement.
    per_batch = max(1, 20_000 // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(keys), per_batch):
            batch = keys[start : start + per_batch]
            row_sql = f"({', '.join(['%s'] * len(columns))})"
            params = [v for key in batch for v in (*key, *(rows[key].get(f, 0) for f in fields))]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
                f"VALUES {', '.join([row_sql] * len(batch))} "
                f'ON CONFLICT ("day", COALESCE("ministry_id", 0), "topic_id", "kind") '
                f"DO UPDATE SET {updates}",
                params,
            )


def _insert(model, totals: dict[Key, Counter]) -> None:
    """Write new rows (the rebuild, after deleting its period), every column given: COPY on
    PostgreSQL, one prepared INSERT per row elsewhere."""
    counters = [f.column for f in model._meta.concrete_fields if f.column not in KEY_COLUMNS]
    counters.remove("id")
    fields = [*KEY_COLUMNS, *counters]
    quote = connection.ops.quote_name
    table, column_sql = quote(model._meta.db_table), ", ".join(quote(f) for f in fields)
    rows = [
        (*key, *(totals[key].get(name, 0) for name in counters))
        for key in sorted(totals, key=_sort_key)
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({column_sql}) VALUES ({placeholders})", rows)  # noqa: S608


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
    (inclusive; None: from the first item, to today), and the monthly rows of their
    months. Returns the items counted.

    One transaction per calendar month: readers see a month either before or after. On
    PostgreSQL both tables are locked against concurrent increments meanwhile (reads go
    on), so a change committed meanwhile is counted once: before the lock it is in what
    the rebuild reads, after it its increment lands on the rebuilt rows.
    """
    if first_day is None:
        oldest = Submission.objects.order_by().aggregate(first=Min("created_at"))["first"]
        if oldest is None:
            with transaction.atomic():
                DailyStat.objects.all().delete()
                MonthlyStat.objects.all().delete()
            return 0
        first_day = day_of(oldest)
    last_day = last_day or timezone.localdate()
    clock = working_clock()
    counted = 0
    day = first_day
    while day <= last_day:
        month = month_of(day)
        next_month = (month + datetime.timedelta(days=32)).replace(day=1)
        end = min(next_month, last_day + datetime.timedelta(days=1))
        with transaction.atomic():
            if connection.vendor == "postgresql":
                tables = ", ".join(
                    connection.ops.quote_name(m._meta.db_table) for m in (DailyStat, MonthlyStat)
                )
                with connection.cursor() as cursor:
                    cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
            DailyStat.objects.filter(day__gte=day, day__lt=end).delete()
            totals: dict[Key, Counter] = {}
            for facts in _facts_in(day, end):
                key, counts = contribution(facts, clock)
                totals.setdefault(key, Counter()).update(counts)
                counted += 1
            _insert(DailyStat, totals)
            _rebuild_month(month, next_month)
        day = end
    logger.info("statistics rebuilt from %s to %s: %s items", first_day, last_day, counted)
    return counted


def _rebuild_month(month: datetime.date, next_month: datetime.date) -> None:
    """The monthly rows of ``month``: the sums of its daily rows (one grouped query)."""
    MonthlyStat.objects.filter(day=month).delete()
    counters = [
        f.column
        for f in DailyStat._meta.concrete_fields
        if f.column not in KEY_COLUMNS and f.column != "id"
    ]
    sums = (
        DailyStat.objects.filter(day__gte=month, day__lt=next_month)
        .order_by()
        .values("ministry_id", "topic_id", "kind")
        .annotate(**{f"total_{name}": Sum(name) for name in counters})
    )
    _insert(
        MonthlyStat,
        {
            (month, row["ministry_id"], row["topic_id"], row["kind"]): Counter(
                {name: row[f"total_{name}"] for name in counters}
            )
            for row in sums
        },
    )


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
    if kwargs.get("raw"):
        return  # rows loaded as they are (loaddata, the browser tests' snapshot) bring their own statistics
    previous = getattr(instance, "_previous_date", None)
    if kwargs.get("created") is False and previous == instance.date:
        # Only the name changed (or nothing: `load_demo` saves its holidays on every run):
        # no working day moved, and a rebuild of a year of a million requests takes minutes.
        return
    dates = [d for d in (instance.date, previous) if d]
    if min(dates) > timezone.localdate():
        return  # no time measured so far crosses a day still to come
    first = min(dates) - datetime.timedelta(days=HOLIDAY_LOOKBACK_DAYS)
    last = min(max(dates), timezone.localdate())

    def enqueue() -> None:
        rebuild_task.enqueue(first.isoformat(), last.isoformat())

    transaction.on_commit(enqueue, robust=True)
