import io

import pytest

from campaigns import demo
from campaigns.models import Campaign, DailyCount, Kpi, Link, Post

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_running_campaign_and_loads_twice_without_duplicates(
    channel_x, channel_instagram, article, client_as, manager
):
    demo.load(io.StringIO())
    first = (
        Link.objects.count(),
        Kpi.objects.count(),
        Post.objects.count(),
        DailyCount.objects.count(),
    )
    demo.load(io.StringIO())
    assert (
        Link.objects.count(),
        Kpi.objects.count(),
        Post.objects.count(),
        DailyCount.objects.count(),
    ) == first
    campaign = Campaign.objects.get()
    assert campaign.is_running()
    assert {link.channel.platform for link in campaign.links.all()} == {"x", "instagram"}
    assert first[0] == 3 and first[3] > 0
    html = client_as(manager).get(f"/ar/staff/campaigns/{campaign.pk}/").content.decode()
    assert "اعرف حقوقك في العمل" in html
