"""A small fixed-window rate limiter on the cache (local memory or Redis).

``cache.add`` starts a window atomically and ``cache.incr`` counts in it, which both
backends do atomically, so several app servers on one Redis share the count. Keys hold a
salted hash of the client address or e-mail, never the value itself.
"""

import contextlib
import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


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


def hit(scope: str, identity: str) -> bool:
    """Count one request of ``identity`` in ``scope``; False when over the limit."""
    limit, window = settings.FEEDBACK_RATE_LIMITS[scope]
    bucket = int(time.time() // window)
    key = f"feedback:rl:{scope}:{_digest(scope, identity)}:{bucket}"
    if cache.add(key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # the window expired between add and incr
            cache.add(key, 1, timeout=window + 1)
            count = 1
    return count <= limit


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
