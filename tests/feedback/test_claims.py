"""Claims under review (issue 14): moderators attach inquiries to one claim, route it to
the ministry holding the facts, whose officer records them; every step through the
workflow with its audit rows; an officer of another ministry sees nothing of it."""

import pytest

from feedback import workflow
from feedback.models import Claim, ClaimEvent, Submission, SubmissionEvent
from tests.factories import make_inquiry, make_submission

S = Submission.Status
C = Claim.Status
PERSONAS = ["moderator", "officer_a", "officer_b", "editor", "manager", "admin_user"]

# The claim's table, written out apart from workflow.CLAIM_TRANSITIONS (who, from, to).
CLAIM_ALLOWED = {
    "route_claim": (workflow.MODERATOR, {C.OPEN, C.ROUTED}, C.ROUTED),
    "supply_facts": (workflow.OFFICER, {C.ROUTED, C.FACTS_SUPPLIED}, C.FACTS_SUPPLIED),
    "link_clarification": (workflow.EDITOR, {C.FACTS_SUPPLIED}, None),
    "publish": (workflow.SYSTEM, {C.FACTS_SUPPLIED}, C.PUBLISHED),
    "record_correction": (workflow.SYSTEM, {C.PUBLISHED}, None),
}


def claim_url(claim, action=None) -> str:
    base = f"/en/staff/claims/{claim.pk}/"
    return f"{base}{action}/" if action else base


@pytest.fixture
def two_askers(moderator):
    """The same claim asked about in Arabic and in English, both attached to one claim."""
    arabic = make_inquiry(language="ar", email="aisha@example.com", notify_corrections=True)
    english = make_inquiry(language="en", email="john@example.com")
    workflow.attach(arabic, actor=moderator, summary="Schools close all next week")
    claim = Claim.objects.get()
    workflow.attach(english, actor=moderator, claim=claim)
    return claim, arabic, english


def test_the_claim_table_matches_the_design():
    actual = {
        action: (rule.actor_role, set(rule.sources), rule.target)
        for action, rule in workflow.CLAIM_TRANSITIONS.items()
    }
    assert actual == CLAIM_ALLOWED
    for rule in workflow.CLAIM_TRANSITIONS.values():
        assert str(rule.label).strip()


def test_the_architecture_page_shows_the_claim_table():
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text()
    rows = re.findall(
        r"^\| claim: `(\w+)` \| (\w+) \| ([\w, ]+) \| ([\w()]+) \| `(\w+)` \|$", text, re.M
    )
    documented = {
        action: (who, sources, target, event) for action, who, sources, target, event in rows
    }
    actual = {
        action: (rule.actor_role, ", ".join(rule.sources), rule.target or "(unchanged)", rule.event)
        for action, rule in workflow.CLAIM_TRANSITIONS.items()
    }
    assert documented == actual


# --- Attaching inquiries ------------------------------------------------------------------


@pytest.mark.django_db
def test_moderators_attach_inquiries_about_the_same_claim_to_one_claim(two_askers, moderator):
    claim, arabic, english = two_askers
    claim = Claim.objects.with_askers().get(pk=claim.pk)
    assert claim.askers == 2
    assert claim.status == C.OPEN
    assert claim.first_asked_at == arabic.created_at
    for item in (arabic, english):
        item.refresh_from_db()
        assert item.status == S.IN_PROGRESS
        event = item.events.get(kind=SubmissionEvent.Kind.ATTACHED)
        assert event.actor == moderator and event.is_public
    kinds = list(claim.events.values_list("kind", flat=True))
    assert kinds == ["opened", "inquiry_attached", "inquiry_attached"]


