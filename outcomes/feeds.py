"""RSS 2.0 and Atom feeds of the latest "You said, we did" items, in the page's language."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from feedback.models import PublicOutcome

FEED_SIZE = 20


class OutcomesFeed(Feed):
    title = gettext_lazy("Tawasul: you said, we did")
    description = gettext_lazy(
        "Citizens' suggestions and ideas, and what the ministries decided about them."
    )

    def link(self) -> str:
        return reverse("outcomes:list")

    def feed_url(self) -> str:
        return reverse("outcomes:feed")

    def items(self) -> list[PublicOutcome]:
        return list(PublicOutcome.objects.published()[:FEED_SIZE])

    def item_title(self, item: PublicOutcome) -> str:
        return item.title

    def item_description(self, item: PublicOutcome) -> str:
        return _("%(decision)s by the %(ministry)s: %(reason)s") % {
            "decision": item.get_decision_display(),
            "ministry": item.ministry.name,
            "reason": item.reason,
        }

    def item_link(self, item: PublicOutcome) -> str:
        return reverse("outcomes:detail", kwargs={"pk": item.pk})

    def item_pubdate(self, item: PublicOutcome):
        return item.published_at

    def item_categories(self, item: PublicOutcome) -> list[str]:
        return [item.ministry.name, item.topic.name, item.get_decision_display()]


class OutcomesAtomFeed(OutcomesFeed):
    feed_type = Atom1Feed
    subtitle = OutcomesFeed.description

    def feed_url(self) -> str:
        return reverse("outcomes:feed-atom")


def rss(request):
    return OutcomesFeed()(request)


def atom(request):
    return OutcomesAtomFeed()(request)
