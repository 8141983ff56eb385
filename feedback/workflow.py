"""The one module that writes ``Submission.status`` and the audit trail after submission.

``TRANSITIONS`` is the state machine: one row per action, saying who may take it (a
moderator, an officer of the item's ministry, either, the citizen, or the system), from
which states, to which state, which audit event it writes and the label staff see on its
button. Each action is a function named after it (``route``, ``answer``, ``rate``,
``erase_expired``, ...); every one of them goes through ``transition``, which locks the
row, checks the actor and the state against the table, applies the change, writes the
immutable ``SubmissionEvent`` and schedules notifications with ``on_commit``, in one
transaction. ``submit`` creates the item and its first event; nothing else writes either.
"""

import logging
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from feedback import calendar, dailystats, mail, redaction, thumbnails
from feedback.kept_uploads import KeptUploads
from feedback.models import (
    Attachment,
    Claim,
    ClaimEvent,
    Decision,
    Inquiry,
    PublicOutcome,
    Submission,
    SubmissionEvent,
    Topic,
    private_storage,
)
from feedback.references import generate_reference
from feedback.uploads import CleanFile
from portal import roles
from portal.formatting import local_number
from portal.models import Ministry

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
    kept: KeptUploads | None = None,
    due_hours: int | None = None,
    then: Callable[[Submission], None] | None = None,
    publication_consent: bool = False,
) -> Submission:
    """Store a citizen's submission, its attachments and its first event, all or nothing.

    ``kept`` are files kept from the citizen's earlier tries (they come first, as they
    were chosen first), then ``files``. Files are written inside the transaction; if
    anything fails the transaction rolls back and the files already written are deleted,
    so nothing is left half-saved, and the kept copies stay for the next try. After the
    commit the kept copies are deleted: they are attachments now.
    """
    now = timezone.now()
    written: list[str] = []
    try:
        attachments = [*(kept.load() if kept is not None else ()), *files]
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
                # Only a suggestion or an idea can be published: a complaint keeps False.
                publication_consent=publication_consent and kind in Submission.PUBLISHABLE_KINDS,
                consent_at=now,
                privacy_notice_version=settings.FEEDBACK_PRIVACY_NOTICE_VERSION,
                status=Submission.Status.SUBMITTED,
                created_at=now,
                due_at=calendar.due_date(topic.response_days, now),
            )
            if due_hours is not None:
                submission.due_by = calendar.due_moment(due_hours, now)
                submission.due_at = timezone.localdate(submission.due_by)
            _insert_with_unique_reference(submission)
            if then is not None:
                then(submission)
            for clean in attachments:
                written.extend(store_attachment(submission, clean).stored_paths)
            SubmissionEvent.objects.create(
                submission=submission,
                kind=SubmissionEvent.Kind.SUBMITTED,
                created_at=now,
                to_status=Submission.Status.SUBMITTED,
                is_public=True,
            )
            # Last, so the statistics row (shared by the day's items of this topic and
            # kind) stays locked for as short a time as possible.
            dailystats.record_change(None, dailystats.Facts.of(submission))
            if email:
                transaction.on_commit(partial(mail.send_confirmation.enqueue, submission.pk))
            if kept is not None:
                transaction.on_commit(kept.discard)
    except BaseException:
        for path in written:
            private_storage.delete(path)
        raise
    logger.info("feedback %s submitted (topic %s)", submission.reference, topic.pk)
    return submission


def store_attachment(submission: Submission, clean: CleanFile) -> Attachment:
    """The file and, for an image, its preview (made here, once, from the bytes in
    memory), then the row; on a failure the files written are deleted again."""
    attachment = Attachment(
        submission=submission,
        size=clean.size,
        sha256=clean.sha256,
        content_type=clean.content_type,
        original_name=clean.name,
    )
    preview = thumbnails.preview_of(clean)
    try:
        attachment.file.save(clean.name, ContentFile(clean.content), save=False)
        if preview is not None:
            attachment.preview.save("preview.jpg", ContentFile(preview), save=False)
        attachment.save()
    except BaseException:
        for path in attachment.stored_paths:
            private_storage.delete(path)
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


# --- Moderation ------------------------------------------------------------------------

S = Submission.Status
E = SubmissionEvent.Kind
MODERATOR = "moderator"
OFFICER = "officer"
STAFF = "staff"  # a moderator, or an officer of the item's ministry
CITIZEN = "citizen"  # whoever holds the private tracking link (the view checked it)
SYSTEM = "system"  # scheduled work, no person (the retention purge)
STAFF_ROLES = (MODERATOR, OFFICER, STAFF)
ANY_STATE = tuple(S.values)


def _has_personal_data(item: Submission) -> bool:
    return item.has_personal_data


def _is_inquiry(item: Submission) -> bool:
    return item.kind == Submission.Kind.INQUIRY


def _wants_corrections(item: Submission) -> bool:
    inquiry = getattr(item, "inquiry", None)
    return _is_inquiry(item) and inquiry is not None and inquiry.notify_corrections


def _erasure_not_asked(item: Submission) -> bool:
    return item.erasure_requested_at is None and item.personal_data_erased_at is None


def _publishable(item: Submission) -> bool:
    return item.may_be_published and not PublicOutcome.objects.filter(submission=item).exists()


@dataclass(frozen=True)
class Transition:
    """One allowed move: who may make it, from which states, to which state."""

    action: str
    actor_role: str
    sources: tuple[str, ...]
    target: str | None  # None: the status does not change (redaction, note)
    event: str
    is_public: bool
    label: str  # the staff page's button (and the name of the action in docs)
    # An extra condition on the item besides its state (e.g. not erased already).
    when: Callable[[Submission], bool] | None = None


