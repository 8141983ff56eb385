"""The one module that writes alerts' ``state``, incident updates and the crisis audit
trail (``CrisisEvent``).

``TRANSITIONS`` has one row per action on a draft alert: from which states, to which
state, the audit event it writes, whether it is for a real emergency only (four eyes) and
the label of its button. ``transition`` locks the row, checks the actor (a crisis
publisher; for ``approve`` a second one: never the author nor who asked) and the state
against the table, publishes when the action leads there, and writes the event, in one
transaction. After the commit the banner state is replaced, the public crisis pages'
version changes and, for an Actual message, the subscribers' mail is queued.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crisis import banner, pages
from crisis.models import Alert, CrisisEvent, Governorate, Incident, IncidentUpdate
from portal import roles

logger = logging.getLogger(__name__)

State = Alert.State


class InvalidAction(Exception):
    """Refused: ``message`` is translated, for the publisher; nothing was saved."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Transition:
    from_states: tuple[str, ...]
    to_state: str
    event: str
    label: str
    # None: any alert; True: only one that needs approval; False: only one that does not.
    for_emergencies: bool | None = None
    second_publisher: bool = False


TRANSITIONS: dict[str, Transition] = {
    "publish": Transition(
        (State.DRAFT,),
        State.PUBLISHED,
        CrisisEvent.Kind.PUBLISHED,
        gettext_lazy("Publish now"),
        for_emergencies=False,
    ),
    "request_approval": Transition(
        (State.DRAFT,),
        State.AWAITING_APPROVAL,
        CrisisEvent.Kind.APPROVAL_REQUESTED,
        gettext_lazy("Ask a second publisher to approve"),
        for_emergencies=True,
    ),
    "approve": Transition(
        (State.AWAITING_APPROVAL,),
        State.PUBLISHED,
        CrisisEvent.Kind.APPROVED,
        gettext_lazy("Approve and publish"),
        second_publisher=True,
    ),
    "refuse": Transition(
        (State.AWAITING_APPROVAL,),
        State.DRAFT,
        CrisisEvent.Kind.APPROVAL_REFUSED,
        gettext_lazy("Send back to draft"),
    ),
}

# The alert fields a publisher writes (the form's fields but the governorates).
ALERT_FIELDS = (
    "incident",
    "msg_type",
    "follows",
    "status",
    "level",
    "headline_ar",
    "headline_en",
    "summary_ar",
    "summary_en",
    "event_ar",
    "event_en",
    "category",
    "urgency",
    "severity",
    "certainty",
    "effective",
    "expires",
)


def _require_publisher(actor) -> None:
    if actor is None or not roles.is_crisis_publisher(actor):
        raise InvalidAction(_("Only crisis publishers can do this."))


def allowed_actions(actor, alert: Alert) -> list[str]:
    """The actions ``actor`` may take on ``alert`` now: the staff page shows these."""
    if not roles.is_crisis_publisher(actor):
        return []
    return [name for name, row in TRANSITIONS.items() if _refusal(actor, alert, row) is None]


def _refusal(actor, alert: Alert, row: Transition) -> str | None:
    if alert.state not in row.from_states:
        return _(
            "This alert is not in a state where this can be done (someone else may have acted on it). Reload the page."
        )
    if row.for_emergencies is not None and row.for_emergencies != alert.needs_approval:
        if alert.needs_approval:
            return _("A real emergency alert needs the approval of a second crisis publisher.")
        return _("This alert does not need approval: publish it.")
    if row.second_publisher and actor.pk in (alert.author_id, alert.requested_by_id):
        return _(
            "You cannot approve an alert you wrote or asked to publish: a second crisis publisher must approve it."
        )
    return None


def check_alert(fields: dict, governorates: Iterable[Governorate]) -> None:
    """The rules of a whole alert, whoever writes it (the form shows each on its field)."""
    msg_type = fields["msg_type"]
    follows = fields.get("follows")
    if msg_type in (Alert.MsgType.UPDATE, Alert.MsgType.CANCEL) and follows is None:
        raise InvalidAction(
            _("An update or a cancellation must name the published alert it follows."), "follows"
        )
    if msg_type == Alert.MsgType.ALERT and follows is not None:
        raise InvalidAction(
            _("A new alert follows no other alert: choose Update to change a published one."),
            "msg_type",
        )
    if follows is not None:
        if follows.state != State.PUBLISHED or follows.replaced_at is not None:
            raise InvalidAction(
                _("Only the newest published message of an alert can be updated or cancelled."),
                "follows",
            )
        if follows.msg_type == Alert.MsgType.CANCEL:
            raise InvalidAction(_("A cancelled alert cannot be updated."), "follows")
        if follows.incident_id != fields["incident"].pk:
            raise InvalidAction(
                _("An update belongs to the incident of the alert it follows."), "incident"
            )
        if follows.status != fields["status"]:
            raise InvalidAction(
                _("An update keeps the status (Actual, Exercise or Test) of the alert it follows."),
                "status",
            )
    if fields["expires"] <= fields["effective"]:
        raise InvalidAction(_("The expiry must be after the start."), "expires")
    if not list(governorates):
        raise InvalidAction(_("Choose at least one governorate."), "governorates")


def _fresh_follows(fields: dict) -> dict:
    """The alert followed, as the database has it now (another publisher may have
    updated or cancelled it since the form was opened)."""
    follows = fields.get("follows")
    if follows is not None:
        fields = {**fields, "follows": Alert.objects.get(pk=follows.pk)}
    return fields


