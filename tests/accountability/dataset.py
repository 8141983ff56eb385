"""The fixed dataset of the public statistics' tests, built through the real workflow
(``workflow.submit`` and ``transition()``) at controlled times, with a public holiday, a
re-route, a send-back and a reopening. The expected figures below are computed by hand.

Calendar (Asia/Muscat; Friday and Saturday are the weekend): Sunday 4 October 2026 is a
Sunday; Tuesday 13 October 2026 is a public holiday. Every request arrives at 09:00 on a
working day, and every response at a time that puts it in the middle of its histogram bin
(bins are 0.25 working day wide under 5 days, 0.5 under 10, 1 under 30), so the medians the
pages show are exact: 12:00 the same day is 0.125 working day, 18:00 is 0.375, 06:00 the
next working day 0.875. A working day counts 24 hours; the holiday and the weekend count
nothing. "Today" for the pages is Thursday 10 December 2026: the last 12 months are
January to December 2026 (so far), the quarters Q1 to Q4.

Ministry A (topic "Health services", target 5 working days):

| item | received | first response | answer | within 5 | rating | notes |
| --- | --- | --- | --- | --- | --- | --- |
| a0 | Sun 6 Sep | answer, 2.375 | Tue 8 Sep 18:00, 2.375 | yes | 5 | Q3 |
| a1 | Sun 4 Oct | ack Mon 5 12:00, 1.125 | Wed 7 12:00, 3.125 | yes | 5 | |
| a2 | Sun 4 Oct | ack Tue 6 12:00, 2.125 | Wed 14 15:00, 7.25 | no | 2 | 8.25 without the holiday |
| a3 | Sun 11 Oct | answer, 3.375 | Thu 15 18:00, 3.375 | yes | - | reopened Sun 18, answered again Mon 19 |
| a4 | Sun 11 Oct | B's ack Mon 12 18:00, 1.375 | Sun 18 12:00, 4.125 | yes | 4 | routed to B, re-routed to A |
| a5 | Sun 18 Oct | - | - | - | - | still routed |

Ministry B (topic "Work permits", target 10 working days):

| item | received | first response | answer | within 10 | rating | notes |
| --- | --- | --- | --- | --- | --- | --- |
| b1 | Sun 4 Oct | ack Sun 4 12:00, 0.125 | Mon 5 12:00, 1.125 | yes | 3 | |
| b2 | Mon 5 Oct | answer, 9.25 | Mon 19 15:00, 9.25 | yes | - | |
| b3 | Tue 6 Oct | answer, 11.5 | Thu 22 21:00, 11.5 | no | - | sent back, routed again |

Ministry C (topic "Ports", target 10): c1 received Sun 4 Oct, answered Mon 5 06:00 (0.875).
Not routed: u1 (topic A) received Sun 18 Oct, turned down by the centre at 18:00 (0.375).
"""

import datetime
import zoneinfo
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone

from feedback import dailystats, workflow
from feedback.models import PublicHoliday, Submission, SubmissionEvent
from tests.factories import make_submission, make_topic

MUSCAT = zoneinfo.ZoneInfo("Asia/Muscat")
TODAY = datetime.datetime(2026, 12, 10, 12, 0, tzinfo=MUSCAT)
HOLIDAY = datetime.date(2026, 10, 13)


def at(month, day, hour=9, minute=0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=MUSCAT)


@contextmanager
def clock(moment: datetime.datetime):
    """Everything inside happens at ``moment``: ``timezone.now()`` and the audit event's
    default time (a field default holds the function itself, so patching the module does
    not reach it)."""
    event_time = SubmissionEvent._meta.get_field("created_at")
    with (
        mock.patch.object(timezone, "now", return_value=moment),
        mock.patch.object(event_time, "_get_default", lambda: moment),
    ):
        yield


