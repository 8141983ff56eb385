import pytest


@pytest.mark.django_db
def test_liveness_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readiness_checks_database_and_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_readiness_names_a_broken_cache_but_stays_ready(client, settings):
    # The site works without the cache (docs/operations.md): the server stays in rotation.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "failing"}


def test_database_under_test_is_the_one_ci_asked_for(expected_database_vendor):
    """CI sets TAWASUL_EXPECT_DB so a PostgreSQL run cannot silently fall back to SQLite."""
    from django.db import connection

    if expected_database_vendor:
        assert connection.vendor == expected_database_vendor, "CI asked for another database"
    else:
        assert connection.vendor in {"sqlite", "postgresql"}


def test_cache_under_test_is_the_one_ci_asked_for():
    """CI sets TAWASUL_EXPECT_CACHE=redis for its second run."""
    import os

    from django.core.cache import caches

    expected = os.environ.get("TAWASUL_EXPECT_CACHE")
    cache = caches["default"]
    backend = type(cache).__name__
    if expected == "redis":
        assert backend == "RedisCache"
        cache.set("ci-probe", "1")
        assert cache.get("ci-probe") == "1"
    elif expected == "locmem":
        assert backend == "LocMemCache"
    else:
        assert backend in {"LocMemCache", "RedisCache"}


def test_favicon_ico_points_at_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/icons/favicon.svg"
