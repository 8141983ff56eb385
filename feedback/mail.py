"""The feedback app's e-mail: one way to render and send a notification, and the tasks
that send the per-item ones (immediate in development and tests, the database worker in
production). The overdue digest uses the same helpers from ``feedback.digest``."""

import logging
import time

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from feedback.models import Submission, SubmissionEvent
from feedback.tracking import tracking_url
from portal.tasks import task

logger = logging.getLogger(__name__)


def send_notification(
    template: str, context: dict, recipients: list[str], *, language: str
) -> None:
    """Render ``feedback/email/<template>_subject.txt`` and ``<template>.txt`` in
    ``language`` (``site_url`` is always in the context) and send them to ``recipients``."""
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"feedback/email/{template}_subject.txt", context)
        body = render_to_string(f"feedback/email/{template}.txt", context)
    send_with_retries(subject, body, recipients)


def send_with_retries(subject: str, body: str, recipients: list[str]) -> None:
    """Send one mail, retrying a failing server a few times before giving up.

    The last failure is raised, so the database backend records the task as failed
    (an operator sees it); the transition that scheduled the mail is already committed.
    """
    attempts = max(1, settings.FEEDBACK_MAIL_ATTEMPTS)
    for attempt in range(1, attempts + 1):
        try:
            send_mail(" ".join(subject.split()), body, None, recipients)
            return
        except Exception:
            if attempt == attempts:
                logger.exception("feedback mail failed after %s attempts", attempts)
                raise
            logger.warning("feedback mail failed, attempt %s of %s", attempt, attempts)
            time.sleep(settings.FEEDBACK_MAIL_RETRY_SECONDS * attempt)


@task()
def send_confirmation(submission_id: int) -> None:
    """The citizen's confirmation, in the language they wrote in, with the private link."""
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
def notify_citizen(event_id: int) -> None:
    """Answered, rejected, merged or re-routed: tell the citizen, in their language."""
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
    )


@task()
def notify_ministry(event_id: int) -> None:
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
    )
