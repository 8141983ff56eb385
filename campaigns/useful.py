""" "Was this page useful? yes / no": which pages ask it, and its abuse limits.

A page is named by its path without the language (``/news/<slug>/``), so its Arabic and
English addresses count as one page, and the same name is what a campaign link's target
page has (``Link.page``). Pages ask the question with ``{% include "campaigns/_useful.html" %}``
when their URL name is in ``QUESTION_PAGES``.

Limits (``settings.CAMPAIGNS_USEFUL_LIMITS``, through ``portal.ratelimit``, per client
address, the address only as a salted hash in the shared cache): one answer per page per
address per day, and at most so many answers a day per address in all. They are not among
the limits that make production need Redis (``FEEDBACK_RATE_LIMITS``): a single-process
install counts them in its own memory, which bounds the same thing.
"""

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.translation import get_language

from portal import ratelimit

# URL names of the pages that ask the question: articles and clarifications.
QUESTION_PAGES = frozenset({"news:detail", "clarifications:detail"})
MAX_PAGE_LENGTH = 300


def is_question_page(page: str) -> bool:
    """True when ``page`` (a path without its language) is a page that asks."""
    if not isinstance(page, str) or not page.startswith("/") or page.startswith("//"):
        return False
    if len(page) > MAX_PAGE_LENGTH or any(ord(char) < 32 for char in page):
        return False
    try:
        match = resolve(f"/{get_language()}{page}")
    except Resolver404:
        return False
    return match.view_name in QUESTION_PAGES


def _hit(scope: str, identity: str) -> bool:
    limit, window = settings.CAMPAIGNS_USEFUL_LIMITS[scope]
    key = ratelimit.window_key("campaigns", scope, identity, window)
    return ratelimit.count(key, window) <= limit


def address_may_answer(address: str) -> bool:
    """Counts one answer of ``address``; False once it is over its daily number."""
    return _hit("useful_address", address)


def first_answer_today(address: str, page: str) -> bool:
    """Counts ``address``'s answer for ``page``; False if it already answered today."""
    return _hit("useful_page", f"{address}|{page}")
