import itertools

import pytest
from django.core.management import call_command

from feedback.models import Submission, SubmissionEvent, Topic


@pytest.mark.django_db
def test_load_demo_adds_topics_and_requests_in_several_states_once():
    call_command("load_demo")
    call_command("load_demo")
    assert Topic.objects.count() == 8
    assert Topic.objects.filter(ministry__slug="health").exists()
    assert Topic.objects.filter(ministry__isnull=True).exists()
    statuses = set(Submission.objects.values_list("status", flat=True))
    assert statuses >= {"submitted", "routed", "in_progress", "answered", "closed", "rejected"}
    assert Submission.objects.count() == 6
    for submission in Submission.objects.all():
        events = list(submission.events.order_by("created_at"))
        assert events[0].kind == SubmissionEvent.Kind.SUBMITTED
        assert events[-1].to_status == submission.status  # history matches the state
        for before, after in itertools.pairwise(events):
            assert after.from_status == before.to_status