# The allowed moves. Nothing else writes ``Submission.status``.
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "route",
            MODERATOR,
            (S.SUBMITTED,),
            S.ROUTED,
            E.ROUTED,
            True,
            gettext_lazy("Approve and send to a ministry"),
        ),
        Transition(
            "reject",
            MODERATOR,
            (S.SUBMITTED,),
            S.REJECTED,
            E.REJECTED,
            True,
            gettext_lazy("Reject"),
        ),
        Transition(
            "merge",
            MODERATOR,
            (S.SUBMITTED,),
            S.DUPLICATE,
            E.MERGED,
            True,
            gettext_lazy("Merge into another request"),
        ),
        Transition(
            "redact",
            MODERATOR,
            (S.SUBMITTED,),
            None,
            E.REDACTED,
            False,
            gettext_lazy("Edit the text to hide personal details"),
        ),
        Transition(
            "reroute",
            MODERATOR,
            (S.ROUTED, S.IN_PROGRESS),
            S.ROUTED,
            E.REROUTED,
            True,
            gettext_lazy("Send to another ministry"),
        ),
        Transition(
            "acknowledge",
            OFFICER,
            (S.ROUTED,),
            S.IN_PROGRESS,
            E.ACKNOWLEDGED,
            True,
            gettext_lazy("Acknowledge"),
        ),
        Transition(
            "answer",
            OFFICER,
            (S.ROUTED, S.IN_PROGRESS),
            S.ANSWERED,
            E.ANSWERED,
            True,
            gettext_lazy("Publish the answer"),
        ),
        Transition(
            "send_back",
            OFFICER,
            (S.ROUTED, S.IN_PROGRESS),
            S.SUBMITTED,
            E.SENT_BACK,
            False,
            gettext_lazy("Send back to the moderators (misrouted)"),
        ),
        Transition(
            "close", OFFICER, (S.ANSWERED,), S.CLOSED, E.CLOSED, True, gettext_lazy("Close")
        ),
        Transition(
            "note", STAFF, ANY_STATE, None, E.NOTE, False, gettext_lazy("Add an internal note")
        ),
        # Personal data (privacy): in any state, whenever there is some. See ``erase``.
        Transition(
            "erase",
            MODERATOR,
            ANY_STATE,
            None,
            E.ERASED,
            True,
            gettext_lazy("Erase the citizen's personal data now"),
            when=_has_personal_data,
        ),
        # The citizen, from the tracking page. A rating changes no status (once, after an
        # answer); whether the request is finished is the citizen's other choice:
        # "resolved" closes it, "not resolved" sends it back to the same ministry (issue 17,
        # docs/decisions.md "Resolved, not resolved and the rating").
        Transition(
            "rate",
            CITIZEN,
            (S.ANSWERED, S.CLOSED),
            None,
            E.RATED,
            True,
            gettext_lazy("Rate the answer"),
            when=lambda item: item.rating is None,
        ),
        Transition(
            "confirm_resolved",
            CITIZEN,
            (S.ANSWERED,),
            S.CLOSED,
            E.RESOLVED,
            True,
            gettext_lazy("Confirm the answer resolved the request (the citizen)"),
        ),
        # The limits (days since the answer, times, a reason) are checked on the locked row
        # by ``reopen``, each refusal with its own message.
        Transition(
            "reopen",
            CITIZEN,
            (S.ANSWERED,),
            S.IN_PROGRESS,
            E.REOPENED,
            True,
            gettext_lazy("Say the answer did not resolve the request (the citizen)"),
        ),
        # ``close_unconfirmed_answers``: the citizen said neither within the days allowed.
        Transition(
            "close_unconfirmed",
            SYSTEM,
            (S.ANSWERED,),
            S.CLOSED,
            E.CLOSED,
            True,
            gettext_lazy("Close an answer the citizen did not confirm in time (automatic)"),
            when=lambda item: not item.may_reopen_by_date,
        ),
        # "You said, we did": a moderator publishes an answered suggestion or idea whose
        # citizen agreed, redacted, with the ministry's decision (``publish``).
        Transition(
            "publish",
            MODERATOR,
            (S.ANSWERED, S.CLOSED),
            None,
            E.PUBLISHED,
            True,
            gettext_lazy("Publish in “You said, we did”"),
            when=_publishable,
        ),
        Transition(
            "request_erasure",
            CITIZEN,
            ANY_STATE,
            None,
            E.ERASURE_REQUESTED,
            True,
            gettext_lazy("Ask the centre to delete one's personal data (the citizen)"),
            when=_erasure_not_asked,
        ),
        # Inquiries about claims ("is this true?"): a moderator attaches an inquiry to the
        # claim under review it is about; the claim's publication answers it, and a
        # correction is told to those who asked for that (``publish``, ``record_correction``).
        Transition(
            "attach",
            MODERATOR,
            (S.SUBMITTED,),
            S.IN_PROGRESS,
            E.ATTACHED,
            True,
            gettext_lazy("Attach to a claim under review"),
            when=_is_inquiry,
        ),
        Transition(
            "clarify",
            SYSTEM,
            (S.IN_PROGRESS,),
            S.ANSWERED,
            E.CLARIFIED,
            True,
            gettext_lazy("Answer with the published clarification of its claim (automatic)"),
            when=_is_inquiry,
        ),
        Transition(
            "tell_correction",
            SYSTEM,
            (S.ANSWERED, S.CLOSED),
            None,
            E.CORRECTED,
            True,
            gettext_lazy("Tell the asker the clarification was corrected (automatic)"),
            when=_wants_corrections,
        ),
        # The retention purge (``feedback.privacy``).
        Transition(
            "erase_expired",
            SYSTEM,
            ANY_STATE,
            None,
            E.ERASED,
            True,
            gettext_lazy("Erase the personal data at the end of the retention period (automatic)"),
            when=_has_personal_data,
        ),
    ]
}
STAFF_ACTIONS = tuple(a for a, t in TRANSITIONS.items() if t.actor_role in STAFF_ROLES)


