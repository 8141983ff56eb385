"""Small previews of a citizen's own image attachments, for their tracking page.

Made on each request from the stored file, never stored: a stored preview would be one more
copy of personal data for the erasure to find (docs/decisions.md, "Tracking page"). The
stored file is already the cleaned re-encoding (``feedback.uploads``), within the upload
bounds; it is opened within the same bounds again, and a JPEG is decoded at 1/2 to 1/8 of
its size (``Image.draft``), so a preview costs a fraction of the upload's own decoding.
"""

import io

from django.conf import settings
from PIL import Image

from feedback.models import Attachment
from feedback.uploads import IMAGE_FORMATS
from portal.images import ImageBounds, open_bounded

# Pixels on the longest side: twice the 160 CSS pixels the page shows, for dense screens.
THUMBNAIL_SIDE = 320
THUMBNAIL_CONTENT_TYPE = "image/jpeg"


def thumbnail(attachment: Attachment) -> bytes:
    """A JPEG at most ``THUMBNAIL_SIDE`` a side. Raises Pillow's errors (``OSError``...)
    for a file that is not an image any more."""
    bounds = ImageBounds(
        max_side=settings.FEEDBACK_MAX_IMAGE_SIDE, max_pixels=settings.FEEDBACK_MAX_IMAGE_PIXELS
    )
    with attachment.file.open("rb") as handle, open_bounded(handle, bounds, IMAGE_FORMATS) as image:
        if image.format == "JPEG":
            image.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        preview = _on_white(image)
        output = io.BytesIO()
        preview.save(output, format="JPEG", quality=80)
    return output.getvalue()


def _on_white(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: a transparent PNG or WebP is shown on white, as on the page."""
    if image.mode in ("RGB", "L"):
        return image
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
