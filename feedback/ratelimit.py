"""The feedback pages' rate limits (``settings.FEEDBACK_RATE_LIMITS``), counted by
``portal.ratelimit``'s fixed windows on the cache."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal import ratelimit as portal_ratelimit
from portal.http import check_before_body, client_address, content_length


def _key(scope: str, identity: str) -> str:
    _limit, window = settings.FEEDBACK_RATE_LIMITS[scope]
    return portal_ratelimit.window_key("feedback", scope, identity, window)


def hit(scope: str, identity: str) -> bool:
    """Count one request of ``identity`` in ``scope``; False when over the limit."""
    limit, window = settings.FEEDBACK_RATE_LIMITS[scope]
    return portal_ratelimit.count(_key(scope, identity), window) <= limit


def exhausted(scope: str, identity: str) -> bool:
    """True when the next ``hit`` of ``identity`` would be refused (counts nothing)."""
    limit, _window = settings.FEEDBACK_RATE_LIMITS[scope]
    return (cache.get(_key(scope, identity)) or 0) >= limit


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
    return portal_ratelimit.seconds_left(window)


def too_many_requests(request: HttpRequest, scope: str) -> HttpResponse:
    seconds = retry_after(scope)
    response = render(
        request, "429.html", {"retry_minutes": max(1, (seconds + 59) // 60)}, status=429
    )
    response["Retry-After"] = str(seconds)
    return response
