"""The tracking page as a citizen reads it (issue 18, point 2): the answer first, then what
they sent with their own files, then the history; a copy button for the private link; a
helpful page for a broken link; the erasure on a quiet page of its own; a rating that says
what it does and thanks."""

import io
import re
from pathlib import Path

import pytest
from django.test import Client
from PIL import Image

from feedback import workflow
from feedback.models import Attachment, Submission, SubmissionEvent, private_storage
from feedback.tracking import make_token, tracking_path
from feedback.uploads import clean_upload
from tests.feedback.files import jpeg_bytes, minimal_pdf, png_bytes, upload
from tests.feedback.workflow_helpers import in_state

S = Submission.Status
ANSWER = "The centre now opens at 7 am on weekdays."


def cleaned(*files):
    return [clean_upload(upload(name, content)) for name, content in files]


def with_answer(submission: Submission, officer) -> Submission:
    for kind, message in [
        ("routed", ""),
        ("acknowledged", "We are looking into it."),
        ("answered", ANSWER),
    ]:
        SubmissionEvent.objects.create(
            submission=submission,
            kind=kind,
            actor=officer,
            public_message=message,
            internal_note="SECRET note",
            is_public=True,
        )
    return submission


@pytest.fixture
def answered(topic, ministry_a, officer_a):
    item = in_state(
        S.ANSWERED,
        topic,
        ministry_a,
        body="Line one of what I wrote.\nLine two.",
        files=cleaned(("street light.jpg", jpeg_bytes((1200, 900))), ("letter.pdf", minimal_pdf())),
    )
    return with_answer(item, officer_a)


def status_of(url: str) -> int:
    response = Client().get(url)
    if response.streaming:  # read to the end: the test client then closes the file
        b"".join(response.streaming_content)
    return response.status_code


def files_of(item) -> tuple[Attachment, Attachment]:
    image, pdf = item.attachments.order_by("pk")
    return image, pdf


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_answer_comes_first_then_what_was_sent_then_the_history(answered, language):
    page = Client().get(tracking_path(answered.reference, language)).content.decode()
    answer_title = "The answer" if language == "en" else "الرد"
    sent_title = "What you sent" if language == "en" else "ما أرسلته"
    history_title = "History" if language == "en" else "سجل الطلب"
    positions = [
        page.index(f">{title}</h2>") for title in (answer_title, sent_title, history_title)
    ]
    assert positions == sorted(positions)
    answer_block = page[positions[0] : positions[1]]
    assert ANSWER in answer_block and "We are looking into it." not in answer_block
    assert "Line one of what I wrote.<br>Line two." in page[positions[1] : positions[2]]
    history = page[positions[2] :]
    # Newest first: the answer's step (its words are above), then the acknowledgement.
    answered_step = "The ministry answered" if language == "en" else "ردّت الوزارة"
    assert history.index(answered_step) < history.index("We are looking into it.")
    assert ANSWER not in history
    assert page.count(ANSWER) == 1
    assert "SECRET" not in page


@pytest.mark.django_db
def test_an_open_request_says_when_the_answer_is_due(topic, ministry_a):
    routed = in_state(S.ROUTED, topic, ministry_a)
    page = Client().get(tracking_path(routed.reference, "en")).content.decode()
    assert "No answer yet. The answer is expected by" in page
    arabic = Client().get(tracking_path(routed.reference, "ar")).content.decode()
    assert "لم يصل رد بعد" in arabic


