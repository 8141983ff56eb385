"""A campaign's figures, from the daily rows (``DailyCount``), the outcomes and the
feedback app's public ratings API, in a fixed number of queries whatever the number of
days, links or submissions: links (1), posts (1), the campaign's channels (1), channels
(1), click rows (1), view rows (1), answer rows (1), outcomes by channel (1), ratings (1),
KPIs (1).

The figures are those flushed (every 5 minutes): counts still in the shared cache show
after the next flush.
"""

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Sum
from django.utils import timezone

from campaigns.models import Campaign, DailyCount, Kpi, Metric, Outcome, Post
from feedback import stats as feedback_stats
from feedback.models import Submission
from portal.models import OfficialChannel

# Days drawn at most (a longer campaign shows its first MAX_DAYS days: the table and the
# CSV have every day).
MAX_DAYS = 120
CHART_WIDTH = 720
CHART_HEIGHT = 260
CHART_TOP = 28
CHART_BOTTOM = 36
CHANNEL_STYLES = 6  # chart__bar--0 … --5 in site.css


@dataclass
class DayRow:
    day: datetime.date
    clicks: list[int]  # per channel, in ``Dashboard.channels`` order
    views: int
    posts: list[Post] = field(default_factory=list)

    @property
    def total_clicks(self) -> int:
        return sum(self.clicks)


@dataclass
class KpiRow:
    kpi: Kpi
    label: str
    actual: float | int | None
    target: Decimal | int
    percent: int | None  # of the target reached
    met: bool
    decimals: int | None


@dataclass
class Dashboard:
    campaign: Campaign
    channels: list[OfficialChannel]
    days: list[DayRow]
    clicks_by_channel: list[int]
    clicks: int
    views: int
    useful_yes: int
    useful_no: int
    submissions: int
    submissions_by_channel: list[int]
    ratings: feedback_stats.Ratings
    kpis: list[KpiRow]
    posts: list[Post]
    days_left: int

    @property
    def useful_share(self) -> float | None:
        answers = self.useful_yes + self.useful_no
        return 100 * self.useful_yes / answers if answers else None

    @property
    def channel_rows(self) -> list[dict]:
        return [
            {"channel": channel, "clicks": clicks, "submissions": sent, "style": i % CHANNEL_STYLES}
            for i, (channel, clicks, sent) in enumerate(
                zip(self.channels, self.clicks_by_channel, self.submissions_by_channel, strict=True)
            )
        ]


