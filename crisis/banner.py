"""The crisis banner: on every page, stored copies included, within 10 seconds.

``templates/base.html`` holds a fixed marker where the banner goes. Pages are stored with
the marker (news' page cache, the stored feedback and tracking pages), and
``BannerMiddleware`` puts the current banner in its place on the way out, for every HTML
response, stored or rendered. So publishing an alert changes no stored page and empties no
cache (a crisis is the worst moment to re-render every page), and an alert reaches pages
stored minutes ago.

The banner itself, rendered in both languages, is the *banner state*, kept in the shared
cache for at most ``CRISIS_BANNER_REFRESH_SECONDS`` and never past the next moment it must
change (an alert's expiry or start, the end of an "is over" notice): expiry ends the banner
with no request writing anything. Each process also keeps the state for
``CRISIS_BANNER_LOCAL_SECONDS`` (one cache read a second at most, not one a request), and
publishing replaces the shared state after the commit. Browsers and proxies may reuse a
page for ``CRISIS_PAGE_MAX_AGE`` seconds: the three add up to at most 10 (settings check).

Conditional requests: a page with a banner carries the stored copy's ETag with the
banner's tag added (``"<etag>-b<tag>"``); the middleware turns the visitor's validator
back into the stored copy's before the page cache compares it, and drops any validator
made under another banner (or none), so a 304 is only ever sent for the same page *and*
the same banner.
"""

import hashlib
import logging
import math
import re
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

MARKER = b"<!--crisis-banner-->"
STATE_KEY = "crisis:banner:v1"
LEVEL_ORDER = {"emergency": 0, "warning": 1, "information": 2}
_ETAG = re.compile(r'(W/)?"([^"]*)"')

# This process's copy of the state and when it was read (time.monotonic()).
_memo: dict = {"state": None, "read_at": 0.0}


def compute(now=None) -> dict:
    """The banner state from the database: ``html`` per language ('' for none), ``tag``
    (what the pages' ETags carry), ``until`` (epoch seconds: when it must be recomputed)."""
    from crisis.models import Alert

    now = now or timezone.now()
    notice = timedelta(minutes=settings.CRISIS_ENDED_NOTICE_MINUTES)
    # Exercise and Test messages never reach the banner.
    rows = list(
        Alert.objects.published()
        .actual()
        .filter(
            Q(msg_type__in=(Alert.MsgType.ALERT, Alert.MsgType.UPDATE), expires__gt=now)
            | Q(msg_type=Alert.MsgType.CANCEL, sent__gt=now - notice),
            replaced_at__isnull=True,
        )
        .select_related("incident")
        .prefetch_related("governorates")
        .order_by("-sent", "-pk")
    )
    until = now + timedelta(seconds=settings.CRISIS_BANNER_REFRESH_SECONDS)
    current, ended = [], []
    for alert in rows:
        if alert.msg_type == Alert.MsgType.CANCEL:
            ended.append(alert)
            until = min(until, alert.sent + notice)
        elif alert.effective <= now:
            current.append(alert)
            until = min(until, alert.expires)
        else:
            until = min(until, alert.effective)  # not yet in force: it starts then
    current.sort(key=lambda alert: LEVEL_ORDER[alert.level])
    html = {}
    for language, _name in settings.LANGUAGES:
        if not (current or ended):
            html[language] = ""
            continue
        with translation.override(language):
            html[language] = render_to_string(
                "crisis/banner.html",
                {"alerts": current, "ended": ended, "all_count": _governorate_count()},
            ).strip()
    joined = "".join(html.values())
    tag = hashlib.sha256(joined.encode()).hexdigest()[:12] if joined else ""
    return {"html": html, "tag": tag, "until": until.timestamp()}


def _governorate_count() -> int:
    from crisis.governorates import CODES

    return len(CODES)


def current_state() -> dict:
    """The banner state: this process's copy (at most CRISIS_BANNER_LOCAL_SECONDS old),
    else the shared cache's, else computed (one query, stored for the others)."""
    now = time.time()
    memo = _memo["state"]
    if (
        memo is not None
        and time.monotonic() - _memo["read_at"] < settings.CRISIS_BANNER_LOCAL_SECONDS
        and memo["until"] > now
    ):
        return memo
    try:
        state = cache.get(STATE_KEY)
    except Exception:  # the cache is optional: the database answers (once a second a process)
        logger.warning("cache unavailable; crisis banner read from the database", exc_info=True)
        state = None
    if state is None or state["until"] <= now:
        try:
            state = compute()
        except Exception:
            if memo is None:
                raise
            # The database is down too: the last state known here, rather than none.
            logger.warning(
                "crisis banner not recomputed; keeping this process's copy", exc_info=True
            )
            state = memo
        else:
            _store(state)
    _memo["state"], _memo["read_at"] = state, time.monotonic()
    return state