@pytest.mark.django_db
def test_the_citizens_files_are_shown_as_previews_and_a_pdf_icon(answered):
    token = make_token(answered.reference)
    image, pdf = files_of(answered)
    page = Client().get(tracking_path(answered.reference, "en")).content.decode()
    base = f"/en/feedback/track/{token}/files/"
    assert f'src="{base}{image.pk}/preview/"' in page and f'href="{base}{image.pk}/"' in page
    assert f'href="{base}{pdf.pk}/"' in page and f"{base}{pdf.pk}/preview/" not in page
    assert "street_light.jpg" in page and "letter.pdf" in page
    assert 'class="attachment__icon" aria-hidden="true">PDF<' in page
    assert re.search(r"attachment__size hint\">[\d.]+\xa0(bytes|KB)<", page)

    preview = Client().get(f"{base}{image.pk}/preview/")
    assert preview.status_code == 200 and preview["Content-Type"] == "image/jpeg"
    shown = Image.open(io.BytesIO(preview.content))
    assert shown.format == "JPEG" and max(shown.size) == 320 and shown.size == (320, 240)

    whole = Client().get(f"{base}{image.pk}/")
    assert whole.status_code == 200 and whole["Content-Type"] == "image/jpeg"
    with image.file.open("rb") as stored:
        assert b"".join(whole.streaming_content) == stored.read()
    assert whole["Content-Disposition"].startswith("inline")
    saved = Client().get(f"{base}{pdf.pk}/")
    b"".join(saved.streaming_content)
    assert saved["Content-Disposition"].startswith("attachment")
    assert saved["Content-Type"] == "application/pdf"
    for response in (preview, whole, saved):
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.django_db
def test_a_transparent_png_gets_a_preview_on_white(topic):
    image = Image.new("RGBA", (800, 400), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    item = in_state(S.SUBMITTED, topic, files=cleaned(("clear.png", buffer.getvalue())))
    attachment = item.attachments.get()
    token = make_token(item.reference)
    preview = Client().get(f"/en/feedback/track/{token}/files/{attachment.pk}/preview/")
    shown = Image.open(io.BytesIO(preview.content)).convert("RGB")
    assert shown.size == (320, 160) and shown.getpixel((10, 10)) == (255, 255, 255)


@pytest.mark.django_db
def test_another_items_link_or_a_forged_one_fetches_no_file(answered, topic):
    other = in_state(S.SUBMITTED, topic, files=cleaned(("mine.png", png_bytes())))
    image, pdf = files_of(answered)
    other_token = make_token(other.reference)
    forged = make_token(answered.reference)[:-2] + "xx"
    for token in (other_token, forged, answered.reference, "nonsense"):
        for pk in (image.pk, pdf.pk):
            for suffix in ("", "preview/"):
                url = f"/en/feedback/track/{token}/files/{pk}/{suffix}"
                assert status_of(url) == 404, url
    # The right token but a PDF has no preview; an unknown number is nothing.
    token = make_token(answered.reference)
    assert status_of(f"/en/feedback/track/{token}/files/{pdf.pk}/preview/") == 404
    assert status_of(f"/en/feedback/track/{token}/files/999999/") == 404
    assert Client().post(f"/en/feedback/track/{token}/files/{image.pk}/").status_code == 405


@pytest.mark.django_db
def test_no_file_once_the_personal_data_is_erased(
    answered, moderator, django_capture_on_commit_callbacks
):
    token = make_token(answered.reference)
    image, pdf = files_of(answered)
    urls = [
        f"/en/feedback/track/{token}/files/{image.pk}/preview/",
        f"/en/feedback/track/{token}/files/{image.pk}/",
        f"/en/feedback/track/{token}/files/{pdf.pk}/",
    ]
    assert all(status_of(url) == 200 for url in urls)
    # A row that outlives the erasure (the files go after the commit) shows nothing either.
    Submission.objects.filter(pk=answered.pk).update(personal_data_erased_at=answered.created_at)
    assert all(status_of(url) == 404 for url in urls)
    Submission.objects.filter(pk=answered.pk).update(personal_data_erased_at=None)
    on_disk = [Path(private_storage.path(path)) for path in image.stored_paths]
    assert len(on_disk) == 2 and all(path.is_file() for path in on_disk)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.erase(answered, actor=moderator)
    assert all(status_of(url) == 404 for url in urls)
    assert not any(path.exists() for path in on_disk)  # the preview went with the photo
    page = Client().get(tracking_path(answered.reference, "en")).content.decode()
    assert "street_light.jpg" not in page and "/files/" not in page
    assert "Your name, contact details and attachments were deleted on" in page


@pytest.mark.django_db
def test_a_page_listing_files_is_never_stored_but_a_page_without_forms_is(
    answered, topic, ministry_a, django_assert_num_queries
):
    link = tracking_path(answered.reference, "en")
    Client().get(link)
    # The stored-page check (the item's version: it has files), then rendered: the item,
    # its history, its files.
    with django_assert_num_queries(4):
        Client().get(link)
    routed = in_state(S.ROUTED, topic, ministry_a)
    routed_link = tracking_path(routed.reference, "en")
    first = Client().get(routed_link)
    with django_assert_num_queries(1):  # nothing to rate, no form: stored all the same
        second = Client().get(routed_link)
    assert second.content == first.content and "csrftoken" not in second.cookies
    assert b"csrfmiddlewaretoken" not in second.content


@pytest.mark.django_db
def test_the_private_link_is_on_the_page_with_a_copy_button_for_scripts(answered):
    link = tracking_path(answered.reference, "en")
    page = Client().get(link).content.decode()
    assert f'id="private-link" dir="ltr">http://testserver{link}</p>' in page
    # Hidden without JavaScript (feedback.js shows it where the clipboard works).
    assert re.search(r'<p class="copy" data-copy="private-link"[^>]* hidden>', page)
    assert 'data-copied="Link copied."' in page and "js/feedback.js" in page
    arabic = Client().get(tracking_path(answered.reference, "ar")).content.decode()
    assert "انسخ الرابط" in arabic and 'data-copied="نُسخ الرابط."' in arabic


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "button"),
    [
        ("en", "This tracking link does not work", "Track with reference and e-mail"),
        ("ar", "رابط المتابعة هذا لا يعمل", "المتابعة بالرقم المرجعي والبريد الإلكتروني"),
    ],
)
def test_a_broken_link_gets_a_helpful_page_that_reveals_nothing(answered, language, title, button):
    good = tracking_path(answered.reference, language)
    cut = good[:-6] + "/"
    other_reference = good.replace(answered.reference, "TW-AAAA-AAAA")
    nonsense = f"/{language}/feedback/track/nonsense/"
    pages = []
    for url in (cut, other_reference, nonsense):
        response = Client().get(url)
        assert response.status_code == 404
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        page = response.content.decode()
        assert title in page and button in page
        assert f'href="/{language}/feedback/track/"' in page
        # Only the language switch repeats the address as typed; the page says nothing of it.
        main = page.split("<main")[1].split("</main>")[0]
        assert answered.reference not in main and "TW-AAAA-AAAA" not in main
        pages.append(main)
    # One page for a real reference with a broken signature and for a made-up one.
    assert len(set(pages)) == 1


