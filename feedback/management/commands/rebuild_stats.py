"""``manage.py rebuild_stats``: recompute the daily statistics from the submissions and
their audit rows (the repair tool; the workflow keeps them in step on its own).

``--from``/``--to`` limit the days of receipt; ``--enqueue`` hands the work to the task
worker instead of doing it here.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from feedback import dailystats


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Recompute the daily feedback statistics (DailyStat) from the raw rows."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="first", type=_date, help="first day of receipt")
        parser.add_argument("--to", dest="last", type=_date, help="last day of receipt")
        parser.add_argument(
            "--enqueue", action="store_true", help="run it in the task worker instead"
        )

    def handle(self, *args, first=None, last=None, enqueue=False, **options) -> None:
        if first and last and first > last:
            raise CommandError("--from must not be after --to.")
        if enqueue:
            result = dailystats.rebuild_task.enqueue(
                first and first.isoformat(), last and last.isoformat()
            )
            self.stdout.write(f"Statistics rebuild enqueued (task {result.id}).")
            return
        counted = dailystats.rebuild(first, last)
        self.stdout.write(f"Statistics rebuilt: {counted} requests counted.")
