"""Issue 7, item 3: CSRF on every POST. A browser that did not get the form from us (no
CSRF token) is refused with 403 everywhere a POST changes something, and nothing changes."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from feedback.models import Submission, SubmissionEvent
from tests.security.conftest import track_url

# (persona or None, path, data)
POSTS = [
    (
        None,
        "/en/feedback/new/",
        {"kind": "complaint", "subject": "s", "body": "b", "consent": "on"},
    ),
    (None, "/en/feedback/track/", {"reference": "{reference}", "email": "citizen@example.com"}),
    (None, "{track}rate/", {"rating": "5"}),
    (None, "{track}erase/", {"confirm": "on"}),
    (None, "/i18n/setlang/", {"language": "en", "next": "/en/"}),
    (None, "/admin/login/", {"username": "root", "password": "x"}),
    ("moderator", "/en/staff/items/{reference}/note/", {"note-internal_note": "n"}),
    ("moderator", "/en/staff/items/{reference}/erase/", {"erase-confirm": "on"}),
    ("moderator", "/en/staff/queue/bulk/", {"items": "{reference}", "bulk_action": "reject"}),
    ("officer_a", "/en/staff/items/{reference}/close/", {"close-expected_status": "answered"}),
    ("moderator", "/en/account/two-factor/setup/", {"token": "123456"}),
    ("moderator", "/en/account/two-factor/", {"token": "123456"}),
    ("moderator", "/admin/logout/", {}),
    ("admin_user", "/admin/feedback/topic/add/", {"name_ar": "x", "name_en": "x"}),
    ("editor", "/admin/news/article/add/", {"title_ar": "x", "slug": "x"}),
    ("admin_user", "/admin/auth/user/add/", {"username": "intruder", "password1": "x"}),
]


def csrf_client(user: User | None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "path", "data"), POSTS, ids=[f"{p[0] or 'anonymous'} {p[1]}" for p in POSTS]
)
def test_every_post_without_a_csrf_token_is_refused(request, item, persona, path, data):
    fill = {"reference": item.reference, "track": track_url(item)}
    user = request.getfixturevalue(persona) if persona else None
    client = csrf_client(user)
    before = (Submission.objects.count(), SubmissionEvent.objects.count(), User.objects.count())
    item_before = Submission.objects.values().get(pk=item.pk)

    response = client.post(
        path.format(**fill), {k: v.format(**fill) for k, v in data.items()}, secure=True
    )

    assert response.status_code == 403, (path, response.status_code)
    after = (Submission.objects.count(), SubmissionEvent.objects.count(), User.objects.count())
    assert after == before
    assert Submission.objects.values().get(pk=item.pk) == item_before
    assert "sessionid" not in response.cookies or user is not None  # not signed in by it


@pytest.mark.django_db
def test_a_token_from_another_session_is_refused_too(client_as, moderator, officer_a, item):
    """Not only a missing token: a token of someone else's session does not count."""
    stranger = Client(enforce_csrf_checks=True)
    stranger.get("/en/feedback/new/")
    stolen = stranger.cookies["csrftoken"].value
    victim = csrf_client(officer_a)
    response = victim.post(
        f"/en/staff/items/{item.reference}/close/",
        {"close-expected_status": "answered", "csrfmiddlewaretoken": stolen + "x"},
        secure=True,
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == "answered"


@pytest.mark.django_db
def test_with_the_token_the_same_post_works(client, item):
    """The control: the refusal above is the CSRF check, not a broken form."""
    client = Client(enforce_csrf_checks=True)
    page = client.get(track_url(item))
    # The token as a browser reads it: from the form (the page may come from the cache).
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = client.post(
        track_url(item) + "erase/", {"confirm": "on", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.erasure_requested_at is not None
