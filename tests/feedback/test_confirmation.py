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
