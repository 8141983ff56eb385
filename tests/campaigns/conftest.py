import datetime

import pytest
from django.test import Client
from django.utils import timezone

from campaigns import counters, registry
from campaigns.models import Campaign, Link
from portal.models import OfficialChannel
from tests.factories import make_article, make_category, make_channel

# A browser's user agent: requests with it are counted.
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"


@pytest.fixture(autouse=True)
def _fresh_registry():
    """Each test starts without this process's copy of the live links, and without
    counts of another test waiting to be sent."""
    registry.forget()
    counters.forget()
    yield
    registry.forget()
    counters.forget()


@pytest.fixture
def person():
    """An anonymous visitor with a phone's browser."""
    return Client(HTTP_USER_AGENT=BROWSER)


@pytest.fixture
def channel_x(db):
    return make_channel(
        platform=OfficialChannel.Platform.X, handle="@tawasul", url="https://x.com/tawasul"
    )


@pytest.fixture
def channel_instagram(db):
    return make_channel(
        platform=OfficialChannel.Platform.INSTAGRAM,
        handle="@tawasul.om",
        url="https://www.instagram.com/tawasul.om",
    )


@pytest.fixture
def article(db):
    return make_article(
        category=make_category(slug="forum"), title_ar="حقوق العامل", slug="workers-rights"
    )


def make_campaign(ministry=None, days_before=3, days_after=10, **fields) -> Campaign:
    today = timezone.localdate()
    values = {
        "name_ar": "حملة حقوق العمل",
        "name_en": "Workers' rights campaign",
        "objective_ar": "أن يعرف العاملون حقوقهم",
        "objective_en": "Workers know their rights",
        "audience_ar": "العاملون",
        "audience_en": "Workers",
        "ministry": ministry,
        "starts_on": today - datetime.timedelta(days=days_before),
        "ends_on": today + datetime.timedelta(days=days_after),
    }
    values.update(fields)
    return Campaign.objects.create(**values)


def make_link(campaign, channel, target) -> Link:
    link = Link.objects.create(campaign=campaign, channel=channel, target=target)
    registry.publish()  # what the commit does in production (campaigns.signals)
    return link


@pytest.fixture
def campaign(db):
    return make_campaign()


@pytest.fixture
def x_link(campaign, channel_x, article):
    return make_link(campaign, channel_x, f"/ar/news/{article.slug}/")
