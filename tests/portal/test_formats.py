"""One style for dates and numbers per language (docs/decisions.md, "Dates and numbers").

Real pages in both languages (home cards, an article, the staff list, item and dashboard,
e-mails) write every date as "3 ديسمبر 2026" / "3 December 2026" (with a time:
"3 ديسمبر 2026، 14:05" / "3 December 2026, 14:05"), numbers with Latin digits, "," between
thousands and "." as the decimal mark; machine outputs (``<time datetime>``, JSON-LD, CSV,
feeds) are ISO 8601 whatever the language.
"""

import csv
import datetime
import html
import io
import json
import re
import zoneinfo

import feedparser
import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from feedback import dailystats, workflow
from feedback.models import Submission, SubmissionEvent
from portal import formatting
from tests.factories import make_article, make_submission, make_topic

pytestmark = pytest.mark.django_db

MUSCAT = zoneinfo.ZoneInfo("Asia/Muscat")
# 10:05 UTC is 14:05 in Muscat: a page in UTC, or on a 12-hour clock, would show otherwise.
PUBLISHED = datetime.datetime(2026, 4, 3, 10, 5, tzinfo=datetime.UTC)

AR_MONTHS = "يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر"
EN_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# The one date pattern of each language, with its optional time, and the month of a year
# (archive titles); every month name on a page must be inside one of these.
PATTERNS = {
    "ar": re.compile(rf"(?:\d{{1,2}} )?(?:{AR_MONTHS}) \d{{4}}(?:، \d\d:\d\d)?"),
    "en": re.compile(rf"(?:\d{{1,2}} )?(?:{EN_MONTHS}) \d{{4}}(?:, \d\d:\d\d)?"),
}
MONTH_NAMES = {
    "ar": re.compile(rf"{AR_MONTHS}|إبريل"),
    "en": re.compile(rf"{EN_MONTHS}|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b"),
}
# What the pages wrote before: numeric dates, "Dec. 3, 2026", "3 ديسمبر، 2026", 2:05 م.
OTHER_DATES = re.compile(r"\b\d{1,2}\u200f?/\d{1,2}\u200f?/\d{4}\b|[،,] \d{4}\b|\d:\d\d ?[صم]\b")
COMMA_DECIMAL = re.compile(r"(?<![\d,])\d+,\d(?!\d)")
ARABIC_INDIC_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")


def visible_text(response) -> str:
    """The page's text as a reader sees it: no tags, no attributes, no scripts; menus
    (a month picker lists bare month names) are checked on their own."""
    assert response.status_code == 200, response.status_code
    content = response.content.decode()
    content = re.sub(r"<(script|style|select)\b.*?</\1>", " ", content, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", content))


def assert_one_style(text: str, language: str) -> None:
    """Every date in ``text`` has the one pattern; numbers have Latin digits and '.'."""
    covered = [match.span() for match in PATTERNS[language].finditer(text)]
    for month in MONTH_NAMES[language].finditer(text):
        inside = any(start <= month.start() < end for start, end in covered)
        context = text[max(month.start() - 20, 0) : month.end() + 20]
        assert inside, f"a date in another style: {context!r}"
    assert not OTHER_DATES.findall(text), OTHER_DATES.findall(text)
    assert not COMMA_DECIMAL.findall(text), COMMA_DECIMAL.findall(text)
    assert not ARABIC_INDIC_DIGITS.findall(text)


def machine_times(response) -> list[str]:
    return re.findall(r'<time datetime="([^"]+)"', response.content.decode())


def assert_iso(stamps: list[str]) -> None:
    assert stamps
    for stamp in stamps:
        assert re.fullmatch(r"[0-9T:+\-]+", stamp), stamp
        parsed = (
            datetime.datetime.fromisoformat(stamp)
            if "T" in stamp
            else datetime.date.fromisoformat(stamp)
        )
        if isinstance(parsed, datetime.datetime):
            assert parsed.tzinfo is not None, stamp


# --- The formatter ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "day", "moment", "month"),
    [
        ("ar", "3 أبريل 2026", "3 أبريل 2026، 14:05", "أبريل 2026"),
        ("en", "3 April 2026", "3 April 2026, 14:05", "April 2026"),
    ],
)
def test_dates_have_one_pattern_in_the_site_time_zone(language, day, moment, month):
    with translation.override(language):
        assert formatting.local_date(PUBLISHED) == day
        assert formatting.local_date(datetime.date(2026, 4, 3)) == day
        assert formatting.local_datetime(PUBLISHED) == moment
        assert formatting.local_month(PUBLISHED) == month
        assert formatting.iso_datetime(PUBLISHED) == "2026-04-03T14:05:00+04:00"
        assert formatting.iso_date(datetime.datetime(2026, 4, 3, 21, tzinfo=datetime.UTC)) == (
            "2026-04-04"  # 21:00 UTC is already the 4th in Muscat
        )


