"""Notifications: sent after commit, in the citizen's language, to the ministry on
routing; none without an e-mail; a failing mail server is retried and never undoes the
transition."""

import pytest
from django.core import mail

from feedback import mail as feedback_mail
from feedback import workflow
from feedback.models import Submission
from tests.factories import make_submission
from tests.feedback.workflow_helpers import in_state

S = Submission.Status


@pytest.mark.django_db
def test_ministry_is_told_on_routing_after_commit(
    topic, moderator, ministry_a, django_capture_on_commit_callbacks
):
    submission = make_submission(topic=topic, email="")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.route(submission, actor=moderator, ministry=ministry_a)
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [ministry_a.contact_email]
    assert submission.reference in message.subject
    assert f"/ar/staff/items/{submission.reference}/" in message.body
    assert "طلب جديد" in message.subject  # staff mail is in the site's language


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected_subject", "expected_body"),
    [
        ("en", "Update on your request", "answered your request"),
        ("ar", "تحديث على طلبك", "ردّت"),
    ],
)
def test_citizen_gets_the_answer_in_their_language(
    topic,
    ministry_a,
    officer_a,
    language,
    expected_subject,
    expected_body,
    django_capture_on_commit_callbacks,
):
    submission = in_state(S.IN_PROGRESS, topic, ministry_a, language=language)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.answer(submission, actor=officer_a, public_message="The clinic opens at 7.")
    (message,) = mail.outbox
    assert message.to == ["citizen@example.com"]
    assert expected_subject in message.subject and submission.reference in message.subject
    assert expected_body in message.body
    assert "The clinic opens at 7." in message.body
    assert f"/{language}/feedback/track/" in message.body


@pytest.mark.django_db
def test_rejected_merged_and_rerouted_are_told_with_the_reason(
    topic, moderator, ministry_a, ministry_b, django_capture_on_commit_callbacks
):
    rejected, merged = make_submission(topic=topic), make_submission(topic=topic)
    original = make_submission(topic=topic)
    routed = in_state(S.ROUTED, topic, ministry_a)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.reject(rejected, actor=moderator, public_message="Outside our remit.")
        workflow.merge(merged, actor=moderator, original=original)
        workflow.reroute(
            routed, actor=moderator, ministry=ministry_b, public_message="Labour handles this."
        )
    bodies = {m.subject: m.body for m in mail.outbox if m.to == ["citizen@example.com"]}
    assert len(bodies) == 3
    assert "Outside our remit." in bodies[f"Update on your request {rejected.reference}"]
    assert original.reference in bodies[f"Update on your request {merged.reference}"]
    rerouted = bodies[f"Update on your request {routed.reference}"]
    assert "Ministry of Labour" in rerouted and "Labour handles this." in rerouted
    # The new ministry is told as well.
    assert any(m.to == [ministry_b.contact_email] for m in mail.outbox)


@pytest.mark.django_db
def test_no_mail_for_a_sender_without_email(
    topic, ministry_a, officer_a, django_capture_on_commit_callbacks
):
    submission = in_state(S.ROUTED, topic, ministry_a, email="")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.answer(submission, actor=officer_a, public_message="Done.")
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_failing_mail_server_is_retried(
    topic, ministry_a, officer_a, monkeypatch, django_capture_on_commit_callbacks, settings
):
    settings.FEEDBACK_MAIL_ATTEMPTS = 3  # the database worker's default in production
    settings.FEEDBACK_MAIL_RETRY_SECONDS = 0
    real_send = feedback_mail.EmailMessage.send
    calls = []

    def flaky(message, *args, **kwargs):
        calls.append(message)
        if len(calls) < 3:
            raise ConnectionRefusedError("mail server down")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(feedback_mail.EmailMessage, "send", flaky)
    submission = in_state(S.ROUTED, topic, ministry_a)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.answer(submission, actor=officer_a, public_message="Done.")
    assert len(calls) == 3
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_dead_mail_server_never_breaks_the_transition(
    topic, ministry_a, officer_a, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(feedback_mail.EmailMessage, "send", down)
    submission = in_state(S.ROUTED, topic, ministry_a)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.answer(submission, actor=officer_a, public_message="Done.")
    submission.refresh_from_db()
    assert submission.status == S.ANSWERED
    assert submission.events.filter(kind="answered").count() == 1


@pytest.mark.django_db
def test_a_broken_queue_never_breaks_the_transition(
    topic, moderator, ministry_a, monkeypatch, django_capture_on_commit_callbacks
):
    class BrokenQueue:
        def enqueue(self, *args, **kwargs):
            raise RuntimeError("task table unavailable")

    monkeypatch.setattr(feedback_mail, "notify_ministry", BrokenQueue())
    submission = make_submission(topic=topic)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.route(submission, actor=moderator, ministry=ministry_a)
    submission.refresh_from_db()
    assert submission.status == S.ROUTED