def build(campaign: Campaign, today: datetime.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    links = list(campaign.links.all())
    link_channel = {str(link.pk): link.channel_id for link in links}
    pages = sorted({link.page for link in links})
    posts = list(campaign.posts.select_related("channel"))
    channel_ids = set(link_channel.values()) | {post.channel_id for post in posts}
    channel_ids |= set(campaign.channels.values_list("pk", flat=True))
    channels = list(OfficialChannel.objects.filter(pk__in=channel_ids).order_by("order", "pk"))
    position = {channel.pk: i for i, channel in enumerate(channels)}

    span = (campaign.ends_on - campaign.starts_on).days + 1
    days = [
        DayRow(campaign.starts_on + datetime.timedelta(days=n), [0] * len(channels), 0)
        for n in range(span)
    ]
    by_day = {row.day: row for row in days}
    first, last = campaign.starts_on, campaign.ends_on

    for subject, day, count in DailyCount.objects.filter(
        kind=DailyCount.Kind.CLICK, subject__in=list(link_channel), day__range=(first, last)
    ).values_list("subject", "day", "count"):
        by_day[day].clicks[position[link_channel[subject]]] += count
    for day, count in (
        DailyCount.objects.filter(
            kind=DailyCount.Kind.VIEW, subject__in=pages, day__range=(first, last)
        )
        .values("day")
        .annotate(n=Sum("count"))
        .values_list("day", "n")
    ):
        by_day[day].views += count
    answers = dict(
        DailyCount.objects.filter(
            kind__in=[DailyCount.Kind.USEFUL_YES, DailyCount.Kind.USEFUL_NO],
            subject__in=pages,
            day__range=(first, last),
        )
        .values("kind")
        .annotate(n=Sum("count"))
        .values_list("kind", "n")
    )
    outcomes = Outcome.objects.filter(link__campaign=campaign)
    submissions_by_channel = [0] * len(channels)
    for channel_id, count in (
        outcomes.values("link__channel").annotate(n=Count("pk")).values_list("link__channel", "n")
    ):
        submissions_by_channel[position[channel_id]] += count
    submission_type = ContentType.objects.get_for_model(Submission)
    ratings = feedback_stats.ratings_of(
        outcomes.filter(content_type=submission_type).values("object_id")
    )
    for post in posts:
        if post.posted_on in by_day:
            by_day[post.posted_on].posts.append(post)

    clicks_by_channel = [sum(row.clicks[i] for row in days) for i in range(len(channels))]
    data = Dashboard(
        campaign=campaign,
        channels=channels,
        days=days,
        clicks_by_channel=clicks_by_channel,
        clicks=sum(clicks_by_channel),
        views=sum(row.views for row in days),
        useful_yes=answers.get(DailyCount.Kind.USEFUL_YES, 0),
        useful_no=answers.get(DailyCount.Kind.USEFUL_NO, 0),
        submissions=sum(submissions_by_channel),
        submissions_by_channel=submissions_by_channel,
        ratings=ratings,
        kpis=[],
        posts=posts,
        days_left=campaign.days_left(today),
    )
    data.kpis = [_kpi_row(kpi, data, position) for kpi in campaign.kpis.select_related("channel")]
    return data


def _kpi_row(kpi: Kpi, data: Dashboard, position: dict[int, int]) -> KpiRow:
    decimals = None
    if kpi.metric == Metric.CLICKS:
        actual = data.clicks
    elif kpi.metric == Metric.CHANNEL_CLICKS:
        index = position.get(kpi.channel_id)
        actual = data.clicks_by_channel[index] if index is not None else 0
    elif kpi.metric == Metric.PAGE_VIEWS:
        actual = data.views
    elif kpi.metric == Metric.USEFUL_ANSWERS:
        actual = data.useful_yes
    elif kpi.metric == Metric.USEFUL_SHARE:
        actual, decimals = data.useful_share, 0
    elif kpi.metric == Metric.SUBMISSIONS:
        actual = data.submissions
    else:  # satisfaction
        actual, decimals = data.ratings.average, 1
    label = kpi.get_metric_display()
    if kpi.channel_id:
        label = f"{label}: {kpi.channel.get_platform_display()}"
    target = int(kpi.target) if decimals is None else kpi.target  # a count's is whole
    if actual is None:
        return KpiRow(kpi, label, None, target, None, False, decimals)
    percent = math.floor(100 * Decimal(str(actual)) / kpi.target) if kpi.target else None
    return KpiRow(kpi, label, actual, target, percent, actual >= kpi.target, decimals)


def chart(data: Dashboard, rtl: bool) -> dict:
    """Geometry of the daily clicks chart (stacked by channel) with the posts marked on
    the same time line; drawn by the template as SVG. Time runs right to left in Arabic."""
    days = data.days[:MAX_DAYS]
    highest = max((row.total_clicks for row in days), default=0)
    scale = max(highest, 1)
    plot = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    slot = CHART_WIDTH / max(len(days), 1)
    every = max(1, math.ceil(len(days) / 6))
    columns = []
    for index, row in enumerate(days):
        place = len(days) - 1 - index if rtl else index
        x = round(place * slot + slot * 0.15, 1)
        width = round(max(slot * 0.7, 1), 1)
        bottom = CHART_TOP + plot
        bars = []
        for i, clicks in enumerate(row.clicks):
            if not clicks:
                continue
            height = round(plot * clicks / scale, 1)
            bottom = round(bottom - height, 1)
            bars.append({"y": bottom, "height": height, "style": i % CHANNEL_STYLES})
        center = round(place * slot + slot / 2, 1)
        # A label at an edge of the chart is anchored inside it, not cut in half.
        anchor, label_x = "middle", center
        if center < 40:
            anchor, label_x = "start", 2
        elif center > CHART_WIDTH - 40:
            anchor, label_x = "end", CHART_WIDTH - 2
        columns.append(
            {
                "row": row,
                "x": x,
                "width": width,
                "bars": bars,
                "center": center,
                "label": index % every == 0,
                "label_x": label_x,
                "anchor": anchor,
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "top": CHART_TOP - 14,
        "baseline": CHART_TOP + plot,
        "label_y": CHART_HEIGHT - 12,
        "columns": columns,
        "highest": highest,
        "shown_days": len(days),
        "all_days": len(data.days),
    }
