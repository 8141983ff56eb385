"""Public pages run a small, constant number of queries whatever the number of articles."""

import pytest
from django.utils import timezone

from news.models import Article
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

# page: the most queries it may take on a cold cache
BUDGET = {
    "list": 7,
    "search": 8,
    "detail": 5,
    "category": 5,
    "archive": 4,
    "home": 4,  # cold cache: 3 + the next-due check of the shared page cache
    "feed": 2,
    "sitemap": 5,  # + the clarifications section, + the ministries' pages (accountability/sitemaps.py)
}


def _urls(article: Article) -> dict[str, str]:
    return {
        "list": "/ar/news/",
        "search": "/ar/news/?q=منتدى&category=big",
        "detail": f"/ar/news/{article.slug}/",
        "category": "/en/news/category/big/",
        "archive": f"/en/news/{timezone.localtime(article.publish_at):%Y/%-m}/",
        "home": "/ar/",
        "feed": "/en/news/feed/",
        "sitemap": "/sitemap.xml",
    }


def _add(count: int, category, ministries) -> None:
    for n in range(count):
        make_article(
            category=category,
            title_ar="منتدى التواصل",
            ministries=ministries,
            is_featured=n % 2 == 0,
        )


@pytest.mark.parametrize("page", sorted(BUDGET))
def test_query_count_is_small_and_does_not_grow(page, query_count, ministry_a, ministry_b):
    category = make_category(slug="big")
    _add(5, category, [ministry_a, ministry_b])
    article = Article.objects.filter(category=category).order_by("pk").first()
    url = _urls(article)[page]
    few = query_count(url)
    _add(195, category, [ministry_a, ministry_b])
    many = query_count(url)
    assert few == many, f"{page}: {few} queries with 5 articles, {many} with 200"
    assert many <= BUDGET[page], f"{page}: {many} queries"
