"""Numbers written by the browser follow the server's style: Latin digits and "," between
thousands in both languages (docs/decisions.md, "Dates and numbers")."""

import re

import pytest

from tests.browser.conftest import PHONE, screenshot


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_character_counter_writes_latin_digits(demo_site, new_page, lang):
    page = new_page(viewport=PHONE, locale=lang)
    page.goto(f"{demo_site.url}/{lang}/feedback/new/?kind=idea")
    body = page.locator("#id_body")
    body.fill("1234567890")
    counter = page.locator("#id_body_counter")
    counter.filter(has_text="4,990").wait_for()
    text = counter.inner_text()
    assert not re.search("[\u0660-\u0669\u06f0-\u06f9\u066c]", text), text
    screenshot(page, f"formats-counter-{lang}-phone")
