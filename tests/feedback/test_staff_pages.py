"""The staff pages: queue, inbox, item page, actions, bulk; isolation of ministries
(officer_b against every staff URL for ministry A's item); query counts."""

import datetime

import pytest

from feedback import workflow
from feedback.models import Attachment, CannedReply, Submission
from feedback.uploads import CleanFile
from tests.factories import make_submission, make_topic
from tests.feedback import files
from tests.feedback.workflow_helpers import in_state

S = Submission.Status


@pytest.fixture
def item_a(topic, ministry_a):
    """Ministry A's routed item, with an attachment and searchable Arabic text."""
    clean = CleanFile(
        content=files.png_bytes(), name="evidence.png", content_type="image/png", sha256="0" * 64
    )
    submission = make_submission(
        topic=topic, files=[clean], subject="انتظار طويل", body="انتظرتُ في المستشفى ثلاث ساعات."
    )
    Submission.objects.filter(pk=submission.pk).update(ministry=ministry_a, status=S.ROUTED)
    submission.refresh_from_db()
    return submission


def item_urls(item: Submission) -> list[tuple[str, str, dict]]:
    """Every staff URL that names an item: (method, url, data)."""
    base = f"/en/staff/items/{item.reference}/"
    attachment = Attachment.objects.filter(submission=item).first()
    urls = [("get", base, {})]
    for action in workflow.STAFF_ACTIONS:  # every staff row of the table, erase too
        urls.append(
            (
                "post",
                f"{base}{action}/",
                {
                    f"{action}-expected_status": item.status,
                    f"{action}-public_message": "x",
                    f"{action}-internal_note": "x",
                    f"{action}-confirm": "on",
                },
            )
        )
    if attachment:
        urls.append(("get", f"/en/feedback/attachments/{attachment.pk}/", {}))
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_isolation_officer_b_against_every_url_of_ministry_a(
    client_as, item_a, officer_b, ministry_a, lang
):
    """The isolation matrix (docs/decisions.md): officer B never lists, counts, opens,
    searches, downloads or acts on ministry A's item, by any URL."""
    outsider = client_as(officer_b)
    for method, url, data in item_urls(item_a):
        url = url.replace("/en/", f"/{lang}/", 1)
        response = getattr(outsider, method)(url, data)
        assert response.status_code == 404, (method, url)
    item_a.refresh_from_db()
    assert item_a.status == S.ROUTED and item_a.events.count() == 1
    lists = [
        f"/{lang}/staff/inbox/",
        f"/{lang}/staff/inbox/?q={item_a.reference}",
        f"/{lang}/staff/inbox/?q=انتظار",
        f"/{lang}/staff/inbox/?ministry={ministry_a.pk}",
        f"/{lang}/staff/inbox/?status=routed",
    ]
    for url in lists:
        response = outsider.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        # (The search box repeats what was typed; the item's row and link must not appear.)
        assert f"/staff/items/{item_a.reference}/" not in page, url
        assert "انتظار طويل" not in page, url
        assert response.context["page"].paginator.count == 0, url  # not even counted
    # The read-only admin and its autocomplete use the same rule.
    admin_change = outsider.get(f"/admin/feedback/submission/{item_a.pk}/change/")
    assert admin_change.status_code == 302  # "does not exist" and back to the admin index
    for url in [
        f"/admin/feedback/submission/?q={item_a.reference}",
        "/admin/feedback/submission/?q=انتظار",
        "/admin/autocomplete/?app_label=feedback&model_name=submission"
        "&field_name=duplicate_of&term=انتظار",
    ]:
        response = outsider.get(url)
        assert response.status_code in (200, 403), url
        page = response.content.decode()
        assert f"/{item_a.pk}/change/" not in page and "انتظار طويل" not in page, url
        if "autocomplete" in url and response.status_code == 200:
            assert response.json()["results"] == []
    # The moderators' queue and bulk actions are not theirs at all.
    assert outsider.get(f"/{lang}/staff/queue/").status_code == 404
    response = outsider.post(
        f"/{lang}/staff/queue/bulk/",
        {"items": [item_a.reference], "bulk_action": "reject", "public_message": "x"},
    )
    assert response.status_code == 404
    item_a.refresh_from_db()
    assert item_a.status == S.ROUTED


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["editor", "manager", "officer_b"])
def test_other_roles_cannot_open_or_act(request, client_as, client, item_a, persona):
    user = request.getfixturevalue(persona)
    for method, url, data in item_urls(item_a):
        assert getattr(client_as(user), method)(url, data).status_code == 404, (persona, url)
    for method, url, data in item_urls(item_a):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client_as(request.getfixturevalue("editor")).get("/en/staff/inbox/").status_code == 404


