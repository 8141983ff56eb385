"""The public pages of "You said, we did" (cached like the news: news.http.public_page)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.encoding import escape_uri_path

from feedback.models import PublicOutcome
from news.http import public_page
from outcomes.filters import OutcomeFilter

PER_PAGE = 12


def _clean_list_url(request: HttpRequest) -> str | None:
    """A GET form sends every field ("q=&ministry="): the same page without the empty ones."""
    query = request.GET.copy()
    changed = False
    for name in list(query):
        values = [value for value in query.getlist(name) if value.strip()]
        changed |= len(values) != len(query.getlist(name))
        if values:
            query.setlist(name, values)
        else:
            del query[name]
    if not changed:
        return None
    path = escape_uri_path(request.path)
    return f"{path}?{query.urlencode()}" if query else path


@public_page(params=(*OutcomeFilter.base_filters, "page"))
def outcome_list(request: HttpRequest) -> HttpResponse:
    if clean_url := _clean_list_url(request):
        return redirect(clean_url)
    filterset = OutcomeFilter(request.GET, queryset=PublicOutcome.objects.published())
    outcomes = filterset.qs if filterset.is_valid() else PublicOutcome.objects.none()
    page = Paginator(outcomes, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "outcomes/list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "is_filtered": any(name != "page" for name in request.GET),
        },
    )


@public_page
def outcome_detail(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = get_object_or_404(PublicOutcome.objects.published(), pk=pk)
    return render(request, "outcomes/detail.html", {"outcome": outcome})
