"""The benchmark's data generator and the fixes the benchmark asked for (docs/benchmarks.md):
query counts that must not grow with rows, no full COUNT(*) per admin page view, the
cached home page."""

import itertools
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.management.commands.bench_seed import bench_reference
from feedback import demo, demo_history
from feedback.models import Submission, SubmissionEvent
from feedback.references import _SHAPE
from news.models import Article
from portal.paginators import EstimatedCountPaginator
from portal.staff import ROLE_GROUPS
from tests.factories import make_article, make_submission, make_topic

ADMIN_LIST = "/admin/feedback/submission/"


def test_bench_references_are_unique_and_well_formed():
    references = [bench_reference(n) for n in range(1, 5001)]
    assert len(set(references)) == len(references)
    assert all(_SHAPE.match(reference) for reference in references)


# transaction=True: the seed ends with VACUUM, which cannot run in a transaction.
@pytest.mark.django_db(transaction=True)
def test_bench_seed_writes_consistent_rows():
    # An earlier transactional test's flush removes the roles the migrations created.
    for name in ROLE_GROUPS.values():
        Group.objects.get_or_create(name=name)
    call_command("bench_seed", submissions=300, articles=40, verbosity=0)
    assert Submission.objects.count() == 300  # topped up, demo requests included
    # Topped up to the target, counting the demo articles loaded first.
    assert Article.objects.count() == 40
    bench = [
        item
        for item in Submission.objects.order_by("pk")
        if item.reference == bench_reference(item.pk)
    ]
    # The rest are exactly the demo's requests (its stories and its past year), loaded first.
    others = Submission.objects.exclude(pk__in=[i.pk for i in bench])
    history = sum(volume for _topic, volume in demo_history.VOLUMES)
    expected = {r[0] for r in demo.REQUESTS} | {
        demo_history.reference(n) for n in range(1, history + 1)
    }
    assert set(others.values_list("reference", flat=True)) == expected
    assert len(bench) == 300 - len(expected)
    assert {item.status for item in bench} >= {"closed", "answered"}
    for item in bench[:200]:
        # Exactly what save() would have stored, so staff search finds the rows.
        assert item.search_text == item.build_search_text()
        events = list(item.events.order_by("pk"))
        assert events[0].kind == SubmissionEvent.Kind.SUBMITTED
        assert events[-1].to_status == item.status
        # A history the workflow's table allows: each step starts where the last ended.
        assert all(b.from_status == a.to_status for a, b in itertools.pairwise(events))
        if item.status == Submission.Status.DUPLICATE:
            assert item.duplicate_of_id is not None
        if item.status in (Submission.Status.SUBMITTED, Submission.Status.REJECTED):
            assert item.ministry_id is None
    # COPY bypasses the workflow: the seed rebuilt the statistics the dashboard reads.
    from feedback import stats

    figures = stats.summary(None)
    assert figures.received == Submission.objects.count()
    for status, count in figures.by_status.items():
        assert count == Submission.objects.filter(status=status).count(), status
    assert figures.median("answer") is not None
    article = Article.objects.filter(slug__startswith="bench-").first()
    assert Article.objects.search(article.title_en.split()[0]).filter(pk=article.pk).exists()
    # Topping up: a second run with the same target adds nothing.
    before = Submission.objects.count()
    call_command("bench_seed", submissions=300, articles=40, verbosity=0)
    assert Submission.objects.count() == before
    # New rows get ids after the generated ones (the sequences were moved on).
    newest = make_submission(topic=make_topic())
    assert newest.pk == Submission.objects.order_by("-pk").values_list("pk", flat=True)[0]


def _count_queries(sql_list: list[str]) -> list[str]:
    return [sql for sql in sql_list if re.search(r"COUNT\(\*\)", sql)]


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 40])
def test_admin_list_queries_do_not_grow_and_count_once(
    rows, client_as, moderator, officer_a, officer_b, ministry_a, django_assert_max_num_queries
):
    topic = make_topic(ministry=ministry_a)
    for _ in range(rows):
        item = make_submission(topic=topic)
        Submission.objects.filter(pk=item.pk).update(ministry=ministry_a)
    for user, visible in ((moderator, rows), (officer_a, rows), (officer_b, 0)):
        client = client_as(user)
        client.get(ADMIN_LIST)
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(16):
            response = client.get(ADMIN_LIST)
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count('class="field-reference"') == min(visible, 50)
        sql = [q["sql"] for q in queries.captured_queries]
        # One count (no second "full result" count), and no SELECT DISTINCT over every row
        # for a date drill-down.
        assert len(_count_queries(sql)) <= 1
        assert not any("DISTINCT" in s and "DATE_TRUNC" in s.upper() for s in sql)


@pytest.mark.django_db
def test_estimated_count_is_exact_on_small_or_filtered_lists(ministry_a):
    topic = make_topic()
    for _ in range(3):
        make_submission(topic=topic)
    assert EstimatedCountPaginator(Submission.objects.all(), 10).count == 3
    assert EstimatedCountPaginator(Submission.objects.filter(ministry=ministry_a), 10).count == 0


@pytest.mark.django_db
@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="pg_class estimates exist on PostgreSQL only"
)
def test_estimated_count_uses_the_planner_estimate_on_a_big_table(monkeypatch):
    topic = make_topic()
    for _ in range(3):
        make_submission(topic=topic)
    # Pretend the table is big: the estimate is read, not a COUNT(*) run.
    monkeypatch.setattr("portal.paginators.ESTIMATE_FROM_ROWS", 0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE feedback_submission")
    paginator = EstimatedCountPaginator(Submission.objects.all(), 10)
    with CaptureQueriesContext(connection) as queries:
        count = paginator.count
    assert count == 3
    assert not _count_queries([q["sql"] for q in queries.captured_queries])
    # A filtered list is still counted exactly.
    with CaptureQueriesContext(connection) as queries:
        assert EstimatedCountPaginator(Submission.objects.filter(pk__lt=0), 10).count == 0
    assert _count_queries([q["sql"] for q in queries.captured_queries])


@pytest.mark.django_db
def test_home_is_served_from_the_shared_cache_and_follows_the_news(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    make_article(title_ar="خبر أول", title_en="First story")
    first = client.get("/ar/")
    assert first["X-News-Cache"] == "miss"
    with django_assert_num_queries(0):
        again = client.get("/ar/")
    assert again["X-News-Cache"] == "hit"
    assert again.content == first.content
    # A new article replaces the cache version: the home page shows it at once.
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title_ar="خبر جديد عن المياه", title_en="Water news")
    assert "خبر جديد عن المياه" in client.get("/ar/").content.decode()


@pytest.mark.skipif(not settings.REDIS_URL, reason="Redis only (CI's second run)")
def test_redis_cache_shares_one_client_per_pool():
    from django.core.cache import cache

    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
    cache.set("bench:shared-client", "ok", 10)
    assert cache.get("bench:shared-client") == "ok"


@pytest.mark.django_db
def test_the_search_scenario_sends_hundreds_of_distinct_searches_that_are_cache_misses(client):
    from bench.management.commands.bench_run import Command

    paths = Command().search_paths()
    assert len(set(paths)) == len(paths) >= 2000
    assert {path.split("/")[1] for path in paths} == {"ar", "en"}
    make_article(title_ar="افتتاح مشروع الطرق", title_en="Opening of the roads project")
    for path in paths[:20]:
        response = client.get(path)
        assert response.status_code == 200, path  # not redirected: only the `q` it reads
        assert response["X-News-Cache"] == "miss", path
