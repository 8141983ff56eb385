"""Checking and cleaning attachments before anything is stored.

The type is decided from the content, never from the name or the browser's content type:
images are decoded with Pillow under a pixel bound and re-encoded (which drops EXIF, GPS
included); PDFs must look like PDFs from their first to their last bytes and carry no
active content. Everything else gets a translated ``ValidationError``.
"""

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Decoded format -> (extension, content type, save options)
IMAGE_FORMATS = {
    "JPEG": ("jpg", "image/jpeg", {"quality": 85, "optimize": True}),
    "PNG": ("png", "image/png", {"optimize": True}),
    "WEBP": ("webp", "image/webp", {"quality": 85}),
}
# PDF names that run code or carry other files: a citizen's scan has no need of them.
PDF_ACTIVE_CONTENT = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|OpenAction|AA|RichMedia)\b")


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    name: str  # cleaned original name, with the extension of the real type
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def clean_upload(upload: UploadedFile) -> CleanFile:
    """The stored form of an upload, or a ValidationError that names the file."""
    original = upload.name or ""
    limit = settings.FEEDBACK_MAX_ATTACHMENT_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s. Choose a smaller file."),
            code="too_large",
            params={"name": _display_name(original), "limit": filesizeformat(limit)},
        )
    if upload.size == 0:
        raise ValidationError(
            _("“%(name)s” is empty."), code="empty", params={"name": _display_name(original)}
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if data.startswith(b"%PDF-"):
        content, extension, content_type = _clean_pdf(data, original)
    else:
        content, extension, content_type = _clean_image(data, original)
    return CleanFile(
        content=content,
        name=_clean_name(original, extension),
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _clean_pdf(data: bytes, original: str) -> tuple[bytes, str, str]:
    # A real PDF starts with a version header and ends with an end-of-file marker.
    if not re.match(rb"%PDF-\d\.\d", data) or b"%%EOF" not in data[-1024:]:
        raise _not_supported(original)
    if PDF_ACTIVE_CONTENT.search(data):
        raise ValidationError(
            _(
                "“%(name)s” contains scripts or embedded files. Print it to a new PDF and try again."
            ),
            code="pdf_active",
            params={"name": _display_name(original)},
        )
    return data, "pdf", "application/pdf"


def _clean_image(data: bytes, original: str) -> tuple[bytes, str, str]:
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own bound; here any bomb is an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in IMAGE_FORMATS:
                    raise _not_supported(original)
                width, height = image.size
                # Checked before decoding: the header is all a bomb needs to be caught.
                if width * height > settings.FEEDBACK_MAX_IMAGE_PIXELS:
                    raise _too_many_pixels(original)
                image.load()  # verify() accepts truncated files; a full decode does not
                extension, content_type, options = IMAGE_FORMATS[image.format]
                cleaned = ImageOps.exif_transpose(image)
                # Pillow carries info (JPEG comments, PNG text, ICC, XMP) into the saved
                # file unless told otherwise: keep only what drawing the pixels needs.
                cleaned.info = {
                    key: value for key, value in cleaned.info.items() if key == "transparency"
                }
                if image.format == "JPEG" and cleaned.mode not in ("RGB", "L"):
                    cleaned = cleaned.convert("RGB")
                output = io.BytesIO()
                # No exif=, no pnginfo, no comment: metadata (GPS, camera, text) is dropped.
                cleaned.save(output, format=image.format, **options)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own bound, reached while reading the header: the same answer as ours.
        raise _too_many_pixels(original) from None
    except UnidentifiedImageError:
        raise _not_supported(original) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            _("“%(name)s” is damaged or incomplete. Choose the file again or take a new photo."),
            code="damaged",
            params={"name": _display_name(original)},
        ) from None
    return output.getvalue(), extension, content_type


def _too_many_pixels(original: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is too large an image. Photos up to %(megapixels)s megapixels are accepted."),
        code="too_many_pixels",
        params={
            "name": _display_name(original),
            "megapixels": settings.FEEDBACK_MAX_IMAGE_PIXELS // 1_000_000,
        },
    )


def _not_supported(original: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is not a JPEG, PNG or WebP photo or a PDF document."),
        code="unsupported",
        params={"name": _display_name(original)},
    )


def _display_name(original: str) -> str:
    name = Path(original).name
    return name if len(name) <= 60 else name[:57] + "…"


def _clean_name(original: str, extension: str) -> str:
    """A safe file name for staff to download: the citizen's stem, the real extension."""
    try:
        stem = get_valid_filename(Path(original).stem)[:80]
    except SuspiciousFileOperation:
        stem = "file"
    return f"{stem or 'file'}.{extension}"
