"""The staff dashboard and CSV export: numbers on known data, scope, CSV safety and the
query count. Every access test includes the outsider, officer_b of another ministry."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback import dailystats, stats
from feedback.models import RESPONSE_BINS, Submission, SubmissionEvent
from feedback.views.dashboard import safe_cell
from portal import roles
from tests.factories import make_submission, make_topic

MUSCAT = zoneinfo.ZoneInfo("Asia/Muscat")
DASHBOARD = "/en/staff/"
EXPORT = "/en/staff/export.csv"


@pytest.fixture(autouse=True)
def no_dashboard_cache(settings):
    settings.FEEDBACK_DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture
def topic_b(ministry_b):
    return make_topic(name_en="Work permits", name_ar="تصاريح العمل", ministry=ministry_b)


def item(topic, *, ministry=None, status="routed", created=None, due=None, **fields):
    """A submission placed in a known state (test data: the workflow is not under test)."""
    submission = make_submission(topic=topic, **fields)
    changes = {"status": status, "ministry": ministry}
    if created is not None:
        changes["created_at"] = created
    if due is not None:
        changes["due_at"] = due
    Submission.objects.filter(pk=submission.pk).update(**changes)
    submission.refresh_from_db()
    return submission


def event(submission, kind, after: datetime.timedelta):
    return SubmissionEvent.objects.create(
        submission=submission, kind=kind, created_at=submission.created_at + after
    )


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def at(year, month, day, hour=12, minute=0) -> datetime.datetime:
    """A moment in Muscat time, the site's time zone."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=MUSCAT)


DAY = datetime.timedelta(days=1)


# Sunday 4 October 2026, 09:00 in Muscat: the items of ``known`` are received on Sundays at
# 09:00, so whole weeks are 5 working days (Friday and Saturday off) and the expected
# medians below are whole working days.
SUNDAY = at(2026, 10, 4, 9)
WEEK = 7 * DAY
# A median is exact to half the width of the bins holding the middle items: bins are 0.25
# working day wide under 5 days and 0.5 under 10, so 0.25 at most here.
RESOLUTION = 0.25


def rebuild():
    """The set-up writes rows directly (the workflow is not under test): recompute the
    aggregates the dashboard reads, as ``rebuild_stats`` would."""
    dailystats.rebuild()


@pytest.fixture
def known(topic, topic_b, ministry_a, ministry_b):
    """Ministry A: 4 items (one overdue, one answered, one rejected...), B: 2, unrouted: 1."""
    today = timezone.localdate()
    a1 = item(topic, ministry=ministry_a, status="answered", created=SUNDAY)
    a2 = item(topic, ministry=ministry_a, status="in_progress", created=SUNDAY + WEEK)
    a3 = item(
        topic,
        ministry=ministry_a,
        status="routed",
        created=SUNDAY + WEEK + 3 * DAY,
        due=today - 2 * DAY,
        kind="idea",
    )
    a4 = item(
        topic,
        ministry=ministry_a,
        status="rejected",
        created=SUNDAY + 2 * WEEK,
        due=today - 5 * DAY,
    )  # past its date but rejected: not overdue
    b1 = item(
        topic_b,
        ministry=ministry_b,
        status="routed",
        created=SUNDAY + 2 * WEEK + 3 * DAY,
        due=today - 1 * DAY,
        kind="suggestion",
        subject="Labour secret subject",
    )
    b2 = item(topic_b, ministry=ministry_b, status="answered", created=SUNDAY + 3 * WEEK)
    unrouted = item(topic, status="submitted", created=SUNDAY + 3 * WEEK + 3 * DAY)
    # First responses in A: 1, 2 and 10 working days -> median 2; answers: 3 and 5 -> 4.
    event(a1, "acknowledged", 1 * DAY)  # Monday
    event(a1, "answered", 3 * DAY)  # Wednesday
    event(a2, "acknowledged", 2 * DAY)  # Tuesday
    event(a2, "answered", WEEK)  # next Sunday: 5 working days (status aside)
    event(a4, "rejected", 2 * WEEK)  # 10 working days
    event(a4, "note", 0.5 * DAY)  # an internal note is not a response
    # B: one response after 7 working days (Tuesday of the next week), the answer.
    event(b2, "answered", WEEK + 2 * DAY)
    rebuild()
    return {"a": [a1, a2, a3, a4], "b": [b1, b2], "unrouted": unrouted}


