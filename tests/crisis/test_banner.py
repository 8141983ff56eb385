"""The banner on every page, stored copies included, within seconds: against the real page
caches (news' public pages, the stored feedback form and tracking pages)."""

import datetime
import re
import time

import pytest
from django.test import Client
from django.utils import timezone

from crisis import banner, workflow
from crisis.models import Alert
from tests.factories import make_article, make_submission, make_topic

pytestmark = pytest.mark.django_db

BANNER = re.compile(r'<section class="crisis-banner crisis-banner--(\w+)"')


@pytest.fixture
def article(db):
    return make_article(title_ar="منتدى التواصل", title_en="Communication forum")


def _cached_pages(article) -> list[str]:
    make_topic()
    return [
        "/ar/",
        "/en/",
        "/ar/news/",
        f"/en/news/{article.slug}/",
        "/en/feedback/new/",
        "/ar/feedback/new/",
        "/en/contact/",
    ]


def _levels(response) -> list[str]:
    return BANNER.findall(response.content.decode())


def _store(client, urls):
    for url in urls:
        assert client.get(url).status_code == 200, url
    for url in urls:  # stored now: the second visit is a hit (or a stored form page)
        response = client.get(url)
        assert not _levels(response), url


def test_a_published_alert_reaches_every_stored_page_at_once_in_its_language(
    client, published, article
):
    urls = _cached_pages(article)
    _store(client, urls)
    assert client.get("/ar/")["X-News-Cache"] == "hit"
    alert = published()
    for url in urls:
        response = client.get(url)
        assert _levels(response) == ["emergency"], url
        page = response.content.decode()
        if url.startswith("/ar/"):
            assert "طوارئ" in page and alert.headline_ar in page, url
            assert alert.headline_en not in page, url
        else:
            assert "Emergency" in page and alert.headline_en in page, url
            assert alert.headline_ar not in page, url
    # The home page was answered from its stored copy: nothing was rendered again.
    assert client.get("/ar/")["X-News-Cache"] == "hit"


def test_other_processes_see_it_within_their_local_copy(client, published, article, settings):
    """Another process holds its copy of 'no banner' for CRISIS_BANNER_LOCAL_SECONDS."""
    settings.CRISIS_BANNER_LOCAL_SECONDS = 1
    client.get("/en/")
    # Publishing from "another process": the shared state is replaced, this process's
    # own copy is not.
    stale = banner._memo["state"]
    published()
    banner._memo["state"], banner._memo["read_at"] = stale, time.monotonic()
    assert not _levels(client.get("/en/"))
    time.sleep(1.1)
    assert _levels(client.get("/en/")) == ["emergency"]


def test_the_banner_costs_no_query_on_a_stored_page(
    client, published, article, django_assert_num_queries
):
    published()
    client.get("/en/")
    client.get(f"/en/news/{article.slug}/")
    banner.forget_local_copy()
    with django_assert_num_queries(0):
        response = client.get("/en/")
        client.get(f"/en/news/{article.slug}/")
    assert _levels(response) == ["emergency"]


def test_without_javascript_with_a_heading_level_words_and_colour(client, published):
    published(level=Alert.Level.WARNING)
    page = client.get("/en/").content.decode()
    section = page[page.index('<section class="crisis-banner') :]
    section = section[: section.index("</section>")]
    assert "<script" not in section
    assert 'aria-labelledby="crisis-banner-' in section
    assert re.search(
        r'<h2 class="crisis-banner__title" id="crisis-banner-\d+"><span class="crisis-banner__level">Warning</span>',
        section,
    )
    assert "crisis-banner--warning" in section  # the colour, beside the word
    assert 'role="alert"' not in section
    # Before the header: the first thing a screen reader meets after the skip link.
    assert page.index("crisis-banner") < page.index('class="site-header"')


def test_exercise_and_test_alerts_are_never_a_banner(client, published):
    published(status=Alert.Status.EXERCISE)
    published(status=Alert.Status.TEST)
    assert not _levels(client.get("/en/"))
    assert not _levels(client.get("/ar/"))


