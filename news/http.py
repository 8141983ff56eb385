"""HTTP behaviour of the public news pages: shared cache per language, validators
(ETag, Last-Modified) and conditional GET, and no cookies for anonymous visitors.

Cached pages are the same bytes for every anonymous visitor: templates of these pages must
not contain per-request values (CSRF token, CSP nonce).

A stored copy is answered by ``CachedPageMiddleware`` near the top of the middleware stack
(before sessions, locale, CSRF, authentication and messages, which a cached anonymous page
does not need); the ``public_page`` decorator stores copies and answers what the
middleware leaves (a copy stored since, or a page that must be rendered), with one render
per page at a time (``portal.pagecache.single_flight``).
"""

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from functools import wraps
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    quote_etag,
)
from django.utils.encoding import escape_uri_path
from django.utils.http import http_date
from django.utils.translation import get_language, get_language_from_path

from news import cache as news_cache
from portal.http import is_anonymous
from portal.pagecache import single_flight

logger = logging.getLogger(__name__)

BROWSER_MAX_AGE = 60  # seconds a browser or proxy may reuse a page without asking


def _query_without(request: HttpRequest, params: Iterable[str]) -> tuple[str, bool]:
    """The query string with only ``params`` (in the order sent), and whether any went."""
    kept = [(name, values) for name, values in request.GET.lists() if name in params]
    dropped = len(kept) != len(request.GET)
    return urlencode([(name, value) for name, values in kept for value in values]), dropped


def _query_as_sent(query_string: str) -> str:
    """What ``request.GET`` would give, re-encoded (each name's values together, in the
    order the names first came), without building the QueryDict: the cached-page path
    runs on every anonymous request."""
    if not query_string:
        return ""
    grouped: dict[str, list[str]] = {}
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        grouped.setdefault(name, []).append(value)
    return urlencode([(name, value) for name, values in grouped.items() for value in values])


def _page_key(request: HttpRequest, language: str, query: str) -> str:
    # The scheme too: the page holds absolute links (canonical, alternates, share
    # images), and one request that looks like https (a proxy header) must not give
    # https:// links to plain-http visitors, or the other way round.
    digest = hashlib.sha256(
        f"{request.scheme}|{request.get_host()}|{request.path}?{query}".encode()
    ).hexdigest()
    return f"news:page:{language}:{digest}"


def _lookup(key: str) -> tuple[dict | None, str]:
    """The stored copy if it is still valid, and the current version; one round trip on a
    hit, none when this process's own copy answers (news/cache.py). A copy is valid while
    its version is current and it has not passed its own expiry (never later than the
    next scheduled article, see news/cache.py)."""
    held = news_cache.local_copy(key)
    if held is not None:
        return held
    found = news_cache.cache.get_many([news_cache.VERSION_KEY, key])
    version = found.get(news_cache.VERSION_KEY) or news_cache.version()
    entry = found.get(key)
    if entry is not None and (entry.get("version") != version or entry["expires"] <= time.time()):
        entry = None
    if entry is not None:
        news_cache.keep_local_copy(key, entry, version)
    return entry, version


def _answer(request: HttpRequest, entry: dict, state: str) -> HttpResponse:
    """The stored copy as a response, or 304 when the visitor's copy is current."""
    timeout = max(0, int(entry["expires"] - time.time()))
    response = get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"]
    ) or HttpResponse(entry["content"], content_type=entry["content_type"])
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["last_modified"])
    response["X-News-Cache"] = state
    # Written directly (what patch_cache_control and patch_vary_headers would write on
    # this new response, at a fraction of their cost on the hottest path of the site).
    response["Cache-Control"] = f"public, max-age={min(BROWSER_MAX_AGE, timeout)}"
    # Hit or miss, the same Vary: a shared cache must not give this copy to a visitor
    # who is logged in (they get private pages).
    response["Vary"] = "Cookie"
    return response


def _private(view: Callable[..., HttpResponse], request: HttpRequest, *args, **kwargs):
    response = view(request, *args, **kwargs)
    patch_cache_control(response, private=True, no_cache=True)
    return response


def public_page(
    view: Callable[..., HttpResponse] | None = None, *, params: Iterable[str] = ()
) -> Callable:
    """Serve a public news page from the shared cache for anonymous GET requests.

    ``params`` names the query parameters the page reads (filters, page number). The copy
    is keyed on the scheme, host, path and those parameters only. A request with any other
    parameter (``?utm_source=``, ``?x=<random>``) is redirected to the same address
    without it: each junk query string would otherwise store another copy of the page, and
    the page would carry the junk in its own links (the language switch keeps the query).
    """
    if view is None:
        return lambda view: public_page(view, params=params)
    params = frozenset(params)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            query, dropped = _query_without(request, params)
            if dropped:
                path = escape_uri_path(request.path)
                return HttpResponseRedirect(f"{path}?{query}" if query else path)
        if request.method not in ("GET", "HEAD") or not is_anonymous(request):
            return _private(view, request, *args, **kwargs)
        key = _page_key(request, get_language(), query)
        try:
            entry, version = _lookup(key)
        except Exception:  # the cache is optional: render the page without it
            logger.warning("cache unavailable; public page not cached", exc_info=True)
            return _private(view, request, *args, **kwargs)
        if entry is not None:
            return _answer(request, entry, "hit")

        def render() -> dict | HttpResponse:
            # Before rendering: an article that falls due meanwhile must end this copy.
            try:
                timeout = news_cache.page_timeout()
            except Exception:
                logger.warning("cache unavailable; public page not stored", exc_info=True)
                timeout = 0
            now = time.time()
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if response.status_code != 200 or response.streaming:
                return response
            entry = {
                "content": response.content,
                "content_type": response["Content-Type"],
                "etag": quote_etag(hashlib.sha256(response.content).hexdigest()[:32]),
                "last_modified": int(now),
                "version": version,
                "expires": now + timeout,
            }
            if timeout > 0:
                try:
                    news_cache.cache.set(key, entry, timeout)
                except Exception:
                    logger.warning("cache unavailable; public page not stored", exc_info=True)
            return entry

        # One render at a time per page: the others wait for its copy.
        outcome = single_flight(key, lambda: _lookup(key)[0], render)
        if isinstance(outcome, HttpResponse):
            return outcome
        return _answer(request, outcome, "miss")

    return wrapper


class CachedPageMiddleware:
    """Answer an anonymous GET of a stored public page before the rest of the stack.

    Placed after the security middlewares (so the copy gets every security header) and
    before sessions, locale, CSRF, authentication, messages and django-axes, none of which
    a stored anonymous page needs: that work was most of a cached page's cost. The
    language comes from the address (every public page has its prefix); the key is
    computed as ``public_page`` does from the query string as sent, and because
    ``public_page`` redirects any request with a parameter the page does not read, such a
    request finds no copy and goes on to the view. Anything not found goes on unchanged.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD") and is_anonymous(request):
            language = get_language_from_path(request.path_info)
            if language in self.languages:
                response = self.cached(request, language)
                if response is not None:
                    return response
        return self.get_response(request)

    def cached(self, request: HttpRequest, language: str) -> HttpResponse | None:
        query = _query_as_sent(request.META.get("QUERY_STRING", ""))
        try:
            entry, _version = _lookup(_page_key(request, language, query))
        except Exception:
            return None  # the view handles (and logs) a cache that is down
        if entry is None:
            return None
        response = _answer(request, entry, "hit")
        # What LocaleMiddleware and CommonMiddleware would have added.
        response["Content-Language"] = language
        if not response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