@pytest.mark.django_db
def test_numbers_on_known_data_for_all_ministries(known, ministry_a, ministry_b):
    data = stats.build(None, Submission.objects.all())
    assert data.total == 7
    assert data.open == 4  # a2, a3, b1, unrouted
    assert data.overdue == 2  # a3, b1
    assert {v: n for v, _, n in data.by_status} == {
        "submitted": 1,
        "routed": 2,
        "in_progress": 1,
        "answered": 2,
        "closed": 0,
        "rejected": 1,
        "duplicate": 0,
    }
    assert {v: n for v, _, n in data.by_kind} == {
        "complaint": 5,
        "suggestion": 1,
        "idea": 1,
        "inquiry": 0,
    }
    rows = {row.ministry_id: row for row in data.ministries}
    assert (rows[ministry_a.pk].total, rows[ministry_a.pk].open, rows[ministry_a.pk].overdue) == (
        4,
        2,
        1,
    )
    assert (rows[ministry_b.pk].total, rows[ministry_b.pk].open, rows[ministry_b.pk].overdue) == (
        2,
        1,
        1,
    )
    assert (rows[None].total, rows[None].open) == (1, 1)
    # Working days now (they were calendar days), exact to half a bin.
    assert rows[ministry_a.pk].median_first_response == pytest.approx(2, abs=RESOLUTION)
    assert rows[ministry_a.pk].median_answer == pytest.approx(4, abs=RESOLUTION)
    assert rows[ministry_b.pk].median_first_response == pytest.approx(7, abs=RESOLUTION)
    assert rows[ministry_b.pk].median_answer == pytest.approx(7, abs=RESOLUTION)
    assert rows[None].median_first_response is None
    # Over everything: responses 1, 2, 7, 10 days -> 4.5; answers 3, 5, 7 -> 5.
    assert data.first_response_all == pytest.approx(4.5, abs=RESOLUTION)
    assert data.answer_all == pytest.approx(5, abs=RESOLUTION)
    # Oldest due date first; references, topics and ministries only.
    assert [row.reference for row in data.overdue_items] == [
        known["a"][2].reference,
        known["b"][0].reference,
    ]


def test_medians_of_odd_and_even_counts():
    def histogram(values):
        counts = [0] * RESPONSE_BINS
        for value in values:
            counts[dailystats.bin_index(value, "day")] += 1
        return counts

    # One item per bin: each counts at the middle of its bin.
    assert stats.median_of_histogram(histogram([5, 1, 9, 3, 7]), "day") == 5.25
    # Even: the mean of the two middle items, 5 (in [5, 5.5)) and 7 (in [7, 7.5)).
    assert stats.median_of_histogram(histogram([5, 1, 9, 3, 7, 11]), "day") == 6.25
    assert stats.median_of_histogram(histogram([0.1, 0.3, 0.6]), "day") == 0.375
    assert stats.median_of_histogram(histogram([]), "day") is None
    # 60 working days or more: the open last bin counts at its lower edge.
    assert stats.median_of_histogram(histogram([70, 80, 90]), "day") == 60


@pytest.mark.django_db
def test_only_the_first_response_counts(topic, ministry_a):
    submission = item(topic, ministry=ministry_a, created=SUNDAY)
    event(submission, "acknowledged", 1 * DAY)
    event(submission, "answered", 3 * DAY)
    event(submission, "acknowledged", 0.5 * DAY)  # earlier, written later: it is the first
    rebuild()
    figures = stats.summary(None)
    assert figures.median("first_response") == pytest.approx(0.5, abs=RESOLUTION)
    assert figures.median("answer") == pytest.approx(3, abs=RESOLUTION)
    assert (figures.first_responses, figures.answers) == (1, 1)


