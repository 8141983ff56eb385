"""Personal data (Royal Decree 6/2022): the retention purge, the citizen's deletion
request from the tracking page, the moderator's erasure, and no personal data in logs."""

import datetime
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from feedback import dailystats, stats, workflow
from feedback.models import Attachment, Submission, SubmissionEvent, private_storage
from feedback.privacy import purge_personal_data
from feedback.privacy import purge_personal_data_task as purge_task
from feedback.tracking import tracking_path
from feedback.uploads import CleanFile
from tests.factories import make_submission
from tests.feedback import files

NAME, EMAIL, PHONE = "Aisha Al-Harthy", "aisha.private@example.com", "+968 9123 4567"


def stored_files() -> list[Path]:
    return [p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]


def finished(topic, ministry, *, days_ago: int, status: str = "closed", **fields) -> Submission:
    """An item with contact details, a photo and a rating, finished ``days_ago`` days ago."""
    photo = CleanFile(files.jpeg_bytes(), "photo.jpg", "image/jpeg", "0" * 64)
    item = make_submission(
        topic=topic, name=NAME, email=EMAIL, phone=PHONE, files=[photo], **fields
    )
    Submission.objects.filter(pk=item.pk).update(
        status=status, ministry=ministry, rating=4, rating_comment=f"Thanks, {NAME}"
    )
    kind = {"closed": "closed", "answered": "answered", "rejected": "rejected"}.get(status)
    if kind:
        SubmissionEvent.objects.create(
            submission=item,
            kind=kind,
            from_status="in_progress",
            to_status=status,
            created_at=timezone.now() - datetime.timedelta(days=days_ago),
            public_message="The centre now opens at 7 am.",
        )
    item.refresh_from_db()
    return item


def history(item: Submission) -> list[tuple]:
    return list(
        item.events.values_list(
            "kind", "created_at", "from_status", "to_status", "public_message", "is_public"
        )
    )


@pytest.mark.django_db
def test_purge_erases_only_items_finished_longer_than_the_retention(
    topic, ministry_a, django_capture_on_commit_callbacks
):
    old_closed = finished(topic, ministry_a, days_ago=400)
    old_rejected = finished(topic, ministry_a, days_ago=366, status="rejected")
    recent = finished(topic, ministry_a, days_ago=300)
    still_open = finished(topic, ministry_a, days_ago=400, status="in_progress")
    before_history = history(old_closed)
    dailystats.rebuild()  # the set-up wrote the states directly
    before_stats = stats.build(None, Submission.objects.all())
    # Each photo and its stored preview.
    assert len(stored_files()) == 8
    erased_paths = [
        path for item in (old_closed, old_rejected) for path in item.attachments.get().stored_paths
    ]
    assert len(erased_paths) == 4

    with django_capture_on_commit_callbacks(execute=True):
        assert purge_personal_data() == 2

    for item in (old_closed, old_rejected):
        item.refresh_from_db()
        assert (item.name, item.email, item.phone, item.rating_comment) == ("", "", "", "")
        assert item.personal_data_erased_at is not None
        assert not item.attachments.exists()
        # The text, the route, the rating and the dates stay: statistics do not move.
        assert item.subject and item.body and item.rating == 4 and item.ministry == ministry_a
    for item in (recent, still_open):
        item.refresh_from_db()
        assert (item.name, item.email, item.phone) == (NAME, EMAIL, PHONE)
        assert item.attachments.count() == 1
    # The erased items' files and previews are gone from the disk, the others' stay.
    assert len(stored_files()) == 4
    assert not any(private_storage.exists(path) for path in erased_paths)
    assert stats.build(None, Submission.objects.all()) == before_stats
    dailystats.rebuild()
    assert stats.build(None, Submission.objects.all()) == before_stats
    # The audit trail keeps its shape: the same rows, plus one saying what happened.
    after = history(old_closed)
    assert after[:-1] == before_history
    assert after[-1][0] == SubmissionEvent.Kind.ERASED
    erased_event = old_closed.events.last()
    assert erased_event.actor is None and "365" in erased_event.internal_note
    # Twice is harmless.
    assert purge_personal_data() == 0
    assert old_closed.events.count() == len(after)


@pytest.mark.django_db
def test_the_retention_period_comes_from_the_setting(topic, ministry_a, settings):
    item = finished(topic, ministry_a, days_ago=40, status="answered")
    assert purge_personal_data() == 0
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    assert purge_personal_data() == 1
    item.refresh_from_db()
    assert item.email == ""


@pytest.mark.django_db
def test_a_late_note_does_not_restart_the_clock(topic, ministry_a, moderator):
    item = finished(topic, ministry_a, days_ago=400)
    workflow.note(item, actor=moderator, internal_note="Filed.")
    assert purge_personal_data() == 1