def replay(actions: Sequence[str], start: str = S.SUBMITTED) -> list[tuple[Transition, str, str]]:
    """The (row, from status, to status) of each action in turn, from ``start``: the
    demo's stories and the benchmark's rows are built with it, so they hold only paths the
    table allows. ``ValueError`` names the first action the table refuses."""
    steps, status = [], start
    for action in actions:
        rule = TRANSITIONS[action]
        if status not in rule.sources:
            raise ValueError(f"{action!r} is not allowed from {status!r}")
        target = rule.target or status
        steps.append((rule, status, target))
        status = target
    return steps


class WorkflowError(Exception):
    """A transition that cannot happen; nothing was changed. ``str()`` is for the user."""


class NotAllowed(WorkflowError):
    """The actor's role or the item's state does not allow this action."""


class AlreadyHandled(WorkflowError):
    """Someone else changed the item since the actor looked at it."""


class InvalidInput(WorkflowError):
    """A required field (reason, ministry, original) is missing or wrong."""


def can_act(user, action: str, submission: Submission) -> bool:
    """Whether ``user`` may perform ``action`` on ``submission`` now (buttons, bulk)."""
    rule = TRANSITIONS[action]
    return (
        submission.status in rule.sources
        and (rule.when is None or rule.when(submission))
        and _has_actor_role(user, rule, submission)
    )


def allowed_actions(user, submission: Submission) -> list[str]:
    return [action for action in TRANSITIONS if can_act(user, action, submission)]


def _has_actor_role(user, rule: Transition, submission: Submission) -> bool:
    if (rule.actor_role in STAFF_ROLES) != (user is not None):
        return False  # no staff account acts in the citizen's or the system's name
    if user is None:
        return True
    if rule.actor_role in (MODERATOR, STAFF) and roles.is_moderator(user):
        return True
    if user.is_superuser and user.is_active:
        return True  # a superuser may also act for any ministry
    if rule.actor_role == MODERATOR:
        return False
    ministry_id = roles.officer_ministry_id(user)
    return ministry_id is not None and ministry_id == submission.ministry_id


@dataclass(frozen=True)
class _Moves:
    """A table of moves and the words of its refusals: a request's or a claim's."""

    table: dict[str, Transition]
    model: type
    may_act: Callable[..., bool]  # (user, rule, row): the actor's role on this row
    wrong_role: str
    already_handled: str  # %(status)s: the row's status now
    wrong_state: str  # %(status)s
    not_yet: str  # the rule's ``when`` said no


@contextmanager
def _locked_move(
    moves: _Moves,
    row_id: int,
    action: str,
    *,
    actor,
    expected_status: str | None,
    lock_also: int | None = None,
):
    """Look the action up, lock the row and check the move, inside one transaction that
    the ``with`` body finishes: yields ``(rule, row)``; a refusal raises before any change.
    """
    rule = moves.table.get(action)
    if rule is None:
        raise NotAllowed(_("Unknown action."))
    if (rule.actor_role in (CITIZEN, SYSTEM)) != (actor is None):
        # A staff action needs its account; no account acts as the citizen or the system.
        raise NotAllowed(str(moves.wrong_role))
    with transaction.atomic():
        # Lock first, then check: two staff acting at once are serialised here, and the
        # second one sees the state the first one left.
        objects = moves.model.objects
        scope = objects.visible_to(actor) if actor is not None else objects.all()
        locked = {
            row.pk: row
            for row in scope.select_for_update()
            .filter(pk__in={row_id, lock_also or row_id})
            .order_by("pk")
        }
        row = locked.get(row_id)
        if row is None:
            raise moves.model.DoesNotExist
        if expected_status and row.status != expected_status:
            raise AlreadyHandled(str(moves.already_handled) % {"status": row.get_status_display()})
        if not moves.may_act(actor, rule, row):
            raise NotAllowed(str(moves.wrong_role))
        if row.status not in rule.sources:
            raise NotAllowed(str(moves.wrong_state) % {"status": row.get_status_display()})
        if rule.when is not None and not rule.when(row):
            raise NotAllowed(str(moves.not_yet))
        yield rule, row


def _apply_move(row, rule: Transition, apply: Callable | None) -> str:
    """Apply the other fields' change and the rule's target status, save; returns the
    status the row had."""
    from_status = row.status
    changed = apply(row) if apply else []
    if rule.target is not None:
        row.status = rule.target
        changed.append("status")
    row.save(update_fields=[*changed, "updated_at"])
    return from_status


def _log_move(subject: str, action: str, actor, rule: Transition, from_status, to_status):
    logger.info(
        "%s: %s by %s (%s -> %s)",
        subject,
        action,
        f"user {actor.pk}" if actor is not None else rule.actor_role,
        from_status,
        to_status,
    )


_SUBMISSION_MOVES = _Moves(
    TRANSITIONS,
    Submission,
    _has_actor_role,
    wrong_role=gettext_lazy("Your role does not allow this action on this request."),
    already_handled=gettext_lazy(
        "This request was already handled by someone else: it is now “%(status)s”."
    ),
    wrong_state=gettext_lazy("This action is not possible while the request is “%(status)s”."),
    not_yet=gettext_lazy("This action was already done on this request."),
)


