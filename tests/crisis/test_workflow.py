"""Alerts through the staff pages: four eyes, every action audited, bad input refused
with a translated error and nothing published, and only crisis publishers let in."""

import datetime

import pytest
from django.utils import timezone

from crisis import workflow
from crisis.models import Alert, CrisisEvent
from portal import roles
from tests.crisis.conftest import alert_fields

pytestmark = pytest.mark.django_db


def _post_data(incident, governorates=("OM-MA",), **overrides) -> dict:
    fields = alert_fields(incident)
    data = {
        name: value
        for name, value in fields.items()
        if name not in ("incident", "follows", "effective", "expires")
    }
    data.update(
        incident=incident.pk,
        follows="",
        effective=timezone.localtime(fields["effective"]).strftime("%Y-%m-%dT%H:%M"),
        expires=timezone.localtime(fields["expires"]).strftime("%Y-%m-%dT%H:%M"),
        governorates=list(governorates),
    )
    data.update(overrides)
    return data


def _act(client, alert, action, note=""):
    return client.post(
        f"/en/staff/crisis/alerts/{alert.pk}/{action}/",
        {"expected_state": alert.state, "note": note},
    )


def test_an_emergency_needs_a_second_publisher_and_every_step_is_audited(
    client_as, publisher, approver, incident, django_capture_on_commit_callbacks
):
    author = client_as(publisher)
    response = author.post("/en/staff/crisis/alerts/new/", _post_data(incident))
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert alert.state == Alert.State.DRAFT and alert.author == publisher
    # The author cannot publish an Actual emergency alone: only ask for approval.
    page = author.get(f"/en/staff/crisis/alerts/{alert.pk}/").content.decode()
    assert "Ask a second publisher to approve" in page and "Publish now" not in page
    assert _act(author, alert, "publish").status_code == 400
    assert _act(author, alert, "request_approval").status_code == 302
    alert.refresh_from_db()
    assert alert.state == Alert.State.AWAITING_APPROVAL
    # Approving one's own alert is refused, translated, and publishes nothing.
    refused = _act(author, alert, "approve")
    assert refused.status_code == 400
    assert "a second crisis publisher must approve it" in refused.content.decode()
    arabic = client_as(publisher).post(
        f"/ar/staff/crisis/alerts/{alert.pk}/approve/", {"expected_state": alert.state}
    )
    assert "لا يمكنك اعتماد" in arabic.content.decode()
    alert.refresh_from_db()
    assert alert.state == Alert.State.AWAITING_APPROVAL and alert.sent is None
    with django_capture_on_commit_callbacks(execute=True):
        assert _act(client_as(approver), alert, "approve").status_code == 302
    alert.refresh_from_db()
    assert alert.state == Alert.State.PUBLISHED and alert.approved_by == approver
    assert alert.sent is not None
    events = list(CrisisEvent.objects.filter(alert=alert).values_list("kind", "actor__username"))
    assert events == [
        ("drafted", "publisher"),
        ("approval_requested", "publisher"),
        ("approved", "approver"),
        ("published", "approver"),
    ]


def test_a_warning_and_a_drill_are_published_by_one_publisher(draft, publisher):
    for alert in (
        draft(level=Alert.Level.WARNING),
        draft(status=Alert.Status.EXERCISE),
        draft(status=Alert.Status.TEST, level=Alert.Level.EMERGENCY),
    ):
        assert workflow.allowed_actions(publisher, alert) == ["publish"]
        assert workflow.transition(publisher, alert, "publish").state == Alert.State.PUBLISHED


def test_the_audit_trail_cannot_be_changed(draft):
    draft()
    event = CrisisEvent.objects.get(kind="drafted")
    with pytest.raises(ValueError):
        CrisisEvent.objects.update(note="x")
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


