"""The blank feedback form, rendered once per language and address and stored in the
shared cache, with each visitor's CSRF token put in (``portal.pagecache``).

Rendering the form (radio buttons, the topic list and guide, the widgets' templates) cost
about 12 ms of CPU, forty times ``/healthz``; the blank form is the same for every
anonymous visitor but for the CSRF token in its one hidden field. A form with errors, a
visitor with a session or a message, or any other query string is rendered as before.
The page has no inline script or style, so no CSP nonce is involved.

A copy is valid while its version is current: any change to topics, ministries or the
official channels (the footer) replaces the version after its commit (feedback.signals),
and a copy lives at most ``TIMEOUT`` seconds.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from portal import pagecache

VERSION_KEY = "feedback:form-page:version"
TIMEOUT = 300


def bump() -> None:
    pagecache.new_version(VERSION_KEY)


def blank_form(request: HttpRequest, render: Callable[[str], HttpResponse]) -> HttpResponse:
    """The blank form page for ``request``; ``render(csrf_token)`` renders it."""
    return pagecache.page_with_csrf_token(
        request, "feedback-form", render, timeout=TIMEOUT, version_key=VERSION_KEY
    )