def transition(
    submission_id: int,
    action: str,
    *,
    actor=None,
    expected_status: str | None = None,
    internal_note: str = "",
    public_message: str = "",
    apply: Callable[[Submission], list[str]] | None = None,
    lock_also: int | None = None,
) -> SubmissionEvent:
    """The one function that changes a submission's state.

    Locks the row (inside ``visible_to(actor)``, so an outsider cannot even learn that the
    item exists; citizen and system actions have ``actor=None`` and the caller found the
    item, by its private link or by the retention rule), checks the actor's role and the state, calls ``apply`` to change the
    other fields (it returns their names), saves, writes the audit row and schedules the
    notifications on commit. ``expected_status`` is the status the actor saw: if the item
    moved meanwhile (another moderator was faster), ``AlreadyHandled`` is raised. Any error
    leaves the item and its history as they were. ``lock_also`` names a second item the
    change depends on (a merge's original); both rows are locked in primary-key order, so
    two staff merging two items into each other cannot deadlock or both succeed.
    """
    with _locked_move(
        _SUBMISSION_MOVES,
        submission_id,
        action,
        actor=actor,
        expected_status=expected_status,
        lock_also=lock_also,
    ) as (rule, submission):
        past = dailystats.history(submission.pk)
        before = dailystats.Facts.of(submission, past)
        from_status = _apply_move(submission, rule, apply)
        event = SubmissionEvent.objects.create(
            submission=submission,
            kind=rule.event,
            actor=actor,
            from_status=from_status,
            to_status=submission.status,
            internal_note=internal_note.strip(),
            public_message=public_message.strip(),
            is_public=rule.is_public,
        )
        # The statistics move with the item, in this transaction (docs/decisions.md).
        this = (event.kind, event.created_at, from_status, event.to_status)
        after = dailystats.Facts.of(submission, [*past, this])
        if after != before:
            dailystats.record_change(before, after)
        _schedule_notifications(event, submission)
    _log_move(
        f"feedback {submission.reference}", action, actor, rule, from_status, submission.status
    )
    return event


def _schedule_notifications(event: SubmissionEvent, submission: Submission) -> None:
    def enqueue(task, *args) -> None:
        def send() -> None:
            task.enqueue(*args)

        # robust: a queue that is down is logged, never breaks the committed transition.
        # (A named function, not a partial: Django logs the callback's __qualname__.)
        transaction.on_commit(send, robust=True)

    if event.kind in (E.ROUTED, E.REROUTED, E.REOPENED) and submission.ministry_id:
        enqueue(mail.notify_ministry, event.pk)
    if event.kind in (E.ANSWERED, E.REJECTED, E.MERGED, E.REROUTED) and submission.email:
        enqueue(mail.notify_citizen, event.pk)


def _require(text: str, message: str) -> str:
    if not text.strip():
        raise InvalidInput(message)
    return text


def _set_route(submission: Submission, ministry: Ministry) -> list[str]:
    submission.ministry = ministry
    submission.due_at = calendar.due_date(submission.topic.response_days)
    return ["ministry", "due_at"]


def route(
    submission: Submission,
    *,
    actor,
    ministry: Ministry,
    internal_note: str = "",
    public_message: str = "",
    expected_status: str | None = None,
) -> SubmissionEvent:
    """Approve an item and send it to a ministry; its due date counts from now."""
    if ministry is None or not ministry.is_active:
        raise InvalidInput(_("Choose an active ministry."))
    return transition(
        submission.pk,
        "route",
        actor=actor,
        expected_status=expected_status,
        internal_note=internal_note,
        public_message=public_message,
        apply=lambda item: _set_route(item, ministry),
    )


def reroute(
    submission: Submission,
    *,
    actor,
    ministry: Ministry,
    public_message: str,
    internal_note: str = "",
    expected_status: str | None = None,
) -> SubmissionEvent:
    """Move a routed item to another ministry; the citizen sees the reason."""
    _require(public_message, _("Give the reason the citizen will see."))
    if ministry is None or not ministry.is_active:
        raise InvalidInput(_("Choose an active ministry."))
    if ministry.pk == submission.ministry_id:
        raise InvalidInput(_("The request is already with this ministry."))
    return transition(
        submission.pk,
        "reroute",
        actor=actor,
        expected_status=expected_status,
        internal_note=internal_note,
        public_message=public_message,
        apply=lambda item: _set_route(item, ministry),
    )


def reject(
    submission: Submission,
    *,
    actor,
    public_message: str,
    internal_note: str = "",
    expected_status: str | None = None,
) -> SubmissionEvent:
    """Refuse an item; the reason is shown to the citizen and sent to them."""
    _require(public_message, _("Give the reason the citizen will see."))
    return transition(
        submission.pk,
        "reject",
        actor=actor,
        expected_status=expected_status,
        internal_note=internal_note,
        public_message=public_message,
    )


def merge(
    submission: Submission,
    *,
    actor,
    original: Submission,
    internal_note: str = "",
    public_message: str = "",
    expected_status: str | None = None,
) -> SubmissionEvent:
    """Mark an item as a duplicate of ``original`` (which the actor can see)."""
    if original is None or original.pk == submission.pk:
        raise InvalidInput(_("Choose another request as the original."))

    def apply(item: Submission) -> list[str]:
        # Checked on the locked row: another moderator may have merged or rejected the
        # original a moment ago.
        current = Submission.objects.get(pk=original.pk)
        if current.status == S.DUPLICATE:
            raise InvalidInput(_("The original is itself a duplicate: merge into its original."))
        if current.status == S.REJECTED:
            raise InvalidInput(_("The original was not accepted: choose another request."))
        item.duplicate_of = current
        return ["duplicate_of"]

    return transition(
        submission.pk,
        "merge",
        actor=actor,
        expected_status=expected_status,
        internal_note=internal_note,
        public_message=public_message,
        apply=apply,
        lock_also=original.pk,
    )


