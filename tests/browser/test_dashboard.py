"""The staff dashboard in a real browser: both languages, phone and desktop, axe-core,
no sideways scrolling, and the CSV download from the filter form."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from feedback import dailystats
from feedback.models import Submission, SubmissionEvent
from portal import roles
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.factories import make_submission, make_topic

DAY = datetime.timedelta(days=1)


@pytest.fixture
def busy_site(live_server, transactional_db, settings, tmp_path, ministry_a, ministry_b):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.FEEDBACK_DASHBOARD_CACHE_SECONDS = 0
    # A transactional test starts from empty tables: the roles' groups come back here.
    for name in roles.ROLE_LABELS:
        Group.objects.get_or_create(name=name)
    health = make_topic(name_ar="الخدمات الصحية", name_en="Health services", ministry=ministry_a)
    labour = make_topic(name_ar="تصاريح العمل", name_en="Work permits", ministry=ministry_b)
    now = timezone.now()
    statuses = ["routed", "in_progress", "answered", "closed", "rejected", "submitted"]
    for n in range(30):
        topic, ministry = (health, ministry_a) if n % 3 else (labour, ministry_b)
        status = statuses[n % len(statuses)]
        submission = make_submission(topic=topic, kind=["complaint", "suggestion", "idea"][n % 3])
        Submission.objects.filter(pk=submission.pk).update(
            status=status,
            ministry=None if status == "submitted" else ministry,
            created_at=now - (n * 2.5) * DAY,
            due_at=timezone.localdate() - (DAY if n % 4 == 0 else -5 * DAY),
        )
        submission.refresh_from_db()
        if status in ("in_progress", "answered", "closed"):
            SubmissionEvent.objects.create(
                submission=submission, kind="acknowledged", created_at=submission.created_at + DAY
            )
        if status in ("answered", "closed"):
            SubmissionEvent.objects.create(
                submission=submission,
                kind="answered",
                created_at=submission.created_at + (n % 5 + 2) * DAY,
            )
    dailystats.rebuild()  # rows written directly: the aggregates the dashboard reads
    return live_server


def signed_in_page(new_page, site, user, viewport, lang):
    """A browser page with the staff member's session (signing in is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    page = new_page(viewport=viewport, locale=lang)
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": site.url,
            }
        ]
    )
    return page


def fits_the_screen(page, viewport) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize(("width_name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
@pytest.mark.parametrize("persona", ["manager", "officer_a"])
def test_dashboard_is_accessible_and_fits(
    request, busy_site, new_page, lang, width_name, viewport, persona
):
    user = request.getfixturevalue(persona)
    page = signed_in_page(new_page, busy_site, user, viewport, lang)
    page.goto(f"{busy_site.url}/{lang}/staff/")
    heading = "لوحة متابعة الموظفين" if lang == "ar" else "Staff dashboard"
    assert page.get_by_role("heading", level=1).inner_text() == heading
    chart = page.get_by_role(
        "img", name="الطلبات المستلمة" if lang == "ar" else "Requests received"
    )
    assert chart.is_visible()
    fits_the_screen(page, viewport)
    screenshot(page, f"staff-dashboard-{persona}-{lang}-{width_name}")
    assert_accessible(page)


def test_manager_downloads_a_filtered_csv(busy_site, new_page, manager):
    page = signed_in_page(new_page, busy_site, manager, DESKTOP, "en")
    page.goto(f"{busy_site.url}/en/staff/")
    page.get_by_label("Status").select_option(label="Answered")
    page.get_by_label("Overdue only").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("tawasul-feedback-")
    with open(download.path(), encoding="utf-8") as file:
        text = file.read()
    assert text.startswith("\ufeffReference,Kind,Topic,Ministry,Status")
    assert "E-mail" not in text.splitlines()[0]
