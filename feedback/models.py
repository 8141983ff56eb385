import contextlib
import os
import re
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal import roles
from portal.models import AppendOnlyModel, Ministry
from portal.text import normalize_search_text, search_terms


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    IDEA = "idea", _("Idea")
    # "Is this true?": a citizen asks about a claim they saw (issue 14, feedback.claims).
    INQUIRY = "inquiry", _("Inquiry about a claim")


# The kinds of the feedback form (complaint, suggestion, idea); inquiries have their own form.
FORM_KINDS = (Kind.COMPLAINT, Kind.SUGGESTION, Kind.IDEA)


class PrivateStorage(FileSystemStorage):
    """Attachments: outside MEDIA_ROOT, without a public URL.

    Files are read only through ``feedback.views.attachment``, which checks permissions.
    The location is read from settings when used, so tests can point it elsewhere.
    """

    def __init__(self) -> None:
        super().__init__(location=None, base_url=None)

    @property
    def base_location(self):  # type: ignore[override]
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):  # type: ignore[override]
        return str(Path(settings.PRIVATE_MEDIA_ROOT).resolve())

    def url(self, name):
        raise ValueError("Feedback attachments have no public URL; use the attachment view.")

    def _save(self, name, content):
        # FileSystemStorage keeps what it managed to write when writing fails (a full disk
        # leaves a truncated file): remove it, so no file is left without its row. The
        # name is random (attachment_path), so it can only be the file just started.
        try:
            return super()._save(name, content)
        except OSError:
            with contextlib.suppress(OSError):
                os.remove(self.path(name))
            raise


private_storage = PrivateStorage()


