from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule


class Command(BaseCommand):
    help = "Load demo content for every app (safe to run again: it updates, never duplicates)."

    def handle(self, *args, **options) -> None:
        for app_config in apps.get_app_configs():
            if app_config.name.startswith("django") or not module_has_submodule(
                app_config.module, "demo"
            ):
                continue
            import_module(f"{app_config.name}.demo").load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
