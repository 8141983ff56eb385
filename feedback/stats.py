"""Numbers of the staff dashboard, computed in the database with a fixed number of queries.

Everything starts from ``Submission.objects.countable_by(user)``: the caller passes that
queryset in, so the scope (all ministries, or one) is decided in one place. No personal
data leaves this module: references, topics, ministries, dates and counts only.

Queries, whatever the number of rows: status x kind counts (1), per-ministry counts and
ratings (1), ministry names (1), the overdue list (1, bounded), weekly volumes (1) and one
per median (4: first response and answer, per ministry and overall). Medians use window
functions (ROW_NUMBER and COUNT over the ministry), which SQLite and PostgreSQL both run:
the database returns at most the two middle rows per ministry, so memory stays bounded
and one code path serves both databases.
"""

import datetime
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone, translation

from feedback.models import Submission, SubmissionEvent, overdue_q
from portal import roles
from portal.models import Ministry

logger = logging.getLogger(__name__)

WEEKS = 12
OVERDUE_LIST_LIMIT = 25
# Staff events that count as the ministry's (or moderators') first response.
FIRST_RESPONSE_KINDS = ("acknowledged", "answered", "rejected")
ANSWER_KINDS = ("answered",)
ONE_DAY = datetime.timedelta(days=1)
# Part of the cache key: bump when the cached dataclasses change shape.
CACHE_VERSION = 1


@dataclass
class MinistryRow:
    ministry_id: int | None
    name: str
    total: int = 0
    open: int = 0
    overdue: int = 0
    median_first_response: datetime.timedelta | None = None
    median_answer: datetime.timedelta | None = None
    average_rating: float | None = None
    ratings: int = 0


@dataclass
class WeekRow:
    start: datetime.date
    count: int


@dataclass
class OverdueRow:
    pk: int
    reference: str
    topic: str
    ministry: str
    due_at: datetime.date


@dataclass
class Dashboard:
    total: int
    open: int
    overdue: int
    by_status: list[tuple[str, str, int]]
    by_kind: list[tuple[str, str, int]]
    ministries: list[MinistryRow]
    overdue_items: list[OverdueRow]
    weeks: list[WeekRow]
    average_rating: float | None
    ratings: int
    first_response_all: datetime.timedelta | None = None
    answer_all: datetime.timedelta | None = None


def week_start(day: datetime.date) -> datetime.date:
    """The Sunday that starts ``day``'s week (the working week is Sunday to Thursday)."""
    return day - datetime.timedelta(days=(day.weekday() + 1) % 7)


# Seconds between two timestamps, per database (the rest of the SQL is standard).
_ELAPSED_SECONDS = {
    "postgresql": "EXTRACT(EPOCH FROM (f.event_at - s.created_at))",
    "sqlite": "(julianday(f.event_at) - julianday(s.created_at)) * 86400.0",
}


