"""The live links and the pages whose views are counted: in the shared cache, and a copy
in each process.

The short-link redirect and the page-view count run before the page cache answers
(``campaigns.middleware``): they must not query the database. ``publish()`` reads the
links of the campaigns counting now in one query and stores them in the shared cache; it
runs when a campaign or link changes (``campaigns.signals``), on every flush
(``flush_campaign_counters``, so a day's start and a campaign's end are seen within 5
minutes, and an emptied Redis is filled again), and when a short link's code is not
known (at most once every ``MISS_RELOAD_SECONDS`` per process, so guessing codes costs
one query every few seconds, not one a guess). Each process keeps what it read from the
cache ``REFRESH_SECONDS``: another process counts a new page's views within a minute. A
page request never reads the database for this.
"""

import datetime
import logging
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

from django.core.cache import cache
from django.urls import Resolver404
from django.utils import timezone

from portal import attribution

logger = logging.getLogger(__name__)

CACHE_KEY = "campaigns:registry"
REFRESH_SECONDS = 60.0
MISS_RELOAD_SECONDS = 2.0


@dataclass(frozen=True)
class LiveLink:
    pk: int
    redirect_to: str


@dataclass
class _State:
    links: dict[str, LiveLink] = field(default_factory=dict)
    pages: frozenset[str] = frozenset()
    read_at: float = 0.0


_lock = threading.Lock()
_state: _State | None = None
_last_miss_reload = 0.0


def redirect_target(target: str, code: str) -> str:
    """Where the link sends a visitor: the target, with the code for a form that takes
    it (``portal.attribution``)."""
    from campaigns.models import resolve_page

    parts = urlsplit(target)
    try:
        match = resolve_page(unquote(parts.path))
    except Resolver404:
        return target
    if not attribution.accepts_attribution(match.func):
        return target
    query = "&".join(filter(None, [parts.query, urlencode({attribution.PARAM: code})]))
    return urlunsplit(("", "", parts.path, query, parts.fragment))


def publish(today: datetime.date | None = None) -> dict:
    """Read the live links from the database into the shared cache (and drop this
    process's copy). Returns what was stored."""
    from campaigns.models import Campaign, Link, page_of_target

    today = today or timezone.localdate()
    rows = Link.objects.filter(campaign__in=Campaign.objects.counting_on(today)).values_list(
        "pk", "code", "target"
    )
    data = {"links": {}, "pages": []}
    pages = set()
    for pk, code, target in rows:
        data["links"][code] = [pk, redirect_target(target, code)]
        pages.add(page_of_target(target))
    data["pages"] = sorted(pages)
    try:
        cache.set(CACHE_KEY, data, timeout=None)
    except Exception:  # this process still uses what it read
        logger.warning("cache unavailable; campaign links not published", exc_info=True)
    global _state
    with _lock:
        _state = _from_data(data)
    return data


def _from_data(data: dict | None) -> _State:
    if not data:
        return _State(read_at=time.monotonic())
    links = {code: LiveLink(pk, to) for code, (pk, to) in data["links"].items()}
    return _State(links, frozenset(data["pages"]), time.monotonic())


def _read(previous: _State | None) -> _State:
    try:
        data = cache.get(CACHE_KEY)
    except Exception:  # the cache is down: keep this process's copy (links still work)
        if previous is not None:
            return _State(previous.links, previous.pages, time.monotonic())
        data = None
    return _from_data(data)


def _current() -> _State:
    global _state
    state = _state
    if state is None or time.monotonic() - state.read_at >= REFRESH_SECONDS:
        with _lock:
            if _state is state:
                _state = _read(state)
            state = _state
    return state


def link(code: str) -> LiveLink | None:
    """The live link of ``code``, or None (unknown, or its campaign is over)."""
    global _last_miss_reload
    found = _current().links.get(code)
    if found is None and attribution.clean(code):
        now = time.monotonic()
        if now - _last_miss_reload >= MISS_RELOAD_SECONDS:
            _last_miss_reload = now
            try:
                publish()
            except Exception:  # the database is down: the link goes home this time
                logger.warning("campaign links not reloaded", exc_info=True)
            found = _current().links.get(code)
    return found


def counted_pages() -> frozenset[str]:
    """Pages (without their language) whose views are counted now."""
    return _current().pages


def forget() -> None:
    """Drop this process's copy: the next request reads the shared cache."""
    global _state, _last_miss_reload
    with _lock:
        _state = None
    _last_miss_reload = 0.0
