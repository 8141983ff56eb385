"""Every upload attack of the issue, through the public form, and the EXIF stripping."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from feedback.models import Attachment, Submission
from tests.feedback import files


def post(client, form_data, uploads, lang="en"):
    return client.post(f"/{lang}/feedback/new/", {**form_data(), "attachments": uploads})


def stored_files() -> list[Path]:
    return [p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.mark.django_db
def test_jpeg_with_gps_exif_is_stored_without_it(client, form_data):
    original = files.jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the corpus has GPS

    response = post(client, form_data, [files.upload("IMG_2041.jpg", original, "image/jpeg")])

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as stored:
        data = stored.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    exif = image.getexif()
    assert not exif.get_ifd(0x8825)
    assert 0x010F not in exif  # camera make gone too
    assert b"PhoneMaker" not in data
    assert attachment.content_type == "image/jpeg"
    assert attachment.original_name == "IMG_2041.jpg"
    assert attachment.size == len(data)
    import hashlib

    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    # Stored under the private root with a random name, not under the public MEDIA_ROOT.
    path = Path(attachment.file.path)
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert "IMG_2041" not in path.name


@pytest.mark.django_db
def test_png_webp_and_a_real_pdf_are_accepted(client, form_data):
    uploads = [
        files.upload("plan.png", files.png_bytes(), "image/png"),
        files.upload("photo.webp", files.webp_bytes(), "image/webp"),
        files.upload("letter.pdf", files.minimal_pdf(), "application/pdf"),
    ]
    assert post(client, form_data, uploads).status_code == 302
    assert sorted(Attachment.objects.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/png",
        "image/webp",
    ]


@pytest.mark.django_db
def test_the_real_type_decides_the_extension(client, form_data):
    # A PNG named .jpg is a fine picture: stored as what it is.
    post(client, form_data, [files.upload("photo.jpg", files.png_bytes(), "image/jpeg")])
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "photo.png"
    assert attachment.file.name.endswith(".png")


ATTACKS = [
    ("svg renamed", "photo.jpg", files.SVG, "is not a JPEG, PNG or WebP photo or a PDF"),
    ("html renamed", "photo.jpg", files.HTML, "is not a JPEG, PNG or WebP photo or a PDF"),
    ("script renamed", "photo.jpg", files.SCRIPT, "is not a JPEG, PNG or WebP photo or a PDF"),
    ("gif", "anim.gif", files.gif_bytes(), "is not a JPEG, PNG or WebP photo or a PDF"),
    (
        "fake pdf",
        "letter.pdf",
        files.FAKE_PDF,
        "is a damaged, incomplete or password-protected PDF",
    ),
    (
        "pdf with javascript",
        "form.pdf",
        files.pdf_with_javascript(),
        "contains scripts or embedded files",
    ),
    ("decompression bomb", "bomb.png", files.png_bomb(), "is too large an image"),
    # Below Pillow's own bound (it would only warn) but above ours: still refused.
    (
        "bomb under pillow's bound",
        "big.png",
        files.png_bomb(10_000, 5_000),
        "is too large an image",
    ),
    ("truncated jpeg", "cut.jpg", files.truncated_jpeg(), "is damaged or incomplete"),
    ("empty file", "empty.jpg", b"", "is empty"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "name", "content", "message"), ATTACKS, ids=[a[0] for a in ATTACKS]
)
def test_upload_attacks_get_a_clear_error_and_nothing_is_stored(
    client, form_data, case, name, content, message
):
    response = post(client, form_data, [files.upload(name, content, "image/jpeg")])

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f"“{name}”" in page
    assert 'href="#id_attachments"' in page  # linked from the error summary
    assert "is kept" not in page  # a refused file is never kept for the next try
    assert Submission.objects.count() == 0
    assert stored_files() == []


@pytest.mark.django_db
def test_upload_errors_are_translated(client, form_data):
    response = post(client, form_data, [files.upload("x.jpg", files.SVG)], lang="ar")
    assert "ليس صورة بصيغة JPEG أو PNG أو WebP ولا مستند PDF" in response.content.decode()


@pytest.mark.django_db
def test_oversized_file_is_refused(client, form_data, settings):
    settings.FEEDBACK_MAX_ATTACHMENT_BYTES = 1000
    big = files.jpeg_bytes(size=(300, 300), color=(1, 2, 3)) + b"\0" * 2000
    response = post(client, form_data, [files.upload("big.jpg", big, "image/jpeg")])
    assert "is larger than 1000" in response.content.decode()
    assert Submission.objects.count() == 0


@pytest.mark.django_db
def test_default_size_limit_is_five_megabytes(client, form_data):
    assert settings.FEEDBACK_MAX_ATTACHMENT_BYTES == 5 * 1024 * 1024
    big = files.upload("scan.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024) + b"\n%%EOF\n")
    response = post(client, form_data, [big])
    assert "is larger than 5.0" in response.content.decode()


@pytest.mark.django_db
def test_at_most_three_files(client, form_data):
    uploads = [files.upload(f"p{i}.png", files.png_bytes()) for i in range(4)]
    response = post(client, form_data, uploads)
    assert "Choose at most 3 files." in response.content.decode()
    assert Submission.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("polyglot.jpg", files.jpeg_with_script_comment()),
        ("notes.png", files.png_with_text_chunk()),
        ("xmp.jpg", files.jpeg_with_xmp_location()),
    ],
)
def test_hidden_payloads_in_real_images_are_dropped(client, form_data, name, content):
    assert b"<script>" in content
    assert post(client, form_data, [files.upload(name, content)]).status_code == 302
    with Attachment.objects.get().file.open("rb") as stored:
        data = stored.read()
    assert b"<script>" not in data
    assert b"23.5880" not in data


@pytest.mark.django_db
def test_file_names_are_cleaned_and_never_used_on_disk(client, form_data):
    uploads = [
        files.upload("../../etc/passwd.jpg", files.jpeg_bytes()),
        files.upload("صورة الحادث.png", files.png_bytes()),
    ]
    assert post(client, form_data, uploads).status_code == 302
    names = list(Attachment.objects.order_by("pk").values_list("original_name", flat=True))
    assert names == ["passwd.jpg", "صورة_الحادث.png"]
    for attachment in Attachment.objects.all():
        assert ".." not in attachment.file.name
        assert Path(attachment.file.path).is_relative_to(
            Path(settings.PRIVATE_MEDIA_ROOT).resolve()
        )


@pytest.mark.django_db
@pytest.mark.parametrize("image_format", ["PNG", "WEBP"])
def test_gps_exif_is_dropped_from_png_and_webp_too(client, form_data, image_format):
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buffer, image_format, exif=files.gps_exif())
    assert Image.open(io.BytesIO(buffer.getvalue())).getexif().get_ifd(0x8825)
    response = post(
        client, form_data, [files.upload(f"x.{image_format.lower()}", buffer.getvalue())]
    )
    assert response.status_code == 302
    with Attachment.objects.get().file.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
    assert image.format == image_format
    assert not image.getexif().get_ifd(0x8825)


# --- the work of decoding is bounded (issue 10) --------------------------------------------
# Small files of huge dimensions: under the old header bound of 40 MP, each decoded to
# ~40 MP (120 MB and seconds of work); four clients sending three of them held every worker.
HUGE_DIMENSIONS = [
    ("wide.webp", ("WEBP", (16383, 2435)), "10,000 pixels a side"),  # ~71 KB, 39.9 MP
    ("plan.png", ("PNG", (7800, 5100)), "24 megapixels"),  # ~125 KB, 39.8 MP
    ("strip.png", ("PNG", (10_001, 100)), "10,000 pixels a side"),  # 1 MP, one side too long
    # A progressive JPEG cannot be decoded reduced at a fraction of the memory: not reduced.
    ("scan.jpg", ("JPEG", (6000, 4100), {"progressive": True}), "24 megapixels"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "spec", "bound"), HUGE_DIMENSIONS, ids=[case[0] for case in HUGE_DIMENSIONS]
)
def test_huge_dimensions_are_refused_before_decoding(client, form_data, name, spec, bound):
    fmt, size, *options = spec
    content = files.flat_image(fmt, size, **(options[0] if options else {}))
    assert len(content) < 200_000  # small on the wire: only the dimensions are hostile

    response = post(client, form_data, [files.upload(name, content)])

    assert response.status_code == 200
    page = response.content.decode()
    assert f"“{name}” is too large an image." in page
    assert bound in page
    assert Submission.objects.count() == 0
    assert stored_files() == []


@pytest.mark.django_db
def test_image_bound_errors_are_translated(client, form_data):
    content = files.flat_image("WEBP", (16383, 2435))
    response = post(client, form_data, [files.upload("wide.webp", content)], lang="ar")
    assert "أبعاد الصورة «wide.webp» كبيرة جدًا" in response.content.decode()


@pytest.mark.django_db
def test_a_large_jpeg_is_accepted_reduced_while_decoding(client, form_data):
    # 72 MP and 12,000 px wide: over both bounds, but decoded at half size it is 18 MP.
    content = files.flat_image("JPEG", (12_000, 6_000))

    response = post(client, form_data, [files.upload("camera.jpg", content)])

    assert response.status_code == 302
    with Attachment.objects.get().file.open("rb") as stored:
        assert Image.open(stored).size == (6_000, 3_000)


@pytest.mark.django_db
def test_images_of_one_request_share_a_pixel_budget(client, form_data):
    # Each 20 MP photo is within the bound of an image; three are over 50 MP together.
    photo = files.flat_image("JPEG", (5_000, 4_000))
    uploads = [files.upload(name, photo) for name in ("a.jpg", "b.jpg", "c.jpg")]

    response = post(client, form_data, uploads)

    assert response.status_code == 200
    page = response.content.decode()
    assert "“c.jpg” takes the photos of this message over 50 megapixels together." in page
    # The two others are not refused: kept for the next try, no attachment stored yet.
    assert "“a.jpg” is kept: you do not need to choose it again." in page
    assert "“b.jpg” is kept: you do not need to choose it again." in page
    assert Submission.objects.count() == 0
    assert [path.parent.name for path in stored_files()] == ["kept", "kept"]


@pytest.mark.django_db
def test_the_request_budget_is_a_setting(client, form_data, settings):
    settings.FEEDBACK_MAX_REQUEST_PIXELS = 2_000_000
    photo = files.flat_image("PNG", (1_000, 1_000))
    uploads = [files.upload("a.png", photo), files.upload("b.png", photo)]
    assert post(client, form_data, uploads).status_code == 302
    Submission.objects.all().delete()

    uploads = [files.upload(name, photo) for name in ("a.png", "b.png", "c.png")]
    response = post(client, form_data, uploads, lang="ar")
    assert "بإضافة «c.png» تتجاوز صور هذه الرسالة مجتمعةً 2 ميغابكسل" in response.content.decode()


@pytest.mark.django_db
def test_a_webp_pixel_counts_twice(client, form_data):
    # Pillow's WebP decoder holds two RGBA canvases besides the image: half the bound.
    size = (5_000, 2_500)  # 12.5 MP
    png = files.upload("plan.png", files.flat_image("PNG", size))
    assert post(client, form_data, [png]).status_code == 302

    webp = files.upload("plan.webp", files.flat_image("WEBP", size))
    response = post(client, form_data, [webp])
    page = response.content.decode()
    assert "“plan.webp” is too large an image. Photos up to 12 megapixels" in page


@pytest.mark.django_db
def test_a_multi_picture_jpeg_is_refused_clearly(client, form_data):
    # The JPEG decoder answers "MPO" for a phone's multi-picture file: not one we store.
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (40, 30)), Image.new("RGB", (40, 30), (9, 9, 9))
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    response = post(client, form_data, [files.upload("3d.jpg", buffer.getvalue())])
    assert response.status_code == 200
    assert "“3d.jpg” is not a JPEG, PNG or WebP photo or a PDF" in response.content.decode()
