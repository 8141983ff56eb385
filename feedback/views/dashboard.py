"""Staff pages under /<lang>/staff/: the dashboard and the CSV export.

The dashboard reads the daily aggregates of ``DailyStat.objects.countable_by(user)``
through ``feedback.stats`` (plus the live overdue items); the export reads
``Submission.objects.countable_by(user)``. Managers: every ministry, counted only;
officers: their own ministry. Neither shows personal data to those who may not open items. The two-factor middleware guards /<lang>/staff/ like the admin.
"""

import csv
from collections.abc import Iterator

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from feedback import stats
from feedback.filters import SubmissionFilter
from feedback.models import Submission
from feedback.views.access import staff_page
from portal import roles
from portal.formatting import iso_date, iso_datetime
from portal.models import Ministry

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHART_WIDTH = 720
CHART_HEIGHT = 240
CHART_TOP = 24
CHART_BOTTOM = 36


def _filterset(request: HttpRequest) -> SubmissionFilter:
    user = request.user
    filterset = SubmissionFilter(
        request.GET or None, queryset=Submission.objects.countable_by(user)
    )
    scope = roles.feedback_scope(user)
    if not scope.opens_items:
        # Counting is not reading: a word search would let a manager test whether a name
        # or phone number appears in citizens' texts they may not open.
        del filterset.filters["q"]
    if scope.ministry_id is not None:
        # An officer's choices are their own ministry: others would only ever be empty.
        filterset.form.fields["ministry"].queryset = Ministry.objects.filter(pk=scope.ministry_id)
    return filterset


def bar_chart(weeks: list[stats.WeekRow], rtl: bool) -> dict:
    """Geometry of the weekly bar chart, drawn by the template as SVG (no JavaScript).

    In Arabic time runs from right to left, as the reader reads.
    """
    highest = max((week.count for week in weeks), default=0)
    scale_max = max(highest, 1)
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    slot = CHART_WIDTH / len(weeks)
    bars = []
    for index, week in enumerate(weeks):
        position = len(weeks) - 1 - index if rtl else index
        height = round(plot_height * week.count / scale_max, 1)
        x = round(position * slot + slot * 0.15, 1)
        bars.append(
            {
                "x": x,
                "y": round(CHART_TOP + plot_height - height, 1),
                "width": round(slot * 0.7, 1),
                "height": height,
                "label_x": round(position * slot + slot / 2, 1),
                "value_y": round(CHART_TOP + plot_height - height - 6, 1),
                "week": week,
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "baseline": CHART_TOP + plot_height,
        "label_y": CHART_HEIGHT - 12,
        "bars": bars,
        "highest": highest,
    }


@never_cache
@require_GET
@staff_page
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    data = stats.cached_dashboard(user, settings.FEEDBACK_DASHBOARD_CACHE_SECONDS)
    scope = roles.feedback_scope(user)
    scope_name = (
        _("All ministries") if scope.ministry_id is None else str(user.staff_profile.ministry)
    )
    ministries = [
        {
            "row": row,
            "name": row.name or _("Not routed yet"),
            "first_response_days": row.median_first_response,
            "answer_days": row.median_answer,
        }
        for row in data.ministries
    ]
    context = {
        "data": data,
        "scope_name": scope_name,
        "ministries": ministries,
        "first_response_days": data.first_response_all,
        "answer_days": data.answer_all,
        "chart": bar_chart(data.weeks, translation.get_language_bidi()),
        "can_open_items": scope.opens_items,
        "filter": _filterset(request),
        "claims": stats.claim_figures(user),
    }
    return render(request, "feedback/staff/dashboard.html", context)


class _Echo:
    """A file-like object whose ``write`` hands the line back, for csv.writer streaming."""

    def write(self, value: str) -> str:
        return value


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text: formulas are defused with a leading quote.

    A spreadsheet that reads the file with ``;`` (or ``,``) as its list separator splits
    ``x;=1+1;`` into cells, the second a formula: so every piece after a separator (and
    its spaces) is defused too, not only the start of the cell.
    """
    text = "" if value is None else str(value)
    defused = []
    piece_starts = True
    for char in text:
        if piece_starts and char in FORMULA_START:
            defused.append("'")
        defused.append(char)
        if char in ";,":
            piece_starts = True
        elif char != " ":
            piece_starts = False
    return "".join(defused)


def _rows(queryset, personal: bool) -> Iterator[list[str]]:
    header = [
        _("Reference"),
        _("Kind"),
        _("Topic"),
        _("Ministry"),
        _("Status"),
        _("Received at"),
        _("Answer expected by"),
        _("Overdue"),
        _("Rating"),
    ]
    if personal:
        header += [_("Subject"), _("Details"), _("Name"), _("E-mail"), _("Phone")]
    yield header
    for item in queryset.iterator(chunk_size=1000):
        row = [
            item.reference,
            item.get_kind_display(),
            item.topic.name,
            item.ministry.name if item.ministry else "",
            item.get_status_display(),
            # ISO 8601 with the offset: a spreadsheet or script reads it in any language.
            iso_datetime(item.created_at),
            iso_date(item.due_at),
            _("Yes") if item.is_overdue else _("No"),
        ]
        row.append("" if item.rating is None else str(item.rating))
        if personal:
            row += [item.subject, item.body, item.name, item.email, item.phone]
        yield row


@never_cache
@require_GET
@staff_page
def export_csv(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV, streamed: memory stays flat however many rows match."""
    filterset = _filterset(request)
    if request.GET and not filterset.is_valid():
        return HttpResponseBadRequest(
            _("The filters are not valid: %(errors)s")
            % {"errors": "; ".join(str(e) for errors in filterset.errors.values() for e in errors)},
            content_type="text/plain; charset=utf-8",
        )
    personal = roles.feedback_scope(request.user).opens_items
    queryset = filterset.qs.select_related("topic", "ministry").order_by("created_at", "pk")
    if not personal:
        queryset = queryset.defer("subject", "body", "name", "email", "phone")
    writer = csv.writer(_Echo())
    language = translation.get_language()

    def stream() -> Iterator[str]:
        # The body is produced after the view returns: keep the page's language.
        with translation.override(language):
            yield "\ufeff"  # so spreadsheet programs read the file as UTF-8 (Arabic)
            for row in _rows(queryset, personal):
                yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    filename = f"tawasul-feedback-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
