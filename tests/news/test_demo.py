import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from news.models import Article, Category

pytestmark = pytest.mark.django_db


def test_load_demo_adds_a_dozen_bilingual_articles_with_photos_once():
    call_command("load_demo", stdout=io.StringIO())
    first = {a.slug: a.image.name for a in Article.objects.all()}
    call_command("load_demo", stdout=io.StringIO())
    assert {a.slug: a.image.name for a in Article.objects.all()} == first
    articles = list(Article.objects.published())
    assert len(articles) >= 12
    assert Category.objects.count() >= 3
    assert len({a.category_id for a in articles}) >= 3
    assert any(a.is_featured for a in articles)
    for article in articles:
        assert article.title_ar and article.title_en and article.image_alt_ar
        assert article.renditions["share"]
        assert default_storage.exists(article.renditions["share"])


def test_demo_news_is_on_the_pages(client):
    call_command("load_demo", stdout=io.StringIO())
    content = client.get("/en/news/").content.decode()
    assert "Government Communication Forum" in content
    assert "منتدى التواصل الحكومي" in client.get("/ar/news/?q=منتدى التواصل").content.decode()
