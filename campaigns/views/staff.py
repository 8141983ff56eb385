"""Staff pages under /<lang>/staff/campaigns/: the list, a campaign's dashboard and its
CSV export. Who sees which campaign is ``Campaign.objects.visible_to`` (through
``portal.roles.campaign_scope``); campaigns are registered and edited in the admin by
editors and managers."""

import csv
import io
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from campaigns import stats
from campaigns.models import Campaign
from portal import roles
from portal.formatting import iso_date


def campaign_page(view: Callable) -> Callable:
    """The gate: the anonymous sign in; people without a campaign scope get 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if roles.campaign_scope(request.user) is None:
            raise Http404
        return view(request, *args, **kwargs)

    return never_cache(require_GET(wrapper))


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return get_object_or_404(
        Campaign.objects.visible_to(request.user).select_related("ministry"), pk=pk
    )


@campaign_page
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.visible_to(request.user).select_related("ministry")
    scope = roles.campaign_scope(request.user)
    return render(
        request,
        "campaigns/staff/list.html",
        {"campaigns": campaigns, "manages": scope.manages, "today": timezone.localdate()},
    )


@campaign_page
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    data = stats.build(campaign)
    context = {
        "campaign": campaign,
        "data": data,
        "chart": stats.chart(data, translation.get_language_bidi()),
        "manages": roles.campaign_scope(request.user).manages,
    }
    return render(request, "campaigns/staff/dashboard.html", context)


def csv_rows(data: stats.Dashboard) -> list[list[str]]:
    """Aggregates only: one row per day (clicks per channel, views, posts), then the
    totals and each KPI. ISO dates and Latin digits, whatever the page's language."""
    names = [f"{_('Clicks')}: {channel.get_platform_display()}" for channel in data.channels]
    rows = [[_("Date"), *names, _("Clicks"), _("Page views"), _("Official posts")]]
    for row in data.days:
        rows.append(
            [
                iso_date(row.day),
                *(str(n) for n in row.clicks),
                str(row.total_clicks),
                str(row.views),
                str(len(row.posts)),
            ]
        )
    rows.append([])
    rows.append([_("KPI"), _("Target"), _("Reached"), _("Percent of target")])
    for kpi in data.kpis:
        actual = "" if kpi.actual is None else _plain(kpi.actual, kpi.decimals)
        percent = "" if kpi.percent is None else str(kpi.percent)
        rows.append([kpi.label, _plain(kpi.target, 1), actual, percent])
    rows.append([])
    rows.append([_("“Useful: yes” answers"), str(data.useful_yes)])
    rows.append([_("“Useful: no” answers"), str(data.useful_no)])
    rows.append([_("Submissions sent from campaign links"), str(data.submissions)])
    rows.append([_("Of them rated"), str(data.ratings.rated)])
    average = data.ratings.average
    rows.append([_("Average rating (1 to 5)"), "" if average is None else f"{average:.2f}"])
    return rows


def _plain(value, decimals: int | None) -> str:
    """A number for a machine: Latin digits, a point, no grouping."""
    if decimals is None:
        return str(value)
    text = f"{float(value):.{decimals}f}"
    return text.removesuffix(".0") if decimals == 1 and text.endswith(".0") else text


@campaign_page
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    data = stats.build(campaign)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # spreadsheet programs read the file as UTF-8 (Arabic)
    writer = csv.writer(buffer)
    for row in csv_rows(data):
        # Every cell is a number, an ISO date or one of our own labels: no text typed by
        # anyone reaches the file, so no cell can start a formula.
        writer.writerow(row)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"tawasul-campaign-{campaign.pk}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
