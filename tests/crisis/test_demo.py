import pytest
from django.core.management import call_command
from django.test import Client

from crisis.models import Alert, CrisisEvent, Incident, IncidentUpdate

pytestmark = pytest.mark.django_db


def test_the_demo_shows_an_exercise_and_a_past_event_but_no_banner(settings):
    settings.DEBUG = True  # the demo publishers exist only in debug, like every demo account
    call_command("load_demo")
    call_command("load_demo")  # again: nothing duplicated
    assert Incident.objects.count() == 2
    assert IncidentUpdate.objects.count() == 4
    statuses = sorted(Alert.objects.values_list("status", "msg_type", "state"))
    assert statuses == sorted(
        [
            ("Exercise", "Alert", "published"),
            ("Actual", "Alert", "published"),
            ("Actual", "Update", "published"),
            ("Actual", "Cancel", "published"),
            ("Test", "Alert", "published"),
        ]
    )
    # Every demo step went through the workflow, so the audit trail tells the story.
    kinds = set(CrisisEvent.objects.values_list("kind", flat=True))
    assert {"incident_opened", "update_posted", "drafted", "published"} <= kinds
    settings.DEBUG = False
    for url in ("/ar/", "/en/news/"):
        assert b'<section class="crisis-banner' not in Client().get(url).content
    page = Client().get("/en/alerts/incidents/dhofar-heavy-rain/").content.decode()
    assert "Heavy rain warning for Dhofar and Al Wusta" in page
    assert "Over: heavy rain warning" in page


def test_without_debug_the_demo_makes_no_alert(db):
    call_command("load_demo")
    assert not Alert.objects.exists()
