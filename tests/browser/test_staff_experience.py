"""Staff in a real browser (issue 18, points 6 and 7): each role lands on its work after
sign-in, routing away from the topic's ministry is confirmed (with and without
JavaScript), an answer is previewed before it is published, and on a phone neither the
menus nor the lists push the work off the first screen or sideways. axe-core checks each
screen."""

import re

import pytest
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from feedback.models import Submission, SubmissionEvent
from portal import roles
from portal.staff import save_staff_account
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.portal.test_staff_sign_in import current_code

PASSWORD = "a-long-staff-passphrase-2026"
ROUTED_AWAY = "TW-DEMQ-AAAA"  # a health topic, still in the queue
TO_ANSWER = "TW-DEMQ-MMMM"  # routed to health, waiting for an answer
LANDINGS = {
    "moderator": "/{lang}/staff/queue/",
    "officer-health": "/{lang}/staff/inbox/",
    "manager": "/{lang}/staff/",
    "editor": "/admin/news/article/",
}


@pytest.fixture
def site(demo_site):
    for group in (roles.MODERATORS, roles.MINISTRY_OFFICERS, roles.EDITORS, roles.MANAGERS):
        Group.objects.get_or_create(name=group)
    for username, role, ministry in [
        ("moderator", "moderator", None),
        ("officer-health", "officer", "health"),
        ("officer-labour", "officer", "labour"),
        ("manager", "manager", None),
        ("editor", "editor", None),
    ]:
        save_staff_account(username, role=role, ministry_slug=ministry, password=PASSWORD)
    return demo_site


def open_as(new_page, base: str, username: str, lang: str, viewport, **options):
    page = new_page(
        viewport=viewport, locale=lang, extra_http_headers={"Accept-Language": lang}, **options
    )
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    return page


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), page.url


@pytest.mark.parametrize(
    ("lang", "width", "viewport"), [("ar", "phone", PHONE), ("en", "desktop", DESKTOP)]
)
def test_each_role_signs_in_and_lands_on_its_work(site, new_page, lang, width, viewport):
    sign_in_page = new_page(
        viewport=viewport, locale=lang, extra_http_headers={"Accept-Language": lang}
    )
    sign_in_page.goto(f"{site.url}/admin/login/")
    assert sign_in_page.locator("h1").count() == 1
    no_sideways_scroll(sign_in_page)
    screenshot(sign_in_page, f"staff-sign-in-{lang}-{width}")
    assert_accessible(sign_in_page)
    for username, landing in LANDINGS.items():
        page = open_as(new_page, site.url, username, lang, viewport)
        assert page.url == f"{site.url}{landing.format(lang=lang)}", username
        no_sideways_scroll(page)
        if not landing.startswith("/admin/"):
            assert_accessible(page)


def test_the_language_switch_of_the_sign_in_page_and_the_landing_after_the_code(
    site, new_page, settings
):
    settings.STAFF_2FA_REQUIRED = True
    from django.contrib.auth.models import User

    device = TOTPDevice.objects.create(
        user=User.objects.get(username="officer-health"), name="phone", confirmed=True
    )
    page = new_page(viewport=PHONE, locale="ar", extra_http_headers={"Accept-Language": "ar"})
    page.goto(f"{site.url}/admin/login/")
    assert page.locator("h1").inner_text() == "دخول الموظفين"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Staff sign-in"
    page.fill("#id_username", "officer-health")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/en/account/two-factor/"))
    page.fill("input[name=token]", current_code(device))
    page.click("button[type=submit] >> nth=-1")
    page.wait_for_url(f"{site.url}/en/staff/inbox/")


