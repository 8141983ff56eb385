from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Citizen feedback")

    def ready(self) -> None:
        # The statistics' rebuild when public holidays change, and the page caches'
        # invalidation when what the cached forms show changes.
        from feedback import clarifications, dailystats, signals  # noqa: F401

        # The publication of a clarification answers the inquiries of its claim.
        clarifications.connect()
