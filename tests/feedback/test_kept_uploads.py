"""Files survive a failed submission: kept cleaned under a signed, short-lived token, sent
with the next try, removable, never claimable by another form, purged when they expire."""

import io
import os
import re
import time
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core import signing
from django.core.management import call_command
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from PIL import Image

from feedback.forms.kept import KeptUploadsMixin
from feedback.forms.public import MultipleFileField
from feedback.kept_uploads import SALT
from feedback.models import Attachment, Submission
from portal.forms import ErrorSummaryMixin
from tests.feedback import files

URL = "/{lang}/feedback/new/"
TOKEN = re.compile(r'name="kept_uploads" value="([^"]*)"')
REMOVE = re.compile(r'name="kept_remove" value="([0-9a-f]{32})"')


def kept_files() -> list[Path]:
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "kept"
    return sorted(folder.iterdir()) if folder.exists() else []


def token_of(response) -> str:
    return TOKEN.search(response.content.decode()).group(1)


def summary(response) -> str:
    page = response.content.decode()
    start = page.index('class="error-summary"')
    return page[start : page.index("</div>", start)]


def post(client, data, uploads=(), lang="en", **extra):
    return client.post(URL.format(lang=lang), {**data, "attachments": list(uploads)}, **extra)


def photo(name="IMG_2041.jpg"):
    return files.upload(name, files.jpeg_with_gps(), "image/jpeg")


@pytest.fixture
def kept_photo(client, form_data):
    """A first try with a good photo and a missing subject: the page that comes back."""
    return post(client, form_data(subject=""), [photo()])


@pytest.mark.django_db
def test_a_valid_photo_is_kept_when_another_field_is_wrong(kept_photo):
    assert kept_photo.status_code == 200
    page = kept_photo.content.decode()
    assert "IMG_2041.jpg</bdi>" in page and "— kept" in page
    assert 'name="kept_remove"' in page  # a remove box, no JavaScript needed
    assert "Enter a subject." in summary(kept_photo)
    assert "“IMG_2041.jpg” is kept: you do not need to choose it again." in summary(kept_photo)
    assert token_of(kept_photo)
    assert Submission.objects.count() == 0
    # The cleaned copy, under a random name in the private storage: no EXIF left.
    [stored] = kept_files()
    assert re.fullmatch(r"[0-9a-f]{32}", stored.name)
    assert b"PhoneMaker" not in stored.read_bytes()


@pytest.mark.django_db
def test_the_kept_photo_is_attached_by_the_next_try(
    client, form_data, kept_photo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, form_data(kept_uploads=token_of(kept_photo)))

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "IMG_2041.jpg"
    with attachment.file.open("rb") as stored:
        data = stored.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert not image.getexif()  # re-encoded: GPS and camera gone
    assert b"PhoneMaker" not in data
    assert kept_files() == []  # the kept copy is deleted once it is an attachment


@pytest.mark.django_db
def test_kept_and_new_files_are_sent_together(
    client, form_data, kept_photo, django_capture_on_commit_callbacks
):
    new = files.upload("plan.png", files.png_bytes(), "image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, form_data(kept_uploads=token_of(kept_photo)), [new])
    assert response.status_code == 302
    names = list(Attachment.objects.order_by("pk").values_list("original_name", flat=True))
    assert names == ["IMG_2041.jpg", "plan.png"]  # the kept file first, as chosen first


@pytest.mark.django_db
def test_a_refused_file_is_named_and_the_good_one_kept_in_arabic(client, form_data):
    response = post(
        client,
        form_data(),
        [photo("صورة.jpg"), files.upload("anim.gif", files.gif_bytes(), "image/gif")],
        lang="ar",
    )
    assert response.status_code == 200
    text = summary(response)
    assert "«anim.gif»" in text  # refused, and why
    assert "ليس صورة" in text
    assert "صورة.jpg" in text and "محفوظ" in text  # kept, in Arabic
    assert len(kept_files()) == 1
    assert Submission.objects.count() == 0


@pytest.mark.django_db
def test_a_removed_file_is_deleted_and_not_sent(
    client, form_data, kept_photo, django_capture_on_commit_callbacks
):
    [file_id] = REMOVE.findall(kept_photo.content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, form_data(kept_uploads=token_of(kept_photo), kept_remove=file_id))
    assert response.status_code == 302
    assert Attachment.objects.count() == 0
    assert kept_files() == []


@pytest.mark.django_db
def test_removing_with_another_error_shows_the_file_gone(client, form_data, kept_photo):
    [file_id] = REMOVE.findall(kept_photo.content.decode())
    response = post(
        client, form_data(subject="", kept_uploads=token_of(kept_photo), kept_remove=file_id)
    )
    assert "IMG_2041.jpg" not in response.content.decode()
    assert token_of(response) == ""
    assert kept_files() == []


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_tampered_token_asks_for_the_files_again(client, form_data, kept_photo, lang):
    token = token_of(kept_photo)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = post(client, form_data(kept_uploads=forged), lang=lang)

    assert response.status_code == 200  # never a 500, never sent without the files
    message = {
        "en": "The files you chose earlier could not be kept",
        "ar": "تعذّر الاحتفاظ بالملفات التي اخترتها من قبل",
    }[lang]
    assert message in summary(response)
    assert Submission.objects.count() == 0
    # Sent again without the token (the citizen chose not to attach them): accepted.
    assert post(client, form_data()).status_code == 302


@pytest.mark.django_db
def test_garbage_tokens_are_handled(client, form_data):
    for junk in ["x", "a" * 5000, "W10:1abc:xyz", "..::..", "%00", "\x00", "تواصل:1:2"]:
        response = post(client, form_data(kept_uploads=junk))
        assert response.status_code == 200
        assert "could not be kept" in response.content.decode()


@pytest.mark.django_db
def test_an_expired_token_asks_for_the_files_again(client, form_data, kept_photo, monkeypatch):
    token = token_of(kept_photo)
    later = time.time() + settings.FEEDBACK_KEPT_UPLOADS_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)

    response = post(client, form_data(kept_uploads=token))

    assert response.status_code == 200
    assert "could not be kept" in summary(response)
    assert Submission.objects.count() == 0


