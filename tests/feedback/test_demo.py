import itertools

import pytest
from django.core.management import call_command

from feedback import demo_history, stats
from feedback.models import PublicOutcome, Submission, SubmissionEvent, Topic


@pytest.mark.django_db
def test_load_demo_adds_topics_and_requests_in_several_states_once():
    call_command("load_demo")
    call_command("load_demo")
    assert Topic.objects.count() == 8
    assert Topic.objects.filter(ministry__slug="health").exists()
    assert Topic.objects.filter(ministry__isnull=True).exists()
    statuses = set(Submission.objects.values_list("status", flat=True))
    assert statuses == set(Submission.Status.values)  # every state of the workflow
    stories = Submission.objects.filter(reference__startswith="TW-DEMQ-")
    assert stories.count() == 12
    # The past year behind the public statistics (feedback/demo_history.py), created once.
    history = Submission.objects.filter(reference__startswith="TW-DEMH-")
    assert history.count() == sum(volume for _topic, volume in demo_history.VOLUMES)
    kinds = set(SubmissionEvent.objects.values_list("kind", flat=True))
    assert {"sent_back", "rerouted", "merged", "rated", "answered"} <= kinds
    # Issue 17: a request the citizen reopened, and two "You said, we did" items.
    assert {"reopened", "resolved", "published"} <= kinds
    reopened = Submission.objects.get(reference="TW-DEMQ-NNNN")
    assert (reopened.status, reopened.reopen_count) == ("in_progress", 1)
    assert reopened.reopen_reason and reopened.ministry == reopened.topic.ministry
    assert PublicOutcome.objects.count() == 2
    assert all(o.submission.publication_consent for o in PublicOutcome.objects.all())
    assert Submission.objects.get(reference="TW-DEMQ-JJJJ").duplicate_of.reference == (
        "TW-DEMQ-AAAA"
    )
    assert stories.exclude(rating=None).count() == 1
    # The statistics hold every demo request (the rows are written directly: rebuilt).
    assert stats.summary(None).received == Submission.objects.count()
    assert Submission.objects.overdue().filter(reference="TW-DEMQ-MMMM").exists()
    sent_back = Submission.objects.get(reference="TW-DEMQ-GGGG")
    assert sent_back.status == "submitted" and sent_back.ministry is None
    assert Submission.objects.get(reference="TW-DEMQ-HHHH").ministry.slug == "housing"
    for submission in Submission.objects.all():
        events = list(submission.events.order_by("created_at"))
        assert events[0].kind == SubmissionEvent.Kind.SUBMITTED
        assert events[-1].to_status == submission.status  # history matches the state
        for before, after in itertools.pairwise(events):
            assert after.from_status == before.to_status


@pytest.mark.django_db
def test_every_ministry_of_the_demo_has_an_officer_who_can_open_its_requests(settings):
    from django.contrib.auth.models import User

    from portal import roles
    from portal.demo import DEMO_PASSWORD

    settings.DEBUG = True
    call_command("load_demo")
    routed_to = set(Topic.objects.exclude(ministry=None).values_list("ministry_id", flat=True))
    routed_to |= set(
        Submission.objects.exclude(ministry=None).values_list("ministry_id", flat=True)
    )
    officers = {
        roles.officer_ministry_id(user): user
        for user in User.objects.filter(groups__name=roles.MINISTRY_OFFICERS)
    }
    assert routed_to <= set(officers)
    for ministry_id in routed_to:
        officer = officers[ministry_id]
        assert officer.check_password(DEMO_PASSWORD)
        assert set(
            Submission.objects.visible_to(officer).values_list("ministry_id", flat=True)
        ) <= {ministry_id}
    # Each routed demo request has someone to answer it.
    for submission in Submission.objects.exclude(ministry=None):
        assert (
            Submission.objects.visible_to(officers[submission.ministry_id])
            .filter(pk=submission.pk)
            .exists()
        )


@pytest.mark.django_db
def test_loading_the_demo_again_rebuilds_no_statistics(monkeypatch):
    """A second run writes no rows, so it has nothing to recount (a rebuild reads every
    request: minutes on the benchmark's million, which loads the demo on every run)."""
    from feedback import dailystats

    call_command("load_demo", verbosity=0)
    rebuilds = []
    monkeypatch.setattr(dailystats, "rebuild", lambda *args, **kwargs: rebuilds.append(args))
    call_command("load_demo", verbosity=0)
    assert rebuilds == []
