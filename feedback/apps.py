from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Citizen feedback")

    def ready(self) -> None:
        # Connects the signals that rebuild the statistics when public holidays change.
        from feedback import dailystats  # noqa: F401