@pytest.mark.django_db
def test_a_form_cannot_claim_the_files_of_another(client, form_data, kept_photo):
    """Another citizen's file id is only in a token signed for them: forging, re-signing
    for another form, or removing by id all fail, and their file stays."""
    other = post(client, form_data(subject=""), [photo("theirs.jpg")])
    [their_id] = REMOVE.findall(other.content.decode())
    [my_id] = REMOVE.findall(kept_photo.content.decode())
    assert their_id != my_id
    my_entries = signing.loads(token_of(kept_photo), salt=f"{SALT}:submission")
    their_entries = signing.loads(token_of(other), salt=f"{SALT}:submission")

    # 1. A token of mine that names their file too, signed with anything but our key.
    forged = signing.dumps(
        my_entries + their_entries, key="guessed-" + "k" * 50, salt=f"{SALT}:submission"
    )
    assert "could not be kept" in post(client, form_data(kept_uploads=forged)).content.decode()
    # 2. A genuine token of another form (a clarification) opens nothing here.
    elsewhere = signing.dumps(their_entries, salt=f"{SALT}:clarification:TW-2222-2222")
    assert "could not be kept" in post(client, form_data(kept_uploads=elsewhere)).content.decode()
    # 3. Removing their id with my token does not touch their file.
    post(client, form_data(subject="", kept_uploads=token_of(kept_photo), kept_remove=their_id))

    assert Submission.objects.count() == 0
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / "kept" / their_id).exists()


@pytest.mark.django_db
def test_kept_and_new_files_together_obey_the_limit(client, form_data):
    first = post(
        client, form_data(subject=""), [photo("a.jpg"), files.upload("b.png", files.png_bytes())]
    )
    assert len(kept_files()) == 2
    response = post(
        client,
        form_data(kept_uploads=token_of(first)),
        [files.upload("c.png", files.png_bytes()), files.upload("d.png", files.png_bytes())],
    )
    assert response.status_code == 200
    assert "Choose at most 3 files in all: 2 are kept from before." in summary(response)
    assert len(kept_files()) == 2  # the new ones were refused before decoding, not kept
    assert "You can add 1 more file." in response.content.decode()
    assert Submission.objects.count() == 0


@pytest.mark.django_db
def test_kept_and_new_images_share_the_pixel_budget_of_the_message(client, form_data, settings):
    settings.FEEDBACK_MAX_REQUEST_PIXELS = 2_000_000
    megapixel = files.flat_image("PNG", (1_000, 1_000))
    first = post(client, form_data(subject=""), [files.upload("a.png", megapixel)])
    response = post(
        client,
        form_data(kept_uploads=token_of(first)),
        [files.upload("b.png", megapixel), files.upload("c.png", megapixel)],
    )
    text = summary(response)
    assert "“c.png” takes the photos of this message over 2 megapixels together." in text
    assert "“a.png” is kept" in text and "“b.png” is kept" in text
    assert "“c.png” is kept" not in text
    assert len(kept_files()) == 2


