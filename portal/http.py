"""Facts about the HTTP request that several apps need, decided in one place."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

BeforeBodyCheck = Callable[[HttpRequest], HttpResponse | None]


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


def content_length(request: HttpRequest) -> int | None:
    """The body size the client announced; None when it announced none (chunked)."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or ""))
    except ValueError:
        return None


def check_before_body(check: BeforeBodyCheck) -> Callable[[Callable], Callable]:
    """Run ``check`` on a request to this view before anything reads its body.

    ``portal.middleware.RequestBodyMiddleware`` calls it ahead of the CSRF middleware,
    which parses the body (and writes file parts to disk) to look for its token. ``check``
    may read headers only; a response it returns is sent instead of calling the view.
    """

    def decorate(view: Callable) -> Callable:
        view.check_before_body = check  # functools.wraps carries it through decorators
        return view

    return decorate


def is_anonymous(request: HttpRequest) -> bool:
    """Whether the visitor gets the pages every anonymous visitor gets, decided from the
    cookies alone: reading ``request.user`` would read the session and add ``Vary:
    Cookie`` to every public page. No session, and no message waiting to be shown."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and (
        "messages" not in request.COOKIES
    )
