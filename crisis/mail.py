"""Alert mail to subscribers, in batches through the task worker, and the subscription's
confirmation mail.

Publishing an Actual message queues ``notify_subscribers``, which splits the confirmed
subscribers it concerns into batches of ``CRISIS_MAIL_BATCH_SIZE`` (by primary key) and
queues one ``send_batch`` each. A batch mails, over one SMTP connection, each subscriber of
its range who has no ``Delivery`` of this message yet, in their language, and records the
delivery right after each mail: a batch that fails half-way is tried again later (a new
task after a growing pause, with the database worker) and mails only those not reached, so
each subscriber gets each message once. (A worker killed between a mail and its row sends
that one mail again: once more rather than never.)

Exercise and Test messages are never mailed.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import mail as django_mail
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from crisis import subscriptions
from crisis.models import Alert, Delivery, Subscription
from portal.tasks import task
from portal.text import one_line

logger = logging.getLogger(__name__)

# Mails sent before their Delivery rows are written (one insert): a worker killed
# between two writes sends at most this many again.
RECORD_EVERY = 25


def _message_id(*parts: object) -> str:
    from urllib.parse import urlsplit

    domain = urlsplit(settings.SITE_URL).hostname or "tawasul.invalid"
    return "<tawasul.crisis." + ".".join(str(part) for part in parts) + f"@{domain}>"


def _attempts() -> int:
    return max(1, getattr(settings, "FEEDBACK_MAIL_ATTEMPTS", 1))


def _retry_delay(attempt: int) -> int:
    first = getattr(settings, "FEEDBACK_MAIL_RETRY_SECONDS", 5)
    return min(
        first * 2 ** (attempt - 1), getattr(settings, "FEEDBACK_MAIL_RETRY_MAX_SECONDS", 3600)
    )


@task()
def notify_subscribers(alert_id: int) -> int:
    """Queue the batches of a published Actual message; returns how many."""
    alert = Alert.objects.filter(pk=alert_id, state=Alert.State.PUBLISHED).first()
    if alert is None or alert.status != Alert.Status.ACTUAL:
        return 0
    keys = list(Subscription.objects.for_alert(alert).order_by("pk").values_list("pk", flat=True))
    size = max(1, settings.CRISIS_MAIL_BATCH_SIZE)
    batches = [keys[start : start + size] for start in range(0, len(keys), size)]
    for batch in batches:
        send_batch.enqueue(alert_id, batch[0], batch[-1])
    logger.info(
        "crisis alert %s: %s subscribers in %s batches", alert.identifier, len(keys), len(batches)
    )
    return len(batches)


@task()
def send_batch(alert_id: int, first_pk: int, last_pk: int, attempt: int = 1) -> int:
    """Mail the subscribers ``first_pk``..``last_pk`` of the alert not mailed yet."""
    alert = (
        Alert.objects.select_related("incident", "follows")
        .filter(pk=alert_id, state=Alert.State.PUBLISHED, status=Alert.Status.ACTUAL)
        .first()
    )
    if alert is None:
        return 0
    done = Delivery.objects.filter(
        alert_id=alert_id, subscription_id__gte=first_pk, subscription_id__lte=last_pk
    ).values("subscription_id")
    recipients = list(
        Subscription.objects.for_alert(alert)
        .filter(pk__gte=first_pk, pk__lte=last_pk)
        .exclude(pk__in=done)
        .order_by("pk")
    )
    if not recipients:
        return 0
    rendered = {language: _render(alert, language) for language, _name in settings.LANGUAGES}
    sent: list[int] = []
    recorded = 0

    def record() -> None:
        # The rows of the mails sent so far, in one insert (a commit a mail would cost
        # more than the mail); a retry skips them.
        nonlocal recorded
        Delivery.objects.bulk_create(
            [Delivery(alert=alert, subscription_id=pk) for pk in sent[recorded:]],
            ignore_conflicts=True,
        )
        recorded = len(sent)

    try:
        with django_mail.get_connection() as connection:
            for subscription in recipients:
                subject, body = rendered[subscription.language]
                message = _message(alert, subscription, subject, body)
                message.connection = connection
                message.send()
                sent.append(subscription.pk)
                if len(sent) - recorded >= RECORD_EVERY:
                    record()
    except Exception:
        record()
        _retry_later(alert_id, first_pk, last_pk, attempt)
    else:
        record()
    logger.info(
        "crisis alert %s: %s mails sent (%s..%s)", alert.identifier, len(sent), first_pk, last_pk
    )
    return len(sent)


def _retry_later(alert_id: int, first_pk: int, last_pk: int, attempt: int) -> None:
    """The mail server failed: try this batch again after a pause, or give up (raised, so
    the worker records the task as failed)."""
    backend = send_batch.get_backend()
    if attempt >= _attempts() or not backend.supports_defer:
        logger.exception("crisis mail batch %s..%s failed (attempt %s)", first_pk, last_pk, attempt)
        raise
    delay = _retry_delay(attempt)
    send_batch.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
        alert_id, first_pk, last_pk, attempt=attempt + 1
    )
    logger.warning(
        "crisis mail batch %s..%s failed (attempt %s), next try in %ss",
        first_pk,
        last_pk,
        attempt,
        delay,
        exc_info=True,
    )


def _render(alert: Alert, language: str) -> tuple[str, str]:
    with translation.override(language):
        context = {
            "alert": alert,
            "headline": alert.text_in("headline", language),
            "summary": alert.text_in("summary", language),
            "incident_url": settings.SITE_URL + alert.incident.get_absolute_url(),
            "site_url": settings.SITE_URL,
            "unsubscribe_url": "UNSUBSCRIBE_URL",
        }
        subject = render_to_string("crisis/email/alert_subject.txt", context)
        body = render_to_string("crisis/email/alert.txt", context)
    return one_line(subject), body


def _message(alert: Alert, subscription: Subscription, subject: str, body: str) -> EmailMessage:
    unsubscribe = subscriptions.unsubscribe_url(subscription)
    headers = {
        "Message-ID": _message_id("alert", alert.pk, subscription.pk),
        # RFC 2369 and RFC 8058: one click in the mail program, a POST with no session.
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    return EmailMessage(
        subject,
        body.replace("UNSUBSCRIBE_URL", unsubscribe),
        None,
        [subscription.email],
        headers=headers,
    )


@task()
def send_confirmation(subscription_id: int, token: str) -> None:
    """The double opt-in mail: our words and the link only (anyone can type any address)."""
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return
    with translation.override(subscription.language):
        context = {
            "confirm_url": subscriptions.confirm_url(token, subscription.language),
            "hours": settings.CRISIS_UNCONFIRMED_HOURS,
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("crisis/email/confirm_subject.txt", context)
        body = render_to_string("crisis/email/confirm.txt", context)
    EmailMessage(
        one_line(subject),
        body,
        None,
        [subscription.email],
        headers={"Message-ID": _message_id("confirm", subscription.pk, token[-12:])},
    ).send()


@task()
def ask_for_approval(alert_id: int) -> int:
    """Tell the other crisis publishers that an emergency waits for their approval (in
    Arabic, the staff's language): seconds matter."""
    from django.urls import reverse

    from portal import roles

    alert = Alert.objects.filter(pk=alert_id, state=Alert.State.AWAITING_APPROVAL).first()
    if alert is None:
        return 0
    recipients = sorted(
        set(
            roles.crisis_publisher_accounts()
            .exclude(pk__in=[alert.author_id, alert.requested_by_id])
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if not recipients:
        return 0
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "headline": alert.text_in("headline", language),
            "url": settings.SITE_URL + reverse("crisis_staff:alert", args=[alert.pk]),
        }
        subject = render_to_string("crisis/email/approval_subject.txt", context)
        body = render_to_string("crisis/email/approval.txt", context)
    EmailMessage(
        one_line(subject),
        body,
        None,
        recipients,
        headers={"Message-ID": _message_id("approval", alert.pk)},
    ).send()
    return len(recipients)
