import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from news.models import Article
from news.richtext import render_body
from tests.factories import make_article, make_category, make_photo

pytestmark = pytest.mark.django_db


def test_english_falls_back_to_arabic_when_empty():
    article = make_article(title_ar="خبر عربي فقط", title_en="", summary_en="")
    with override("en"):
        assert article.title == "خبر عربي فقط"
        assert article.summary == article.summary_ar
    with override("ar"):
        assert str(article) == "خبر عربي فقط"


def test_arabic_title_and_summary_are_required():
    article = Article(
        title_en="English only", summary_en="Summary", slug="english-only", category=make_category()
    )
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert {"title_ar", "summary_ar"} <= set(error.value.message_dict)


def test_published_means_published_and_due():
    now = timezone.now()
    public = make_article()
    make_article(status=Article.Status.DRAFT)
    scheduled = make_article(publish_at=now + datetime.timedelta(hours=1))
    assert list(Article.objects.published()) == [public]
    assert scheduled in Article.objects.published(now=now + datetime.timedelta(hours=2))


def test_reserved_slug_is_refused():
    article = make_article()
    article.slug = "feed"
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "slug" in error.value.message_dict


def test_arabic_slugs_are_allowed_and_routed(client):
    article = make_article(slug="منتدى-التواصل")
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_photo_needs_an_alt_text():
    article = make_article(image=make_photo(), image_alt_ar="وصف")
    article.image_alt_ar = ""
    article.image_alt_en = ""
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "image_alt_ar" in error.value.message_dict


def test_search_text_is_normalised_and_title_kept_apart():
    article = make_article(title_ar="مُنْتَدَى الإعلام", title_en="Media Forum", body_ar="جلسةٌ ١٢")
    assert article.search_title == "منتدي الاعلام media forum"
    assert "جلسه 12" in article.search_text
    assert "media forum" in article.search_text


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="#" onclick="alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        '<p style="background:url(javascript:alert(1))">x</p>',
    ],
)
def test_body_cannot_run_script(source):
    html = render_body(source)
    assert "<script" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert "<iframe" not in html
    assert "style=" not in html


def test_body_markdown_keeps_formatting_and_safe_links():
    html = render_body("## عنوان\n\n**مهم** و[رابط](https://example.com)\n\n- أ\n- ب")
    assert "<h2>عنوان</h2>" in html
    assert "<strong>مهم</strong>" in html
    assert 'href="https://example.com"' in html
    assert 'rel="noopener noreferrer"' in html
    assert "<li>أ</li>" in html


def test_body_script_is_not_served_on_the_page(client):
    article = make_article(body_ar='<script>alert("x")</script> نص', body_en="")
    content = client.get(article.get_absolute_url()).content.decode()
    assert 'alert("x")' not in content
