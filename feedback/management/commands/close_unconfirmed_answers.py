from django.conf import settings
from django.core.management.base import BaseCommand

from feedback.models import Submission
from feedback.unconfirmed import close_unconfirmed_answers_task


class Command(BaseCommand):
    help = (
        "Close the answered requests whose citizen said neither 'resolved' nor 'not "
        "resolved' within FEEDBACK_REOPEN_DAYS of the answer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to the task worker instead of closing now (for cron).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many are due; change nothing."
        )

    def handle(self, *args, enqueue=False, dry_run=False, **options):
        days = settings.FEEDBACK_REOPEN_DAYS
        if dry_run:
            due = Submission.objects.unconfirmed_answers().count()
            self.stdout.write(f"Unconfirmed answers: {due} requests due (after {days} days).")
            return
        if enqueue:
            result = close_unconfirmed_answers_task.enqueue()
            self.stdout.write(f"Closing of unconfirmed answers queued ({result.id}).")
            return
        closed = close_unconfirmed_answers_task.call()
        self.stdout.write(f"Unconfirmed answers: {closed} requests closed (after {days} days).")
