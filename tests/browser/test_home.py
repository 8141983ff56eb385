import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("en", "ltr")])
@pytest.mark.parametrize(("width_name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_home_page_is_accessible_in_both_languages(
    demo_site, new_page, lang, direction, width_name, viewport
):
    page = new_page(viewport=viewport)
    page.goto(f"{demo_site.url}/{lang}/")
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == direction
    # Nothing sticks out sideways on a 375 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"home-{lang}-{width_name}")
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_home_page_fits_the_narrowest_phone(demo_site, new_page, lang):
    page = new_page(viewport={"width": 320, "height": 640})
    page.goto(f"{demo_site.url}/{lang}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_language_switch_keeps_the_page(demo_site, new_page):
    page = new_page()
    page.goto(f"{demo_site.url}/ar/privacy/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{demo_site.url}/en/privacy/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.get_by_role("link", name="العربيّة").click()
    page.wait_for_url(f"{demo_site.url}/ar/privacy/")


def test_skip_link_moves_focus_to_the_main_content(demo_site, new_page):
    page = new_page(viewport=DESKTOP)
    page.goto(f"{demo_site.url}/en/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_fonts_and_styles_come_from_this_site_only(demo_site, new_page):
    page = new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{demo_site.url}/ar/")
    page.wait_for_load_state("networkidle")
    assert requested
    assert all(url.startswith(demo_site.url) for url in requested), requested
    assert any(url.endswith(".woff2") for url in requested)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_phone_header_is_one_row(demo_site, new_page, lang):
    page = new_page(viewport=PHONE)
    page.goto(f"{demo_site.url}/{lang}/")
    brand = page.locator(".brand").bounding_box()
    switch = page.locator(".language-switch a").bounding_box()
    # The language switch sits beside the name, not on a row of its own.
    assert switch["y"] < brand["y"] + brand["height"]
    assert page.locator(".site-header__inner").bounding_box()["height"] <= 90
    # The menu is one row too, however many links it has: it scrolls sideways on its own
    # (the page does not), and every link can be scrolled to.
    tops = {
        round(box["y"])
        for box in (li.bounding_box() for li in page.locator(".main-nav__list > li").all())
    }
    assert len(tops) == 1, tops
    assert page.locator(".site-header").bounding_box()["height"] <= 120
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    last = page.locator(".main-nav__list > li").last
    last.scroll_into_view_if_needed()
    box = last.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1
    screenshot(page, f"header-{lang}-phone")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_desktop_menu_shows_every_link_on_one_row(demo_site, new_page, lang):
    page = new_page(viewport=DESKTOP)
    page.goto(f"{demo_site.url}/{lang}/")
    links = page.locator(".main-nav__list > li").all()
    assert len({round(li.bounding_box()["y"]) for li in links}) == 1
    assert all(0 <= li.bounding_box()["x"] <= DESKTOP["width"] for li in links)
    screenshot(page, f"header-{lang}-desktop")


@pytest.mark.parametrize(("width_name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_no_lone_card_on_the_last_row(demo_site, new_page, width_name, viewport):
    """The home page's four latest cards and the news list's twelve: each row of the grid
    is full, or its last card takes the whole row."""
    page = new_page(viewport=viewport)
    for url in ("/en/", "/en/news/", "/ar/news/?q=منتدى"):
        page.goto(demo_site.url + url)
        grid = page.locator(".news-grid").first
        width = grid.bounding_box()["width"]
        cards = [li.bounding_box() for li in grid.locator("> li").all()]
        rows: dict[int, list] = {}
        for box in cards:
            rows.setdefault(round(box["y"]), []).append(box)
        last = rows[max(rows)]
        if len(rows) > 1 and len(last) == 1:
            assert last[0]["width"] >= width - 2, f"{url}: a lone card on the last row"