@pytest.mark.parametrize("language", ["ar", "en"])
def test_numbers_group_thousands_with_a_comma_and_use_a_point_for_decimals(language):
    with translation.override(language):
        assert formatting.local_number(4921) == "4,921"
        assert formatting.local_number(1234567) == "1,234,567"
        assert formatting.local_number(1.7, 1) == "1.7"
        assert formatting.local_number(1.75, 1) == "1.8"  # half up, as floatformat
        assert formatting.local_number(2, 1) == "2.0"
        assert formatting.local_number(4921.25, 1) == "4,921.3"
        assert formatting.local_number(-3.5, 1) == "-3.5"
        assert formatting.local_number(None) == ""
        assert formatting.local_number("not a number") == ""


# --- Public pages -----------------------------------------------------------------------
@pytest.fixture
def article():
    return make_article(
        title_ar="افتتاح مركز صحي", title_en="A health centre opens", publish_at=PUBLISHED
    )


@pytest.mark.parametrize(("language", "date"), [("ar", "3 أبريل 2026"), ("en", "3 April 2026")])
@pytest.mark.parametrize("page", ["/{}/", "/{}/news/", "/{}/news/2026/4/"])
def test_news_cards_and_lists_write_the_one_date(client, article, language, date, page):
    response = client.get(page.format(language))
    text = visible_text(response)
    assert date in text
    assert_one_style(text, language)
    assert_iso(machine_times(response))


@pytest.mark.parametrize(("language", "april"), [("ar", "أبريل"), ("en", "April")])
def test_month_archive_spells_months_as_dates_do(client, article, language, april):
    content = client.get(f"/{language}/news/").content.decode()
    (archive,) = re.findall(r'<nav class="news-archive".*?</nav>', content, re.S)
    assert f">{april} 2026</a>" in archive
    assert "إبريل" not in archive


@pytest.mark.parametrize(
    ("language", "moment"), [("ar", "3 أبريل 2026، 14:05"), ("en", "3 April 2026, 14:05")]
)
def test_article_page_writes_date_and_time_and_iso_for_machines(client, article, language, moment):
    response = client.get(f"/{language}{article.get_absolute_url()[3:]}")
    text = visible_text(response)
    assert moment in text
    assert_one_style(text, language)
    assert machine_times(response) == ["2026-04-03T14:05:00+04:00"]
    content = response.content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    data = json.loads(block)
    assert datetime.datetime.fromisoformat(data["datePublished"]) == PUBLISHED
    assert datetime.datetime.fromisoformat(data["dateModified"]).tzinfo is not None
    published = re.search(r'property="article:published_time" content="([^"]+)"', content)
    assert datetime.datetime.fromisoformat(published.group(1)) == PUBLISHED


@pytest.mark.parametrize("language", ["ar", "en"])
def test_feeds_dates_parse_in_both_languages(client, article, language):
    for path in ("feed/", "feed/atom/"):
        feed = feedparser.parse(client.get(f"/{language}/news/{path}").content)
        assert not feed.bozo, feed.bozo_exception
        (entry,) = feed.entries
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        assert stamp[:5] == (2026, 4, 3, 10, 5)  # feedparser gives UTC


@pytest.mark.parametrize(("language", "hint"), [("ar", "5,000"), ("en", "Up to 5,000 characters.")])
def test_form_hints_group_thousands(client, language, hint, topic):
    text = visible_text(client.get(f"/{language}/feedback/new/"))
    assert hint in text
    assert_one_style(text, language)


@pytest.mark.parametrize(
    ("language", "error"),
    [
        ("ar", "5,000"),
        ("en", "Details must be 5,000 characters or fewer (you entered 5,123)."),
    ],
)
def test_form_errors_group_thousands(client, topic, language, error):
    data = {
        "kind": "complaint",
        "topic": str(topic.pk),
        "subject": "Long waiting time",
        "body": "x" * 5123,
        "consent": "on",
        "website": "",
    }
    text = visible_text(client.post(f"/{language}/feedback/new/", data))
    assert error in text and "5,123" in text
    assert_one_style(text, language)


# --- Staff pages ------------------------------------------------------------------------
@pytest.fixture
def topic(ministry_a):
    return make_topic(name_ar="الخدمات الصحية", name_en="Health services", ministry=ministry_a)


