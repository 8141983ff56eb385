from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal, receiver

from news import cache as news_cache
from news import share_images
from news.models import (
    Article,
    Category,
    Clarification,
    ClarificationCorrection,
    ClarificationSource,
)
from portal.models import ContactDetails, Ministry, OfficialChannel


# Sent after the commit of a clarification's first publication (correction=False) and of
# each correction added to a published one (correction=True), with the keyword arguments
# ``clarification`` and ``correction``; at most once per clarification and transaction.
# The feedback app listens (it mails the citizens who asked about the claim).
clarification_published = Signal()


@receiver([post_save, post_delete], sender=Article)
@receiver([post_save, post_delete], sender=Clarification)
@receiver([post_save, post_delete], sender=ClarificationSource)
@receiver([post_save, post_delete], sender=ClarificationCorrection)
@receiver([post_save, post_delete], sender=Category)
@receiver([post_save, post_delete], sender=Ministry)  # names appear in filters and pages
@receiver([post_save, post_delete], sender=OfficialChannel)  # the footer of every cached page
@receiver([post_save, post_delete], sender=ContactDetails)  # the contact page
@receiver(m2m_changed, sender=Article.ministries.through)
def show_changes_at_once(**kwargs) -> None:
    # After the commit: a page rendered between save and commit would otherwise be cached
    # under the new version with the old row.
    transaction.on_commit(news_cache.bump)


@receiver(post_delete, sender=Article)
def delete_photo_files(instance: Article, **kwargs) -> None:
    """Renditions and the original go with the article."""
    instance.delete_files()


@receiver(post_delete, sender=Clarification)
def delete_share_images(instance: Clarification, **kwargs) -> None:
    """The share cards go with the clarification, once the deletion is committed."""
    stale = share_images.names(instance.share_images)
    transaction.on_commit(lambda: share_images.delete(stale))
