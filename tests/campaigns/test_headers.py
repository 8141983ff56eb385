"""The campaign pages carry the site's protective headers and need no inline code (the
strict CSP breaks nothing), like every page type in tests/security/test_headers.py."""

import pytest

from tests.campaigns.conftest import make_campaign
from tests.security.test_headers import assert_no_inline_code, assert_protective_headers

pytestmark = pytest.mark.django_db

PAGES = [
    ("short link", None, "get", "/c/{code}"),
    ("unknown short link", None, "get", "/c/Unknown2345"),
    ("article with the question", None, "get", "/en/news/{slug}/"),
    ("useful answer", None, "post", "/ar/useful/"),
    ("campaign list", "manager", "get", "/en/staff/campaigns/"),
    ("campaign dashboard", "manager", "get", "/ar/staff/campaigns/{campaign}/"),
    ("campaign dashboard, officer", "officer_a", "get", "/en/staff/campaigns/{health}/"),
    ("campaign csv", "editor", "get", "/en/staff/campaigns/{campaign}/export.csv"),
    ("outsider's 404", "officer_b", "get", "/en/staff/campaigns/{health}/"),
    ("admin campaigns", "editor", "get", "/admin/campaigns/campaign/"),
    ("admin campaign", "editor", "get", "/admin/campaigns/campaign/{campaign}/change/"),
    ("admin new campaign", "editor", "get", "/admin/campaigns/campaign/add/"),
]


@pytest.mark.parametrize(("name", "persona", "method", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_campaign_pages_carry_the_protective_headers(
    request, client_as, person, x_link, article, ministry_a, name, persona, method, path
):
    health = make_campaign(ministry=ministry_a)
    fill = {
        "code": x_link.code,
        "slug": article.slug,
        "campaign": x_link.campaign_id,
        "health": health.pk,
    }
    browser = client_as(request.getfixturevalue(persona)) if persona else person
    data = {"page": f"/news/{article.slug}/", "answer": "yes"} if method == "post" else None
    response = getattr(browser, method)(path.format(**fill), data, secure=True)
    assert response.status_code < 500, (name, response.status_code)
    assert_protective_headers(response)
    assert_no_inline_code(response)
