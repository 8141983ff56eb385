"""Public clarification pages (cached per language like the news, news/http.py), their
feeds, and the editors' preview."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from news.filters import ClarificationFilter
from news.http import public_page
from news.models import SEARCH_RESULTS_MAX, Clarification
from news.views import PER_PAGE, _clean_list_url


def _detail_queryset(queryset):
    return queryset.select_related("ministry").prefetch_related("sources__article", "corrections")


@public_page(params=(*ClarificationFilter.base_filters, "page"))
def clarification_list(request: HttpRequest) -> HttpResponse:
    if clean_url := _clean_list_url(request):
        return redirect(clean_url)
    filterset = ClarificationFilter(
        request.GET, queryset=Clarification.objects.published().for_cards(), request=request
    )
    clarifications = filterset.qs if filterset.is_valid() else Clarification.objects.none()
    return render(
        request,
        "news/clarification_list.html",
        {
            "filter": filterset,
            "page_obj": Paginator(clarifications, PER_PAGE).get_page(request.GET.get("page")),
            "query": request.GET.get("q", "").strip(),
            "is_filtered": any(name != "page" for name in request.GET),
            "search_limit": SEARCH_RESULTS_MAX if filterset.form.data.get("q") else None,
        },
    )


@public_page
def clarification_detail(request: HttpRequest, slug: str) -> HttpResponse:
    clarification = get_object_or_404(
        _detail_queryset(Clarification.objects.published()), slug=slug
    )
    return render(request, "news/clarification_detail.html", {"clarification": clarification})


@never_cache
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Editors see any clarification (a draft too) as it will look; others get a 404."""
    clarification = get_object_or_404(
        _detail_queryset(Clarification.objects.previewable_by(request.user)), pk=pk
    )
    return render(
        request,
        "news/clarification_detail.html",
        {"clarification": clarification, "is_preview": True},
    )
