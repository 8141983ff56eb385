import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/ar/", "/en/about/", "/healthz"])
def test_every_response_carries_the_protective_headers(client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_anonymous_reading_sets_no_cookie(client):
    response = client.get("/ar/")
    assert response.cookies == {}
