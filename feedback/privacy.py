"""Retention of citizens' personal data (Royal Decree 6/2022: limited retention).

The rule of *what* is erased lives in ``feedback.workflow._erase_personal_data``; this
module decides *when*: ``PERSONAL_DATA_RETENTION_DAYS`` after an item was finished, or at
once when an erased item holds personal data again (``Submission.objects.due_for_purge``).
"""

import logging
from datetime import datetime

from feedback import workflow
from feedback.models import Submission
from portal.tasks import task

logger = logging.getLogger(__name__)


def purge_personal_data(now: datetime | None = None) -> int:
    """Erase the personal data of every item finished longer than the retention period.

    Each item in its own transaction (a failure leaves the others done); returns how
    many were erased. Safe to run twice: erased items are not due any more.
    """
    erased = 0
    # Only the keys (and whether it was erased before): each erasure locks and re-reads
    # its row.
    due = Submission.objects.due_for_purge(now).values_list("pk", "personal_data_erased_at")
    for pk, erased_at in due.iterator():
        item = Submission(pk=pk, personal_data_erased_at=erased_at)
        if workflow.erase_expired(item) is not None:
            erased += 1
    logger.info("personal data purge: %s requests erased", erased)
    return erased


@task()
def purge_personal_data_task() -> int:
    """The retention purge (``manage.py purge_personal_data``): returns the items erased."""
    return purge_personal_data()