@pytest.mark.parametrize("javascript", [True, False])
def test_routing_away_from_the_topics_ministry_is_confirmed(site, new_page, javascript):
    page = open_as(new_page, site.url, "moderator", "en", DESKTOP, java_script_enabled=javascript)
    page.goto(f"{site.url}/en/staff/items/{ROUTED_AWAY}/")
    page.locator("details.action summary", has_text="Approve and send to a ministry").click()
    form = page.locator(f"form[action$='/{ROUTED_AWAY}/route/']")
    form.get_by_label("Ministry", exact=True).select_option(label="Ministry of Labour")
    confirm = form.get_by_label("I confirm the route differs", exact=False)
    if javascript:
        assert confirm.is_visible()  # shown at once by static/js/staff.js
    else:
        assert not confirm.is_visible()
    form.get_by_role("button").click()
    page.wait_for_load_state()
    # Not ticked: nothing happened, the page asks.
    assert "The topic's ministry is Ministry of Health." in page.content()
    assert Submission.objects.get(reference=ROUTED_AWAY).status == "submitted"
    screenshot(page, f"staff-route-confirm-{'js' if javascript else 'nojs'}-en-desktop")
    if javascript:  # axe-core runs as a script; the same page with scripts is checked above
        assert_accessible(page)
    form = page.locator(f"form[action$='/{ROUTED_AWAY}/route/']")
    form.get_by_label("I confirm the route differs", exact=False).check()
    form.get_by_role("button").click()
    page.wait_for_url(f"{site.url}/en/staff/items/{ROUTED_AWAY}/")
    assert f"{ROUTED_AWAY} was sent to the Ministry of Labour." in page.content()
    assert page.get_by_role("link", name=re.compile("Next request: TW-")).is_visible()
    assert Submission.objects.get(reference=ROUTED_AWAY).ministry.slug == "labour"


@pytest.mark.parametrize(
    ("lang", "width", "viewport", "javascript"),
    [("en", "desktop", DESKTOP, True), ("ar", "phone", PHONE, False), ("en", "phone", PHONE, True)],
)
def test_bulk_routing_away_from_the_suggestions_is_confirmed(
    site, new_page, lang, width, viewport, javascript
):
    texts = {
        "ar": ("الإجراء", "الوزارة", "وزارة العمل", "أؤكد", "طبّق على الطلبات المحددة"),
        "en": (
            "Action",
            "Ministry",
            "Ministry of Labour",
            "I confirm: send the selected",
            "Apply to the selected requests",
        ),
    }
    action_label, ministry_label, labour, confirm_label, apply_label = texts[lang]
    page = open_as(new_page, site.url, "moderator", lang, viewport, java_script_enabled=javascript)
    page.goto(f"{site.url}/{lang}/staff/queue/")
    page.check(f"#select-{ROUTED_AWAY}")  # a health topic
    form = page.locator("#bulk-form")
    form.get_by_label(action_label, exact=True).select_option("route")
    form.get_by_label(ministry_label, exact=True).select_option(label=labour)
    confirm = form.get_by_label(confirm_label, exact=False)
    assert confirm.is_visible() is javascript  # at once with scripts, else after a try
    form.get_by_role("button", name=apply_label).click()
    page.wait_for_load_state()
    # Not ticked: nothing happened, the page asks and keeps the ticks and choices.
    assert page.locator(".error-summary").is_visible()
    assert ROUTED_AWAY in page.locator(".error-summary").inner_text()
    assert page.locator(f"#select-{ROUTED_AWAY}").is_checked()
    assert Submission.objects.get(reference=ROUTED_AWAY).status == "submitted"
    no_sideways_scroll(page)
    screenshot(page, f"staff-bulk-confirm-{lang}-{width}-{'js' if javascript else 'nojs'}")
    if javascript:
        assert_accessible(page)
    form = page.locator("#bulk-form")
    form.get_by_label(confirm_label, exact=False).check()
    form.get_by_role("button", name=apply_label).click()
    page.wait_for_url(f"{site.url}/{lang}/staff/queue/")
    routed = Submission.objects.select_related("ministry").get(reference=ROUTED_AWAY)
    assert routed.status == "routed" and routed.ministry.slug == "labour"
    assert ROUTED_AWAY not in page.locator("table").inner_text()