def test_cancellation_shows_the_end_for_a_while_then_nothing(
    client, published, draft, publisher, approver, settings, django_capture_on_commit_callbacks
):
    first = published()
    assert _levels(client.get("/en/")) == ["emergency"]
    with django_capture_on_commit_callbacks(execute=True):
        cancel = draft(msg_type=Alert.MsgType.CANCEL, follows=first, urgency=Alert.Urgency.PAST)
        workflow.transition(publisher, cancel, "request_approval")
        workflow.transition(approver, cancel, "approve")
    english = client.get("/en/").content.decode()
    assert _levels(client.get("/en/")) == ["ended"]
    assert "This emergency is over" in english
    assert "انتهت حالة الطوارئ" in client.get("/ar/").content.decode()
    settings.CRISIS_ENDED_NOTICE_MINUTES = 0
    banner.refresh()
    assert not _levels(client.get("/en/"))


def test_an_update_replaces_the_banner(
    client, published, draft, publisher, approver, django_capture_on_commit_callbacks
):
    first = published()
    with django_capture_on_commit_callbacks(execute=True):
        update = draft(
            msg_type=Alert.MsgType.UPDATE, follows=first, headline_en="Water still rising"
        )
        workflow.transition(publisher, update, "request_approval")
        workflow.transition(approver, update, "approve")
    page = client.get("/en/").content.decode()
    assert _levels(client.get("/en/")) == ["emergency"]
    assert "Water still rising" in page and first.headline_en not in page


def test_expiry_ends_the_banner_with_nothing_written(
    client, published, article, django_assert_num_queries
):
    published(expires=timezone.now() + datetime.timedelta(seconds=1.5))
    assert _levels(client.get("/en/")) == ["emergency"]
    time.sleep(2)
    banner.forget_local_copy()
    response = client.get("/en/")
    assert not _levels(response)


def test_a_scheduled_alert_appears_when_it_starts(client, published):
    published(effective=timezone.now() + datetime.timedelta(seconds=1.5))
    assert not _levels(client.get("/en/"))
    time.sleep(2)
    banner.forget_local_copy()
    assert _levels(client.get("/en/")) == ["emergency"]


def test_browsers_and_proxies_keep_a_page_at_most_five_seconds(client, article):
    make_topic()
    for url in ("/en/", "/ar/news/", f"/en/news/{article.slug}/"):
        cache_control = client.get(url)["Cache-Control"]
        assert int(re.search(r"max-age=(\d+)", cache_control).group(1)) <= 5, url


def test_a_validator_from_before_the_alert_gets_the_page_with_the_banner(client, published):
    before = client.get("/en/")
    assert client.get("/en/", headers={"if-none-match": before["ETag"]}).status_code == 304
    published()
    # The same stored copy, but a new banner: never a 304 for the old validator, nor for
    # its date.
    response = client.get(
        "/en/",
        headers={"if-none-match": before["ETag"], "if-modified-since": before["Last-Modified"]},
    )
    assert response.status_code == 200 and _levels(response) == ["emergency"]
    assert response["ETag"] != before["ETag"]
    again = client.get("/en/", headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304 and again["ETag"] == response["ETag"]
    only_date = client.get("/en/", headers={"if-modified-since": response["Last-Modified"]})
    assert only_date.status_code == 200


def test_the_banner_stays_out_of_feeds_and_machine_documents(client, published):
    published()
    for url in ("/en/news/feed/atom/", "/ar/news/feed/", "/sitemap.xml", "/robots.txt"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"crisis-banner" not in response.content, url


def test_the_stored_tracking_page_gets_the_banner(client, published):
    from feedback.tracking import tracking_path

    submission = make_submission()
    url = tracking_path(submission.reference)
    assert client.get(url).status_code == 200
    published()
    assert _levels(client.get(url)) == ["emergency"]


def test_signed_in_staff_see_it_too(client_as, publisher, published):
    published()
    assert _levels(client_as(publisher).get("/en/staff/crisis/")) == ["emergency"]


def test_without_the_cache_the_banner_still_shows(client, published, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    published()
    banner.forget_local_copy()
    assert _levels(Client().get("/en/")) == ["emergency"]


def test_a_page_is_never_refused_because_the_banner_cannot_be_read(client, article, monkeypatch):
    from django.core.cache import cache
    from django.db import OperationalError

    assert client.get("/en/").status_code == 200  # stored

    def database_down(now=None):
        raise OperationalError("the database went away")

    monkeypatch.setattr(banner, "compute", database_down)
    cache.delete(banner.STATE_KEY)
    banner.forget_local_copy()
    response = client.get("/en/")
    assert response.status_code == 200 and not _levels(response)
