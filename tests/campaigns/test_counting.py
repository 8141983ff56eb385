"""Counting costs the page cache nothing and never writes the database per request; the
flush is idempotent; a Redis outage loses at most the counts since the last flush (and
the process's unsent batch: tests/campaigns/test_count_batches.py)."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.test import override_settings
from django.utils import timezone

from campaigns import counters
from campaigns.models import DailyCount

pytestmark = pytest.mark.django_db

# A cache server that does not answer (Redis stopped), then one that came back empty.
BROKEN = {
    "default": {
        "BACKEND": "portal.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
RESTARTED = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "restarted-redis",
    }
}


def total(kind: str) -> int:
    return sum(DailyCount.objects.filter(kind=kind).values_list("count", flat=True))


def flush() -> None:
    call_command("flush_campaign_counters", verbosity=0)


def test_the_flush_is_idempotent(person, x_link):
    for _ in range(4):
        person.get(f"/c/{x_link.code}")
    flush()
    flush()
    flush()
    assert total("click") == 4
    person.get(f"/c/{x_link.code}")
    flush()
    flush()
    assert total("click") == 5
    assert DailyCount.objects.filter(kind="click").count() == 1


def test_the_flush_command_can_be_handed_to_the_worker(capsys, person, x_link):
    person.get(f"/c/{x_link.code}")
    call_command("flush_campaign_counters", "--enqueue")
    assert "queued" in capsys.readouterr().out
    assert total("click") == 1  # the immediate backend of the tests ran it


def test_counting_writes_no_row_until_the_flush(person, x_link, article, django_assert_num_queries):
    person.get(f"/c/{x_link.code}")
    person.get(f"/ar/news/{article.slug}/")  # stores the page
    with django_assert_num_queries(0):
        for _ in range(10):
            assert person.get(f"/c/{x_link.code}").status_code == 302
            response = person.get(f"/ar/news/{article.slug}/")
            assert response["X-News-Cache"] == "hit"
    assert not DailyCount.objects.exists()
    flush()
    assert total("click") == 11
    assert total("view") == 11


def test_a_redis_outage_loses_at_most_the_counts_since_the_last_flush(person, x_link, article):
    for _ in range(3):
        person.get(f"/c/{x_link.code}")
    flush()
    assert total("click") == 3
    person.get(f"/c/{x_link.code}")
    person.get(f"/c/{x_link.code}")  # 2 counted in Redis, not flushed yet
    with override_settings(CACHES=BROKEN):
        # Redis down: people still get where the links go, pages are still answered.
        response = person.get(f"/c/{x_link.code}")
        assert response.status_code == 302
        assert response["Location"] == f"/ar/news/{article.slug}/"
        assert person.get(f"/ar/news/{article.slug}/").status_code == 200
        with pytest.raises(Exception, match=r"(?i)connect"):
            flush()  # the cron run fails, loudly, and changes nothing
    assert total("click") == 3
    with override_settings(CACHES=RESTARTED):  # Redis is back, empty
        person.get(f"/c/{x_link.code}")
        flush()
    # The 3 flushed stay; the 2 since the last flush (and the 1 during the outage) are
    # lost; counting goes on.
    assert total("click") == 4


def test_a_database_that_refuses_the_flush_keeps_the_counts_for_the_next(
    person, x_link, monkeypatch
):
    for _ in range(3):
        person.get(f"/c/{x_link.code}")

    def refuse(*args, **kwargs):
        raise DatabaseError("database is down")

    with monkeypatch.context() as patch:
        patch.setattr(DailyCount.objects, "get_or_create", refuse)
        with pytest.raises(DatabaseError):
            flush()
    assert not DailyCount.objects.exists()
    flush()
    assert total("click") == 3


def test_views_of_campaign_pages_are_counted_cached_or_not(person, x_link, article):
    assert person.get(f"/ar/news/{article.slug}/")["X-News-Cache"] == "miss"
    assert person.get(f"/ar/news/{article.slug}/")["X-News-Cache"] == "hit"
    assert person.get(f"/en/news/{article.slug}/").status_code == 200  # the same page
    person.head(f"/ar/news/{article.slug}/")  # not a view
    person.get(f"/ar/news/{article.slug}/", HTTP_SEC_PURPOSE="prefetch")  # not a view
    person.get("/ar/news/")  # not a campaign page
    flush()
    assert list(DailyCount.objects.filter(kind="view").values_list("subject", "count")) == [
        (f"/news/{article.slug}/", 3)
    ]


def test_the_cached_page_is_the_same_with_counting(person, x_link, article):
    first = person.get(f"/ar/news/{article.slug}/")
    second = person.get(f"/ar/news/{article.slug}/")
    assert first.content == second.content
    assert second["ETag"] == first["ETag"]
    assert "Set-Cookie" not in second
    assert (
        person.get(f"/ar/news/{article.slug}/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    )


def test_counts_of_yesterday_are_flushed_to_yesterday(x_link):
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    counters.count("click", str(x_link.pk), day=yesterday)
    flush()
    assert DailyCount.objects.get(kind="click").day == yesterday
