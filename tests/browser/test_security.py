"""Security and privacy in a real browser: the strict CSP breaks no page (admin included),
and the citizen's deletion request and the moderator's erasure (plain forms, no script needed)
work and are accessible, in Arabic and English, on a phone and a desktop."""

import pytest
from django.contrib.auth.models import Group, User

from feedback.models import Submission
from feedback.tracking import tracking_path
from portal import roles
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.browser.test_dashboard import fits_the_screen, signed_in_page
from tests.conftest import make_staff
from tests.factories import make_article, make_ministry, make_topic
from tests.security.conftest import answered_item


@pytest.fixture
def site(live_server, transactional_db, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    # The role groups come from a migration; a transactional test empties them.
    for name in roles.ROLE_LABELS:
        Group.objects.get_or_create(name=name)
    ministry = make_ministry(name_ar="وزارة الصحة", name_en="Ministry of Health", slug="health")
    topic = make_topic(ministry=ministry)
    moderator = make_staff("moderator", roles.MODERATORS)
    officer = make_staff("officer_a", roles.MINISTRY_OFFICERS, ministry)
    item = answered_item(topic, ministry, moderator, officer, name="Aisha", phone="+968 9123 4567")
    make_article(slug="security-news")
    return live_server, item, moderator


def watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def test_the_strict_csp_blocks_nothing_the_pages_need(site, new_page):
    server, item, _moderator = site
    admin = User.objects.create_superuser("root", "root@staff.example", "x")
    public = new_page(viewport=DESKTOP)
    violations = watch_csp(public)
    for path in [
        "/ar/",
        "/en/news/",
        "/en/news/security-news/",
        "/ar/feedback/new/",
        tracking_path(item.reference, "en"),
    ]:
        public.goto(server.url + path)
    staff = signed_in_page(new_page, server, admin, DESKTOP, "en")
    violations += watch_csp(staff)
    for path in [
        f"/en/staff/items/{item.reference}/",
        "/en/staff/",
        "/admin/",
        "/admin/news/article/add/",
        f"/admin/feedback/submission/{item.pk}/change/",
    ]:
        staff.goto(server.url + path)
    assert violations == []


@pytest.mark.parametrize(
    ("lang", "width_name", "viewport"), [("ar", "phone", PHONE), ("en", "desktop", DESKTOP)]
)
def test_citizen_asks_for_deletion_and_a_moderator_erases(
    site, new_page, lang, width_name, viewport
):
    server, item, moderator = site
    page = new_page(viewport=viewport, locale=lang)
    page.goto(server.url + tracking_path(item.reference, lang))
    # A quiet link on the tracking page leads to the request's own page.
    page.click(f"a[href$='{tracking_path(item.reference, lang)}erase/']")
    assert page.locator("#id_confirm").is_visible()
    fits_the_screen(page, viewport)
    screenshot(page, f"erasure-request-{lang}-{width_name}")
    assert_accessible(page)

    page.click("main form button[type=submit]")  # without ticking the box
    assert page.locator(".error-summary").is_visible()
    screenshot(page, f"erasure-request-error-{lang}-{width_name}")
    assert_accessible(page)

    page.check("#id_confirm")
    page.click("main form button[type=submit]")
    page.wait_for_url(server.url + tracking_path(item.reference, lang))
    assert page.locator(".notice--success").is_visible()  # the message after the redirect
    screenshot(page, f"erasure-requested-{lang}-{width_name}")
    assert Submission.objects.erasure_requested().count() == 1

    staff = signed_in_page(new_page, server, moderator, viewport, lang)
    staff.goto(f"{server.url}/{lang}/staff/inbox/?erasure_requested=on")
    assert staff.locator(f"text={item.reference}").is_visible()
    screenshot(staff, f"erasure-queue-{lang}-{width_name}")
    staff.goto(f"{server.url}/{lang}/staff/items/{item.reference}/")
    staff.locator("details.action", has=staff.locator("#id_erase-confirm")).locator(
        "summary"
    ).click()
    staff.check("#id_erase-confirm")
    screenshot(staff, f"erasure-action-{lang}-{width_name}")
    assert_accessible(staff)
    staff.locator("form", has=staff.locator("#id_erase-confirm")).locator(
        "button[type=submit]"
    ).click()
    staff.wait_for_load_state()
    item.refresh_from_db()
    assert item.personal_data_erased_at is not None and item.email == ""
    fits_the_screen(staff, viewport)
    screenshot(staff, f"erasure-done-staff-{lang}-{width_name}")

    page.reload()
    assert page.locator(
        ".sent-content .hint", has_text=str(item.personal_data_erased_at.year)
    ).is_visible()
    screenshot(page, f"erasure-done-{lang}-{width_name}")
