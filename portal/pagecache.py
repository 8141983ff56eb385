"""Pages kept in the shared cache: single flight, and pages with a CSRF token.

When a cached page is missing (a deploy emptied the cache, the news changed), every
request for it would render it at once: 64 visitors of the home page in the same second
would run 64 renders and their queries. Instead the first one takes a short lock in the
shared cache (``cache.add``, atomic on local memory and Redis, so it holds across app
servers) and renders; the others poll for the stored copy. The wait is bounded: if the
lock holder dies or its page cannot be stored, the lock expires and the waiters render
themselves, so a page is never more than ``WAIT_SECONDS`` late.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from portal import attribution

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

# A render that takes longer than this is presumed dead: its lock expires.
LOCK_SECONDS = 5
# How long a request waits for another's render before it renders itself.
WAIT_SECONDS = 5.0
FIRST_POLL_SECONDS = 0.005
LONGEST_POLL_SECONDS = 0.05


def single_flight(key: str, lookup: Callable[[], T | None], render: Callable[[], R]) -> T | R:
    """``lookup()`` if another request is rendering the page and stores it in time, else
    ``render()`` (which stores it). Call it after a miss of ``lookup``."""
    lock = f"{key}:rendering"
    try:
        owner = cache.add(lock, 1, timeout=LOCK_SECONDS)
    except Exception:  # the cache is optional: render without it
        logger.warning("cache unavailable; rendering without a lock", exc_info=True)
        return render()
    if owner:
        try:
            return render()
        finally:
            try:
                cache.delete(lock)
            except Exception:
                logger.warning("cache unavailable; lock left to expire", exc_info=True)
    deadline = time.monotonic() + WAIT_SECONDS
    pause = FIRST_POLL_SECONDS
    while time.monotonic() < deadline:
        time.sleep(pause)
        pause = min(pause * 2, LONGEST_POLL_SECONDS)
        try:
            # The lock first: the page is stored before the lock is released, so a lock
            # gone and still no page means the render stored nothing (not cacheable, or
            # it failed).
            released = cache.get(lock) is None
            found = lookup()
            if found is not None:
                return found
            if released:
                break
        except Exception:
            logger.warning("cache unavailable while waiting for a render", exc_info=True)
            break
    return render()


# --- Pages with a form: stored once, each visitor's CSRF token put in at answer time ------
# Rendered where the token goes. Nothing else on such a page comes from the request but
# the host (checked against ALLOWED_HOSTS) and what the caller keys the page on.
CSRF_SLOT = "csrf-token-slot-of-a-stored-page"
# The hidden field of every form: in a page without the slot it holds a real token.
CSRF_FIELD = b'name="csrfmiddlewaretoken"'
# The campaign code's hidden field (portal.attribution): the visitor's code at answer time.
ATTRIBUTION_SLOT = attribution.SLOT.encode()


def page_with_csrf_token(
    request: HttpRequest,
    name: str,
    render: Callable[[str], HttpResponse],
    *,
    timeout: int,
    version: str | None = None,
    version_key: str | None = None,
) -> HttpResponse:
    """A page that is the same for every visitor of its address but for the CSRF token of
    its forms: rendered once (``render(csrf_token)``) with a placeholder for the token,
    stored as the bytes around it, and answered with this visitor's token (``get_token``,
    which also sets the CSRF cookie as a rendered page would).

    A stored copy is valid while its version is current: ``version`` when the caller knows
    it (e.g. from a row it read anyway), or the value stored under ``version_key``, read
    in the same round trip as the page. Only a 200 is stored, and only with the token
    in it or with no form at all (the same page without its forms, e.g. a tracking page
    with nothing to rate): never a page whose form holds some visitor's real token.
    """
    key = stored_key(request, name, get_language())

    def lookup() -> list[bytes] | None:
        if version_key is None:
            return stored_parts(key, version)
        found = cache.get_many([version_key, key])
        return _valid_parts(found.get(key), found.get(version_key))

    def render_and_store() -> list[bytes] | HttpResponse:
        current = version if version_key is None else _current(version_key)
        response = render(CSRF_SLOT)
        parts = response.content.split(CSRF_SLOT.encode())
        has_real_token = len(parts) < 2 and CSRF_FIELD in response.content
        if response.status_code != 200 or has_real_token:
            return render(get_token(request))
        try:
            cache.set(key, {"version": current, "parts": parts}, timeout)
        except Exception:
            logger.warning("cache unavailable; page not stored", exc_info=True)
        return parts

    try:
        parts = lookup() or single_flight(key, lookup, render_and_store)
    except Exception:  # the cache is optional
        logger.warning("cache unavailable; page rendered", exc_info=True)
        return render(get_token(request))
    if isinstance(parts, HttpResponse):
        return parts
    return answer_with_token(request, parts)


def stored_key(request: HttpRequest, name: str, language: str) -> str:
    """Where ``page_with_csrf_token`` keeps the page ``name`` at this request's address."""
    # Keyed without a campaign code: every code shares the copy, put in when answered.
    query = attribution.without_code(request.META.get("QUERY_STRING", ""))
    digest = hashlib.sha256(
        f"{request.scheme}|{request.get_host()}|{request.path}?{query}".encode()
    ).hexdigest()
    return f"page:{name}:{language}:{digest}"


def stored_parts(key: str, version: str | None) -> list[bytes] | None:
    """The stored page under ``key`` if it was stored at ``version`` (the caller's current
    one), else None. Raises what the cache raises."""
    return _valid_parts(cache.get(key), version)


def _valid_parts(entry: dict | None, current: str | None) -> list[bytes] | None:
    if entry is None or current is None or entry["version"] != current:
        return None
    return entry["parts"]


def answer_with_token(request: HttpRequest, parts: list[bytes]) -> HttpResponse:
    """A stored page with this visitor's CSRF token (and campaign code) put in."""
    if len(parts) == 1:  # no form: no token to add, no CSRF cookie to set
        return HttpResponse(parts[0])
    content = get_token(request).encode().join(parts)
    if ATTRIBUTION_SLOT in content:
        content = content.replace(ATTRIBUTION_SLOT, attribution.code_of(request).encode())
    return HttpResponse(content)


def _current(version_key: str) -> str:
    """The version stored under ``version_key``, started if there is none."""
    value = str(time.time_ns())
    if not cache.add(version_key, value, timeout=None):
        value = cache.get(version_key) or value
    return value


def new_version(version_key: str) -> None:
    """Make every page stored under ``version_key``'s current version stale."""
    cache.set(version_key, str(time.time_ns()), timeout=None)
