from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from feedback.models import PublicOutcome
from news import cache as news_cache


@receiver([post_save, post_delete], sender=PublicOutcome)
def show_changes_at_once(**kwargs) -> None:
    # The pages are cached with the news pages (news.http.public_page): a new, changed or
    # withdrawn item replaces the version after the commit, so it shows at once.
    transaction.on_commit(news_cache.bump)
