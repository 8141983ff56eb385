"""Reading the statistics: counts and medians from ``DailyStat``, never from the items.

The one API for every page that shows feedback statistics (the staff dashboard, the
public statistics): ``figures(rows, first_day, last_day, by=...)`` sums the aggregate rows
of a scope (``DailyStat.objects.countable_by(user)`` for staff, ``DailyStat.objects.all()``
for the public) over days of receipt, and its ``Figures.median(measure)`` reads the
histograms, so two pages asking for the same scope and days show the same numbers.
``build`` adds what is current state and not an aggregate: the overdue counts and the
list of the oldest overdue items, read live through the ``submission_status_due`` index.

Definitions (docs/decisions.md, "Statistics from daily aggregates"): a row holds the items
received on its day, as they are now; medians are in working days (weekends and public
holidays left out), exact to the width of the histogram's bin that holds them (0.25
working day under 5 days, see ``feedback.models.RESPONSE_BIN_EDGES``).

Queries for the dashboard, whatever the number of rows: the sums per ministry and kind
(1), ministry names (1), overdue counts per ministry (1), the overdue list (1, bounded)
and the weekly volumes (1).
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.utils import timezone, translation

from feedback.dailystats import unit_of
from feedback.models import (
    RESPONSE_BIN_EDGES,
    RESPONSE_BINS,
    RESPONSE_MEASURES,
    DailyStat,
    MonthlyStat,
    Submission,
    bin_field,
    overdue_q,
)
from portal import roles
from portal.models import Ministry

logger = logging.getLogger(__name__)

WEEKS = 12
OVERDUE_LIST_LIMIT = 25
ONE_DAY = datetime.timedelta(days=1)
# Part of the cache key: bump when the cached dataclasses change shape.
CACHE_VERSION = 2
STATUS_FIELDS = {status: f"status_{status}" for status in Submission.Status.values}
COUNT_FIELDS = (
    "received",
    *STATUS_FIELDS.values(),
    "first_responses",
    "answers",
    "reroutes",
    "send_backs",
    "reopenings",
    "ratings",
    "rating_sum",
)
BIN_FIELDS = {
    measure: [bin_field(measure, index) for index in range(RESPONSE_BINS)]
    for measure in RESPONSE_MEASURES
}


def median_of_histogram(counts: list[int], unit: str) -> float | None:
    """The median of the times counted in ``counts`` (bins of ``RESPONSE_BIN_EDGES[unit]``).

    As for exact values, the middle item (odd count) or the mean of the two middle items
    (even count); each item's value is estimated by spreading the items of its bin evenly
    over it (one item: the middle of the bin). So the result is within half a bin width of
    the exact median. In the open last bin ("60 working days or more"), its lower edge.
    """
    total = sum(counts)
    if total <= 0:
        return None
    edges = RESPONSE_BIN_EDGES[unit]
    middle = sorted({(total + 1) // 2, (total + 2) // 2})  # 1-based ranks
    values = [_value_at_rank(counts, edges, rank) for rank in middle]
    return sum(values) / len(values)


def _value_at_rank(counts: list[int], edges: list[float], rank: int) -> float:
    below = 0
    for index, count in enumerate(counts):
        if count > 0 and below + count >= rank:
            if index + 1 == len(edges):
                return float(edges[index])
            width = edges[index + 1] - edges[index]
            return edges[index] + (rank - below - 0.5) / count * width
        below += count
    return float(edges[-1])  # pragma: no cover - ranks never exceed the total


@dataclass
class Figures:
    """Sums over a set of aggregate rows. Histograms are per (measure, unit): times in
    working days and in working hours are never mixed."""

    counts: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    histograms: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def __getattr__(self, name: str) -> int:
        # figures.received, figures.ratings, ... (0 for an empty scope)
        if name in COUNT_FIELDS:
            return self.counts.get(name, 0)
        raise AttributeError(name)

    def add(self, kind: str, row: dict) -> None:
        for name in COUNT_FIELDS:
            self.counts[name] = self.counts.get(name, 0) + (row[name] or 0)
        self.by_kind[kind] = self.by_kind.get(kind, 0) + (row["received"] or 0)
        unit = unit_of(kind)
        for measure, names in BIN_FIELDS.items():
            histogram = self.histograms.setdefault((measure, unit), [0] * RESPONSE_BINS)
            for index, name in enumerate(names):
                histogram[index] += row[name] or 0

    def merge(self, other: "Figures") -> None:
        for name, value in other.counts.items():
            self.counts[name] = self.counts.get(name, 0) + value
        for kind, value in other.by_kind.items():
            self.by_kind[kind] = self.by_kind.get(kind, 0) + value
        for key, histogram in other.histograms.items():
            mine = self.histograms.setdefault(key, [0] * RESPONSE_BINS)
            for index, value in enumerate(histogram):
                mine[index] += value

    @property
    def by_status(self) -> dict[str, int]:
        return {status: self.counts.get(name, 0) for status, name in STATUS_FIELDS.items()}

    @property
    def open(self) -> int:
        return sum(self.by_status[status] for status in Submission.OPEN_STATUSES)

    @property
    def average_rating(self) -> float | None:
        return self.rating_sum / self.ratings if self.ratings else None

    def median(self, measure: str, unit: str = "day") -> float | None:
        """Median time from receipt to the first response (``first_response``) or to the
        answer (``answer``), in working days (``unit="day"``) or working hours."""
        histogram = self.histograms.get((measure, unit))
        return median_of_histogram(histogram, unit) if histogram else None

    def count_under(self, measure: str, limit: float, unit: str = "day") -> int:
        """Items whose time to ``measure`` is known to be under ``limit`` (working days or
        hours): the items of the bins that end at or before it. Exact when ``limit`` is a
        bin edge (every whole number of working days up to 30, then multiples of 5 up to
        60); otherwise the bin holding ``limit`` counts as not under it."""
        histogram = self.histograms.get((measure, unit))
        if not histogram:
            return 0
        edges = RESPONSE_BIN_EDGES[unit]
        return sum(
            count
            for index, count in enumerate(histogram)
            if index + 1 < len(edges) and edges[index + 1] <= limit
        )


def figures(
    scope: roles.FeedbackScope | None,
    first_day: datetime.date | None = None,
    last_day: datetime.date | None = None,
    *,
    by: str | tuple[str, ...] | None = "ministry_id",
) -> dict:
    """Figures of the items received from ``first_day`` to ``last_day`` (inclusive; None:
    no bound) in ``scope`` (``roles.feedback_scope(user)``, or None for the public's
    statistics: every ministry), per value of ``by`` (``ministry_id``, ``topic_id``,
    ``kind``, or None for one total under the key None). A tuple of those names (and
    ``day``: the first of the month for whole months, the day for the days of partial
    months) groups by all of them, keyed by tuples of their values.

    Whole months are read from ``MonthlyStat``, the days of partial months at either end
    from ``DailyStat``: one query for all time, two for a range that is not whole months.
    """
    months, days = _split_by_months(first_day, last_day)
    result: dict = {}
    if months is not None:
        rows = MonthlyStat.objects.within(scope)
        if months[0] is not None:
            rows = rows.filter(day__gte=months[0])
        if months[1] is not None:
            rows = rows.filter(day__lte=months[1])
        _sum_into(result, rows, by)
    if days:
        condition = Q()
        for low, high in days:
            part = Q()
            if low is not None:
                part &= Q(day__gte=low)
            if high is not None:
                part &= Q(day__lte=high)
            condition |= part
        _sum_into(result, DailyStat.objects.within(scope).filter(condition), by)
    return result


def _split_by_months(first_day, last_day):
    """(first and last month wholly inside the range, or None) and the day ranges left."""
    month_low = None
    if first_day is not None:
        month_low = first_day if first_day.day == 1 else _next_month(first_day)
    month_high = None
    if last_day is not None:
        # The last month that ends on or before last_day.
        month_high = (
            _month_of(last_day)
            if _next_month(last_day) - ONE_DAY == last_day
            else _previous_month(last_day)
        )
    if month_low is not None and month_high is not None and month_low > month_high:
        return None, [(first_day, last_day)]
    days = []
    if first_day is not None and first_day < month_low:
        days.append((first_day, month_low - ONE_DAY))
    if last_day is not None and last_day >= _next_month(month_high):
        days.append((_next_month(month_high), last_day))
    return (month_low, month_high), days


def _month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _previous_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) - ONE_DAY).replace(day=1)


def _sum_into(result: dict, rows, by: str | tuple[str, ...] | None) -> None:
    names = () if by is None else (by,) if isinstance(by, str) else tuple(by)
    groups = [*names, "kind"] if "kind" not in names else list(names)
    sums = {name: Sum(name) for name in COUNT_FIELDS}
    for fields in BIN_FIELDS.values():
        sums.update({name: Sum(name) for name in fields})
    for row in rows.order_by().values(*groups).annotate(**sums):
        if by is None:
            key = None
        elif isinstance(by, str):
            key = row[by]
        else:
            key = tuple(row[name] for name in names)
        result.setdefault(key, Figures()).add(row["kind"], row)


def summary(scope: roles.FeedbackScope | None, first_day=None, last_day=None) -> Figures:
    """Everything in ``scope`` in one ``Figures`` (empty when there is nothing)."""
    return figures(scope, first_day, last_day, by=None).get(None, Figures())


@dataclass
class MinistryRow:
    ministry_id: int | None
    name: str
    total: int = 0
    open: int = 0
    overdue: int = 0
    median_first_response: float | None = None  # working days
    median_answer: float | None = None  # working days
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
    first_response_all: float | None = None  # working days
    answer_all: float | None = None  # working days


def week_start(day: datetime.date) -> datetime.date:
    """The Sunday that starts ``day``'s week (the working week is Sunday to Thursday)."""
    return day - datetime.timedelta(days=(day.weekday() + 1) % 7)


