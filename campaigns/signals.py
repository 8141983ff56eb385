"""Keeps the shared list of live links current, and records forms sent from a link."""

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from campaigns import registry
from campaigns.models import Campaign, Link, Outcome
from portal import attribution

logger = logging.getLogger(__name__)


@receiver([post_save, post_delete], sender=Campaign)
@receiver([post_save, post_delete], sender=Link)
def publish_links(**kwargs) -> None:
    # After the commit, so other processes read the new rows; this process at once too.
    registry.forget()
    transaction.on_commit(registry.publish)


@receiver(attribution.attributed)
def record_outcome(sender, instance, code: str, **kwargs) -> None:
    """A form was sent from a campaign link: remember which (nothing about who)."""
    link = Link.objects.filter(code=code).only("pk").first()
    if link is None:  # a made-up or deleted code: nothing to attribute
        return
    Outcome.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(sender),
        object_id=instance.pk,
        defaults={"link": link},
    )