def redact(
    submission: Submission,
    *,
    actor,
    subject: str,
    body: str,
    internal_note: str = "",
    expected_status: str | None = None,
) -> SubmissionEvent:
    """Replace the text with a version without personal data, before routing.

    The audit row records who redacted and when, never the removed text.
    """
    _require(subject, _("The subject cannot be empty."))
    _require(body, _("The details cannot be empty."))

    def apply(item: Submission) -> list[str]:
        if item.subject == subject.strip() and item.body == body.strip():
            raise InvalidInput(_("The text is unchanged: nothing to redact."))
        item.subject, item.body = subject.strip(), body.strip()
        return ["subject", "body"]

    return transition(
        submission.pk,
        "redact",
        actor=actor,
        expected_status=expected_status,
        internal_note=internal_note,
        apply=apply,
    )


def acknowledge(submission: Submission, *, actor, **fields) -> SubmissionEvent:
    return transition(submission.pk, "acknowledge", actor=actor, **fields)


def answer(submission: Submission, *, actor, public_message: str, **fields) -> SubmissionEvent:
    """The ministry's public answer, sent to the citizen and shown on the tracking page."""
    _require(public_message, _("Write the answer the citizen will see."))

    def apply(item: Submission) -> list[str]:
        # The citizen's days to say "resolved" or "not resolved" count from the latest answer.
        item.last_answered_at = timezone.now()
        return ["last_answered_at"]

    return transition(
        submission.pk, "answer", actor=actor, public_message=public_message, apply=apply, **fields
    )


def send_back(submission: Submission, *, actor, internal_note: str, **fields) -> SubmissionEvent:
    """An officer returns a misrouted item to the moderators, saying why (staff only)."""
    _require(internal_note, _("Say why the request is not for your ministry."))

    def apply(item: Submission) -> list[str]:
        item.ministry = None
        return ["ministry"]

    return transition(
        submission.pk,
        "send_back",
        actor=actor,
        internal_note=internal_note,
        apply=apply,
        **fields,
    )


def close(submission: Submission, *, actor, **fields) -> SubmissionEvent:
    return transition(submission.pk, "close", actor=actor, **fields)


def note(submission: Submission, *, actor, internal_note: str, **fields) -> SubmissionEvent:
    """An internal note in the timeline; the status does not change."""
    _require(internal_note, _("Write the note."))
    return transition(submission.pk, "note", actor=actor, internal_note=internal_note, **fields)


# --- Personal data (Royal Decree 6/2022) --------------------------------------------------


def _erase_personal_data(item: Submission) -> list[str]:
    """THE rule of what erasing a citizen's personal data removes (a moderator's action and
    ``purge_personal_data`` both come here): ``Submission.PERSONAL_FIELDS`` (name, e-mail,
    phone, the rating comment) and every attachment with its preview. The text stays
    (moderators redact it before routing), and so do the kind, topic, ministry, dates,
    rating and the audit trail: statistics do not change.

    Runs inside the caller's transaction on a locked row; files go after the commit.
    """
    paths = [
        path
        for stored in item.attachments.values_list("file", "preview")
        for path in stored
        if path
    ]
    # A plain queryset delete: one statement, no per-row signals to miss.
    Attachment.objects.filter(submission=item).delete()

    def delete_files() -> None:
        for path in paths:
            private_storage.delete(path)

    transaction.on_commit(delete_files)
    for name in Submission.PERSONAL_FIELDS:
        setattr(item, name, "")
    item.personal_data_erased_at = timezone.now()
    return [*Submission.PERSONAL_FIELDS, "personal_data_erased_at"]


def erase(
    submission: Submission, *, actor, internal_note: str = "", expected_status: str | None = None
) -> SubmissionEvent:
    """A moderator erases the citizen's personal data (their request, or on their own)."""
    return transition(
        submission.pk,
        "erase",
        actor=actor,
        expected_status=expected_status,
        internal_note=internal_note,
        apply=_erase_personal_data,
    )


def erase_expired(submission: Submission) -> SubmissionEvent | None:
    """The retention period is over, or an erased item holds personal data again
    (``purge_personal_data``, which says which by ``personal_data_erased_at``): erase
    without an actor. Same lock, rule and audit row as ``erase``; None when there is
    nothing left to do (erased meanwhile, or deleted).
    """
    with translation.override(settings.LANGUAGE_CODE):
        if submission.personal_data_erased_at is not None:
            reason = _("Deleted again: personal data was stored after an earlier deletion.")
        else:
            days = settings.PERSONAL_DATA_RETENTION_DAYS
            reason = _("Retention period of %(days)s days ended.") % {"days": local_number(days)}
    try:
        return transition(
            submission.pk, "erase_expired", internal_note=reason, apply=_erase_personal_data
        )
    except (NotAllowed, Submission.DoesNotExist):
        return None


def request_erasure(submission: Submission) -> Submission:
    """The citizen asks, from the tracking page, for their personal data to be deleted.

    Queued for moderators (``Submission.objects.erasure_requested()``); asking twice, or
    after the erasure, changes nothing.
    """

    def apply(item: Submission) -> list[str]:
        item.erasure_requested_at = timezone.now()
        return ["erasure_requested_at"]

    try:
        return transition(submission.pk, "request_erasure", apply=apply).submission
    except NotAllowed:
        return Submission.objects.get(pk=submission.pk)


# The function of each staff action (a test keeps this equal to ``STAFF_ACTIONS``).
ACTIONS: dict[str, Callable[..., SubmissionEvent]] = {
    "route": route,
    "reroute": reroute,
    "reject": reject,
    "merge": merge,
    "redact": redact,
    "acknowledge": acknowledge,
    "answer": answer,
    "send_back": send_back,
    "close": close,
    "note": note,
    "erase": erase,
}


