"""Parts of a ministry's page that other features fill in, once they exist.

HOOKS (issue 17): the page shows these sections only when they return something, so it
depends on neither feature. Each must read its app's public API only, in a fixed number
of queries, and what it shows must change the page cache's version when it changes (as
news articles do, news/signals.py), or show up to five minutes late.
"""


def clarifications(ministry) -> list:
    """HOOK: the ministry's published clarifications (``news.Clarification``, being added
    on another branch), newest first, at most a handful; each needs ``title``,
    ``get_absolute_url()`` and ``publish_at``. Empty until that model exists."""
    return []


def published_outcomes(ministry) -> int | None:
    """HOOK: how many "you said, we did" items of this ministry are published (issue 17,
    point 3, another branch); None hides the line until that list exists."""
    return None


def published_outcomes_url(ministry) -> str | None:
    """HOOK: the public "you said, we did" list filtered to this ministry."""
    return None
