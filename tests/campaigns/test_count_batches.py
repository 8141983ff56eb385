"""Counts wait in the process's memory and go to the shared cache in one batch: a counted
page costs no round trip to Redis, a quiet process's batch goes within the interval, the
flush sends the process's counts first, and an outage loses at most the counts since the
last flush plus one batch."""

import datetime
import logging
import os
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings
from django.utils import timezone

from campaigns import counters
from campaigns.models import DailyCount
from tests.campaigns.test_counting import BROKEN, RESTARTED, flush, total

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_batches(settings):
    """No timer sends during the test: the test sends the batch itself."""
    settings.CAMPAIGN_COUNT_BATCH_SECONDS = 600


def in_cache(kind: str, day: datetime.date | None = None) -> dict[str, int]:
    return counters.pending(kind, day or timezone.localdate())


def test_counted_pages_and_clicks_reach_the_cache_in_one_batch_of_their_exact_number(
    long_batches, person, x_link, article, django_assert_num_queries
):
    page = f"/news/{article.slug}/"
    person.get(f"/ar/news/{article.slug}/")  # stores the page
    with django_assert_num_queries(0):
        for _ in range(9):
            assert person.get(f"/ar/news/{article.slug}/")["X-News-Cache"] == "hit"
            assert person.get(f"/c/{x_link.code}").status_code == 302
    # Ten views and nine clicks, and not one of them in the shared cache yet.
    assert in_cache("view") == {}
    assert in_cache("click") == {}
    assert counters.push()
    assert in_cache("view") == {page: 10}
    assert in_cache("click") == {str(x_link.pk): 9}
    for _ in range(3):
        person.get(f"/en/news/{article.slug}/")
    assert in_cache("view") == {page: 10}
    counters.push()  # the next batch adds to the same counters
    assert in_cache("view") == {page: 13}
    flush()
    assert total("view") == 13
    assert total("click") == 9


def test_a_quiet_process_sends_its_batch_within_the_interval(settings, person, x_link, article):
    settings.CAMPAIGN_COUNT_BATCH_SECONDS = 1
    person.get(f"/ar/news/{article.slug}/")
    counted = time.monotonic()
    assert in_cache("view") == {}
    while not in_cache("view") and time.monotonic() - counted < 5:
        time.sleep(0.05)  # no request, no push: only the timer can send it
    assert in_cache("view") == {f"/news/{article.slug}/": 1}
    assert 0.9 <= time.monotonic() - counted < 3


def test_the_flush_sends_this_process_counts_first(long_batches, person, x_link, article):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    person.get(f"/ar/news/{article.slug}/")
    person.get(f"/ar/news/{article.slug}/")
    for _ in range(3):
        person.get(f"/c/{x_link.code}")
    counters.count("view", f"/news/{article.slug}/", day=yesterday)
    assert in_cache("click") == {}
    flush()
    assert total("click") == 3
    assert dict(DailyCount.objects.filter(kind="view").values_list("day", "count")) == {
        timezone.localdate(): 2,
        yesterday: 1,
    }
    flush()  # nothing left behind in this process or in the cache
    assert total("click") == 3
    assert total("view") == 3


def test_new_subjects_of_several_batches_are_all_in_the_days_index(long_batches):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for subject, times in [("1", 3), ("2", 1), ("3", 2)]:
        for _ in range(times):
            counters.count("click", subject)
    counters.count("click", "1", day=yesterday)
    counters.push()
    counters.count("click", "4")
    counters.count("click", "1")
    counters.count("view", "/news/a/")
    counters.push()
    assert in_cache("click") == {"1": 4, "2": 1, "3": 2, "4": 1}
    assert in_cache("click", yesterday) == {"1": 1}
    assert in_cache("view") == {"/news/a/": 1}


def test_counts_from_many_threads_are_all_sent_once(long_batches):
    def count_many():
        for _ in range(500):
            counters.count("click", "42")

    threads = [threading.Thread(target=count_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        counters.push()  # batches go while the threads count
    for thread in threads:
        thread.join()
    counters.push()
    assert in_cache("click") == {"42": 2000}


def test_with_no_batches_each_count_is_in_the_cache_at_once(settings, person, x_link):
    settings.CAMPAIGN_COUNT_BATCH_SECONDS = 0
    person.get(f"/c/{x_link.code}")
    assert in_cache("click") == {str(x_link.pk): 1}
    person.get(f"/c/{x_link.code}")
    assert in_cache("click") == {str(x_link.pk): 2}


def test_a_redis_outage_loses_at_most_the_counts_since_the_last_flush_and_one_batch(
    long_batches, person, x_link, article, caplog, monkeypatch
):
    monkeypatch.setattr(counters, "_last_warning", 0.0)
    for _ in range(3):
        person.get(f"/c/{x_link.code}")
    flush()
    assert total("click") == 3
    person.get(f"/c/{x_link.code}")
    person.get(f"/c/{x_link.code}")
    counters.push()  # 2 in Redis, not flushed yet
    person.get(f"/c/{x_link.code}")  # 1 waiting in this process
    with override_settings(CACHES=BROKEN), caplog.at_level(logging.WARNING):
        # Redis down: people still get where the links go, pages are still answered.
        response = person.get(f"/c/{x_link.code}")
        assert response.status_code == 302
        assert response["Location"] == f"/ar/news/{article.slug}/"
        assert person.get(f"/ar/news/{article.slug}/").status_code == 200
        assert not counters.push()  # the batch is refused, and dropped, without an error
        person.get(f"/c/{x_link.code}")
        assert not counters.push()
        with pytest.raises(Exception, match=r"(?i)connect"):
            flush()  # the cron run fails, loudly, and changes nothing
    lost = [record for record in caplog.records if "campaign counts lost" in record.message]
    assert len(lost) == 1  # logged once a minute, not once a batch
    assert total("click") == 3
    with override_settings(CACHES=RESTARTED):  # Redis is back, empty
        person.get(f"/c/{x_link.code}")
        flush()
    # The 3 flushed stay; the 2 in Redis since the last flush and the 3 of the failed
    # batches are lost; counting goes on.
    assert total("click") == 4


def test_a_process_that_exits_sends_its_batch_first(long_batches):
    if not isinstance(caches["default"], RedisCache):
        pytest.skip("another process's counts are seen through Redis only")
    script = "from campaigns import counters; counters.count('click', 'exit-test')"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "1",
        "CACHE_KEY_PREFIX": django_settings.CACHES["default"]["KEY_PREFIX"],
        "CAMPAIGN_COUNT_BATCH_SECONDS": "600",  # only the exit can send it
    }
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=django_settings.BASE_DIR,
        env=environment,
        check=True,
        timeout=60,
    )
    assert in_cache("click") == {"exit-test": 1}