def attachment_path(instance: "Attachment", filename: str) -> str:
    # A random name: never the citizen's file name, which may hold personal data.
    extension = Path(filename).suffix.lower()
    return f"feedback/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class Topic(models.Model):
    """What feedback is about; decides the suggested ministry and the response time."""

    name = models.CharField(_("name"), max_length=120)
    help_text = models.CharField(
        _("help text"),
        max_length=300,
        blank=True,
        help_text=_("One sentence shown to citizens under the topic list."),
    )
    accepts_complaints = models.BooleanField(_("accepts complaints"), default=True)
    accepts_suggestions = models.BooleanField(_("accepts suggestions"), default=True)
    accepts_ideas = models.BooleanField(_("accepts ideas"), default=True)
    # The topic of inquiries about claims ("is this true?"): ``Topic.inquiry_topic()``.
    accepts_inquiries = models.BooleanField(_("accepts inquiries about claims"), default=False)
    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_topics",
        verbose_name=_("default ministry"),
        help_text=_("Suggested route for new items. Empty: moderators choose the ministry."),
    )
    response_days = models.PositiveSmallIntegerField(_("response time (working days)"), default=10)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepts_complaints=True)
                | Q(accepts_suggestions=True)
                | Q(accepts_ideas=True)
                | Q(accepts_inquiries=True),
                name="topic_accepts_a_kind",
                violation_error_message=_("A topic must accept at least one kind."),
            ),
            models.CheckConstraint(
                condition=Q(response_days__gte=1), name="topic_response_days_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def accepts(self, kind: str) -> bool:
        return {
            Kind.COMPLAINT: self.accepts_complaints,
            Kind.SUGGESTION: self.accepts_suggestions,
            Kind.IDEA: self.accepts_ideas,
            Kind.INQUIRY: self.accepts_inquiries,
        }.get(kind, False)

    @classmethod
    def inquiry_topic(cls) -> "Topic":
        """The topic inquiries are filed under (created when first needed; the statistics
        count inquiries in it). Moderators may rename it in the admin."""
        topic = cls.objects.filter(accepts_inquiries=True, is_active=True).order_by("pk").first()
        if topic is None:
            topic = cls.objects.create(
                name_ar="الاستفسار عن الأخبار المتداولة",
                name_en="Questions about circulating claims",
                accepts_complaints=False,
                accepts_suggestions=False,
                accepts_ideas=False,
                accepts_inquiries=True,
                response_days=1,
                order=1000,
            )
        return topic

    @property
    def kinds(self) -> list[str]:
        return [kind for kind in Kind.values if self.accepts(kind)]


def overdue_q(today=None) -> models.Q:
    """The one overdue rule, as a condition (lists filter by it, the dashboard counts by it):
    still waiting for an answer after the due date (local date)."""
    return models.Q(status__in=Submission.OPEN_STATUSES, due_at__lt=today or timezone.localdate())


class SubmissionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SubmissionQuerySet":
        """The one rule of who sees which feedback (admin, dashboard, exports, files).

        Moderators and superusers: everything. Ministry officers: items routed to their
        own ministry. Anyone else, the anonymous and officers without a ministry: nothing.
        """
        scope = roles.feedback_scope(user)
        if scope is None or not scope.opens_items:
            return self.none()
        return self._within(scope)

    def _within(self, scope: roles.FeedbackScope) -> "SubmissionQuerySet":
        return self if scope.ministry_id is None else self.filter(ministry_id=scope.ministry_id)

    def overdue(self, today=None) -> "SubmissionQuerySet":
        """Items still waiting for an answer after their due date."""
        return self.filter(overdue_q(today))

    def erasure_requested(self) -> "SubmissionQuerySet":
        """The moderators' queue of deletion requests: asked for, not yet done."""
        return self.filter(erasure_requested_at__isnull=False, personal_data_erased_at__isnull=True)

    def due_for_purge(self, now=None) -> "SubmissionQuerySet":
        """Finished items whose personal data has outlived the retention period.

        Finished: answered, closed, rejected or merged, i.e. nothing more is expected
        from the citizen or the ministry. The clock starts at the last event that
        finished the item (an answer, a close, a rating, a rejection, a merge), read
        from the audit trail; ``updated_at`` would restart at every note. An item erased
        already that holds personal data again is due at once, whatever its state.
        """
        cutoff = (now or timezone.now()) - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
        refilled = Submission.refilled_after_erasure_q()
        return (
            self.filter(
                Q(status__in=Submission.FINISHED_STATUSES, personal_data_erased_at__isnull=True)
                | refilled
            )
            .annotate(
                finished_at=models.Max(
                    "events__created_at",
                    filter=Q(events__kind__in=SubmissionEvent.FINISHING_KINDS),
                )
            )
            .filter(Q(finished_at__lt=cutoff) | Q(personal_data_erased_at__isnull=False))
        )

    def unconfirmed_answers(self, now=None) -> "SubmissionQuerySet":
        """Answered items whose citizen said neither "resolved" nor "not resolved" within
        FEEDBACK_REOPEN_DAYS of the latest answer: ``close_unconfirmed_answers`` closes them."""
        cutoff = (now or timezone.now()) - timedelta(days=settings.FEEDBACK_REOPEN_DAYS)
        return self.filter(status=Submission.Status.ANSWERED).filter(
            Q(last_answered_at__lt=cutoff) | Q(last_answered_at__isnull=True)
        )

    def countable_by(self, user) -> "SubmissionQuerySet":
        """The rows a user's statistics (dashboard, CSV export) are computed over.

        ``visible_to`` plus the Managers, who watch volumes and response times of every
        ministry but may not open items: what they get from here is counted, or exported
        without personal data, never shown as an item. Officers: their own ministry only.
        """
        scope = roles.feedback_scope(user)
        return self.none() if scope is None else self._within(scope)


class Submission(models.Model):
    """A complaint, suggestion or idea sent by a citizen, with or without contact details."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Received")
        ROUTED = "routed", _("Sent to the ministry")
        IN_PROGRESS = "in_progress", _("Being handled")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")
        REJECTED = "rejected", _("Not accepted")
        DUPLICATE = "duplicate", _("Merged with another request")

    Kind = Kind
    # What erasing removes (``feedback.workflow._erase_personal_data``), with the files.
    PERSONAL_FIELDS = ("name", "email", "phone", "rating_comment", "reopen_reason")
    # Kinds a citizen may agree to see published in "You said, we did" (issue 17).
    PUBLISHABLE_KINDS = (Kind.SUGGESTION, Kind.IDEA)
    # Items still waiting for an answer: the tracking page shows their expected date.
    OPEN_STATUSES = (Status.SUBMITTED, Status.ROUTED, Status.IN_PROGRESS)
    # Nothing more is expected: the retention period of personal data runs (privacy.py).
    FINISHED_STATUSES = (Status.ANSWERED, Status.CLOSED, Status.REJECTED, Status.DUPLICATE)

    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("topic")
    )
    # The confirmed route, set by a moderator (workflow issue). Officers see items by it.
    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("ministry"),
    )
    # The route proposed at submission (the topic's default) and why, for the moderator.
    suggested_ministry = models.ForeignKey(
        Ministry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggested_submissions",
        verbose_name=_("suggested ministry"),
    )
    routing_reason = models.CharField(_("routing reason"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("details"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("consent given at"))
    privacy_notice_version = models.CharField(_("privacy notice version"), max_length=20)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    created_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    due_at = models.DateField(_("answer expected by"))
    # The due moment of a kind with a target in working hours (inquiries): ``due_at`` is
    # then its local date (calendar.due_moment).
    due_by = models.DateTimeField(_("answer expected by (time)"), null=True, blank=True)
    # Reference, subject and details folded by portal.text.normalize_search_text: the staff
    # search (Arabic without diacritics finds text with them) on SQLite and PostgreSQL.
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    # The citizen's close-out, given once from the tracking page after an answer.
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    # Personal data (Royal Decree 6/2022): the citizen's deletion request from the tracking
    # page, queued for moderators, and the erasure itself (a moderator's action or
    # ``purge_personal_data`` after the retention period), both through feedback.workflow.
    erasure_requested_at = models.DateTimeField(
        _("deletion requested at"), null=True, blank=True, editable=False
    )
    personal_data_erased_at = models.DateTimeField(
        _("personal data deleted at"), null=True, blank=True, editable=False
    )
    # "Not resolved" (issue 17): the latest answer starts the citizen's FEEDBACK_REOPEN_DAYS
    # to say whether it resolved the request; "not resolved" sends it back to the same
    # ministry with the citizen's reason (personal text: erased with the contact details).
    last_answered_at = models.DateTimeField(
        _("last answered at"), null=True, blank=True, editable=False
    )
    reopen_count = models.PositiveSmallIntegerField(
        _("times reopened"), default=0, db_default=0, editable=False
    )
    # (db_default: rows written by raw SQL, the benchmark's seed, need no value.)
    reopen_reason = models.TextField(
        _("reason given for reopening"), blank=True, default="", db_default=""
    )
    # "You said, we did": the citizen agreed, on the form, that their suggestion or idea
    # may be published without their name.
    publication_consent = models.BooleanField(
        _("agreed to publication without name"), default=False, db_default=False
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The moderators' queue: new items by status, newest first.
            models.Index(fields=["status", "-created_at"], name="submission_status_created"),
            # An officer's list: items of one ministry by status.
            models.Index(fields=["ministry", "status"], name="submission_ministry_status"),
            # Overdue lists and the overdue digest: open items by due date.
            models.Index(fields=["status", "due_at"], name="submission_status_due"),
            # The admin list and the dashboard's weekly volumes: every item, newest first
            # (ORDER BY created_at DESC, id DESC LIMIT 100; MIN/MAX(created_at)).
            models.Index(fields=["-created_at", "-id"], name="submission_created"),
            # An officer's admin list: one ministry's items, newest first
            # (WHERE ministry_id = %s ORDER BY created_at DESC, id DESC LIMIT 100).
            models.Index(
                fields=["ministry", "-created_at", "-id"], name="submission_ministry_created"
            ),
            # The dashboard's overdue list (current state, read live): open items by due
            # date, oldest first (WHERE status IN open AND due_at < today ORDER BY due_at,
            # id LIMIT 25): read in order, it stops after 25 rows whatever the volume.
            models.Index(
                fields=["due_at", "id"],
                condition=Q(status__in=["submitted", "routed", "in_progress"]),
                name="submission_open_due",
            ),
            # The dashboard's overdue counts per ministry: an index-only scan of open items.
            models.Index(
                fields=["ministry", "due_at"],
                condition=Q(status__in=["submitted", "routed", "in_progress"]),
                name="submission_open_ministry_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="duplicate", duplicate_of__isnull=False)
                | ~Q(status="duplicate"),
                name="submission_duplicate_has_original",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="submission_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.subject}"

    def save(self, *args, **kwargs) -> None:
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"subject", "body", "reference"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        if self.is_open and self.due_by is not None:
            return self.due_by < timezone.now()
        return self.is_open and self.due_at < timezone.localdate()

    @property
    def erasure_requested(self) -> bool:
        """The citizen asked for their personal data to be deleted and it is not done yet
        (the same rule as ``Submission.objects.erasure_requested()``)."""
        return self.erasure_requested_at is not None and self.personal_data_erased_at is None

    @property
    def has_personal_data(self) -> bool:
        """Whether an erasure has anything to do: never erased yet (the attachments count
        too), or a personal field holds something again (``refilled_after_erasure_q``)."""
        return self.personal_data_erased_at is None or any(
            getattr(self, name) for name in self.PERSONAL_FIELDS
        )

    @staticmethod
    def refilled_after_erasure_q() -> Q:
        """Erased, yet a personal field is not empty: the same rule as
        ``has_personal_data``, as a condition (the retention purge takes these at once)."""
        refilled = Q()
        for name in Submission.PERSONAL_FIELDS:
            refilled |= ~Q(**{name: ""})
        return Q(personal_data_erased_at__isnull=False) & refilled

    @property
    def can_be_rated(self) -> bool:
        return self.rating is None and self.status in (self.Status.ANSWERED, self.Status.CLOSED)

    # --- "Not resolved" (feedback.workflow.reopen holds the rules; these say them) ---

    @property
    def reopen_deadline(self):
        """The last moment the citizen may say "not resolved" (None: never answered)."""
        if self.last_answered_at is None:
            return None
        return self.last_answered_at + timedelta(days=settings.FEEDBACK_REOPEN_DAYS)

    @property
    def reopenings_left(self) -> int:
        return max(0, settings.FEEDBACK_REOPEN_LIMIT - self.reopen_count)

    @property
    def awaits_confirmation(self) -> bool:
        """Answered, and the citizen has not said yet whether it resolved the request."""
        return self.status == self.Status.ANSWERED

    @property
    def may_reopen_by_date(self) -> bool:
        """Still within FEEDBACK_REOPEN_DAYS of the latest answer."""
        deadline = self.reopen_deadline
        return deadline is not None and timezone.now() <= deadline

    @property
    def may_reopen(self) -> bool:
        """Whether the tracking page offers "not resolved" now (``workflow.reopen``
        checks the same on the locked row, with a message for each refusal)."""
        return (
            self.status == self.Status.ANSWERED
            and self.reopenings_left > 0
            and self.may_reopen_by_date
            and self.personal_data_erased_at is None
        )

    @property
    def may_be_published(self) -> bool:
        """A suggestion or idea whose citizen agreed to its publication, once answered."""
        return (
            self.publication_consent
            and self.kind in self.PUBLISHABLE_KINDS
            and self.status in (self.Status.ANSWERED, self.Status.CLOSED)
        )

    def build_search_text(self) -> str:
        return normalize_search_text(f"{self.reference} {self.subject} {self.body}")

    @staticmethod
    def answer_in(events: list["SubmissionEvent"]) -> "SubmissionEvent | None":
        """The answer the tracking page shows first: the latest public event that ends the
        handling with words for the citizen (an answer, or why it was not accepted or was
        merged)."""
        final = SubmissionEvent.ANSWER_KINDS
        answers = [event for event in events if event.kind in final and event.public_message]
        return answers[-1] if answers else None

    @property
    def public_events(self):
        """What the citizen may see on the tracking page (never internal notes or actors)."""
        return self.events.filter(is_public=True).order_by("created_at", "pk")


class AttachmentQuerySet(models.QuerySet):
    def shown_to_citizen(self, reference: str | None) -> "AttachmentQuerySet":
        """The files the holder of ``reference``'s private link (or of the reference and
        its e-mail address) may see: their own, and only while the personal data is not
        erased (an erasure deletes the files; this keeps the rule when a row outlives it)."""
        if not reference:
            return self.none()
        return self.filter(
            submission__reference=reference, submission__personal_data_erased_at__isnull=True
        )


class Attachment(models.Model):
    """A file sent with a submission, already checked and (for images) re-encoded."""

    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("submission"),
    )
    file = models.FileField(
        _("file"), upload_to=attachment_path, storage=private_storage, max_length=200
    )
    # A small JPEG of an image, made once when it is stored (feedback.thumbnails) for the
    # citizen's tracking page; none for a PDF or a file stored before previews were.
    preview = models.FileField(
        _("preview"),
        upload_to=attachment_path,
        storage=private_storage,
        max_length=200,
        blank=True,
        null=True,
    )
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("content type"), max_length=50)
    original_name = models.CharField(_("original name"), max_length=100)
    created_at = models.DateTimeField(_("added at"), default=timezone.now, editable=False)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def format_label(self) -> str:
        """The tile's label of a file shown without a preview: "PDF", "JPEG", "PNG"..."""
        return self.content_type.rpartition("/")[2].upper()

    @property
    def stored_paths(self) -> list[str]:
        """Every file on disk for this attachment: what a deletion must remove."""
        return [name for name in (self.file.name, self.preview.name) if name]