def _middle_rows(queryset, kinds, partition: bool) -> list[tuple[int | None, float]]:
    """(ministry_id, seconds) of the middle item(s) of each ministry, or of everything.

    One statement: the scope (the caller's queryset, so ``countable_by`` still decides),
    the first event of ``kinds`` of each item by a grouped join (not a subquery per item),
    then ``ROW_NUMBER`` and ``COUNT`` over the ministry mark the middle: positions from
    (n + 1) / 2 to (n + 2) / 2 in integer division, one row when n is odd, two when even.
    Written in SQL because Django puts window functions of an aggregated query into its
    GROUP BY, which PostgreSQL refuses.
    """
    vendor = connections[queryset.db].vendor
    elapsed = _ELAPSED_SECONDS.get(vendor)
    if elapsed is None:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(f"No elapsed-time expression for {vendor}")
    try:
        scope_sql, scope_params = (
            queryset.order_by().values("pk", "ministry_id", "created_at").query.sql_with_params()
        )
    except EmptyResultSet:  # an empty scope (``.none()``): nothing to rank
        return []
    event_table = connections[queryset.db].ops.quote_name(SubmissionEvent._meta.db_table)
    over = "PARTITION BY s.ministry_id" if partition else ""
    placeholders = ", ".join(["%s"] * len(kinds))
    sql = f"""
        WITH scope (id, ministry_id, created_at) AS ({scope_sql}),
        first_event AS (
            SELECT e.submission_id, MIN(e.created_at) AS event_at
            FROM {event_table} e JOIN scope s ON s.id = e.submission_id
            WHERE e.kind IN ({placeholders})
            GROUP BY e.submission_id
        ),
        ranked AS (
            SELECT s.ministry_id, {elapsed} AS seconds,
                ROW_NUMBER() OVER ({over} ORDER BY {elapsed}) AS ordinal,
                COUNT(*) OVER ({over}) AS row_total
            FROM first_event f JOIN scope s ON s.id = f.submission_id
        )
        SELECT ministry_id, seconds FROM ranked
        WHERE ordinal >= (row_total + 1) / 2 AND ordinal <= (row_total + 2) / 2
    """  # noqa: S608 - only our own SQL and table names are formatted in; values are params
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, [*scope_params, *kinds])
        return [(ministry_id, float(seconds)) for ministry_id, seconds in cursor.fetchall()]


def _mean(seconds: list[float]) -> datetime.timedelta:
    # Whole seconds: the database's float arithmetic must not show as microseconds.
    return datetime.timedelta(seconds=round(sum(seconds) / len(seconds)))


def medians_by_ministry(queryset, kinds) -> dict[int | None, datetime.timedelta]:
    """Median of (first event of ``kinds``) - received, per ministry; items without such
    an event are left out. The database returns the one or two middle rows of each."""
    middles: dict[int | None, list[float]] = {}
    for ministry_id, elapsed in _middle_rows(queryset, kinds, partition=True):
        middles.setdefault(ministry_id, []).append(elapsed)
    return {key: _mean(values) for key, values in middles.items()}


def median_overall(queryset, kinds) -> datetime.timedelta | None:
    """The same median over the whole scope (one query, at most two rows back)."""
    values = [elapsed for _, elapsed in _middle_rows(queryset, kinds, partition=False)]
    return _mean(values) if values else None


def weekly_counts(queryset, today: datetime.date, weeks: int = WEEKS) -> list[WeekRow]:
    """Submissions per week (Sunday to Saturday, local time) for the last ``weeks`` weeks,
    oldest first, with empty weeks as zero."""
    this_week = week_start(today)
    first = this_week - datetime.timedelta(weeks=weeks - 1)
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    # TruncWeek starts weeks on Monday: shift by a day so they start on Sunday.
    shifted = ExpressionWrapper(F("created_at") + ONE_DAY, output_field=DateTimeField())
    rows = (
        queryset.filter(created_at__gte=start)
        .annotate(week=TruncWeek(shifted))
        .order_by()
        .values("week")
        .annotate(n=Count("pk"))
    )
    counts: dict[datetime.date, int] = {}
    for row in rows:
        week = row["week"]
        day = timezone.localtime(week).date() if isinstance(week, datetime.datetime) else week
        counts[day - ONE_DAY] = counts.get(day - ONE_DAY, 0) + row["n"]
    return [
        WeekRow(
            start=first + datetime.timedelta(weeks=i),
            count=counts.get(first + datetime.timedelta(weeks=i), 0),
        )
        for i in range(weeks)
    ]


