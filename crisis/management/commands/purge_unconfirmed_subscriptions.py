from django.conf import settings
from django.core.management.base import BaseCommand

from crisis.subscriptions import purge_unconfirmed_task


class Command(BaseCommand):
    help = (
        "Delete alert subscriptions whose confirmation link was not opened within "
        "CRISIS_UNCONFIRMED_HOURS (their e-mail address is all they hold)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to the task worker instead of purging now (for cron).",
        )

    def handle(self, *args, enqueue=False, **options):
        hours = settings.CRISIS_UNCONFIRMED_HOURS
        if enqueue:
            result = purge_unconfirmed_task.enqueue()
            self.stdout.write(f"Unconfirmed subscriptions purge queued ({result.id}).")
            return
        deleted = purge_unconfirmed_task.call()
        self.stdout.write(
            f"Unconfirmed subscriptions purge: {deleted} deleted (older than {hours} hours)."
        )