@pytest.mark.django_db
def test_the_command_the_task_and_a_dry_run(topic, ministry_a, capsys):
    item = finished(topic, ministry_a, days_ago=400)

    call_command("purge_personal_data", "--dry-run")
    assert "1 requests due (retention 365 days)" in capsys.readouterr().out
    item.refresh_from_db()
    assert item.email == EMAIL

    call_command("purge_personal_data", "--enqueue")  # immediate backend in tests
    assert "queued" in capsys.readouterr().out
    item.refresh_from_db()
    assert item.email == ""

    assert purge_task.enqueue().return_value == 0
    call_command("purge_personal_data")
    assert "0 requests erased" in capsys.readouterr().out


@pytest.mark.django_db
def test_citizen_asks_for_deletion_and_a_moderator_does_it(
    client,
    client_as,
    topic,
    ministry_a,
    moderator,
    officer_a,
    officer_b,
    admin_user,
    django_capture_on_commit_callbacks,
):
    item = finished(topic, ministry_a, days_ago=2, status="answered")
    page_url = tracking_path(item.reference, "en")
    erase_url = page_url + "erase/"
    page = client.get(page_url).content.decode()
    # A quiet link on the tracking page; the explanation and the form are on their own page.
    assert f'href="{erase_url}"' in page and 'name="confirm"' not in page
    own_page = client.get(erase_url).content.decode()
    assert "365 days after your request is closed" in own_page and 'name="confirm"' in own_page
    assert "What stays" in own_page and f'href="{page_url}"' in own_page

    # The box must be ticked.
    response = client.post(erase_url, {})
    assert response.status_code == 400
    assert "Tick the box to confirm" in response.content.decode()
    assert not Submission.objects.erasure_requested().exists()

    response = client.post(erase_url, {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == page_url
    page = client.get(page_url).content.decode()
    assert "moderators will delete it shortly" in page  # the message after the redirect
    assert "Deletion of personal data requested" in page  # a public event
    assert f'href="{erase_url}"' not in client.get(page_url).content.decode()
    assert "moderators will delete it shortly" in client.get(erase_url).content.decode()
    assert client.post(erase_url, {"confirm": "on"}).status_code == 302  # twice: no change
    assert item.events.filter(kind="erasure_requested").count() == 1
    admin_page = client_as(admin_user).get(f"/admin/feedback/submission/{item.pk}/change/")
    assert "تاريخ طلب الحذف" in admin_page.content.decode()  # "deletion requested at"

    # Queued for moderators: the filter and the badge; officers cannot erase.
    queue = client_as(moderator).get("/en/staff/inbox/?erasure_requested=on").content.decode()
    assert item.reference in queue and "Deletion requested" in queue
    assert (
        "Erase the citizen&#x27;s personal data now"
        not in client_as(officer_a).get(f"/en/staff/items/{item.reference}/").content.decode()
    )
    act_url = f"/en/staff/items/{item.reference}/erase/"
    confirmed = {"erase-expected_status": "answered", "erase-confirm": "on"}
    response = client_as(officer_a).post(act_url, confirmed)
    assert response.status_code == 400
    assert "Your role does not allow this action" in response.content.decode()
    assert client_as(officer_b).post(act_url, confirmed).status_code == 404
    item.refresh_from_db()
    assert item.email == EMAIL
    attachment = item.attachments.get()
    assert attachment.preview and len(stored_files()) == 2  # the photo and its preview

    moderator_client = client_as(moderator)
    download = moderator_client.get(f"/en/feedback/attachments/{attachment.pk}/")
    assert download.status_code == 200
    b"".join(download.streaming_content)  # read to the end: the test client closes it
    response = moderator_client.post(act_url, {"erase-expected_status": "answered"})
    assert response.status_code == 400  # not confirmed
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            act_url, {"erase-expected_status": "answered", "erase-confirm": "on"}
        )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.name, item.email, item.phone, item.rating_comment) == ("", "", "", "")
    assert stored_files() == []
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert moderator_client.get(f"/en/feedback/attachments/{attachment.pk}/").status_code == 404
    assert item.events.last().actor == moderator
    assert not Submission.objects.erasure_requested().exists()
    staff_page = moderator_client.get(f"/en/staff/items/{item.reference}/").content.decode()
    assert EMAIL not in staff_page and NAME not in staff_page
    assert "personal data was deleted on" in staff_page
    # Once only.
    response = moderator_client.post(
        act_url, {"erase-expected_status": "answered", "erase-confirm": "on"}
    )
    assert response.status_code == 400
    page = client.get(page_url).content.decode()
    assert "attachments were deleted on" in page
    assert purge_personal_data() == 0  # already erased: the purge leaves it alone


