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
- complementary suppression (``publication``): more figures withheld ("withheld") where
  the published sums would otherwise give a withheld one away;
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
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from feedback import stats
from feedback.models import Topic
from portal import roles
from portal.formatting import MONTH_NAMES, local_month
from portal.pagecache import single_flight

logger = logging.getLogger(__name__)

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


# The counts that add up across cells, and the figures that rest on each: a sum of a
# withheld cell (a count, answers within the target = share x answered, the sum of the
# ratings = average x ratings) could be worked out by subtraction, so all the figures
# resting on one base are withheld together. The median to the first response rests on
# the first responses, which are not published and do not add up: the small-number rule
# alone covers it.
BASES = {
    "received": ("received",),
    "answered": ("answered", "within_target", "answer", "reopened"),
    "ratings": ("ratings", "rating"),
}


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
    # Withheld although it rests on enough requests: it would give a withheld figure away
    # by subtraction (``publication``). Shown as "withheld", never as "fewer than 10".
    complementary: bool = False


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

    def bases(self) -> dict[str, int]:
        """The counts the additive figures rest on (``BASES``)."""
        f = self.figures
        return {"received": f.received, "answered": f.answers, "ratings": f.ratings}

    def shown(
        self, minimum: int | None = None, complementary: frozenset[str] = frozenset()
    ) -> dict[str, Shown]:
        """``complementary``: the bases (``BASES``) withheld by ``publication`` although
        they rest on enough requests."""
        minimum = threshold() if minimum is None else minimum
        also_withheld = {name for base in complementary for name in BASES[base]}
        result = {}
        for name, (value, base) in self.raw().items():
            style = MEASURE_BY_NAME[name].style
            if base < minimum:
                result[name] = Shown(None, True, style)
            elif name in also_withheld:
                result[name] = Shown(None, True, style, complementary=True)
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


# --- Complementary suppression ------------------------------------------------------------
#
# The published figures of the last 12 months are nodes (time, place): time is "12m", a
# quarter's key or a month; place is ``ALL``, a ministry's id (None: not with a ministry)
# or an open-data cell (ministry, topic, kind), at months only. They add up along two
# hierarchies (docs/open-data.md, "Sums"), each a relation total = sum of parts:
#   12 months = its quarters, a quarter = its months (for ALL and for each ministry);
#   ALL = the ministries (at each month, quarter and the 12 months);
#   a ministry's month = its open-data cells.
# A node with no requests is known to be zero (open data has no row for it).

ALL = "all"
Node = tuple[object, object]
Relation = tuple[Node, tuple[Node, ...]]


def _node_order(node: Node) -> str:
    return repr(node)


def _range_in(
    relation: Relation,
    node: Node,
    values: dict[Node, int],
    bounds: dict[Node, tuple[int, int | None]],
) -> tuple[int, int | None]:
    """What ``relation`` says of a withheld ``node`` (its bounds narrowed) when every
    other withheld node of it lies within ``bounds``, the others' values being shown."""
    total, parts = relation
    terms = [(total, -1), *((part, 1) for part in parts)]
    # sum(sign * value) == 0, so sign(node) * value(node) == -rest; None: unbounded.
    rest_low: int | None = 0
    rest_high: int | None = 0
    coefficient = 0
    for other, sign in terms:
        if other == node:
            coefficient += sign
            continue
        low, high = bounds.get(other) or (values.get(other, 0),) * 2
        if sign < 0:
            low, high = (None if high is None else -high), -low
        rest_low = None if rest_low is None or low is None else rest_low + low
        rest_high = None if rest_high is None or high is None else rest_high + high
    low, high = bounds[node]
    if coefficient == 1:  # node == -rest
        candidates = (
            None if rest_high is None else -rest_high,
            None if rest_low is None else -rest_low,
        )
    else:  # node == rest
        candidates = (rest_low, rest_high)
    if candidates[0] is not None:
        low = max(low, candidates[0])
    if candidates[1] is not None:
        high = candidates[1] if high is None else min(high, candidates[1])
    return low, high


