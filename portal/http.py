"""Facts about the HTTP request that several apps need, decided in one place."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The visitor's address, for lockouts and rate limits (never stored with content).

    Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each appends the address it saw to
    X-Forwarded-For, so the client is that many entries from the end; anything before
    that was written by the client and cannot be trusted.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return remote
