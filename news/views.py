"""Public news pages (cached per language, see news/http.py) and the editors' preview."""

from datetime import date, timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from news import cache as news_cache
from news.filters import ArticleFilter
from news.http import public_page
from news.models import SEARCH_RESULTS_MAX, Article, Category
from portal.formatting import local_month
from portal.paginators import KeysFirst

PER_PAGE = 12


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


# Old links chose a month with ?year=&month=; they now redirect to the same month as a range.
LEGACY_MONTH_PARAMS = ("year", "month")


def _clean_list_url(request: HttpRequest) -> str | None:
    """Where a list request with empty fields (a GET form sends every field, "q=&category=")
    or an old year/month choice should go instead, or None when it is clean already."""
    query = request.GET.copy()
    year, month = query.pop("year", [""])[-1], query.pop("month", [""])[-1]
    changed = bool(year or month)
    if year.isdigit() and month.isdigit() and 2000 <= int(year) <= 2100 and 1 <= int(month) <= 12:
        first = date(int(year), int(month), 1)
        last = date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)
        query.setlist("date_from", [first.isoformat()])
        query.setlist("date_to", [last.isoformat()])
    elif year.isdigit() and 2000 <= int(year) <= 2100:
        query.setlist("date_from", [f"{year}-01-01"])
        query.setlist("date_to", [f"{year}-12-31"])
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


# Every filter of the list, and the page number: any other parameter is junk.
@public_page(params=(*ArticleFilter.base_filters, "page", *LEGACY_MONTH_PARAMS))
def article_list(request: HttpRequest) -> HttpResponse:
    if clean_url := _clean_list_url(request):
        return redirect(clean_url)
    filterset = ArticleFilter(
        request.GET, queryset=Article.objects.published().for_cards(), request=request
    )
    articles = filterset.qs if filterset.is_valid() else Article.objects.none()
    searching = bool(filterset.form.data.get("q"))
    if searching and filterset.is_valid():
        # The matches are found once (their keys), not once to count and once for the page.
        articles = KeysFirst(articles, Article.objects.published().for_cards(), SEARCH_RESULTS_MAX)
    return render(
        request,
        "news/article_list.html",
        {
            "filter": filterset,
            "page_obj": _page(request, articles),
            "query": request.GET.get("q", "").strip(),
            "is_filtered": any(name != "page" for name in request.GET),
            # A search lists the newest matches only (see ArticleQuerySet.search).
            "search_limit": SEARCH_RESULTS_MAX if searching else None,
            # A scan of every published article: shared until the news change.
            "months": news_cache.remembered("months", _archive_months),
        },
    )


def _archive_months() -> list:
    return list(Article.objects.published().datetimes("publish_at", "month", "DESC")[:24])


@public_page(params=("page",))
def category(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    articles = Article.objects.published().for_cards().filter(category=category)
    return render(
        request,
        "news/article_archive.html",
        {"heading": category.name, "category": category, "page_obj": _page(request, articles)},
    )


@public_page(params=("page",))
def month_archive(request: HttpRequest, year: int, month: int) -> HttpResponse:
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404
    articles = (
        Article.objects.published()
        .for_cards()
        .filter(publish_at__year=year, publish_at__month=month)
    )
    return render(
        request,
        "news/article_archive.html",
        {
            "heading": _("News of %(month)s") % {"month": local_month(date(year, month, 1))},
            "page_obj": _page(request, articles),
        },
    )


def _related(article: Article) -> list[Article]:
    return list(
        Article.objects.published()
        .for_cards()
        .filter(category_id=article.category_id)
        .exclude(pk=article.pk)[:3]
    )


@public_page
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.published().select_related("category").prefetch_related("ministries"),
        slug=slug,
    )
    return render(
        request, "news/article_detail.html", {"article": article, "related": _related(article)}
    )


@never_cache
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Editors see any article (draft or scheduled) as it will look; others get a 404."""
    article = get_object_or_404(
        Article.objects.previewable_by(request.user)
        .select_related("category")
        .prefetch_related("ministries"),
        pk=pk,
    )
    return render(
        request,
        "news/article_detail.html",
        {"article": article, "related": [], "is_preview": True},
    )


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Everything public may be crawled; the admin and previews may not."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        *(f"Disallow: /{code}/news/preview/" for code, _name in settings.LANGUAGES),
        *(f"Disallow: /{code}/clarifications/preview/" for code, _name in settings.LANGUAGES),
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
