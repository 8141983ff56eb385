"""Stored public pages are answered early, with every header, and rendered once after the
cache is emptied (issue 12, point 3)."""

import threading

import pytest
from django.test import Client

from portal import pagecache
from tests.conftest import clear_test_cache, close_thread_caches
from tests.factories import make_article

# Headers that differ between two answers for reasons of their own.
PER_ANSWER = {"Date", "X-News-Cache", "Expires"}


@pytest.fixture
def article(db):
    return make_article(title_ar="منتدى التواصل", title_en="Communication forum")


def _pages(article) -> list[str]:
    return ["/ar/", "/en/news/", "/en/news/?q=forum&page=1", f"/ar/news/{article.slug}/"]


@pytest.mark.django_db
def test_a_stored_page_is_answered_before_sessions_with_the_same_headers(client, article):
    for url in _pages(article):
        for secure in (False, True):  # HSTS only over https
            miss = client.get(url, secure=secure)
            hit = client.get(url, secure=secure)
            assert miss["X-News-Cache"] == "miss", url
            assert hit["X-News-Cache"] == "hit", url
            # Answered before the session, auth and message middlewares ran.
            assert not hasattr(hit.wsgi_request, "session"), url
            assert hit.content == miss.content, url
            headers = {k: v for k, v in miss.headers.items() if k not in PER_ANSWER}
            assert {k: v for k, v in hit.headers.items() if k not in PER_ANSWER} == headers
            for name in (
                "Content-Security-Policy",
                "X-Content-Type-Options",
                "Permissions-Policy",
                "Referrer-Policy",
                "X-Frame-Options",
                "Cross-Origin-Opener-Policy",
                "Content-Language",
                "ETag",
                "Vary",
            ):
                assert hit.has_header(name), (url, name)  # fmt: skip
            assert hit.has_header("Strict-Transport-Security") == secure


@pytest.mark.django_db
def test_an_early_answer_keeps_the_language_of_the_address_and_conditional_get(client, article):
    client.get("/en/news/")
    client.get("/ar/news/")
    english = client.get("/en/news/", headers={"accept-language": "ar"})
    assert english["X-News-Cache"] == "hit"
    assert english["Content-Language"] == "en"
    assert 'lang="en"' in english.content.decode()
    arabic = client.get("/ar/news/", headers={"accept-language": "en"})
    assert 'lang="ar"' in arabic.content.decode()
    not_modified = client.get("/en/news/", headers={"if-none-match": english["ETag"]})
    assert not_modified.status_code == 304
    assert not_modified["ETag"] == english["ETag"]
    assert not not_modified.content


@pytest.mark.django_db
def test_signed_in_visitors_and_junk_parameters_are_never_answered_early(
    client, client_as, editor, article
):
    url = f"/en/news/{article.slug}/"
    client.get(url)
    staff = client_as(editor).get(url)
    assert "X-News-Cache" not in staff
    assert "private" in staff["Cache-Control"]
    junk = client.get(f"{url}?utm_source=mail")
    assert junk.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_64_concurrent_requests_after_the_cache_is_emptied_render_the_page_once(
    article, monkeypatch
):
    from django.db import connections

    from news import views

    renders = []
    real_render = views.render
    started = threading.Barrier(64)

    def counting_render(*args, **kwargs):
        renders.append(1)
        return real_render(*args, **kwargs)

    monkeypatch.setattr(views, "render", counting_render)
    url = f"/en/news/{article.slug}/"
    Client().get(url)
    assert len(renders) == 1
    clear_test_cache()  # a deploy
    renders.clear()
    statuses, bodies = [], set()

    def visit():
        try:
            started.wait()
            response = Client().get(url)
            statuses.append(response.status_code)
            bodies.add(response.content)
        finally:
            connections.close_all()
            close_thread_caches()

    threads = [threading.Thread(target=visit) for _ in range(64)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 64
    assert len(bodies) == 1
    assert len(renders) == 1


@pytest.mark.django_db
def test_waiters_render_themselves_when_the_lock_holder_died(client, article, monkeypatch):
    """A lock left by a worker that died mid-render: the page comes after a bounded wait."""
    from django.core.cache import cache

    from news import http

    monkeypatch.setattr(pagecache, "WAIT_SECONDS", 0.2)
    url = f"/en/news/{article.slug}/"
    request = client.get(url).wsgi_request
    clear_test_cache()
    key = http._page_key(request, "en", "")
    cache.add(f"{key}:rendering", 1, timeout=60)  # the holder died: nobody releases it
    response = client.get(url)
    assert response.status_code == 200
    assert "Communication forum" in response.content.decode()
    assert client.get(url)["X-News-Cache"] == "hit"


def test_single_flight_with_threads_on_the_real_cache():
    """The lock itself, on the configured cache (local memory, or Redis in CI's second run)."""
    renders, results = [], []
    store = {}
    started = threading.Barrier(64)
    key = "test:single-flight"
    clear_test_cache()

    def render():
        renders.append(1)
        threading.Event().wait(0.2)
        store["page"] = "rendered"
        return "rendered"

    def visit():
        try:
            started.wait()
            results.append(pagecache.single_flight(key, lambda: store.get("page"), render))
        finally:
            close_thread_caches()

    threads = [threading.Thread(target=visit) for _ in range(64)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["rendered"] * 64
    assert len(renders) == 1


def test_a_page_that_cannot_be_stored_lets_the_waiters_go_at_once(monkeypatch):
    """A 404 is not stored: waiters do not sit out the whole wait for it."""
    monkeypatch.setattr(pagecache, "WAIT_SECONDS", 30)
    clear_test_cache()
    renders = []
    started = threading.Barrier(8)

    def render():
        renders.append(1)
        threading.Event().wait(0.1)
        return "not stored"

    results = []

    def visit():
        try:
            started.wait()
            results.append(pagecache.single_flight("test:not-stored", lambda: None, render))
        finally:
            close_thread_caches()

    threads = [threading.Thread(target=visit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert results == ["not stored"] * 8
