"""Counting that must not cost the page cache: the short links and the page views.

Placed just before ``news.http.CachedPageMiddleware`` (docs/architecture.md): a short link
``/c/<code>`` is answered here, before sessions, CSRF and the URL resolver (a cookie
cannot be set, and the redirect costs less than ``/healthz``); a view of a campaign's page
is counted here after the response, whether the page came from the cache or was
rendered, without reading the page, the database or a session. The list of counted pages
is this process's copy (``campaigns.registry``); counting adds one in this process's
memory, sent to the shared cache in batches (``campaigns.counters``): no network trip.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from campaigns import counters, humans, registry
from campaigns.models import DailyCount, page_of
from campaigns.views.public import follow

PREFIX = "/c/"


class CampaignMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(PREFIX) and request.method in ("GET", "HEAD"):
            return follow(request, path[len(PREFIX) :].rstrip("/"))
        response = self.get_response(request)
        if request.method == "GET" and response.status_code in (200, 304):
            page = page_of(path)
            if page != path and page in registry.counted_pages() and humans.is_person(request):
                counters.count(DailyCount.Kind.VIEW, page)
        return response
