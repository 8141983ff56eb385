from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    """The public record: ministry pages, public statistics and open data. Reads only the
    public APIs of portal (ministries, channels), news (published articles) and feedback
    (``feedback.stats``); it has no models of its own."""

    name = "accountability"
    verbose_name = _("Public accountability")