def reopen(item: Submission, moment: datetime.datetime) -> None:
    """The citizen's "not resolved" (issue 17, point 5, built on another branch): until that
    action is a row of ``workflow.TRANSITIONS``, its effect is written as it will be, an
    audit event from answered back to in progress, and the statistics are recomputed from
    the audit trail as ``rebuild_stats`` does. Replace with the real action once merged."""
    SubmissionEvent.objects.create(
        submission=item,
        kind=SubmissionEvent.Kind.NOTE,
        created_at=moment,
        from_status=Submission.Status.ANSWERED,
        to_status=Submission.Status.IN_PROGRESS,
        is_public=True,
    )
    Submission.objects.filter(pk=item.pk).update(status=Submission.Status.IN_PROGRESS)
    with clock(moment):
        dailystats.rebuild()
    item.refresh_from_db()


def build(*, ministry_a, ministry_b, ministry_c, moderator, officer_a, officer_b, officer_c):
    PublicHoliday.objects.create(date=HOLIDAY, name_ar="عطلة", name_en="Holiday")
    topic_a = make_topic(
        name_ar="الخدمات الصحية", name_en="Health services", ministry=ministry_a, response_days=5
    )
    topic_b = make_topic(
        name_ar="تصاريح العمل", name_en="Work permits", ministry=ministry_b, response_days=10
    )
    topic_c = make_topic(name_ar="الموانئ", name_en="Ports", ministry=ministry_c, response_days=10)

    def received(moment, topic, **fields):
        with clock(moment):
            return make_submission(topic=topic, **fields)

    def step(moment, action, item, **kwargs):
        with clock(moment):
            getattr(workflow, action)(item, **kwargs)
        item.refresh_from_db()

    items = {}
    # a0: September (Q3), answered after 2.375 working days, rated 5.
    a0 = items["a0"] = received(at(9, 6), topic_a)
    step(at(9, 6, 9, 30), "route", a0, actor=moderator, ministry=ministry_a)
    step(at(9, 8, 18), "answer", a0, actor=officer_a, public_message="Done.")
    step(at(9, 9), "rate", a0, rating=5)
    # a1
    a1 = items["a1"] = received(at(10, 4), topic_a)
    step(at(10, 4, 9, 30), "route", a1, actor=moderator, ministry=ministry_a)
    step(at(10, 5, 12), "acknowledge", a1, actor=officer_a)
    step(at(10, 7, 12), "answer", a1, actor=officer_a, public_message="Done.")
    step(at(10, 8), "rate", a1, rating=5)
    # a2: the holiday makes 7.25 working days of it (not 8.25): late for a 5-day target.
    a2 = items["a2"] = received(at(10, 4), topic_a)
    step(at(10, 4, 9, 30), "route", a2, actor=moderator, ministry=ministry_a)
    step(at(10, 6, 12), "acknowledge", a2, actor=officer_a)
    step(at(10, 14, 15), "answer", a2, actor=officer_a, public_message="Done.")
    step(at(10, 15), "rate", a2, rating=2)
    # a3: answered, reopened as not resolved, answered again (the first answer counts).
    a3 = items["a3"] = received(at(10, 11), topic_a)
    step(at(10, 11, 9, 30), "route", a3, actor=moderator, ministry=ministry_a)
    step(at(10, 15, 18), "answer", a3, actor=officer_a, public_message="Done.")
    reopen(a3, at(10, 18))
    step(at(10, 19, 12), "answer", a3, actor=officer_a, public_message="Done, really.")
    # a4: routed to B, acknowledged there, re-routed to A, answered by A.
    a4 = items["a4"] = received(at(10, 11), topic_a)
    step(at(10, 11, 9, 30), "route", a4, actor=moderator, ministry=ministry_b)
    step(at(10, 12, 18), "acknowledge", a4, actor=officer_b)
    step(
        at(10, 14, 8), "reroute", a4, actor=moderator, ministry=ministry_a, public_message="Moved."
    )
    step(at(10, 18, 12), "answer", a4, actor=officer_a, public_message="Done.")
    step(at(10, 19), "rate", a4, rating=4)
    # a5: still waiting.
    a5 = items["a5"] = received(at(10, 18), topic_a)
    step(at(10, 18, 9, 30), "route", a5, actor=moderator, ministry=ministry_a)

    b1 = items["b1"] = received(at(10, 4), topic_b)
    step(at(10, 4, 9, 30), "route", b1, actor=moderator, ministry=ministry_b)
    step(at(10, 4, 12), "acknowledge", b1, actor=officer_b)
    step(at(10, 5, 12), "answer", b1, actor=officer_b, public_message="Done.")
    step(at(10, 6), "rate", b1, rating=3)
    b2 = items["b2"] = received(at(10, 5), topic_b)
    step(at(10, 5, 9, 30), "route", b2, actor=moderator, ministry=ministry_b)
    step(at(10, 19, 15), "answer", b2, actor=officer_b, public_message="Done.")
    b3 = items["b3"] = received(at(10, 6), topic_b)
    step(at(10, 6, 9, 30), "route", b3, actor=moderator, ministry=ministry_b)
    step(at(10, 6, 10), "send_back", b3, actor=officer_b, internal_note="Not ours?")
    step(at(10, 6, 11), "route", b3, actor=moderator, ministry=ministry_b)
    step(at(10, 22, 21), "answer", b3, actor=officer_b, public_message="Done.")

    c1 = items["c1"] = received(at(10, 4), topic_c)
    step(at(10, 4, 9, 30), "route", c1, actor=moderator, ministry=ministry_c)
    step(at(10, 5, 6), "answer", c1, actor=officer_c, public_message="Done.")

    u1 = items["u1"] = received(at(10, 18), topic_a)
    step(at(10, 18, 18), "reject", u1, actor=moderator, public_message="Out of scope.")
    return {"topics": {"a": topic_a, "b": topic_b, "c": topic_c}, "items": items}


