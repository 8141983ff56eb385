from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from news.models import Article, Category, Clarification


class ArticleSitemap(Sitemap):
    """Every public article in both languages, with hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"
    # Two URLs per article (one per language): 25,000 articles fill the protocol's 50,000.
    limit = 25000

    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("-pk")

    def lastmod(self, item: Article):
        return item.updated_at


class NewsPagesSitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["news:list", *(f"category:{slug}" for slug in self._category_slugs())]

    def _category_slugs(self) -> list[str]:
        return list(Category.objects.values_list("slug", flat=True))

    def location(self, item: str) -> str:
        if item.startswith("category:"):
            return reverse("news:category", kwargs={"slug": item.removeprefix("category:")})
        return reverse(item)


class ClarificationSitemap(Sitemap):
    """Every public clarification in both languages, with hreflang alternates, and the
    list of clarifications."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"
    limit = 25000

    def items(self):
        return [
            "clarifications:list",
            *Clarification.objects.published().only("slug", "updated_at").order_by("-pk"),
        ]

    def location(self, item) -> str:
        return reverse(item) if isinstance(item, str) else item.get_absolute_url()

    def lastmod(self, item):
        return None if isinstance(item, str) else item.updated_at


sitemaps = {
    "news": ArticleSitemap,
    "news-pages": NewsPagesSitemap,
    "clarifications": ClarificationSitemap,
}
