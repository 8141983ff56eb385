"""The feedback app's rate limits (``settings.FEEDBACK_RATE_LIMITS``): what is counted
and the 429 answers. The counting itself, shared through Redis with a per-process fallback
while Redis is down, is ``portal.ratelimit``."""

import contextlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal import ratelimit as counters
from portal.http import check_before_body, client_address, content_length

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
    return counters.window_key("feedback", scope, identity, window)


def hit(scope: str, identity: str) -> bool:
    """Count one request of ``identity`` in ``scope``; False when over the limit."""
    limit, window = settings.FEEDBACK_RATE_LIMITS[scope]
    return counters.count(_key(scope, identity), window) <= limit


def exhausted(scope: str, identity: str) -> bool:
    """True when the next ``hit`` of ``identity`` would be refused (counts nothing)."""
    limit, _window = settings.FEEDBACK_RATE_LIMITS[scope]
    return counters.peek(_key(scope, identity)) >= limit


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
    return counters.seconds_left(window)


def too_many_requests(request: HttpRequest, scope: str) -> HttpResponse:
    seconds = retry_after(scope)
    response = render(
        request, "429.html", {"retry_minutes": max(1, (seconds + 59) // 60)}, status=429
    )
    response["Retry-After"] = str(seconds)
    return response