def weekly_counts(
    scope: roles.FeedbackScope | None, today: datetime.date, weeks: int = WEEKS
) -> list[WeekRow]:
    """Items received per week (Sunday to Saturday, local days) for the last ``weeks``
    weeks, oldest first, with empty weeks as zero. One query over at most 7 x ``weeks``
    days."""
    first = week_start(today) - datetime.timedelta(weeks=weeks - 1)
    counts: dict[datetime.date, int] = {}
    daily = (
        DailyStat.objects.within(scope)
        .filter(day__gte=first)
        .order_by()
        .values("day")
        .annotate(n=Sum("received"))
    )
    for row in daily:
        start = week_start(row["day"])
        counts[start] = counts.get(start, 0) + (row["n"] or 0)
    return [
        WeekRow(start=start, count=counts.get(start, 0))
        for start in (first + datetime.timedelta(weeks=i) for i in range(weeks))
    ]


def build(
    scope: roles.FeedbackScope | None, items, today: datetime.date | None = None
) -> Dashboard:
    """The dashboard: aggregates of ``scope``, current state (overdue) from ``items``
    (``Submission.objects.countable_by(user)``, the same scope)."""
    today = today or timezone.localdate()
    per_ministry = figures(scope)
    overdue = overdue_q(today)
    overdue_counts = {
        row["ministry_id"]: row["n"]
        for row in items.filter(overdue).order_by().values("ministry_id").annotate(n=Count("*"))
    }
    keys = set(per_ministry) | set(overdue_counts)
    names = {m.pk: m.name for m in Ministry.objects.filter(pk__in=[k for k in keys if k])}
    ministries = []
    everything = Figures()
    for key in keys:
        figure = per_ministry.get(key, Figures())
        everything.merge(figure)
        ministries.append(
            MinistryRow(
                ministry_id=key,
                name=names.get(key, ""),
                total=figure.received,
                open=figure.open,
                overdue=overdue_counts.get(key, 0),
                median_first_response=figure.median("first_response"),
                median_answer=figure.median("answer"),
                average_rating=figure.average_rating,
                ratings=figure.ratings,
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
        for item in items.filter(overdue)
        .select_related("topic", "ministry")
        .only("pk", "reference", "due_at", "topic", "ministry")
        .order_by("due_at", "pk")[:OVERDUE_LIST_LIMIT]
    ]
    status_names = dict(Submission.Status.choices)
    kind_names = dict(Submission.Kind.choices)
    return Dashboard(
        total=everything.received,
        open=everything.open,
        overdue=sum(overdue_counts.values()),
        by_status=[(v, str(status_names[v]), n) for v, n in everything.by_status.items()],
        by_kind=[(v, str(label), everything.by_kind.get(v, 0)) for v, label in kind_names.items()],
        ministries=ministries,
        overdue_items=overdue_items,
        weeks=weekly_counts(scope, today),
        average_rating=everything.average_rating,
        ratings=everything.ratings,
        first_response_all=everything.median("first_response"),
        answer_all=everything.median("answer"),
    )


def dashboard_for(user) -> Dashboard:
    scope = roles.feedback_scope(user)
    if scope is None:
        # None is the public's scope in ``figures``: never hand it to someone without one.
        raise PermissionError("This user has no feedback statistics.")
    return build(scope, Submission.objects.countable_by(user))


def cached_dashboard(user, seconds: int) -> Dashboard | None:
    """The dashboard of the user's scope; with ``seconds`` > 0 shared for that long by
    everyone of the scope (the key holds the scope and the language, since ministry and
    topic names are translated, so an officer is never served another ministry's numbers).
    """
    scope = roles.feedback_scope(user)
    if scope is None:
        return None  # no statistics at all (the staff gate answered 404 already)
    if seconds <= 0:
        return dashboard_for(user)
    key = f"feedback_staff:dashboard:v{CACHE_VERSION}:{scope.key}:{translation.get_language()}:{timezone.localdate()}"
    try:
        data = cache.get(key)
    except Exception:  # the cache is optional: without Redis every visit computes
        logger.warning("cache unavailable; dashboard computed without it", exc_info=True)
        return dashboard_for(user)
    if data is None:
        data = dashboard_for(user)
        try:
            cache.set(key, data, seconds)
        except Exception:
            logger.warning("cache unavailable; dashboard not cached", exc_info=True)
    return data


@dataclass(frozen=True)
class Ratings:
    """The citizens' ratings (1 to 5) of some requests: how many were rated, and how."""

    sent: int
    rated: int
    average: float | None
    by_score: dict[int, int]


def ratings_of(submission_ids) -> Ratings:
    """Ratings of the requests ``submission_ids`` (ids, or a query of ids) in one query,
    for other apps (the campaigns dashboard): counts only, no request is opened."""
    rows = (
        Submission.objects.filter(pk__in=submission_ids)
        .values("rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_score = dict.fromkeys(range(1, 6), 0)
    sent = 0
    for row in rows:
        sent += row["n"]
        if row["rating"] is not None:
            by_score[row["rating"]] = row["n"]
    rated = sum(by_score.values())
    total = sum(score * n for score, n in by_score.items())
    return Ratings(sent, rated, total / rated if rated else None, by_score)


# --- Claims under review (issue 14) ------------------------------------------------------

CLAIMS_SHOWN = 10


@dataclass
class ClaimFigures:
    """The dashboard's claims: the open ones most asked about, and how fast clarifications
    came out (median working hours from a claim's first inquiry to its publication)."""

    open_claims: list = field(default_factory=list)
    open_count: int = 0
    published_count: int = 0
    median_hours_to_publication: float | None = None


def claim_figures(user) -> ClaimFigures:
    """Three queries whatever the number of claims: the open claims most asked about
    (bounded), the moments of the published ones (two columns each), the holidays."""
    from statistics import median

    from feedback.calendar import working_clock
    from feedback.models import Claim

    claims = Claim.objects.countable_by(user)
    open_claims = list(claims.open().with_askers().select_related("ministry")[:CLAIMS_SHOWN])
    moments = list(
        claims.filter(status=Claim.Status.PUBLISHED, published_at__isnull=False).values_list(
            "first_asked_at", "published_at"
        )
    )
    figures = ClaimFigures(
        open_claims=open_claims,
        open_count=len(open_claims),
        published_count=len(moments),
    )
    if moments:
        first = min(start for start, _end in moments)
        clock = working_clock(timezone.localdate(first))
        figures.median_hours_to_publication = median(
            clock.working_hours(start, end) for start, end in moments
        )
    return figures
