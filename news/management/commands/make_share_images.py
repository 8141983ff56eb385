from django.core.management.base import BaseCommand

from news import share_images
from news.models import Clarification


class Command(BaseCommand):
    help = (
        "Draw the share images of every public clarification whose images are missing or "
        "out of date (after an upgrade that changes the cards, or a failed drawing)."
    )

    def handle(self, *args, **options) -> None:
        made = 0
        for clarification in Clarification.objects.published().select_related("ministry"):
            made += share_images.sync(clarification)
        self.stdout.write(f"Share images made for {made} clarification(s).")
