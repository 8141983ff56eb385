"""The citizen's "is this true?" form (issue 14): an inquiry is a request of its own kind,
with a target in working hours; bad input is refused in both languages with everything
typed kept; the link is kept as text; the screenshot goes through the attachments' checks
and survives an error."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from feedback import calendar, workflow
from feedback.models import Attachment, Inquiry, Kind, PublicHoliday, Submission, Topic
from tests.feedback import files

URL = "/{lang}/feedback/ask/"
TOKEN = re.compile(r'name="kept_uploads" value="([^"]*)"')
MUSCAT = ZoneInfo("Asia/Muscat")
CLAIM_AR = "رسالة على واتساب تقول إن المدارس ستغلق طوال الأسبوع القادم"


def ask_data(**overrides) -> dict:
    data = {
        "claim": CLAIM_AR,
        "where_seen": "whatsapp",
        "link": "https://x.com/example/status/1234567890",
        "name": "",
        "email": "parent@example.com",
        "phone": "",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def screenshot(name="Screenshot_2026-12-01.png"):
    return files.upload(name, files.png_bytes((120, 240)), "image/png")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=MUSCAT)


# --- The form ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_form_asks_for_the_claim_first_and_needs_no_account(client, lang):
    response = client.get(URL.format(lang=lang))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="claim"' in page and 'name="where_seen"' in page
    assert 'name="screenshot"' in page and 'name="notify_corrections"' in page
    assert 'name="check"' in page  # the "check first" step without JavaScript
    assert "/static/js/ask.js" in page
    title = "هل هذا صحيح؟" if lang == "ar" else "Is this true?"
    assert title in page
    for value in ("x", "instagram", "youtube", "whatsapp", "tiktok", "website", "other"):
        assert f'value="{value}"' in page


@pytest.mark.django_db
def test_the_feedback_form_offers_neither_the_inquiry_kind_nor_its_topic(client):
    Topic.inquiry_topic()
    page = client.get("/en/feedback/new/").content.decode()
    assert 'value="inquiry"' not in page
    assert "Questions about circulating claims" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_citizen_asks_with_a_screenshot(client, lang, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL.format(lang=lang), {**ask_data(notify_corrections="on"), "screenshot": screenshot()}
        )
    assert response.status_code == 302
    assert response["Location"] == f"/{lang}/feedback/sent/"
    item = Submission.objects.get()
    assert item.kind == Kind.INQUIRY
    assert item.language == lang
    assert item.body == CLAIM_AR  # the claim whole, as typed
    assert item.status == Submission.Status.SUBMITTED
    assert item.topic.accepts_inquiries
    inquiry = Inquiry.objects.get(submission=item)
    assert inquiry.where_seen == "whatsapp"
    assert inquiry.link == "https://x.com/example/status/1234567890"
    assert inquiry.notify_corrections is True
    (attachment,) = Attachment.objects.filter(submission=item)
    assert attachment.is_image and attachment.preview
    # A target in working hours: a due moment, and its date.
    assert item.due_by is not None
    assert item.due_at == timezone.localdate(item.due_by)
    assert item.events.get().kind == "submitted"
    # The confirmation, like any request's, in the citizen's language.
    (message,) = mail.outbox
    assert item.reference in message.subject
    sent = client.get(f"/{lang}/feedback/sent/").content.decode()
    assert item.reference in sent
    assert "/feedback/track/" in sent


@pytest.mark.django_db
def test_the_due_moment_counts_working_hours_from_arrival(client, settings):
    settings.FEEDBACK_INQUIRY_RESPONSE_HOURS = 8
    client.post(URL.format(lang="en"), ask_data())
    item = Submission.objects.get()
    clock = calendar.working_clock()
    assert clock.working_hours(item.created_at, item.due_by) == pytest.approx(8, abs=0.01)


# --- Working hours in the one calendar ---------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        # 07:30-14:30, Sunday to Thursday: 7 working hours a day.
        (at(2026, 12, 6, 8, 0), 2, at(2026, 12, 6, 10, 0)),  # Sunday morning, same day
        (at(2026, 12, 6, 6, 0), 8, at(2026, 12, 7, 8, 30)),  # before opening: from 07:30
        (at(2026, 12, 3, 13, 30), 8, at(2026, 12, 6, 14, 30)),  # Thursday: over the weekend
        (at(2026, 12, 4, 11, 0), 8, at(2026, 12, 7, 8, 30)),  # sent on Friday
        (at(2026, 12, 6, 20, 0), 1, at(2026, 12, 7, 8, 30)),  # after closing
        (at(2026, 12, 6, 14, 30), 7, at(2026, 12, 7, 14, 30)),  # exactly at closing
    ],
)
def test_working_hours_are_added_over_weekends_and_nights(start, hours, due):
    clock = calendar.WorkingClock(hours=(datetime.time(7, 30), datetime.time(14, 30)))
    assert clock.add_working_hours(start, hours) == due
    assert clock.working_hours(start, due) == pytest.approx(hours)


def test_a_public_holiday_is_skipped_in_working_hours():
    clock = calendar.WorkingClock(
        [datetime.date(2026, 12, 6)], hours=(datetime.time(7, 30), datetime.time(14, 30))
    )
    assert clock.add_working_hours(at(2026, 12, 3, 13, 30), 8) == at(2026, 12, 7, 14, 30)


@pytest.mark.django_db
def test_due_moment_reads_public_holidays_and_the_hours_setting(settings):
    settings.FEEDBACK_WORKING_HOURS = (datetime.time(8, 0), datetime.time(12, 0))
    PublicHoliday.objects.create(date=datetime.date(2026, 12, 6), name_ar="عطلة", name_en="Off")
    assert calendar.due_moment(6, at(2026, 12, 3, 9, 0)) == at(2026, 12, 7, 11, 0)


# --- Bad input: translated, nothing typed lost ---------------------------------------------

CASES = [
    (
        {"claim": ""},
        "claim",
        "Write the claim you want us to check.",
        "اكتب الادعاء الذي تريد منا التحقق منه.",
    ),
    (
        {"claim": "   "},
        "claim",
        "Write the claim you want us to check.",
        "اكتب الادعاء الذي تريد منا التحقق منه.",
    ),
    (
        {"link": "not a link"},
        "link",
        "Enter the link as it appears in the address bar",
        "أدخل الرابط كما يظهر في شريط العنوان",
    ),
    (
        {"link": "javascript:alert(1)"},
        "link",
        "Enter the link as it appears in the address bar",
        "أدخل الرابط كما يظهر في شريط العنوان",
    ),
    (
        {"link": "ftp://files.example/x"},
        "link",
        "Enter the link as it appears in the address bar",
        "أدخل الرابط كما يظهر في شريط العنوان",
    ),
    ({"where_seen": None}, "where_seen", "Choose where you saw it.", "اختر أين رأيته."),
    ({"where_seen": "telegraph"}, "where_seen", "Choose where you saw it.", "اختر أين رأيته."),
    (
        {"email": "parent@"},
        "email",
        "Enter an e-mail address in the correct format",
        "أدخل عنوان بريد إلكتروني بصيغة صحيحة",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize(("overrides", "field", "english", "arabic"), CASES)
def test_bad_input_is_refused_in_both_languages_keeping_what_was_typed(
    client, lang, overrides, field, english, arabic
):
    data = ask_data(**overrides)
    response = client.post(URL.format(lang=lang), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert (english if lang == "en" else arabic) in page
    anchor = "id_where_seen_0" if field == "where_seen" else f"id_{field}"
    assert f'href="#{anchor}"' in page
    assert Submission.objects.count() == 0
    if field != "claim":
        assert CLAIM_AR in page
    if field != "link":
        assert 'value="https://x.com/example/status/1234567890"' in page
    if field != "email":
        assert 'value="parent@example.com"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_claim_over_the_limit_is_refused_not_cut(client, lang):
    claim = "ا" * 2001
    response = client.post(URL.format(lang=lang), ask_data(claim=claim))
    page = response.content.decode()
    assert Submission.objects.count() == 0
    if lang == "en":
        assert "The claim must be 2,000 characters or fewer (you entered 2,001)." in page
    else:
        assert "يجب ألا يتجاوز الادعاء 2,000 حرف (أدخلت 2,001)." in page
    assert claim in page  # given back whole, to shorten
    # At the limit it is taken whole.
    client.post(URL.format(lang=lang), ask_data(claim="ا" * 2000))
    assert len(Submission.objects.get().body) == 2000


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_an_oversized_screenshot_is_refused_and_the_text_kept(client, settings, lang):
    settings.FEEDBACK_MAX_ATTACHMENT_BYTES = 2000
    big = files.upload("big.png", files.png_bytes((400, 400)) + b"\0" * 3000, "image/png")
    response = client.post(URL.format(lang=lang), {**ask_data(), "screenshot": big})
    page = response.content.decode()
    assert Submission.objects.count() == 0
    if lang == "en":
        assert "“big.png” is larger than" in page
    else:
        assert "حجم «big.png» أكبر من" in page
    assert CLAIM_AR in page
    assert 'value="parent@example.com"' in page


@pytest.mark.django_db
def test_a_screenshot_must_be_an_image(client):
    pdf = files.upload("scan.pdf", files.minimal_pdf(), "application/pdf")
    response = client.post(URL.format(lang="en"), {**ask_data(), "screenshot": pdf})
    assert Submission.objects.count() == 0
    assert "A screenshot must be a JPEG, PNG or WebP image." in response.content.decode()


@pytest.mark.django_db
def test_the_screenshot_is_kept_across_an_error_and_sent_with_the_next_try(client):
    first = client.post(
        URL.format(lang="en"), {**ask_data(consent=None), "screenshot": screenshot()}
    )
    page = first.content.decode()
    assert "Screenshot_2026-12-01.png" in page and "kept" in page
    token = TOKEN.search(page).group(1)
    assert token
    client.post(URL.format(lang="en"), {**ask_data(), "kept_uploads": token})
    item = Submission.objects.get()
    assert Attachment.objects.filter(submission=item).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lang, failure, status, message",
    [
        ("en", OSError("disk full"), 503, "We could not save your question, and nothing was sent."),
        ("ar", OSError("disk full"), 503, "تعذّر حفظ سؤالك، ولم يُرسل شيء."),
        ("en", ValueError("a bug"), 500, "We could not save your question, and nothing was sent."),
    ],
)
def test_a_question_that_cannot_be_saved_comes_back_with_everything_typed(
    client, monkeypatch, lang, failure, status, message
):
    """A full disk is temporary (503, try again later), a bug is not (500); either way
    nothing is saved and the question, the address and the screenshot come back."""

    def fail(submission, clean):
        raise failure

    monkeypatch.setattr(workflow, "store_attachment", fail)
    response = client.post(URL.format(lang=lang), {**ask_data(), "screenshot": screenshot()})
    assert response.status_code == status
    assert ("Retry-After" in response) == (status == 503)
    page = response.content.decode()
    assert message in page
    assert CLAIM_AR in page and 'value="parent@example.com"' in page
    assert "Screenshot_2026-12-01.png" in page
    assert Submission.objects.count() == 0 and Inquiry.objects.count() == 0


# --- The link: text, never fetched ---------------------------------------------------------


@pytest.mark.django_db
def test_the_link_is_never_fetched_and_is_shown_as_text(client, client_as, moderator, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the server tried to open a connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    client.post(URL.format(lang="en"), ask_data(link="https://evil.example/track?x=1"))
    item = Submission.objects.get()
    page = client_as(moderator).get(f"/en/staff/items/{item.reference}/").content.decode()
    assert "https://evil.example/track?x=1" in page
    assert 'href="https://evil.example' not in page


# --- The "check first" step -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_check_first_sends_nothing_and_keeps_everything(client, lang):
    response = client.post(
        URL.format(lang=lang),
        {**ask_data(consent=None, where_seen=None), "check": "1", "screenshot": screenshot()},
    )
    assert response.status_code == 200
    assert Submission.objects.count() == 0
    page = response.content.decode()
    assert CLAIM_AR in page
    assert 'value="parent@example.com"' in page
    assert "Screenshot_2026-12-01.png" in page
    # Not asked yet: no error for the consent or the channel at this step.
    assert 'id="id_consent_error"' not in page
    assert 'id="id_where_seen_error"' not in page
    none = (
        "No published clarification matches yet."
        if lang == "en"
        else "لا يوجد توضيح منشور يطابق سؤالك بعد."
    )
    assert none in page
    # Then sending it takes the kept screenshot along.
    token = TOKEN.search(page).group(1)
    client.post(URL.format(lang=lang), {**ask_data(), "kept_uploads": token})
    assert Attachment.objects.filter(submission=Submission.objects.get()).count() == 1


@pytest.mark.django_db
def test_matches_answer_json_without_a_session(client):
    response = client.get("/en/feedback/ask/matches/", {"q": "مدارس"})
    assert response.status_code == 200
    assert response.json() == {"results": []}
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_the_honeypot_sends_nothing(client):
    response = client.post(URL.format(lang="en"), ask_data(website="http://spam.example"))
    assert response.status_code == 302
    assert Submission.objects.count() == 0


@pytest.mark.django_db
def test_the_blank_form_is_stored_once_and_each_visitor_can_send_it(
    django_assert_num_queries,
):
    from django.test import Client

    first = Client(enforce_csrf_checks=True).get(URL.format(lang="ar"))
    visitor = Client(enforce_csrf_checks=True)
    with django_assert_num_queries(0):
        stored = visitor.get(URL.format(lang="ar"))
    assert stored.status_code == 200 and b"csrf-token-slot" not in stored.content
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', stored.content)[1]
    assert stored.cookies["csrftoken"].value != first.cookies["csrftoken"].value
    sent = visitor.post(
        URL.format(lang="ar"), {**ask_data(), "csrfmiddlewaretoken": token.decode()}
    )
    assert sent.status_code == 302
    assert Submission.objects.get().language == "ar"