@pytest.mark.django_db
def test_weekly_buckets_use_muscat_weeks_from_sunday(topic, ministry_a):
    today = datetime.date(2026, 11, 26)  # a Thursday; its week started Sunday 22 November
    assert stats.week_start(today) == datetime.date(2026, 11, 22)
    # Saturday 23:30 and Sunday 00:30 in Muscat are both Saturday in UTC: different weeks.
    item(topic, ministry=ministry_a, created=at(2026, 11, 14, 23, 30))
    item(topic, ministry=ministry_a, created=at(2026, 11, 15, 0, 30))
    item(topic, ministry=ministry_a, created=at(2026, 11, 15, 9))
    item(topic, ministry=ministry_a, created=at(2026, 11, 26, 8))  # this week
    item(topic, ministry=ministry_a, created=at(2026, 9, 6, 0, 5))  # first day of week 1
    item(topic, ministry=ministry_a, created=at(2026, 9, 5, 23, 55))  # before the window
    rebuild()
    weeks = stats.weekly_counts(None, today)
    assert len(weeks) == 12
    assert weeks[0].start == datetime.date(2026, 9, 6)
    assert weeks[-1].start == datetime.date(2026, 11, 22)
    counts = {week.start: week.count for week in weeks}
    assert counts[datetime.date(2026, 9, 6)] == 1
    assert counts[datetime.date(2026, 11, 8)] == 1
    assert counts[datetime.date(2026, 11, 15)] == 2
    assert counts[datetime.date(2026, 11, 22)] == 1
    assert sum(counts.values()) == 5
    assert counts[datetime.date(2026, 10, 4)] == 0  # empty weeks are listed as zero


@pytest.mark.django_db
def test_average_rating(known, ministry_a):
    a1, a2 = known["a"][:2]
    Submission.objects.filter(pk=a1.pk).update(rating=5)
    Submission.objects.filter(pk=a2.pk).update(rating=2)
    Submission.objects.filter(pk=known["b"][1].pk).update(rating=4)
    rebuild()
    data = stats.build(None, Submission.objects.all())
    assert data.ratings == 3
    assert data.average_rating == pytest.approx(11 / 3)
    rows = {row.ministry_id: row for row in data.ministries}
    assert rows[ministry_a.pk].average_rating == pytest.approx(3.5)


@pytest.mark.django_db
def test_dashboard_page_shows_the_numbers(client_as, known, manager):
    page = client_as(manager).get(DASHBOARD).content.decode()
    assert "All ministries" in page
    assert "Ministry of Health" in page and "Ministry of Labour" in page
    assert "Not routed yet" in page
    assert '<svg class="chart__svg" role="img" aria-labelledby="chart-title chart-desc"' in page
    assert page.count('<rect class="chart__bar"') >= 1
    assert known["a"][2].reference in page  # overdue list
    # Managers count; they never get personal data or links to items.
    assert "Labour secret subject" not in page
    assert "citizen@example.com" not in page
    assert "/admin/feedback/submission/" not in page


@pytest.mark.django_db
def test_arabic_dashboard(client_as, known, moderator):
    response = client_as(moderator).get("/ar/staff/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="ar" dir="rtl"' in page
    assert "وزارة الصحة" in page
    # SVG coordinates are never written with an Arabic decimal separator.
    assert "٫" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    # Moderators open overdue items from the list.
    assert f"/ar/staff/items/{known['a'][2].reference}/" in page


# --- Who sees what: one table, every persona against every staff URL ---------------

ACCESS = [
    # persona, dashboard status, sees A's numbers, sees B's numbers
    ("anonymous", 302, False, False),
    ("editor", 404, False, False),
    ("officer_b", 200, False, True),
    ("officer_a", 200, True, False),
    ("manager", 200, True, True),
    ("moderator", 200, True, True),
    ("admin_user", 200, True, True),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "status", "sees_a", "sees_b"), ACCESS)
