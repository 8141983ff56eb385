"""Helpers of the workflow tests: a submission put into any state (test set-up only)."""

from feedback.models import Submission
from tests.factories import make_submission


def in_state(status: str, topic, ministry=None, **fields) -> Submission:
    submission = make_submission(topic=topic, **fields)
    values = {"status": status}
    if status != Submission.Status.SUBMITTED:
        values["ministry"] = ministry
    if status == Submission.Status.DUPLICATE:
        values["duplicate_of"] = make_submission(topic=topic)
    Submission.objects.filter(pk=submission.pk).update(**values)
    submission.refresh_from_db()
    return submission
