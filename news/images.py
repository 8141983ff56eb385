"""News photos: validation of uploads and the renditions the public pages use.

Uploads are decoded fully (not only "verified") within bounds on the work (pixels a side
and an image, large JPEGs reduced while decoding: ``portal.images``), so broken files and
decompression bombs get a clear form error. Each photo gets WebP renditions at a few widths,
JPEG fallbacks at the same widths and a 1200x630 share image; their storage names are kept
in ``Article.renditions`` (no extra query per photo on list pages) and under a folder named
after the source file, so a new photo gets new URLs and old renditions are deleted.
"""

import hashlib
import io
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from portal.images import ImageBounds, ImageTooLarge, open_bounded

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_BYTES = 10 * 1024 * 1024
# The work of decoding is bounded as for citizens' photos (portal/images.py): an editor's
# account is not a reason to let one upload hold a worker and hundreds of MB.
BOUNDS = ImageBounds(max_side=10_000, max_pixels=24_000_000)
WIDTHS = (480, 800, 1200)
SHARE_SIZE = (1200, 630)
RENDITIONS_ROOT = "news/renditions"


def validate_photo(value) -> None:
    """Reject anything that is not a whole JPEG, PNG or WebP of reasonable size."""
    if getattr(value, "_committed", False):
        return  # already stored (validated when it was uploaded)
    if value.size > MAX_BYTES:
        raise ValidationError(_("The photo is larger than 10 MB."), code="too_big")
    value.seek(0)
    try:
        with open_bounded(value, BOUNDS, ALLOWED_FORMATS) as image:
            image.load()  # decodes every byte (reduced when a JPEG is large): truncated files fail here
    except ImageTooLarge:
        raise ValidationError(
            _(
                "The photo is too large an image: at most 24 megapixels (12 for WebP) and "
                "10,000 pixels a side (a larger JPEG is reduced)."
            ),
            code="too_many_pixels",
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(_("Upload a JPEG, PNG or WebP photo."), code="bad_format") from None
    except Exception:  # Pillow raises many types for broken files
        raise ValidationError(
            _("The photo could not be read; it may be damaged. Try another file."),
            code="broken",
        ) from None
    finally:
        value.seek(0)


def without_metadata(upload) -> ContentFile:
    """The uploaded photo re-encoded without EXIF, XMP or comments.

    The original file stays in public storage under MEDIA_ROOT/news/, so the GPS position
    and camera data an editor's phone wrote into it must not. Orientation is applied first
    so the picture still stands the right way up without its EXIF tag. A JPEG larger than
    the bounds is stored as decoded: reduced.
    """
    upload.seek(0)
    with open_bounded(upload, BOUNDS, ALLOWED_FORMATS) as original:
        fmt = original.format
        transparency = original.info.get("transparency")
        ImageOps.exif_transpose(original, in_place=True)  # a copy would double the memory
        image = original
        image.info = {"transparency": transparency} if transparency is not None else {}
        buffer = io.BytesIO()
        if fmt == "JPEG":
            image.convert("RGB").save(buffer, "JPEG", quality=92)
        elif fmt == "PNG":
            image.save(buffer, "PNG", optimize=True)
        else:
            image.save(buffer, "WEBP", quality=90)
    upload.seek(0)
    return ContentFile(buffer.getvalue())


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "WEBP":
        image.save(buffer, "WEBP", quality=76, method=4)
    else:
        image.save(buffer, "JPEG", quality=80, optimize=True, progressive=True)
    return buffer.getvalue()


def make_renditions(source_name: str, pk: int) -> dict:
    """Create the renditions of a stored photo; returns what ``Article.renditions`` keeps.

    Re-encoding drops EXIF (GPS included) from everything the pages link to.
    """
    token = hashlib.sha256(source_name.encode()).hexdigest()[:10]
    folder = f"{RENDITIONS_ROOT}/{pk}/{token}"
    stem = PurePosixPath(source_name).stem[:40] or "photo"
    with (
        default_storage.open(source_name, "rb") as handle,
        open_bounded(handle, BOUNDS, ALLOWED_FORMATS) as original,
    ):
        ImageOps.exif_transpose(original, in_place=True)
        image = original
        if image.mode != "RGB":
            background = Image.new("RGB", image.size, "white")
            rgba = image.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            image = background
        widths = sorted({min(width, image.width) for width in WIDTHS})
        files: dict[str, list] = {"webp": [], "jpeg": []}
        for width in widths:
            height = round(image.height * width / image.width)
            resized = image.resize((width, height), Image.Resampling.LANCZOS)
            for fmt, ext in (("WEBP", "webp"), ("JPEG", "jpeg")):
                name = default_storage.save(
                    f"{folder}/{stem}-{width}.{ext}", ContentFile(_encode(resized, fmt))
                )
                files[ext].append([width, name])
        share = ImageOps.fit(image, SHARE_SIZE, Image.Resampling.LANCZOS)
        share_bytes = _encode(share, "JPEG")
        share_name = default_storage.save(f"{folder}/{stem}-share.jpeg", ContentFile(share_bytes))
        largest = widths[-1]
    return {
        "source": source_name,
        "width": largest,
        "height": round(image.height * largest / image.width),
        "webp": files["webp"],
        "jpeg": files["jpeg"],
        "share": share_name,
        "share_bytes": len(share_bytes),
    }


def rendition_names(renditions: dict) -> list[str]:
    names = [name for key in ("webp", "jpeg") for _width, name in renditions.get(key, [])]
    if renditions.get("share"):
        names.append(renditions["share"])
    return names


def delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


@dataclass(frozen=True)
class Photo:
    """Template-facing view of an article's renditions."""

    width: int
    height: int
    src: str
    webp_srcset: str
    jpeg_srcset: str
    share_url: str
    share_bytes: int

    @classmethod
    def from_renditions(cls, renditions: dict) -> "Photo | None":
        if not renditions or not renditions.get("jpeg"):
            return None
        url = default_storage.url
        jpeg = renditions["jpeg"]
        # The middle width is a good default for browsers that ignore srcset.
        fallback = jpeg[min(1, len(jpeg) - 1)][1]
        return cls(
            width=renditions["width"],
            height=renditions["height"],
            src=url(fallback),
            webp_srcset=", ".join(f"{url(name)} {w}w" for w, name in renditions["webp"]),
            jpeg_srcset=", ".join(f"{url(name)} {w}w" for w, name in jpeg),
            share_url=url(renditions["share"]),
            share_bytes=renditions.get("share_bytes", 0),
        )
