"""Complementary suppression: no withheld figure can be worked out by subtraction from the
figures a visitor can read on the ministries' pages (the comparison for every period, each
ministry's page with its quarters and monthly charts) and in the open data (parsed with
``csv`` and ``json``), using the sums docs/open-data.md says are published.

The audit is written independently of ``accountability.records``: it collects the shown
numbers, writes every sum as a linear equation over the numbers it cannot read, and solves
the system exactly (fractions). A withheld count is recovered when the equations fix its
value; only a recovered zero (no request) is harmless."""

import csv
import datetime
import io
import json
from fractions import Fraction

import pytest
from lxml import html

from accountability import records
from feedback import workflow
from portal.models import Ministry
from tests.accountability.dataset import TODAY, at, clock
from tests.conftest import clear_test_cache
from tests.factories import make_ministry, make_submission, make_topic

pytestmark = pytest.mark.django_db
ALL = "all"
# The counts that add up, by the open data's field and the pages' figure.
BASES = {"received": "received", "answered": "answered", "ratings": "ratings"}


def get(client, url):
    clear_test_cache()  # the context of each page, not a stored copy
    with clock(TODAY):
        return client.get(url)


def _months_and_quarters():
    window, quarters = records.periods(TODAY.date())
    return window, quarters


def read_everything(client) -> tuple[dict, set, dict]:
    """(shown, cells, wording): ``shown[base][(time, place)]`` is a number a visitor can
    read, or None where the page or file withholds it; ``cells`` the open-data cells of
    the last 12 months; ``wording[(time, place, base)]`` "few" or "withheld"."""
    window, quarters = _months_and_quarters()
    shown = {base: {} for base in BASES}
    wording = {}

    def note_one(time, place, base, figure):
        shown[base][(time, place)] = None if figure.withheld else figure.value
        if figure.withheld:
            wording[(time, place, base)] = "withheld" if figure.complementary else "few"

    def note(time, place, figures):
        for base in BASES:
            note_one(time, place, base, figures[base])

    for period in [window, *quarters]:
        response = get(client, f"/en/ministries/?period={period.key}")
        for row in response.context["rows"]:
            note(period.key, row.ministry.pk, row.shown)
        note(period.key, ALL, response.context["total"])
        if period is window:
            for bar in response.context["received_chart"]["bars"]:
                note_one(bar["point"].month, ALL, "received", bar["point"].shown)
    for ministry in Ministry.objects.all():
        response = get(client, f"/en/ministries/{ministry.slug}/")
        note(window.key, ministry.pk, response.context["year"])
        for quarter in response.context["quarters"]:
            note(quarter["period"].key, ministry.pk, quarter["shown"])
        for bar in response.context["received_chart"]["bars"]:
            note_one(bar["point"].month, ministry.pk, "received", bar["point"].shown)

    slugs = {m.slug: m.pk for m in Ministry.objects.all()}
    document = json.loads(get(client, "/en/ministries/open-data/statistics.json").content)
    text = get(client, "/en/ministries/open-data/statistics.csv").content.decode()
    from_csv = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(from_csv) == len(document["rows"])
    cells = set()
    for row, csv_row in zip(document["rows"], from_csv, strict=True):
        month = datetime.date.fromisoformat(row["month"] + "-01")
        if not window.contains(month):
            continue
        place = (slugs.get(row["ministry"]), row["topic"], row["kind"])
        cells.add((month, place))
        for base in BASES:
            value = row[base]
            # The CSV says the same as the JSON, and says why a figure is withheld.
            if base in row["suppressed_complementary"]:
                assert csv_row[base] == "withheld"
                wording[(month, place, base)] = "withheld"
            elif base in row["suppressed"]:
                assert csv_row[base].startswith("<")
                wording[(month, place, base)] = "few"
            else:
                assert int(csv_row[base]) == value
            shown[base][(month, place)] = value
    return shown, cells, wording


def published_sums(cells) -> list[tuple[tuple, list[tuple]]]:
    """The sums docs/open-data.md lists as published: 12 months = quarters, quarter =
    months, all ministries = each ministry (the requests not with a ministry included),
    a ministry's month = its open-data cells. A cell with no row has no request."""
    window, quarters = _months_and_quarters()
    places = {ALL} | {m.pk for m in Ministry.objects.all()} | {None}
    sums = []
    for place in places:
        sums.append(((window.key, place), [(q.key, place) for q in quarters]))
        for quarter in quarters:
            sums.append(((quarter.key, place), [(m, place) for m in quarter.months]))
    for time in [window.key, *(q.key for q in quarters), *window.months]:
        sums.append(((time, ALL), [(time, p) for p in places if p != ALL]))
    for month in window.months:
        for place in places - {ALL}:
            parts = [cell for cell in cells if cell[0] == month and cell[1][0] == place]
            sums.append(((month, place), parts))
    return sums