@pytest.mark.django_db
def test_admin_search_and_autocomplete_find_arabic_for_those_in_scope(client_as, item_a, officer_a):
    staff = client_as(officer_a)
    page = staff.get("/admin/feedback/submission/?q=انتظرت").content.decode()
    assert f"/{item_a.pk}/change/" in page
    assert f"/staff/items/{item_a.reference}/" in page  # the way to the actions
    response = staff.get(
        "/admin/autocomplete/?app_label=feedback&model_name=submission"
        "&field_name=duplicate_of&term=انتظار"
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["id"] == str(item_a.pk)


@pytest.mark.django_db
def test_audit_rows_refuse_bulk_changes_too(item_a):
    from feedback.models import SubmissionEvent

    with pytest.raises(ValueError):
        SubmissionEvent.objects.filter(submission=item_a).update(public_message="rewritten")
    with pytest.raises(ValueError):
        SubmissionEvent.objects.filter(submission=item_a).delete()
    assert item_a.events.get().public_message == ""


@pytest.mark.django_db
def test_officer_a_sees_and_answers_their_item(client_as, item_a, officer_a):
    staff = client_as(officer_a)
    page = staff.get("/en/staff/inbox/").content.decode()
    assert item_a.reference in page and "Ministry inbox" in page
    page = staff.get(f"/en/staff/items/{item_a.reference}/").content.decode()
    assert "انتظرتُ في المستشفى" in page
    assert f"/en/feedback/attachments/{Attachment.objects.get().pk}/" in page
    assert "Publish the answer" in page and "Acknowledge" in page
    assert "Reject" not in page  # moderators' buttons only for moderators
    assert 'name="status"' not in page
    response = staff.post(
        f"/en/staff/items/{item_a.reference}/answer/",
        {
            "answer-expected_status": "routed",
            "answer-public_message": "Opening hours are longer now.",
            "answer-internal_note": "Asked the director",
            "status": "closed",  # ignored: status is never editable directly
        },
    )
    assert response.status_code == 302
    item_a.refresh_from_db()
    assert item_a.status == S.ANSWERED
    event = item_a.events.get(kind="answered")
    assert event.actor == officer_a and event.internal_note == "Asked the director"
    page = staff.get(f"/en/staff/items/{item_a.reference}/").content.decode()
    assert "Asked the director" in page and "officer_a" in page  # staff timeline


@pytest.mark.django_db
def test_form_errors_and_stale_actions(client_as, item_a, officer_a, moderator):
    staff = client_as(officer_a)
    url = f"/en/staff/items/{item_a.reference}/answer/"
    response = staff.post(url, {"answer-expected_status": "routed", "answer-public_message": ""})
    assert response.status_code == 400
    assert "Write the answer the citizen will see." in response.content.decode()
    # Someone else acknowledged it in the meantime: the officer is told, nothing changes.
    client_as(officer_a).post(
        f"/en/staff/items/{item_a.reference}/acknowledge/",
        {"acknowledge-expected_status": "routed"},
    )
    response = staff.post(
        f"/en/staff/items/{item_a.reference}/send_back/",
        {"send_back-expected_status": "routed", "send_back-internal_note": "not ours"},
    )
    assert response.status_code == 409
    assert "already handled by someone else" in response.content.decode()
    item_a.refresh_from_db()
    assert item_a.status == S.IN_PROGRESS and item_a.ministry is not None


@pytest.mark.django_db
def test_moderator_queue_oldest_first_filters_and_search(client_as, moderator, topic, ministry_a):
    old = make_submission(topic=topic, subject="First in line")
    Submission.objects.filter(pk=old.pk).update(
        created_at=old.created_at - datetime.timedelta(days=2)
    )
    new = make_submission(topic=topic, subject="إنارة الشارع مُطفأة", kind="suggestion")
    routed = in_state(S.ROUTED, topic, ministry_a, subject="Already routed")
    staff = client_as(moderator)
    page = staff.get("/ar/staff/queue/").content.decode()
    assert page.index(old.reference) < page.index(new.reference)
    assert routed.reference not in page
    # Arabic search without diacritics or hamza finds the text that has them.
    page = staff.get("/en/staff/inbox/", {"q": "اناره مطفاه"}).content.decode()
    assert new.reference in page and old.reference not in page
    page = staff.get("/en/staff/inbox/", {"q": new.reference.lower()}).content.decode()
    assert new.reference in page and old.reference not in page
    page = staff.get("/en/staff/inbox/", {"kind": "suggestion"}).content.decode()
    assert new.reference in page and old.reference not in page
    page = staff.get("/en/staff/inbox/", {"status": "routed"}).content.decode()
    assert routed.reference in page and new.reference not in page
    Submission.objects.filter(pk=old.pk).update(due_at=datetime.date(2020, 1, 1))
    page = staff.get("/en/staff/inbox/", {"overdue": "on"}).content.decode()
    assert old.reference in page and new.reference not in page and "Overdue" in page
    page = staff.get(
        "/en/staff/inbox/", {"received_from": datetime.date.today().isoformat()}
    ).content.decode()
    assert new.reference in page and old.reference not in page


@pytest.mark.django_db
def test_bulk_route_and_reject(client_as, moderator, topic, ministry_a, ministry_b):
    first, second, third = (make_submission(topic=topic) for _ in range(3))
    staff = client_as(moderator)
    response = staff.post(
        "/en/staff/queue/bulk/",
        {"items": [first.reference, second.reference], "bulk_action": "route"},
    )
    assert response.status_code == 302
    for item in (first, second):
        item.refresh_from_db()
        assert item.status == S.ROUTED and item.ministry == ministry_a  # the suggestion
    # Rejecting needs a reason; the already routed one is skipped, not re-handled.
    staff.post("/en/staff/queue/bulk/", {"items": [third.reference], "bulk_action": "reject"})
    third.refresh_from_db()
    assert third.status == S.SUBMITTED
    response = staff.post(
        "/en/staff/queue/bulk/",
        {
            "items": [first.reference, third.reference],
            "bulk_action": "reject",
            "public_message": "Not for the centre.",
        },
        follow=True,
    )
    third.refresh_from_db()
    first.refresh_from_db()
    assert third.status == S.REJECTED and first.status == S.ROUTED
    page = response.content.decode()
    assert "1 request handled." in page and "1 request was skipped" in page


@pytest.mark.django_db
def test_moderator_merges_redacts_and_routes(client_as, moderator, topic, ministry_b):
    original = make_submission(topic=topic)
    duplicate = make_submission(topic=topic, body="Call me on 99887766 about the clinic.")
    staff = client_as(moderator)
    base = f"/en/staff/items/{duplicate.reference}/"
    staff.post(
        f"{base}redact/",
        {
            "redact-expected_status": "submitted",
            "redact-subject": duplicate.subject,
            "redact-body": "Call me on [removed] about the clinic.",
        },
    )
    duplicate.refresh_from_db()
    assert "99887766" not in duplicate.body
    response = staff.post(
        f"{base}merge/",
        {"merge-expected_status": "submitted", "merge-original": original.reference.lower()},
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == S.DUPLICATE and duplicate.duplicate_of == original
    page = staff.get(f"/en/staff/items/{original.reference}/").content.decode()
    assert duplicate.reference in page  # "merged into this one"
    target = make_submission(topic=topic)
    staff.post(
        f"/en/staff/items/{target.reference}/route/",
        {
            "route-expected_status": "submitted",
            "route-ministry": ministry_b.pk,
            "route-confirm_other_ministry": "on",  # not the topic's ministry
        },
    )
    target.refresh_from_db()
    assert target.status == S.ROUTED and target.ministry == ministry_b


@pytest.mark.django_db
def test_officer_cannot_merge_into_another_ministrys_item(
    client_as, admin_user, officer_b, item_a, topic
):
    """Even a form field that takes a reference resolves it inside visible_to."""
    from feedback.forms.staff import MergeForm

    mine = make_submission(topic=topic)
    form = MergeForm(
        {"merge-expected_status": "submitted", "merge-original": item_a.reference},
        action="merge",
        submission=mine,
        user=officer_b,
    )
    assert not form.is_valid()
    assert "No request with this reference." in str(form.errors)


@pytest.mark.django_db
def test_canned_replies_of_the_ministry_work_without_javascript(
    client_as, item_a, officer_a, ministry_a, ministry_b
):
    mine = CannedReply.objects.create(
        ministry=ministry_a,
        title_ar="شكر",
        title_en="Thanks",
        body_ar="شكراً لك.",
        body_en="Thank you, this is fixed.",
    )
    CannedReply.objects.create(
        ministry=ministry_b, title_ar="آخر", title_en="Other ministry", body_ar="آخر"
    )
    staff = client_as(officer_a)
    page = staff.get(f"/ar/staff/items/{item_a.reference}/").content.decode()
    assert "Other ministry" not in page and "آخر" not in page
    assert "Thank you, this is fixed." in page  # the citizen wrote in English
    staff.post(
        f"/en/staff/items/{item_a.reference}/answer/",
        {
            "answer-expected_status": "routed",
            "answer-canned_reply": mine.pk,
            "answer-public_message": "",
        },
    )
    item_a.refresh_from_db()
    assert item_a.status == S.ANSWERED
    assert item_a.events.get(kind="answered").public_message == "Thank you, this is fixed."


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/staff/queue/", "/en/staff/inbox/"])
def test_list_query_count_does_not_grow(client_as, moderator, url, django_assert_max_num_queries):
    staff = client_as(moderator)
    for _ in range(5):
        make_submission(topic=make_topic())
    with django_assert_max_num_queries(20) as few:
        staff.get(url)
    assert few.captured_queries  # the counter really counted
    for _ in range(30):
        make_submission(topic=make_topic())
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff.get(url)


@pytest.mark.django_db
def test_item_page_query_count_does_not_grow(
    client_as, moderator, topic, ministry_a, django_assert_max_num_queries
):

    item = make_submission(topic=topic)
    staff = client_as(moderator)
    with django_assert_max_num_queries(25) as few:
        staff.get(f"/en/staff/items/{item.reference}/")
    assert few.captured_queries
    workflow.route(item, actor=moderator, ministry=ministry_a)
    for n in range(10):
        dup = make_submission(topic=topic)
        workflow.merge(dup, actor=moderator, original=item, internal_note=f"dup {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff.get(f"/en/staff/items/{item.reference}/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "queue", "inbox", "admin_list", "sees_item"),
    [
        ("moderator", 200, 200, 200, True),
        ("officer_a", 404, 200, 200, True),
        ("officer_b", 404, 200, 200, False),
        ("editor", 404, 404, 403, False),
        ("manager", 404, 200, 403, False),
        ("admin_user", 200, 200, 200, True),
    ],
)
def test_list_pages_per_role(
    request, client_as, item_a, persona, queue, inbox, admin_list, sees_item
):
    """The rows of the isolation matrix in docs/decisions.md for the list pages."""
    staff = client_as(request.getfixturevalue(persona))
    assert staff.get("/ar/staff/queue/").status_code == queue
    response = staff.get("/ar/staff/inbox/")
    assert response.status_code == inbox
    if inbox == 200:
        assert (f"/staff/items/{item_a.reference}/" in response.content.decode()) == sees_item
    response = staff.get("/admin/feedback/submission/")
    assert response.status_code == admin_list
    if admin_list == 200:
        assert (f"/{item_a.pk}/change/" in response.content.decode()) == sees_item


@pytest.mark.django_db
def test_an_internal_note_is_kept_whatever_happened_meanwhile(client_as, item_a, officer_a):

    workflow.acknowledge(item_a, actor=officer_a)
    response = client_as(officer_a).post(
        f"/en/staff/items/{item_a.reference}/note/",
        {"note-expected_status": "routed", "note-internal_note": "Citizen called again."},
    )
    assert response.status_code == 302
    event = item_a.events.get(kind="note")
    assert event.internal_note == "Citizen called again." and not event.is_public
    item_a.refresh_from_db()
    assert item_a.status == S.IN_PROGRESS


@pytest.mark.django_db
def test_pages_keep_the_filters_and_bad_filters_are_said(client_as, moderator, topic):
    for _ in range(30):
        make_submission(topic=topic, kind="idea")
    staff = client_as(moderator)
    page = staff.get("/en/staff/inbox/", {"kind": "idea"}).content.decode()
    assert "30 requests, oldest first." in page
    assert 'href="/en/staff/inbox/?kind=idea&amp;page=2"' in page
    second = staff.get("/en/staff/inbox/", {"kind": "idea", "page": "2"})
    assert len(second.context["page"].object_list) == 5
    response = staff.get("/en/staff/inbox/", {"status": "nonsense"})
    assert response.status_code == 200
    assert "Some filters are not valid and were ignored." in response.content.decode()


@pytest.mark.django_db
def test_staff_can_sign_out_from_the_staff_pages(client_as, officer_a):
    staff = client_as(officer_a)
    page = staff.get("/ar/staff/inbox/").content.decode()
    assert 'action="/admin/logout/"' in page and "تسجيل الخروج (officer_a)" in page
    staff.post("/admin/logout/")
    response = staff.get("/ar/staff/inbox/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_the_inbox_starts_with_what_waits_for_an_answer(client_as, officer_a, topic, ministry_a):
    waiting = in_state(S.IN_PROGRESS, topic, ministry_a)
    done = in_state(S.CLOSED, topic, ministry_a)
    staff = client_as(officer_a)
    page = staff.get("/en/staff/inbox/").content.decode()
    assert f"/staff/items/{waiting.reference}/" in page
    assert f"/staff/items/{done.reference}/" not in page
    assert '<option value="open" selected>' in page
    page = staff.get("/en/staff/inbox/", {"status": ""}).content.decode()  # "Any status"
    assert f"/staff/items/{done.reference}/" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/ar/staff/",
        "/ar/staff/queue/",
        "/en/staff/export.csv",
        "/ar/feedback/attachments/1/",  # files only staff may download
        "/en/news/preview/1/",  # drafts only editors may read
        "/admin/",
    ],
)
def test_staff_pages_ask_for_the_second_factor(client_as, moderator, settings, path):
    settings.STAFF_2FA_REQUIRED = True
    response = client_as(moderator).get(path)
    assert response.status_code == 302
    assert "/account/two-factor/setup/" in response["Location"]


