"""Issue 7, item 3: open redirects. The language switch, the admin's sign-in and
sign-out and the two-factor pages take a ``next`` (or a Referer): only addresses of this
site are followed; everything else falls back to a page of ours."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client

EVIL = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "http://testserver@evil.example/",
    "https://evil.example\\@testserver/",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/%09/evil.example",
    " //evil.example",
    "\t//evil.example",
    "https://evil.example%2F%2F@testserver",
]


def assert_local(location: str) -> None:
    """As a browser reads it (tabs and newlines dropped, backslashes as slashes): a path
    of this site, without a scheme or another host."""
    browser_view = re.sub(r"[\t\n\r]", "", location).replace("\\", "/").strip()
    parts = urlsplit(browser_view)
    assert not parts.scheme and not parts.netloc, location
    assert browser_view.startswith("/") and not browser_view.startswith("//"), location


def assert_stays_here(response) -> None:
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        assert_local(response["Location"])


@pytest.mark.django_db
@pytest.mark.parametrize("target", EVIL)
def test_language_switch_never_leaves_the_site(client, target):
    assert_stays_here(client.post("/i18n/setlang/", {"language": "en", "next": target}))
    assert_stays_here(client.get("/i18n/setlang/", {"language": "en", "next": target}))
    assert_stays_here(client.post("/i18n/setlang/", {"language": "ar"}, HTTP_REFERER=target))


@pytest.mark.django_db
@pytest.mark.parametrize("target", EVIL)
def test_sign_in_never_leaves_the_site(target):
    User.objects.create_user("staffer", password="correct horse battery", is_staff=True)
    client = Client()
    response = client.post(
        f"/admin/login/?next={target}",
        {"username": "staffer", "password": "correct horse battery", "next": target},
    )
    assert response.status_code == 302  # signed in
    assert_stays_here(response)


@pytest.mark.django_db
@pytest.mark.parametrize("target", EVIL)
def test_two_factor_pages_never_leave_the_site(client_as, moderator, settings, target):
    settings.STAFF_2FA_REQUIRED = True
    client = client_as(moderator)
    for path in ("/en/account/two-factor/setup/", "/en/account/two-factor/"):
        response = client.get(path, {"next": target})
        assert_stays_here(response)
        if response.status_code == 200:
            # The form posts the next address back: it must be a local one already.
            hidden = re.search(r'name="next" value="([^"]*)"', response.content.decode())
            assert hidden, "the page carries the next address"
            assert_local(hidden[1])


@pytest.mark.django_db
@pytest.mark.parametrize("target", EVIL)
def test_sign_out_never_leaves_the_site(client_as, moderator, target):
    response = client_as(moderator).post("/admin/logout/", {"next": target})
    assert_stays_here(response)
