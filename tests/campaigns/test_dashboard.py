"""The campaign dashboard and its CSV: who sees which campaign, each KPI against its
target, and figures in a fixed number of queries."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from campaigns.models import DailyCount, Kpi, Metric, Outcome, Post
from feedback.models import Submission
from tests.campaigns.conftest import make_campaign, make_link
from tests.factories import make_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def health_campaign(ministry_a, channel_x, channel_instagram, article):
    campaign = make_campaign(
        ministry=ministry_a, name_en="Vaccination week", name_ar="أسبوع التطعيم"
    )
    campaign.channels.set([channel_x, channel_instagram])
    return campaign


def test_who_sees_which_campaign(
    client_as, health_campaign, officer_a, officer_b, editor, manager, moderator
):
    centre = make_campaign(name_en="Centre campaign", name_ar="حملة المركز")
    urls = [
        f"/en/staff/campaigns/{health_campaign.pk}/",
        f"/en/staff/campaigns/{health_campaign.pk}/export.csv",
    ]
    for user in (officer_a, editor, manager, moderator):
        for url in urls:
            assert client_as(user).get(url).status_code == 200, (user, url)
    # The officer of another ministry: neither the page nor the file, nor in the list.
    for url in urls:
        assert client_as(officer_b).get(url).status_code == 404
    listing = client_as(officer_b).get("/en/staff/campaigns/").content.decode()
    assert "Vaccination week" not in listing
    assert "Centre campaign" not in listing
    own = client_as(officer_a).get("/en/staff/campaigns/").content.decode()
    assert "Vaccination week" in own
    assert "Centre campaign" not in own
    assert client_as(officer_a).get(f"/en/staff/campaigns/{centre.pk}/").status_code == 404
    # Without a role: 404; not signed in: the sign-in page.
    nobody = User.objects.create_user("nobody", is_staff=True)
    assert client_as(nobody).get(urls[0]).status_code == 404
    assert Client().get(urls[0])["Location"].startswith("/admin/login/")


def test_officers_cannot_open_campaigns_in_the_admin(
    client_as, health_campaign, officer_a, officer_b, editor
):
    url = f"/admin/campaigns/campaign/{health_campaign.pk}/change/"
    assert client_as(editor).get(url).status_code == 200
    for officer in (officer_a, officer_b):
        assert client_as(officer).get(url).status_code in (403, 404)


def _fill(campaign, channel_x, channel_instagram, article, topic_ministry, days: int):
    page = f"/ar/news/{article.slug}/"
    on_x = make_link(campaign, channel_x, page)
    on_instagram = make_link(campaign, channel_instagram, "/ar/feedback/new/")
    today = timezone.localdate()
    for offset in range(days):
        day = today - datetime.timedelta(days=offset)
        if day < campaign.starts_on:
            break
        DailyCount.objects.create(kind="click", subject=str(on_x.pk), day=day, count=100)
        DailyCount.objects.create(kind="click", subject=str(on_instagram.pk), day=day, count=10)
        DailyCount.objects.create(kind="view", subject=f"/news/{article.slug}/", day=day, count=50)
    DailyCount.objects.create(
        kind="useful_yes", subject=f"/news/{article.slug}/", day=today, count=8
    )
    DailyCount.objects.create(
        kind="useful_no", subject=f"/news/{article.slug}/", day=today, count=2
    )
    submission_type = ContentType.objects.get_for_model(Submission)
    for rating in (5, 4, None):
        submission = make_submission()
        if rating:
            Submission.objects.filter(pk=submission.pk).update(rating=rating, status="closed")
        Outcome.objects.create(
            link=on_instagram, content_type=submission_type, object_id=submission.pk
        )
    Post.objects.create(
        campaign=campaign,
        channel=channel_x,
        posted_on=today,
        text="منشور رسمي عن التطعيم",
        url="https://x.com/tawasul/status/1",
    )
    return on_x, on_instagram


def test_the_dashboard_shows_each_kpi_against_its_target(
    client_as, manager, health_campaign, channel_x, channel_instagram, article, ministry_a
):
    _fill(health_campaign, channel_x, channel_instagram, article, ministry_a, days=2)
    Kpi.objects.create(campaign=health_campaign, metric=Metric.CLICKS, target=440)
    Kpi.objects.create(
        campaign=health_campaign, metric=Metric.CHANNEL_CLICKS, channel=channel_x, target=100
    )
    Kpi.objects.create(campaign=health_campaign, metric=Metric.SUBMISSIONS, target=6)
    Kpi.objects.create(campaign=health_campaign, metric=Metric.USEFUL_SHARE, target=75)
    Kpi.objects.create(campaign=health_campaign, metric=Metric.SATISFACTION, target=4)
    html = client_as(manager).get(f"/en/staff/campaigns/{health_campaign.pk}/").content.decode()
    assert "Vaccination week" in html
    # 2 days × (100 + 10) clicks = 220 of 440: 50%; X 200 of 100: reached.
    assert '<td class="num">220</td>' in html
    assert "50%" in html and "200%" in html
    assert '<td class="num">3</td>' in html  # submissions, 3 of 6
    assert "80%" in html or "80" in html  # useful share: 8 of 10
    assert "4.5" in html  # satisfaction: (5 + 4) / 2
    assert 'role="img"' in html and '<title id="daily-chart-title">' in html
    assert "منشور رسمي عن التطعيم" in html
    arabic = client_as(manager).get(f"/ar/staff/campaigns/{health_campaign.pk}/").content.decode()
    assert "أسبوع التطعيم" in arabic
    assert "مؤشرات الأداء مقابل أهدافها" in arabic


def test_the_dashboard_takes_the_same_queries_for_many_days(
    client_as,
    manager,
    health_campaign,
    channel_x,
    channel_instagram,
    article,
    ministry_a,
    django_assert_max_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(manager)
    url = f"/en/staff/campaigns/{health_campaign.pk}/"
    _fill(health_campaign, channel_x, channel_instagram, article, ministry_a, days=1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for offset in range(1, 3):
        day = timezone.localdate() - datetime.timedelta(days=offset)
        for link in health_campaign.links.all():
            DailyCount.objects.create(kind="click", subject=str(link.pk), day=day, count=7)
    for _ in range(5):
        Post.objects.create(
            campaign=health_campaign,
            channel=channel_instagram,
            posted_on=timezone.localdate(),
            text="x",
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)
    assert len(many) <= 20


def test_the_csv_has_iso_dates_and_latin_digits_in_arabic(
    client_as, editor, health_campaign, channel_x, channel_instagram, article, ministry_a
):
    _fill(health_campaign, channel_x, channel_instagram, article, ministry_a, days=2)
    Kpi.objects.create(campaign=health_campaign, metric=Metric.CLICKS, target=1000)
    response = client_as(editor).get(f"/ar/staff/campaigns/{health_campaign.pk}/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[0] == "التاريخ"
    days = {row[0]: row for row in rows[1:] if row and row[0][:2] == "20"}
    today = timezone.localdate().isoformat()
    assert datetime.date.fromisoformat(today) and today in days
    assert days[today][1:4] == ["100", "10", "110"]
    assert days[today][4] == "50"
    assert len(days) == (health_campaign.ends_on - health_campaign.starts_on).days + 1
    kpi_row = next(row for row in rows if row and row[0].startswith("نقرات"))
    assert kpi_row[1:] == ["1000", "220", "22"]
    for row in rows[1:]:
        for cell in row[1:]:
            assert not any("\u0660" <= char <= "\u0669" for char in cell), row


def test_counts_show_after_a_flush(person, client_as, manager, campaign, channel_x, article):
    link = make_link(campaign, channel_x, f"/ar/news/{article.slug}/")
    Kpi.objects.create(campaign=campaign, metric=Metric.CLICKS, target=4)
    for _ in range(2):
        person.get(f"/c/{link.code}")
    url = f"/en/staff/campaigns/{campaign.pk}/"
    assert '<td class="num">0</td>' in client_as(manager).get(url).content.decode()
    call_command("flush_campaign_counters", verbosity=0)
    html = client_as(manager).get(url).content.decode()
    assert "50%" in html


def test_the_staff_pages_link_to_the_campaigns_for_those_who_see_them(
    client_as, manager, officer_a
):
    for user in (manager, officer_a):
        html = client_as(user).get("/en/staff/").content.decode()
        assert 'href="/en/staff/campaigns/"' in html
