import re

import pytest
from django.test import Client

PUBLIC_PAGES = ["", "about/", "privacy/", "news/", "feedback/new/", "feedback/track/"]


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("ar", "/ar/"), ("en-GB,en;q=0.9", "/en/"), ("fr", "/ar/"), ("", "/ar/")],
)
def test_root_redirects_by_accept_language(client: Client, accept_language, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.django_db
@pytest.mark.parametrize("page", PUBLIC_PAGES)
@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("en", "ltr")])
def test_every_public_page_declares_language_and_direction(client, page, lang, direction):
    response = client.get(f"/{lang}/{page}")
    assert response.status_code == 200
    assert html_tag(response) == f'<html lang="{lang}" dir="{direction}">'


@pytest.mark.django_db
def test_language_switch_stays_on_the_same_page_and_keeps_the_query(client):
    response = client.get("/ar/about/?x=1")
    assert 'href="/en/about/?x=1" hreflang="en" lang="en" dir="ltr">English</a>' in (
        response.content.decode()
    )
    response = client.get("/en/privacy/")
    assert 'href="/ar/privacy/" hreflang="ar" lang="ar" dir="rtl">العربيّة</a>' in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_pages_name_their_alternates_for_search_engines(client):
    content = client.get("/en/about/").content.decode()
    assert '<link rel="alternate" hreflang="ar" href="http://testserver/ar/about/">' in content
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/about/">' in content


@pytest.mark.django_db
def test_arabic_pages_are_translated(client):
    content = client.get("/ar/").content.decode()
    assert "انتقل إلى المحتوى الرئيسي" in content  # "Skip to main content"
    assert "Skip to main content" not in content


@pytest.mark.django_db
def test_admin_follows_the_chosen_language_and_direction(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ar")
    assert html_tag(response) == '<html lang="ar" dir="rtl">'
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert switched["Location"] == "/admin/"
    response = client.get("/admin/")
    assert html_tag(response) == '<html lang="en" dir="ltr">'


@pytest.mark.django_db
def test_language_switch_refuses_to_redirect_off_site(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"  # on this site; "/" then follows the chosen language
    assert client.get("/")["Location"] == "/en/"


@pytest.mark.django_db
def test_language_switch_on_a_missing_page_swaps_only_the_prefix(client):
    response = client.get("/en/no-such-page/")
    content = response.content.decode()
    assert response.status_code == 404
    assert 'href="/ar/no-such-page/" hreflang="ar"' in content
    assert 'rel="alternate"' not in content  # nothing to offer search engines on a 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/ar/missing/a%3Fb/", "/en/missing/a%3Fb/"),  # an encoded "?" stays in the path
        ("/ar/missing/a%2520b/", "/en/missing/a%2520b/"),  # not decoded twice
        ("/ar/about/?q=%D8%B5%D8%AD%D8%A9", "/en/about/?q=%D8%B5%D8%AD%D8%A9"),
    ],
)
def test_language_switch_keeps_encoded_paths_and_queries_intact(client, path, expected):
    assert f'href="{expected}" hreflang="en"' in client.get(path).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["//evil.example/", "/\\evil.example/", "///evil.example/x"])
def test_language_switch_on_a_missing_page_never_links_off_site(client, path):
    # The test client would read "//host/" as a host: the raw path goes in PATH_INFO.
    response = client.get("/", PATH_INFO=path)
    content = response.content.decode()
    assert response.status_code == 404
    assert "evil.example" not in content
    assert 'href="/en/" hreflang="en"' in content
