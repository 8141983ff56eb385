"""Public pages: the ministries and their statistics (/<lang>/ministries/), a page per
ministry, and the open data. Shared-cached for anonymous visitors like the news pages
(``news.http.public_page``): a copy lives at most five minutes (``news.cache``), so the
figures are at most that old; a news or ministry change replaces every copy at once.
"""

from urllib.parse import urlencode

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import escape_uri_path

from accountability import charts, opendata, records, sections
from news.http import public_page
from news.models import Article
from portal.models import Ministry

LATEST_NEWS = 4


def _clean(request: HttpRequest, allowed: dict) -> str | None:
    """Where a request with an unknown ``period`` or ``sort`` value should go (None: it is
    clean): junk values would each store another copy of the page."""
    query = request.GET.copy()
    changed = False
    for name, valid in allowed.items():
        values = query.getlist(name)
        if values and (len(values) > 1 or not valid(values[0])):
            del query[name]
            changed = True
    if not changed:
        return None
    path = escape_uri_path(request.path)
    return f"{path}?{query.urlencode()}" if query else path


def _link(path: str, period: str, sort: str) -> str:
    """The list's address for a period and a sort, defaults left out."""
    params = {}
    if period != "12m":
        params["period"] = period
    if sort != records.DEFAULT_SORT:
        params["sort"] = sort
    return f"{path}?{urlencode(params)}" if params else path


def _trend(published: records.Publication, window, measure: str, rtl: bool, place) -> dict:
    points = [
        charts.Point(month, published.shown(month, place)[measure]) for month in window.months
    ]
    return charts.bar_chart(points, rtl)


@public_page(params=("period", "sort"))
def ministry_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    taken = records.snapshot(today)
    window, quarters, published = taken.window, taken.quarters, taken.publication
    by_key = {window.key: window, **{q.key: q for q in quarters}}
    if clean := _clean(
        request,
        {"period": lambda v: v in by_key, "sort": lambda v: records.parse_sort(v) is not None},
    ):
        return redirect(clean)
    period = by_key[request.GET.get("period", window.key)]
    column, descending = records.parse_sort(request.GET.get("sort"))
    sort = records.sort_value(column, descending)
    path = escape_uri_path(request.path)

    with_data = {key[1] for key in taken.found if key[1] is not None and period.contains(key[0])}
    ministries = Ministry.objects.filter(Q(is_active=True) | Q(pk__in=with_data))
    minimum = published.minimum
    rows = []
    for ministry in ministries:
        record = published.record(period.key, ministry.pk)
        rows.append(
            records.Row(
                ministry=ministry,
                record=record,
                shown=published.shown(period, ministry.pk),
                ranked=record.is_ranked(minimum),
            )
        )
    rows = records.sort_rows(rows, column, descending)
    columns = []
    for name, label in [("name", None), *((m.name, m.label) for m in records.MEASURES)]:
        active = name == column
        next_sort = (
            records.sort_value(name, not descending) if active else records.natural_sort(name)
        )
        columns.append(
            {
                "name": name,
                "label": label,
                "url": _link(path, period.key, next_sort),
                "aria_sort": ("descending" if descending else "ascending") if active else None,
            }
        )
    rtl = translation.get_language_bidi()
    context = {
        "window": window,
        "quarters": quarters,
        "period": period,
        "period_links": [
            {"period": p, "url": _link(path, p.key, sort), "current": p.key == period.key}
            for p in [window, *reversed(quarters)]
        ],
        "rows": rows,
        "columns": columns,
        "sort_column": column,
        "total": published.shown(period, records.ALL),
        "minimum": minimum,
        "measures": records.MEASURES,
        "received_chart": _trend(published, window, "received", rtl, records.ALL),
        "within_chart": _trend(published, window, "within_target", rtl, records.ALL),
    }
    return render(request, "accountability/ministry_list.html", context)


@public_page
def ministry_detail(request: HttpRequest, slug: str) -> HttpResponse:
    ministry = get_object_or_404(Ministry, slug=slug)
    today = timezone.localdate()
    # Every ministry's cells: what is withheld depends on the sums over all of them.
    taken = records.snapshot(today)
    window, quarters, published = taken.window, taken.quarters, taken.publication
    minimum = published.minimum
    year = published.record(window.key, ministry.pk)
    quarter_rows = []
    for quarter in reversed(quarters):  # newest first
        shown = published.shown(quarter, ministry.pk)
        quarter_rows.append(
            {
                "period": quarter,
                "shown": shown,
                "in_order": [shown[m.name] for m in records.MEASURES],
            }
        )
    rtl = translation.get_language_bidi()
    context = {
        "ministry": ministry,
        "window": window,
        "year": published.shown(window, ministry.pk),
        "ranked": year.is_ranked(minimum),
        "quarters": quarter_rows,
        "minimum": minimum,
        "measures": records.MEASURES,
        "received_chart": _trend(published, window, "received", rtl, ministry.pk),
        "within_chart": _trend(published, window, "within_target", rtl, ministry.pk),
        "channels": list(ministry.channels.filter(is_active=True)),
        "articles": list(
            Article.objects.published().for_cards().filter(ministries=ministry)[:LATEST_NEWS]
        ),
        "clarifications": sections.clarifications(ministry),
        "published_outcomes": sections.published_outcomes(ministry),
        "published_outcomes_url": sections.published_outcomes_url(ministry),
    }
    return render(request, "accountability/ministry_detail.html", context)


def _schema_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("accountability:schema"))


@public_page
def open_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accountability/open_data.html",
        {
            "fields": opendata.FIELDS,
            "licence": opendata.licence(),
            "minimum": records.threshold(),
        },
    )


@public_page
def open_data_csv(request: HttpRequest) -> HttpResponse:
    return HttpResponse(opendata.csv_text(), content_type="text/csv; charset=utf-8")


@public_page
def open_data_json(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        opendata.document(_schema_url(request)),
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


@public_page
def open_data_schema(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        opendata.json_schema(_schema_url(request)),
        content_type="application/schema+json",
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