@pytest.mark.django_db
def test_an_erasure_from_a_page_that_moved_on_is_refused_like_any_stale_action(
    client_as, topic, ministry_a, moderator
):
    """The erase form sends the status the moderator saw; if the item moved meanwhile
    (here: answered while the page was open), nothing is erased and the page says so."""
    item = make_submission(topic=topic, name=NAME, email=EMAIL)
    Submission.objects.filter(pk=item.pk).update(status="answered", ministry=ministry_a)
    response = client_as(moderator).post(
        f"/en/staff/items/{item.reference}/erase/",
        {"erase-expected_status": "submitted", "erase-confirm": "on"},
    )
    assert response.status_code == 409
    assert "already handled by someone else" in response.content.decode()
    item.refresh_from_db()
    assert (item.name, item.email, item.personal_data_erased_at) == (NAME, EMAIL, None)
    assert not item.events.filter(kind="erased").exists()


@pytest.mark.django_db
def test_deletion_request_needs_a_valid_link(client, topic):
    item = make_submission(topic=topic)
    url = tracking_path(item.reference, "en") + "erase/"
    assert client.put(url).status_code == 405
    forged = url.replace(item.reference, "TW-AAAA-AAAA")
    assert client.get(forged).status_code == 404
    assert client.post(forged, {"confirm": "on"}).status_code == 404
    assert client.post("/en/feedback/track/nonsense/erase/", {"confirm": "on"}).status_code == 404
    assert not Submission.objects.erasure_requested().exists()


@pytest.mark.django_db
def test_no_personal_data_in_the_logs_of_a_submission_and_a_transition(
    client, client_as, form_data, moderator, ministry_a, caplog
):
    caplog.set_level(logging.DEBUG)
    data = form_data(
        name=NAME, email=EMAIL, phone=PHONE, subject="Pharmacy closed", body="Room 12 secret"
    )
    response = client.post("/en/feedback/new/", data)
    assert response.status_code == 302
    item = Submission.objects.get()
    response = client_as(moderator).post(
        f"/en/staff/items/{item.reference}/route/",
        {
            "route-expected_status": "submitted",
            "route-ministry": ministry_a.pk,
            "route-internal_note": "Note naming the citizen",
        },
    )
    assert response.status_code == 302
    workflow.request_erasure(item)
    workflow.erase(item, actor=moderator)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert item.reference in logged  # the log does say what happened, by reference
    for secret in (NAME, EMAIL, PHONE, "+968", "Pharmacy closed", "Room 12", "naming the citizen"):
        assert secret not in logged


@pytest.mark.django_db
def test_the_deletion_queue_query_count_does_not_grow(
    client_as, moderator, topic, django_assert_max_num_queries
):
    staff = client_as(moderator)
    url = "/en/staff/inbox/?erasure_requested=on"
    for _ in range(5):
        workflow.request_erasure(make_submission(topic=topic))
    with django_assert_max_num_queries(20) as few:
        assert staff.get(url).content.decode().count("Deletion requested<") == 5
    assert few.captured_queries
    for _ in range(20):
        workflow.request_erasure(make_submission(topic=topic))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff.get(url).content.decode().count("Deletion requested<") == 25
    print(f"deletion queue: {len(few.captured_queries)} queries")  # for the report


@pytest.mark.django_db
def test_the_purge_query_count_is_constant_per_item(
    topic, ministry_a, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    counts = {}
    for due in (1, 3, 6):
        for _ in range(due):
            finished(topic, ministry_a, days_ago=400)
        with (
            django_capture_on_commit_callbacks(execute=True),
            django_assert_max_num_queries(60) as queries,
        ):
            assert purge_personal_data() == due
        counts[due] = len(queries.captured_queries)
    per_item = (counts[3] - counts[1]) / 2
    # One select of the due keys, then the same few statements per item (lock, files,
    # delete attachments, update, audit row): linear, and small.
    assert counts[6] == counts[1] + 5 * per_item
    assert per_item <= 8
    print(f"purge: {per_item:.0f} queries per item")  # for the report


@pytest.mark.django_db
def test_the_deletion_request_flag_and_the_queue_are_one_rule(topic):
    now = timezone.now()
    for requested, erased in [(None, None), (now, None), (now, now), (None, now)]:
        item = make_submission(topic=topic)
        Submission.objects.filter(pk=item.pk).update(
            erasure_requested_at=requested, personal_data_erased_at=erased
        )
        item.refresh_from_db()
        queued = Submission.objects.erasure_requested().filter(pk=item.pk).exists()
        assert item.erasure_requested is queued is (requested is not None and erased is None)
