"""The private tracking page is stored until the item changes; each visitor gets their own
CSRF token in its forms (issue 12, point 2)."""

import re

import pytest
from django.test import Client

from feedback import workflow
from feedback.models import Submission
from feedback.tracking import tracking_path
from tests.feedback.workflow_helpers import in_state

S = Submission.Status
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _without_tokens(content: bytes) -> bytes:
    return TOKEN.sub(b'name="csrfmiddlewaretoken" value="-"', content)


@pytest.mark.django_db
def test_the_stored_page_is_the_rendered_page_with_each_visitors_token(
    topic, ministry_a, django_assert_num_queries
):
    answered = in_state(S.ANSWERED, topic, ministry_a)
    link = tracking_path(answered.reference, "en")
    first = Client().get(link)
    with django_assert_num_queries(1):  # the item; its history comes with the page
        second = Client().get(link)
    rendered = Client()
    rendered.cookies["sessionid"] = "none"  # a session: never served from the store
    fresh = rendered.get(link)
    assert _without_tokens(second.content) == _without_tokens(fresh.content)
    assert _without_tokens(first.content) == _without_tokens(fresh.content)
    # "Resolved" and the rating (the erasure has its page).
    assert len(TOKEN.findall(second.content)) == 2
    assert TOKEN.findall(first.content)[0] != TOKEN.findall(second.content)[0]
    assert b"csrf-token-slot" not in second.content
    for response in (first, second):
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_each_visitor_can_use_the_forms_of_the_stored_page(topic, ministry_a):
    answered = in_state(S.ANSWERED, topic, ministry_a)
    link = tracking_path(answered.reference, "en")
    Client().get(link)
    browser = Client(enforce_csrf_checks=True)
    token = TOKEN.search(browser.get(link).content).group(1).decode()
    response = browser.post(f"{link}rate/", {"rating": "5", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.rating == 5


@pytest.mark.django_db
def test_a_change_by_staff_shows_at_once(client, topic, ministry_a, officer_a):
    routed = in_state(S.ROUTED, topic, ministry_a)
    link = tracking_path(routed.reference, "en")
    assert "Rate the answer" not in client.get(link).content.decode()
    workflow.answer(
        routed, actor=officer_a, public_message="The appointment system was fixed today."
    )
    page = client.get(link).content.decode()
    assert "The appointment system was fixed today." in page
    assert "Did the answer resolve your request?" in page


# --- Answered before sessions and authentication (feedback/tracking_page.py) ---------------

# Headers that differ between any two responses, whoever makes them.
PER_RESPONSE = {"Expires", "Date"}


def _headers(response) -> dict[str, str]:
    return {name: value for name, value in response.items() if name not in PER_RESPONSE}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("status", [S.ANSWERED, S.ROUTED])  # with forms, and without
def test_a_stored_page_is_answered_as_the_view_answers_it(
    topic, ministry_a, language, status, django_assert_num_queries
):
    item = in_state(status, topic, ministry_a)
    link = tracking_path(item.reference, language)
    rendered = Client().get(link)  # the view renders and stores it
    with django_assert_num_queries(1):  # the item's version: the copy is current
        stored = Client().get(link)
    assert stored.status_code == rendered.status_code == 200
    # Answered before the session, auth and message middlewares ran.
    assert not hasattr(stored.wsgi_request, "session")
    assert hasattr(rendered.wsgi_request, "session")
    assert _headers(stored) == _headers(rendered)
    assert stored["Content-Language"] == language
    assert _without_tokens(stored.content) == _without_tokens(rendered.content)
    assert stored.cookies.keys() == rendered.cookies.keys()
    if status == S.ANSWERED:
        cookie = stored.cookies["csrftoken"]
        assert (
            cookie["samesite"] == "Lax"
            and cookie["max-age"] == rendered.cookies["csrftoken"]["max-age"]
        )


@pytest.mark.django_db
def test_a_visitor_keeps_their_csrf_cookie_and_its_token_posts(topic, ministry_a):
    answered = in_state(S.ANSWERED, topic, ministry_a)
    link = tracking_path(answered.reference, "en")
    browser = Client(enforce_csrf_checks=True)
    browser.get(link)  # rendered: the cookie is set
    cookie = browser.cookies["csrftoken"].value
    second = browser.get(link)  # stored
    # The same secret, sent again to renew its expiry, as Django does for every page
    # holding a form.
    assert second.cookies["csrftoken"].value == cookie
    token = TOKEN.search(second.content).group(1).decode()
    response = browser.post(f"{link}resolved/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.status == S.CLOSED


@pytest.mark.django_db
def test_a_malformed_csrf_cookie_is_replaced_as_django_replaces_it(topic, ministry_a):
    answered = in_state(S.ANSWERED, topic, ministry_a)
    link = tracking_path(answered.reference, "en")
    Client().get(link)
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["csrftoken"] = "not a token!"
    page = browser.get(link)
    assert page["Vary"] == "Cookie"
    assert browser.cookies["csrftoken"].value != "not a token!"
    token = TOKEN.search(page.content).group(1).decode()
    assert browser.post(f"{link}resolved/", {"csrfmiddlewaretoken": token}).status_code == 302


@pytest.mark.django_db
def test_staff_a_query_string_and_a_waiting_message_get_the_rendered_page(
    topic, ministry_a, officer_b, django_assert_num_queries
):
    answered = in_state(S.ANSWERED, topic, ministry_a)
    link = tracking_path(answered.reference, "en")
    Client().get(link)
    logged_in = Client()
    logged_in.force_login(officer_b)  # an officer of another ministry, holding the link
    page = logged_in.get(link)
    assert page.status_code == 200 and b"csrf-token-slot" not in page.content
    for cookie, query in [("messages", ""), ("", "?x=1")]:
        visitor = Client()
        if cookie:
            visitor.cookies[cookie] = "anything"
        with django_assert_num_queries(2):  # rendered: the item and its history
            assert visitor.get(link + query).status_code == 200