@transaction.atomic
def draft_alert(actor, governorates: Iterable[Governorate], **fields) -> Alert:
    """A new draft alert (an Alert, or an Update or Cancel of a published one)."""
    _require_publisher(actor)
    governorates = list(governorates)
    fields = _fresh_follows(fields)
    check_alert(fields, governorates)
    alert = Alert.objects.create(author=actor, state=State.DRAFT, **fields)
    alert.governorates.set(governorates)
    CrisisEvent.objects.create(
        kind=CrisisEvent.Kind.DRAFTED, actor=actor, alert=alert, incident=alert.incident
    )
    logger.info("crisis alert %s drafted by %s", alert.identifier, actor.pk)
    return alert


@transaction.atomic
def edit_draft(actor, alert: Alert, governorates: Iterable[Governorate], **fields) -> Alert:
    """Change a draft; any publisher may, and the event says who."""
    _require_publisher(actor)
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.state != State.DRAFT:
        raise InvalidAction(
            _("Only a draft can be changed: this alert was sent for approval or published.")
        )
    governorates = list(governorates)
    fields = _fresh_follows(fields)
    check_alert(fields, governorates)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    locked.governorates.set(governorates)
    CrisisEvent.objects.create(
        kind=CrisisEvent.Kind.EDITED, actor=actor, alert=locked, incident=locked.incident
    )
    return locked


def transition(
    actor, alert: Alert, action: str, *, expected_state: str | None = None, note: str = ""
) -> Alert:
    """Take ``action`` (a row of TRANSITIONS) on ``alert`` as ``actor``."""
    row = TRANSITIONS.get(action)
    if row is None:
        raise InvalidAction(_("Unknown action."))
    _require_publisher(actor)
    with transaction.atomic():
        locked = (
            Alert.objects.select_for_update(of=("self",))
            .select_related("incident", "follows")
            .filter(pk=alert.pk)
            .first()
        )
        if locked is None:
            raise InvalidAction(_("This alert does not exist any more."))
        if expected_state is not None and locked.state != expected_state:
            raise InvalidAction(
                _("Someone else has acted on this alert meanwhile: check it again.")
            )
        refusal = _refusal(actor, locked, row)
        if refusal is not None:
            raise InvalidAction(refusal)
        now = timezone.now()
        if action == "request_approval":
            locked.requested_by = actor
            from crisis import mail

            transaction.on_commit(partial(mail.ask_for_approval.enqueue, locked.pk))
        if action == "refuse":
            locked.requested_by = None
        if row.to_state == State.PUBLISHED:
            if action == "approve":
                locked.approved_by = actor
            _publish(locked, now)
        locked.state = row.to_state
        locked.save()
        CrisisEvent.objects.create(
            kind=row.event,
            actor=actor,
            alert=locked,
            incident=locked.incident,
            note=note,
            created_at=now,
        )
        if row.to_state == State.PUBLISHED and row.event != CrisisEvent.Kind.PUBLISHED:
            CrisisEvent.objects.create(
                kind=CrisisEvent.Kind.PUBLISHED,
                actor=actor,
                alert=locked,
                incident=locked.incident,
                created_at=now,
            )
    logger.info("crisis alert %s: %s by %s", locked.identifier, action, actor.pk)
    return locked


def _publish(alert: Alert, now) -> None:
    """Inside ``transition``'s transaction, on the locked row."""
    if alert.expires <= now:
        raise InvalidAction(_("This alert has already expired: change its expiry first."))
    follows = alert.follows
    if follows is not None:
        follows = Alert.objects.select_for_update().get(pk=follows.pk)
        if follows.replaced_at is not None or follows.state != State.PUBLISHED:
            raise InvalidAction(
                _(
                    "The alert this follows has been updated or cancelled meanwhile: follow the newest message."
                )
            )
        follows.replaced_at = now
        follows.save(update_fields=["replaced_at"])
    alert.sent = now
    Incident.objects.filter(pk=alert.incident_id).update(updated_at=now)
    transaction.on_commit(_published_everywhere)
    if alert.status == Alert.Status.ACTUAL:
        from crisis import mail

        transaction.on_commit(partial(mail.notify_subscribers.enqueue, alert.pk))


def _published_everywhere() -> None:
    pages.bump()
    banner.refresh()


@transaction.atomic
def open_incident(actor, *, slug: str, title_ar: str, title_en: str) -> Incident:
    _require_publisher(actor)
    if Incident.objects.filter(slug=slug).exists():
        raise InvalidAction(_("An incident with this address exists already."), "slug")
    incident = Incident.objects.create(slug=slug, title_ar=title_ar, title_en=title_en)
    CrisisEvent.objects.create(
        kind=CrisisEvent.Kind.INCIDENT_OPENED, actor=actor, incident=incident
    )
    transaction.on_commit(pages.bump)
    return incident


@transaction.atomic
def post_update(actor, incident: Incident, *, body_ar: str, body_en: str) -> IncidentUpdate:
    """An update on the incident page, published at once by any crisis publisher."""
    _require_publisher(actor)
    now = timezone.now()
    update = IncidentUpdate.objects.create(
        incident=incident, body_ar=body_ar, body_en=body_en, author=actor, published_at=now
    )
    Incident.objects.filter(pk=incident.pk).update(updated_at=now)
    CrisisEvent.objects.create(
        kind=CrisisEvent.Kind.UPDATE_POSTED, actor=actor, incident=incident, created_at=now
    )
    transaction.on_commit(pages.bump)
    return update