@pytest.mark.parametrize(
    ("overrides", "field", "english", "arabic"),
    [
        (
            {"headline_en": "x" * 121},
            "headline_en",
            "The English headline must be 120 characters or fewer (you entered 121).",
            "يجب ألا يزيد العنوان الإنجليزي على",
        ),
        (
            {"summary_ar": "م" * 401},
            "summary_ar",
            "The Arabic summary must be 400 characters or fewer",
            "يجب ألا يزيد الملخص العربي على",
        ),
        (
            {"expires": "2026-01-01T10:00", "effective": "2026-01-02T10:00"},
            "expires",
            "The expiry must be after the start.",
            "يجب أن يكون انتهاء التنبيه بعد بدايته.",
        ),
        (
            {"msg_type": "Update"},
            "follows",
            "An update or a cancellation must name the published alert it follows.",
            "يجب أن يحدد التحديث أو الإلغاء",
        ),
        (
            {"governorates": []},
            "governorates",
            "Choose at least one governorate.",
            "اختر محافظة واحدة على الأقل.",
        ),
    ],
)
def test_bad_input_is_refused_with_a_translated_error_and_nothing_saved(
    client_as, publisher, incident, overrides, field, english, arabic
):
    client = client_as(publisher)
    data = _post_data(incident, **overrides)
    response = client.post("/en/staff/crisis/alerts/new/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert english in page
    assert f'id="id_{field}' in page  # the error sits on its field
    # What was typed is still there.
    assert 'value="Flood danger in Wadi Adai"' in page or field == "headline_en"
    assert client.post("/ar/staff/crisis/alerts/new/", data).content.decode().count(arabic) >= 1
    assert not Alert.objects.exists()


def test_an_update_of_a_replaced_alert_is_refused(published, draft, publisher):
    first = published(level=Alert.Level.WARNING)
    update = draft(msg_type=Alert.MsgType.UPDATE, follows=first, level=Alert.Level.WARNING)
    workflow.transition(publisher, update, "publish")
    with pytest.raises(workflow.InvalidAction):
        draft(msg_type=Alert.MsgType.UPDATE, follows=first)
    with pytest.raises(workflow.InvalidAction):
        draft(msg_type=Alert.MsgType.ALERT, follows=update)


def test_an_expired_draft_is_not_published(draft, publisher):
    alert = draft(
        level=Alert.Level.WARNING,
        effective=timezone.now() - datetime.timedelta(hours=2),
        expires=timezone.now() - datetime.timedelta(hours=1),
    )
    with pytest.raises(workflow.InvalidAction):
        workflow.transition(publisher, alert, "publish")
    alert.refresh_from_db()
    assert alert.state == Alert.State.DRAFT and alert.sent is None


def test_only_crisis_publishers_open_the_staff_pages(
    client, client_as, publisher, officer_b, moderator, editor, draft
):
    alert = draft()
    urls = [
        "/en/staff/crisis/",
        "/en/staff/crisis/alerts/new/",
        f"/en/staff/crisis/alerts/{alert.pk}/",
        "/en/staff/crisis/incidents/new/",
        "/en/staff/crisis/incidents/muscat-flood/",
    ]
    for url in urls:
        assert client_as(publisher).get(url).status_code == 200, url
        assert client.get(url).status_code == 302, url  # to the sign-in page
        for outsider in (officer_b, moderator, editor):
            assert client_as(outsider).get(url).status_code == 404, (url, outsider)
    # Nor can they act, through the page or the workflow.
    assert (
        client_as(officer_b)
        .post(f"/en/staff/crisis/alerts/{alert.pk}/request_approval/", {"expected_state": "draft"})
        .status_code
        == 404
    )
    with pytest.raises(workflow.InvalidAction):
        workflow.transition(officer_b, alert, "request_approval")
    alert.refresh_from_db()
    assert alert.state == Alert.State.DRAFT


def test_the_role_is_given_by_add_staff(db):
    from django.contrib.auth.models import Group

    from portal.staff import save_staff_account

    Group.objects.get_or_create(name=roles.CRISIS_PUBLISHERS)
    user, _created = save_staff_account(
        "civil-defence", role="crisis-publisher", password="a-long-staff-passphrase-2026"
    )
    assert roles.is_crisis_publisher(user)
    assert not roles.is_moderator(user) and roles.feedback_scope(user) is None


def test_the_staff_list_runs_a_fixed_number_of_queries(
    client_as, publisher, draft, django_assert_max_num_queries
):
    client = client_as(publisher)
    draft()
    client.get("/en/staff/crisis/")
    with django_assert_max_num_queries(14) as first:
        client.get("/en/staff/crisis/")
    for _ in range(5):
        draft()
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get("/en/staff/crisis/")


def test_the_other_publishers_are_asked_by_mail_to_approve(
    client_as, publisher, approver, draft, mailoutbox, django_capture_on_commit_callbacks
):
    alert = draft()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(publisher, alert, "request_approval")
    (message,) = mailoutbox
    assert message.to == [approver.email]  # not the author
    assert f"/ar/staff/crisis/alerts/{alert.pk}/" in message.body
    assert alert.headline_ar in message.subject


def test_odd_values_in_the_alert_form_are_form_errors(client_as, publisher, incident):
    client = client_as(publisher)
    for overrides in (
        {"headline_en": "a\x00b"},
        {"effective": "yesterday"},
        {"level": "catastrophic"},
        {"urgency": "Unknown"},
        {"governorates": ["OM-XX"]},
        {"incident": "9999"},
        {"follows": "abc"},
    ):
        data = {**_post_data(incident), **overrides}
        response = client.post("/en/staff/crisis/alerts/new/", data)
        assert response.status_code == 400, overrides
    assert not Alert.objects.exists()