class SubmissionEvent(AppendOnlyModel):
    """One immutable line of a submission's history, written by ``feedback.workflow``.

    ``internal_note`` and ``actor`` are for staff only; the tracking page shows an event
    only when ``is_public`` and then only its date, kind, status and ``public_message``.
    """

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Request received")
        ROUTED = "routed", _("Sent to the ministry")
        ACKNOWLEDGED = "acknowledged", _("The ministry is handling the request")
        ANSWERED = "answered", _("The ministry answered")
        CLOSED = "closed", _("Request closed")
        REJECTED = "rejected", _("Request not accepted")
        MERGED = "merged", _("Merged with another request")
        SENT_BACK = "sent_back", _("Sent back for routing")
        REROUTED = "rerouted", _("Sent to another ministry")
        REDACTED = "redacted", _("Personal data removed from the text")
        RATED = "rated", _("The citizen rated the answer")
        NOTE = "note", _("Internal note")
        ERASURE_REQUESTED = "erasure_requested", _("Deletion of personal data requested")
        ERASED = "erased", _("Personal data deleted")
        # Inquiries about claims (feedback.claims).
        ATTACHED = "attached", _("Joined a claim under review")
        CLARIFIED = "clarified", _("The official clarification was published")
        CORRECTED = "corrected", _("The official clarification was corrected")
        RESOLVED = "resolved", _("The citizen confirmed the answer resolved the request")
        REOPENED = "reopened", _("The citizen said the answer did not resolve the request")
        PUBLISHED = "published", _("Published in “You said, we did” without the name")

    # Events that finish an item: the retention period of personal data counts from them.
    FINISHING_KINDS = (
        Kind.ANSWERED,
        Kind.CLOSED,
        Kind.RATED,
        Kind.REJECTED,
        Kind.MERGED,
        Kind.CLARIFIED,
        Kind.RESOLVED,
    )
    # Events whose public message is the answer to the citizen (the tracking page's first).
    ANSWER_KINDS = (Kind.ANSWERED, Kind.REJECTED, Kind.MERGED)

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="events", verbose_name=_("submission")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now, editable=False)
    from_status = models.CharField(
        _("from status"), max_length=20, choices=Submission.Status.choices, blank=True
    )
    to_status = models.CharField(
        _("to status"), max_length=20, choices=Submission.Status.choices, blank=True
    )
    internal_note = models.TextField(_("internal note"), blank=True)
    public_message = models.TextField(_("public message"), blank=True)
    is_public = models.BooleanField(_("shown to the citizen"), default=True)

    trail_name = "Submission events"

    class Meta:
        verbose_name = _("submission event")
        verbose_name_plural = _("submission events")
        ordering = ["created_at", "pk"]
        indexes = [
            # The timeline of one submission (tracking page, admin inline), oldest first.
            models.Index(fields=["submission", "created_at"], name="event_submission_created"),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.get_kind_display()}"

    def internals_visible_to(self, viewer) -> bool:
        """Whether ``viewer`` may read this event's internal note and author.

        An item re-routed from ministry A to B keeps its history; B's officers see what
        moderators and their own ministry wrote, not the notes and names of A's staff.
        (Needs ``actor__staff_profile`` loaded to stay one query for a whole timeline.)
        """
        if roles.is_moderator(viewer) or self.actor is None:
            return True
        # The author's ministry when they wrote (their profile), whatever their role now.
        author = getattr(self.actor, "staff_profile", None)
        author_ministry = author.ministry_id if author else None
        return author_ministry is None or author_ministry == roles.officer_ministry_id(viewer)