@pytest.mark.parametrize(
    ("lang", "width", "viewport"), [("ar", "phone", PHONE), ("en", "desktop", DESKTOP)]
)
def test_an_answer_is_previewed_before_it_is_published(site, new_page, lang, width, viewport):
    texts = {
        "ar": ("معاينة الرد", "نشر الرد", "ما سيقرؤه المواطن", "التأمين متوفر من اليوم."),
        "en": (
            "Preview the answer",
            "Publish the answer",
            "What the citizen will read",
            "Insulin is in stock from today.",
        ),
    }
    preview_button, publish_button, heading, answer_text = texts[lang]
    page = open_as(new_page, site.url, "officer-health", lang, viewport)
    page.goto(f"{site.url}/{lang}/staff/items/{TO_ANSWER}/")
    page.locator("details.action summary", has_text=publish_button).click()
    form = page.locator(f"form[action$='/{TO_ANSWER}/answer/']")
    form.locator("textarea[name='answer-public_message']").fill(answer_text)
    form.get_by_role("button", name=preview_button).click()
    page.wait_for_load_state()
    preview = page.locator(".answer-preview")
    assert heading in preview.inner_text() and answer_text in preview.inner_text()
    assert not SubmissionEvent.objects.filter(
        submission__reference=TO_ANSWER, kind="answered"
    ).exists()
    no_sideways_scroll(page)
    screenshot(page, f"staff-answer-preview-{lang}-{width}")
    assert_accessible(page)
    page.locator(f"form[action$='/{TO_ANSWER}/answer/']").get_by_role(
        "button", name=publish_button
    ).click()
    page.wait_for_url(f"{site.url}/{lang}/staff/items/{TO_ANSWER}/")
    assert Submission.objects.get(reference=TO_ANSWER).status == "answered"
    screenshot(page, f"staff-answered-{lang}-{width}")
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_on_a_phone_the_menus_leave_room_and_lists_do_not_scroll_sideways(site, new_page, lang):
    for username, paths in [
        ("moderator", ["staff/queue/", "staff/inbox/", f"staff/items/{ROUTED_AWAY}/", "staff/"]),
        ("officer-health", ["staff/inbox/", f"staff/items/{TO_ANSWER}/", "staff/"]),
        ("officer-labour", ["staff/inbox/"]),  # another ministry: its own, empty, inbox
        ("manager", ["staff/"]),
    ]:
        page = open_as(new_page, site.url, username, lang, PHONE)
        for path in paths:
            page.goto(f"{site.url}/{lang}/{path}")
            no_sideways_scroll(page)
            menus_end = page.evaluate(
                "document.querySelector('.staff-nav').getBoundingClientRect().bottom"
            )
            assert menus_end <= PHONE["height"] / 3, (path, menus_end)
            # Each menu is one row, and no table (nor its scrolling region) is wider than
            # the screen: the lists and the dashboard's tables are cards.
            for menu in (".main-nav__list", ".staff-nav__list"):
                rows = page.evaluate(
                    f"new Set([...document.querySelectorAll('{menu} > li')]"
                    ".map(li => Math.round(li.getBoundingClientRect().top))).size"
                )
                assert rows == 1, (path, menu, rows)
            too_wide = page.evaluate(
                "[...document.querySelectorAll('table, .table-scroll, .table-wrap')]"
                ".filter(e => e.scrollWidth > e.clientWidth + 1"
                " || e.getBoundingClientRect().right > innerWidth + 1"
                " || e.getBoundingClientRect().left < -1).map(e => e.className)"
            )
            assert too_wide == [], (path, too_wide)
            if path in ("staff/queue/", "staff/inbox/") and page.locator(".staff-table").count():
                # The first request shows in the first screen, under the folded filters.
                first = page.locator(".staff-table tbody tr").first.bounding_box()
                assert first["y"] < PHONE["height"] - 100, (path, first)
            name = (
                path.strip("/")
                .replace("/", "-")
                .replace(ROUTED_AWAY, "item")
                .replace(TO_ANSWER, "item")
            )
            screenshot(page, f"staff-phone-{username}-{name}-{lang}")
            assert_accessible(page)
        if username == "officer-labour":
            assert ROUTED_AWAY not in page.content() and TO_ANSWER not in page.content()
            page.goto(f"{site.url}/{lang}/staff/items/{TO_ANSWER}/")
            assert "404" in page.title() or page.locator("h1").count() == 1
