"""Who sees which feedback: the one queryset rule, the admin and the attachment files.
Always with the outsider, officer_b of another ministry."""

import pytest
from django.contrib.auth.models import AnonymousUser

from feedback.models import Attachment, Submission
from feedback.uploads import CleanFile
from tests.factories import make_submission, make_topic
from tests.feedback import files


@pytest.fixture
def routed(topic, ministry_a):
    clean = CleanFile(
        content=files.png_bytes(), name="evidence.png", content_type="image/png", sha256="0" * 64
    )
    submission = make_submission(topic=topic, files=[clean], subject="Routed to health")
    Submission.objects.filter(pk=submission.pk).update(ministry=ministry_a, status="routed")
    return submission


@pytest.fixture
def unrouted(topic):
    return make_submission(topic=topic, subject="Waiting for moderation")


@pytest.mark.django_db
def test_visible_to(routed, unrouted, moderator, officer_a, officer_b, editor, manager, admin_user):
    def refs(user):
        return set(Submission.objects.visible_to(user).values_list("reference", flat=True))

    everything = {routed.reference, unrouted.reference}
    assert refs(moderator) == everything
    assert refs(admin_user) == everything
    assert refs(officer_a) == {routed.reference}
    assert refs(officer_b) == set()
    assert refs(editor) == set()
    assert refs(manager) == set()
    assert refs(AnonymousUser()) == set()
    officer_b.is_active = False
    assert refs(officer_b) == set()


@pytest.mark.django_db
def test_admin_changelist_uses_visible_to(
    client_as, routed, unrouted, moderator, officer_a, officer_b
):
    url = "/admin/feedback/submission/"
    page = client_as(moderator).get(url).content.decode()
    assert routed.reference in page and unrouted.reference in page
    page = client_as(officer_a).get(url).content.decode()
    assert routed.reference in page and unrouted.reference not in page
    response = client_as(officer_b).get(url)
    assert response.status_code == 200
    assert routed.reference not in response.content.decode()
    # The outsider cannot open the item directly either.
    detail = client_as(officer_b).get(f"/admin/feedback/submission/{routed.pk}/change/")
    assert detail.status_code == 302
    assert routed.subject not in client_as(officer_b).get(detail["Location"]).content.decode()


@pytest.mark.django_db
def test_admin_list_columns_and_staff_page_links(
    client_as, routed, unrouted, moderator, officer_a, officer_b
):
    """Each row links to the item's staff page; an officer's list (one ministry) has no
    ministry column, a moderator's (every ministry) has."""
    url = "/admin/feedback/submission/"
    moderator_page = client_as(moderator).get(url).content.decode()
    assert "column-ministry" in moderator_page
    assert f'href="/ar/staff/items/{routed.reference}/"' in moderator_page
    assert f'href="/ar/staff/items/{unrouted.reference}/"' in moderator_page
    officer_page = client_as(officer_a).get(url).content.decode()
    assert "column-ministry" not in officer_page
    assert f'href="/ar/staff/items/{routed.reference}/"' in officer_page
    assert unrouted.reference not in officer_page
    outsider_page = client_as(officer_b).get(url).content.decode()
    assert "column-ministry" not in outsider_page
    assert routed.reference not in outsider_page


@pytest.mark.django_db
def test_admin_shows_submission_read_only_with_history(client_as, routed, officer_a):
    page = (
        client_as(officer_a).get(f"/admin/feedback/submission/{routed.pk}/change/").content.decode()
    )
    assert routed.reference in page
    assert 'name="status"' not in page  # status is changed only by feedback.workflow
    assert "evidence.png" in page
    assert f"/feedback/attachments/{Attachment.objects.get().pk}/" in page


@pytest.mark.django_db
def test_moderators_edit_topics_officers_do_not(client_as, moderator, officer_b, topic):
    assert client_as(moderator).get(f"/admin/feedback/topic/{topic.pk}/change/").status_code == 200
    response = client_as(moderator).post(
        "/admin/feedback/topic/add/",
        {
            "name_ar": "النظافة",
            "name_en": "Cleanliness",
            "help_text_ar": "",
            "help_text_en": "",
            "accepts_complaints": "on",
            "response_days": "7",
            "is_active": "on",
            "order": "3",
        },
    )
    assert response.status_code == 302
    assert client_as(officer_b).get("/admin/feedback/topic/").status_code == 403


@pytest.mark.django_db
def test_attachment_download_only_for_those_who_see_the_submission(
    client, client_as, routed, moderator, officer_a, officer_b, editor
):
    attachment = Attachment.objects.get()
    url = f"/en/feedback/attachments/{attachment.pk}/"
    for user in (moderator, officer_a):
        response = client_as(user).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
        assert response["Content-Disposition"].startswith("attachment;")
        assert "sandbox" in response["Content-Security-Policy"]
    assert client_as(officer_b).get(url).status_code == 404
    assert client_as(editor).get(url).status_code == 404
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]


@pytest.mark.django_db
def test_attachments_have_no_public_url(routed, settings):
    attachment = Attachment.objects.get()
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018
    assert not str(attachment.file.path).startswith(str(settings.MEDIA_ROOT))


@pytest.mark.django_db
def test_admin_changelist_query_count_does_not_grow(
    client_as, moderator, topic, django_assert_max_num_queries
):
    staff = client_as(moderator)
    for _ in range(5):
        make_submission(topic=topic)
    with django_assert_max_num_queries(15) as few:
        staff.get("/admin/feedback/submission/")
    for _ in range(25):
        make_submission(topic=make_topic())
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff.get("/admin/feedback/submission/")


@pytest.mark.django_db
def test_moderators_maintain_public_holidays(client_as, moderator, officer_b):
    from feedback.models import PublicHoliday

    response = client_as(moderator).post(
        "/admin/feedback/publicholiday/add/",
        {"date": "2026-12-31", "name_ar": "عطلة نهاية العام", "name_en": "Year end"},
    )
    assert response.status_code == 302
    assert PublicHoliday.objects.get().name_en == "Year end"
    assert client_as(officer_b).get("/admin/feedback/publicholiday/").status_code == 403
