"""Fixtures of the crisis tests: two publishers (four eyes), the outsider (an officer of
another ministry, and a moderator: staff without the crisis role), an incident and a
helper that drafts an alert through the workflow."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from crisis import banner, workflow
from crisis.models import Alert, Governorate, Incident
from portal import roles
from tests.conftest import make_staff


@pytest.fixture(autouse=True)
def _fresh_banner():
    banner.forget_local_copy()
    yield
    banner.forget_local_copy()


@pytest.fixture
def governorates(db) -> dict[str, Governorate]:
    Governorate.objects.ensure_all()
    return {g.code: g for g in Governorate.objects.all()}


@pytest.fixture
def publisher(db, governorates):
    Group.objects.get_or_create(name=roles.CRISIS_PUBLISHERS)
    return make_staff("publisher", roles.CRISIS_PUBLISHERS)


@pytest.fixture
def approver(db, governorates):
    Group.objects.get_or_create(name=roles.CRISIS_PUBLISHERS)
    return make_staff("approver", roles.CRISIS_PUBLISHERS)


@pytest.fixture
def incident(publisher) -> Incident:
    return workflow.open_incident(
        publisher, slug="muscat-flood", title_ar="فيضان في مسقط", title_en="Flood in Muscat"
    )


def alert_fields(incident: Incident, **overrides) -> dict:
    now = timezone.now()
    values = {
        "incident": incident,
        "msg_type": Alert.MsgType.ALERT,
        "follows": None,
        "status": Alert.Status.ACTUAL,
        "level": Alert.Level.EMERGENCY,
        "headline_ar": "خطر فيضان في وادي عدي",
        "headline_en": "Flood danger in Wadi Adai",
        "summary_ar": "ارتفع منسوب المياه في الوادي. ابتعدوا عن مجرى الوادي فورًا.",
        "summary_en": "The water in the wadi is rising. Keep away from the wadi bed now.",
        "event_ar": "فيضان",
        "event_en": "Flood",
        "category": Alert.Category.MET,
        "urgency": Alert.Urgency.IMMEDIATE,
        "severity": Alert.Severity.SEVERE,
        "certainty": Alert.Certainty.OBSERVED,
        "effective": now - datetime.timedelta(minutes=1),
        "expires": now + datetime.timedelta(hours=6),
    }
    values.update(overrides)
    return values


@pytest.fixture
def draft(publisher, incident, governorates):
    def make(areas=("OM-MA",), **overrides) -> Alert:
        return workflow.draft_alert(
            publisher, [governorates[code] for code in areas], **alert_fields(incident, **overrides)
        )

    return make


@pytest.fixture
def published(draft, publisher, approver, django_capture_on_commit_callbacks):
    """Draft and publish (with the second publisher's approval when it needs one); the
    after-commit work (banner, pages, mail) runs."""

    def make(**overrides) -> Alert:
        with django_capture_on_commit_callbacks(execute=True):
            alert = draft(**overrides)
            if alert.needs_approval:
                workflow.transition(publisher, alert, "request_approval")
                return workflow.transition(approver, alert, "approve")
            return workflow.transition(publisher, alert, "publish")

    return make
