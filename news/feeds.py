"""RSS 2.0 and Atom feeds of the latest published news, in the page's language."""

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from news.models import Article, Clarification
from news.share_images import share_image

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


class ClarificationsFeed(Feed):
    """The latest official clarifications: the verdict leads the title, the claim
    follows, the facts' first words are the description."""

    title = _("Tawasul: official clarifications of rumours")
    description = _(
        "The Government Communication Centre's clarifications of claims that circulate."
    )

    def __call__(self, request: HttpRequest, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def link(self) -> str:
        return reverse("clarifications:list")

    def feed_url(self) -> str:
        return reverse("clarifications:feed")

    def items(self) -> list[Clarification]:
        return list(Clarification.objects.published().select_related("ministry")[:FEED_SIZE])

    def item_title(self, item: Clarification) -> str:
        return f"{item.get_verdict_display()}: {item.claim}"

    def item_description(self, item: Clarification) -> str:
        return Truncator(strip_tags(item.facts_html)).words(60)

    def item_pubdate(self, item: Clarification):
        return item.published_at

    def item_updateddate(self, item: Clarification):
        return item.updated_at

    def item_categories(self, item: Clarification) -> list[str]:
        return [item.get_verdict_display(), item.ministry.name]

    def item_enclosures(self, item: Clarification) -> list[Enclosure]:
        image = share_image(item, "wide")
        if image is None:
            return []
        url = self.request.build_absolute_uri(image.url)
        return [Enclosure(url, str(image.size), "image/png")]


class ClarificationsAtomFeed(ClarificationsFeed):
    feed_type = Atom1Feed
    subtitle = ClarificationsFeed.description

    def feed_url(self) -> str:
        return reverse("clarifications:feed-atom")


def clarifications_rss(request: HttpRequest):
    return ClarificationsFeed()(request)


def clarifications_atom(request: HttpRequest):
    return ClarificationsAtomFeed()(request)
