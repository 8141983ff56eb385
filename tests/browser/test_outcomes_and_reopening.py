"""Issue 17 in a real browser: a citizen says "not resolved" (a refused empty reason first)
and the officer finds it back in their inbox; a moderator publishes a redacted suggestion
in "You said, we did" (a refused unmasked number first); axe-core on every new page, in
Arabic and English, on a phone and a desktop."""

import re

import pytest
from django.contrib.auth.models import Group, User

from feedback import workflow
from feedback.models import PublicOutcome, Submission, Topic
from feedback.tracking import tracking_path
from portal import roles
from portal.staff import save_staff_account
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.browser.test_workflow import PASSWORD, fits_the_screen, sign_in
from tests.factories import make_submission

TEXT = {
    "ar": {
        "question": "هل حلّ الرد طلبك؟",
        "reopen": "لا، أعده إلى الوزارة",
        "reason": "لماذا لم يحل الرد طلبك؟",
        "empty": "اذكر سبب عدم حل الرد لطلبك.",
        "reopened": "قلتَ إن الرد لم يحل طلبك",
        "badge": "أعاد المواطن فتحه",
        "publish": "النشر في «قلتم وفعلنا»",
        "still": "ما زال النص يحتوي على ما يشبه",
        "published": "نُشر الطلب",
    },
    "en": {
        "question": "Did the answer resolve your request?",
        "reopen": "No, send it back to the ministry",
        "reason": "Why did the answer not resolve your request?",
        "empty": "Say why the answer did not resolve your request.",
        "reopened": "You said the answer did not resolve your request",
        "badge": "Reopened by the citizen",
        "publish": "Publish in “You said, we did”",
        "still": "The text still holds what looks like a",
        "published": "was published in “You said, we did”",
    },
}
CASES = [("ar", "phone", PHONE), ("en", "desktop", DESKTOP)]


@pytest.fixture
def site(demo_site):
    for group in (roles.MODERATORS, roles.MINISTRY_OFFICERS, roles.EDITORS, roles.MANAGERS):
        Group.objects.get_or_create(name=group)
    save_staff_account("moderator", role="moderator", password=PASSWORD)
    save_staff_account("officer-health", role="officer", ministry_slug="health", password=PASSWORD)
    return demo_site


def answered(language: str, **fields) -> Submission:
    topic = Topic.objects.filter(ministry__slug="health").first()
    item = make_submission(topic=topic, language=language, **fields)
    workflow.route(item, actor=User.objects.get(username="moderator"), ministry=topic.ministry)
    workflow.answer(
        item,
        actor=User.objects.get(username="officer-health"),
        public_message="The clinic now opens at 7."
        if language == "en"
        else "تفتح العيادة الآن في السابعة.",
    )
    item.refresh_from_db()
    return item


@pytest.mark.parametrize(("lang", "width_name", "viewport"), CASES)
def test_a_citizen_says_not_resolved_and_the_officer_sees_it(
    site, new_page, lang, width_name, viewport
):
    text = TEXT[lang]
    item = answered(lang, subject="Clinic hours" if lang == "en" else "مواعيد العيادة")
    citizen = new_page(viewport=viewport)
    citizen.goto(site.url + tracking_path(item.reference, lang))
    assert text["question"] in citizen.locator(".resolution").inner_text()
    fits_the_screen(citizen, viewport)
    screenshot(citizen, f"reopen-choice-{lang}-{width_name}")
    assert_accessible(citizen)

    # An empty reason is refused, said at the top and at the field.
    with citizen.expect_navigation():
        citizen.get_by_role("button", name=text["reopen"]).click()
    assert citizen.locator(".error-summary").first.is_visible()
    assert text["empty"] in citizen.content()
    screenshot(citizen, f"reopen-error-{lang}-{width_name}")
    assert_accessible(citizen)

    reason = (
        "Still closed at 7 on Sunday." if lang == "en" else "ما زالت مغلقة في السابعة يوم الأحد."
    )
    citizen.get_by_label(text["reason"]).fill(reason)
    with citizen.expect_navigation():
        citizen.get_by_role("button", name=text["reopen"]).click()
    assert text["reopened"] in citizen.content() and reason in citizen.content()
    assert citizen.locator(".resolution").count() == 0
    fits_the_screen(citizen, viewport)
    screenshot(citizen, f"reopen-done-{lang}-{width_name}")
    assert_accessible(citizen)
    item.refresh_from_db()
    assert (item.status, item.reopen_count) == ("in_progress", 1)

    officer = new_page(viewport=viewport)
    sign_in(officer, site.url, "officer-health", f"/{lang}/staff/inbox/")
    row = officer.locator("tr", has_text=item.reference)
    assert text["badge"] in row.inner_text()
    screenshot(officer, f"reopen-inbox-{lang}-{width_name}")
    assert_accessible(officer)
    officer.get_by_role("link", name=item.reference).click()
    assert reason in officer.content()
    screenshot(officer, f"reopen-item-{lang}-{width_name}")
    assert_accessible(officer)