def test_isolation_table(
    request, client, client_as, known, ministry_a, persona, status, sees_a, sees_b
):
    a_refs = [s.reference for s in known["a"]]
    b_refs = [s.reference for s in known["b"]]
    browser = client if persona == "anonymous" else client_as(request.getfixturevalue(persona))
    urls = [
        DASHBOARD,
        "/ar/staff/",
        EXPORT,
        f"{EXPORT}?ministry={ministry_a.pk}",
        f"{EXPORT}?q={a_refs[0]}",
        f"{EXPORT}?status=routed&overdue=on",
    ]
    for url in urls:
        expected = status
        if persona == "officer_b" and "ministry=" in url:
            expected = 400  # another ministry is not a valid choice for an officer
        response = browser.get(url)
        assert response.status_code == expected, url
        if expected == 302:
            assert response["Location"].startswith("/admin/login/?next=")
        if expected != 200:
            content = response.content.decode()
            # (a page may echo the URL itself; nothing else of the items)
            assert not any(ref in content for ref in a_refs + b_refs if ref not in url)
            continue
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        assert any(ref in body for ref in a_refs) == sees_a, url
        if url.endswith("overdue=on"):
            # Only A's routed overdue item; not the rejected one past its date.
            assert (a_refs[2] in body) == sees_a, url
            assert not any(ref in body for ref in (a_refs[0], a_refs[1], a_refs[3])), url
        if not sees_a:
            assert not any(ref in body for ref in a_refs), url
            assert "Ministry of Health" not in body and "وزارة الصحة" not in body, url
        if not sees_b:
            assert not any(ref in body for ref in b_refs), url
            assert "Ministry of Labour" not in body and "وزارة العمل" not in body, url
    if status == 200:
        rows = read_csv(browser.get(EXPORT))
        refs = {row[0] for row in rows[1:]}
        assert bool(refs & set(a_refs)) == sees_a
        assert bool(refs & set(b_refs)) == sees_b


@pytest.mark.django_db
def test_medians_in_an_officers_scope(known, officer_a, ministry_a):
    data = stats.dashboard_for(officer_a)
    assert [row.ministry_id for row in data.ministries] == [ministry_a.pk]
    assert data.ministries[0].median_first_response == pytest.approx(2, abs=RESOLUTION)
    # 1, 2, 10 days: B's 7 days left out
    assert data.first_response_all == pytest.approx(2, abs=RESOLUTION)
    assert data.answer_all == pytest.approx(4, abs=RESOLUTION)
    nothing = roles.FeedbackScope(ministry_id=ministry_a.pk + 1000, opens_items=True)
    assert stats.summary(nothing).median("answer") is None
    assert stats.summary(nothing).received == 0


@pytest.mark.django_db
def test_officer_b_dashboard_counts_only_its_ministry(client_as, known, officer_b, ministry_b):
    page = client_as(officer_b).get(DASHBOARD).content.decode()
    assert "Feedback of: Ministry of Labour" in page
    data = stats.dashboard_for(officer_b)
    assert (data.total, data.open, data.overdue) == (2, 1, 1)
    assert [row.ministry_id for row in data.ministries] == [ministry_b.pk]
    # The export form offers only the officer's own ministry.
    assert "Ministry of Health" not in page


@pytest.mark.django_db
def test_cached_numbers_are_per_scope(settings, client_as, known, officer_a, officer_b):
    settings.FEEDBACK_DASHBOARD_CACHE_SECONDS = 60
    page_a = client_as(officer_a).get(DASHBOARD).content.decode()
    assert known["a"][2].reference in page_a
    page_b = client_as(officer_b).get(DASHBOARD).content.decode()
    assert known["a"][2].reference not in page_b
    assert known["b"][0].reference in page_b


