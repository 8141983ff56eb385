"""The blank feedback form is rendered once and stored; each visitor gets their own CSRF
token in it (issue 12, point 2)."""

import re

import pytest
from django.test import Client

from feedback.models import Submission

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _without_token(content: bytes) -> bytes:
    return TOKEN.sub(b'name="csrfmiddlewaretoken" value="-"', content)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/ar/feedback/new/", "/en/feedback/new/?kind=idea"])
def test_the_stored_form_is_the_rendered_form_with_each_visitors_token(topic, url):
    first, second = Client(), Client()
    stored_once = first.get(url)
    from_the_store = second.get(url)
    # A fresh render, as before: a visitor with a (here empty) session is never served
    # from the store.
    rendered = Client()
    rendered.cookies["sessionid"] = "none"
    fresh = rendered.get(url)
    assert stored_once.status_code == from_the_store.status_code == 200
    assert _without_token(from_the_store.content) == _without_token(fresh.content)
    assert _without_token(stored_once.content) == _without_token(fresh.content)
    assert b"csrf-token-slot" not in from_the_store.content
    assert TOKEN.findall(stored_once.content) != TOKEN.findall(from_the_store.content)
    assert from_the_store.cookies["csrftoken"].value != stored_once.cookies["csrftoken"].value
    assert "no-store" in from_the_store["Cache-Control"]


@pytest.mark.django_db
def test_each_visitor_can_send_the_stored_form_without_javascript(topic, form_data):
    """A browser without JavaScript: the form's own token and the cookie it came with."""
    for _visitor in range(2):
        browser = Client(enforce_csrf_checks=True)
        page = browser.get("/en/feedback/new/")
        token = TOKEN.search(page.content).group(1).decode()
        sent = browser.post("/en/feedback/new/", {**form_data(), "csrfmiddlewaretoken": token})
        assert sent.status_code == 302
        assert sent["Location"] == "/en/feedback/sent/"
    assert Submission.objects.count() == 2
    # Another visitor's token does not do.
    stranger = Client(enforce_csrf_checks=True)
    stranger.get("/en/feedback/new/")
    refused = stranger.post("/en/feedback/new/", {**form_data(), "csrfmiddlewaretoken": token})
    assert refused.status_code == 403


@pytest.mark.django_db
def test_the_stored_form_needs_no_query(client, topic, django_assert_num_queries):
    client.get("/ar/feedback/new/")
    with django_assert_num_queries(0):
        assert client.get("/ar/feedback/new/").status_code == 200


@pytest.mark.django_db
def test_a_new_or_renamed_topic_shows_at_once(client, topic, django_capture_on_commit_callbacks):
    assert "Health services" in client.get("/en/feedback/new/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        topic.name_en = "Hospitals and clinics"
        topic.save()
    page = client.get("/en/feedback/new/").content.decode()
    assert "Hospitals and clinics" in page
    assert "Health services" not in page
    with django_capture_on_commit_callbacks(execute=True):
        topic.is_active = False
        topic.save()
    assert "Hospitals and clinics" not in client.get("/en/feedback/new/").content.decode()


@pytest.mark.django_db
def test_junk_query_strings_are_rendered_not_stored(client, topic):
    from django.core.cache import cache

    def stored() -> int:
        if hasattr(cache._cache, "get_client"):  # Redis
            return len(cache._cache.get_client().keys(f"{cache.key_prefix}:*page:feedback-form:*"))
        return sum("page:feedback-form:" in key for key in cache._cache)

    client.get("/en/feedback/new/")
    before = stored()
    for n in range(10):
        page = client.get(f"/en/feedback/new/?kind=idea&x={n}")
        assert page.status_code == 200
        assert b"csrf-token-slot" not in page.content
    assert stored() == before
    # The kind chosen by the address is still pre-selected in a stored form.
    idea = client.get("/en/feedback/new/?kind=idea").content.decode()
    assert re.search(r'<input[^>]*value="idea"[^>]*checked', idea)