@pytest.mark.django_db
def test_the_erasure_is_a_quiet_link_to_its_own_page(answered):
    link = tracking_path(answered.reference, "ar")
    page = Client().get(link).content.decode()
    assert 'name="confirm"' not in page
    assert f'<li><a href="{link}erase/">احذف بياناتي الشخصية</a></li>' in page
    own = Client().get(link + "erase/")
    assert own.status_code == 200 and own["Referrer-Policy"] == "same-origin"
    text = own.content.decode()
    assert "ما الذي يُحذف" in text and "ما الذي يبقى" in text and 'name="confirm"' in text
    assert f'href="{link}"' in text  # back to the request
    refused = Client().post(link + "erase/", {})
    assert refused.status_code == 400 and "خطأ:" in refused.content.decode()
    client = Client()
    done = client.post(link + "erase/", {"confirm": "on"}, follow=True)
    assert "أُرسل طلبك بحذف بياناتك الشخصية" in done.content.decode()
    answered.refresh_from_db()
    assert answered.erasure_requested


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "effect", "thanks"),
    [
        # (Issue 17: a rating changes no status; "resolved" closes the request.)
        ("en", "it does not change the state of your request", "Thank you for your rating."),
        ("ar", "ولا يغيّر حالة طلبك", "شكرًا لك على تقييمك."),
    ],
)
def test_the_rating_says_what_it_does_and_thanks(answered, language, effect, thanks):
    link = tracking_path(answered.reference, language)
    client = Client()
    page = client.get(link).content.decode()
    assert effect in page and 'aria-describedby="rating-effect"' in page
    response = client.post(link + "rate/", {"rating": "4"})
    assert response.status_code == 302 and response["Location"] == link
    after = client.get(link).content.decode()
    assert thanks in after and effect not in after
    assert thanks not in client.get(link).content.decode()  # said once
    assert thanks not in Client().get(link).content.decode()
    # A second rating (another tab) changes nothing and thanks no one.
    client.post(link + "rate/", {"rating": "1"})
    assert thanks not in client.get(link).content.decode()
    answered.refresh_from_db()
    assert (answered.rating, answered.status) == (4, S.ANSWERED)


@pytest.mark.django_db
def test_the_preview_is_stored_with_the_image_and_served_as_it_is(
    answered, django_assert_num_queries
):
    """The preview is made once, when the image is stored; the view decodes nothing, so
    a link holder can ask for it as often as for the file itself."""
    image, pdf = files_of(answered)
    assert not pdf.preview  # a PDF has none
    with image.preview.open("rb") as stored:
        made = Image.open(io.BytesIO(stored.read()))
    assert made.format == "JPEG" and made.size == (320, 240)
    assert image.preview.name != image.file.name and "street" not in image.preview.name

    # Whatever is stored is what is served: the view does not make a preview again.
    Path(image.preview.path).write_bytes(b"the stored preview, as it is")
    preview = f"/en/feedback/track/{make_token(answered.reference)}/files/{image.pk}/preview/"
    with django_assert_num_queries(1):  # the file, by the token's reference
        response = Client().get(preview)
    assert response.status_code == 200 and response.content == b"the stored preview, as it is"
    assert response["Content-Type"] == "image/jpeg"
    assert all(status_of(preview) == 200 for _ in range(150))  # no limit to run into


@pytest.mark.django_db
def test_an_image_stored_without_a_preview_shows_a_tile(answered):
    """An image stored before previews were made has none: a tile like a PDF's, the file
    itself still a link, and no preview made on the fly."""
    image, _pdf = files_of(answered)
    image.preview.delete(save=True)
    token = make_token(answered.reference)
    page = Client().get(tracking_path(answered.reference, "en")).content.decode()
    base = f"/en/feedback/track/{token}/files/{image.pk}/"
    assert "attachment__preview" not in page and f"{base}preview/" not in page
    assert 'class="attachment__icon" aria-hidden="true">JPEG<' in page
    assert f'href="{base}"' in page and status_of(base) == 200
    assert status_of(f"{base}preview/") == 404


@pytest.mark.django_db
def test_the_confirmation_page_has_the_copy_button_too(client, form_data):
    response = client.post("/ar/feedback/new/", form_data(), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/ar/feedback/sent/"
    assert re.search(r'<p class="copy" data-copy="private-link"[^>]* hidden>', page)
    assert 'id="private-link"' in page and "انسخ الرابط" in page and "js/feedback.js" in page
