"""Parts of a ministry's page that other features fill in: its clarifications (news) and
its "you said, we did" items (feedback, listed by the outcomes app).

Each reads its app's public API only, in a fixed number of queries; what it shows changes
the page cache's version when it changes (news and outcomes bump it, see their signals),
or shows up to five minutes late.
"""

from django.urls import reverse
from django.utils.http import urlencode

from feedback.models import PublicOutcome
from news.models import Clarification

CLARIFICATIONS_SHOWN = 5


def clarifications(ministry) -> list[Clarification]:
    """The ministry's published clarifications, newest first, at most a handful."""
    return list(
        Clarification.objects.published()
        .filter(ministry=ministry)
        .order_by("-published_at", "-pk")[:CLARIFICATIONS_SHOWN]
    )


def published_outcomes(ministry) -> int:
    """How many "you said, we did" items of this ministry are published."""
    return PublicOutcome.objects.published().for_ministry(ministry).count()


def published_outcomes_url(ministry) -> str:
    """The public "you said, we did" list filtered to this ministry."""
    return f"{reverse('outcomes:list')}?{urlencode({'ministry': ministry.slug})}"
