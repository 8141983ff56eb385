"""The state machine: every action allowed and refused per role and state, the audit
row, stale and concurrent transitions, due dates."""

import threading

import pytest
from django.db import connection
from django.utils import translation

from feedback import calendar, workflow
from feedback.models import Submission, SubmissionEvent
from tests.factories import make_submission
from tests.feedback.workflow_helpers import in_state

S = Submission.Status
PERSONAS = ["moderator", "officer_a", "officer_b", "editor", "manager", "admin_user"]

# Who on the staff may do what from which state (docs/architecture.md), written out
# independently of workflow.TRANSITIONS so a change there has to be a change here too.
ALLOWED = {
    "route": ({"moderator", "admin_user"}, {S.SUBMITTED}),
    "reject": ({"moderator", "admin_user"}, {S.SUBMITTED}),
    "merge": ({"moderator", "admin_user"}, {S.SUBMITTED}),
    "redact": ({"moderator", "admin_user"}, {S.SUBMITTED}),
    "reroute": ({"moderator", "admin_user"}, {S.ROUTED, S.IN_PROGRESS}),
    "acknowledge": ({"officer_a", "admin_user"}, {S.ROUTED}),
    "answer": ({"officer_a", "admin_user"}, {S.ROUTED, S.IN_PROGRESS}),
    "send_back": ({"officer_a", "admin_user"}, {S.ROUTED, S.IN_PROGRESS}),
    "close": ({"officer_a", "admin_user"}, {S.ANSWERED}),
    # Officer A also may, except on an unrouted item, which they cannot see (below).
    "note": ({"moderator", "officer_a", "admin_user"}, set(S.values)),
    # Personal data: moderators only, in any state (once: tests/feedback/test_privacy.py).
    "erase": ({"moderator", "admin_user"}, set(S.values)),
    # Inquiries only (tests/feedback/test_claims.py takes it per role and state).
    "attach": ({"moderator", "admin_user"}, {S.SUBMITTED}),
    # "You said, we did" (issue 17): moderators, once the request is answered.
    "publish": ({"moderator", "admin_user"}, {S.ANSWERED, S.CLOSED}),
}
INQUIRY_ONLY = {"attach"}
TARGET = {
    "route": S.ROUTED,
    "reject": S.REJECTED,
    "merge": S.DUPLICATE,
    "redact": None,
    "reroute": S.ROUTED,
    "acknowledge": S.IN_PROGRESS,
    "answer": S.ANSWERED,
    "send_back": S.SUBMITTED,
    "close": S.CLOSED,
    "note": None,
    "erase": None,
    "attach": S.IN_PROGRESS,
    "publish": None,
}
# The actions without a staff account: the citizen's (by the private link) and the
# system's (the retention purge): (actor role, states, target).
WITHOUT_STAFF = {
    "rate": (workflow.CITIZEN, {S.ANSWERED, S.CLOSED}, None),
    "confirm_resolved": (workflow.CITIZEN, {S.ANSWERED}, S.CLOSED),
    "reopen": (workflow.CITIZEN, {S.ANSWERED}, S.IN_PROGRESS),
    "close_unconfirmed": (workflow.SYSTEM, {S.ANSWERED}, S.CLOSED),
    "request_erasure": (workflow.CITIZEN, set(S.values), None),
    "erase_expired": (workflow.SYSTEM, set(S.values), None),
    # An inquiry answered by its claim's clarification, and told of a correction.
    "clarify": (workflow.SYSTEM, {S.IN_PROGRESS}, S.ANSWERED),
    "tell_correction": (workflow.SYSTEM, {S.ANSWERED, S.CLOSED}, None),
}


def arguments(action, topic, ministry_b):
    return {
        "route": {"ministry": ministry_b},
        "reroute": {"ministry": ministry_b, "public_message": "Labour handles contracts."},
        "reject": {"public_message": "Not a government matter."},
        "merge": {"original": make_submission(topic=topic)},
        "redact": {"subject": "Redacted subject", "body": "Text without the phone number."},
        "answer": {"public_message": "Fixed on Sunday."},
        "send_back": {"internal_note": "Not ours: this is about a labour contract."},
        "note": {"internal_note": "Called the citizen back."},
        "publish": {
            "title_en": "Longer opening hours",
            "text": "Please open the health centre in the evening.",
            "decision": "adopted",
            "reason_en": "Open until 10 pm since March.",
        },
    }.get(action, {})


# What an item needs besides its state for an action (a publishable suggestion).
ITEM_FIELDS = {"publish": {"kind": "suggestion", "publication_consent": True}}


def test_the_table_matches_the_design():
    assert set(workflow.TRANSITIONS) == set(ALLOWED) | set(WITHOUT_STAFF)
    for action, rule in workflow.TRANSITIONS.items():
        if action in WITHOUT_STAFF:
            assert (rule.actor_role, set(rule.sources), rule.target) == WITHOUT_STAFF[action]
            continue
        assert set(rule.sources) == ALLOWED[action][1]
        assert rule.target == TARGET[action]


