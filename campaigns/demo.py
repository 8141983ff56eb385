"""Demo content: one running campaign of the centre, with tracked links for X and
Instagram, KPIs, official posts and a week of counts. Safe to run again: rows are found
by their natural keys and updated, the counts replaced."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign, DailyCount, Kpi, Link, Metric, Post
from portal.models import OfficialChannel

NAME_EN = "Know your rights at work"


@transaction.atomic
def load(stdout=None) -> None:
    from news.models import Article  # the demo article a link points to

    today = timezone.localdate()
    channels = {c.platform: c for c in OfficialChannel.objects.filter(is_active=True)}
    x = channels.get(OfficialChannel.Platform.X)
    instagram = channels.get(OfficialChannel.Platform.INSTAGRAM)
    article = Article.objects.published().order_by("-publish_at").first()
    if x is None or instagram is None or article is None:
        if stdout:
            stdout.write("Campaigns demo skipped: no X or Instagram channel, or no article.")
        return
    campaign, _created = Campaign.objects.update_or_create(
        name_en=NAME_EN,
        defaults={
            "name_ar": "اعرف حقوقك في العمل",
            "objective_ar": "أن يعرف العاملون حقوقهم في عقود العمل الجديدة، وأن يرسلوا ملاحظاتهم عليها.",
            "objective_en": "Workers learn their rights under the new employment contracts and send their comments on them.",
            "audience_ar": "العاملون في القطاع الخاص وأصحاب العمل",
            "audience_en": "Private-sector workers and employers",
            "ministry": None,
            "starts_on": today - datetime.timedelta(days=6),
            "ends_on": today + datetime.timedelta(days=23),
        },
    )
    campaign.channels.set([x, instagram])
    targets = [
        (x, article.get_absolute_url()),
        (instagram, article.get_absolute_url()),
        (x, "/ar/feedback/new/"),
    ]
    links = []
    for channel, target in targets:
        link, _created = Link.objects.get_or_create(
            campaign=campaign, channel=channel, target=target
        )
        links.append(link)
    for metric, channel, target in [
        (Metric.CLICKS, None, 2000),
        (Metric.CHANNEL_CLICKS, x, 1200),
        (Metric.PAGE_VIEWS, None, 5000),
        (Metric.SUBMISSIONS, None, 300),
        (Metric.USEFUL_SHARE, None, 80),
    ]:
        Kpi.objects.update_or_create(
            campaign=campaign, metric=metric, channel=channel, defaults={"target": target}
        )
    for days_ago, channel, text in [
        (6, x, "تعرّف على حقوقك في عقد العمل الجديد: ساعات العمل والإجازات ونهاية الخدمة."),
        (4, instagram, "Your rights under the new employment contract, in five pictures."),
        (1, x, "شاركنا رأيك في عقود العمل الجديدة عبر نموذج الملاحظات في بوابة تواصل."),
    ]:
        Post.objects.update_or_create(
            campaign=campaign,
            channel=channel,
            posted_on=today - datetime.timedelta(days=days_ago),
            defaults={"text": text, "url": f"{channel.url}/status/demo-{days_ago}"},
        )
    counts = random.Random(16)  # noqa: S311 - demo figures, not a secret
    for offset in range(7):
        day = today - datetime.timedelta(days=offset)
        for link in links:
            DailyCount.objects.update_or_create(
                kind=DailyCount.Kind.CLICK,
                subject=str(link.pk),
                day=day,
                defaults={"count": counts.randint(20, 180)},
            )
        page = links[0].page
        for kind, low, high in [
            (DailyCount.Kind.VIEW, 150, 400),
            (DailyCount.Kind.USEFUL_YES, 5, 20),
            (DailyCount.Kind.USEFUL_NO, 0, 5),
        ]:
            DailyCount.objects.update_or_create(
                kind=kind, subject=page, day=day, defaults={"count": counts.randint(low, high)}
            )
    if stdout:
        stdout.write(f"Campaigns demo: “{NAME_EN}” with {len(links)} tracked links.")
