import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize(("width_name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_contact_page_is_accessible_and_reached_from_the_header(
    demo_site, new_page, lang, width_name, viewport
):
    page = new_page(viewport=viewport)
    page.goto(f"{demo_site.url}/{lang}/")
    page.locator(".main-nav").get_by_role(
        "link", name={"ar": "اتصل بنا", "en": "Contact"}[lang]
    ).click()
    page.wait_for_url(f"**/{lang}/contact/")
    assert page.locator("h1").inner_text() == {"ar": "اتصل بنا", "en": "Contact us"}[lang]
    assert (
        page.get_by_role("link", name="+968 2400 0000").get_attribute("href") == "tel:+96824000000"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"contact-{lang}-{width_name}")
    assert_accessible(page)


@pytest.mark.parametrize(("lang", "viewport"), [("ar", PHONE), ("en", DESKTOP)])
def test_news_filters_leave_no_empty_parameters_and_offer_to_clear(
    demo_site, new_page, lang, viewport
):
    page = new_page(viewport=viewport)
    page.goto(f"{demo_site.url}/{lang}/news/")
    page.locator("#id_q").fill("لا يوجد خبر كهذا")
    page.locator("#id_q").press("Enter")
    page.wait_for_url("**/news/?q=*")
    assert "category=" not in page.url and "date_from=" not in page.url
    hint = {"ar": "جرّب كلمات أقل", "en": "Try fewer or other words"}[lang]
    assert page.get_by_text(hint).is_visible()
    screenshot(page, f"news-empty-result-{lang}")
    assert_accessible(page)
    page.locator(".news-filters__more summary").click()
    screenshot(page, f"news-filters-open-{lang}")
    assert_accessible(page)
    page.locator(".news-results__clear").click()
    page.wait_for_url(f"**/{lang}/news/")
    assert page.locator(".news-card").count() > 0
