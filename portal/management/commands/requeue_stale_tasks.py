"""Hand tasks whose worker died back to the queue (cron, every few minutes).

``manage.py db_worker`` marks a task "running" when it claims it and "successful" or
"failed" when it ends. A worker killed in between (out of memory, a host that goes away,
``kill -9``) leaves the task "running" for ever, and nothing else would run it. A task
running longer than the bound is set ready again, so the next worker runs it. The mail
tasks are safe to run twice: each mail carries a Message-ID derived from its event, so a
second copy is recognisable (docs/operations.md).

A plain command, not ``--enqueue``: when the workers are dead, a task asking them to
rescue themselves would never run.
"""

import logging
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Set tasks left running longer than --seconds back to ready (their worker died)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--seconds",
            type=int,
            default=15 * 60,
            help="How long a task may run before it counts as abandoned. Keep it above the "
            "longest real task: a mail with its retries takes under a minute (default: 900).",
        )

    def handle(self, *args, seconds: int, **options) -> None:
        cutoff = timezone.now() - timedelta(seconds=seconds)
        stale = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
        requeued = [str(pk) for pk in stale.values_list("pk", flat=True)]
        # Only rows still running: a worker finishing one meanwhile keeps its result.
        count = (
            DBTaskResult.objects.running()
            .filter(pk__in=requeued)
            .update(status=TaskResultStatus.READY, started_at=None)
        )
        if count:
            logger.warning("requeued %s task(s) running for over %ss: %s", count, seconds, requeued)
        self.stdout.write(f"{count} stale task(s) requeued")
