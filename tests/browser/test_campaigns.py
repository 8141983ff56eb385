"""Issue 16 end to end in a real browser: an editor registers a campaign with links for X
and Instagram in the admin; visitors follow the links, answer "useful" and send a
submission from the campaign's form; after a flush of the counters the dashboard shows
each count against its KPI, in both languages, on a phone and a desktop, axe-core clean."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.utils import timezone

from campaigns import registry
from campaigns.models import Campaign, Outcome
from portal import roles
from portal.models import OfficialChannel
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.browser.test_dashboard import fits_the_screen, signed_in_page
from tests.campaigns.conftest import BROWSER
from tests.factories import make_article, make_category, make_channel, make_topic


@pytest.fixture
def campaign_site(live_server, transactional_db, ministry_a):
    # transactional_db empties the tables: the roles and the campaigns grants come back.
    for name in roles.ROLE_LABELS:
        Group.objects.get_or_create(name=name)
    for name in (roles.EDITORS, roles.MANAGERS):
        Group.objects.get(name=name).permissions.set(
            Permission.objects.filter(content_type__app_label="campaigns")
        )
    make_channel(
        platform=OfficialChannel.Platform.X, handle="@tawasul", url="https://x.com/tawasul"
    )
    make_channel(
        platform=OfficialChannel.Platform.INSTAGRAM,
        handle="@tawasul.om",
        url="https://www.instagram.com/tawasul.om",
    )
    article = make_article(
        category=make_category(slug="labour"),
        slug="new-contracts",
        title_ar="عقود العمل الجديدة",
        title_en="The new employment contracts",
    )
    make_topic(name_ar="عقود العمل", name_en="Employment contracts", ministry=ministry_a)
    registry.forget()
    return live_server, article


def test_a_campaign_measured_from_its_links_to_its_dashboard(
    campaign_site, new_page, editor, manager
):
    site, article = campaign_site
    today = timezone.localdate()
    x, instagram = OfficialChannel.objects.order_by("pk")
    # In Arabic, the admin opens each translated field on its Arabic tab.
    page = signed_in_page(new_page, site, editor, DESKTOP, "ar")
    page.goto(f"{site.url}/admin/campaigns/campaign/add/")
    page.locator("#id_name_ar").fill("اعرف عقدك")
    page.locator("#id_objective_ar").fill("أن يعرف العاملون عقود العمل الجديدة ويرسلوا ملاحظاتهم.")
    page.locator("#id_audience_ar").fill("العاملون في القطاع الخاص")
    page.locator("#id_channels").select_option(value=[str(x.pk), str(instagram.pk)])
    page.locator("#id_starts_on").fill((today - datetime.timedelta(days=2)).isoformat())
    page.locator("#id_ends_on").fill((today + datetime.timedelta(days=12)).isoformat())
    page.locator("#id_kpis-0-metric").select_option("clicks")
    page.locator("#id_kpis-0-target").fill("4")
    page.locator("#id_links-0-channel").select_option(value=str(x.pk))
    page.locator("#id_links-0-target").fill(f"/ar/news/{article.slug}/")
    page.locator("#id_links-1-channel").select_option(value=str(instagram.pk))
    page.locator("#id_links-1-target").fill("/en/feedback/new/")
    page.locator("#id_posts-0-channel").select_option(value=str(x.pk))
    page.locator("#id_posts-0-posted_on").fill(today.isoformat())
    page.locator("#id_posts-0-text").fill("اعرف حقوقك في عقد العمل الجديد")
    screenshot(page, "campaign-admin-add-ar-desktop")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    assert Campaign.objects.exists(), page.locator(".errornote, .errorlist").all_inner_texts()
    campaign = Campaign.objects.get()
    on_x, on_instagram = campaign.links.order_by("pk")
    assert on_x.channel.platform == "x" and on_instagram.channel.platform == "instagram"

    # A reader on a phone follows the X link and finds the article useful.
    reader = new_page(viewport=PHONE, locale="ar", user_agent=BROWSER)
    reader.goto(f"{site.url}/c/{on_x.code}")
    assert reader.url == f"{site.url}/ar/news/{article.slug}/"
    assert reader.context.cookies() == []
    reader.get_by_role("heading", name="هل كانت هذه الصفحة مفيدة؟").scroll_into_view_if_needed()
    screenshot(reader, "campaign-article-useful-ar-phone")
    assert_accessible(reader)
    reader.get_by_role("button", name=re.compile("^نعم")).click()
    reader.wait_for_url(f"{site.url}/ar/useful/")
    assert reader.get_by_role("heading", level=1).inner_text() == "شكرًا على إجابتك"
    assert reader.context.cookies() == []
    screenshot(reader, "campaign-useful-thanks-ar-phone")

    # Another follows the Instagram link to the form and sends a suggestion from it.
    citizen = new_page(viewport=DESKTOP, locale="en", user_agent=BROWSER)
    citizen.goto(f"{site.url}/c/{on_instagram.code}")
    assert citizen.url == f"{site.url}/en/feedback/new/?c={on_instagram.code}"
    assert not any(on_instagram.code in c["value"] for c in citizen.context.cookies())
    citizen.locator("#id_kind_1").check()
    citizen.locator("#id_topic").select_option(index=1)
    citizen.locator("#id_subject").fill("A model contract, please")
    citizen.locator("#id_body").fill(
        "Please publish a model employment contract in both languages."
    )
    citizen.locator("#id_consent").check()
    citizen.locator("button[type=submit]").click()
    citizen.wait_for_url(re.compile(r"/en/feedback/sent/"))
    assert Outcome.objects.get().link == on_instagram
    # Two more clicks on X (4 in all: the KPI's target).
    reader.goto(f"{site.url}/c/{on_x.code}")
    reader.goto(f"{site.url}/c/{on_x.code}")

    call_command("flush_campaign_counters", verbosity=0)

    for lang, width_name, viewport in [
        ("en", "desktop", DESKTOP),
        ("ar", "phone", PHONE),
        ("ar", "desktop", DESKTOP),
        ("en", "phone", PHONE),
    ]:
        staff = signed_in_page(new_page, site, manager, viewport, lang)
        staff.goto(f"{site.url}/{lang}/staff/campaigns/{campaign.pk}/")
        kpis = staff.locator("#kpi-caption").locator("xpath=..")
        row = kpis.locator("tbody tr").first
        cells = row.locator("td").all_inner_texts()
        assert cells[:3] == ["4", "4", "100%"], cells  # target, reached, percent
        channels = staff.locator("#campaign-channels-caption").locator("xpath=..")
        assert channels.locator("tbody tr").count() == 2
        chart = staff.get_by_role("img", name=re.compile("Link clicks per day|نقرات الروابط"))
        assert chart.is_visible()
        fits_the_screen(staff, viewport)
        screenshot(staff, f"campaign-dashboard-{lang}-{width_name}")
        assert_accessible(staff)
    # The page views and answers are on the dashboard too.
    staff.goto(f"{site.url}/en/staff/campaigns/{campaign.pk}/")
    summary = staff.get_by_role("list", name="Summary").inner_text()
    assert "1 / 0" in summary  # useful yes / no
    assert re.search(r"\b1\s+Submissions sent from campaign links", summary)
