from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.context_processors import CHANNELS_CACHE_KEY
from portal.models import OfficialChannel


@receiver([post_save, post_delete], sender=OfficialChannel)
def forget_cached_channels(**kwargs) -> None:
    # After the commit: a request between delete and commit would cache the old rows.
    transaction.on_commit(lambda: cache.delete(CHANNELS_CACHE_KEY))