@pytest.mark.django_db
def test_a_full_form_says_no_more_files_can_be_added(client, form_data):
    uploads = [files.upload(f"p{i}.png", files.png_bytes()) for i in range(3)]
    response = post(client, form_data(subject=""), uploads)
    assert "No more files can be added: remove a kept file to choose another." in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_the_rate_limited_page_keeps_the_files_already_cleaned(
    client, form_data, kept_photo, settings
):
    settings.FEEDBACK_RATE_LIMITS = {**settings.FEEDBACK_RATE_LIMITS, "submit_address": (1, 3600)}
    # (the first try of kept_photo was the one allowed post)
    response = post(client, form_data(kept_uploads=token_of(kept_photo)), [photo("new.jpg")])

    assert response.status_code == 429
    page = response.content.decode()
    assert "IMG_2041.jpg</bdi>" in page and token_of(response)
    assert "new.jpg" not in page  # new files are not even read over the limit
    assert len(kept_files()) == 1


@pytest.mark.django_db
def test_the_per_email_limit_keeps_the_new_files_it_cleaned(client, form_data, settings):
    settings.FEEDBACK_RATE_LIMITS = {**settings.FEEDBACK_RATE_LIMITS, "submit_email": (0, 3600)}
    response = post(client, form_data(), [photo()])
    assert response.status_code == 429
    assert "“IMG_2041.jpg” is kept" in response.content.decode()
    assert len(kept_files()) == 1


@pytest.mark.django_db
def test_a_kept_file_that_vanished_is_reported_not_a_500(client, form_data, kept_photo):
    for path in kept_files():
        path.unlink()  # purged, or already sent from another tab
    response = post(client, form_data(kept_uploads=token_of(kept_photo)))
    assert response.status_code == 200
    assert "could not be kept" in summary(response)


@pytest.mark.django_db
def test_purge_deletes_only_expired_kept_files(client, form_data):
    post(client, form_data(subject=""), [photo("old.jpg")])
    [old] = kept_files()
    long_ago = time.time() - settings.FEEDBACK_KEPT_UPLOADS_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    post(client, form_data(subject=""), [photo("fresh.jpg")])
    assert len(kept_files()) == 2

    out = io.StringIO()
    call_command("purge_kept_uploads", stdout=out)

    assert "1 files deleted" in out.getvalue()
    assert len(kept_files()) == 1 and not old.exists()


@pytest.mark.django_db
def test_purge_can_be_handed_to_the_worker(client, form_data):
    post(client, form_data(subject=""), [photo()])
    out = io.StringIO()
    call_command("purge_kept_uploads", "--enqueue", stdout=out)
    assert "Kept uploads purge queued" in out.getvalue()
    assert len(kept_files()) == 1  # not expired: kept


def test_purge_without_any_kept_file(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "empty"
    out = io.StringIO()
    call_command("purge_kept_uploads", stdout=out)
    assert "0 files deleted" in out.getvalue()


class ClarificationLikeForm(KeptUploadsMixin, ErrorSummaryMixin, forms.Form):
    """What the clarification inquiry will be: its own fields, the same kept files."""

    answer = forms.CharField()
    attachments = MultipleFileField(required=False)


def bound(data, uploads=(), scope="clarification:TW-2345-6789"):
    post_data = QueryDict(mutable=True)
    for key, value in data.items():
        post_data.setlist(key, value if isinstance(value, list) else [value])
    file_data = MultiValueDict({"attachments": list(uploads)})
    return ClarificationLikeForm(post_data, file_data, kept_uploads_scope=scope)


@pytest.mark.django_db
def test_another_citizen_form_reuses_the_mechanism_with_its_own_scope():
    first = bound({"answer": ""}, [photo()])
    assert not first.is_valid()
    first.keep_uploads()
    token = first.kept_uploads.token
    assert [kept.name for kept in first.kept_uploads.files] == ["IMG_2041.jpg"]

    again = bound({"answer": "The street is Al Khuwair 33.", "kept_uploads": token})
    assert again.is_valid()
    assert [clean.name for clean in again.kept_uploads.load()] == ["IMG_2041.jpg"]
    # The same token on the clarification of another request, or on the submission form:
    for scope in ("clarification:TW-9999-9999", "submission"):
        elsewhere = bound({"answer": "x", "kept_uploads": token}, scope=scope)
        assert not elsewhere.is_valid()
        assert "could not be kept" in str(elsewhere.errors["attachments"])


def test_a_form_without_a_scope_is_a_programming_error():
    class Unscoped(KeptUploadsMixin, ErrorSummaryMixin, forms.Form):
        attachments = MultipleFileField(required=False)

    with pytest.raises(TypeError):
        Unscoped()
