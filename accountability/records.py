"""Each ministry's public record, from the aggregates the staff dashboard reads.

Every number comes from ``feedback.stats.figures`` (the ``DailyStat``/``MonthlyStat``
cohort rows: the requests *received* in a period, as they are now), so the public pages,
the open data and the staff dashboard cannot disagree. What this module adds:

- the periods: the last 12 months (the current month so far and the 11 before it) and the
  quarters that make them up, the oldest clipped to the window, so the quarters add up to
  the 12 months exactly;
- the share answered within the target: for each topic, the answers under its response
  time (``Topic.response_days``, in working days: weekends and public holidays left out,
  the same clock as the medians), see ``Figures.count_under``;
- the small-number rule (``settings.PUBLIC_STATS_MIN_COUNT``, 10 by default): a figure
  resting on fewer requests or ratings than that is *withheld* (shown as "fewer than 10",
  never exactly), and a ministry that received fewer requests in a period is not ranked;
- the comparison of all ministries, sorted by any figure (``sort_rows``).

Definitions per figure (docs/decisions.md, "Public accountability"):

| figure | value | rests on |
| --- | --- | --- |
| received | requests received | received |
| answered | requests with an answer | answered |
| within_target | answered within the topic's target / answered | answered |
| first_response | median working days to the first response | first responses |
| answer | median working days to the answer | answered |
| rating | average satisfaction (1 to 5) | ratings |
| ratings | number of ratings | ratings |
| reopened | reopenings as "not resolved" / answered | answered |
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from feedback import stats
from feedback.models import Topic
from portal import roles
from portal.formatting import MONTH_NAMES, local_month

WINDOW_MONTHS = 12
Key = tuple[datetime.date, int | None, int, str]  # (month, ministry, topic, kind)

# How a figure is written for a person (accountability/_figure.html).
COUNT, SHARE, DAYS, RATING = "count", "share", "days", "rating"


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    style: str
    # The direction in which a figure is better: its sort link starts there.
    higher_is_better: bool


MEASURES = [
    Measure("received", gettext_lazy("Requests received"), COUNT, True),
    Measure("answered", gettext_lazy("Answered"), COUNT, True),
    Measure("within_target", gettext_lazy("Answered within the target"), SHARE, True),
    Measure("first_response", gettext_lazy("Median working days to first response"), DAYS, False),
    Measure("answer", gettext_lazy("Median working days to answer"), DAYS, False),
    Measure("rating", gettext_lazy("Average satisfaction (1 to 5)"), RATING, True),
    Measure("ratings", gettext_lazy("Ratings"), COUNT, True),
    Measure("reopened", gettext_lazy("Reopened as not resolved"), SHARE, False),
]
MEASURE_BY_NAME = {measure.name: measure for measure in MEASURES}


def threshold() -> int:
    return settings.PUBLIC_STATS_MIN_COUNT


@dataclass(frozen=True)
class Shown:
    """One figure as the public may see it: ``withheld`` when it rests on too few requests
    or ratings (the value is then dropped here, so no template or file can print it);
    ``value`` None when there is nothing to measure."""

    value: float | int | None
    withheld: bool
    style: str


@dataclass
class Record:
    """The sums of some cells: a ministry (or everything) over a period."""

    figures: stats.Figures = field(default_factory=stats.Figures)
    within_target: int = 0

    def add(self, figures: stats.Figures, target_days: int | None) -> None:
        self.figures.merge(figures)
        if target_days:
            self.within_target += figures.count_under("answer", target_days)

    def raw(self) -> dict[str, tuple[float | int | None, int]]:
        """Each figure's exact value and the number of requests or ratings it rests on.
        Never shown as such: ``shown`` applies the small-number rule."""
        f = self.figures
        answers = f.answers
        return {
            "received": (f.received, f.received),
            "answered": (answers, answers),
            "within_target": (self.within_target / answers if answers else None, answers),
            "first_response": (f.median("first_response"), f.first_responses),
            "answer": (f.median("answer"), answers),
            "rating": (f.average_rating, f.ratings),
            "ratings": (f.ratings, f.ratings),
            "reopened": (f.reopenings / answers if answers else None, answers),
        }

    def shown(self, minimum: int | None = None) -> dict[str, Shown]:
        minimum = threshold() if minimum is None else minimum
        result = {}
        for name, (value, base) in self.raw().items():
            style = MEASURE_BY_NAME[name].style
            if base < minimum:
                result[name] = Shown(None, True, style)
            else:
                result[name] = Shown(value, False, style)
        return result

    def is_ranked(self, minimum: int | None = None) -> bool:
        return self.figures.received >= (threshold() if minimum is None else minimum)


# --- Periods ------------------------------------------------------------------------------


def _add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_end(month: datetime.date) -> datetime.date:
    return _add_months(month, 1) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    key: str  # "12m", or a quarter "2026-q4"
    first_day: datetime.date
    last_day: datetime.date  # inclusive
    so_far: bool  # ends today: requests still arriving (and recent ones still open)

    @property
    def is_window(self) -> bool:
        return self.key == "12m"

    @property
    def months(self) -> list[datetime.date]:
        result, month = [], self.first_day.replace(day=1)
        while month <= self.last_day:
            result.append(month)
            month = _add_months(month, 1)
        return result

    def contains(self, month: datetime.date) -> bool:
        return self.first_day <= month <= self.last_day

    @property
    def label(self) -> str:
        if self.is_window:
            return _("Last 12 months")
        return self.span

    @property
    def span(self) -> str:
        """The months covered, for a person: "October to December 2026"."""
        first, last = self.first_day.replace(day=1), self.last_day.replace(day=1)
        if first == last:
            text = local_month(first)
        elif first.year == last.year:
            text = _("%(first)s to %(last)s") % {
                "first": MONTH_NAMES[first.month],
                "last": local_month(last),
            }
        else:
            text = _("%(first)s to %(last)s") % {
                "first": local_month(first),
                "last": local_month(last),
            }
        if self.so_far:
            return _("%(months)s (so far)") % {"months": text}
        return text


def periods(today: datetime.date) -> tuple[Period, list[Period]]:
    """The 12-month window ending today and its quarters, oldest first (the oldest clipped
    to the window's first month)."""
    this_month = today.replace(day=1)
    first = _add_months(this_month, -(WINDOW_MONTHS - 1))
    window = Period("12m", first, today, so_far=True)
    quarters = []
    month = first
    while month <= this_month:
        quarter = (month.month - 1) // 3
        quarter_start = datetime.date(month.year, quarter * 3 + 1, 1)
        quarter_last_month = _add_months(quarter_start, 2)
        last_day = min(_month_end(quarter_last_month), today)
        quarters.append(
            Period(
                f"{month.year}-q{quarter + 1}",
                max(quarter_start, first),
                last_day,
                so_far=last_day == today,
            )
        )
        month = _add_months(quarter_last_month, 1)
    return window, quarters


# --- Reading the aggregates -----------------------------------------------------------------


def cells(
    scope: roles.FeedbackScope | None,
    first_day: datetime.date | None,
    last_day: datetime.date,
) -> dict[Key, stats.Figures]:
    """The figures per (month of receipt, ministry, topic, kind): two queries (whole months
    from ``MonthlyStat``, the current month's days from ``DailyStat``)."""
    result: dict[Key, stats.Figures] = {}
    rows = stats.figures(scope, first_day, last_day, by=("day", "ministry_id", "topic_id", "kind"))
    for (day, ministry_id, topic_id, kind), figures in rows.items():
        key = (day.replace(day=1), ministry_id, topic_id, kind)
        result.setdefault(key, stats.Figures()).merge(figures)
    return result


def topic_targets() -> dict[int, int]:
    """Each topic's response time in working days (one query)."""
    return dict(Topic.objects.values_list("pk", "response_days"))


def record_of(
    found: dict[Key, stats.Figures],
    targets: dict[int, int],
    *,
    period: Period | None = None,
    ministry_id: int | type | None = ...,
    months: Iterable[datetime.date] | None = None,
) -> Record:
    """The record of the cells of a period (or of some months), for one ministry
    (``ministry_id``; None: requests not routed to a ministry) or all (left out)."""
    months = set(months) if months is not None else None
    record = Record()
    for (month, key_ministry, topic_id, _kind), figures in found.items():
        if ministry_id is not ... and key_ministry != ministry_id:
            continue
        if period is not None and not period.contains(month):
            continue
        if months is not None and month not in months:
            continue
        record.add(figures, targets.get(topic_id))
    return record


def records_by_ministry(
    found: dict[Key, stats.Figures], targets: dict[int, int], period: Period
) -> dict[int | None, Record]:
    result: dict[int | None, Record] = {}
    for (month, ministry_id, topic_id, _kind), figures in found.items():
        if period.contains(month):
            result.setdefault(ministry_id, Record()).add(figures, targets.get(topic_id))
    return result


# --- The comparison of all ministries -----------------------------------------------------

DEFAULT_SORT = "-within_target"
SORT_KEYS = {"name", *MEASURE_BY_NAME}


def parse_sort(value: str | None) -> tuple[str, bool] | None:
    """``?sort=`` as (column, descending); None when it names no column."""
    value = value or DEFAULT_SORT
    descending = value.startswith("-")
    column = value.removeprefix("-")
    if column not in SORT_KEYS:
        return None
    return column, descending


def sort_value(column: str, descending: bool) -> str:
    return f"-{column}" if descending else column


def natural_sort(column: str) -> str:
    """The first click on a column: its best first (names A to Z)."""
    if column == "name":
        return "name"
    return sort_value(column, MEASURE_BY_NAME[column].higher_is_better)


@dataclass
class Row:
    ministry: object  # portal.models.Ministry
    record: Record
    shown: dict[str, Shown]
    ranked: bool
    rank: int | None = None

    @property
    def in_order(self) -> list[Shown]:
        """The figures in the order of ``MEASURES`` (the table's columns)."""
        return [self.shown[measure.name] for measure in MEASURES]


def sort_rows(rows: list[Row], column: str, descending: bool) -> list[Row]:
    """Ranked ministries with a figure to compare, by it (ties by name, sharing a rank);
    then the ranked ones whose figure is withheld or empty; then, by name, those with too
    few requests to be ranked. Sorted by name: everyone by name, no ranks."""
    by_name = sorted(rows, key=lambda row: row.ministry.name)
    if column == "name":
        ordered = list(reversed(by_name)) if descending else by_name
        for row in ordered:
            row.rank = None
        return ordered
    comparable = [
        row
        for row in by_name
        if row.ranked and not row.shown[column].withheld and row.shown[column].value is not None
    ]
    comparable.sort(key=lambda row: row.shown[column].value, reverse=descending)
    rank, previous = 0, object()
    for position, row in enumerate(comparable, 1):
        if row.shown[column].value != previous:
            rank, previous = position, row.shown[column].value
        row.rank = rank
    placed = {id(row) for row in comparable}
    rest = [row for row in by_name if row.ranked and id(row) not in placed]
    unranked = [row for row in by_name if not row.ranked]
    for row in rest + unranked:
        row.rank = None
    return comparable + rest + unranked
