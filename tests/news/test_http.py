import datetime
import re
import time

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from news.models import Article
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/ar/news/", "/en/news/?q=منتدى", "/en/news/feed/", "/ar/news/feed/atom/"]


@pytest.fixture
def article(db):
    return make_article(title_ar="منتدى التواصل", title_en="Communication forum")


def _public_urls(article) -> list[str]:
    return [
        *PUBLIC_PAGES,
        f"/ar/news/{article.slug}/",
        f"/en/news/category/{article.category.slug}/",
        f"/en/news/{timezone.localtime(article.publish_at):%Y/%-m}/",
        "/sitemap.xml",
    ]


def test_public_pages_set_no_cookie_and_are_publicly_cacheable(client, article):
    for url in _public_urls(article):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "public" in response["Cache-Control"], url
        assert "max-age=" in response["Cache-Control"], url
        assert response["ETag"] and response["Last-Modified"], url
        assert "Cookie" in response["Vary"], url
        assert 'name="csrfmiddlewaretoken"' not in response.content.decode()


def test_conditional_get_answers_304(client, article):
    url = f"/en/news/{article.slug}/"
    first = client.get(url)
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    not_modified = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert not_modified.status_code == 304
    assert not_modified["ETag"] == first["ETag"]
    assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200


def test_pages_are_cached_per_language(client, article):
    assert client.get("/ar/news/")["X-News-Cache"] == "miss"
    assert client.get("/ar/news/")["X-News-Cache"] == "hit"
    english = client.get("/en/news/")
    assert english["X-News-Cache"] == "miss"
    assert "Communication forum" in english.content.decode()
    assert 'lang="en"' in english.content.decode()


def test_editing_an_article_shows_at_once(django_capture_on_commit_callbacks, client, article):
    url = f"/en/news/{article.slug}/"
    assert "Communication forum" in client.get(url).content.decode()
    assert "Communication forum" in client.get("/en/news/").content.decode()
    article.title_en = "Renamed forum"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert "Renamed forum" in client.get(url).content.decode()
    assert "Renamed forum" in client.get("/en/news/").content.decode()


def test_publishing_and_unpublishing_show_at_once(django_capture_on_commit_callbacks, client):
    draft = make_article(title_en="Soon public", status=Article.Status.DRAFT)
    assert "Soon public" not in client.get("/en/news/").content.decode()
    draft.status = Article.Status.PUBLISHED
    with django_capture_on_commit_callbacks(execute=True):
        draft.save()
    assert "Soon public" in client.get("/en/news/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        draft.delete()
    assert "Soon public" not in client.get("/en/news/").content.decode()


def test_category_rename_shows_at_once(django_capture_on_commit_callbacks, client, article):
    assert client.get("/en/news/").status_code == 200
    category = article.category
    category.name_en = "Renamed category"
    with django_capture_on_commit_callbacks(execute=True):
        category.save()
    assert "Renamed category" in client.get("/en/news/").content.decode()


def test_scheduled_article_appears_when_due_without_cron(client):
    make_article(title_en="Already out")
    make_article(
        title_en="Due very soon", publish_at=timezone.now() + datetime.timedelta(seconds=1.5)
    )
    first = client.get("/en/news/")
    assert "Due very soon" not in first.content.decode()
    assert int(re.search(r"max-age=(\d+)", first["Cache-Control"]).group(1)) <= 2
    time.sleep(2)
    assert "Due very soon" in client.get("/en/news/").content.decode()


def test_logged_in_visitors_get_fresh_private_pages(client_as, editor, article):
    client = client_as(editor)
    response = client.get("/en/news/")
    assert "private" in response["Cache-Control"]
    assert "X-News-Cache" not in response


def test_robots_names_the_sitemap(client):
    response = client.get("/robots.txt")
    content = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in content
    assert "Disallow: /admin/" in content


def test_unknown_category_is_not_cached_as_a_page(client):
    make_category(slug="known")
    assert client.get("/en/news/category/unknown/").status_code == 404
    assert client.get("/en/news/category/known/").status_code == 200


def test_pages_change_only_after_the_commit(django_capture_on_commit_callbacks, article):
    """A page rendered between the save and the commit must not be cached as the new one."""
    from news import cache as news_cache

    before = news_cache.version()
    with django_capture_on_commit_callbacks() as callbacks:
        article.title_en = "Renamed"
        article.save()
        assert news_cache.version() == before
    assert callbacks
    for callback in callbacks:
        callback()
    assert news_cache.version() != before


def test_a_page_fetched_over_https_gives_no_https_links_to_plain_http_visitors(client, article):
    # gunicorn believes X-Forwarded-Ssl from loopback: one such request looks like https.
    url = f"/en/news/{article.slug}/"
    secure = client.get(url, secure=True)
    assert f'rel="canonical" href="https://testserver{url}"' in secure.content.decode()
    plain = client.get(url)
    assert plain["X-News-Cache"] == "miss"
    assert f'rel="canonical" href="http://testserver{url}"' in plain.content.decode()
    assert "https://testserver" not in plain.content.decode()
    assert client.get(url, secure=True)["X-News-Cache"] == "hit"


def _cached_pages() -> int:
    from django.core.cache import cache

    if hasattr(cache._cache, "get_client"):  # Redis
        return len(cache._cache.get_client().keys(f"{cache.key_prefix}:*news:page:*"))
    return sum("news:page:" in key for key in cache._cache)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/ar/?utm_source=mail", "/ar/"),
        ("/en/news/?x=1&page=2&y=2", "/en/news/?page=2"),
        (
            "/en/news/?q=%D9%85%D9%86%D8%AA%D8%AF%D9%89&junk=1",
            "/en/news/?q=%D9%85%D9%86%D8%AA%D8%AF%D9%89",
        ),
        ("/en/news/feed/?v=2", "/en/news/feed/"),
        ("/sitemap.xml?p=1&cb=7", "/sitemap.xml?p=1"),
    ],
)
def test_junk_query_parameters_redirect_to_the_page_without_them(client, article, url, expected):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == expected
    assert client.get(expected).status_code == 200


def test_junk_query_strings_store_no_extra_copies(client, article):
    url = f"/en/news/category/{article.category.slug}/"
    assert client.get(url)["X-News-Cache"] == "miss"
    stored = _cached_pages()
    for n in range(20):
        client.get(f"{url}?cachebuster={n}")
    assert _cached_pages() == stored
    # The parameters a page reads still make their own pages.
    assert client.get(f"{url}?page=1")["X-News-Cache"] == "miss"
    # Every declared filter is kept (empty ones only redirect to the address without them).
    full = client.get(
        "/en/news/?q=forum&category=&ministry=&year=&month=&date_from=&date_to=&page=1",
        follow=True,
    )
    assert full.redirect_chain == [("/en/news/?q=forum&page=1", 302)]
    assert full.status_code == 200
    assert "Communication forum" in full.content.decode()


@given(st.text(alphabet="ab=&+%;2Fé ", max_size=30))
def test_the_cached_page_key_reads_the_query_as_django_does(query_string):
    """The cached-page middleware parses the query itself (no QueryDict on the hottest
    path): it must read every address as ``request.GET`` does, or pages would be stored
    under one key and looked up under another."""
    from urllib.parse import urlencode

    from django.http import QueryDict

    from news.http import _query_as_sent

    as_django = urlencode(
        [(name, value) for name, values in QueryDict(query_string).lists() for value in values]
    )
    assert _query_as_sent(query_string) == as_django
