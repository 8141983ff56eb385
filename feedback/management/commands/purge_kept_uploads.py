from django.conf import settings
from django.core.management.base import BaseCommand

from feedback.kept_uploads import purge_kept_uploads_task


class Command(BaseCommand):
    help = (
        "Delete the files kept for forms that came back with an error once they are older "
        "than FEEDBACK_KEPT_UPLOADS_SECONDS (nobody can claim them any more)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to the task worker instead of purging now (for cron).",
        )

    def handle(self, *args, enqueue=False, **options):
        seconds = settings.FEEDBACK_KEPT_UPLOADS_SECONDS
        if enqueue:
            result = purge_kept_uploads_task.enqueue()
            self.stdout.write(f"Kept uploads purge queued ({result.id}).")
            return
        purged = purge_kept_uploads_task.call()
        self.stdout.write(f"Kept uploads purge: {purged} files deleted (kept {seconds} s).")