def test_every_staff_action_has_its_function_form_and_label():
    """The staff actions are the table's rows; the functions and forms keyed by action
    name cannot drift from it (a row without a form would have no button)."""
    from feedback.forms.staff import FORMS

    assert set(workflow.STAFF_ACTIONS) == set(ALLOWED)
    assert set(workflow.ACTIONS) == set(workflow.STAFF_ACTIONS) == set(FORMS)
    for action, rule in workflow.TRANSITIONS.items():
        assert str(rule.label).strip(), action
        if action in workflow.ACTIONS:
            assert workflow.ACTIONS[action].__name__ == action


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(WITHOUT_STAFF))
def test_no_staff_account_takes_the_citizens_or_the_systems_actions(
    request, action, topic, ministry_a
):
    submission = in_state(S.ANSWERED, topic, ministry_a)
    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        assert not workflow.can_act(user, action, submission), (persona, action)
        with pytest.raises(workflow.NotAllowed):
            workflow.transition(submission.pk, action, actor=user)
    assert submission.events.count() == 1
    # And a staff action always needs its staff account.
    assert not workflow.can_act(None, "answer", submission)
    with pytest.raises(workflow.NotAllowed):
        workflow.transition(submission.pk, "answer")


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(set(ALLOWED) - INQUIRY_ONLY))
@pytest.mark.parametrize("status", S.values)
def test_every_action_per_role_and_state(request, action, status, topic, ministry_a, ministry_b):
    roles_allowed, states_allowed = ALLOWED[action]
    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        submission = in_state(status, topic, ministry_a, **ITEM_FIELDS.get(action, {}))
        events_before = submission.events.count()
        call = workflow.ACTIONS[action]
        sees_it = not (persona.startswith("officer") and status == S.SUBMITTED)
        if persona in roles_allowed and status in states_allowed and sees_it:
            event = call(submission, actor=user, **arguments(action, topic, ministry_b))
            submission.refresh_from_db()
            assert submission.status == (TARGET[action] or status), (persona, action, status)
            assert event.actor == user
            assert event.from_status == status
            assert event.to_status == submission.status
            assert submission.events.count() == events_before + 1
        else:
            with pytest.raises((workflow.NotAllowed, Submission.DoesNotExist)):
                call(submission, actor=user, **arguments(action, topic, ministry_b))
            fresh = Submission.objects.get(pk=submission.pk)
            assert fresh.status == status, (persona, action, status)
            assert fresh.ministry_id == submission.ministry_id
            assert fresh.subject == submission.subject
            assert fresh.events.count() == events_before


@pytest.mark.django_db
def test_route_writes_the_audit_row_sets_ministry_and_due_date(topic, moderator, ministry_b):
    submission = make_submission(topic=topic)
    event = workflow.route(
        submission,
        actor=moderator,
        ministry=ministry_b,
        internal_note="  Clearly labour  ",
        public_message="Sent to the Ministry of Labour.",
    )
    submission.refresh_from_db()
    assert submission.ministry == ministry_b
    assert submission.due_at == calendar.due_date(topic.response_days)
    assert (event.kind, event.actor, event.from_status, event.to_status) == (
        "routed",
        moderator,
        "submitted",
        "routed",
    )
    assert event.internal_note == "Clearly labour"
    assert event.public_message == "Sent to the Ministry of Labour."
    assert event.is_public and event.created_at is not None
    # Immutable: neither the model nor the admin can change or delete it.
    event.internal_note = "rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


@pytest.mark.django_db
def test_required_reasons_and_inputs(topic, moderator, officer_a, ministry_a, ministry_b):
    new = make_submission(topic=topic)
    with pytest.raises(workflow.InvalidInput):
        workflow.reject(new, actor=moderator, public_message="  ")
    with pytest.raises(workflow.InvalidInput):
        workflow.merge(new, actor=moderator, original=new)
    with pytest.raises(workflow.InvalidInput):
        workflow.redact(new, actor=moderator, subject=new.subject, body=new.body)
    ministry_b.is_active = False
    ministry_b.save()
    with pytest.raises(workflow.InvalidInput):
        workflow.route(new, actor=moderator, ministry=ministry_b)
    routed = in_state(S.ROUTED, topic, ministry_a)
    with pytest.raises(workflow.InvalidInput):
        workflow.answer(routed, actor=officer_a, public_message="")
    with pytest.raises(workflow.InvalidInput):
        workflow.send_back(routed, actor=officer_a, internal_note="")
    with pytest.raises(workflow.InvalidInput):
        workflow.reroute(routed, actor=moderator, ministry=ministry_a, public_message="Same")
    assert SubmissionEvent.objects.exclude(kind="submitted").count() == 0
    assert Submission.objects.get(pk=new.pk).status == S.SUBMITTED


@pytest.mark.django_db
def test_send_back_takes_the_item_away_from_the_ministry(topic, ministry_a, officer_a, moderator):
    routed = in_state(S.ROUTED, topic, ministry_a)
    event = workflow.send_back(routed, actor=officer_a, internal_note="Labour matter")
    routed.refresh_from_db()
    assert routed.status == S.SUBMITTED and routed.ministry is None
    assert not event.is_public  # the citizen does not see internal routing trouble
    assert not Submission.objects.visible_to(officer_a).filter(pk=routed.pk).exists()
    assert Submission.objects.visible_to(moderator).filter(pk=routed.pk).exists()


