"""Opening untrusted images with a bound on the work their decoding costs.

Used by every upload that Pillow decodes (feedback attachments, news photos). A bound on the
pixels a header declares is not a bound on the work: a flat 16383×2435 WebP is 71 KB and
decodes to 40 MP (120 MB, several times that while it is re-encoded). So every image must fit
a bound a side and in pixels *after reduction* (a WebP pixel counts twice, see
``PIXEL_WEIGHT``): a baseline JPEG is reduced while it is
decoded (libjpeg scales by 1/2, 1/4 or 1/8 through ``Image.draft()``, at a fraction of the
memory and time); any other image above the bound, progressive JPEGs included (their decoder
keeps the coefficients of the whole full-size image), is refused from its header, before a
single pixel is decoded. Pillow's own bound (``Image.MAX_IMAGE_PIXELS``, ~89 MP) stays in
force as an error, so JPEGs larger than that are refused too.
"""

import warnings
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from PIL import Image, UnidentifiedImageError

# The scales libjpeg can decode at, smallest reduction first.
JPEG_SCALES = (2, 4, 8)
# Pixels of a format that count more than once against the bounds, for what its decoder
# holds besides the image: Pillow decodes every WebP through libwebp's animation decoder,
# which keeps two RGBA canvases of its own (a 24 MP WebP peaked at 387 MB where a PNG or
# JPEG of the same size took 108 MB).
PIXEL_WEIGHT = {"WEBP": 2}


class ImageTooLarge(Exception):
    """The image cannot be brought within the bounds (or Pillow's own) cheaply."""

    def __init__(self, max_pixels: int | None = None) -> None:
        super().__init__(max_pixels)
        self.max_pixels = max_pixels  # the bound for this image's format, when known


@dataclass(frozen=True)
class ImageBounds:
    max_side: int
    max_pixels: int

    def admit(self, size: tuple[int, int], image_format: str | None) -> bool:
        width, height = size
        return max(width, height) <= self.max_side and cost(size, image_format) <= self.max_pixels

    def max_pixels_of(self, image_format: str | None) -> int:
        return self.max_pixels // PIXEL_WEIGHT.get(image_format or "", 1)


def cost(size: tuple[int, int], image_format: str | None) -> int:
    """The pixels an image counts for against the bounds and a request's budget."""
    return size[0] * size[1] * PIXEL_WEIGHT.get(image_format or "", 1)


@dataclass
class PixelBudget:
    """The pixels the images of one request may decode together."""

    remaining: int

    def take(self, pixels: int) -> bool:
        if pixels > self.remaining:
            return False
        self.remaining -= pixels
        return True


@contextmanager
def open_bounded(
    source: IO[bytes], bounds: ImageBounds, formats: Collection[str]
) -> Iterator[Image.Image]:
    """The image in ``source``, read from its header and set to decode within ``bounds``.

    Nothing is decoded yet: ``image.size`` is what ``load()`` will produce, so the caller can
    count it against a budget first. Only the decoders of ``formats`` are tried. Raises
    ``ImageTooLarge``, or Pillow's own errors (``UnidentifiedImageError``, ``OSError``, ...)
    for what is not a whole image of those formats.
    """
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own bound: here any bomb is an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source, formats=list(formats))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooLarge from None
    if image.format not in formats:  # a plugin may answer with a variant (JPEG -> MPO)
        image.close()
        raise UnidentifiedImageError(f"{image.format} is not one of {sorted(formats)}")
    with image:
        _reduce_to_fit(image, bounds)
        yield image


def _reduce_to_fit(image: Image.Image, bounds: ImageBounds) -> None:
    if bounds.admit(image.size, image.format):
        return
    if image.format == "JPEG" and not image.info.get("progressive"):
        width, height = image.size
        for scale in JPEG_SCALES:
            reduced = (-(-width // scale), -(-height // scale))  # libjpeg rounds up
            if bounds.admit(reduced, image.format):
                # draft() picks the largest scale that still gives at least the size asked
                # for: asking for the rounded-down size gives exactly this scale.
                image.draft(image.mode, (max(1, width // scale), max(1, height // scale)))
                if bounds.admit(image.size, image.format):
                    return
                break
    raise ImageTooLarge(bounds.max_pixels_of(image.format))
