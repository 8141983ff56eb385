"""Issue 17, "not resolved" reopens: after an answer the citizen says "resolved" (then may
rate) or "not resolved" with a reason, within FEEDBACK_REOPEN_DAYS and at most
FEEDBACK_REOPEN_LIMIT times; the request goes back to the same ministry with a new due
date; answers nobody confirmed are closed by ``close_unconfirmed_answers``."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from feedback import calendar, dailystats, workflow
from feedback.models import DailyStat, Submission, SubmissionEvent
from feedback.tracking import tracking_path
from tests.factories import make_submission

S = Submission.Status
E = SubmissionEvent.Kind
REASON = "The bus still does not stop in our street; the children waited on Sunday."


def answered(topic, moderator, officer, **fields) -> Submission:
    """A request answered through the workflow (so the answer's date is recorded)."""
    item = make_submission(topic=topic, **fields)
    workflow.route(item, actor=moderator, ministry=topic.ministry)
    workflow.answer(item, actor=officer, public_message="The bus now stops in your street.")
    item.refresh_from_db()
    return item


def answered_days_ago(item: Submission, days: float) -> None:
    Submission.objects.filter(pk=item.pk).update(
        last_answered_at=timezone.now() - datetime.timedelta(days=days)
    )
    item.refresh_from_db()


@pytest.mark.django_db
def test_not_resolved_goes_back_to_the_same_ministry_with_a_new_due_date(
    client, client_as, topic, moderator, officer_a, officer_b
):
    item = answered(topic, moderator, officer_a)
    link = tracking_path(item.reference, "en")
    page = client.get(link).content.decode()
    # The page says what each choice does before the citizen chooses.
    assert "Did the answer resolve your request?" in page
    assert "Your request is closed. You can then rate the answer." in page
    assert "goes back to the Ministry of Health with your reason" in page
    assert "Rate the answer" not in page  # rating comes after "resolved"

    response = client.post(f"{link}not-resolved/", {"reason": REASON}, follow=True)
    assert response.redirect_chain[-1][0] == link
    item.refresh_from_db()
    assert item.status == S.IN_PROGRESS
    assert item.ministry == topic.ministry  # the same ministry
    assert item.due_at == calendar.due_date(topic.response_days)
    assert (item.reopen_count, item.reopen_reason) == (1, REASON)
    event = item.events.get(kind=E.REOPENED)
    assert (event.from_status, event.to_status, event.actor, event.is_public) == (
        S.ANSWERED,
        S.IN_PROGRESS,
        None,
        True,
    )
    page = response.content.decode()
    assert "You said the answer did not resolve your request" in page
    assert REASON in page
    assert "Did the answer resolve your request?" not in page

    # The officer finds it in their inbox, marked, and reads the reason on the item.
    officer = client_as(officer_a)
    inbox = officer.get("/en/staff/inbox/").content.decode()
    assert item.reference in inbox and "Reopened by the citizen" in inbox
    staff_page = officer.get(f"/en/staff/items/{item.reference}/").content.decode()
    assert "The citizen said the answer did not resolve the request (1 time)." in staff_page
    assert REASON in staff_page
    # An officer of another ministry sees neither.
    assert item.reference not in client_as(officer_b).get("/en/staff/inbox/").content.decode()
    assert client_as(officer_b).get(f"/en/staff/items/{item.reference}/").status_code == 404

    # The ministry answers again; the count stays, "not resolved" is no longer offered.
    workflow.answer(item, actor=officer_a, public_message="The route was changed on Monday.")
    page = client.get(link).content.decode()
    assert "Did the answer resolve your request?" in page
    assert "No, send it back to the ministry" not in page
    assert "can no longer be sent back to the ministry" in page
    assert "Rate the answer" in page  # nothing else left to choose: rating is offered


@pytest.mark.django_db
def test_resolved_closes_and_then_the_citizen_may_rate(client, topic, moderator, officer_a):
    item = answered(topic, moderator, officer_a)
    link = tracking_path(item.reference, "en")
    response = client.post(f"{link}resolved/", follow=True)
    item.refresh_from_db()
    assert item.status == S.CLOSED
    event = item.events.get(kind=E.RESOLVED)
    assert (event.from_status, event.to_status, event.is_public) == (S.ANSWERED, S.CLOSED, True)
    page = response.content.decode()
    assert "Your request is closed as resolved" in page
    assert "Rate the answer" in page
    assert "it does not change the state of your request" in page
    client.post(f"{link}rate/", {"rating": "5"})
    item.refresh_from_db()
    assert (item.rating, item.status) == (5, S.CLOSED)
    # "Not resolved" after "resolved" changes nothing.
    response = client.post(f"{link}not-resolved/", {"reason": REASON})
    item.refresh_from_db()
    assert response.status_code == 400 and item.status == S.CLOSED and item.reopen_count == 0
    assert "not waiting for your confirmation" in response.content.decode()


@pytest.mark.django_db
def test_a_rating_never_closes_a_request(topic, moderator, officer_a):
    item = answered(topic, moderator, officer_a)
    workflow.rate(item, rating=2)
    item.refresh_from_db()
    assert (item.rating, item.status) == (2, S.ANSWERED)
    # ... so "not resolved" is still possible after a low rating.
    workflow.reopen(item, reason=REASON)
    item.refresh_from_db()
    assert item.status == S.IN_PROGRESS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reason", "message_en", "message_ar"),
    [
        ("", "Say why the answer did not resolve your request.", "اذكر سبب عدم حل"),
        ("   \n  ", "Say why the answer did not resolve your request.", "اذكر سبب عدم حل"),
        (
            "x" * 1001,
            "The reason must be 1,000 characters or fewer (you entered 1,001).",
            "يجب ألا يزيد السبب على",
        ),
    ],
    ids=["empty", "blank", "too-long"],
)
def test_a_missing_or_too_long_reason_is_refused_and_kept(
    client, topic, moderator, officer_a, reason, message_en, message_ar
):
    item = answered(topic, moderator, officer_a)
    for language, message in (("en", message_en), ("ar", message_ar)):
        link = tracking_path(item.reference, language)
        response = client.post(f"{link}not-resolved/", {"reason": reason})
        assert response.status_code == 400
        page = response.content.decode()
        assert message in page
        assert 'href="#id_reason"' in page  # the error summary leads to the field
        if reason.strip():
            assert reason in page  # nothing typed is lost
    item.refresh_from_db()
    assert (item.status, item.reopen_count) == (S.ANSWERED, 0)
    assert not item.events.filter(kind=E.REOPENED).exists()


