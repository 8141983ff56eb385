"""What staff are told after an action, the next request offered, the routing
confirmation, the answer preview, and words instead of "---------" (issue 18, point 7).
Every test also has an officer of another ministry (officer_b), who gets 404."""

import pytest

from feedback import workflow
from feedback.models import Submission, SubmissionEvent
from tests.factories import make_submission, make_topic
from tests.feedback.workflow_helpers import in_state

S = Submission.Status


def item_url(item: Submission, action: str = "") -> str:
    return f"/en/staff/items/{item.reference}/{action + '/' if action else ''}"


@pytest.mark.django_db
def test_routing_says_where_it_went_and_offers_the_next_request(
    client_as, moderator, officer_b, topic, ministry_a
):
    first = make_submission(topic=topic)
    second = make_submission(topic=topic)
    staff = client_as(moderator)
    response = staff.post(
        item_url(first, "route"),
        {"route-expected_status": "submitted", "route-ministry": ministry_a.pk},
        follow=True,
    )
    page = response.content.decode()
    assert f"{first.reference} was sent to the Ministry of Health." in page
    assert (
        f'<a href="/en/staff/items/{second.reference}/">Next request: {second.reference}</a>'
        in (page)
    )
    # The last one in the queue: nothing more is offered.
    response = staff.post(
        item_url(second, "route"),
        {"route-expected_status": "submitted", "route-ministry": ministry_a.pk},
        follow=True,
    )
    assert "Nothing else is waiting in your list." in response.content.decode()
    # The outsider can neither act nor be offered ministry A's requests.
    assert client_as(officer_b).post(item_url(first, "answer"), {}).status_code == 404


@pytest.mark.django_db
def test_an_officer_is_offered_the_next_request_of_their_own_ministry_only(
    client_as, officer_a, officer_b, topic, ministry_a, ministry_b
):
    answered = in_state(S.ROUTED, topic, ministry_a)
    in_state(S.ROUTED, topic, ministry_b)  # older than the next one, but not theirs
    waiting = in_state(S.IN_PROGRESS, topic, ministry_a)
    response = client_as(officer_a).post(
        item_url(answered, "answer"),
        {"answer-expected_status": "routed", "answer-public_message": "Done, thank you."},
        follow=True,
    )
    page = response.content.decode()
    assert f"{answered.reference} was answered" in page
    assert f"Next request: {waiting.reference}" in page
    assert client_as(officer_b).get(item_url(answered)).status_code == 404


def test_every_staff_action_says_its_outcome():
    from feedback.views.staff import OUTCOMES

    assert set(OUTCOMES) == set(workflow.STAFF_ACTIONS)


@pytest.mark.django_db
def test_routing_away_from_the_topics_ministry_asks_for_confirmation(
    client_as, moderator, officer_b, topic, ministry_b
):
    item = make_submission(topic=topic)  # the topic's ministry is A
    staff = client_as(moderator)
    data = {"route-expected_status": "submitted", "route-ministry": ministry_b.pk}
    first = staff.post(item_url(item, "route"), data)
    assert first.status_code == 400
    page = first.content.decode()
    assert "The topic&#x27;s ministry is Ministry of Health." in page
    assert "I confirm the route differs from the topic&#x27;s ministry" in page
    assert (
        'data-route-confirm data-suggested="' in page
        and "hidden>" not in page.split("data-route-confirm")[1][:80]
    )
    item.refresh_from_db()
    assert item.status == S.SUBMITTED and item.events.count() == 1
    assert client_as(officer_b).post(item_url(item, "route"), data).status_code == 404
    confirmed = staff.post(item_url(item, "route"), {**data, "route-confirm_other_ministry": "on"})
    assert confirmed.status_code == 302
    item.refresh_from_db()
    assert item.status == S.ROUTED and item.ministry == ministry_b


