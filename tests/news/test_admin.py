import datetime
import re
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from news import kept_photo
from news.models import Article
from portal import roles
from tests.conftest import make_staff
from tests.factories import make_article, make_category, make_photo

pytestmark = pytest.mark.django_db


def _form_data(category, **overrides) -> dict:
    now = timezone.localtime()
    data = {
        "title_ar": "مُنْتَدَى التَّوَاصُل يَبْدَأ",
        "title_en": "The forum begins",
        "summary_ar": "ملخص الخبر",
        "summary_en": "Summary",
        "body_ar": "نص",
        "body_en": "Body",
        "location_ar": "مسقط",
        "location_en": "Muscat",
        "image_alt_ar": "",
        "image_alt_en": "",
        "image_caption_ar": "",
        "image_caption_en": "",
        "slug": "forum-begins",
        "category": category.pk,
        "status": Article.Status.PUBLISHED,
        "publish_at_0": now.strftime("%Y-%m-%d"),
        "publish_at_1": now.strftime("%H:%M:%S"),
    }
    data.update(overrides)
    return data


def test_editors_group_has_the_news_permissions():
    codenames = set(
        Group.objects.get(name=roles.EDITORS).permissions.values_list("codename", flat=True)
    )
    assert {"add_article", "change_article", "delete_article", "view_category"} <= codenames


