"""A citizen attaches files, makes a mistake and gets the form back with the good files
kept and the refused one explained; removes one, sends, and the kept photo arrives
(re-encoded, no EXIF). Arabic on a phone and English on a desktop, axe-core each state."""

import io
import re

import pytest
from PIL import Image

from feedback.models import Attachment, Submission
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.feedback import files

TEXT = {
    "ar": {"kept": "محفوظ", "summary_kept": "لا حاجة إلى اختياره مرة أخرى", "refused": "ليس صورة"},
    "en": {
        "kept": "kept",
        "summary_kept": "you do not need to choose it again",
        "refused": "is not a JPEG, PNG or WebP photo",
    },
}


@pytest.fixture
def chosen(tmp_path):
    photo = tmp_path / "pothole.jpg"
    photo.write_bytes(files.jpeg_with_gps())
    plan = tmp_path / "plan.png"
    plan.write_bytes(files.png_bytes())
    animation = tmp_path / "anim.gif"
    animation.write_bytes(files.gif_bytes())
    return [str(photo), str(plan), str(animation)]


@pytest.mark.parametrize(
    ("lang", "width_name", "viewport"), [("ar", "phone", PHONE), ("en", "desktop", DESKTOP)]
)
def test_files_survive_a_form_error(demo_site, new_page, chosen, lang, width_name, viewport):
    text = TEXT[lang]
    page = new_page(viewport=viewport)
    page.goto(f"{demo_site.url}/{lang}/feedback/new/")
    page.locator("#id_kind_0").check()
    page.locator("#id_topic").select_option(index=1)
    page.locator("#id_body").fill("A deep pothole on the main road near the school, for weeks.")
    page.locator("#id_consent").check()
    page.locator("#id_attachments").set_input_files(chosen)  # the subject is forgotten
    with page.expect_navigation():
        page.locator("button[type=submit]").click()

    summary = page.locator(".error-summary")
    assert "pothole.jpg" in summary.inner_text() and text["summary_kept"] in summary.inner_text()
    assert "plan.png" in summary.inner_text()
    assert "anim.gif" in summary.inner_text() and text["refused"] in summary.inner_text()
    kept = page.locator(".kept-file")
    assert kept.count() == 2
    assert text["kept"] in kept.first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"feedback-kept-files-{lang}-{width_name}")
    assert_accessible(page)

    # Remove the plan, write the subject, send: the kept photo goes with the request.
    kept.filter(has_text="plan.png").locator("input[type=checkbox]").check()
    page.locator("#id_subject").fill("Pothole near the school")
    page.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{lang}/feedback/sent/"))

    submission = Submission.objects.latest("pk")
    [attachment] = Attachment.objects.filter(submission=submission)
    assert attachment.original_name == "pothole.jpg"
    with attachment.file.open("rb") as stored:
        assert not Image.open(io.BytesIO(stored.read())).getexif()


LOST = {
    "ar": "تعذّر الاحتفاظ بالملفات التي اخترتها من قبل",
    "en": "The files you chose earlier could not be kept",
}


@pytest.mark.parametrize(
    ("lang", "width_name", "viewport"), [("ar", "phone", PHONE), ("en", "desktop", DESKTOP)]
)
def test_an_altered_token_asks_for_the_files_again(
    demo_site, new_page, chosen, lang, width_name, viewport
):
    page = new_page(viewport=viewport)
    page.goto(f"{demo_site.url}/{lang}/feedback/new/")
    page.locator("#id_attachments").set_input_files(chosen[0])
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    assert page.locator(".kept-file").count() == 1
    # The page stays open too long, or someone edits the hidden field: the same answer.
    page.evaluate(
        "document.querySelector('input[name=kept_uploads]').value = 'altered' +"
        " document.querySelector('input[name=kept_uploads]').value"
    )
    with page.expect_navigation():
        page.locator("button[type=submit]").click()

    assert LOST[lang] in page.locator(".error-summary").inner_text()
    assert page.locator(".kept-file").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"feedback-kept-files-lost-{lang}-{width_name}")
    assert_accessible(page)
