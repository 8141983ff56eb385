"""The ministries' pages in a real browser on the demo content: both languages, phone and
desktop, axe-core, no sideways scrolling of the page, sorting by a column's link."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot

PAGES = [
    ("list", "/ministries/"),
    ("ministry", "/ministries/health/"),
    ("open-data", "/ministries/open-data/"),
]


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize(("width_name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
@pytest.mark.parametrize(("name", "path"), PAGES)
def test_pages_are_accessible_and_fit(demo_site, new_page, lang, width_name, viewport, name, path):
    page = new_page(viewport=viewport, locale=lang)
    page.goto(f"{demo_site.url}/{lang}{path}")
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"accountability-{name}-{lang}-{width_name}")
    assert_accessible(page)


def test_the_demo_has_figures_and_withheld_ones(demo_site, new_page):
    page = new_page(viewport=DESKTOP, locale="en")
    page.goto(f"{demo_site.url}/en/ministries/")
    table = page.locator("table.data-table--comparison")
    health = table.locator("tr", has=page.get_by_role("link", name="Ministry of Health"))
    cells = health.locator("td")
    assert cells.nth(0).inner_text().isdigit()  # ranked: the demo's busiest ministry
    assert cells.nth(1).inner_text().replace(",", "").isdigit()  # requests, exactly
    heritage = table.locator(
        "tr", has=page.get_by_role("link", name="Ministry of Heritage and Tourism")
    )
    assert "not ranked" in heritage.inner_text()
    assert "fewer than 10" in heritage.inner_text()


def test_sorting_is_a_link(demo_site, new_page):
    page = new_page(viewport=DESKTOP, locale="en")
    page.goto(f"{demo_site.url}/en/ministries/")
    page.get_by_role("link", name="Median working days to answer").click()
    page.wait_for_url("**/en/ministries/?sort=answer")
    heading = page.locator("th[aria-sort]")
    assert heading.get_attribute("aria-sort") == "ascending"
    assert "Median working days to answer" in heading.inner_text()