def _state_or_none() -> dict | None:
    """For the middleware: a page is never refused because the banner cannot be read."""
    try:
        return current_state()
    except Exception:
        logger.warning("crisis banner unavailable; page answered without it", exc_info=True)
        return None


def _store(state: dict) -> None:
    seconds = state["until"] - time.time()
    if seconds <= 0:
        return
    try:
        cache.set(STATE_KEY, state, timeout=max(1, math.ceil(seconds)))
    except Exception:
        logger.warning("cache unavailable; crisis banner not stored", exc_info=True)


def refresh() -> None:
    """After a publication: the new state for every process at once (the others' own
    copies end within CRISIS_BANNER_LOCAL_SECONDS)."""
    state = compute()
    _store(state)
    _memo["state"], _memo["read_at"] = state, time.monotonic()


def forget_local_copy() -> None:
    """Tests: the next request reads the shared state."""
    _memo["state"] = None


def pin_no_banner() -> None:
    """Tests of other apps: this process shows no banner and never reads its state, so
    their query counts do not depend on the clock (``tests/conftest.py``; the crisis tests
    call ``forget_local_copy`` and get the real behaviour)."""
    _memo["state"] = {"html": {}, "tag": "", "until": math.inf}
    _memo["read_at"] = math.inf


def _strip_tag(header: str, tag: str) -> str | None:
    """The visitor's validators made under banner ``tag``, as the stored copy's ETags;
    any other (no banner then, or another one) is dropped: it cannot be current."""
    kept = []
    suffix = f"-b{tag}"
    for weak, value in _ETAG.findall(header):
        if value.endswith(suffix):
            kept.append(f'{weak}"{value[: -len(suffix)]}"')
    return ", ".join(kept) or None


def _add_tag(etag: str, tag: str) -> str:
    match = _ETAG.fullmatch(etag.strip())
    if match is None:
        return etag
    weak, value = match.groups()
    return f'{weak or ""}"{value}-b{tag}"'


_MAX_AGE = re.compile(r"\bmax-age=(\d+)")


class BannerMiddleware:
    """Put the banner into every HTML page that has the marker (see the module's text).

    Above ``news.http.CachedPageMiddleware``, so stored pages answered there get it too,
    and below the security headers' middlewares."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = None
        meta = request.META
        if "HTTP_IF_NONE_MATCH" in meta or "HTTP_IF_MODIFIED_SINCE" in meta:
            state = _state_or_none()
            if state is not None and state["tag"]:
                # The stored copy's Last-Modified says nothing of the banner: ETags only.
                meta.pop("HTTP_IF_MODIFIED_SINCE", None)
                if "HTTP_IF_NONE_MATCH" in meta:
                    stripped = _strip_tag(meta["HTTP_IF_NONE_MATCH"], state["tag"])
                    if stripped is None:
                        del meta["HTTP_IF_NONE_MATCH"]
                    else:
                        meta["HTTP_IF_NONE_MATCH"] = stripped
        response = self.get_response(request)
        if response.status_code == 304:
            if state is not None and state["tag"] and response.has_header("ETag"):
                response["ETag"] = _add_tag(response["ETag"], state["tag"])
            self._cap_max_age(response)
            return response
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        self._cap_max_age(response)
        content = response.content
        if MARKER not in content:
            return response
        state = state or _state_or_none()
        if state is None or not state["tag"]:
            return response
        language = response.get("Content-Language") or translation.get_language() or "ar"
        html = state["html"].get(language[:2]) or state["html"].get(settings.LANGUAGE_CODE, "")
        response.content = content.replace(MARKER, html.encode(), 1)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        if response.has_header("ETag"):
            response["ETag"] = _add_tag(response["ETag"], state["tag"])
        return response

    @staticmethod
    def _cap_max_age(response: HttpResponse) -> None:
        """No browser or proxy keeps a page longer than the banner's promise allows."""
        cache_control = response.get("Cache-Control", "")
        match = _MAX_AGE.search(cache_control)
        if match and int(match.group(1)) > settings.CRISIS_PAGE_MAX_AGE:
            # The number replaced in place (patch_cache_control would parse and rebuild
            # the header: a tenth of a cached page's cost).
            start, end = match.span(1)
            response["Cache-Control"] = (
                f"{cache_control[:start]}{settings.CRISIS_PAGE_MAX_AGE}{cache_control[end:]}"
            )
