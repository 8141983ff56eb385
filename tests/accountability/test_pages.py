"""The ministries' pages as a visitor and an operator notice them: the small-number rule at
its default in both languages, the ministry's news and channels, the shared cache, and a
number of queries that does not grow with the requests or the ministries."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html

from feedback import workflow
from tests.accountability.dataset import TODAY, at, clock
from tests.conftest import clear_test_cache
from tests.factories import make_article, make_channel, make_ministry, make_submission, make_topic

pytestmark = pytest.mark.django_db


def get(client, url):
    with clock(TODAY):
        return client.get(url)


def cells(response, ministry_name: str) -> list[str]:
    document = html.fromstring(response.content.decode())
    for row in document.xpath("//table[contains(@class, 'data-table--comparison')]//tr"):
        heading = row.find("th[@scope='row']")
        if heading is not None and heading.text_content().strip() == ministry_name:
            return [" ".join(td.text_content().split()) for td in row.findall("td")]
    raise AssertionError(ministry_name)


def test_below_ten_requests_nothing_is_exact_and_nothing_is_ranked(client, data):
    """Default threshold: the dataset's 6, 3 and 1 requests are all "fewer than 10"."""
    english = get(client, "/en/ministries/")
    assert cells(english, "Ministry of Health") == ["not ranked"] + ["fewer than 10"] * 8
    arabic = get(client, "/ar/ministries/")
    assert cells(arabic, "وزارة الصحة") == ["غير مصنفة"] + ["أقل من 10"] * 8
    page = get(client, "/ar/ministries/health/").content.decode()
    assert "أقل من 10" in page
    assert "لم تُصنَّف" in page  # "not ranked" explained on the ministry's page


def test_the_threshold_is_formatted_and_configurable(client, data, settings):
    settings.PUBLIC_STATS_MIN_COUNT = 1000
    page = get(client, "/en/ministries/").content.decode()
    assert "fewer than 1,000" in page


def test_a_ministry_page_has_its_news_and_channels(client, ministry_a, ministry_b):
    with clock(TODAY):
        own = make_article(title_en="Health news item", ministries=[ministry_a])
        other = make_article(title_en="Labour news item", ministries=[ministry_b])
    centre = make_channel(handle="@centre_channel")
    health = make_channel(handle="@health_channel", ministry=ministry_a)
    response = get(client, "/en/ministries/health/")
    document = html.fromstring(response.content.decode())
    news = document.xpath("//section[h2[@id='news-title']]")[0].text_content()
    assert own.title in news and other.title not in news
    channels = document.xpath("//section[h2[@id='channels-title-ministry']]")[0].text_content()
    assert health.handle in channels and centre.handle not in channels
    # The footer keeps the centre's own channels only.
    footer = document.xpath("//footer")[0].text_content()
    assert centre.handle in footer and health.handle not in footer


def test_unknown_ministry_is_404(client):
    assert get(client, "/en/ministries/no-such-ministry/").status_code == 404


def test_the_navigation_links_the_ministries(client):
    document = html.fromstring(get(client, "/ar/").content.decode())
    assert document.xpath("//nav[contains(@class, 'main-nav')]//a[@href='/ar/ministries/']")


def test_pages_are_shared_cached_for_a_few_minutes(client, ministry_a):
    first = get(client, "/en/ministries/")
    second = get(client, "/en/ministries/")
    assert first["X-News-Cache"] == "miss" and second["X-News-Cache"] == "hit"
    # Browsers and proxies keep them a few seconds (the crisis banner's 10-second promise).
    assert f"max-age={settings.CRISIS_PAGE_MAX_AGE}" in second["Cache-Control"]
    assert get(client, "/en/ministries/health/")["X-News-Cache"] == "miss"
    assert get(client, "/en/ministries/health/")["X-News-Cache"] == "hit"


def _grow(ministries: int, per_ministry: int, moderator) -> None:
    for _n in range(ministries):
        ministry = make_ministry()
        topic = make_topic(ministry=ministry)
        for day in range(per_ministry):
            with clock(at(3, 1 + day)):
                item = make_submission(topic=topic)
                workflow.route(item, actor=moderator, ministry=ministry)


def _queries(client, url) -> int:
    clear_test_cache()
    with CaptureQueriesContext(connection) as context, clock(TODAY):
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("url", ["/en/ministries/", "/en/ministries/health/"])
def test_queries_do_not_grow_with_requests_or_ministries(client, url, ministry_a, moderator):
    _grow(1, 2, moderator)
    few = _queries(client, url)
    _grow(5, 6, moderator)
    assert _queries(client, url) == few
    assert few <= 10


def test_the_pages_and_files_of_the_same_minutes_rest_on_one_snapshot(client, data, moderator):
    """The list, a ministry's page and the open data read one snapshot (the suppression
    worked out once); requests that arrive meanwhile show together when it is renewed."""
    from news import cache as news_cache

    before = get(client, "/en/ministries/")
    with CaptureQueriesContext(connection) as context, clock(TODAY):
        assert client.get("/en/ministries/open-data/statistics.csv").status_code == 200
    # The names of the ministries and topics only: no statistics table is read again.
    assert not any("stat" in query["sql"].lower() for query in context.captured_queries)
    for _n in range(12):
        with clock(at(11, 2)):
            make_submission()
    news_cache.bump()  # the pages' own copies go; the snapshot stays its minutes
    again = get(client, "/en/ministries/")
    assert cells(again, "Ministry of Health") == cells(before, "Ministry of Health")
    clear_test_cache()  # five minutes later
    assert get(client, "/en/ministries/").content != before.content


def test_the_statistics_still_answer_when_the_cache_is_down(client, data, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    for url in (
        "/en/ministries/",
        "/ar/ministries/health/",
        "/en/ministries/open-data/statistics.csv",
    ):
        assert get(client, url).status_code == 200, url
    assert "Ministry of Health" in get(client, "/en/ministries/").content.decode()
