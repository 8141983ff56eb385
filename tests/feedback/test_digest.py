"""The overdue digest: each ministry its own overdue items, the moderators all of them."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from feedback.models import Submission
from tests.feedback.workflow_helpers import in_state

S = Submission.Status


def overdue(item: Submission, days: int = 3) -> Submission:
    Submission.objects.filter(pk=item.pk).update(
        due_at=datetime.date.today() - datetime.timedelta(days=days)
    )
    return item


@pytest.mark.django_db
def test_digest_goes_to_each_ministry_and_the_moderators(
    topic, ministry_a, ministry_b, moderator, django_assert_max_num_queries
):
    late_a = overdue(in_state(S.IN_PROGRESS, topic, ministry_a))
    late_b = overdue(in_state(S.ROUTED, topic, ministry_b))
    late_new = overdue(in_state(S.SUBMITTED, topic))
    on_time = in_state(S.ROUTED, topic, ministry_a)
    answered_late = overdue(in_state(S.ANSWERED, topic, ministry_a))
    with django_assert_max_num_queries(3):
        call_command("send_overdue_digest")
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) == {
        (ministry_a.contact_email,),
        (ministry_b.contact_email,),
        (moderator.email,),
    }
    body_a = by_recipient[(ministry_a.contact_email,)].body
    assert late_a.reference in body_a
    assert late_b.reference not in body_a  # a ministry never sees another's items
    assert on_time.reference not in body_a and answered_late.reference not in body_a
    moderators = by_recipient[(moderator.email,)].body
    for item in (late_a, late_b, late_new):
        assert item.reference in moderators
    assert late_a.subject not in moderators  # references only: no citizen text in mail


@pytest.mark.django_db
def test_no_overdue_items_no_mail(topic, ministry_a, moderator):
    in_state(S.ROUTED, topic, ministry_a)
    call_command("send_overdue_digest")
    assert mail.outbox == []


@pytest.mark.django_db
def test_digest_can_be_handed_to_the_task_worker(topic, ministry_a, moderator):
    overdue(in_state(S.ROUTED, topic, ministry_a))
    call_command("send_overdue_digest", "--enqueue")  # immediate backend in tests
    assert len(mail.outbox) == 2
