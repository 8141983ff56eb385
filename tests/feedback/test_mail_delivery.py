"""Mail that survives a mail-server outage: each try of the database worker is its own
task, run later, and every mail carries a Message-ID derived from its event, so a second
copy (a retry after a killed worker) is recognisable. The outage is real: Django's SMTP
backend pointed at a port where nothing listens."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from feedback import mail as feedback_mail
from feedback import workflow
from feedback.models import Submission
from tests.feedback.workflow_helpers import in_state

S = Submission.Status
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


@pytest.mark.django_db
def test_each_mail_carries_a_message_id_derived_from_its_event(
    topic, ministry_a, officer_a, django_capture_on_commit_callbacks
):
    submission = in_state(S.ROUTED, topic, ministry_a)
    with django_capture_on_commit_callbacks(execute=True):
        event = workflow.answer(submission, actor=officer_a, public_message="Done.")
    (sent,) = mail.outbox
    assert sent.message()["Message-ID"] == f"<tawasul.event.{event.pk}.citizen@127.0.0.1>"
    # Sent again (a retry), the mail is recognisably the same one.
    feedback_mail.notify_citizen.call(event.pk)
    assert mail.outbox[1].message()["Message-ID"] == sent.message()["Message-ID"]


@pytest.mark.django_db
def test_the_worker_tries_again_later_and_delivers_once_the_server_is_back(
    client, form_data, settings, smtp_down, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    settings.FEEDBACK_MAIL_ATTEMPTS = 4
    settings.FEEDBACK_MAIL_RETRY_SECONDS = 30
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/en/feedback/new/", form_data()).status_code == 302
    submission = Submission.objects.get()
    run_worker()  # server down: the try fails, the next one is queued for later
    assert mail.outbox == []
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs == {"args": [submission.pk], "kwargs": {"attempt": 2}}
    assert retry.run_after > timezone.now() + timedelta(seconds=20)  # not in a tight loop
    # The worker was not held for the pause: the first task is done.
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()
    (sent,) = mail.outbox
    assert sent.to == ["aisha@example.com"]
    assert sent.message()["Message-ID"] == f"<tawasul.confirmation.{submission.pk}@127.0.0.1>"
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


@pytest.mark.django_db
def test_the_last_try_fails_the_task_for_the_operator(
    client, form_data, settings, smtp_down, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    settings.FEEDBACK_MAIL_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/en/feedback/new/", form_data()).status_code == 302
    run_worker()
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
    assert mail.outbox == []


def test_the_pause_doubles_up_to_its_bound(settings):
    settings.FEEDBACK_MAIL_RETRY_SECONDS = 5
    settings.FEEDBACK_MAIL_RETRY_MAX_SECONDS = 3600
    assert [feedback_mail.retry_delay(n) for n in (1, 2, 3, 11, 15)] == [5, 10, 20, 3600, 3600]
