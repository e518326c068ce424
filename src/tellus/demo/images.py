"""Pictures for the demo, drawn with Pillow: nothing is downloaded.

Avatars are initials on a coloured disc; the logo is an island on the sea.
The same name always gives the same picture.
"""

from __future__ import annotations

import functools
import io
import unicodedata
import zlib

from PIL import Image, ImageDraw, ImageFont

AVATAR_COLOURS = (
    "#0b5e6b", "#e0692e", "#6b4c9a", "#2e7d32", "#b23a48", "#1f5fa8", "#8d6e2f", "#00796b",
    "#c2185b", "#455a64",
)  # fmt: skip
AVATAR_SIZE = 128


def initials(name: str) -> str:
    """Up to two capital letters, unaccented: the first of the first and of the last word."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = [w for w in plain.replace(".", " ").split() if w[:1].isalpha()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def avatar_colour(name: str) -> str:
    return AVATAR_COLOURS[zlib.crc32(name.encode()) % len(AVATAR_COLOURS)]


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)  # fast: many are made
    return buffer.getvalue()


def avatar_png(name: str) -> bytes:
    """A square PNG with the name's initials, white on a disc of the name's colour."""
    return _avatar(initials(name), avatar_colour(name))


@functools.lru_cache(maxsize=4096)
def _avatar(letters: str, colour: str) -> bytes:
    size = AVATAR_SIZE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, size - 1, size - 1), fill=colour)
    font = _font(round(size * 0.42))
    draw.text((size / 2, size / 2), letters, fill="white", font=font, anchor="mm")
    return _png(image)


def logo_png() -> bytes:
    """The demo destination's logo: a volcanic island with a sun, on a round sea."""
    size = 256
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 5, size - 5), fill="#0b5e6b")
    draw.ellipse((150, 50, 206, 106), fill="#f2b33d")  # the sun
    draw.polygon([(40, 190), (100, 96), (128, 126), (150, 104), (216, 190)], fill="#3b302a")
    draw.polygon([(92, 110), (100, 96), (110, 110)], fill="#e0692e")  # the crater's glow
    draw.rectangle((30, 188, 226, 200), fill="#f1ead8")  # the beach
    for y in (212, 228):
        draw.arc((48, y - 10, 128, y + 10), 200, 340, fill="#bfe3e6", width=4)
        draw.arc((128, y - 10, 208, y + 10), 200, 340, fill="#bfe3e6", width=4)
    return _png(image)