class PublicHoliday(models.Model):
    """A day without work, skipped when due dates are counted in working days."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class CannedReplyQuerySet(models.QuerySet):
    def for_ministry(self, ministry_id: int | None) -> "CannedReplyQuerySet":
        """Replies shared by every ministry plus the ministry's own."""
        return self.filter(is_active=True).filter(
            Q(ministry__isnull=True) | Q(ministry_id=ministry_id)
        )


class CannedReply(models.Model):
    """A prepared public answer an officer can start from (their ministry's or shared)."""

    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_replies",
        verbose_name=_("ministry"),
        help_text=_("Empty: offered to every ministry."),
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("active"), default=True)

    objects = CannedReplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["ministry_id", "title", "pk"]

    def __str__(self) -> str:
        return self.title


# --- Statistics: per-day aggregates (feedback.dailystats writes them, feedback.stats reads)

# Bins of the response-time histograms. The same number of bins for both units, so one
# set of columns serves every kind: a row's kind decides its unit (feedback.dailystats).
# The lower edges, in working days and in working hours; the last bin has no upper edge.
RESPONSE_BIN_EDGES = {
    # 0.25 working day up to 5 days, 0.5 up to 10, 1 up to 30, 5 up to 60, then 60 or more.
    "day": (
        [i / 4 for i in range(20)]
        + [5 + i / 2 for i in range(10)]
        + [10 + i for i in range(20)]
        + [30 + 5 * i for i in range(6)]
        + [60]
    ),
    # 0.25 working hour up to 8 hours, 1 up to 24, 6 up to 60, 30 up to 120, then 120 or more.
    "hour": (
        [i / 4 for i in range(32)]
        + [8 + i for i in range(16)]
        + [24 + 6 * i for i in range(6)]
        + [60, 90]
        + [120]
    ),
}
RESPONSE_BINS = 57
RESPONSE_MEASURES = ("first_response", "answer")