@pytest.mark.django_db
def test_the_item_page_attaches_an_inquiry_through_its_form(client_as, moderator, officer_b):
    inquiry = make_inquiry(link="https://x.com/a/status/1")
    url = f"/en/staff/items/{inquiry.reference}/attach/"
    data = {"attach-expected_status": "submitted", "attach-summary": "Cash for a WhatsApp link"}
    assert client_as(officer_b).post(url, data).status_code == 404
    empty = client_as(moderator).post(url, {"attach-expected_status": "submitted"})
    assert empty.status_code == 400
    assert "Choose a claim under review, or write the new claim." in empty.content.decode()
    response = client_as(moderator).post(url, data)
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.summary == "Cash for a WhatsApp link"
    page = client_as(moderator).get(f"/en/staff/items/{inquiry.reference}/").content.decode()
    assert "Cash for a WhatsApp link" in page
    assert "Attach to a claim under review" not in page  # done: no more form


@pytest.mark.django_db
@pytest.mark.parametrize("status", S.values)
def test_attach_per_role_and_state(request, status, topic, ministry_a):
    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        item = make_inquiry()
        Submission.objects.filter(pk=item.pk).update(
            status=status,
            ministry=ministry_a if status != S.SUBMITTED else None,
            duplicate_of=make_inquiry() if status == S.DUPLICATE else None,
        )
        item.refresh_from_db()
        allowed = persona in ("moderator", "admin_user") and status == S.SUBMITTED
        if allowed:
            workflow.attach(item, actor=user, summary="A claim")
            item.refresh_from_db()
            assert item.status == S.IN_PROGRESS
        else:
            with pytest.raises(
                (workflow.NotAllowed, Submission.DoesNotExist, workflow.InvalidInput)
            ):
                workflow.attach(item, actor=user, summary="A claim")
            assert Submission.objects.get(pk=item.pk).status == status
    # A complaint is never attached, whoever asks.
    complaint = make_submission(topic=topic)
    with pytest.raises(workflow.NotAllowed):
        workflow.attach(complaint, actor=request.getfixturevalue("moderator"), summary="A claim")


@pytest.mark.django_db
def test_a_failed_attach_leaves_no_claim_behind(moderator, topic):
    complaint = make_submission(topic=topic)
    with pytest.raises(workflow.NotAllowed):
        workflow.attach(complaint, actor=moderator, summary="Not an inquiry")
    assert Claim.objects.count() == 0 and ClaimEvent.objects.count() == 0


# --- The claims list ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_puts_the_most_asked_about_first(client_as, moderator, two_askers):
    lone = make_inquiry()
    workflow.attach(lone, actor=moderator, summary="Fuel prices double tomorrow")
    for _ in range(2):
        workflow.attach(
            make_inquiry(), actor=moderator, claim=Claim.objects.get(summary__startswith="Fuel")
        )
    page = client_as(moderator).get("/en/staff/claims/").content.decode()
    assert page.index("Fuel prices double tomorrow") < page.index("Schools close all next week")
    assert '<strong class="askers">3</strong>' in page
    assert '<strong class="askers">2</strong>' in page