def _recoverable(low: int, high: int | None) -> bool:
    return high is not None and low >= high


def complementary_cells(
    values: dict[Node, int],
    relations: list[Relation],
    minimum: int,
    *,
    lowest: int = 0,
    total_first: frozenset = frozenset(),
) -> set[Node]:
    """The nodes to withhold besides those under ``minimum`` (the primary ones), so that
    no withheld value of one base can be worked out from the shown ones and the sums.

    ``values``: every node's count (a node missing is zero and known); ``lowest``: the
    least a withheld count can be (1 for received: a node with no request is not
    withheld); ``total_first``: the relations (all ministries = each ministry) whose
    total is withheld rather than a part.

    A withheld value is "worked out" when the sums, with what the wording tells (primary:
    ``lowest`` to ``minimum - 1``; complementary: ``minimum`` or more), leave it a single
    possible value: first relation by relation, then with the bounds narrowed across all
    relations until they settle. Each time the smallest shown part (ties by node) is
    withheld, or the total when the relation is in ``total_first`` or no part is shown,
    until nothing withheld can be worked out. Deterministic: same data, same cells, for
    every page and file."""
    primary = {node for node, value in values.items() if value < minimum}
    # What a visitor knows of each withheld node from its wording.
    withheld: dict[Node, tuple[int, int | None]] = dict.fromkeys(primary, (lowest, minimum - 1))
    by_node: dict[Node, list[int]] = {}
    for index, (total, parts) in enumerate(relations):
        for node in (total, *parts):
            by_node.setdefault(node, []).append(index)

    def withhold_one(relation: Relation) -> bool:
        total, parts = relation
        shown_parts = [p for p in parts if p not in withheld and values.get(p, 0) > 0]
        total_shown = total not in withheld and values.get(total, 0) > 0
        if total_shown and (relation in total_first or not shown_parts):
            withheld[total] = (minimum, None)
            return True
        if shown_parts:
            withheld[min(shown_parts, key=lambda p: (values[p], _node_order(p)))] = (minimum, None)
            return True
        return False

    def locally_recoverable(relation: Relation) -> bool:
        total, parts = relation
        return any(
            _recoverable(*_range_in(relation, node, values, withheld))
            for node in (total, *parts)
            if node in withheld
        )

    while True:
        changed = True
        while changed:
            changed = False
            for relation in relations:
                if locally_recoverable(relation) and withhold_one(relation):
                    changed = True
        bounds = dict(withheld)
        for _pass in range(50):
            narrowed = False
            for relation in relations:
                total, parts = relation
                for node in (total, *parts):
                    if node in bounds:
                        new = _range_in(relation, node, values, bounds)
                        if new != bounds[node] and not (new[1] is not None and new[0] > new[1]):
                            bounds[node], narrowed = new, True
            if not narrowed:
                break
        found = sorted(
            (node for node, (low, high) in bounds.items() if _recoverable(low, high)),
            key=_node_order,
        )
        progressed = False
        for node in found:
            for index in by_node.get(node, ()):
                if withhold_one(relations[index]):
                    progressed = True
                    break
        if not progressed:
            return set(withheld) - primary


@dataclass
class Publication:
    """The records of every published node of the last 12 months and the bases withheld
    in each beyond the small-number rule: what every page, chart and file shows."""

    records: dict[Node, Record]
    complementary: dict[Node, frozenset[str]]
    minimum: int

    def record(self, time, place) -> Record:
        return self.records.get((time, place)) or Record()

    def shown(self, time, place) -> dict[str, Shown]:
        """``time``: a ``Period`` or a month; ``place``: ``ALL``, a ministry's id or an
        open-data cell (ministry, topic, kind)."""
        key = time.key if isinstance(time, Period) else time
        return self.record(key, place).shown(
            self.minimum, self.complementary.get((key, place), frozenset())
        )


