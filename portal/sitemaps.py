from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class PortalPagesSitemap(Sitemap):
    """The portal's own public pages, in both languages with hreflang alternates."""

    i18n = True
    alternates = True
    changefreq = "monthly"

    def items(self) -> list[str]:
        return ["portal:home", "portal:about", "portal:contact"]

    def location(self, item: str) -> str:
        return reverse(item)
