"""Checking and cleaning attachments before anything is stored.

The type is decided from the content, never from the name or the browser's content type:
images are decoded with Pillow within bounds on the work (pixels a side, an image and a
request, see ``portal.images``) and re-encoded (which drops EXIF, GPS included); PDFs are parsed by qpdf in a bounded child process (``feedback.pdfcheck``) and must
carry no active content. Everything else gets a translated ``ValidationError``.
"""

import hashlib
import io
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import ImageOps, UnidentifiedImageError

from feedback import pdfcheck
from portal.formatting import local_number
from portal.images import ImageBounds, ImageTooLarge, PixelBudget, cost, open_bounded

# Decoded format -> (extension, content type, save options)
IMAGE_FORMATS = {
    "JPEG": ("jpg", "image/jpeg", {"quality": 85, "optimize": True}),
    "PNG": ("png", "image/png", {"optimize": True}),
    "WEBP": ("webp", "image/webp", {"quality": 85}),
}


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    name: str  # cleaned original name, with the extension of the real type
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def clean_uploads(uploads: Sequence[UploadedFile]) -> list[CleanFile]:
    """The stored form of the files of one request, or a ValidationError naming each refused
    file. The request's work is bounded, not only each file's: its images share one budget of
    decoded pixels (FEEDBACK_MAX_REQUEST_PIXELS), its PDFs one parsing time
    (FEEDBACK_PDF_CHECK_SECONDS)."""
    cleaned, refusals = judge_uploads(uploads)
    if refusals:
        raise ValidationError(refusals)
    return cleaned


def judge_uploads(
    uploads: Sequence[UploadedFile], *, pixels_taken: int = 0
) -> tuple[list[CleanFile], list[ValidationError]]:
    """Like ``clean_uploads``, but the files that pass are returned beside the refusals, so
    a form can keep them for the next try (``feedback.kept_uploads``). ``pixels_taken``:
    pixels of the message's kept images, which count against the same budget."""
    budget = RequestBudget(
        pixels=PixelBudget(max(0, settings.FEEDBACK_MAX_REQUEST_PIXELS - pixels_taken)),
        pdf_deadline=time.monotonic() + settings.FEEDBACK_PDF_CHECK_SECONDS,
    )
    cleaned, refusals = [], []
    for upload in uploads:
        try:
            cleaned.append(clean_upload(upload, budget))
        except ValidationError as error:
            refusals.extend(error.error_list)
    return cleaned, refusals


@dataclass
class RequestBudget:
    pixels: PixelBudget
    pdf_deadline: float  # time.monotonic() by which every PDF of the request is judged


def clean_upload(upload: UploadedFile, budget: RequestBudget | None = None) -> CleanFile:
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
    if budget is None:
        budget = RequestBudget(
            pixels=PixelBudget(settings.FEEDBACK_MAX_REQUEST_PIXELS),
            pdf_deadline=time.monotonic() + settings.FEEDBACK_PDF_CHECK_SECONDS,
        )
    if data.startswith(b"%PDF-"):
        content, extension, content_type = _clean_pdf(data, original, budget.pdf_deadline)
    else:
        content, extension, content_type = _clean_image(data, original, budget.pixels)
    return CleanFile(
        content=content,
        name=_clean_name(original, extension),
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _clean_pdf(data: bytes, original: str, deadline: float) -> tuple[bytes, str, str]:
    # A PDF starts with a version header; the rest is for the parser to judge.
    if not re.match(rb"%PDF-\d\.\d", data):
        raise _not_supported(original)
    remaining = deadline - time.monotonic()
    verdict = (
        pdfcheck.check(data, seconds=remaining, memory_mb=settings.FEEDBACK_PDF_CHECK_MEMORY_MB)
        if remaining > 0
        else pdfcheck.DAMAGED  # the PDFs before it used up the request's time
    )
    if verdict == pdfcheck.ACTIVE:
        raise ValidationError(
            _(
                "“%(name)s” contains scripts or embedded files. Print it to a new PDF and try again."
            ),
            code="pdf_active",
            params={"name": _display_name(original)},
        )
    if verdict != pdfcheck.CLEAN:
        raise ValidationError(
            _(
                "“%(name)s” is a damaged, incomplete or password-protected PDF. Save or print "
                "it to a new PDF and try again."
            ),
            code="pdf_damaged",
            params={"name": _display_name(original)},
        )
    return data, "pdf", "application/pdf"


def _clean_image(data: bytes, original: str, budget: PixelBudget) -> tuple[bytes, str, str]:
    try:
        with open_bounded(io.BytesIO(data), _image_bounds(), IMAGE_FORMATS) as image:
            # image.size is what decoding will produce (a large JPEG already reduced):
            # counted against the request's budget before any pixel is decoded.
            if not budget.take(cost(image.size, image.format)):
                raise _over_request_budget(original)
            image.load()  # verify() accepts truncated files; a full decode does not
            extension, content_type, options = IMAGE_FORMATS[image.format]
            # In place: a copy would hold a second full-size image for the re-encoding.
            ImageOps.exif_transpose(image, in_place=True)
            cleaned = image
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
    except ImageTooLarge as error:
        raise _too_many_pixels(original, error.max_pixels) from None
    except UnidentifiedImageError:
        raise _not_supported(original) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            _("“%(name)s” is damaged or incomplete. Choose the file again or take a new photo."),
            code="damaged",
            params={"name": _display_name(original)},
        ) from None
    return output.getvalue(), extension, content_type


def _image_bounds() -> ImageBounds:
    return ImageBounds(
        max_side=settings.FEEDBACK_MAX_IMAGE_SIDE, max_pixels=settings.FEEDBACK_MAX_IMAGE_PIXELS
    )


def _too_many_pixels(original: str, max_pixels: int | None) -> ValidationError:
    return ValidationError(
        _(
            "“%(name)s” is too large an image. Photos up to %(megapixels)s megapixels and "
            "%(side)s pixels a side are accepted."
        ),
        code="too_many_pixels",
        params={
            "name": _display_name(original),
            "megapixels": _megapixels(max_pixels or settings.FEEDBACK_MAX_IMAGE_PIXELS),
            "side": local_number(settings.FEEDBACK_MAX_IMAGE_SIDE),
        },
    )


def _over_request_budget(original: str) -> ValidationError:
    return ValidationError(
        _(
            "“%(name)s” takes the photos of this message over %(megapixels)s megapixels "
            "together. Send it with a second message, or choose a smaller photo."
        ),
        code="too_many_pixels_together",
        params={
            "name": _display_name(original),
            "megapixels": _megapixels(settings.FEEDBACK_MAX_REQUEST_PIXELS),
        },
    )


def _megapixels(pixels: int) -> str:
    megapixels = pixels / 1_000_000
    return local_number(int(megapixels) if megapixels.is_integer() else round(megapixels, 1))


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
