from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    """ "You said, we did": the public pages of published suggestions and ideas."""

    name = "outcomes"
    verbose_name = _("You said, we did")

    def ready(self) -> None:
        from outcomes import signals  # noqa: F401
