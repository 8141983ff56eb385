"""Issue 7, item 2: the protective headers on EVERY page type (public, news, feeds,
feedback, tracking, staff, admin, errors, machine endpoints), for each persona that can
open it, and no inline script or style that the CSP would have to allow."""

import re

import pytest
from django.test import Client

from tests.security.conftest import track_url

# (name, persona or None for anonymous, path; "{...}" filled from the fixtures)
PAGES = [
    ("root redirect", None, "/"),
    ("home ar", None, "/ar/"),
    ("home en", None, "/en/"),
    ("about", None, "/en/about/"),
    ("privacy", None, "/ar/privacy/"),
    ("news list", None, "/en/news/"),
    ("news search", None, "/ar/news/?q=%D9%88%D8%B2%D8%A7%D8%B1%D8%A9"),
    ("news detail", None, "/en/news/security-news/"),
    ("news category", None, "/en/news/category/{category}/"),
    ("news archive", None, "/en/news/{year}/{month}/"),
    ("rss feed", None, "/en/news/feed/"),
    ("atom feed", None, "/ar/news/feed/atom/"),
    ("clarification list", None, "/en/clarifications/"),
    ("clarification search", None, "/ar/clarifications/?q=%D8%A5%D8%BA%D9%84%D8%A7%D9%82"),
    ("clarification detail", None, "/ar/clarifications/security-clarification/"),
    ("clarification rss", None, "/en/clarifications/feed/"),
    ("clarification atom", None, "/ar/clarifications/feed/atom/"),
    ("sitemap", None, "/sitemap.xml"),
    ("robots", None, "/robots.txt"),
    ("healthz", None, "/healthz"),
    ("readyz", None, "/readyz"),
    ("feedback form", None, "/ar/feedback/new/"),
    ("inquiry form", None, "/ar/feedback/ask/"),
    ("inquiry matches", None, "/en/feedback/ask/matches/?q=%D9%85%D8%AF%D8%A7%D8%B1%D8%B3"),
    ("feedback sent (no session)", None, "/en/feedback/sent/"),
    ("tracking form", None, "/en/feedback/track/"),
    ("tracking page", None, "{track}"),
    ("deletion request page", None, "{track}erase/"),
    ("broken tracking link", None, "/ar/feedback/track/TW-AAAA-AAAA:cut/"),
    ("not found", None, "/en/no-such-page/"),
    ("wrong method", None, "/en/feedback/track/{token}/rate/"),
    ("ministries", None, "/ar/ministries/?sort=answer"),
    ("ministry page", None, "/en/ministries/health/"),
    ("open data page", None, "/en/ministries/open-data/"),
    ("open data csv", None, "/en/ministries/open-data/statistics.csv"),
    ("open data json", None, "/ar/ministries/open-data/statistics.json"),
    ("open data schema", None, "/en/ministries/open-data/schema.json"),
    ("staff without sign-in", None, "/en/staff/"),
    ("admin login", None, "/admin/login/"),
    ("dashboard", "moderator", "/en/staff/"),
    ("csv export", "moderator", "/en/staff/export.csv"),
    ("queue", "moderator", "/ar/staff/queue/"),
    ("inbox", "officer_a", "/en/staff/inbox/"),
    ("staff item", "officer_a", "/ar/staff/items/{reference}/"),
    ("staff item of another ministry", "officer_b", "/en/staff/items/{reference}/"),
    ("claims under review", "moderator", "/ar/staff/claims/"),
    ("claims of an editor", "editor", "/en/staff/claims/"),
    ("two-factor setup", "moderator", "/en/account/two-factor/setup/"),
    ("admin index", "admin_user", "/admin/"),
    ("admin submissions", "admin_user", "/admin/feedback/submission/"),
    ("admin submission", "admin_user", "/admin/feedback/submission/{pk}/change/"),
    ("admin articles", "editor", "/admin/news/article/"),
    ("admin article form", "editor", "/admin/news/article/add/"),
    ("news preview", "editor", "/en/news/preview/{article}/"),
    ("admin clarifications", "editor", "/admin/news/clarification/"),
    ("admin clarification form", "editor", "/admin/news/clarification/add/"),
    ("clarification preview", "editor", "/en/clarifications/preview/{clarification}/"),
]
REFERRER_POLICIES = {"strict-origin-when-cross-origin", "same-origin", "no-referrer"}
INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def assert_protective_headers(response, *, secure: bool = True) -> None:
    csp = response["Content-Security-Policy"]
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in csp.split(";") if part.strip()
    )
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "'unsafe-inline'" not in directives.get("script-src", "")
    assert "'unsafe-eval'" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in REFERRER_POLICIES
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    if secure:
        assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def assert_no_inline_code(response) -> None:
    """What the CSP would block must not be needed: no inline script without the page's
    nonce, no event-handler attributes, no javascript: links, no style attributes."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    for match in INLINE_SCRIPT.finditer(html):
        attrs, body = match["attrs"], match["body"]
        is_data = 'type="application/json"' in attrs or 'type="application/ld+json"' in attrs
        if "src=" in attrs or is_data or not body.strip():
            continue
        assert nonce and f'nonce="{nonce[1]}"' in attrs, match[0][:200]
    assert not EVENT_HANDLER.search(html), EVENT_HANDLER.search(html)[0]
    assert "javascript:" not in html.lower()
    assert ' style="' not in html


@pytest.fixture
def clarification(db):
    from django.utils import timezone

    from news.models import Clarification
    from tests.factories import make_clarification

    draft = make_clarification(
        slug="security-clarification", appearance_urls="https://r.example/", status="draft"
    )
    # Public without drawing its share cards (a second per test; not what is tested here).
    Clarification.objects.filter(pk=draft.pk).update(
        status="published", published_at=timezone.now()
    )
    return draft


@pytest.fixture
def fill(item, article, clarification):
    return {
        "clarification": clarification.pk,
        "track": track_url(item),
        "token": track_url(item).rstrip("/").rsplit("/", 1)[1],
        "reference": item.reference,
        "pk": item.pk,
        "article": article.pk,
        "category": article.category.slug,
        "year": article.publish_at.year,
        "month": article.publish_at.month,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "persona", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_type_carries_the_protective_headers(
    request, client, client_as, fill, name, persona, path
):
    browser = client_as(request.getfixturevalue(persona)) if persona else client
    response = browser.get(path.format(**fill), secure=True)
    assert response.status_code < 500, (name, response.status_code)
    assert_protective_headers(response)
    assert_no_inline_code(response)


@pytest.mark.django_db
@pytest.mark.urls("tests.security.urls")
def test_the_error_page_carries_them_too():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", secure=True)
    assert response.status_code == 500
    assert_protective_headers(response)
    assert_no_inline_code(response)


@pytest.mark.django_db
def test_an_attachment_download_is_sandboxed(client_as, moderator, item):
    attachment = item.attachments.get()
    response = client_as(moderator).get(f"/en/feedback/attachments/{attachment.pk}/", secure=True)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    b"".join(response.streaming_content)  # read to the end: the test client closes it


@pytest.mark.django_db
def test_the_citizens_own_files_are_sandboxed(client, item):
    """The citizen's view of their files (the tracking page's stored previews) answers as the
    staff download does, and sends its address (the private link's token) to no one."""
    attachment = item.attachments.get()
    base = f"{track_url(item)}files/{attachment.pk}/"
    for url in (base, base + "preview/"):
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response["Cache-Control"]
        if response.streaming:
            b"".join(response.streaming_content)  # read to the end: the client closes it


@pytest.mark.django_db
def test_plain_http_gets_no_hsts_but_the_rest(client):
    """HSTS only over HTTPS (browsers ignore it on http); production redirects http."""
    response = client.get("/en/")
    assert "Strict-Transport-Security" not in response
    assert_protective_headers(response, secure=False)


@pytest.mark.django_db
def test_staff_cookies_are_httponly_and_same_site(client_as, moderator):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    staff = client_as(moderator)
    # The cookie is sent again whenever the session's expiry moves forward (at most once
    # a minute, portal/sessions.py): here its stored expiry is two minutes behind.
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=28))
    response = staff.get("/en/staff/", secure=True)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    # Gone with the browser; the 30-minute idle expiry is kept on the server
    # (tests/portal/test_staff_sign_in.py).
    assert cookie["max-age"] == ""
