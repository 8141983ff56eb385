"""The way from a sent form to its confirmation page, without a session.

The POST answers with a redirect (so a reload does not send the form again) and a cookie
that carries the new reference to the confirmation page: signed with SECRET_KEY and its
own salt (nobody can make one up), HttpOnly, limited to the confirmation page's path, and
valid for a few minutes. The page consumes it once: the browser is told to delete it, and
the shared cache remembers it as used until it expires, so a copy replayed later shows
nothing either. A session row per citizen would cost a second commit on every submission
(and a table that grows with every visitor); the private link is shown once either way.
"""

import hashlib
import logging

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

COOKIE = "feedback_sent"
SALT = "feedback.confirmation"
MAX_AGE = 10 * 60  # seconds between the POST and the confirmation page, at most

logger = logging.getLogger(__name__)
# While the shared cache does not answer, this process remembers the used cookies: the
# citizen still sees their reference, and a replay is refused at least by this process.
_fallback = LocMemCache("feedback-confirmation-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def remember(response: HttpResponse, reference: str) -> None:
    """Give the browser the reference to show on the confirmation page."""
    response.set_signed_cookie(
        COOKIE,
        reference,
        salt=SALT,
        max_age=MAX_AGE,
        path=reverse("feedback:sent"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def forget(response: HttpResponse) -> None:
    """Tell the browser to delete the cookie."""
    response.delete_cookie(COOKIE, path=reverse("feedback:sent"), samesite="Lax")


def read_once(request: HttpRequest) -> str | None:
    """The reference the cookie carries, once; None for no, a forged, an old or a used one."""
    if COOKIE not in request.COOKIES:
        return None
    try:
        reference = request.get_signed_cookie(COOKIE, salt=SALT, max_age=MAX_AGE)
    except (KeyError, signing.BadSignature):
        return None
    # Each signed value is new (it carries its time); add() fails for one seen before.
    used = "feedback:sent:" + hashlib.sha256(request.COOKIES[COOKIE].encode()).hexdigest()
    try:
        first_use = cache.add(used, 1, timeout=MAX_AGE + 60)
    except Exception:
        logger.warning("cache unavailable; confirmation replay checked in this process only")
        first_use = _fallback.add(used, 1, timeout=MAX_AGE + 60)
    return reference if first_use else None
