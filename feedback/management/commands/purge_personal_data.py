from django.conf import settings
from django.core.management.base import BaseCommand

from feedback.models import Submission
from feedback.privacy import purge_personal_data_task


class Command(BaseCommand):
    help = (
        "Delete the contact details and attachments of requests finished longer than "
        "PERSONAL_DATA_RETENTION_DAYS ago; statistics and the audit trail are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to the task worker instead of purging now (for cron).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only say how many requests are due; change nothing.",
        )

    def handle(self, *args, enqueue=False, dry_run=False, **options):
        days = settings.PERSONAL_DATA_RETENTION_DAYS
        if dry_run:
            due = Submission.objects.due_for_purge().count()
            self.stdout.write(f"Personal data purge: {due} requests due (retention {days} days).")
            return
        if enqueue:
            result = purge_personal_data_task.enqueue()
            self.stdout.write(f"Personal data purge queued ({result.id}).")
            return
        erased = purge_personal_data_task.call()
        self.stdout.write(f"Personal data purge: {erased} requests erased (retention {days} days).")
