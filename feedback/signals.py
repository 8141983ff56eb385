from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from feedback import formpage
from feedback.models import Topic
from portal.models import Ministry, OfficialChannel


@receiver([post_save, post_delete], sender=Topic)  # the form's list and topic guide
@receiver([post_save, post_delete], sender=Ministry)  # a topic's ministry
@receiver([post_save, post_delete], sender=OfficialChannel)  # the footer
def renew_the_form_page(**kwargs) -> None:
    # After the commit: a page rendered between save and commit would be stored under the
    # new version with the old rows.
    transaction.on_commit(formpage.bump)
