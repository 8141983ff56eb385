"""Background work of the feedback app (immediate in development and tests, the database
worker in production)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from feedback.models import Submission
from feedback.tracking import tracking_url
from portal.tasks import task


@task()
def send_confirmation(submission_id: int) -> None:
    """The citizen's confirmation, in the language they wrote in, with the private link."""
    submission = Submission.objects.select_related("topic").filter(pk=submission_id).first()
    if submission is None or not submission.email:
        return
    with translation.override(submission.language):
        context = {
            "submission": submission,
            "tracking_url": tracking_url(submission.reference, submission.language),
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("feedback/email/confirmation_subject.txt", context)
        body = render_to_string("feedback/email/confirmation.txt", context)
    send_mail(" ".join(subject.split()), body, None, [submission.email])
