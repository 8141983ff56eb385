"""Each process answers the stored pages it read last from its own copy for
NEWS_PAGE_LOCAL_SECONDS, without a round trip to the shared cache (news/cache.py); a change
made here shows at once, one made by another process within those seconds."""

import time

import pytest
from django.core.cache import cache
from django.test import Client

from news import cache as news_cache
from news.models import Article
from tests.factories import make_article


@pytest.fixture
def article(db):
    return make_article(title_ar="منتدى التواصل", title_en="Communication forum")


def _stored_keys() -> list[str]:
    return list(news_cache._local)


@pytest.mark.django_db
def test_a_stored_page_is_answered_from_this_process_without_the_shared_cache(article):
    url = f"/en/news/{article.slug}/"
    Client().get(url)  # rendered and stored
    Client().get(url)  # read from the shared cache: kept here
    cache.delete(_stored_keys()[0])  # the shared copy is gone (evicted)
    copy = Client().get(url)
    assert copy.status_code == 200 and copy["X-News-Cache"] == "hit"
    assert "Communication forum" in copy.content.decode()


@pytest.mark.django_db
def test_a_change_made_here_shows_at_once(article, django_capture_on_commit_callbacks):
    Client().get("/en/news/")
    Client().get("/en/news/")
    with django_capture_on_commit_callbacks(execute=True):  # committed: a new version
        make_article(title_ar="خبر جديد", title_en="Fresh news")
    page = Client().get("/en/news/")
    assert page["X-News-Cache"] == "miss" and "Fresh news" in page.content.decode()


@pytest.mark.django_db
def test_a_change_made_by_another_process_shows_within_the_local_seconds(article, settings):
    settings.NEWS_PAGE_LOCAL_SECONDS = 1
    url = f"/en/news/{article.slug}/"
    Client().get(url)
    Client().get(url)
    # Another server edits the article: the shared version changes, this process is not told.
    Article.objects.filter(pk=article.pk).update(title_en="Communication forum, corrected")
    cache.set(news_cache.VERSION_KEY, str(time.time_ns()), timeout=None)
    assert "corrected" not in Client().get(url).content.decode()
    time.sleep(1.05)
    later = Client().get(url)
    assert later["X-News-Cache"] == "miss" and "corrected" in later.content.decode()


@pytest.mark.django_db
def test_no_local_copy_outlives_its_page(article, settings):
    url = f"/en/news/{article.slug}/"
    Client().get(url)
    Client().get(url)
    key = _stored_keys()[0]
    read_at, entry, version = news_cache._local[key]
    news_cache._local[key] = (read_at, {**entry, "expires": time.time() - 1}, version)
    cache.delete(key)
    assert Client().get(url)["X-News-Cache"] == "miss"


@pytest.mark.django_db
def test_at_most_the_most_recent_pages_are_kept_and_none_when_switched_off(article, settings):
    for page in range(1, news_cache.LOCAL_PAGES + 20):
        news_cache.keep_local_copy(f"k{page}", {"expires": time.time() + 60}, "v")
    assert len(news_cache._local) == news_cache.LOCAL_PAGES
    assert news_cache.local_copy("k1") is None and news_cache.local_copy(
        f"k{news_cache.LOCAL_PAGES + 19}"
    )
    news_cache.forget_local_copies()
    settings.NEWS_PAGE_LOCAL_SECONDS = 0
    url = f"/en/news/{article.slug}/"
    Client().get(url)
    Client().get(url)
    assert _stored_keys() == []
