"""A small fixed-window rate limiter on the cache (local memory or Redis).

``cache.add`` starts a window atomically and ``cache.incr`` counts in it, which both
backends do atomically, so several app servers on one Redis share the count. Keys hold a
salted hash of the client address or e-mail, never the value itself.

Without the shared cache (Redis down or unreachable) the limits are not dropped: each
process counts in its own memory until Redis answers again, so a client can send at most
the limit times the number of app-server processes. The switch is logged (a warning at
most once a minute per process); see docs/decisions.md and docs/operations.md.
"""

import contextlib
import hashlib
import hmac
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.http import check_before_body, client_address, content_length


def _digest(scope: str, identity: str) -> str:
    key = f"{settings.SECRET_KEY}:feedback-ratelimit:{scope}".encode()
    return hmac.new(key, identity.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


# Providers where the dots of the local part do not matter: a.b@gmail.com is ab@gmail.com.
_DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox(address: str) -> str:
    """The mailbox ``address`` delivers to, as the per-e-mail limit counts it (the key
    only: the stored address stays as typed). Case-insensitive; ``name+tag@`` is
    ``name@`` (sub-addressing, supported by nearly every provider); the domain in its
    ASCII (IDNA) form; dots dropped only at Gmail, where they are the same mailbox
    (elsewhere ``a.b@`` and ``ab@`` are two people). So typing a victim's address in
    tags and spellings still mails them at most the limit."""
    local, _at, domain = address.strip().lower().rpartition("@")
    with contextlib.suppress(UnicodeError):  # not a valid IDNA name: count it as typed
        domain = domain.encode("idna").decode("ascii")
    name, _plus, _tag = local.partition("+")
    if name:  # "+tag@" alone is a name, not a tag
        local = name
    if domain in _DOTLESS_DOMAINS:
        domain = _DOTLESS_DOMAINS[domain]
        local = local.replace(".", "")
    return f"{local}@{domain}"


def _key(scope: str, identity: str) -> str:
    _limit, window = settings.FEEDBACK_RATE_LIMITS[scope]
    bucket = int(time.time() // window)
    return f"feedback:rl:{scope}:{_digest(scope, identity)}:{bucket}"


logger = logging.getLogger(__name__)

# This process's own counts, used only while the shared cache does not answer.
_fallback = LocMemCache("feedback-ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
_WARNING_INTERVAL = 60.0
_last_warning = 0.0


def hit(scope: str, identity: str) -> bool:
    """Count one request of ``identity`` in ``scope``; False when over the limit."""
    limit, window = settings.FEEDBACK_RATE_LIMITS[scope]
    key = _key(scope, identity)
    try:
        count = _count(cache, key, window)
    except Exception as error:  # the shared cache is down: count in this process
        _warn_fallback(error)
        count = _count(_fallback, key, window)
    return count <= limit


def _count(store: BaseCache, key: str, window: int) -> int:
    if store.add(key, 1, timeout=window + 1):
        return 1
    try:
        return store.incr(key)
    except ValueError:  # the window expired between add and incr
        store.add(key, 1, timeout=window + 1)
        return 1


def _warn_fallback(error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= _WARNING_INTERVAL:
        _last_warning = now
        logger.warning(
            "rate limits counted per process: the shared cache does not answer (%s: %s)",
            type(error).__name__,
            error,
        )


def exhausted(scope: str, identity: str) -> bool:
    """True when the next ``hit`` of ``identity`` would be refused (counts nothing)."""
    limit, _window = settings.FEEDBACK_RATE_LIMITS[scope]
    key = _key(scope, identity)
    try:
        count = cache.get(key)
    except Exception as error:
        _warn_fallback(error)
        count = _fallback.get(key)
    return (count or 0) >= limit


def refuse_large_bodies_over_the_limit(scope: str, larger_than: int):
    """A view decorator: a POST body larger than ``larger_than`` bytes from an address
    already over ``scope`` is answered 429 before anything reads it.

    Smaller bodies go on to the view, which counts them with ``hit`` and can show the text
    back (nothing typed is lost); reading a few kilobytes costs nothing. A body with files
    from an address over its limit is never parsed, nor written to a temporary file.
    """

    def check(request: HttpRequest) -> HttpResponse | None:
        length = content_length(request) or 0
        if (
            request.method == "POST"
            and length > larger_than
            and exhausted(scope, client_address(request))
        ):
            return too_many_requests(request, scope)
        return None

    return check_before_body(check)


def retry_after(scope: str) -> int:
    _limit, window = settings.FEEDBACK_RATE_LIMITS[scope]
    return window - int(time.time()) % window


def too_many_requests(request: HttpRequest, scope: str) -> HttpResponse:
    seconds = retry_after(scope)
    response = render(
        request, "429.html", {"retry_minutes": max(1, (seconds + 59) // 60)}, status=429
    )
    response["Retry-After"] = str(seconds)
    return response
