"""The public crisis pages kept in the shared cache (``portal.pagecache``): the incident
page and its Atom feed, the same for every anonymous visitor.

They are not news pages: a crisis change must show on them at once without ending the
stored copy of every news page (``news.cache``'s version), so they carry a version of their
own, replaced after every publication (``crisis.workflow``). A copy lives ``TIMEOUT``
seconds at most; nothing on them depends on the clock (they show times, not "in force").
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from portal import pagecache
from portal.http import is_anonymous

logger = logging.getLogger(__name__)

VERSION_KEY = "crisis:pages:version"
TIMEOUT = 300


def bump() -> None:
    try:
        pagecache.new_version(VERSION_KEY)
    except Exception:
        logger.warning("cache unavailable; crisis pages' version not replaced", exc_info=True)


def stored(
    request: HttpRequest,
    name: str,
    render: Callable[[], HttpResponse],
    content_type: str = "text/html; charset=utf-8",
) -> HttpResponse:
    """``render()`` once per address and language while the crisis pages do not change
    (a stored copy keeps its bytes only: ``content_type`` says what they are)."""
    if request.method not in ("GET", "HEAD") or not is_anonymous(request):
        response = render()
        patch_cache_control(response, private=True, no_cache=True)
        return response
    response = pagecache.page_with_csrf_token(
        request, name, lambda _token: render(), timeout=TIMEOUT, version_key=VERSION_KEY
    )
    response["Content-Type"] = content_type
    patch_cache_control(response, public=True, max_age=settings.CRISIS_PAGE_MAX_AGE)
    patch_vary_headers(response, ["Cookie"])
    return response
