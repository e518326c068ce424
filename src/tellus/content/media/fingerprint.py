"""A perceptual hash for near-duplicates, and oddity flags for moderators.

The hash is the classic DCT hash (pHash): greyscale 32 x 32, a 2-D DCT, the
8 x 8 lowest frequencies compared with their median: 64 bits that survive
re-encoding, resizing and mild edits. Written here on SciPy's DCT rather
than adding the imagehash package: it is a dozen lines, and imagehash would
bring PyWavelets and its own image loading for one function we need.

The flags are HEURISTICS, meant to put an item in front of a moderator with a
reason, never to reject anything on their own: a photo of a white-washed
wall may look "flat", a contributor's own camera may write their name as
Artist. Flag codes:

``not_photo``:
  ``few_colours`` (a drawing, logo or chart), ``flat_areas`` (large areas of
  one colour, as in screenshots and graphics), ``extreme_aspect`` (a banner or
  a long screenshot), ``tiny`` (too small to be a camera's photo),
  ``screenshot_like`` (a PNG with no camera metadata and flat areas).
``watermark`` (may carry someone else's rights):
  ``names_rights_holder`` (EXIF/XMP artist, copyright or credit is set: compare
  with the contributor), ``corner_overlay`` (text-like, high-contrast detail in
  a corner that the rest of the picture lacks), ``alpha_photo`` (a photo with
  transparency: usually cut out of someone else's picture).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image
from scipy.fft import dctn

#: Hashes within this Hamming distance are treated as the same picture.
NEAR_DUPLICATE_DISTANCE = 10

NOT_PHOTO_FLAGS = frozenset(
    {"few_colours", "flat_areas", "extreme_aspect", "tiny", "screenshot_like"}
)
WATERMARK_FLAGS = frozenset({"names_rights_holder", "corner_overlay", "alpha_photo"})

_HASH_SIZE = 8
#: Width of the picture the flags are computed on (pass one at most this wide).
_SAMPLE_WIDTH = 640
_HASH_INPUT = 32


def perceptual_hash(img: Image.Image) -> int:
    """A 64-bit DCT hash of the picture, as an unsigned integer."""
    grey = img.convert("L").resize((_HASH_INPUT, _HASH_INPUT), Image.Resampling.LANCZOS)
    pixels = np.asarray(grey, dtype=np.float64)
    low = dctn(pixels, type=2, norm="ortho")[:_HASH_SIZE, :_HASH_SIZE].ravel()
    # Leave out the DC term from the median: it is the average brightness.
    bits = low > np.median(low[1:])
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return value


def hamming_distance(a: int, b: int) -> int:
    """How many of the 64 bits differ between two hashes (0 = same picture)."""
    for value in (a, b):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"a perceptual hash is an int, not {type(value).__name__}")
    return ((a ^ b) & 0xFFFF_FFFF_FFFF_FFFF).bit_count()


def to_signed64(value: int) -> int:
    """The hash as a signed 64-bit integer (for a database BIGINT column)."""
    if not 0 <= value < 1 << 64:
        raise ValueError("a perceptual hash is a 64-bit unsigned integer")
    return value - (1 << 64) if value >= 1 << 63 else value


def from_signed64(value: int) -> int:
    """Inverse of :func:`to_signed64`."""
    if not -(1 << 63) <= value < 1 << 63:
        raise ValueError("not a signed 64-bit integer")
    return value + (1 << 64) if value < 0 else value


def oddity_flags(
    img: Image.Image,
    *,
    original_size: tuple[int, int],
    source_format: str,
    has_camera_metadata: bool,
    names_rights_holder: bool,
) -> frozenset[str]:
    """Heuristic flags for a moderator (see the module docstring for the codes).

    ``img`` is the decoded, oriented picture, ideally resized to 640 pixels
    wide (the thresholds are set for that scale); ``original_size`` is the
    upload's size.
    """
    flags: set[str] = set()
    width, height = original_size
    if min(width, height) < 200:
        flags.add("tiny")
    if max(width, height) > 4 * min(width, height):
        flags.add("extreme_aspect")

    sample = img
    if img.width > _SAMPLE_WIDTH:
        height = max(1, round(img.height * _SAMPLE_WIDTH / img.width))
        sample = img.resize((_SAMPLE_WIDTH, height), Image.Resampling.LANCZOS)
    rgb = np.asarray(sample.convert("RGB"), dtype=np.uint8)
    # Colours at 16 levels a channel that cover at least 1/5000 of the
    # picture (so that JPEG's fringes do not count): a photo has hundreds.
    levels = (rgb >> 4).astype(np.int32)
    packed = (levels[..., 0] << 8) | (levels[..., 1] << 4) | levels[..., 2]
    counts = np.bincount(packed.ravel(), minlength=4096)
    colours = int((counts * 5000 >= packed.size).sum())
    if colours < 32:
        flags.add("few_colours")
    flat = _flat_fraction(rgb)
    if flat > 0.4:
        flags.add("flat_areas")
    if source_format == "PNG" and not has_camera_metadata and flat > 0.25:
        flags.add("screenshot_like")

    if names_rights_holder:
        flags.add("names_rights_holder")
    if _corner_overlay(np.asarray(sample.convert("L"), dtype=np.float32)):
        flags.add("corner_overlay")
    if "A" in img.mode and colours >= 32:
        alpha = np.asarray(img.getchannel("A"))
        if alpha.min() < 250:
            flags.add("alpha_photo")
    return frozenset(flags)


def _flat_fraction(rgb: NDArray[np.uint8]) -> float:
    """Share of 4 x 4 blocks whose pixels are all one colour (to within 2 levels).

    Graphics keep exact flat areas after downscaling; a photo's noise and
    gradients, even a clear sky's, do not.
    """
    h, w = (rgb.shape[0] // 4) * 4, (rgb.shape[1] // 4) * 4
    if h == 0 or w == 0:
        return 1.0
    blocks = rgb[:h, :w].astype(np.int16).reshape(h // 4, 4, w // 4, 4, 3)
    spread = blocks.max(axis=(1, 3)) - blocks.min(axis=(1, 3))
    return float((spread.max(axis=-1) <= 2).mean())


def _corner_overlay(grey: NDArray[np.float32]) -> bool:
    """A corner much busier in sharp, high-contrast edges than the picture as a whole.

    Text laid over a photo makes many strong, short edges in a small area;
    natural detail spreads its edges more evenly.
    """
    h, w = grey.shape
    if h < 32 or w < 32:
        return False
    gx = np.abs(np.diff(grey, axis=1))[:-1, :]
    gy = np.abs(np.diff(grey, axis=0))[:, :-1]
    strong = np.maximum(gx, gy) > 40
    overall = float(strong.mean())
    ch, cw = max(8, h // 6), max(8, w // 4)
    corners = (
        strong[:ch, :cw],
        strong[:ch, -cw:],
        strong[-ch:, :cw],
        strong[-ch:, -cw:],
    )
    busiest = max(float(c.mean()) for c in corners)
    return busiest > 0.03 and busiest > 4 * overall