@pytest.mark.parametrize(("lang", "width_name", "viewport"), CASES)
def test_a_moderator_publishes_a_redacted_suggestion(site, new_page, lang, width_name, viewport):
    text = TEXT[lang]
    item = answered(
        "ar",
        kind="suggestion",
        subject="مواعيد مسائية في العيادة",
        body="أقترح فتح العيادة مساءً للموظفين. هاتفي ٩١٢٣ ٤٥٦٧ للتواصل.",
        publication_consent=True,
    )
    page = new_page(viewport=viewport)
    sign_in(page, site.url, "moderator", f"/{lang}/staff/items/{item.reference}/")
    page.get_by_text(text["publish"]).first.click()
    form = page.locator(f"form[action$='/{item.reference}/publish/']")
    assert form.locator("mark.redaction").inner_text().startswith("٩١٢٣ ٤٥٦٧")
    body = form.locator("textarea[name='publish-text']")
    assert "٩١٢٣" not in body.input_value()  # masked in the text to publish
    fits_the_screen(page, viewport)
    screenshot(page, f"publish-form-{lang}-{width_name}")
    assert_accessible(page)

    # Putting a number back is refused.
    body.fill("أقترح فتح العيادة مساءً للموظفين. هاتفي ٩١٢٣ ٤٥٦٧.")
    form.locator("select[name='publish-decision']").select_option("adopted")
    form.locator("textarea[name='publish-reason_ar']").fill("تفتح العيادة حتى العاشرة مساءً.")
    form.locator("input[name='publish-checked']").check()
    with page.expect_navigation():
        form.get_by_role("button").click()
    assert text["still"] in page.content()
    screenshot(page, f"publish-error-{lang}-{width_name}")
    assert_accessible(page)

    form = page.locator(f"form[action$='/{item.reference}/publish/']")
    form.locator("textarea[name='publish-text']").fill("أقترح فتح العيادة مساءً للموظفين.")
    form.locator("input[name='publish-checked']").check()
    with page.expect_navigation():
        form.get_by_role("button").click()
    assert text["published"] in page.content()
    outcome = PublicOutcome.objects.get(submission=item)
    assert "٩١٢٣" not in outcome.text

    # The public list and the item, as a visitor reads them.
    visitor = new_page(viewport=viewport)
    visitor.goto(f"{site.url}/{lang}/you-said-we-did/")
    assert "أقترح فتح العيادة مساءً للموظفين." in visitor.content()
    fits_the_screen(visitor, viewport)
    screenshot(visitor, f"outcomes-list-{lang}-{width_name}")
    assert_accessible(visitor)
    visitor.goto(f"{site.url}/{lang}/you-said-we-did/{outcome.pk}/")
    assert item.reference not in visitor.content()
    fits_the_screen(visitor, viewport)
    screenshot(visitor, f"outcomes-detail-{lang}-{width_name}")
    assert_accessible(visitor)


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize(("width_name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_public_pages_are_accessible(demo_site, new_page, lang, width_name, viewport):
    page = new_page(viewport=viewport)
    page.goto(f"{demo_site.url}/{lang}/you-said-we-did/")
    assert page.locator("article.outcome").count() == 2  # the demo's items
    fits_the_screen(page, viewport)
    screenshot(page, f"outcomes-demo-{lang}-{width_name}")
    assert_accessible(page)
    page.goto(f"{demo_site.url}/{lang}/you-said-we-did/?decision=not_adopted&q=zzz")
    assert page.locator("article.outcome").count() == 0
    assert_accessible(page)
    page.goto(f"{demo_site.url}/{lang}/you-said-we-did/")
    page.locator("article.outcome h2 a").first.click()
    page.wait_for_url(re.compile(rf"/{lang}/you-said-we-did/\d+/$"))
    fits_the_screen(page, viewport)
    assert_accessible(page)
    # The demo's reopened request, on its tracking page.
    reopened = Submission.objects.get(reference="TW-DEMQ-NNNN")
    page.goto(demo_site.url + tracking_path(reopened.reference, lang))
    assert page.locator("#reopened-title").is_visible()
    screenshot(page, f"reopened-demo-{lang}-{width_name}")
    assert_accessible(page)