def build(queryset, today: datetime.date | None = None) -> Dashboard:
    """All the dashboard's numbers for the rows of ``queryset`` (already scoped)."""
    today = today or timezone.localdate()
    queryset = queryset.order_by()
    overdue = overdue_q(today)
    open_statuses = Submission.OPEN_STATUSES

    status_names = dict(Submission.Status.choices)
    kind_names = dict(Submission.Kind.choices)
    by_status_counts = dict.fromkeys(status_names, 0)
    by_kind_counts = dict.fromkeys(kind_names, 0)
    for row in queryset.values("status", "kind").annotate(n=Count("pk")):
        by_status_counts[row["status"]] = by_status_counts.get(row["status"], 0) + row["n"]
        by_kind_counts[row["kind"]] = by_kind_counts.get(row["kind"], 0) + row["n"]

    per_ministry = {
        "total": Count("pk"),
        "open": Count("pk", filter=Q(status__in=open_statuses)),
        "overdue": Count("pk", filter=overdue),
    }
    per_ministry["average_rating"] = Avg("rating")
    per_ministry["ratings"] = Count("rating")
    ministry_rows = list(queryset.values("ministry_id").annotate(**per_ministry))
    ids = [row["ministry_id"] for row in ministry_rows if row["ministry_id"]]
    names = {m.pk: m.name for m in Ministry.objects.filter(pk__in=ids)}
    first_response = medians_by_ministry(queryset, FIRST_RESPONSE_KINDS)
    answer = medians_by_ministry(queryset, ANSWER_KINDS)

    ministries = []
    for row in ministry_rows:
        key = row["ministry_id"]
        ministries.append(
            MinistryRow(
                ministry_id=key,
                name=names.get(key, ""),
                total=row["total"],
                open=row["open"],
                overdue=row["overdue"],
                median_first_response=first_response.get(key),
                median_answer=answer.get(key),
                average_rating=row.get("average_rating"),
                ratings=row.get("ratings", 0),
            )
        )
    # Ministries by name; items not routed yet last.
    ministries.sort(key=lambda m: (m.ministry_id is None, m.name))

    overdue_items = [
        OverdueRow(
            pk=item.pk,
            reference=item.reference,
            topic=item.topic.name,
            ministry=item.ministry.name if item.ministry else "",
            due_at=item.due_at,
        )
        for item in queryset.filter(overdue)
        .select_related("topic", "ministry")
        .only("pk", "reference", "due_at", "topic", "ministry")
        .order_by("due_at", "pk")[:OVERDUE_LIST_LIMIT]
    ]

    rated = [m for m in ministries if m.ratings]
    ratings = sum(m.ratings for m in rated)
    average = sum(m.average_rating * m.ratings for m in rated) / ratings if ratings else None

    return Dashboard(
        total=sum(m.total for m in ministries),
        open=sum(m.open for m in ministries),
        overdue=sum(m.overdue for m in ministries),
        by_status=[(v, str(status_names[v]), n) for v, n in by_status_counts.items()],
        by_kind=[(v, str(kind_names[v]), n) for v, n in by_kind_counts.items()],
        ministries=ministries,
        overdue_items=overdue_items,
        weeks=weekly_counts(queryset, today),
        average_rating=average,
        ratings=ratings,
        first_response_all=median_overall(queryset, FIRST_RESPONSE_KINDS),
        answer_all=median_overall(queryset, ANSWER_KINDS),
    )


def cached_dashboard(user, seconds: int) -> Dashboard | None:
    """The dashboard of the user's scope, shared for ``seconds`` by everyone of that scope.

    The key holds the scope and the language (ministry and topic names are translated),
    so an officer of one ministry can never be served another ministry's numbers.
    """
    scope = roles.feedback_scope(user)
    if scope is None:
        return None
    queryset = Submission.objects.countable_by(user)
    if seconds <= 0:
        return build(queryset)
    key = f"feedback_staff:dashboard:v{CACHE_VERSION}:{scope.key}:{translation.get_language()}:{timezone.localdate()}"
    try:
        data = cache.get(key)
    except Exception:  # the cache is optional: without Redis every visit computes
        logger.warning("cache unavailable; dashboard computed without it", exc_info=True)
        return build(queryset)
    if data is None:
        data = build(queryset)
        try:
            cache.set(key, data, seconds)
        except Exception:
            logger.warning("cache unavailable; dashboard not cached", exc_info=True)
    return data