def bin_field(measure: str, index: int) -> str:
    return f"{measure}_{index:02d}"


class StatQuerySet(models.QuerySet):
    def within(self, scope: "roles.FeedbackScope | None") -> "StatQuerySet":
        """Rows of a scope: None is the public's (every ministry, counts carry no personal
        data), otherwise a staff scope from ``roles.feedback_scope``."""
        if scope is None or scope.ministry_id is None:
            return self
        return self.filter(ministry_id=scope.ministry_id)

    def countable_by(self, user) -> "StatQuerySet":
        """The aggregate rows a user's statistics read: the same scope as
        ``Submission.objects.countable_by`` (an officer: their own ministry's rows)."""
        scope = roles.feedback_scope(user)
        return self.none() if scope is None else self.within(scope)


class StatCounts(models.Model):
    """The numbers of a statistics row (``DailyStat``, ``MonthlyStat``).

    A cohort row: every number describes the items *received* in the row's period (local
    dates) as they are now, so each item counts in exactly one row of each table (its day
    or month of receipt, its current ministry, topic and kind) and moves to another row
    only when it changes ministry. ``feedback.workflow`` keeps the rows in step in the
    same transaction as each change; ``rebuild_stats`` recomputes them from the
    submissions and their audit rows. The definitions are in docs/decisions.md
    ("Statistics from daily aggregates").
    """

    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ministry"),
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="+", verbose_name=_("topic")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    received = models.IntegerField(_("received"), default=0, db_default=0)
    # Items of this row now in each status (their sum is ``received``).
    status_submitted = models.IntegerField(default=0, db_default=0)
    status_routed = models.IntegerField(default=0, db_default=0)
    status_in_progress = models.IntegerField(default=0, db_default=0)
    status_answered = models.IntegerField(default=0, db_default=0)
    status_closed = models.IntegerField(default=0, db_default=0)
    status_rejected = models.IntegerField(default=0, db_default=0)
    status_duplicate = models.IntegerField(default=0, db_default=0)
    # Items with a first response (acknowledged, answered or rejected) and with an answer:
    # the totals of the two histograms.
    first_responses = models.IntegerField(default=0, db_default=0)
    answers = models.IntegerField(default=0, db_default=0)
    # Events of the items of this row, counted however often they happened.
    reroutes = models.IntegerField(default=0, db_default=0)
    send_backs = models.IntegerField(default=0, db_default=0)
    reopenings = models.IntegerField(default=0, db_default=0)
    ratings = models.IntegerField(default=0, db_default=0)
    rating_sum = models.IntegerField(default=0, db_default=0)

    objects = StatQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.ministry_id} {self.topic_id} {self.kind}"


