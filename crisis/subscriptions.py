"""E-mail subscriptions to alerts: double opt-in, one-click unsubscribe, no account.

A subscription stores the address, the language and the governorates, nothing else. It
receives alerts only once its owner has opened the confirmation link (signed, valid
``CRISIS_UNCONFIRMED_HOURS``, carrying the choices made): an unconfirmed one is deleted
after that time (``purge_unconfirmed``), and unsubscribing deletes the row at once, with
the record of which alerts it was sent. Subscribing again with an address already
confirmed changes nothing until the new confirmation link is opened, and the page says
the same whatever the address: it tells nobody who subscribes.
"""

import hashlib
import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from crisis.models import Governorate, Subscription
from portal import ratelimit
from portal.tasks import task

logger = logging.getLogger(__name__)

CONFIRM_SALT = "crisis.subscription.confirm"
UNSUBSCRIBE_SALT = "crisis.subscription.unsubscribe"


def _address_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def confirm_token(subscription: Subscription, codes: list[str] | None, language: str) -> str:
    return signing.dumps(
        {
            "s": subscription.pk,
            "e": _address_digest(subscription.email),
            "g": codes,  # None: every governorate
            "l": language,
        },
        salt=CONFIRM_SALT,
        compress=True,
    )


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps(
        {"s": subscription.pk, "e": _address_digest(subscription.email)}, salt=UNSUBSCRIBE_SALT
    )


def confirm_url(token: str, language: str) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse("crisis:confirm", args=[token])


def unsubscribe_url(subscription: Subscription) -> str:
    with translation.override(subscription.language):
        return settings.SITE_URL + reverse(
            "crisis:unsubscribe", args=[unsubscribe_token(subscription)]
        )


def limit_hit(scope: str, identity: str) -> bool:
    """Count one request in ``scope`` (CRISIS_SUBSCRIBE_LIMITS); False when over it."""
    limit, window = settings.CRISIS_SUBSCRIBE_LIMITS[scope]
    key = ratelimit.window_key("crisis", scope, identity, window)
    return ratelimit.count(key, window) <= limit


@transaction.atomic
def subscribe(email: str, language: str, governorates: list[Governorate] | None) -> Subscription:
    """Record the wish and queue the confirmation mail. ``governorates`` None: all."""
    from crisis import mail

    codes = None if governorates is None else sorted(g.code for g in governorates)
    subscription = Subscription.objects.select_for_update().filter(email__iexact=email).first()
    if subscription is None:
        subscription = Subscription.objects.create(email=email, language=language)
        _apply(subscription, codes, language)
    elif subscription.confirmed_at is None:
        _apply(subscription, codes, language)
    # A confirmed subscription keeps its choices until the new link is opened.
    token = confirm_token(subscription, codes, language)
    transaction.on_commit(partial(mail.send_confirmation.enqueue, subscription.pk, token))
    return subscription


def _apply(subscription: Subscription, codes: list[str] | None, language: str) -> None:
    subscription.language = language
    subscription.all_governorates = codes is None
    subscription.save()
    subscription.governorates.set(Governorate.objects.filter(code__in=codes or []))


def read_confirm_token(token: str) -> dict | None:
    try:
        return signing.loads(
            token, salt=CONFIRM_SALT, max_age=timedelta(hours=settings.CRISIS_UNCONFIRMED_HOURS)
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None


def _subscription_for(payload: dict | None) -> Subscription | None:
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        return None
    subscription = Subscription.objects.filter(pk=payload["s"]).first()
    if subscription is None or _address_digest(subscription.email) != payload.get("e"):
        return None
    return subscription


def pending_confirmation(token: str) -> Subscription | None:
    return _subscription_for(read_confirm_token(token))


@transaction.atomic
def confirm(token: str) -> Subscription | None:
    """Open the confirmation link: the choices it carries apply, alerts start."""
    payload = read_confirm_token(token)
    subscription = _subscription_for(payload)
    if subscription is None:
        return None
    codes = payload.get("g")
    language = payload.get("l") if payload.get("l") in dict(settings.LANGUAGES) else "ar"
    _apply(subscription, codes if isinstance(codes, list) else None, language)
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


def subscription_for_unsubscribe(token: str) -> Subscription | None:
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return _subscription_for(payload)


def unsubscribe(token: str) -> bool:
    """Delete the subscription the link names (and its delivery records): True if one was."""
    subscription = subscription_for_unsubscribe(token)
    if subscription is None:
        return False
    subscription.delete()
    logger.info("crisis subscription removed by its owner")
    return True


def purge_unconfirmed(now=None) -> int:
    """Delete subscriptions never confirmed within CRISIS_UNCONFIRMED_HOURS."""
    now = now or timezone.now()
    moment = now - timedelta(hours=settings.CRISIS_UNCONFIRMED_HOURS)
    _total, by_model = Subscription.objects.unconfirmed_before(moment).delete()
    count = by_model.get(Subscription._meta.label, 0)
    logger.info("crisis subscriptions: %s unconfirmed purged", count)
    return count


@task()
def purge_unconfirmed_task() -> int:
    """``manage.py purge_unconfirmed_subscriptions``: returns how many were deleted."""
    return purge_unconfirmed()