def rate(submission: Submission, *, rating: int, comment: str = "") -> Submission:
    """The citizen's rating of the answer (once, answered or closed); the status does not
    change: "resolved" and "not resolved" decide that (``confirm_resolved``, ``reopen``).

    After the erasure of the personal data the score is still taken, a comment is not
    (``InvalidInput``): it would be personal text that nothing erases again.
    """
    if not 1 <= rating <= 5:
        raise InvalidInput(_("Choose a rating from 1 to 5."))

    def apply(item: Submission) -> list[str]:
        # Checked on the locked row: a moderator may have erased it a moment ago.
        if comment.strip() and item.personal_data_erased_at is not None:
            raise InvalidInput(
                _(
                    "Your personal data was deleted from this request, so it takes no comment "
                    "any more. Remove the comment to send your rating."
                )
            )
        item.rating, item.rating_comment, item.rated_at = rating, comment.strip(), timezone.now()
        return ["rating", "rating_comment", "rated_at"]

    try:
        return transition(submission.pk, "rate", apply=apply).submission
    except NotAllowed:
        raise AlreadyRated(_("This request cannot be rated (again).")) from None


class AlreadyRated(WorkflowError):
    """The answer was rated already (a second tab, a double click)."""


# --- Claims under review ("is this true?", issue 14) -------------------------------------
#
# A claim has its own table of moves, in the same form as ``TRANSITIONS``; nothing else
# writes ``Claim.status`` or ``ClaimEvent`` rows. The inquiries attached to a claim move
# through ``TRANSITIONS`` (``attach``, ``clarify``, ``tell_correction``) with their audit
# rows, like any request.

C = Claim.Status
CE = ClaimEvent.Kind
EDITOR = "editor"  # a news editor (or a moderator): writes the clarification


CLAIM_TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "route_claim",
            MODERATOR,
            (C.OPEN, C.ROUTED),
            C.ROUTED,
            CE.ROUTED,
            False,
            gettext_lazy("Ask a ministry for the facts"),
        ),
        Transition(
            "supply_facts",
            OFFICER,
            (C.ROUTED, C.FACTS_SUPPLIED),
            C.FACTS_SUPPLIED,
            CE.FACTS_SUPPLIED,
            False,
            gettext_lazy("Record the facts and sources"),
        ),
        Transition(
            "link_clarification",
            EDITOR,
            (C.FACTS_SUPPLIED,),
            None,
            CE.LINKED,
            False,
            gettext_lazy("Link the clarification written from these facts"),
        ),
        Transition(
            "publish",
            SYSTEM,
            (C.FACTS_SUPPLIED,),
            C.PUBLISHED,
            CE.PUBLISHED,
            False,
            gettext_lazy("Its clarification was published: answer every asker (automatic)"),
            when=lambda claim: claim.clarification_id is not None,
        ),
        Transition(
            "record_correction",
            SYSTEM,
            (C.PUBLISHED,),
            None,
            CE.CORRECTED,
            False,
            gettext_lazy("Its clarification was corrected: tell who asked for that (automatic)"),
        ),
    ]
}
CLAIM_STAFF_ACTIONS = tuple(
    a for a, t in CLAIM_TRANSITIONS.items() if t.actor_role in (*STAFF_ROLES, EDITOR)
)


def _may_act_on_claim(user, rule: Transition, claim: Claim) -> bool:
    if (rule.actor_role == SYSTEM) != (user is None):
        return False
    if user is None:
        return True
    if roles.is_moderator(user):
        return rule.actor_role in (MODERATOR, EDITOR) or user.is_superuser
    if rule.actor_role == OFFICER:
        ministry_id = roles.officer_ministry_id(user)
        return ministry_id is not None and ministry_id == claim.ministry_id
    return rule.actor_role == EDITOR and roles.is_editor(user)


def can_act_on_claim(user, action: str, claim: Claim) -> bool:
    rule = CLAIM_TRANSITIONS[action]
    return (
        claim.status in rule.sources
        and (rule.when is None or rule.when(claim))
        and _may_act_on_claim(user, rule, claim)
    )


def allowed_claim_actions(user, claim: Claim) -> list[str]:
    return [action for action in CLAIM_TRANSITIONS if can_act_on_claim(user, action, claim)]


_CLAIM_MOVES = _Moves(
    CLAIM_TRANSITIONS,
    Claim,
    _may_act_on_claim,
    wrong_role=gettext_lazy("Your role does not allow this action on this claim."),
    already_handled=gettext_lazy(
        "This claim was already handled by someone else: it is now “%(status)s”."
    ),
    wrong_state=gettext_lazy("This action is not possible while the claim is “%(status)s”."),
    not_yet=gettext_lazy("This action is not possible on this claim yet."),
)


def claim_transition(
    claim_id: int,
    action: str,
    *,
    actor=None,
    expected_status: str | None = None,
    internal_note: str = "",
    apply: Callable[[Claim], list[str]] | None = None,
) -> ClaimEvent:
    """The one function that changes a claim's state: the rules of ``transition`` (lock
    inside ``visible_to(actor)``, role, state, stale page, audit row, all or nothing)."""
    with _locked_move(
        _CLAIM_MOVES, claim_id, action, actor=actor, expected_status=expected_status
    ) as (rule, claim):
        from_status = _apply_move(claim, rule, apply)
        event = ClaimEvent.objects.create(
            claim=claim,
            kind=rule.event,
            actor=actor,
            from_status=from_status,
            to_status=claim.status,
            internal_note=internal_note.strip(),
        )
    _log_move(f"claim {claim.pk}", action, actor, rule, from_status, claim.status)
    return event


def open_claim(*, summary: str, actor, first_asked_at=None) -> Claim:
    """A new claim under review (a moderator, while attaching its first inquiry)."""
    summary = _require(summary, _("Write the claim in one sentence.")).strip()
    claim = Claim.objects.create(summary=summary, first_asked_at=first_asked_at or timezone.now())
    ClaimEvent.objects.create(claim=claim, kind=CE.OPENED, actor=actor, to_status=claim.status)
    return claim


