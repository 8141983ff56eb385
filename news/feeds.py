"""RSS 2.0 and Atom feeds of the latest published news, in the page's language."""

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.translation import gettext_lazy as _

from news.models import Article

FEED_SIZE = 20


class LatestNewsFeed(Feed):
    title = _("Tawasul: news of the government communication forum")
    description = _("The latest news of the Government Communication Centre.")

    def __call__(self, request: HttpRequest, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def link(self) -> str:
        return reverse("news:list")

    def feed_url(self) -> str:
        return reverse("news:feed")

    def items(self) -> list[Article]:
        return list(Article.objects.published().for_cards()[:FEED_SIZE])

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_pubdate(self, item: Article):
        return item.publish_at

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_categories(self, item: Article) -> list[str]:
        return [item.category.name]

    def item_enclosures(self, item: Article) -> list[Enclosure]:
        photo = item.photo
        if photo is None:
            return []
        url = self.request.build_absolute_uri(photo.share_url)
        return [Enclosure(url, str(photo.share_bytes), "image/jpeg")]


class LatestNewsAtomFeed(LatestNewsFeed):
    feed_type = Atom1Feed
    subtitle = LatestNewsFeed.description

    def feed_url(self) -> str:
        return reverse("news:feed-atom")


# A new feed object per request: the object keeps the request (absolute enclosure URLs).
def rss(request: HttpRequest):
    return LatestNewsFeed()(request)


def atom(request: HttpRequest):
    return LatestNewsAtomFeed()(request)
