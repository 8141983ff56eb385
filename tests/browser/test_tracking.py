"""The tracking page in a real browser (issue 18, point 2): the answer first, the citizen's
own photo as a preview, the copy button, the rating's thanks, the erasure's own page and
the page for a broken link; axe-core on each, Arabic on a phone and English on a desktop."""

import re

import pytest

from feedback.models import Submission, SubmissionEvent, Topic
from feedback.tracking import tracking_path
from feedback.uploads import clean_upload
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.browser.test_feedback import fits_the_screen
from tests.factories import make_submission
from tests.feedback import files

TEXT = {
    "ar": {
        "copied": "نُسخ الرابط.",
        "copy": "انسخ الرابط",
        "rate": "أرسل تقييمي",
        "thanks": "شكرًا لك على تقييمك.",
        "erase": "احذف بياناتي الشخصية",
        "ask": "اطلب حذف بياناتي الشخصية",
        "asked": "أُرسل طلبك بحذف بياناتك الشخصية",
        "broken": "رابط المتابعة هذا لا يعمل",
        "by_reference": "المتابعة بالرقم المرجعي والبريد الإلكتروني",
    },
    "en": {
        "copied": "Link copied.",
        "copy": "Copy the link",
        "rate": "Send my rating",
        "thanks": "Thank you for your rating.",
        "erase": "Delete my personal data",
        "ask": "Ask for my personal data to be deleted",
        "asked": "Your request to delete your personal data was sent.",
        "broken": "This tracking link does not work",
        "by_reference": "Track with reference and e-mail",
    },
}
ANSWER = "The street light was repaired on Sunday. Thank you for telling us."


def answered_with_files(language: str) -> Submission:
    topic = Topic.objects.filter(ministry__isnull=False).first()
    item = make_submission(
        topic=topic,
        language=language,
        subject="Street light" if language == "en" else "إنارة الشارع",
        body="The light in front of the school has been off for a week.",
        files=[
            clean_upload(files.upload("street light.jpg", files.jpeg_bytes((1600, 1200)))),
            clean_upload(files.upload("letter from the school.pdf", files.minimal_pdf())),
        ],
    )
    Submission.objects.filter(pk=item.pk).update(status="answered", ministry=topic.ministry)
    SubmissionEvent.objects.create(
        submission=item, kind="answered", public_message=ANSWER, is_public=True
    )
    item.refresh_from_db()
    return item


def top(page, selector: str) -> float:
    return page.locator(selector).bounding_box()["y"]


@pytest.mark.parametrize(
    ("lang", "width_name", "viewport"), [("ar", "phone", PHONE), ("en", "desktop", DESKTOP)]
)
def test_the_tracking_page_answer_files_copy_rating_and_erasure(
    demo_site, new_page, settings, tmp_path, lang, width_name, viewport
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    text = TEXT[lang]
    item = answered_with_files(lang)
    link = demo_site.url + tracking_path(item.reference, lang)
    page = new_page(viewport=viewport, permissions=["clipboard-read", "clipboard-write"])
    page.goto(link)

    # The answer first, then what was sent (the photo as a preview, the PDF as an icon).
    assert top(page, ".answer") < top(page, ".sent-content") < top(page, "#history-title")
    assert ANSWER in page.locator(".answer").inner_text()
    preview = page.locator(".attachment__preview")
    preview.scroll_into_view_if_needed()
    # Waited for in one evaluation: wait_for_function's polling evaluates strings in the
    # page, which the CSP (no 'unsafe-eval') refuses once the image is not loaded at once.
    preview.evaluate(
        "image => image.complete || new Promise(done => image.addEventListener('load', done))"
    )
    assert preview.evaluate("image => image.naturalWidth") == 320
    assert page.locator(".attachment__icon").inner_text() == "PDF"

    # The copy button (JavaScript on) puts the whole link in the clipboard.
    page.get_by_role("button", name=text["copy"]).click()
    page.wait_for_function(
        "text => document.querySelector('.copy__status').textContent === text", arg=text["copied"]
    )
    assert page.evaluate("navigator.clipboard.readText()") == link
    fits_the_screen(page, viewport)
    screenshot(page, f"tracking-answered-{lang}-{width_name}")
    assert_accessible(page)

    # The rating says what it does; after sending, the page thanks.
    page.locator("#id_rating_1").check()  # 4
    with page.expect_navigation():
        page.get_by_role("button", name=text["rate"]).click()
    assert text["thanks"] in page.locator("[role=status]").first.inner_text()
    assert page.locator("#id_rating_1").count() == 0
    fits_the_screen(page, viewport)
    screenshot(page, f"tracking-rated-{lang}-{width_name}")
    assert_accessible(page)

    # "Delete my data": a quiet link to its own page.
    with page.expect_navigation():
        page.get_by_role("link", name=text["erase"]).click()
    assert page.url == link + "erase/"
    fits_the_screen(page, viewport)
    screenshot(page, f"tracking-erasure-{lang}-{width_name}")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name=text["ask"]).click()  # not ticked
    assert page.locator(".error-summary").is_visible()
    assert_accessible(page)
    page.locator("#id_confirm").check()
    with page.expect_navigation():
        page.get_by_role("button", name=text["ask"]).click()
    assert page.url == link
    assert text["asked"] in page.content()
    item.refresh_from_db()
    assert item.erasure_requested and item.rating == 4


@pytest.mark.parametrize(
    ("lang", "width_name", "viewport"), [("ar", "phone", PHONE), ("en", "desktop", DESKTOP)]
)
def test_a_broken_link_points_to_tracking_by_reference(
    demo_site, new_page, lang, width_name, viewport
):
    page = new_page(viewport=viewport)
    response = page.goto(f"{demo_site.url}/{lang}/feedback/track/TW-AAAA-AAAA:cut/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == TEXT[lang]["broken"]
    fits_the_screen(page, viewport)
    screenshot(page, f"tracking-broken-link-{lang}-{width_name}")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name=TEXT[lang]["by_reference"]).click()
    assert re.search(rf"/{lang}/feedback/track/$", page.url)
