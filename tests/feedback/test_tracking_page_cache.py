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
