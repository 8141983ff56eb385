"""The admin in a real browser, as editors and moderators use it: axe-core finds no
violation on any page we show them, in Arabic and English, on a phone and a desktop."""

import importlib

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, Permission

from feedback.models import Submission, Topic
from news.models import Article
from portal import roles
from portal.staff import save_staff_account
from tests.browser.conftest import DESKTOP, PHONE, screenshot

PASSWORD = "a-long-staff-passphrase-2026"
GRANTS = importlib.import_module("feedback.migrations.0002_role_permissions").GRANTS


@pytest.fixture
def admin_site(demo_site):
    # transactional_db empties the tables (the groups' grants of the data migrations too).
    editors, _created = Group.objects.get_or_create(name=roles.EDITORS)
    editors.permissions.set(Permission.objects.filter(content_type__app_label="news"))
    moderators, _created = Group.objects.get_or_create(name=roles.MODERATORS)
    moderators.permissions.set(
        Permission.objects.filter(
            content_type__app_label="feedback", codename__in=GRANTS["Moderators"]
        )
    )
    save_staff_account("editor", role="editor", password=PASSWORD)
    save_staff_account("moderator", role="moderator", password=PASSWORD)
    return demo_site


def violations(page) -> list[str]:
    """axe-core's violations on the page, one line each: rule, then the elements."""
    report = Axe().run(page).response["violations"]
    return [
        f"{page.url} {rule['id']}: " + " | ".join(node["html"][:120] for node in rule["nodes"])
        for rule in report
    ]


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert "/login/" not in page.url


VIEWPORTS = [
    ("ar", "phone", PHONE),
    ("en", "desktop", DESKTOP),
    ("ar", "desktop", DESKTOP),
    ("en", "phone", PHONE),
]


@pytest.mark.parametrize(("lang", "width_name", "viewport"), VIEWPORTS)
def test_admin_pages_are_accessible(admin_site, new_page, lang, width_name, viewport):
    base = admin_site.url
    article = Article.objects.get(slug="forum-opens-third-session")
    submission = Submission.objects.order_by("pk").first()
    topic = Topic.objects.order_by("pk").first()
    page = new_page(viewport=viewport, locale=lang, extra_http_headers={"Accept-Language": lang})

    page.goto(f"{base}/admin/login/")
    screenshot(page, f"admin-sign-in-{lang}-{width_name}")
    found = violations(page)

    sign_in(page, base, "editor")
    for name, url in [
        ("index", "/admin/"),
        ("articles", "/admin/news/article/"),
        ("article-add", "/admin/news/article/add/"),
        ("article-change", f"/admin/news/article/{article.pk}/change/"),
    ]:
        page.goto(base + url)
        assert page.locator("html").get_attribute("lang") == lang
        screenshot(page, f"admin-{name}-{lang}-{width_name}")
        found += violations(page)
    page.goto(f"{base}/admin/news/article/add/")
    page.get_by_role("button", name={"ar": "احفظ", "en": "Save"}[lang], exact=True).click()
    page.locator(".errornote").wait_for()
    screenshot(page, f"admin-article-errors-{lang}-{width_name}")
    found += violations(page)

    page.context.clear_cookies()
    sign_in(page, base, "moderator")
    for name, url in [
        ("submissions", "/admin/feedback/submission/"),
        ("submission", f"/admin/feedback/submission/{submission.pk}/change/"),
        ("topics", "/admin/feedback/topic/"),
        ("topic", f"/admin/feedback/topic/{topic.pk}/change/"),
    ]:
        page.goto(base + url)
        screenshot(page, f"admin-{name}-{lang}-{width_name}")
        found += violations(page)
    assert found == [], "\n".join(found)


def test_editor_fixes_an_error_without_choosing_the_photo_again(admin_site, new_page, tmp_path):
    from tests.browser.test_news import _photo_file

    base = admin_site.url
    page = new_page(viewport=PHONE, locale="ar", extra_http_headers={"Accept-Language": "ar"})
    sign_in(page, base, "editor")
    page.goto(f"{base}/admin/news/article/add/")
    page.locator("#id_title_ar").fill("خبر بلا ملخص")
    page.locator("#id_image").set_input_files(str(_photo_file(tmp_path)))
    page.locator("#id_image_alt_ar").fill("شعار المنتدى")
    page.locator("#id_category").select_option(label="المنتدى")
    page.get_by_role("button", name="احفظ", exact=True).click()
    errors = page.locator("#error-list")
    errors.wait_for()
    assert page.evaluate("document.activeElement.id") == "error-list"
    assert page.get_by_text("forum.jpg").is_visible()  # kept, said beside the photo input
    screenshot(page, "admin-article-kept-photo-ar-phone")
    assert violations(page) == []
    # The link in the list reaches the field (in its language tab) and moves the focus.
    errors.get_by_role("link", name="الملخص (العربية)").click()
    assert page.evaluate("document.activeElement.id") == "id_summary_ar"
    page.locator("#id_summary_ar").fill("ملخص الخبر.")
    page.get_by_role("button", name="احفظ", exact=True).click()
    page.wait_for_url(f"{base}/admin/news/article/")
    article = Article.objects.get(title_ar="خبر بلا ملخص")
    assert article.image and article.renditions["share"]
    assert article.slug == "خبر-بلا-ملخص"
