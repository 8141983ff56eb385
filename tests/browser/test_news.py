import pytest
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone
from PIL import Image

from news.models import Article
from portal import roles
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot


@pytest.fixture
def news_site(demo_site):
    return demo_site


@pytest.fixture
def editor_user(transactional_db) -> User:
    # Transactional tests start from an empty database: restore what the migration grants.
    group, _created = Group.objects.get_or_create(name=roles.EDITORS)
    group.permissions.set(Permission.objects.filter(content_type__app_label="news"))
    user = User.objects.create_user("editor", password="a long editor passphrase", is_staff=True)
    user.groups.add(group)
    return user


PAGES = {
    "list": "/{lang}/news/",
    "detail": "/{lang}/news/forum-opens-third-session/",
    "search": "/{lang}/news/?q=منتدى",
    "category": "/{lang}/news/category/forum/",
    "archive": "/{lang}/news/{month}/",
}


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize(("width_name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
@pytest.mark.parametrize("page_name", sorted(PAGES))
def test_news_pages_are_accessible(news_site, new_page, lang, width_name, viewport, page_name):
    article = Article.objects.get(slug="forum-opens-third-session")
    month = f"{timezone.localtime(article.publish_at):%Y/%-m}"
    page = new_page(viewport=viewport)
    page.goto(news_site.url + PAGES[page_name].format(lang=lang, month=month))
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    # Scroll through so lazy photos load before the screenshot.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    screenshot(page, f"news-{page_name}-{lang}-{width_name}")
    assert_accessible(page)


def test_photos_load_as_webp_renditions(news_site, new_page):
    page = new_page(viewport=PHONE)
    page.goto(f"{news_site.url}/ar/news/forum-opens-third-session/")
    image = page.locator(".article__figure img")
    image.wait_for()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.querySelector('.article__figure img').naturalWidth") > 0
    assert ".webp" in page.evaluate("document.querySelector('.article__figure img').currentSrc")


def test_share_links_and_copy_button(news_site, new_page):
    page = new_page(viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"])
    page.goto(f"{news_site.url}/en/news/forum-opens-third-session/")
    assert page.get_by_role("link", name="Share on WhatsApp").is_visible()
    address = page.get_by_label("Link to this article").input_value()
    assert address.endswith("/en/news/forum-opens-third-session/")
    page.get_by_role("button", name="Copy link").click()
    page.get_by_text("Link copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == address


def test_copy_button_is_hidden_without_javascript(news_site, new_page):
    page = new_page(viewport=PHONE, java_script_enabled=False)
    page.goto(f"{news_site.url}/ar/news/forum-opens-third-session/")
    assert page.get_by_label("رابط هذا الخبر").is_visible()
    assert not page.get_by_role("button", name="نسخ الرابط").is_visible()


def test_filters_work_without_javascript(news_site, new_page):
    page = new_page(viewport=PHONE, java_script_enabled=False)
    page.goto(f"{news_site.url}/en/news/")
    page.get_by_text("More filters").click()
    page.get_by_label("Category").select_option(label="Initiatives")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**category=initiatives**")
    titles = page.locator(".news-card__title").all_inner_texts()
    assert titles and "Tawasul platform launched to receive citizens' feedback" in titles
    assert "The Government Communication Forum opens its third session" not in titles


def _fill_tab(page, name: str, value: str) -> None:
    """Fill a field of the admin's language tabs, opening its tab first."""
    field = page.locator(f"#id_{name}")
    if not field.is_visible():
        panel = page.evaluate(
            "id => document.getElementById(id).closest('.ui-tabs-panel').id", f"id_{name}"
        )
        page.locator(f"[role=tab][aria-controls='{panel}']").click()
    field.fill(value)


def _photo_file(tmp_path):
    path = tmp_path / "forum.jpg"
    image = Image.new("RGB", (1400, 900), (11, 93, 75))
    image.paste((255, 191, 71), (300, 200, 900, 600))
    image.save(path, "JPEG")
    return path


def test_editor_publishes_and_citizen_finds_it_in_both_languages(
    news_site, new_page, editor_user, tmp_path
):
    admin = new_page(viewport=DESKTOP, locale="en-GB")
    admin.goto(f"{news_site.url}/admin/login/?next=/admin/news/article/add/")
    admin.get_by_label("Username").fill("editor")
    admin.get_by_label("Password").fill("a long editor passphrase")
    admin.get_by_role("button", name="Sign in").click()
    admin.wait_for_url("**/admin/news/article/add/")
    fields = {
        "title": ("مُنْتَدَى الابْتِكَارِ الحُكُومِيِّ يَنْطَلِقُ", "Government innovation forum begins"),
        "summary": ("يَنْطَلِقُ المُنْتَدَى بمشاركة الوزارات.", "The forum begins with the ministries."),
        "body": ("نص الخبر **المهم**.", "The **important** news."),
        "image_alt": ("شعار المنتدى على خلفية خضراء", "The forum's logo on a green background"),
    }
    for field, (arabic, english) in fields.items():
        _fill_tab(admin, f"{field}_ar", arabic)
        _fill_tab(admin, f"{field}_en", english)
    admin.locator("#id_image").set_input_files(str(_photo_file(tmp_path)))
    admin.locator("#id_slug").fill("innovation-forum-begins")
    admin.locator("#id_category").select_option(label="The forum")
    admin.locator("#id_status").select_option("published")
    screenshot(admin, "news-admin-add-en-desktop")
    admin.get_by_role("button", name="Save", exact=True).click()
    admin.wait_for_url("**/admin/news/article/")
    assert "was added successfully" in admin.content()

    citizen = new_page(viewport=PHONE)
    for lang, title in (
        ("ar", "مُنْتَدَى الابْتِكَارِ الحُكُومِيِّ يَنْطَلِقُ"),
        ("en", "Government innovation forum begins"),
    ):
        citizen.goto(f"{news_site.url}/{lang}/news/")
        citizen.locator("#id_q").fill("منتدى الابتكار")  # no diacritics
        citizen.locator("#id_q").press("Enter")
        citizen.wait_for_url("**q=**")
        first = citizen.locator(".news-card__title a").first
        assert first.inner_text() == title
        first.click()
        citizen.wait_for_url(f"**/{lang}/news/innovation-forum-begins/")
        citizen.wait_for_load_state("networkidle")
        assert citizen.evaluate("document.querySelector('.article__figure img').naturalWidth") > 0
        screenshot(citizen, f"news-published-{lang}-phone")