for _measure in RESPONSE_MEASURES:
    for _index in range(RESPONSE_BINS):
        # Items whose time (received -> first response or answer) falls in this bin.
        StatCounts.add_to_class(
            bin_field(_measure, _index), models.IntegerField(default=0, db_default=0)
        )


class DailyStat(StatCounts):
    """The statistics of the items received on one day (see ``StatCounts``)."""

    day = models.DateField(_("day of receipt"))

    class Meta:
        verbose_name = _("daily statistics")
        verbose_name_plural = _("daily statistics")
        constraints = [
            # The upsert's conflict target (feedback.dailystats): one row per key, "not
            # routed" (NULL) included, which a plain unique constraint would not catch.
            models.UniqueConstraint(
                "day", Coalesce("ministry", models.Value(0)), "topic", "kind", name="dailystat_key"
            ),
        ]
        indexes = [
            # An officer's statistics: one ministry's rows over a range of days.
            models.Index(fields=["ministry", "day"], name="dailystat_ministry_day"),
        ]


class MonthlyStat(StatCounts):
    """The same numbers per month of receipt (``day`` is the month's first day): the sums
    of its ``DailyStat`` rows, kept in the same statements, so a statistic over months or
    all time reads a few thousand rows instead of one per day."""

    day = models.DateField(_("month of receipt"))

    class Meta:
        verbose_name = _("monthly statistics")
        verbose_name_plural = _("monthly statistics")
        constraints = [
            models.UniqueConstraint(
                "day",
                Coalesce("ministry", models.Value(0)),
                "topic",
                "kind",
                name="monthlystat_key",
            ),
        ]
        indexes = [
            models.Index(fields=["ministry", "day"], name="monthlystat_ministry_day"),
        ]


