"""What citizens and the load balancer see while the database or the cache is down.

The database outage is the real error a dropped PostgreSQL connection raises, injected with
Django's own ``execute_wrapper`` hook on every query of the request."""

import pytest
from django.db import OperationalError, connection

from tests.factories import make_channel


def database_down(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


@pytest.fixture
def client_without_raise(client):
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/ar/news/", "الخدمة غير متاحة مؤقتًا"),
        ("/en/feedback/track/", "Service briefly unavailable"),
        ("/ar/about/", "الخدمة غير متاحة مؤقتًا"),
    ],
)
def test_pages_answer_a_translated_503_while_the_database_is_down(client_without_raise, path, text):
    make_channel()
    with connection.execute_wrapper(database_down):
        response = client_without_raise.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert text in page
    assert "Traceback" not in page and "OperationalError" not in page
    # The page is the site's own (header, language links), not a bare error.
    assert 'class="skip-link"' in page


def test_other_errors_keep_the_static_500_page(rf):
    from portal.views import server_error

    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = server_error(rf.get("/ar/news/"))
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Sorry, something went wrong on our side" in response.content.decode()


@pytest.mark.django_db
def test_readiness_names_the_database_when_it_is_down(client):
    with connection.execute_wrapper(database_down):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"database": "failing", "cache": "ok"}


@pytest.mark.django_db
def test_liveness_stays_ok_while_the_database_is_down(client):
    with connection.execute_wrapper(database_down):
        response = client.get("/healthz")
    assert response.status_code == 200


def test_postgresql_connections_fail_fast_and_are_health_checked():
    from tests.portal.test_settings import PRODUCTION_ENV, manage

    result = manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['OPTIONS']['connect_timeout'], d['CONN_HEALTH_CHECKS'])",
        **PRODUCTION_ENV,
        DATABASE_URL="postgres://tawasul@db.example:5432/tawasul",
        DATABASE_CONNECT_TIMEOUT="2",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "True"]
