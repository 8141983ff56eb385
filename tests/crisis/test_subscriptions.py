"""E-mail subscriptions: double opt-in, language and governorates, one-click unsubscribe
(RFC 8058) that erases the row, batches through the task worker with each message once,
the purge of unconfirmed subscriptions and the form's rate limit."""

import datetime
import email
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from crisis import mail as crisis_mail
from crisis import subscriptions, workflow
from crisis.models import Alert, Delivery, Subscription

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/(?:subscribe/confirm|unsubscribe)/[^/\s]+/")


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks):
    """The form's confirmation mail is queued after the commit: run it (tests run inside
    one transaction that never commits)."""
    _state["capture"] = django_capture_on_commit_callbacks
    yield
    _state.clear()


_state: dict = {}


def _subscribe(client, address, language="en", governorates=None):
    data = {"email": address, "language": language, "scope": "all"}
    if governorates:
        data.update(scope="chosen", governorates=governorates)
    with _state["capture"](execute=True):
        return client.post(f"/{language}/alerts/subscribe/", data)


def _confirm(client, message) -> None:
    link = LINK.search(message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{path}").status_code == 200
    assert client.post(f"/{path}").status_code == 200


@pytest.fixture
def subscribers(client, governorates):
    """Four confirmed subscribers: all of Oman in Arabic and English, Muscat only, Dhofar
    only; and one who never confirmed."""
    for address, language, areas in [
        ("all-ar@example.com", "ar", None),
        ("all-en@example.com", "en", None),
        ("muscat@example.com", "en", ["OM-MA"]),
        ("dhofar@example.com", "ar", ["OM-ZU"]),
        ("unconfirmed@example.com", "en", None),
    ]:
        assert _subscribe(client, address, language, areas).status_code == 302
    confirmations = {message.to[0]: message for message in mail.outbox}
    for address, message in confirmations.items():
        if address != "unconfirmed@example.com":
            _confirm(client, message)
    mail.outbox.clear()


def test_double_opt_in(client, governorates, published):
    response = _subscribe(client, "citizen@example.com", "ar")
    assert response.status_code == 302
    (confirmation,) = mail.outbox
    assert confirmation.to == ["citizen@example.com"]
    assert "أكّد اشتراكك" in confirmation.subject  # in the language chosen
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None
    # Before the link is opened nothing is sent.
    mail.outbox.clear()
    published(level=Alert.Level.WARNING)
    assert mail.outbox == []
    _confirm(client, confirmation)
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    published(level=Alert.Level.WARNING)
    assert [message.to for message in mail.outbox] == [["citizen@example.com"]]


def test_each_subscriber_gets_each_message_once_in_their_language_and_area(
    client, subscribers, published, draft, publisher, approver, django_capture_on_commit_callbacks
):
    alert = published(level=Alert.Level.WARNING)  # Muscat
    received = {message.to[0]: message for message in mail.outbox}
    assert sorted(received) == ["all-ar@example.com", "all-en@example.com", "muscat@example.com"]
    assert alert.headline_ar in received["all-ar@example.com"].subject
    assert alert.headline_en in received["all-en@example.com"].body
    assert len(mail.outbox) == 3
    # Sending the same message again (a retried task) mails nobody twice.
    crisis_mail.notify_subscribers.call(alert.pk)
    assert len(mail.outbox) == 3
    assert Delivery.objects.filter(alert=alert).count() == 3
    # A drill is never mailed.
    mail.outbox.clear()
    published(status=Alert.Status.EXERCISE)
    assert mail.outbox == []
    # The cancellation reaches them too.
    with django_capture_on_commit_callbacks(execute=True):
        cancel = draft(msg_type=Alert.MsgType.CANCEL, follows=alert, level=Alert.Level.WARNING)
        workflow.transition(publisher, cancel, "publish")
    assert len(mail.outbox) == 3
    assert all(message.subject.startswith(("Over:", "انتهى:")) for message in mail.outbox)


def test_a_batch_that_fails_half_way_is_retried_without_duplicates(
    client, subscribers, draft, publisher, settings, monkeypatch
):
    settings.CRISIS_MAIL_BATCH_SIZE = 2
    alert = draft(level=Alert.Level.WARNING, areas=("OM-MA", "OM-ZU"))
    alert = workflow.transition(publisher, alert, "publish")
    sent = []
    original = crisis_mail.EmailMessage.send

    def flaky(message, *args, **kwargs):
        if len(sent) == 1:
            sent.append("failed")
            raise OSError("mail server went away")
        sent.append(message.to[0])
        return original(message, *args, **kwargs)

    monkeypatch.setattr(crisis_mail.EmailMessage, "send", flaky)
    # Two batches of two: the first fails on its second mail (the task is recorded as
    # failed), the second goes through.
    crisis_mail.notify_subscribers.call(alert.pk)
    assert len(mail.outbox) == 3
    monkeypatch.setattr(crisis_mail.EmailMessage, "send", original)
    crisis_mail.notify_subscribers.call(alert.pk)  # the retry: only the one not reached
    assert len(mail.outbox) == 4
    crisis_mail.notify_subscribers.call(alert.pk)  # and again: nobody twice
    addresses = sorted(message.to[0] for message in mail.outbox)
    assert addresses == sorted(
        ["all-ar@example.com", "all-en@example.com", "muscat@example.com", "dhofar@example.com"]
    )


def test_alert_mails_carry_one_click_unsubscribe_that_erases_the_row(
    client, subscribers, published
):
    published(level=Alert.Level.WARNING)
    message = next(m for m in mail.outbox if m.to == ["all-en@example.com"])
    parsed = email.message_from_bytes(message.message().as_bytes())
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(.+)>", re.sub(r"\s+", "", parsed["List-Unsubscribe"])).group(1)
    assert url in message.body
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    # RFC 8058: the mail program POSTs with no cookie, no session, no CSRF token.
    one_click = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert one_click.status_code == 200
    assert not Subscription.objects.filter(email="all-en@example.com").exists()
    assert not Delivery.objects.filter(subscription__email="all-en@example.com").exists()
    # The link does nothing any more, and leaks nothing.
    assert Client().post(path).status_code == 404


def test_opening_the_unsubscribe_link_alone_changes_nothing(client, subscribers):
    subscription = Subscription.objects.get(email="muscat@example.com")
    path = subscriptions.unsubscribe_url(subscription).split("://", 1)[1]
    path = "/" + path.split("/", 1)[1]
    assert client.get(path).status_code == 200
    assert Subscription.objects.filter(pk=subscription.pk).exists()


def test_forged_and_expired_links_are_refused(client, governorates, settings):
    _subscribe(client, "late@example.com")
    link = LINK.search(mail.outbox[0].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(path[:-5] + "xxxx/").status_code == 404
    assert client.get("/en/alerts/unsubscribe/not-a-token/").status_code == 404
    settings.CRISIS_UNCONFIRMED_HOURS = 0
    assert client.post(path).status_code == 404
    assert Subscription.objects.get().confirmed_at is None


def test_subscribing_again_never_changes_a_confirmed_subscription_unconfirmed(client, subscribers):
    assert _subscribe(client, "muscat@example.com", "ar").status_code == 302
    subscription = Subscription.objects.get(email="muscat@example.com")
    assert subscription.language == "en" and not subscription.all_governorates
    _confirm(client, mail.outbox[-1])
    subscription.refresh_from_db()
    assert subscription.language == "ar" and subscription.all_governorates


def test_bad_input_keeps_what_was_typed(client, governorates):
    response = client.post(
        "/ar/alerts/subscribe/",
        {"email": "not an address", "language": "ar", "scope": "chosen"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="not an address"' in page
    assert "أدخل عنوان بريد إلكتروني بصيغة صحيحة" in page
    assert "اختر محافظة واحدة على الأقل" in page
    assert not Subscription.objects.exists() and mail.outbox == []


def test_the_form_is_rate_limited_per_address(client, governorates, settings):
    settings.CRISIS_SUBSCRIBE_LIMITS = {
        **settings.CRISIS_SUBSCRIBE_LIMITS,
        "subscribe_address": (2, 3600),
    }
    assert _subscribe(client, "a@example.com").status_code == 302
    assert _subscribe(client, "b@example.com").status_code == 302
    refused = _subscribe(client, "c@example.com")
    assert refused.status_code == 429
    assert 'value="c@example.com"' in refused.content.decode()
    assert not Subscription.objects.filter(email="c@example.com").exists()


def test_one_mailbox_gets_a_bounded_number_of_confirmations(client, governorates, settings):
    settings.CRISIS_SUBSCRIBE_LIMITS = {
        **settings.CRISIS_SUBSCRIBE_LIMITS,
        "subscribe_email": (2, 3600),
    }
    for _ in range(4):
        assert _subscribe(client, "victim@example.com").status_code == 302  # the same answer
    assert len(mail.outbox) == 2


def test_the_subscribe_limits_do_not_decide_whether_production_needs_redis(settings):
    assert "subscribe_address" not in settings.FEEDBACK_RATE_LIMITS
    assert set(settings.FEEDBACK_RATE_LIMITS) == {"submit_address", "submit_email", "track_address"}


def test_unconfirmed_subscriptions_are_purged_after_the_retention(client, subscribers, settings):
    old = timezone.now() - datetime.timedelta(hours=settings.CRISIS_UNCONFIRMED_HOURS + 1)
    Subscription.objects.filter(confirmed_at__isnull=True).update(created_at=old)
    call_command("purge_unconfirmed_subscriptions")
    assert not Subscription.objects.filter(email="unconfirmed@example.com").exists()
    assert Subscription.objects.count() == 4
    call_command("purge_unconfirmed_subscriptions", "--enqueue")  # the worker's way: runs now here
    assert Subscription.objects.count() == 4


def test_sending_costs_a_few_queries_a_batch_whatever_its_size(
    client, governorates, draft, publisher, settings
):
    """The only query that grows is the insert of the Delivery rows (what makes a retried
    batch skip those already reached), one for every RECORD_EVERY mails."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.CRISIS_MAIL_BATCH_SIZE = 500
    now = timezone.now()
    counts = []
    for size in (20, 40):
        Subscription.objects.all().delete()
        Subscription.objects.bulk_create(
            Subscription(email=f"s{n}@example.com", language="ar", confirmed_at=now)
            for n in range(size)
        )
        alert = workflow.transition(publisher, draft(level=Alert.Level.WARNING), "publish")
        mail.outbox.clear()
        with CaptureQueriesContext(connection) as queries:
            crisis_mail.notify_subscribers.call(alert.pk)
        assert len(mail.outbox) == size
        counts.append(len(queries.captured_queries))
    assert crisis_mail.RECORD_EVERY == 25
    assert counts[1] - counts[0] == 1  # 40 mails: two inserts; 20 mails: one
    assert counts[0] <= 12


@pytest.mark.parametrize(
    "value",
    [
        "a\x00b@example.com",
        "x" * 10_000 + "@example.com",
        "\ufffd@example.com",
        "' OR 1=1 --",
        "é@é",
    ],
)
def test_odd_addresses_are_form_errors_never_a_failure(client, governorates, value):
    response = _subscribe(client, value)
    assert response.status_code == 400
    assert not Subscription.objects.exists() and mail.outbox == []


def test_odd_tokens_are_not_found(client, db):
    for token in ("x" * 5000, "%00", "..", "a:b:c"):
        assert client.get(f"/en/alerts/subscribe/confirm/{token}/").status_code in (400, 404)
        assert client.post(f"/en/alerts/unsubscribe/{token}/").status_code in (400, 404)


def test_the_privacy_page_states_what_is_kept_and_for_how_long(client, settings):
    settings.CRISIS_UNCONFIRMED_HOURS = 36
    english = client.get("/en/privacy/").content.decode()
    assert "within 36 hours we delete your address" in english
    assert "خلال 36 ساعةً حذفنا عنوانك" in client.get("/ar/privacy/").content.decode()
