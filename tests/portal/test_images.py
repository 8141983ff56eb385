"""The shared bound on the work of decoding an image (portal/images.py)."""

import io

import pytest
from PIL import Image

from portal.images import ImageBounds, ImageTooLarge, PixelBudget, open_bounded

BOUNDS = ImageBounds(max_side=10_000, max_pixels=24_000_000)
FORMATS = ("JPEG", "PNG", "WEBP")


def jpeg(size: tuple[int, int], **options) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (90, 90, 90)).save(buffer, "JPEG", **options)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize(
    ("size", "decoded"),
    [
        ((6_000, 4_000), (6_000, 4_000)),  # within the bounds: decoded as it is
        ((12_001, 6_001), (6_001, 3_001)),  # 72 MP: at 1/2, libjpeg rounding up
        ((30_000, 2_900), (7_500, 725)),  # 30,000 px wide: 1/2 is still too wide, 1/4 fits
    ],
)
def test_a_baseline_jpeg_is_decoded_at_the_largest_scale_that_fits(size, decoded):
    with open_bounded(jpeg(size), BOUNDS, FORMATS) as image:
        assert image.size == decoded  # known before decoding, so a budget can count it
        image.load()
        assert image.size == decoded


def test_a_progressive_jpeg_is_not_reduced_but_refused():
    with (
        pytest.raises(ImageTooLarge),
        open_bounded(jpeg((6_000, 4_100), progressive=True), BOUNDS, FORMATS),
    ):
        pass


def test_a_budget_takes_until_it_is_spent():
    budget = PixelBudget(50)
    assert budget.take(30)
    assert not budget.take(30)
    assert budget.take(20)
    assert budget.remaining == 0