# --- Claims under review ("is this true?", issue 14) -------------------------------------


class WhereSeen(models.TextChoices):
    X = "x", _("X (Twitter)")
    INSTAGRAM = "instagram", _("Instagram")
    YOUTUBE = "youtube", _("YouTube")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TIKTOK = "tiktok", _("TikTok")
    WEBSITE = "website", _("A website")
    OTHER = "other", _("Somewhere else")


class ClaimQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ClaimQuerySet":
        """The one rule of who sees which claim under review.

        Moderators and superusers: every claim. Officers: the claims routed to their own
        ministry (they supply its facts). Editors: the claims whose facts are in or whose
        clarification is out (they write the clarification from them). Anyone else: none.
        """
        if roles.is_moderator(user):
            return self
        ministry_id = roles.officer_ministry_id(user)
        if ministry_id is not None:
            return self.filter(ministry_id=ministry_id)
        if roles.is_editor(user):
            return self.filter(status__in=Claim.EDITOR_STATUSES)
        return self.none()

    def countable_by(self, user) -> "ClaimQuerySet":
        """The claims a user's dashboard counts: the scope of ``Submission.countable_by``
        (claim summaries are staff-written, never personal data)."""
        scope = roles.feedback_scope(user)
        if scope is None:
            return self.none()
        return self if scope.ministry_id is None else self.filter(ministry_id=scope.ministry_id)

    def with_askers(self) -> "ClaimQuerySet":
        """Each claim with ``askers``, the number of inquiries attached: what spreads most
        comes first."""
        return self.annotate(askers=models.Count("inquiries")).order_by(
            "-askers", "first_asked_at", "pk"
        )

    def open(self) -> "ClaimQuerySet":
        return self.filter(status__in=Claim.OPEN_STATUSES)


class Claim(models.Model):
    """A claim circulating outside, under review: the inquiries about it are attached to
    it, the ministry holding the facts supplies them, an editor publishes the
    clarification (``news``). Its status changes only through
    ``feedback.workflow.claim_transition`` (table ``CLAIM_TRANSITIONS``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Under review")
        ROUTED = "routed", _("Facts asked of the ministry")
        FACTS_SUPPLIED = "facts_supplied", _("Facts supplied")
        PUBLISHED = "published", _("Clarification published")

    OPEN_STATUSES = (Status.OPEN, Status.ROUTED, Status.FACTS_SUPPLIED)
    EDITOR_STATUSES = (Status.FACTS_SUPPLIED, Status.PUBLISHED)

    summary = models.CharField(
        _("the claim"),
        max_length=300,
        help_text=_("The claim as it circulates, in one sentence (staff wording)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("ministry holding the facts"),
    )
    facts = models.TextField(_("official facts"), blank=True)
    sources = models.TextField(
        _("sources"), blank=True, help_text=_("One per line: an official statement, a link.")
    )
    created_at = models.DateTimeField(_("opened at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The clarification written from the facts (news); its publication answers the askers.
    clarification = models.ForeignKey(
        "news.Clarification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_claims",
        verbose_name=_("clarification"),
    )
    # The first inquiry's arrival: the dashboard's time to publication counts from it.
    first_asked_at = models.DateTimeField(_("first asked at"), default=timezone.now)
    published_at = models.DateTimeField(_("clarification published at"), null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim under review")
        verbose_name_plural = _("claims under review")
        ordering = ["-first_asked_at", "-pk"]
        indexes = [models.Index(fields=["status", "ministry"], name="claim_status_ministry")]

    def __str__(self) -> str:
        return self.summary

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Inquiry(models.Model):
    """What an inquiry (a ``Submission`` of kind ``inquiry``) holds beyond a request: where
    the claim was seen, the link as typed (stored and shown as text, never fetched), the
    wish to hear of corrections, and the claim it was attached to."""

    submission = models.OneToOneField(
        Submission,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="inquiry",
        verbose_name=_("request"),
    )
    where_seen = models.CharField(_("where it was seen"), max_length=20, choices=WhereSeen.choices)
    link = models.CharField(_("link"), max_length=2000, blank=True)
    notify_corrections = models.BooleanField(_("tell me about corrections too"), default=False)
    claim = models.ForeignKey(
        Claim,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("claim under review"),
    )

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")

    def __str__(self) -> str:
        return str(self.submission_id)


class ClaimEvent(AppendOnlyModel):
    """One immutable line of a claim's history (staff only), written by
    ``feedback.workflow`` like ``SubmissionEvent``."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Claim opened")
        ROUTED = "routed", _("Facts asked of the ministry")
        FACTS_SUPPLIED = "facts_supplied", _("The ministry supplied the facts")
        PUBLISHED = "published", _("Clarification published")
        CORRECTED = "corrected", _("Clarification corrected")
        INQUIRY_ATTACHED = "inquiry_attached", _("Inquiry attached")
        LINKED = "linked", _("Clarification linked")

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="events", verbose_name=_("claim")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now, editable=False)
    from_status = models.CharField(
        _("from status"), max_length=20, choices=Claim.Status.choices, blank=True
    )
    to_status = models.CharField(
        _("to status"), max_length=20, choices=Claim.Status.choices, blank=True
    )
    internal_note = models.TextField(_("internal note"), blank=True)

    trail_name = "Claim events"

    class Meta:
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.get_kind_display()}"


