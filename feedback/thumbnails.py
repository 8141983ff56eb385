"""Small previews of a citizen's own image attachments, for their tracking page.

Made once, when the attachment is stored (``workflow.store_attachment``), from the cleaned
bytes still in memory, and stored beside the file: the tracking page then serves a small
stored JPEG and decodes nothing (docs/decisions.md, "Tracking page"). The cleaned image
is already within the upload bounds; it is opened within the same bounds again, and a
JPEG is decoded at 1/2 to 1/8 of its size (``Image.draft``).
"""

import io
import logging

from django.conf import settings
from PIL import Image, UnidentifiedImageError

from feedback.uploads import IMAGE_FORMATS, CleanFile
from portal.images import ImageBounds, ImageTooLarge, open_bounded

logger = logging.getLogger(__name__)

# Pixels on the longest side: twice the 160 CSS pixels the page shows, for dense screens.
THUMBNAIL_SIDE = 320
THUMBNAIL_CONTENT_TYPE = "image/jpeg"


def preview_of(clean: CleanFile) -> bytes | None:
    """A JPEG at most ``THUMBNAIL_SIDE`` a side of a cleaned image; None for a PDF, or
    for an image that cannot be previewed (logged: the citizen's request matters more
    than its preview, and the page then shows the file's tile)."""
    if not clean.content_type.startswith("image/"):
        return None
    bounds = ImageBounds(
        max_side=settings.FEEDBACK_MAX_IMAGE_SIDE, max_pixels=settings.FEEDBACK_MAX_IMAGE_PIXELS
    )
    try:
        with open_bounded(io.BytesIO(clean.content), bounds, IMAGE_FORMATS) as image:
            if image.format == "JPEG":
                image.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            preview = _on_white(image)
            output = io.BytesIO()
            preview.save(output, format="JPEG", quality=80)
    except (OSError, ValueError, SyntaxError, EOFError, ImageTooLarge, UnidentifiedImageError):
        logger.warning("no preview for a cleaned %s", clean.content_type, exc_info=True)
        return None
    return output.getvalue()


def _on_white(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: a transparent PNG or WebP is shown on white, as on the page."""
    if image.mode in ("RGB", "L"):
        return image
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