@pytest.mark.django_db
def test_not_resolved_past_the_allowed_number_is_refused(
    client, settings, topic, moderator, officer_a
):
    item = answered(topic, moderator, officer_a)
    workflow.reopen(item, reason=REASON)
    workflow.answer(item, actor=officer_a, public_message="Second answer.")
    for language, message in (
        ("en", "A request can be reopened only 1 time, and this one was already."),
        ("ar", "يمكن إعادة فتح الطلب"),
    ):
        response = client.post(
            f"{tracking_path(item.reference, language)}not-resolved/", {"reason": "Still not."}
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert message in page
        assert "Still not." in page  # kept
    item.refresh_from_db()
    assert (item.status, item.reopen_count) == (S.ANSWERED, 1)
    # The limit is a setting: with 2, the second time goes through.
    settings.FEEDBACK_REOPEN_LIMIT = 2
    workflow.reopen(item, reason="Still not.")
    item.refresh_from_db()
    assert (item.status, item.reopen_count, item.reopen_reason) == (
        S.IN_PROGRESS,
        2,
        "Still not.",
    )


@pytest.mark.django_db
def test_not_resolved_after_the_allowed_days_is_refused(
    client, settings, topic, moderator, officer_a
):
    item = answered(topic, moderator, officer_a)
    answered_days_ago(item, settings.FEEDBACK_REOPEN_DAYS + 0.1)
    link = tracking_path(item.reference, "en")
    assert "No, send it back to the ministry" not in client.get(link).content.decode()
    response = client.post(f"{link}not-resolved/", {"reason": REASON})
    assert response.status_code == 400
    page = response.content.decode()
    assert "An answer can be reopened within 14 days of it; this one is older." in page
    arabic = client.post(f"{tracking_path(item.reference, 'ar')}not-resolved/", {"reason": REASON})
    assert "يمكن إعادة فتح الرد خلال" in arabic.content.decode()
    item.refresh_from_db()
    assert (item.status, item.reopen_count) == (S.ANSWERED, 0)
    # Just inside the days, it works.
    answered_days_ago(item, settings.FEEDBACK_REOPEN_DAYS - 0.1)
    workflow.reopen(item, reason=REASON)
    item.refresh_from_db()
    assert item.status == S.IN_PROGRESS


@pytest.mark.django_db
def test_after_the_erasure_the_request_takes_no_reason(topic, moderator, officer_a):
    item = answered(topic, moderator, officer_a)
    workflow.erase(item, actor=moderator)
    with translation.override("en"), pytest.raises(workflow.InvalidInput, match="data was deleted"):
        workflow.reopen(item, reason=REASON)
    item.refresh_from_db()
    assert (item.status, item.reopen_reason) == (S.ANSWERED, "")


@pytest.mark.django_db
def test_the_reason_is_personal_data_and_is_erased(topic, moderator, officer_a):
    item = answered(topic, moderator, officer_a)
    workflow.reopen(item, reason=REASON)
    workflow.erase(item, actor=moderator)
    item.refresh_from_db()
    assert item.reopen_reason == "" and item.reopen_count == 1


@pytest.mark.django_db
def test_reopenings_are_counted_in_the_aggregates(topic, moderator, officer_a):
    item = answered(topic, moderator, officer_a)
    workflow.reopen(item, reason=REASON)
    key = {"day": timezone.localdate(), "ministry": topic.ministry, "topic": topic}
    row = DailyStat.objects.get(kind="complaint", **key)
    assert (row.reopenings, row.status_in_progress, row.status_answered, row.answers) == (
        1,
        1,
        0,
        1,
    )
    # A second answer is not a second "answered" item, and rebuilding agrees.
    workflow.answer(item, actor=officer_a, public_message="Again.")
    workflow.confirm_resolved(item)
    counted = DailyStat.objects.filter(received__gt=0)  # (the emptied "not routed" row aside)
    before = list(counted.values("reopenings", "answers", "status_closed"))
    dailystats.rebuild()
    after = list(counted.values("reopenings", "answers", "status_closed"))
    assert before == after == [{"reopenings": 1, "answers": 1, "status_closed": 1}]


@pytest.mark.django_db
def test_answers_nobody_confirmed_are_closed_by_the_command(
    settings, topic, moderator, officer_a, capsys
):
    old = answered(topic, moderator, officer_a)
    answered_days_ago(old, settings.FEEDBACK_REOPEN_DAYS + 1)
    recent = answered(topic, moderator, officer_a)
    reopened = answered(topic, moderator, officer_a)
    workflow.reopen(reopened, reason=REASON)
    answered_days_ago(reopened, settings.FEEDBACK_REOPEN_DAYS + 1)  # (an earlier answer)

    call_command("close_unconfirmed_answers", "--dry-run")
    assert "1 requests due" in capsys.readouterr().out
    call_command("close_unconfirmed_answers")
    assert "1 requests closed" in capsys.readouterr().out
    for item in (old, recent, reopened):
        item.refresh_from_db()
    assert (old.status, recent.status, reopened.status) == (S.CLOSED, S.ANSWERED, S.IN_PROGRESS)
    event = old.events.get(kind=E.CLOSED)
    assert (event.actor, event.is_public) == (None, True)
    assert "no reply came within 14 days" in event.public_message
    # Twice is harmless; --enqueue hands it to the worker (immediate in tests).
    call_command("close_unconfirmed_answers", "--enqueue")
    assert "queued" in capsys.readouterr().out
    assert old.events.filter(kind=E.CLOSED).count() == 1


@pytest.mark.django_db
def test_the_system_row_refuses_an_answer_still_in_its_days(topic, moderator, officer_a):
    item = answered(topic, moderator, officer_a)
    assert workflow.close_unconfirmed(item) is None
    item.refresh_from_db()
    assert item.status == S.ANSWERED


@pytest.mark.django_db
def test_the_inbox_reads_reopened_requests_in_a_fixed_number_of_queries(
    client_as, topic, moderator, officer_a
):
    officer = client_as(officer_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert officer.get("/en/staff/inbox/").status_code == 200
        return len(queries)

    workflow.reopen(answered(topic, moderator, officer_a), reason=REASON)
    count()  # (the first page of a session also writes the session)
    one = count()
    for _ in range(4):
        workflow.reopen(answered(topic, moderator, officer_a), reason=REASON)
    assert count() == one


@pytest.mark.django_db
def test_the_tracking_page_reads_a_fixed_number_of_queries(client, topic, moderator, officer_a):
    item = answered(topic, moderator, officer_a)
    link = tracking_path(item.reference, "en")
    with CaptureQueriesContext(connection) as first:
        client.get(link)
    workflow.reopen(item, reason=REASON)
    for n in range(3):
        workflow.note(item, actor=moderator, internal_note=f"Seen {n}.")
    with CaptureQueriesContext(connection) as second:
        client.get(link)
    assert len(second) <= len(first)