@pytest.mark.django_db
def test_words_that_look_like_a_reference_are_still_searched(client_as, moderator):
    item = make_submission(body="Refund of late payments for the water bill.")
    staff = client_as(moderator)
    page = staff.get("/en/staff/inbox/", {"q": "payments", "status": ""}).content.decode()
    assert f"/staff/items/{item.reference}/" in page
    page = staff.get("/en/staff/inbox/", {"q": item.reference.lower(), "status": ""})
    assert f"/staff/items/{item.reference}/" in page.content.decode()


@pytest.mark.django_db
def test_after_a_reroute_the_new_ministry_does_not_read_the_old_ones_notes(
    client_as, moderator, officer_a, officer_b, ministry_a, ministry_b
):

    item = make_submission(topic=make_topic(ministry=ministry_a))
    workflow.route(item, actor=moderator, ministry=ministry_a, internal_note="MODERATOR-NOTE")
    workflow.acknowledge(item, actor=officer_a, internal_note="SECRET-A-NOTE")
    workflow.reroute(
        item, actor=moderator, ministry=ministry_b, public_message="Another ministry answers this."
    )
    page = client_as(officer_b).get(f"/en/staff/items/{item.reference}/").content.decode()
    assert "SECRET-A-NOTE" not in page
    assert "officer_a" not in page
    assert "staff of another ministry" in page
    assert "MODERATOR-NOTE" in page  # the centre's notes travel with the item
    moderator_page = client_as(moderator).get(f"/en/staff/items/{item.reference}/")
    assert "SECRET-A-NOTE" in moderator_page.content.decode()


@pytest.mark.django_db
def test_an_item_opens_from_a_reference_typed_by_hand(client_as, moderator):
    item = make_submission()
    typed = item.reference.lower().replace("-", "")
    assert client_as(moderator).get(f"/en/staff/items/{typed}/").status_code == 200
