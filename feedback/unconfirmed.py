"""Answers nobody confirmed: the citizen said neither "resolved" nor "not resolved" within
FEEDBACK_REOPEN_DAYS of the latest answer, so the request is closed
(``manage.py close_unconfirmed_answers``, a cron line in docs/deployment.md)."""

import logging
from datetime import datetime

from feedback import workflow
from feedback.models import Submission
from portal.tasks import task

logger = logging.getLogger(__name__)


def close_unconfirmed_answers(now: datetime | None = None) -> int:
    """Close every answered request past its days; each in its own transaction (the row
    is locked and checked again, so one the citizen reopened meanwhile stays open).
    Returns how many were closed; running it twice closes nothing more."""
    closed = 0
    due = Submission.objects.unconfirmed_answers(now).values_list("pk", "language")
    for pk, language in due.iterator():
        if workflow.close_unconfirmed(Submission(pk=pk, language=language)) is not None:
            closed += 1
    logger.info("unconfirmed answers: %s requests closed", closed)
    return closed


@task()
def close_unconfirmed_answers_task() -> int:
    return close_unconfirmed_answers()
