from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from portal.models import Ministry


class MinistryPagesSitemap(Sitemap):
    """The statistics, the open data page and each active ministry's page, in both
    languages with hreflang alternates."""

    i18n = True
    alternates = True
    changefreq = "weekly"

    def items(self) -> list[str]:
        slugs = Ministry.objects.active().values_list("slug", flat=True)
        return ["accountability:ministries", "accountability:open_data", *slugs]

    def location(self, item: str) -> str:
        if item.startswith("accountability:"):
            return reverse(item)
        return reverse("accountability:ministry", kwargs={"slug": item})


sitemaps = {"ministries": MinistryPagesSitemap}
