import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from news.images import validate_photo
from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages below are matched in English, whatever language an earlier test left."""
    with translation.override("en"):
        yield


def _bomb_png(width: int = 10_000, height: int = 10_000) -> SimpleUploadedFile:
    """A tiny PNG whose header declares 100 megapixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = zlib.compress(b"\x00" * 1000)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    return SimpleUploadedFile("bomb.png", png, content_type="image/png")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_accepted(fmt):
    validate_photo(make_photo(size=(800, 600), fmt=fmt, name=f"p.{fmt.lower()}"))


def test_gif_is_refused_whatever_its_name():
    buffer = io.BytesIO()
    Image.new("RGB", (50, 50)).save(buffer, "GIF")
    upload = SimpleUploadedFile("looks.jpg", buffer.getvalue(), content_type="image/jpeg")
    with pytest.raises(ValidationError, match="JPEG, PNG or WebP"):
        validate_photo(upload)


def test_truncated_jpeg_is_refused():
    whole = make_photo(size=(1200, 900)).read()
    upload = SimpleUploadedFile("half.jpg", whole[: len(whole) // 2], content_type="image/jpeg")
    with pytest.raises(ValidationError, match="damaged"):
        validate_photo(upload)


def test_decompression_bomb_is_refused():
    with pytest.raises(ValidationError, match="too large an image"):
        validate_photo(_bomb_png())


@pytest.mark.parametrize(
    ("fmt", "size"),
    [("WEBP", (16383, 2435)), ("PNG", (7800, 5100)), ("PNG", (10_001, 100))],
    ids=["wide webp", "39.8 MP png", "one side too long"],
)
def test_small_files_of_huge_dimensions_are_refused(fmt, size):
    # Under the old header bound of 40 MP: each decoded to ~40 MP and held a worker.
    photo = make_photo(size=size, fmt=fmt, name=f"p.{fmt.lower()}")
    assert photo.size < 200_000
    with pytest.raises(
        ValidationError, match=r"at most 24 megapixels \(12 for WebP\) and 10,000 pixels a side"
    ):
        validate_photo(photo)


def test_a_large_jpeg_is_stored_reduced():
    photo = make_photo(size=(12_000, 6_000), name="camera.jpg")  # 72 MP
    validate_photo(photo)
    article = make_article(image=photo, image_alt_ar="وصف")
    with article.image.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (6_000, 3_000)
    assert article.renditions["width"] == 1200


def test_file_that_is_not_an_image_is_refused():
    upload = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    # Only the JPEG, PNG and WebP decoders are tried: anything else is "not one of these".
    with pytest.raises(ValidationError, match="Upload a JPEG, PNG or WebP photo"):
        validate_photo(upload)


def test_renditions_are_made_in_webp_and_jpeg_with_a_share_image():
    article = make_article(image=make_photo(size=(1600, 1000)), image_alt_ar="وصف")
    renditions = article.renditions
    assert [width for width, _name in renditions["webp"]] == [480, 800, 1200]
    assert [width for width, _name in renditions["jpeg"]] == [480, 800, 1200]
    with default_storage.open(renditions["webp"][0][1]) as handle, Image.open(handle) as image:
        assert (image.format, image.size) == ("WEBP", (480, 300))
    with default_storage.open(renditions["share"]) as handle, Image.open(handle) as image:
        assert (image.format, image.size) == ("JPEG", (1200, 630))
    assert all(name.startswith("news/") for _w, name in renditions["jpeg"])


def test_small_photo_is_not_enlarged():
    article = make_article(image=make_photo(size=(400, 300)), image_alt_ar="وصف")
    assert [width for width, _name in article.renditions["webp"]] == [400]


def test_renditions_follow_a_new_photo_and_old_files_go(django_capture_on_commit_callbacks):
    article = make_article(image=make_photo(name="first.jpg"), image_alt_ar="وصف")
    old = [name for _w, name in article.renditions["jpeg"]] + [article.image.name]
    article.image = make_photo(name="second.png", fmt="PNG", color=(200, 10, 10))
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert "second" in article.renditions["jpeg"][0][1]
    assert not any(default_storage.exists(name) for name in old)
    assert default_storage.exists(article.renditions["share"])


def test_removing_the_photo_removes_its_renditions(django_capture_on_commit_callbacks):
    article = make_article(image=make_photo(), image_alt_ar="وصف")
    names = [name for _w, name in article.renditions["webp"]]
    article.image = None
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert article.renditions == {}
    assert not any(default_storage.exists(name) for name in names)


def test_deleting_the_article_deletes_its_files():
    article = make_article(image=make_photo(), image_alt_ar="وصف")
    names = [article.image.name, article.renditions["share"]]
    names += [name for _w, name in article.renditions["webp"]]
    article.delete()
    assert not any(default_storage.exists(name) for name in names)


def test_renditions_strip_exif_location():
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {2: (23.0, 35.0, 0.0)}  # GPS latitude
    Image.new("RGB", (900, 600), "green").save(buffer, "JPEG", exif=exif)
    upload = SimpleUploadedFile("gps.jpg", buffer.getvalue(), content_type="image/jpeg")
    article = make_article(image=upload, image_alt_ar="وصف")
    with default_storage.open(article.renditions["jpeg"][0][1]) as handle, Image.open(handle) as im:
        assert not im.getexif()


def test_the_stored_original_keeps_no_location_or_camera_data():
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (23.0, 35.0, 15.0)}  # GPS latitude
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0112] = 6  # rotated: the stored photo must stand upright without the tag
    Image.new("RGB", (90, 60), "green").save(buffer, "JPEG", exif=exif, comment=b"secret note")
    upload = SimpleUploadedFile("gps.jpg", buffer.getvalue(), content_type="image/jpeg")
    article = make_article(image=upload, image_alt_ar="وصف")
    with default_storage.open(article.image.name) as handle:
        stored = handle.read()
    with Image.open(io.BytesIO(stored)) as im:
        assert not im.getexif()
        assert im.size == (60, 90)
        assert "comment" not in im.info
    assert b"PhoneMaker" not in stored and b"secret note" not in stored


def test_page_uses_srcset_sizes_dimensions_and_lazy_loading(client):
    first = make_article(image=make_photo(), image_alt_ar="وصف أول")
    make_article(image=make_photo(), image_alt_ar="وصف ثان")
    content = client.get("/ar/news/").content.decode()
    assert 'type="image/webp"' in content
    assert "480w" in content and "1200w" in content
    assert 'sizes="' in content
    assert 'width="1200" height="750"' in content
    # Card photos sit beside the title's link: decorative (the article page describes them).
    assert 'alt="وصف أول"' not in content and content.count('alt=""') >= 2
    assert content.count('loading="lazy"') == 1  # the first card is above the fold
    assert content.count('fetchpriority="high"') == 1
    detail = client.get(first.get_absolute_url()).content.decode()
    assert 'fetchpriority="high"' in detail
    assert 'alt="وصف أول"' in detail
