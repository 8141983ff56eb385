"""The one module that writes ``Submission.status`` (see ../shared/STYLE.md, point 2).

Each state change is a function named for the action: it runs in one transaction, writes
an immutable ``SubmissionEvent`` and schedules notifications with ``on_commit``. This
issue needs only ``submit``; the moderation issue adds route, acknowledge, answer, ...
"""

import logging
from collections.abc import Sequence
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from feedback import calendar
from feedback.models import Attachment, Submission, SubmissionEvent, Topic, private_storage
from feedback.references import generate_reference
from feedback.uploads import CleanFile

logger = logging.getLogger(__name__)

REFERENCE_ATTEMPTS = 5


def submit(
    *,
    kind: str,
    topic: Topic,
    subject: str,
    body: str,
    language: str,
    name: str = "",
    email: str = "",
    phone: str = "",
    files: Sequence[CleanFile] = (),
) -> Submission:
    """Store a citizen's submission, its attachments and its first event, all or nothing.

    Files are written inside the transaction; if anything fails the transaction rolls
    back and the files already written are deleted, so nothing is left half-saved.
    """
    now = timezone.now()
    written: list[str] = []
    try:
        with transaction.atomic():
            submission = Submission(
                kind=kind,
                topic=topic,
                suggested_ministry=topic.ministry,
                routing_reason=routing_reason(topic),
                subject=subject,
                body=body,
                language=language,
                name=name,
                email=email,
                phone=phone,
                consent_at=now,
                privacy_notice_version=settings.FEEDBACK_PRIVACY_NOTICE_VERSION,
                status=Submission.Status.SUBMITTED,
                created_at=now,
                due_at=calendar.due_date(topic.response_days, now),
            )
            _insert_with_unique_reference(submission)
            for clean in files:
                written.append(store_attachment(submission, clean).file.name)
            SubmissionEvent.objects.create(
                submission=submission,
                kind=SubmissionEvent.Kind.SUBMITTED,
                created_at=now,
                to_status=Submission.Status.SUBMITTED,
                is_public=True,
            )
            if email:
                from feedback.tasks import send_confirmation

                transaction.on_commit(partial(send_confirmation.enqueue, submission.pk))
    except BaseException:
        for path in written:
            private_storage.delete(path)
        raise
    logger.info("feedback %s submitted (topic %s)", submission.reference, topic.pk)
    return submission


def store_attachment(submission: Submission, clean: CleanFile) -> Attachment:
    attachment = Attachment(
        submission=submission,
        size=clean.size,
        sha256=clean.sha256,
        content_type=clean.content_type,
        original_name=clean.name,
    )
    attachment.file.save(clean.name, ContentFile(clean.content), save=False)
    try:
        attachment.save()
    except BaseException:
        private_storage.delete(attachment.file.name)
        raise
    return attachment


def _insert_with_unique_reference(submission: Submission) -> None:
    # The unique constraint decides; a savepoint per attempt keeps the outer transaction
    # usable after a collision (on PostgreSQL a concurrent insert waits, then fails here).
    for attempt in range(1, REFERENCE_ATTEMPTS + 1):
        submission.reference = generate_reference()
        try:
            with transaction.atomic():
                submission.save(force_insert=True)
            return
        except IntegrityError:
            if attempt == REFERENCE_ATTEMPTS:
                raise
            submission.pk = None
            logger.warning("feedback reference collision, attempt %s", attempt)


def routing_reason(topic: Topic) -> str:
    # Stored in the site's default language: staff read it, whatever the citizen used.
    with translation.override(settings.LANGUAGE_CODE):
        if topic.ministry_id:
            reason = _("Default ministry of the topic “%(topic)s”.")
        else:
            reason = _("The topic “%(topic)s” has no default ministry: a moderator chooses.")
        return (reason % {"topic": topic.name})[:200]
