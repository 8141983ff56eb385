"""The blank feedback form, rendered once per language and address and stored in the
shared cache, with a slot for each visitor's CSRF token.

Rendering the form (radio buttons, the topic list and guide, the widgets' templates) cost
about 12 ms of CPU, forty times ``/healthz``; the blank form is the same for every
anonymous visitor but for the CSRF token in its one hidden field. So it is rendered with a
placeholder in that field, stored as the bytes before and after it, and each request gets
``before + its token + after``: the same page as a fresh render, working without
JavaScript, with the CSRF cookie set as before (``get_token``). A form with errors, a
signed-in visitor or any other query string is rendered as before. The page has no inline
script or style, so no CSP nonce is involved.

A copy is valid while its version is current: any change to topics, ministries or the
official channels (the footer) replaces the version after its commit (feedback.signals),
and a copy lives at most ``TIMEOUT`` seconds.
"""

import hashlib
import logging
import time
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from portal.pagecache import single_flight

logger = logging.getLogger(__name__)

VERSION_KEY = "feedback:form-page:version"
TIMEOUT = 300
# Rendered where the token goes; nothing else in a blank form comes from the request but
# the host (checked against ALLOWED_HOSTS) and the kind (one of three values).
CSRF_SLOT = "csrf-token-slot-of-the-stored-form"


def bump() -> None:
    cache.set(VERSION_KEY, str(time.time_ns()), timeout=None)


def _version() -> str:
    value = str(time.time_ns())
    if not cache.add(VERSION_KEY, value, timeout=None):
        value = cache.get(VERSION_KEY) or value
    return value


def blank_form(request: HttpRequest, language: str, render: Callable[[str], HttpResponse]):
    """The blank form page for ``request``; ``render(csrf_token)`` renders it."""
    digest = hashlib.sha256(
        f"{request.scheme}|{request.get_host()}|{request.get_full_path()}".encode()
    ).hexdigest()
    key = f"feedback:form-page:{language}:{digest}"

    def lookup() -> tuple[bytes, bytes] | None:
        found = cache.get_many([VERSION_KEY, key])
        entry = found.get(key)
        if entry is None or entry["version"] != found.get(VERSION_KEY):
            return None
        return entry["parts"]

    def render_and_store() -> tuple[bytes, bytes] | HttpResponse:
        version = _version()
        response = render(CSRF_SLOT)
        before, slot, after = response.content.partition(CSRF_SLOT.encode())
        if response.status_code != 200 or not slot or CSRF_SLOT.encode() in after:
            return render(get_token(request))
        try:
            cache.set(key, {"version": version, "parts": (before, after)}, TIMEOUT)
        except Exception:
            logger.warning("cache unavailable; form page not stored", exc_info=True)
        return before, after

    try:
        parts = lookup() or single_flight(key, lookup, render_and_store)
    except Exception:  # the cache is optional
        logger.warning("cache unavailable; form page rendered", exc_info=True)
        return render(get_token(request))
    if isinstance(parts, HttpResponse):
        return parts
    before, after = parts
    return HttpResponse(before + get_token(request).encode() + after)