@pytest.mark.django_db
def test_the_topics_own_ministry_needs_no_confirmation(client_as, moderator, topic, ministry_a):
    item = make_submission(topic=topic)
    page = client_as(moderator).get(item_url(item)).content.decode()
    assert "data-route-confirm" in page  # there, hidden until another ministry is chosen
    response = client_as(moderator).post(
        item_url(item, "route"),
        {"route-expected_status": "submitted", "route-ministry": ministry_a.pk},
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_answer_preview_shows_the_text_and_changes_nothing(
    client_as, officer_a, officer_b, topic, ministry_a
):
    item = in_state(S.ROUTED, topic, ministry_a)
    staff = client_as(officer_a)
    page = staff.get(item_url(item)).content.decode()
    assert "Preview the answer" in page
    data = {
        "answer-expected_status": "routed",
        "answer-public_message": "Opening hours are longer now.\nThank you.",
        "preview": "1",
    }
    response = staff.post(item_url(item, "answer"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "What the citizen will read" in page
    assert "Opening hours are longer now.<br>Thank you." in page
    assert "Nothing has been sent yet." in page
    item.refresh_from_db()
    assert item.status == S.ROUTED
    assert not SubmissionEvent.objects.filter(submission=item, kind="answered").exists()
    assert client_as(officer_b).post(item_url(item, "answer"), data).status_code == 404
    # The publish button then sends what was previewed.
    del data["preview"]
    assert staff.post(item_url(item, "answer"), data).status_code == 302
    item.refresh_from_db()
    assert item.status == S.ANSWERED


@pytest.mark.django_db
def test_an_empty_answer_cannot_be_previewed(client_as, officer_a, topic, ministry_a):
    item = in_state(S.ROUTED, topic, ministry_a)
    response = client_as(officer_a).post(
        item_url(item, "answer"),
        {"answer-expected_status": "routed", "answer-public_message": "", "preview": "1"},
    )
    assert response.status_code == 400
    assert "What the citizen will read" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_select_on_a_staff_page_says_dashes(
    client_as, moderator, officer_a, officer_b, manager, topic, ministry_a, lang
):
    make_topic(ministry=None, name_en="Something else")
    states = [make_submission(topic=topic)] + [
        in_state(status, topic, ministry_a) for status in (S.ROUTED, S.IN_PROGRESS, S.ANSWERED)
    ]
    pages = ["staff/", "staff/queue/", "staff/inbox/"]
    pages += [f"staff/items/{item.reference}/" for item in states]
    for user in (moderator, officer_a, officer_b, manager):
        client = client_as(user)
        for page in pages:
            response = client.get(f"/{lang}/{page}")
            assert "---------" not in response.content.decode(), (user, page)
            if user == officer_b and "items/" in page:
                assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "arrow"), [("ar", "←"), ("en", "→")])
def test_the_history_arrow_points_the_way_the_language_reads(
    client_as, moderator, topic, ministry_a, lang, arrow
):
    item = make_submission(topic=topic)
    workflow.route(item, actor=moderator, ministry=ministry_a, expected_status=S.SUBMITTED)
    page = client_as(moderator).get(f"/{lang}/staff/items/{item.reference}/").content.decode()
    received, routed = (str(S(status).label) for status in (S.SUBMITTED, S.ROUTED))
    if lang == "ar":
        received, routed = "تم الاستلام", "أُحيل إلى الوزارة"
    assert f"({received} {arrow} {routed})" in page


@pytest.mark.django_db
def test_the_erasure_actions_cannot_be_mistaken_for_each_other(
    client_as, moderator, topic, ministry_a
):
    labels = {
        action: str(workflow.TRANSITIONS[action].label)
        for action in ("redact", "erase", "request_erasure", "erase_expired")
    }
    assert len(set(labels.values())) == 4
    item = make_submission(topic=topic)
    page = client_as(moderator).get(f"/ar/staff/items/{item.reference}/").content.decode()
    assert "محو البيانات الشخصية للمواطن الآن" in page  # erase: at once, for good
    assert "تعديل النص لإخفاء التفاصيل الشخصية" in page  # redact: the text only
    assert "حذف البيانات الشخصية للمواطن" not in page  # the old, confusable label


def _bulk(staff, items, ministry=None, query="", **more):
    data = {"items": [item.reference for item in items], "bulk_action": "route", **more}
    if ministry is not None:
        data["ministry"] = ministry.pk
    return staff.post(f"/en/staff/queue/bulk/{query}", data)


@pytest.mark.django_db
def test_bulk_routing_away_from_the_suggested_ministries_asks_for_confirmation(
    client_as, moderator, officer_b, topic, ministry_a, ministry_b
):
    health = make_submission(topic=topic)  # the topic suggests ministry A (Health)
    untouched = make_submission(topic=topic)
    labour = make_submission(topic=make_topic(ministry=ministry_b))
    staff = client_as(moderator)
    text = {"public_message": "Sent to the ministry that runs the centres."}
    first = _bulk(staff, [health, labour], ministry_b, "?kind=complaint", **text)
    assert first.status_code == 400
    page = first.content.decode()
    # The summary names the request whose topic suggests another ministry, and only it.
    assert "There is a problem" in page
    assert (
        f"The topic of {health.reference} (Ministry of Health) suggests another ministry. "
        "Tick the box to send it to the Ministry of Labour all the same."
    ) in page
    assert f"{labour.reference} (" not in page
    box = page.split("data-route-confirm data-bulk")[1][:40]
    assert "hidden" not in box
    # Nothing typed, ticked or chosen is lost; the filters are kept.
    assert "Sent to the ministry that runs the centres." in page
    for item, ticked in [(health, True), (labour, True), (untouched, False)]:
        checkbox = page.split(f'id="select-{item.reference}"')[1].split(">")[0]
        assert ("checked" in checkbox) is ticked, item.reference
    assert f'<option value="{ministry_b.pk}" selected>' in page
    assert 'action="/en/staff/queue/bulk/?kind=complaint"' in page
    assert 'action="/en/staff/queue/"' in page  # the filters still lead to the queue
    for item in (health, labour):
        item.refresh_from_db()
        assert item.status == S.SUBMITTED and item.events.count() == 1
    # The outsider can neither see the queue nor route from it.
    confirmed = {**text, "confirm_other_ministry": "on"}
    outsider = _bulk(client_as(officer_b), [health], ministry_b, **confirmed)
    assert outsider.status_code == 404
    response = _bulk(staff, [health, labour], ministry_b, "?kind=complaint", **confirmed)
    assert response.status_code == 302 and response["Location"] == "/en/staff/queue/?kind=complaint"
    for item in (health, labour):
        item.refresh_from_db()
        assert item.status == S.ROUTED and item.ministry == ministry_b
    untouched.refresh_from_db()
    assert untouched.status == S.SUBMITTED


@pytest.mark.django_db
def test_bulk_routing_to_the_suggestions_needs_no_confirmation(
    client_as, moderator, topic, ministry_a, ministry_b
):
    health = make_submission(topic=topic)
    labour = make_submission(topic=make_topic(ministry=ministry_b))
    unsuggested = make_submission(topic=make_topic(ministry=None))
    staff = client_as(moderator)
    # "Each request's suggested ministry": nothing to confirm.
    assert _bulk(staff, [health, labour]).status_code == 302
    # One ministry for requests that suggest it, or suggest none: nothing to confirm.
    other = make_submission(topic=topic)
    assert _bulk(staff, [other, unsuggested], ministry_a).status_code == 302
    for item, ministry in [(health, ministry_a), (labour, ministry_b), (other, ministry_a)]:
        item.refresh_from_db()
        assert item.status == S.ROUTED and item.ministry == ministry
    unsuggested.refresh_from_db()
    assert unsuggested.ministry == ministry_a


@pytest.mark.django_db
def test_a_bulk_error_keeps_the_page_and_says_what_is_missing(client_as, moderator, topic):
    item = make_submission(topic=topic)
    staff = client_as(moderator)
    response = staff.post(
        "/en/staff/queue/bulk/", {"items": [item.reference], "bulk_action": "reject"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert '<a href="#bulk_public_message">Give the reason the citizens will see.</a>' in page
    assert "checked" in page.split(f'id="select-{item.reference}"')[1].split(">")[0]
    response = staff.post("/en/staff/queue/bulk/", {"bulk_action": "reject", "public_message": "x"})
    assert '<a href="#bulk_items">Tick at least one request.</a>' in response.content.decode()
    assert 'id="bulk_items"' in response.content.decode()
    item.refresh_from_db()
    assert item.status == S.SUBMITTED


@pytest.mark.django_db
def test_the_bulk_confirmation_costs_the_same_queries_for_more_requests(
    client_as, moderator, topic, ministry_b, django_assert_max_num_queries
):
    staff = client_as(moderator)
    items = [make_submission(topic=topic) for _ in range(2)]
    with django_assert_max_num_queries(30) as few:
        assert _bulk(staff, items, ministry_b).status_code == 400
    items += [make_submission(topic=topic) for _ in range(6)]
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert _bulk(staff, items, ministry_b).status_code == 400


@pytest.mark.django_db
def test_the_filters_other_than_the_search_fold_away_until_used(
    client_as, moderator, officer_b, topic
):
    make_submission(topic=topic)
    staff = client_as(moderator)

    def folded(url, **query) -> bool:
        page = staff.get(url, query).content.decode()
        details = page.split('<details class="news-filters__more staff-filters__more"')[1]
        return not details.startswith(" open")

    assert folded("/en/staff/queue/") and folded("/en/staff/inbox/")
    assert folded("/en/staff/queue/", q="light", page="1")  # the search is not folded
    assert not folded("/en/staff/queue/", kind="complaint")
    assert not folded("/en/staff/inbox/", status="nonsense")  # refused: shown, and said
    assert not folded("/en/staff/inbox/", erasure_requested="on")  # the menu's link
    assert client_as(officer_b).get("/en/staff/queue/").status_code == 404


@pytest.mark.django_db
def test_an_officer_is_not_offered_a_ministry_filter(
    client_as, moderator, officer_a, officer_b, topic, ministry_a
):
    mine = in_state(S.ROUTED, topic, ministry_a)
    for officer in (officer_a, officer_b):
        page = client_as(officer).get("/en/staff/inbox/").content.decode()
        assert 'name="ministry"' not in page and 'name="topic"' in page
        assert (mine.reference in page) is (officer == officer_a)
    assert 'name="ministry"' in client_as(moderator).get("/en/staff/inbox/").content.decode()