def publication(
    found: dict[Key, stats.Figures],
    targets: dict[int, int],
    window: Period,
    quarters: list[Period],
    minimum: int | None = None,
) -> Publication:
    """The nodes of ``window`` (cells outside it are left out: no published sum covers
    them), their sums, and the complementary suppression of each base."""
    minimum = threshold() if minimum is None else minimum
    records: dict[Node, Record] = {}
    quarter_of = {month: quarter.key for quarter in quarters for month in quarter.months}
    for (month, ministry_id, topic_id, kind), figures in found.items():
        if not window.contains(month):
            continue
        target = targets.get(topic_id)
        for time in (month, quarter_of[month], window.key):
            for place in (ALL, ministry_id):
                records.setdefault((time, place), Record()).add(figures, target)
        records.setdefault((month, (ministry_id, topic_id, kind)), Record()).add(figures, target)
    records = {node: record for node, record in records.items() if record.figures.received > 0}

    months_of: dict[tuple, list[Node]] = {}
    quarters_of: dict[object, list[Node]] = {}
    ministries_of: dict[object, list[Node]] = {}
    cells_of: dict[Node, list[Node]] = {}
    for node in sorted(records, key=_node_order):
        time, place = node
        if isinstance(place, tuple):
            cells_of.setdefault((time, place[0]), []).append(node)
            continue
        if place != ALL:
            ministries_of.setdefault(time, []).append(node)
        if isinstance(time, datetime.date):
            months_of.setdefault((quarter_of[time], place), []).append(node)
        elif time != window.key:
            quarters_of.setdefault(place, []).append(node)
    groups = [
        *(((window.key, place), parts) for place, parts in quarters_of.items()),
        *((total, parts) for total, parts in months_of.items()),
        *(((time, ALL), parts) for time, parts in ministries_of.items()),
        *((total, parts) for total, parts in cells_of.items()),
    ]
    relations = [(total, tuple(parts)) for total, parts in groups]
    # The comparison of the ministries is what the pages are for: their sum goes first.
    sums_of_ministries = frozenset(r for r in relations if r[0][1] == ALL and r[1][0][1] != ALL)

    complementary: dict[Node, set[str]] = {}
    for base in BASES:
        values = {node: record.bases()[base] for node, record in records.items()}
        for node in complementary_cells(
            values,
            relations,
            minimum,
            lowest=1 if base == "received" else 0,
            total_first=sums_of_ministries,
        ):
            complementary.setdefault(node, set()).add(base)
    return Publication(
        records, {node: frozenset(bases) for node, bases in complementary.items()}, minimum
    )


# --- One snapshot for every page and file -------------------------------------------------

SNAPSHOT_SECONDS = 300  # as long as a stored public page lives (news/cache.py)


@dataclass
class Snapshot:
    """Every cell (all months), the topics' targets, the periods and the publication of
    the last 12 months, taken together: the pages, the charts and the open data of the
    same minutes show the same figures, withheld alike, and the suppression (up to a
    second on a big country's cells) is worked out once, not once per page."""

    found: dict[Key, stats.Figures]
    targets: dict[int, int]
    window: Period
    quarters: list[Period]
    publication: Publication


def snapshot(today: datetime.date | None = None) -> Snapshot:
    """The current snapshot: from the shared cache, else taken (one request at a time,
    ``portal.pagecache.single_flight``) and kept ``SNAPSHOT_SECONDS``."""
    today = today or timezone.localdate()
    key = f"accountability:snapshot:{today.isoformat()}:{threshold()}"

    def lookup() -> Snapshot | None:
        return cache.get(key)

    def take() -> Snapshot:
        found = cells(None, None, today)
        targets = topic_targets()
        window, quarters = periods(today)
        taken = Snapshot(
            found, targets, window, quarters, publication(found, targets, window, quarters)
        )
        try:
            cache.set(key, taken, SNAPSHOT_SECONDS)
        except Exception:
            logger.warning("cache unavailable; statistics snapshot not kept", exc_info=True)
        return taken

    try:
        kept = lookup()
    except Exception:  # the cache is optional (single_flight copes with it on its own)
        logger.warning("cache unavailable; statistics snapshot taken for this page", exc_info=True)
        return take()
    return kept or single_flight(key, lookup, take)