def test_editor_writes_an_article_with_a_photo(client_as, editor):
    category = make_category()
    client = client_as(editor)
    assert client.get("/admin/news/article/add/").status_code == 200
    data = _form_data(category, image_alt_ar="شعار المنتدى", image=make_photo())
    response = client.post("/admin/news/article/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="forum-begins")
    assert article.author == editor
    assert article.renditions["share"]
    assert article in Article.objects.published()


def test_photo_without_alt_text_gets_a_form_error(client_as, editor):
    client = client_as(editor)
    response = client.post(
        "/admin/news/article/add/", _form_data(make_category(), image=make_photo())
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["image_alt_ar"] == ["يُرجى وصف الصورة لمن لا يستطيع رؤيتها."]
    assert not Article.objects.exists()


def test_broken_photo_gets_a_clear_form_error(client_as, editor):
    photo = make_photo()
    photo.file.truncate(len(photo.read()) // 2)
    photo.seek(0)
    response = client_as(editor).post(
        "/admin/news/article/add/",
        _form_data(make_category(), image=photo, image_alt_ar="وصف"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["image"] == ["تعذّرت قراءة الصورة، وقد تكون تالفة. يُرجى تجربة ملف آخر."]
    assert not Article.objects.exists()


def test_outsider_and_other_staff_cannot_edit_news(client_as, officer_b, moderator):
    for user in (officer_b, moderator):
        assert client_as(user).get("/admin/news/article/").status_code == 403
        assert client_as(user).get("/admin/news/article/add/").status_code == 403


def test_changelist_filters_search_and_preview_link(client_as, editor, ministry_a):
    article = make_article(title_ar="خبر للبحث", ministries=[ministry_a])
    client = client_as(editor)
    content = client.get("/admin/news/article/").content.decode()
    assert f"/ar/news/preview/{article.pk}/" in content
    for query in ("status__exact=draft", f"ministries__id__exact={ministry_a.pk}", "q=للبحث"):
        assert client.get(f"/admin/news/article/?{query}").status_code == 200
    assert "خبر للبحث" in client.get("/admin/news/article/?q=للبحث").content.decode()


def test_admin_search_ignores_diacritics_and_matches_slugs(client_as, editor):
    make_article(title_ar="مُنْتَدَى الإِعْلَامِ", slug="media-forum")
    make_article(title_ar="خبر آخر", slug="other")
    client = client_as(editor)
    for query in ("منتدى الاعلام", "media-forum"):
        result = client.get("/admin/news/article/", {"q": query}).context["cl"].result_list
        assert [a.slug for a in result] == ["media-forum"], query


def test_publish_now_and_unpublish_actions(
    django_capture_on_commit_callbacks, client, client_as, editor
):
    later = make_article(
        title_en="Later",
        status=Article.Status.DRAFT,
        publish_at=timezone.now() + datetime.timedelta(days=3),
    )
    editor_client = client_as(editor)
    assert "Later" not in client.get("/en/news/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            "/admin/news/article/",
            {"action": "publish_now", "_selected_action": [later.pk]},
        )
    later.refresh_from_db()
    assert later.is_public
    assert "Later" in client.get("/en/news/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            "/admin/news/article/", {"action": "unpublish", "_selected_action": [later.pk]}
        )
    later.refresh_from_db()
    assert later.status == Article.Status.DRAFT
    assert "Later" not in client.get("/en/news/").content.decode()


def test_admin_uses_tabs_for_both_languages(client_as, editor):
    content = client_as(editor).get("/admin/news/article/add/").content.decode()
    assert 'name="title_ar"' in content and 'name="title_en"' in content
    assert "vendor/jquery-ui/jquery-ui.min.js" in content
    assert "tabbed_translation_fields.js" in content


def test_publish_now_keeps_the_date_of_news_already_out(
    django_capture_on_commit_callbacks, client_as, editor
):
    old = make_article(title_en="Old news", publish_at=timezone.now() - datetime.timedelta(days=30))
    published_at = old.publish_at
    with django_capture_on_commit_callbacks(execute=True):
        client_as(editor).post(
            "/admin/news/article/", {"action": "publish_now", "_selected_action": [old.pk]}
        )
    old.refresh_from_db()
    assert old.publish_at == published_at


def test_arabic_only_article_gets_its_slug_from_the_arabic_title(client_as, editor):
    data = _form_data(make_category(), title_en="", summary_en="", body_en="", slug="")
    response = client_as(editor).post("/admin/news/article/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    # Diacritics go, the letters stay: the public address works and reads in Arabic.
    assert article.slug == "منتدى-التواصل-يبدأ"
    response = client_as(editor).get(f"/ar/news/{article.slug}/")
    assert response.status_code == 200


def test_empty_slug_is_made_from_the_english_title_and_kept_unique(client_as, editor):
    category = make_category()
    client = client_as(editor)
    for _number in range(2):
        response = client.post("/admin/news/article/add/", _form_data(category, slug=""))
        assert response.status_code == 302, response.context["adminform"].form.errors
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "the-forum-begins",
        "the-forum-begins-2",
    ]


def test_title_that_would_take_a_reserved_address_gets_another_slug(client_as, editor):
    data = _form_data(make_category(), title_en="Feed", slug="")
    response = client_as(editor).post("/admin/news/article/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get().slug == "article-feed"


def _kept_token(response) -> str:
    match = re.search(r'name="image_kept" value="([^"]+)"', response.content.decode())
    assert match, "the form should carry the kept photo"
    return match[1]


def test_error_note_names_each_failing_field_and_links_to_it(client_as, editor):
    data = {**_form_data(make_category(), title_ar="", summary_ar=""), "category": ""}
    response = client_as(editor).post("/admin/news/article/add/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    note = response.content.decode().split('id="error-list"')[1].split("</div>")[0]
    assert '<a href="#id_title_ar">Title (Arabic)</a>: This field is required.' in note
    assert '<a href="#id_summary_ar">Summary (Arabic)</a>' in note
    assert '<a href="#id_category">Category</a>' in note
    arabic = client_as(editor).post("/admin/news/article/add/", data, HTTP_ACCEPT_LANGUAGE="ar")
    assert (
        '<a href="#id_title_ar">العنوان (العربية)</a>: هذا الحقل مطلوب.' in arabic.content.decode()
    )


def test_photo_is_kept_across_a_form_error_and_saved_on_the_next_try(
    client_as, editor, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    category = make_category()
    client = client_as(editor)
    photo = make_photo(name="forum-day.jpg")
    first = client.post(
        "/admin/news/article/add/",
        _form_data(category, summary_ar="", image_alt_ar="المنصة", image=photo),
    )
    assert first.status_code == 200
    assert "forum-day.jpg" in first.content.decode()
    token = _kept_token(first)
    kept = list(Path(settings.MEDIA_ROOT, kept_photo.FOLDER).iterdir())
    assert len(kept) == 1
    # Still wrong the second time: the same photo stays kept, nothing new is stored.
    second = client.post(
        "/admin/news/article/add/",
        _form_data(category, summary_ar="", image_alt_ar="المنصة", image_kept=token),
    )
    assert _kept_token(second) == token
    assert len(list(Path(settings.MEDIA_ROOT, kept_photo.FOLDER).iterdir())) == 1

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            "/admin/news/article/add/",
            _form_data(category, image_alt_ar="المنصة", image_kept=token),
        )
    assert done.status_code == 302, done.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.image.name.endswith(".jpg") and "forum-day" in article.image.name
    assert article.renditions["share"]
    assert list(Path(settings.MEDIA_ROOT, kept_photo.FOLDER).iterdir()) == []


def test_kept_photo_can_be_dropped(client_as, editor):
    category = make_category()
    client = client_as(editor)
    first = client.post(
        "/admin/news/article/add/",
        _form_data(category, summary_ar="", image_alt_ar="المنصة", image=make_photo()),
    )
    data = _form_data(category, image_kept=_kept_token(first), image_kept_remove="on")
    assert client.post("/admin/news/article/add/", data).status_code == 302
    assert not Article.objects.get().image


@pytest.mark.parametrize("problem", ["altered", "another editor", "expired"])
def test_a_photo_that_cannot_be_claimed_asks_to_choose_it_again(
    client_as, editor, problem, monkeypatch
):
    category = make_category()
    client = client_as(editor)
    first = client.post(
        "/admin/news/article/add/",
        _form_data(category, summary_ar="", image_alt_ar="المنصة", image=make_photo()),
    )
    token = _kept_token(first)
    if problem == "altered":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif problem == "another editor":
        client = client_as(make_staff("editor-2", roles.EDITORS))
    else:
        monkeypatch.setattr(kept_photo, "MAX_AGE", -1)
    response = client.post(
        "/admin/news/article/add/", _form_data(category, image_alt_ar="المنصة", image_kept=token)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["image"] == [
        "تعذّر الاحتفاظ بالصورة التي اخترتها من قبل (تُحذف بعد ساعة). يُرجى اختيارها مرة أخرى."
    ]
    assert not Article.objects.exists()


def test_expired_kept_photos_are_purged_when_another_is_kept(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = kept_photo.keep(make_photo(), user_id=1)
    assert kept_photo.purge_expired(now=time.time() + kept_photo.MAX_AGE + 5) == 1
    assert kept_photo.claim(first.token, user_id=1).lost