def attach(
    submission: Submission,
    *,
    actor,
    claim: Claim | None = None,
    summary: str = "",
    internal_note: str = "",
    expected_status: str | None = None,
) -> SubmissionEvent:
    """A moderator attaches an inquiry to the claim it is about (an open one, or a new one
    worded by ``summary``). Attached to a claim already published, it is answered at once."""
    if claim is None and not summary.strip():
        raise InvalidInput(_("Choose a claim under review, or write the new claim."))
    with transaction.atomic():
        if claim is not None:
            target = Claim.objects.visible_to(actor).select_for_update().filter(pk=claim.pk).first()
            if target is None:
                raise InvalidInput(_("Choose a claim under review from the list."))
        else:
            target = open_claim(summary=summary, actor=actor, first_asked_at=submission.created_at)

        def apply(item: Submission) -> list[str]:
            if Inquiry.objects.filter(submission=item).update(claim=target) != 1:
                raise InvalidInput(_("Only an inquiry about a claim can be attached."))
            if item.created_at < target.first_asked_at:
                target.first_asked_at = item.created_at
                target.save(update_fields=["first_asked_at", "updated_at"])
            ClaimEvent.objects.create(
                claim=target,
                kind=CE.INQUIRY_ATTACHED,
                actor=actor,
                from_status=target.status,
                to_status=target.status,
                internal_note=item.reference,
            )
            return []

        event = transition(
            submission.pk,
            "attach",
            actor=actor,
            expected_status=expected_status,
            internal_note=internal_note,
            apply=apply,
        )
        if target.status == C.PUBLISHED:
            _answer_askers(target, [submission.pk])
    return event


ACTIONS["attach"] = attach


def route_claim(
    claim: Claim, *, actor, ministry: Ministry, internal_note: str = "", expected_status=None
) -> ClaimEvent:
    """Ask the ministry that holds the facts (again: another ministry) for them."""
    if ministry is None or not ministry.is_active:
        raise InvalidInput(_("Choose an active ministry."))

    def apply(item: Claim) -> list[str]:
        item.ministry = ministry
        return ["ministry"]

    return claim_transition(
        claim.pk,
        "route_claim",
        actor=actor,
        expected_status=expected_status,
        internal_note=internal_note,
        apply=apply,
    )


def supply_facts(
    claim: Claim,
    *,
    actor,
    facts: str,
    sources: str = "",
    internal_note: str = "",
    expected_status=None,
) -> ClaimEvent:
    """The ministry's officer records the official facts and their sources."""
    _require(facts, _("Write the official facts."))

    def apply(item: Claim) -> list[str]:
        item.facts, item.sources = facts.strip(), sources.strip()
        return ["facts", "sources"]

    return claim_transition(
        claim.pk,
        "supply_facts",
        actor=actor,
        expected_status=expected_status,
        internal_note=internal_note,
        apply=apply,
    )


def link_clarification(
    claim: Claim, *, actor, clarification, internal_note: str = "", expected_status=None
) -> ClaimEvent:
    """An editor links the clarification written from the facts; if it is published
    already, the claim is published at once (otherwise when ``news`` publishes it)."""
    from feedback import clarifications

    if clarification is None:
        raise InvalidInput(_("Choose the clarification."))

    def apply(item: Claim) -> list[str]:
        item.clarification = clarification
        return ["clarification"]

    with transaction.atomic():
        event = claim_transition(
            claim.pk,
            "link_clarification",
            actor=actor,
            expected_status=expected_status,
            internal_note=internal_note,
            apply=apply,
        )
        if clarifications.is_published(clarification):
            publish_claim(event.claim)
    return event


def publish_claim(claim: Claim) -> list[SubmissionEvent]:
    """The claim's clarification is out: the claim is published and every inquiry attached
    is answered; each asker gets one mail (``feedback.mail.notify_clarification``)."""
    with transaction.atomic():

        def apply(item: Claim) -> list[str]:
            item.published_at = item.clarification.published_at or timezone.now()
            return ["published_at"]

        claim_transition(claim.pk, "publish", apply=apply)
        return _answer_askers(claim)


def record_correction(claim: Claim) -> list[SubmissionEvent]:
    """The claim's clarification was corrected: tell the askers who asked for that."""
    with transaction.atomic():
        claim_transition(claim.pk, "record_correction")
        pending = Submission.objects.filter(inquiry__claim=claim, inquiry__notify_corrections=True)
        events = []
        for item in pending.select_related("inquiry").order_by("pk"):
            try:
                events.append(transition(item.pk, "tell_correction"))
            except (NotAllowed, Submission.DoesNotExist):
                continue  # not answered yet (the publication will tell them)
        _mail_once_per_mailbox(events)
        return events


def _answer_askers(claim: Claim, only: Sequence[int] | None = None) -> list[SubmissionEvent]:
    pending = Submission.objects.filter(inquiry__claim=claim, status=S.IN_PROGRESS)
    if only is not None:
        pending = pending.filter(pk__in=only)
    events = []
    for pk in pending.order_by("pk").values_list("pk", flat=True):
        try:
            events.append(transition(pk, "clarify"))
        except (NotAllowed, Submission.DoesNotExist):
            continue
    _mail_once_per_mailbox(events)
    return events


def _mail_once_per_mailbox(events: Sequence[SubmissionEvent]) -> None:
    """One mail per mailbox for one publication or correction, however many of its
    inquiries came from it; after the commit, through the task queue."""
    from feedback.ratelimit import mailbox

    seen: set[str] = set()
    for event in events:
        email = event.submission.email
        if not email or mailbox(email) in seen:
            continue
        seen.add(mailbox(email))

        def send(event_id=event.pk) -> None:
            mail.notify_clarification.enqueue(event_id)

        transaction.on_commit(send, robust=True)


