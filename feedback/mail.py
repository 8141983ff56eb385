"""The feedback app's e-mail: one way to render and send a notification, and the tasks
that send the per-item ones (immediate in development and tests, the database worker in
production). The overdue digest uses the same helpers from ``feedback.digest``."""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from feedback.models import Submission, SubmissionEvent
from feedback.tracking import tracking_url
from portal.tasks import Task, task
from portal.text import one_line

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Retry:
    """How a task sends its mail again later: the task, its arguments and this try's number.

    With the database worker the next try is a new task run after a growing pause, so a
    mail server that is down for hours costs no worker time and loses no mail; with
    immediate tasks (development, tests) the tries happen at once in the request."""

    task: Task
    args: tuple
    attempt: int = 1


def message_id(*parts: object) -> str:
    """A Message-ID derived from what the mail is about (``confirmation.42``,
    ``event.17.citizen``): a retry, or a second copy after a worker died, carries the same
    one, so a mail client or the relay can recognise it."""
    domain = urlsplit(settings.SITE_URL).hostname or "tawasul.invalid"
    return "<tawasul." + ".".join(str(part) for part in parts) + f"@{domain}>"


def send_notification(
    template: str,
    context: dict,
    recipients: list[str],
    *,
    language: str,
    message_id: str | None = None,
    retry: Retry | None = None,
) -> None:
    """Render ``feedback/email/<template>_subject.txt`` and ``<template>.txt`` in
    ``language`` (``site_url`` is always in the context) and send them to ``recipients``."""
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"feedback/email/{template}_subject.txt", context)
        body = render_to_string(f"feedback/email/{template}.txt", context)
    send_with_retries(subject, body, recipients, message_id=message_id, retry=retry)


def send_with_retries(
    subject: str,
    body: str,
    recipients: list[str],
    *,
    message_id: str | None = None,
    retry: Retry | None = None,
) -> None:
    """Send one mail; a failing server is tried again, up to ``FEEDBACK_MAIL_ATTEMPTS``.

    A task that passes ``retry`` and runs on a worker that can defer (the database backend)
    schedules its next try as a new task and returns. Otherwise the tries happen here,
    with a growing pause. The last failure is raised, so the database backend records the
    task as failed (an operator sees it); the transition that scheduled the mail is
    already committed.
    """
    headers = {"Message-ID": message_id} if message_id else {}
    # One line whatever a template puts in it: Django refuses only CR and LF.
    mail = EmailMessage(one_line(subject), body, None, recipients, headers=headers)
    attempts = max(1, settings.FEEDBACK_MAIL_ATTEMPTS)
    if retry is not None and retry.task.get_backend().supports_defer:
        try:
            mail.send()
        except Exception:
            if retry.attempt >= attempts:
                logger.exception("feedback mail %s failed after %s attempts", message_id, attempts)
                raise
            delay = retry_delay(retry.attempt)
            retry.task.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
                *retry.args, attempt=retry.attempt + 1
            )
            logger.warning(
                "feedback mail %s failed (attempt %s of %s), next try in %ss",
                message_id,
                retry.attempt,
                attempts,
                delay,
                exc_info=True,
            )
        return
    for attempt in range(1, attempts + 1):
        try:
            mail.send()
            return
        except Exception:
            if attempt == attempts:
                logger.exception("feedback mail failed after %s attempts", attempts)
                raise
            logger.warning("feedback mail failed, attempt %s of %s", attempt, attempts)
            time.sleep(retry_delay(attempt))


def retry_delay(attempt: int) -> int:
    """Seconds before try ``attempt + 1``: doubling from FEEDBACK_MAIL_RETRY_SECONDS, at most
    FEEDBACK_MAIL_RETRY_MAX_SECONDS."""
    first = settings.FEEDBACK_MAIL_RETRY_SECONDS
    return min(first * 2 ** (attempt - 1), settings.FEEDBACK_MAIL_RETRY_MAX_SECONDS)


@task()
def send_confirmation(submission_id: int, attempt: int = 1) -> None:
    """The citizen's confirmation, in the language they wrote in, with the private link.

    Anyone can type anyone's address, and nobody confirms it: so this mail, like every
    mail to a citizen, holds no citizen-written text (no name, subject or details), only
    our words, the reference, the dates and the link. It cannot carry a stranger's message
    from the portal's address."""
    submission = Submission.objects.select_related("topic").filter(pk=submission_id).first()
    if submission is None or not submission.email:
        return
    send_notification(
        "confirmation",
        {
            "submission": submission,
            "tracking_url": tracking_url(submission.reference, submission.language),
        },
        [submission.email],
        language=submission.language,
        message_id=message_id("confirmation", submission.pk),
        retry=Retry(send_confirmation, (submission_id,), attempt),
    )


def _event(event_id: int) -> SubmissionEvent | None:
    return (
        SubmissionEvent.objects.select_related(
            "submission__ministry", "submission__duplicate_of", "submission__topic"
        )
        .filter(pk=event_id)
        .first()
    )


@task()
def notify_citizen(event_id: int, attempt: int = 1) -> None:
    """Answered, rejected, merged or re-routed: tell the citizen, in their language (the
    staff-written public message, never the citizen's own text: see ``send_confirmation``)."""
    event = _event(event_id)
    if event is None or not event.submission.email:
        return  # no mail for senders without an e-mail address
    submission = event.submission
    send_notification(
        "citizen_update",
        {
            "submission": submission,
            "event": event,
            "tracking_url": tracking_url(submission.reference, submission.language),
        },
        [submission.email],
        language=submission.language,
        message_id=message_id("event", event.pk, "citizen"),
        retry=Retry(notify_citizen, (event_id,), attempt),
    )


@task()
def notify_ministry(event_id: int, attempt: int = 1) -> None:
    """A request was routed to a ministry: tell its contact address (in Arabic, the
    site's language: staff mail is not the citizen's)."""
    event = _event(event_id)
    if event is None or event.submission.ministry is None:
        return
    ministry = event.submission.ministry
    if not ministry.contact_email:
        return
    send_notification(
        "ministry_routed",
        {"submission": event.submission, "event": event, "ministry": ministry},
        [ministry.contact_email],
        language=settings.LANGUAGE_CODE,
        message_id=message_id("event", event.pk, "ministry"),
        retry=Retry(notify_ministry, (event_id,), attempt),
    )


@task()
def notify_clarification(event_id: int, attempt: int = 1) -> None:
    """The clarification of the claim an inquiry was about is out (or was corrected): tell
    the asker, in their language, with the link to it and to their request. Our words
    only, like every mail to a citizen (``send_confirmation``): not their claim."""
    from feedback import clarifications

    event = (
        SubmissionEvent.objects.select_related("submission__inquiry__claim__clarification")
        .filter(pk=event_id)
        .first()
    )
    if event is None or not event.submission.email:
        return
    submission = event.submission
    claim = submission.inquiry.claim if hasattr(submission, "inquiry") else None
    if claim is None or claim.clarification_id is None:
        return
    send_notification(
        "clarification",
        {
            "submission": submission,
            "event": event,
            "corrected": event.kind == SubmissionEvent.Kind.CORRECTED,
            "clarification_url": settings.SITE_URL
            + clarifications.path(claim.clarification, submission.language),
            "tracking_url": tracking_url(submission.reference, submission.language),
        },
        [submission.email],
        language=submission.language,
        message_id=message_id("event", event.pk, "clarification"),
        retry=Retry(notify_clarification, (event_id,), attempt),
    )
