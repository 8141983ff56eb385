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


@pytest.mark.django_db
def test_https_responses_pin_https_for_a_year(client):
    response = client.get("/ar/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
def test_public_pages_run_no_inline_script(client):
    """The CSP forbids inline script; the templates must not need it."""
    import re

    content = client.get("/ar/").content.decode()
    scripts = re.findall(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", content, re.S)
    assert scripts
    for attrs, body in scripts:
        assert "src=" in attrs and not body.strip()
    assert "style=" not in content
