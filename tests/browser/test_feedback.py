"""A citizen on a phone sends feedback in Arabic, makes a mistake, corrects it, attaches
a photo, gets a reference and tracks it; axe-core checks every page and state."""

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.feedback import files

REFERENCE = re.compile(r"TW-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "pothole.jpg"
    path.write_bytes(files.jpeg_with_gps())
    return path


def fits_the_screen(page, viewport) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_citizen_sends_feedback_in_arabic_on_a_phone_and_tracks_it(demo_site, new_page, photo):
    page = new_page(viewport=PHONE)
    page.goto(f"{demo_site.url}/ar/feedback/new/?kind=complaint")
    assert page.get_by_label("شكوى").is_checked()
    page.get_by_label("المجال").select_option(label="الطرق والنقل")
    page.get_by_label("عنوان الطلب").fill("حفرة في الطريق")
    page.get_by_label("التفاصيل").fill("قصير")  # the mistake: too short
    page.get_by_label("البريد الإلكتروني (اختياري)").fill("citizen@example.com")
    page.get_by_label("أوافق على معالجة طلبي", exact=False).check()
    # The counter is there (JavaScript on) and counts down.
    assert "الأحرف المتبقية" in page.locator("#id_body_counter").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="أرسل", exact=True).click()

    summary = page.get_by_role("alert")
    assert "يجب ألا يقل عدد أحرف التفاصيل عن 10" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.get_by_label("عنوان الطلب").input_value() == "حفرة في الطريق"
    assert page.get_by_label("البريد الإلكتروني (اختياري)").input_value() == "citizen@example.com"
    fits_the_screen(page, PHONE)
    screenshot(page, "feedback-form-error-ar-phone")
    assert_accessible(page)

    # The summary link takes the citizen to the field.
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_body"
    page.get_by_label("التفاصيل").fill("توجد حفرة عميقة في الطريق الرئيسي قرب المدرسة منذ أسبوعين.")
    page.get_by_label("صور أو مستندات (اختياري)").set_input_files(str(photo))
    page.get_by_role("button", name="أرسل", exact=True).click()

    # (The browser keeps the #id_body fragment of the summary link across the redirect.)
    page.wait_for_url(re.compile(r"/ar/feedback/sent/"))
    reference = REFERENCE.search(page.locator(".reference").inner_text()).group(0)
    assert "ماذا يحدث بعد ذلك" in page.content()
    fits_the_screen(page, PHONE)
    screenshot(page, "feedback-sent-ar-phone")
    assert_accessible(page)

    page.goto(f"{demo_site.url}/ar/feedback/track/")
    page.get_by_label("الرقم المرجعي").fill(reference.lower())
    page.get_by_label("البريد الإلكتروني").fill("citizen@example.com")
    with page.expect_navigation():
        page.get_by_role("button", name="اعرض طلبي").click()
    assert reference in page.locator("h1").inner_text()
    assert "تم استلام الطلب" in page.content()
    fits_the_screen(page, PHONE)
    screenshot(page, "feedback-track-detail-ar-phone")
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize(("width_name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_every_feedback_page_is_accessible(demo_site, new_page, lang, width_name, viewport):
    page = new_page(viewport=viewport)
    base = f"{demo_site.url}/{lang}/feedback"

    page.goto(f"{base}/new/")
    fits_the_screen(page, viewport)
    screenshot(page, f"feedback-form-{lang}-{width_name}")
    assert_accessible(page)

    with page.expect_navigation():
        page.locator("button[type=submit]").click()  # everything empty: every error at once
    assert page.locator(".error-summary li").count() >= 5
    fits_the_screen(page, viewport)
    screenshot(page, f"feedback-form-error-{lang}-{width_name}")
    assert_accessible(page)

    page.locator("#id_kind_1").check()
    page.locator("#id_topic").select_option(index=1)
    page.locator("#id_subject").fill("Subject of the request")
    page.locator("#id_body").fill("A suggestion with enough detail to be understood.")
    page.locator("#id_consent").check()
    page.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{lang}/feedback/sent/"))
    fits_the_screen(page, viewport)
    screenshot(page, f"feedback-sent-{lang}-{width_name}")
    assert_accessible(page)

    page.locator(".private-link a").click()
    assert REFERENCE.search(page.locator("h1").inner_text())
    fits_the_screen(page, viewport)
    screenshot(page, f"feedback-track-detail-{lang}-{width_name}")
    assert_accessible(page)

    page.goto(f"{base}/track/")
    page.locator("#id_reference").fill("TW-2345-6789")
    page.locator("#id_email").fill("nobody@example.com")
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    assert page.locator(".error-summary").is_visible()
    fits_the_screen(page, viewport)
    screenshot(page, f"feedback-track-{lang}-{width_name}")
    assert_accessible(page)


def test_answered_demo_request_shows_the_answer(demo_site, new_page):
    page = new_page(viewport=DESKTOP)
    page.goto(f"{demo_site.url}/en/feedback/track/")
    page.locator("#id_reference").fill("TW-DEMQ-EEEE")
    page.locator("#id_email").fill("citizen4@example.com")
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    assert "Online renewal opens next quarter." in page.content()
    assert "Demo: checked by the moderation team." not in page.content()
    screenshot(page, "feedback-track-answered-en-desktop")
    assert_accessible(page)


def test_form_works_without_javascript(demo_site, new_page):
    page = new_page(viewport=PHONE, java_script_enabled=False)
    page.goto(f"{demo_site.url}/en/feedback/new/")
    page.locator("#id_kind_2").check()
    page.locator("#id_topic").select_option(index=1)
    page.locator("#id_subject").fill("An idea")
    page.locator("#id_body").fill("Plant trees along the new road to give shade.")
    page.locator("#id_consent").check()
    page.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/feedback/sent/"))
    assert REFERENCE.search(page.content())
