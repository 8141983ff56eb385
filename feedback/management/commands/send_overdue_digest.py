from django.core.management.base import BaseCommand

from feedback.digest import send_overdue_digests_task


class Command(BaseCommand):
    help = "E-mail each ministry its overdue requests and the moderators all of them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to the task worker instead of sending now (for cron).",
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = send_overdue_digests_task.enqueue()
            self.stdout.write(f"Overdue digest queued ({result.id}).")
            return
        sent = send_overdue_digests_task.call()
        self.stdout.write(f"Overdue digest: {sent} e-mails sent.")