# --- "Not resolved" (issue 17) -------------------------------------------------------------

REOPEN_REASON_MAX = 1000


def confirm_resolved(submission: Submission) -> Submission:
    """The citizen says the answer resolved the request: it is closed (they may rate it)."""
    try:
        return transition(submission.pk, "confirm_resolved").submission
    except NotAllowed:
        raise InvalidInput(
            _("This request is not waiting for your confirmation any more.")
        ) from None


def reopen(submission: Submission, *, reason: str) -> Submission:
    """The citizen says the answer did not resolve the request, saying why: it goes back
    to the same ministry (handling again, a new due date in working days from now).

    Refused, each with its message: no reason, a reason over REOPEN_REASON_MAX
    characters, more than FEEDBACK_REOPEN_DAYS after the answer, more often than
    FEEDBACK_REOPEN_LIMIT, or after the erasure of the personal data (the reason is
    personal text, which nothing would erase again).
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the answer did not resolve your request."))
    if len(reason) > REOPEN_REASON_MAX:
        raise InvalidInput(
            _("The reason must be %(limit)s characters or fewer (you entered %(count)s).")
            % {"limit": local_number(REOPEN_REASON_MAX), "count": local_number(len(reason))}
        )

    def apply(item: Submission) -> list[str]:
        # Checked on the locked row: a second tab may have reopened it a moment ago.
        if item.personal_data_erased_at is not None:
            raise InvalidInput(
                _(
                    "Your personal data was deleted from this request, so it cannot be reopened "
                    "with a reason. Please send a new request."
                )
            )
        if item.reopenings_left <= 0:
            raise InvalidInput(
                ngettext(
                    "A request can be reopened only %(count)s time, and this one was already. "
                    "Please send a new request.",
                    "A request can be reopened only %(count)s times, and this one was already. "
                    "Please send a new request.",
                    settings.FEEDBACK_REOPEN_LIMIT,
                )
                % {"count": local_number(settings.FEEDBACK_REOPEN_LIMIT)}
            )
        if not item.may_reopen_by_date:
            raise InvalidInput(
                ngettext(
                    "An answer can be reopened within %(days)s day of it; this one is older. "
                    "Please send a new request.",
                    "An answer can be reopened within %(days)s days of it; this one is older. "
                    "Please send a new request.",
                    settings.FEEDBACK_REOPEN_DAYS,
                )
                % {"days": local_number(settings.FEEDBACK_REOPEN_DAYS)}
            )
        item.reopen_count += 1
        item.reopen_reason = reason
        item.due_at = calendar.due_date(item.topic.response_days)
        return ["reopen_count", "reopen_reason", "due_at"]

    try:
        return transition(submission.pk, "reopen", apply=apply).submission
    except NotAllowed:
        raise InvalidInput(
            _("This request is not waiting for your confirmation any more.")
        ) from None


def close_unconfirmed(submission: Submission) -> SubmissionEvent | None:
    """Close an answer whose citizen said neither "resolved" nor "not resolved" within
    FEEDBACK_REOPEN_DAYS (``close_unconfirmed_answers``); None when it moved meanwhile."""
    with translation.override(submission.language or settings.LANGUAGE_CODE):
        message = ngettext(
            "Closed: no reply came within %(days)s day of the answer.",
            "Closed: no reply came within %(days)s days of the answer.",
            settings.FEEDBACK_REOPEN_DAYS,
        ) % {"days": local_number(settings.FEEDBACK_REOPEN_DAYS)}
    try:
        return transition(submission.pk, "close_unconfirmed", public_message=message)
    except (NotAllowed, Submission.DoesNotExist):
        return None


# --- "You said, we did" (issue 17) ---------------------------------------------------------


def publish(
    submission: Submission,
    *,
    actor,
    title_ar: str = "",
    title_en: str = "",
    text: str,
    decision: str,
    reason_ar: str = "",
    reason_en: str = "",
    internal_note: str = "",
    expected_status: str | None = None,
) -> SubmissionEvent:
    """A moderator publishes an answered suggestion or idea, with the ministry's decision.

    The citizen agreed on the form; the text is theirs after redaction. Refused while the
    title or the text still holds something ``feedback.redaction`` finds (an unmasked
    number or address), or without a title, a text, a decision or its reason.
    """
    title_ar, title_en, text = title_ar.strip(), title_en.strip(), text.strip()
    reason_ar, reason_en = reason_ar.strip(), reason_en.strip()
    if not (title_ar or title_en):
        raise InvalidInput(_("Give the public title, in Arabic or English or both."))
    _require(text, _("The public text cannot be empty."))
    if decision not in Decision.values:
        raise InvalidInput(_("Choose the ministry's decision."))
    if not (reason_ar or reason_en):
        raise InvalidInput(_("Give the reason of the decision, in Arabic or English or both."))
    for words in (title_ar, title_en, text, reason_ar, reason_en):
        found = redaction.find(words)
        if found:
            raise InvalidInput(
                _(
                    "The text still holds what looks like a %(what)s: mask it (or remove it) "
                    "before publishing."
                )
                % {"what": found[0].label}
            )

    def apply(item: Submission) -> list[str]:
        if item.ministry_id is None:  # (a superuser answering an unrouted item)
            raise InvalidInput(_("Only a request answered by a ministry can be published."))
        PublicOutcome.objects.create(
            submission=item,
            ministry=item.ministry,
            topic=item.topic,
            kind=item.kind,
            language=item.language,
            title_ar=title_ar,
            title_en=title_en,
            text=text,
            decision=decision,
            reason_ar=reason_ar,
            reason_en=reason_en,
        )
        return []

    return transition(
        submission.pk,
        "publish",
        actor=actor,
        expected_status=expected_status,
        internal_note=internal_note,
        apply=apply,
    )


ACTIONS["publish"] = publish
