"""The portal's CSP middleware writes exactly the headers django-csp's own would write,
while building the common policy once (portal.middleware.ContentSecurityPolicyMiddleware)."""

import re

import pytest
from csp.constants import NONE, SELF
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from portal.middleware import ContentSecurityPolicyMiddleware

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


def plain(request):
    return HttpResponse("ok")


def with_nonce(request):
    return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')


@csp_update({"img-src": ["https://maps.example.om"]})
def updated(request):
    return HttpResponse("map")


@csp_exempt()
def exempt(request):
    return HttpResponse("exempt")


def headers(middleware_class, view) -> dict:
    request = RequestFactory().get("/ar/")
    response = middleware_class(view)(request)
    return {name: response.get(name) for name in HEADERS}


def without_nonce_value(found: dict) -> dict:
    """Every response has a nonce of its own: compare where it stands, not its value."""
    return {
        name: value and re.sub(r"'nonce-[^']+'", "'nonce-*'", value)
        for name, value in found.items()
    }


@pytest.mark.parametrize("view", [plain, with_nonce, updated, exempt])
def test_headers_are_django_csps(view):
    ours = without_nonce_value(headers(ContentSecurityPolicyMiddleware, view))
    assert ours == without_nonce_value(headers(CSPMiddleware, view))


def test_a_page_without_a_nonce_gets_the_sites_policy():
    policy = headers(ContentSecurityPolicyMiddleware, plain)["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "nonce-" not in policy


def test_each_page_with_a_script_gets_its_own_nonce():
    first = headers(ContentSecurityPolicyMiddleware, with_nonce)["Content-Security-Policy"]
    second = headers(ContentSecurityPolicyMiddleware, with_nonce)["Content-Security-Policy"]
    assert "'nonce-" in first
    assert first != second


def test_a_changed_setting_changes_the_policy():
    before = headers(ContentSecurityPolicyMiddleware, plain)
    policy = {"DIRECTIVES": {"default-src": [SELF], "frame-ancestors": [NONE]}}
    with override_settings(
        CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=policy
    ):
        during = headers(ContentSecurityPolicyMiddleware, plain)
        assert during == headers(CSPMiddleware, plain)
        assert during["Content-Security-Policy-Report-Only"] is not None
    assert during != before
    assert headers(ContentSecurityPolicyMiddleware, plain) == before