# --- CSV ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_csv_columns_and_filters(client_as, known, moderator, manager, ministry_b):
    rows = read_csv(client_as(moderator).get(f"{EXPORT}?ministry={ministry_b.pk}&kind=suggestion"))
    header, *body = rows
    assert header[:8] == [
        "Reference",
        "Kind",
        "Topic",
        "Ministry",
        "Status",
        "Received at",
        "Answer expected by",
        "Overdue",
    ]
    assert header[-5:] == ["Subject", "Details", "Name", "E-mail", "Phone"]
    assert [row[0] for row in body] == [known["b"][0].reference]
    assert body[0][1:5] == [
        "Suggestion",
        "Work permits",
        "Ministry of Labour",
        "Sent to the ministry",
    ]
    assert body[0][7] == "Yes"
    assert "Labour secret subject" in body[0]
    # Managers: the same rows without personal data.
    header, *body = read_csv(client_as(manager).get(f"{EXPORT}?ministry={ministry_b.pk}"))
    assert "Subject" not in header and "E-mail" not in header
    flat = "".join("".join(row) for row in body)
    assert "Labour secret subject" not in flat and "citizen@example.com" not in flat
    assert len(body) == 2


@pytest.mark.django_db
def test_csv_search_overdue_and_dates(client_as, known, moderator):
    def refs(query):
        return {row[0] for row in read_csv(client_as(moderator).get(f"{EXPORT}?{query}"))[1:]}

    a1, _a2, a3, _a4 = known["a"]
    b1, b2 = known["b"]
    assert refs("overdue=on") == {a3.reference, b1.reference}
    assert refs(f"q={a1.reference.lower().replace('-', '')}") == {a1.reference}
    assert refs("q=labour secret") == {b1.reference}
    since = timezone.localdate(b1.created_at).isoformat()
    assert refs(f"received_from={since}") == {
        b1.reference,
        b2.reference,
        known["unrouted"].reference,
    }
    until = timezone.localdate(a1.created_at).isoformat()
    assert refs(f"received_to={until}") == {a1.reference}
    response = client_as(moderator).get(f"{EXPORT}?received_from=not-a-date")
    assert response.status_code == 400


@pytest.mark.django_db
def test_csv_search_finds_arabic_without_diacritics(client_as, topic, ministry_a, moderator):
    wanted = item(
        topic, ministry=ministry_a, subject="انقطاع المياه", body="المياه مقطوعة منذ يومين"
    )
    item(topic, ministry=ministry_a, subject="إنارة الشارع")
    rows = read_csv(client_as(moderator).get(f"{EXPORT}?q=مقطوعة"))
    assert [row[0] for row in rows[1:]] == [wanted.reference]


