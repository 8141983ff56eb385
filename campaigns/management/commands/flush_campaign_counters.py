from django.core.management.base import BaseCommand

from campaigns.tasks import flush_campaign_counters_task


class Command(BaseCommand):
    help = (
        "Move the campaign counts (clicks, page views, usefulness answers) from the shared "
        "cache to their daily rows. Idempotent: a second run moves nothing more."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to the task worker instead of flushing now (for cron).",
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = flush_campaign_counters_task.enqueue()
            self.stdout.write(f"Campaign counters flush queued ({result.id}).")
            return
        moved = flush_campaign_counters_task.call()
        self.stdout.write(f"Campaign counters flushed: {moved} events moved.")