@pytest.fixture
def routed(topic, ministry_a):
    """Ministry A's item received on 3 April 2026 at 14:05, answered 1.7 days later."""
    submission = make_submission(topic=topic)
    received = PUBLISHED
    Submission.objects.filter(pk=submission.pk).update(
        ministry=ministry_a,
        status=Submission.Status.ANSWERED,
        created_at=received,
        due_at=datetime.date(2026, 4, 12),
    )
    SubmissionEvent.objects.create(
        submission=submission,
        kind="answered",
        public_message="Fixed.",
        created_at=received + datetime.timedelta(days=1.7),
    )
    submission.refresh_from_db()
    dailystats.rebuild()  # the dashboard reads the aggregates of these rows
    return submission


@pytest.fixture(autouse=True)
def no_dashboard_cache(settings):
    settings.FEEDBACK_DASHBOARD_CACHE_SECONDS = 0


@pytest.mark.parametrize(
    ("language", "received", "due"),
    [
        ("ar", "3 أبريل 2026", "12 أبريل 2026"),
        ("en", "3 April 2026", "12 April 2026"),
    ],
)
def test_staff_list_writes_the_one_date(client_as, officer_a, routed, language, received, due):
    response = client_as(officer_a).get(f"/{language}/staff/inbox/?status=answered")
    text = visible_text(response)
    assert received in text and due in text
    assert_one_style(text, language)
    assert_iso(machine_times(response))


@pytest.mark.parametrize(
    ("language", "received", "answered"),
    [
        ("ar", "3 أبريل 2026، 14:05", "5 أبريل 2026، 06:53"),
        ("en", "3 April 2026, 14:05", "5 April 2026, 06:53"),
    ],
)
def test_staff_item_writes_date_and_time_one_way(
    client_as, officer_a, routed, language, received, answered
):
    response = client_as(officer_a).get(f"/{language}/staff/items/{routed.reference}/")
    text = visible_text(response)
    assert received in text  # "Received"
    assert answered in text  # the history: 14:05 + 1.7 days
    assert_one_style(text, language)
    assert_iso(machine_times(response))


@pytest.mark.parametrize("language", ["ar", "en"])
def test_dashboard_decimals_use_a_point(client_as, manager, officer_b, routed, language):
    for user in (manager, officer_b):  # officer_b: another ministry, an empty dashboard
        response = client_as(user).get(f"/{language}/staff/")
        text = visible_text(response)
        assert_one_style(text, language)
        assert_iso(machine_times(response))
    text = visible_text(client_as(manager).get(f"/{language}/staff/"))
    # Median working days to answer: received on a Friday at 14:05, answered on Sunday at
    # 06:53, so 0.29 working day, shown as the middle of its bin [0.25, 0.5).
    assert re.search(r"\b0\.4\b", text)
    assert "0,4" not in text


@pytest.mark.parametrize("language", ["ar", "en"])
def test_csv_export_has_iso_dates_and_latin_digits(client_as, manager, routed, language):
    response = client_as(manager).get(f"/{language}/staff/export.csv")
    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    header, row = list(csv.reader(io.StringIO(text)))
    with translation.override(language):
        received = row[header.index(gettext("Received at"))]
        due = row[header.index(gettext("Answer expected by"))]
    assert datetime.datetime.fromisoformat(received) == PUBLISHED
    assert datetime.datetime.fromisoformat(received).utcoffset() == datetime.timedelta(hours=4)
    assert datetime.date.fromisoformat(due) == datetime.date(2026, 4, 12)
    assert not ARABIC_INDIC_DIGITS.search(text)


# --- E-mails ----------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["ar", "en"])
def test_notification_emails_write_the_one_date(
    topic, ministry_a, moderator, language, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = make_submission(topic=topic, language=language)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.route(submission, actor=moderator, ministry=ministry_a)
    submission.refresh_from_db()
    confirmation, routed_mail = mail.outbox
    # The confirmation is in the citizen's language, the ministry's mail in the site's.
    assert_one_style(confirmation.body, language)
    assert_one_style(routed_mail.body, "ar")
    with translation.override(language):
        assert formatting.local_date(submission.due_at) in confirmation.body
    with translation.override("ar"):
        assert formatting.local_date(submission.due_at) in routed_mail.body


def test_overdue_digest_writes_the_one_date(routed, moderator):
    Submission.objects.filter(pk=routed.pk).update(
        status=Submission.Status.ROUTED, due_at=datetime.date(2026, 4, 12)
    )
    call_command("send_overdue_digest")
    assert mail.outbox
    for message in mail.outbox:  # staff mail is in the site's language
        assert "12 أبريل 2026" in message.body
        assert_one_style(message.body, "ar")
