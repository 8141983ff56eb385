"""The clarification pages and their admin in a real browser: axe-core finds no
violation in Arabic and English, on a phone and a desktop; nothing scrolls sideways; the
share image loads."""

import pytest
from django.contrib.auth.models import Group, Permission

from news.models import Clarification
from portal import roles
from portal.staff import save_staff_account
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot

PASSWORD = "a-long-staff-passphrase-2026"
PAGES = {
    "list": "/{lang}/clarifications/",
    "filtered": "/{lang}/clarifications/?verdict=false&q=المدارس",
    "detail": "/{lang}/clarifications/free-5g-phones-for-students/",
    "detail-partly": "/{lang}/clarifications/clinic-hours-extended/",
}


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize(("width_name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
@pytest.mark.parametrize("page_name", sorted(PAGES))
def test_clarification_pages_are_accessible(
    demo_site, new_page, lang, width_name, viewport, page_name
):
    page = new_page(viewport=viewport)
    page.goto(demo_site.url + PAGES[page_name].format(lang=lang))
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    if page_name.startswith("detail"):
        # The share image is served and decoded (the same file as og:image).
        assert (
            page.evaluate("document.querySelector('.clarification__share-image img').naturalWidth")
            == 1200
        )
        assert page.locator(".verdict__value").first.inner_text().strip()
    screenshot(page, f"clarifications-{page_name}-{lang}-{width_name}")
    assert_accessible(page)


def test_the_navigation_leads_to_the_clarifications(demo_site, new_page):
    page = new_page(viewport=DESKTOP)
    page.goto(f"{demo_site.url}/en/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clarifications").click()
    page.wait_for_url(f"{demo_site.url}/en/clarifications/")
    assert Clarification.objects.published().count() == page.locator(".clarification-card").count()


@pytest.fixture
def editor_account(demo_site):
    editors, _created = Group.objects.get_or_create(name=roles.EDITORS)
    editors.permissions.set(Permission.objects.filter(content_type__app_label="news"))
    save_staff_account("editor", role="editor", password=PASSWORD)
    return demo_site


@pytest.mark.parametrize(
    ("lang", "width_name", "viewport"),
    [("ar", "phone", PHONE), ("en", "desktop", DESKTOP)],
)
def test_admin_pages_of_clarifications_are_accessible(
    editor_account, new_page, lang, width_name, viewport
):
    from tests.browser.test_admin import sign_in, violations

    base = editor_account.url
    clarification = Clarification.objects.get(slug="clinic-hours-extended")
    page = new_page(viewport=viewport, locale=lang, extra_http_headers={"Accept-Language": lang})
    sign_in(page, base, "editor")
    found = []
    for name, url in [
        ("list", "/admin/news/clarification/"),
        ("add", "/admin/news/clarification/add/"),
        ("change", f"/admin/news/clarification/{clarification.pk}/change/"),
    ]:
        page.goto(base + url)
        assert page.locator("html").get_attribute("lang") == lang
        screenshot(page, f"admin-clarification-{name}-{lang}-{width_name}")
        found += violations(page)
    # A save without the claim: the error list, also accessible.
    page.goto(f"{base}/admin/news/clarification/add/")
    page.get_by_role("button", name={"ar": "احفظ", "en": "Save"}[lang], exact=True).click()
    page.locator(".errornote").wait_for()
    screenshot(page, f"admin-clarification-errors-{lang}-{width_name}")
    found += violations(page)
    assert found == [], "\n".join(found)