@pytest.mark.django_db
def test_redaction_is_audited_without_keeping_the_removed_text(topic, moderator):
    submission = make_submission(topic=topic, body="Call me on 91234567, my ID is 12345678.")
    event = workflow.redact(
        submission,
        actor=moderator,
        subject=submission.subject,
        body="Call me on [removed], my ID is [removed].",
        internal_note="Phone and ID removed",
    )
    submission.refresh_from_db()
    assert "91234567" not in submission.body and "91234567" not in submission.search_text
    assert event.kind == "redacted" and not event.is_public
    assert event.actor == moderator
    assert not SubmissionEvent.objects.filter(internal_note__contains="91234567").exists()
    assert not SubmissionEvent.objects.filter(public_message__contains="91234567").exists()


@pytest.mark.django_db
def test_a_stale_transition_changes_nothing(topic, moderator, ministry_a):
    submission = make_submission(topic=topic)
    workflow.route(submission, actor=moderator, ministry=ministry_a, expected_status="submitted")
    with translation.override("en"), pytest.raises(workflow.AlreadyHandled) as error:
        workflow.reject(
            submission, actor=moderator, public_message="Spam", expected_status="submitted"
        )
    assert "already handled" in str(error.value)
    submission.refresh_from_db()
    assert submission.status == S.ROUTED
    assert list(submission.events.values_list("kind", flat=True)) == ["submitted", "routed"]


@pytest.mark.django_db(transaction=True)
def test_two_moderators_at_once_one_wins():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; row locks are tested on PostgreSQL (CI).")
    from django.contrib.auth.models import Group

    from portal import roles
    from tests.conftest import make_staff
    from tests.factories import make_ministry, make_topic

    # A transactional test may follow another that emptied the migration's groups.
    Group.objects.get_or_create(name=roles.MODERATORS)
    ministry_a, ministry_b = make_ministry(), make_ministry()
    first, second = make_staff("mod1", roles.MODERATORS), make_staff("mod2", roles.MODERATORS)
    submission = make_submission(topic=make_topic(ministry=ministry_a))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user, action):
        try:
            barrier.wait(timeout=10)
            if action == "route":
                workflow.route(
                    submission, actor=user, ministry=ministry_b, expected_status="submitted"
                )
            else:
                workflow.reject(
                    submission, actor=user, public_message="Spam", expected_status="submitted"
                )
            outcomes.append("done")
        except workflow.AlreadyHandled:
            outcomes.append("already handled")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(first, "route")),
        threading.Thread(target=act, args=(second, "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["already handled", "done"]
    submission.refresh_from_db()
    events = list(submission.events.exclude(kind="submitted"))
    assert len(events) == 1
    assert events[0].to_status == submission.status
    assert submission.status in (S.ROUTED, S.REJECTED)
    assert (submission.ministry_id == ministry_b.pk) == (submission.status == S.ROUTED)


@pytest.mark.django_db
def test_deleting_a_whole_submission_still_removes_its_history(topic, moderator, ministry_a):
    """Retention deletes whole requests; the audit guard must not block the cascade."""
    submission = make_submission(topic=topic)
    workflow.route(submission, actor=moderator, ministry=ministry_a)
    submission.delete()
    assert SubmissionEvent.objects.count() == 0


@pytest.mark.django_db
def test_merging_into_a_rejected_or_duplicate_original_is_refused(topic, moderator):
    item = make_submission(topic=topic)
    rejected = in_state(S.REJECTED, topic)
    with translation.override("en"), pytest.raises(workflow.InvalidInput, match="not accepted"):
        workflow.merge(item, actor=moderator, original=rejected)
    item.refresh_from_db()
    assert item.status == S.SUBMITTED
    assert item.duplicate_of is None


@pytest.mark.django_db(transaction=True)
def test_two_moderators_merging_two_items_into_each_other():
    """Both rows are locked in one order: one merge wins, the other is refused."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; row locks are tested on PostgreSQL (CI).")
    from django.contrib.auth.models import Group

    from portal import roles
    from tests.conftest import make_staff
    from tests.factories import make_topic

    Group.objects.get_or_create(name=roles.MODERATORS)
    first, second = make_staff("mod1", roles.MODERATORS), make_staff("mod2", roles.MODERATORS)
    topic = make_topic()
    a, b = make_submission(topic=topic), make_submission(topic=topic)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def merge(user, item, original):
        try:
            barrier.wait(timeout=10)
            workflow.merge(item, actor=user, original=original, expected_status="submitted")
            outcomes.append("done")
        except (workflow.AlreadyHandled, workflow.InvalidInput, workflow.NotAllowed):
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=merge, args=(first, a, b)),
        threading.Thread(target=merge, args=(second, b, a)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["done", "refused"]
    a.refresh_from_db()
    b.refresh_from_db()
    assert sorted([a.status, b.status]) == [S.DUPLICATE, S.SUBMITTED]
