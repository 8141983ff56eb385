"""The confirmation page (reference, next steps, the private link shown once) and the
confirmation e-mail in the submission's language."""

import re

import pytest
from django.core import mail

from feedback.models import Submission


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "subject_words", "body_words"),
    [
        ("en", "was received", ["Your reference:", "Answer expected by:", "private link"]),
        ("ar", "تم استلام طلبك", ["رقمك المرجعي:", "تاريخ الرد المتوقع:", "الرابط الخاص"]),
    ],
)
def test_confirmation_email_in_the_submission_language(
    client, form_data, django_capture_on_commit_callbacks, lang, subject_words, body_words
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/{lang}/feedback/new/", form_data())
    submission = Submission.objects.get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aisha@example.com"]
    assert submission.reference in message.subject
    assert subject_words in message.subject
    for words in body_words:
        assert words in message.body
    link = re.search(r"https?://\S+/feedback/track/\S+/", message.body).group(0)
    assert f"/{lang}/feedback/track/" in link
    # The link works, without logging in.
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200
    assert submission.reference in response.content.decode()


@pytest.mark.django_db
def test_no_email_without_an_address(client, form_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/feedback/new/", form_data(email=""))
    assert mail.outbox == []


@pytest.mark.django_db
def test_no_email_when_saving_fails(
    client, form_data, monkeypatch, django_capture_on_commit_callbacks
):
    from feedback import workflow

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(workflow, "store_attachment", broken)
    from tests.feedback import files

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/feedback/new/",
            {**form_data(), "attachments": [files.upload("a.png", files.png_bytes())]},
        )
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_confirmation_page_shows_reference_next_steps_and_link_once(client, form_data, lang):
    response = client.post(f"/{lang}/feedback/new/", form_data(email=""), follow=True)
    page = response.content.decode()
    submission = Submission.objects.get()
    assert submission.reference in page
    assert f"/{lang}/feedback/track/" in page
    assert response["Referrer-Policy"] == "no-referrer"
    expected = {"en": "What happens next", "ar": "ماذا يحدث بعد ذلك"}[lang]
    assert expected in page
    # Shown once: reloading the page does not show the link again.
    again = client.get(f"/{lang}/feedback/sent/")
    assert again.status_code == 302
    assert submission.reference not in client.get(again["Location"]).content.decode()


# --- The way to the confirmation page: a signed cookie, no session (issue 12) ----------
@pytest.mark.django_db
def test_sending_creates_no_session_and_the_cookie_is_private_and_short_lived(client, form_data):
    from django.contrib.sessions.models import Session

    response = client.post("/en/feedback/new/", form_data(email=""))
    assert response.status_code == 302
    assert response["Location"] == "/en/feedback/sent/"
    cookie = response.cookies["feedback_sent"]
    assert cookie["httponly"]
    assert cookie["path"] == "/en/feedback/sent/"
    assert 0 < int(cookie["max-age"]) <= 600
    assert client.cookies.get("sessionid") is None
    page = client.get("/en/feedback/sent/")
    assert Submission.objects.get().reference in page.content.decode()
    # Consumed: the browser is told to delete it.
    assert page.cookies["feedback_sent"]["max-age"] == 0
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_the_submission_writes_only_its_rows(client, form_data):
    """One transaction: the reference (its savepoint), the item, its audit row and its two
    statistics rows (day and month, upserted); no session."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.post("/en/feedback/new/", form_data(email=""))
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert len(writes) == 4, writes
    assert "feedback_submission" in writes[0]
    assert "feedback_submissionevent" in writes[1]
    assert {"feedback_dailystat", "feedback_monthlystat"} == {
        table
        for sql in writes[2:]
        for table in ("feedback_dailystat", "feedback_monthlystat")
        if f'"{table}"' in sql.split("(")[0]
    }
    assert not any("django_session" in q["sql"] for q in queries)


@pytest.mark.django_db
def test_a_replayed_confirmation_cookie_shows_nothing(client, form_data):
    client.post("/en/feedback/new/", form_data(email=""))
    value = client.cookies["feedback_sent"].value
    reference = Submission.objects.get().reference
    assert reference in client.get("/en/feedback/sent/").content.decode()
    # The same cookie sent again (copied from the browser): the link is not shown again.
    client.cookies["feedback_sent"] = value
    again = client.get("/en/feedback/sent/")
    assert again.status_code == 302
    assert again["Location"] == "/en/feedback/track/"


@pytest.mark.django_db
@pytest.mark.parametrize("forged", ["{ref}", "{ref}:AAAA:BBBB", "", "x" * 5000])
def test_a_made_up_confirmation_cookie_shows_nothing(client, form_data, forged):
    client.post("/en/feedback/new/", form_data(email=""))
    client.cookies["feedback_sent"] = forged.format(ref=Submission.objects.get().reference)
    response = client.get("/en/feedback/sent/")
    assert response.status_code == 302
    assert response["Location"] == "/en/feedback/track/"


@pytest.mark.django_db
def test_an_expired_confirmation_cookie_shows_nothing(client, form_data, monkeypatch):
    import time

    now = time.time()
    # The cookie was signed 11 minutes ago (its signature carries the time).
    monkeypatch.setattr("django.core.signing.time.time", lambda: now - 11 * 60)
    client.post("/en/feedback/new/", form_data(email=""))
    monkeypatch.undo()
    response = client.get("/en/feedback/sent/")
    assert response.status_code == 302
    assert response["Location"] == "/en/feedback/track/"