def recovered(shown: dict, sums) -> dict:
    """The unread numbers the sums fix, with their value (exact Gauss-Jordan elimination)."""
    unknown = sorted(
        {n for total, parts in sums for n in (total, *parts) if shown.get(n) is None}, key=repr
    )
    index = {node: i for i, node in enumerate(unknown)}
    rows = []
    for total, parts in sums:
        row = [Fraction(0)] * (len(unknown) + 1)
        for node, sign in [(total, -1), *((p, 1) for p in parts)]:
            if node in index:
                row[index[node]] += sign
            else:
                row[-1] -= sign * shown[node]
        rows.append(row)
    pivots, rank = [], 0
    for column in range(len(unknown)):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        lead = rows[rank][column]
        rows[rank] = [v / lead for v in rows[rank]]
        for r in range(len(rows)):
            if r != rank and rows[r][column]:
                factor = rows[r][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        pivots.append(column)
        rank += 1
    fixed = {}
    for r, column in enumerate(pivots):
        if not any(rows[r][c] for c in range(len(unknown)) if c != column):
            fixed[unknown[column]] = rows[r][-1]
    return fixed


def assert_nothing_withheld_is_recovered(client) -> dict:
    minimum = records.threshold()
    shown, cells, wording = read_everything(client)
    sums = published_sums(cells)
    for base in BASES:
        for node, value in recovered(shown[base], sums).items():
            # A zero tells of no one's request; a figure of the threshold or more could
            # have been shown.
            assert not 0 < value < minimum, (base, node, value)
        # The brief's rule, as a reader would check it: a shown total never has exactly
        # one withheld part with requests in it.
        for total, parts in sums:
            withheld_parts = [p for p in parts if shown[base].get(p) is None]
            if shown[base].get(total) is not None and len(withheld_parts) == 1:
                (part,) = withheld_parts
                known = sum(shown[base][p] for p in parts if p != part)
                assert shown[base][total] - known == 0, (base, total, part)
    return wording


def test_a_withheld_quarter_cannot_be_worked_out_from_the_year(
    client, small_threshold, data, ministry_a
):
    """Health: 6 requests in the 12 months, 1 in the third quarter (withheld), 5 in the
    fourth: without more withheld, 6 - 5 gave the third quarter away."""
    page = get(client, "/en/ministries/health/")
    quarters = {q["period"].key: q["shown"] for q in page.context["quarters"]}
    assert quarters["2026-q3"]["received"].withheld
    assert not quarters["2026-q3"]["received"].complementary
    year = page.context["year"]
    assert year["received"].value == 6  # the 12 months stay, a quarter goes
    assert quarters["2026-q4"]["received"].withheld
    assert quarters["2026-q4"]["received"].complementary
    assert assert_nothing_withheld_is_recovered(client)[("2026-q4", ministry_a.pk, "received")] == (
        "withheld"
    )
    # The visitor reads why, in both languages, and "fewer than" is not said of it.
    document = html.fromstring(page.content.decode())
    caption = "Ministry of Health: figures per quarter"
    table = document.xpath(f"//table[caption[normalize-space()='{caption}']]")[0]
    row = table.xpath(".//tr[th[starts-with(normalize-space(), 'October')]]")[0]
    assert " ".join(row.findall("td")[0].text_content().split()) == "withheld"
    assert "worked out by subtraction" in page.content.decode()
    arabic = get(client, "/ar/ministries/health/").content.decode()
    assert "محجوب" in arabic


def test_the_open_data_breakdown_and_the_ministries_total(client, small_threshold, data):
    """The open data's cells of October add up to Health's October, shown on its chart;
    the ministries add up to the total: none of the withheld ones can be worked out."""
    wording = assert_nothing_withheld_is_recovered(client)
    assert "withheld" in wording.values()
    document = json.loads(get(client, "/en/ministries/open-data/statistics.json").content)
    october = [r for r in document["rows"] if r["month"] == "2026-10"]
    assert any(r["suppressed_complementary"] for r in october)
    for row in document["rows"]:
        assert set(row["suppressed_complementary"]) <= set(row["suppressed"])


def test_the_pages_and_the_open_data_agree(client, small_threshold, data, ministry_a):
    """One decision: the cells withheld in the open data are those of
    ``records.publication``, the figures on the pages too."""
    document = json.loads(get(client, "/en/ministries/open-data/statistics.json").content)
    health_october = next(
        r for r in document["rows"] if r["month"] == "2026-10" and r["ministry"] == "health"
    )
    page = get(client, "/en/ministries/health/")
    october = next(
        bar["point"].shown
        for bar in page.context["received_chart"]["bars"]
        if bar["point"].month == datetime.date(2026, 10, 1)
    )
    # The month on the chart and its only cell in the open data: both withheld, or the
    # cell would give the month (and the quarter, and the third quarter) away.
    assert october.withheld and "received" in health_october["suppressed"]


def test_at_the_default_threshold(client, data):
    """Every figure of a ministry is under 10: "fewer than 10". All ministries together
    received 11 in the 12 months, 10 in the fourth quarter (all in October): shown, 11 - 10
    gave September's one request away. The fourth quarter withheld ("10 or more"), 11
    still left September at most 1: the 12 months go too, and October, which is the
    fourth quarter."""
    wording = assert_nothing_withheld_is_recovered(client)
    complementary = {key for key, said in wording.items() if said == "withheld"}
    assert complementary == {
        ("12m", ALL, "received"),
        ("2026-q4", ALL, "received"),
        (datetime.date(2026, 10, 1), ALL, "received"),
    }
    response = get(client, "/en/ministries/")
    assert response.context["total"]["received"].complementary
    # Another base, the same reasoning on its own numbers: 9 answered of which 8 in
    # the fourth quarter are both under 10, nothing to add.
    assert not response.context["total"]["answered"].complementary


def test_nothing_withheld_stays_unchanged(client, settings, moderator):
    """Enough requests everywhere: every count shown, nothing complementary."""
    settings.PUBLIC_STATS_MIN_COUNT = 2
    for _n in range(2):
        ministry = make_ministry()
        topic = make_topic(ministry=ministry)
        for day in range(3):
            with clock(at(3, 1 + day)):
                item = make_submission(topic=topic)
                workflow.route(item, actor=moderator, ministry=ministry)
    shown, _cells, wording = read_everything(client)
    march = datetime.date(2026, 3, 1)
    for place in [ALL, *(m.pk for m in Ministry.objects.all())]:
        expected = 6 if place == ALL else 3
        for time in ("12m", "2026-q1", march):
            assert shown["received"][(time, place)] == expected, (time, place)
    assert "withheld" not in wording.values()
    document = json.loads(get(client, "/en/ministries/open-data/statistics.json").content)
    assert [row["received"] for row in document["rows"]] == [3, 3]
    assert all(row["suppressed_complementary"] == [] for row in document["rows"])


def test_the_rule_in_isolation():
    """A row of quarters and its year: one withheld quarter takes the smallest shown one
    with it; nothing withheld, nothing added; two withheld already, nothing added."""
    year, quarters = ("12m", 1), [(f"q{n}", 1) for n in range(1, 5)]
    sums = [(year, tuple(quarters))]
    values = dict(zip(quarters, [20, 3, 15, 40], strict=True)) | {year: 78}
    assert records.complementary_cells(values, sums, 10, lowest=1) == {quarters[2]}
    values = dict(zip(quarters, [20, 12, 15, 40], strict=True)) | {year: 87}
    assert records.complementary_cells(values, sums, 10, lowest=1) == set()
    values = dict(zip(quarters, [20, 3, 4, 40], strict=True)) | {year: 67}
    assert records.complementary_cells(values, sums, 10, lowest=1) == set()
    # Two withheld, but 1 + 1 = 2 leaves each a single possible value: one more goes.
    values = dict(zip(quarters, [20, 1, 1, 40], strict=True)) | {year: 62}
    assert records.complementary_cells(values, sums, 10, lowest=1) == {quarters[0]}


def test_a_withheld_open_data_cell_cannot_be_worked_out_from_its_month(client, settings, moderator):
    """Five complaints and one idea in March: the idea's row is "<3"; the March chart of
    the ministry says 6. Shown, the complaints' row gave the idea away (6 - 5)."""
    settings.PUBLIC_STATS_MIN_COUNT = 3
    ministry = make_ministry(slug="roads")
    topic = make_topic(ministry=ministry)
    for day, kind in enumerate(["complaint"] * 5 + ["idea"]):
        with clock(at(3, 1 + day)):
            item = make_submission(topic=topic, kind=kind)
            workflow.route(item, actor=moderator, ministry=ministry)
    document = json.loads(get(client, "/en/ministries/open-data/statistics.json").content)
    rows = {row["kind"]: row for row in document["rows"]}
    assert rows["idea"]["received"] is None
    assert rows["idea"]["suppressed_complementary"] == []
    assert rows["complaint"]["received"] is None
    assert "received" in rows["complaint"]["suppressed_complementary"]
    # The ministry's own figures stay: nothing can be worked out from them alone.
    page = get(client, "/en/ministries/roads/")
    assert page.context["year"]["received"].value == 6
    assert_nothing_withheld_is_recovered(client)