# --- "You said, we did" (issue 17): answered suggestions and ideas, published ------------


class Decision(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    UNDER_STUDY = "under_study", _("Under study")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class PublicOutcomeQuerySet(models.QuerySet):
    def published(self) -> "PublicOutcomeQuerySet":
        """What the public sees: every row is published (withdrawing deletes it), newest
        first; ministry and topic come with it."""
        return self.select_related("ministry", "topic").order_by("-published_at", "-pk")

    def count_by_ministry(self) -> dict[int, int]:
        """{ministry id: number published}, one grouped query (the ministry pages)."""
        rows = self.order_by().values_list("ministry_id").annotate(n=models.Count("pk"))
        return {ministry_id: n for ministry_id, n in rows if ministry_id is not None}

    def for_ministry(self, ministry) -> "PublicOutcomeQuerySet":
        return self.filter(ministry=ministry)

    def search(self, query: str) -> "PublicOutcomeQuerySet":
        """Every word must occur in the normalised text (portal.text, as the news search:
        Arabic without diacritics, hamza forms and Arabic-Indic digits folded)."""
        terms = search_terms(_SEARCH_CONTROL.sub(" ", query or ""))
        matches = self
        for term in terms:
            matches = matches.filter(search_text__contains=term)
        return matches


# Control characters (a NUL byte breaks PostgreSQL text parameters) are not words.
_SEARCH_CONTROL = re.compile("[\x00-\x1f\x7f]")


class PublicOutcome(models.Model):
    """One answered suggestion or idea as the public reads it, after redaction
    (``feedback.redaction``): never the citizen's name, contact details or files.

    The citizen's words (``title`` in the citizen's language, ``text``) stay in the
    language they were written in; what the staff write (``title`` in the other language,
    ``reason``) may be given in both (modeltranslation). Written only by
    ``workflow.publish``, which audits it on the request.
    """

    submission = models.OneToOneField(
        Submission,
        on_delete=models.CASCADE,
        related_name="public_outcome",
        verbose_name=_("request"),
    )
    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.PROTECT,
        related_name="public_outcomes",
        verbose_name=_("ministry"),
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="public_outcomes", verbose_name=_("topic")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    language = models.CharField(
        _("language of the citizen's text"), max_length=5, choices=settings.LANGUAGES
    )
    title = models.CharField(_("public title"), max_length=150)
    text = models.TextField(_("public text (the citizen's words, redacted)"))
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    reason = models.TextField(_("reason of the decision"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    objects = PublicOutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("“You said, we did” item")
        verbose_name_plural = _("“You said, we did” items")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="outcome_published"),
            models.Index(fields=["ministry", "-published_at"], name="outcome_ministry_published"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        parts = [self.text]
        for code, _name in settings.LANGUAGES:
            parts += [
                getattr(self, f"title_{code}", "") or "",
                getattr(self, f"reason_{code}", "") or "",
            ]
        self.search_text = normalize_search_text(" ".join(parts))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def _language_of(self, field: str) -> str:
        """The language ``field`` is shown in now: the page's, or the other one it falls
        back to (the page marks it with ``lang``)."""
        current = (get_language() or settings.LANGUAGE_CODE)[:2]
        if getattr(self, f"{field}_{current}", ""):
            return current
        return next(
            (code for code, _n in settings.LANGUAGES if getattr(self, f"{field}_{code}", "")),
            current,
        )

    @property
    def title_language(self) -> str:
        return self._language_of("title")

    @property
    def reason_language(self) -> str:
        return self._language_of("reason")
