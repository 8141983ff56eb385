from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from news import cache as news_cache
from news.models import Article, Category
from portal.models import ContactDetails, Ministry, OfficialChannel


@receiver([post_save, post_delete], sender=Article)
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