# --- The figures, by hand (see the tables above) --------------------------------------------

# Last 12 months, threshold 3.
EXPECTED_12M = {
    "a": {
        "received": 6,
        "answered": 5,
        "within_target": 4 / 5,  # a0, a1, a3, a4
        # 1.125, 1.375, 2.125, 2.375, 3.375
        "first_response": 2.125,
        # 2.375, 3.125, 3.375, 4.125, 7.25
        "answer": 3.375,
        "rating": 16 / 4,  # 5, 5, 2, 4
        "ratings": 4,
        "reopened": 1 / 5,
    },
    "b": {
        "received": 3,
        "answered": 3,
        "within_target": 2 / 3,  # b1, b2
        "first_response": 9.25,  # 0.125, 9.25, 11.5
        "answer": 9.25,  # 1.125, 9.25, 11.5
        "rating": None,  # 1 rating: withheld
        "ratings": None,
        "reopened": 0.0,
    },
    "all": {
        "received": 11,  # A 6, B 3, C 1, not routed 1
        "answered": 9,
        "within_target": 7 / 9,  # A 4, B 2, C 1
        # 0.125 0.375 0.875 1.125 1.375 | 2.125 2.375 3.375 9.25 11.5
        "first_response": (1.375 + 2.125) / 2,
        # 0.875 1.125 2.375 3.125 | 3.375 | 4.125 7.25 9.25 11.5
        "answer": 3.375,
        "rating": 19 / 5,
        "ratings": 5,
        "reopened": 1 / 9,
    },
}
# Ministry A in the fourth quarter (October to December so far): a1 to a5.
EXPECTED_A_Q4 = {
    "received": 5,
    "answered": 4,
    "within_target": 3 / 4,
    "first_response": (1.375 + 2.125) / 2,  # 1.125, 1.375, 2.125, 3.375
    "answer": (3.375 + 4.125) / 2,  # 3.125, 3.375, 4.125, 7.25
    "rating": 11 / 3,
    "ratings": 3,
    "reopened": 1 / 4,
}
