"""The whole journey in a real browser: a citizen submits, a moderator routes it, the
officer answers with a prepared reply, the citizen reads the answer on the tracking page
and rates it. axe-core checks every staff screen in both languages."""

import re

import pytest
from django.contrib.auth.models import Group

from portal import roles
from portal.staff import save_staff_account
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot

PASSWORD = "a-long-staff-passphrase-2026"
REFERENCE = re.compile(r"TW-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


@pytest.fixture
def site(demo_site):
    # transactional_db empties the tables after each test, the groups of the data
    # migration included; DEBUG is off in tests, so the demo accounts are made here.
    for group in (roles.MODERATORS, roles.MINISTRY_OFFICERS, roles.EDITORS, roles.MANAGERS):
        Group.objects.get_or_create(name=group)
    save_staff_account("moderator", role="moderator", password=PASSWORD)
    save_staff_account("officer-health", role="officer", ministry_slug="health", password=PASSWORD)
    return demo_site


def sign_in(page, base: str, username: str, next_url: str) -> None:
    page.goto(f"{base}/admin/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}{next_url}")


def fits_the_screen(page, viewport) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_submit_route_answer_track_and_rate(site, new_page):
    base = site.url
    citizen = new_page(viewport=PHONE)
    citizen.goto(f"{base}/ar/feedback/new/?kind=complaint")
    citizen.get_by_label("المجال").select_option(label="الخدمات الصحية")
    citizen.get_by_label("عنوان الطلب").fill("نقص الأدوية في العيادة")
    citizen.get_by_label("التفاصيل").fill("لا يتوفر دواء الضغط في العيادة منذ أسبوعين.")
    citizen.get_by_label("البريد الإلكتروني (اختياري)").fill("citizen@example.com")
    citizen.get_by_label("أوافق على معالجة طلبي", exact=False).check()
    citizen.get_by_role("button", name="أرسل", exact=True).click()
    citizen.wait_for_url(re.compile(r"/ar/feedback/sent/"))
    reference = REFERENCE.search(citizen.locator(".reference").inner_text()).group(0)
    private_link = citizen.locator(".private-link a").get_attribute("href")

    # The moderator finds it in the queue (oldest first) and routes it to the suggestion.
    moderator = new_page(viewport=DESKTOP)
    sign_in(moderator, base, "moderator", "/ar/staff/queue/")
    moderator.get_by_role("link", name=reference).click()
    moderator.get_by_text("اعتماد الطلب وإحالته إلى وزارة").first.click()
    form = moderator.locator(f"form[action$='/{reference}/route/']")
    assert form.locator("select").input_value()  # the suggested ministry is preselected
    form.get_by_label("ملاحظة داخلية (للموظفين فقط)").fill("واضح: وزارة الصحة")
    form.get_by_role("button").click()
    moderator.wait_for_url(re.compile(rf"/ar/staff/items/{reference}/"))
    assert "أُحيل إلى الوزارة" in moderator.content()
    assert f"أُحيل الطلب {reference} إلى وزارة الصحة." in moderator.content()

    # The officer of that ministry answers, starting from a prepared reply.
    officer = new_page(viewport=PHONE)
    sign_in(officer, base, "officer-health", "/ar/staff/inbox/")
    officer.get_by_role("link", name=reference).click()
    officer.get_by_text("نشر الرد").first.click()
    answer = officer.locator(f"form[action$='/{reference}/answer/']")
    answer.get_by_label("ابدأ من رد جاهز").select_option(label="تمديد ساعات العمل")
    message = answer.get_by_label("الرد (يراه المواطن)")
    assert "مُددت ساعات العمل" in message.input_value()  # static/js/staff.js copied it
    message.fill("توفر الدواء من اليوم في جميع العيادات.")
    answer.get_by_role("button", name="معاينة الرد").click()  # "Preview the answer"
    answer = officer.locator(f"form[action$='/{reference}/answer/']")
    assert "توفر الدواء من اليوم" in answer.locator(".answer-preview").inner_text()
    answer.get_by_role("button", name="نشر الرد").click()
    officer.wait_for_url(re.compile(rf"/ar/staff/items/{reference}/"))
    assert f"نُشر الرد على الطلب {reference}" in officer.content()  # "... was answered"
    assert "تم الرد" in officer.content()  # the status is now "Answered"

    # The citizen reads the answer and rates it.
    citizen.goto(f"{base}{private_link}")
    assert "توفر الدواء من اليوم في جميع العيادات." in citizen.content()
    assert "واضح: وزارة الصحة" not in citizen.content()  # internal notes stay inside
    fits_the_screen(citizen, PHONE)
    screenshot(citizen, "workflow-track-rate-form-ar-phone")
    assert_accessible(citizen)
    # "Resolved" first (issue 17): the request is closed, then the rating is offered.
    citizen.get_by_role("button", name="نعم، حُلّ طلبي").click()
    citizen.wait_for_selector("#rating-title")
    citizen.get_by_label("4 – مفيد").check()
    citizen.get_by_label("تعليق (اختياري)").fill("شكراً على السرعة")
    citizen.get_by_role("button", name="أرسل تقييمي").click()
    assert "4 من 5" in citizen.content()
    fits_the_screen(citizen, PHONE)
    screenshot(citizen, "workflow-track-rated-ar-phone")
    assert_accessible(citizen)

    officer.reload()
    assert "4 من 5" in officer.content() and "شكراً على السرعة" in officer.content()


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize(("width_name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_staff_screens_are_accessible(site, new_page, lang, width_name, viewport):
    page = new_page(viewport=viewport)
    sign_in(page, site.url, "moderator", f"/{lang}/staff/queue/")
    fits_the_screen(page, viewport)
    screenshot(page, f"staff-queue-{lang}-{width_name}")
    assert_accessible(page)

    page.goto(f"{site.url}/{lang}/staff/inbox/?overdue=on")
    assert page.locator(".badge--overdue").count() >= 1
    screenshot(page, f"staff-inbox-overdue-{lang}-{width_name}")
    assert_accessible(page)

    page.goto(f"{site.url}/{lang}/staff/items/TW-DEMQ-AAAA/")
    for summary in page.locator("details.action summary").all():
        summary.click()  # every action form open
    fits_the_screen(page, viewport)
    screenshot(page, f"staff-item-{lang}-{width_name}")
    assert_accessible(page)

    # A form error, as a moderator sees it.
    page.locator("form[action$='/reject/'] button").click()
    assert page.locator(".error-summary").first.is_visible()
    screenshot(page, f"staff-item-error-{lang}-{width_name}")
    assert_accessible(page)

    page.goto(f"{site.url}/{lang}/staff/items/TW-DEMQ-KKKK/")
    screenshot(page, f"staff-item-rated-{lang}-{width_name}")
    assert_accessible(page)