@pytest.mark.django_db
def test_the_list_needs_no_more_queries_for_more_claims(
    client_as, moderator, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = client_as(moderator)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert browser.get("/en/staff/claims/").status_code == 200
        return len(queries)

    for n in range(2):
        workflow.attach(make_inquiry(), actor=moderator, summary=f"Claim {n}")
    browser.get("/en/staff/claims/")
    few = count()
    for n in range(2, 12):
        workflow.attach(make_inquiry(), actor=moderator, summary=f"Claim {n}")
    assert count() == few


# --- Routing and facts: isolation -------------------------------------------------------


@pytest.mark.django_db
def test_route_supply_facts_and_isolation(
    client_as, two_askers, moderator, officer_a, officer_b, editor, manager, ministry_a
):
    claim, arabic, _english = two_askers
    # Before routing: moderators only.
    for outsider in (officer_a, officer_b, editor, manager):
        assert client_as(outsider).get(claim_url(claim)).status_code == 404
    assert client_as(manager).get("/en/staff/claims/").status_code == 404
    response = client_as(moderator).post(
        claim_url(claim, "route_claim"),
        {"route_claim-expected_status": "open", "route_claim-ministry": ministry_a.pk},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == C.ROUTED and claim.ministry == ministry_a

    # The officer of another ministry: nothing, not even that it exists.
    b = client_as(officer_b)
    assert b.get(claim_url(claim)).status_code == 404
    assert "Schools close" not in b.get("/en/staff/claims/").content.decode()
    facts = {
        "supply_facts-expected_status": "routed",
        "supply_facts-facts": "No decision to close schools was taken.",
        "supply_facts-sources": "https://moe.example/statement",
    }
    assert b.post(claim_url(claim, "supply_facts"), facts).status_code == 404
    claim.refresh_from_db()
    assert claim.status == C.ROUTED and claim.facts == ""
    # The editor: not before the facts are in.
    assert client_as(editor).get(claim_url(claim)).status_code == 404

    # The ministry's officer sees the claim (what was seen where, never who asked).
    a = client_as(officer_a)
    page = a.get(claim_url(claim)).content.decode()
    assert "Schools close all next week" in page
    assert "aisha@example.com" not in page and arabic.reference not in page.split("Timeline")[0]
    # A moderator may not write the ministry's facts.
    refused = client_as(moderator).post(claim_url(claim, "supply_facts"), facts)
    assert refused.status_code == 400
    assert Claim.objects.get(pk=claim.pk).facts == ""
    missing = a.post(claim_url(claim, "supply_facts"), {**facts, "supply_facts-facts": ""})
    assert missing.status_code == 400
    assert "Write the official facts." in missing.content.decode()
    assert a.post(claim_url(claim, "supply_facts"), facts).status_code == 302
    claim.refresh_from_db()
    assert claim.status == C.FACTS_SUPPLIED
    assert claim.facts == "No decision to close schools was taken."
    event = claim.events.get(kind="facts_supplied")
    assert event.actor == officer_a and (event.from_status, event.to_status) == (
        "routed",
        "facts_supplied",
    )
    # Now the editor reads it, with the way to write the clarification.
    editor_page = client_as(editor).get(claim_url(claim)).content.decode()
    assert "No decision to close schools was taken." in editor_page
    # A stale page: the officer's second post is refused as already handled.
    stale = a.post(claim_url(claim, "supply_facts"), facts)
    assert stale.status_code == 409


@pytest.mark.django_db
def test_an_inquiry_stays_out_of_the_ministrys_inbox(
    client_as, two_askers, moderator, officer_a, ministry_a
):
    claim, arabic, _english = two_askers
    workflow.route_claim(claim, actor=moderator, ministry=ministry_a)
    assert client_as(officer_a).get(f"/en/staff/items/{arabic.reference}/").status_code == 404


# --- The citizen's tracking page follows the claim -----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_tracking_page_follows_its_claim(client, two_askers, moderator, ministry_a, lang):
    from feedback.tracking import tracking_path

    claim, arabic, _english = two_askers
    path = tracking_path(arabic.reference, lang)
    first = client.get(path).content.decode()
    assert ("Under review" if lang == "en" else "قيد المراجعة") in first
    workflow.route_claim(claim, actor=moderator, ministry=ministry_a)
    again = client.get(path).content.decode()  # the stored copy is replaced at once
    expected = "Facts asked of the ministry" if lang == "en" else "طُلبت الحقائق من الوزارة"
    assert expected in again


@pytest.mark.django_db
def test_inquiries_arrive_in_the_queue_as_their_own_kind(client_as, moderator, topic, officer_b):
    inquiry = make_inquiry(subject="Cash for a WhatsApp link?")
    complaint = make_submission(topic=topic, subject="Broken street light")
    staff = client_as(moderator)
    page = staff.get("/en/staff/queue/").content.decode()
    assert inquiry.reference in page and complaint.reference in page
    assert "Inquiry about a claim" in page
    only = staff.get("/en/staff/queue/", {"kind": "inquiry"}).content.decode()
    assert inquiry.reference in only and complaint.reference not in only
    # Its due moment (working hours), not only a date.
    assert inquiry.due_by is not None
    assert client_as(officer_b).get("/en/staff/queue/").status_code == 404