@pytest.mark.parametrize("value", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_formula_cells_are_defused(value):
    assert safe_cell(value) == "'" + value


def test_plain_cells_are_kept():
    assert safe_cell("TW-ABCD-EFGH") == "TW-ABCD-EFGH"
    assert safe_cell("شكوى = مهمة") == "شكوى = مهمة"
    assert safe_cell(None) == ""


@pytest.mark.django_db
def test_csv_defuses_formulas_from_citizens(client_as, topic, ministry_a, moderator):
    item(
        topic,
        ministry=ministry_a,
        subject='=HYPERLINK("http://evil.example","x")',
        body="@SUM(1+1)",
        name="-Ali",
    )
    header, row = read_csv(client_as(moderator).get(EXPORT))
    cells = dict(zip(header, row, strict=True))
    assert cells["Subject"] == '\'=HYPERLINK("http://evil.example","x")'
    assert cells["Details"] == "'@SUM(1+1)"
    assert cells["Name"] == "'-Ali"


@pytest.mark.django_db
def test_csv_is_streamed_as_a_download(client_as, known, moderator):
    response = client_as(moderator).get(EXPORT)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="tawasul-feedback-')
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_arabic_csv(client_as, known, moderator):
    header, *_ = read_csv(client_as(moderator).get("/ar/staff/export.csv"))
    assert header[0] == "الرقم المرجعي"


# --- Query counts: the same with 5 rows as with many ---------------------------------


def _grow(topic, topic_b, ministry_a, ministry_b, count):
    now = timezone.now()
    for n in range(count):
        ministry, t = (ministry_a, topic) if n % 2 else (ministry_b, topic_b)
        submission = item(
            t,
            ministry=ministry,
            status="answered",
            created=now - n * DAY,
            due=timezone.localdate() - DAY,
        )
        event(submission, "acknowledged", datetime.timedelta(hours=n + 1))
        event(submission, "answered", datetime.timedelta(hours=2 * n + 3))
    rebuild()


def _count(browser, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [DASHBOARD, EXPORT])
@pytest.mark.parametrize("persona", ["manager", "officer_a"])
def test_query_count_does_not_grow_with_rows(
    request,
    client_as,
    topic,
    topic_b,
    ministry_a,
    ministry_b,
    url,
    persona,
    django_assert_max_num_queries,
):
    browser = client_as(request.getfixturevalue(persona))
    _grow(topic, topic_b, ministry_a, ministry_b, 5)
    browser.get(url)  # the footer's channels are cached after the first page
    few = _count(browser, url)
    _grow(topic, topic_b, ministry_a, ministry_b, 60)
    many = _count(browser, url)
    assert few == many
    # Session and user (3), an officer's ministry (2), the numbers (5: the aggregate sums,
    # ministry names, overdue counts, the overdue list, the weeks), the filter form's
    # choices (2), session save (3). The export needs fewer.
    with django_assert_max_num_queries(15):
        _count(browser, url)


# --- The statistics scope and the chart ----------------------------------------------


@pytest.mark.django_db
def test_countable_by(known, moderator, officer_a, officer_b, editor, manager, admin_user):
    from django.contrib.auth.models import AnonymousUser

    def refs(user):
        return set(Submission.objects.countable_by(user).values_list("reference", flat=True))

    a = {s.reference for s in known["a"]}
    b = {s.reference for s in known["b"]}
    everything = a | b | {known["unrouted"].reference}
    assert refs(manager) == everything
    assert refs(moderator) == everything
    assert refs(admin_user) == everything
    assert refs(officer_a) == a
    assert refs(officer_b) == b
    assert refs(editor) == set()
    assert refs(AnonymousUser()) == set()
    # Managers count everything but still open nothing.
    assert not Submission.objects.visible_to(manager).exists()
    manager.is_active = False
    assert refs(manager) == set()


def test_chart_runs_right_to_left_in_arabic():
    from feedback.views.dashboard import bar_chart

    weeks = [
        stats.WeekRow(start=datetime.date(2026, 1, 4) + n * 7 * DAY, count=n) for n in range(12)
    ]
    ltr = bar_chart(weeks, rtl=False)
    rtl = bar_chart(weeks, rtl=True)
    # Oldest week first: at the left in English, at the right in Arabic.
    assert ltr["bars"][0]["x"] < ltr["bars"][-1]["x"]
    assert rtl["bars"][0]["x"] > rtl["bars"][-1]["x"]
    # The busiest week fills the plot; an empty week has no bar.
    assert ltr["bars"][-1]["y"] == 24
    assert ltr["bars"][0]["height"] == 0
    empty = bar_chart([stats.WeekRow(start=w.start, count=0) for w in weeks], rtl=False)
    assert all(bar["height"] == 0 for bar in empty["bars"])


@pytest.mark.django_db
def test_managers_cannot_search_the_citizens_texts(client_as, manager, moderator):
    item = make_submission(body="My neighbour Ahmed Salim blocks the road.")
    found = client_as(manager).get("/en/staff/export.csv", {"q": "salim"})
    assert found.status_code == 200
    assert item.reference in b"".join(found.streaming_content).decode()  # q is ignored
    nothing = client_as(manager).get("/en/staff/export.csv", {"q": "zzzz"})
    assert item.reference in b"".join(nothing.streaming_content).decode()
    assert 'name="q"' not in client_as(manager).get("/en/staff/").content.decode()
    # Those who may open items do search.
    searched = client_as(moderator).get("/en/staff/export.csv", {"q": "zzzz"})
    assert item.reference not in b"".join(searched.streaming_content).decode()
