"""Near-duplicates by perceptual hash, and the oddity flags a moderator sees."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from tellus.content.media import (
    NEAR_DUPLICATE_DISTANCE,
    NOT_PHOTO_FLAGS,
    WATERMARK_FLAGS,
    from_signed64,
    hamming_distance,
    is_near_duplicate,
    process_media,
    to_signed64,
)
from tests.content.media_samples import ASCII, encode, exif_bytes, photo


def _hash(data: bytes) -> int:
    value = process_media(data).perceptual_hash
    assert value is not None
    return value


CAMERA = exif_bytes([(0x010F, ASCII, "Apple"), (0x0110, ASCII, "iPhone 15")])


@pytest.fixture(scope="module")
def original():
    return photo(800, 600, seed=7)


@pytest.fixture(scope="module")
def original_hash(original):
    return _hash(encode(original, quality=92))


def test_the_same_photo_uploaded_twice_has_the_same_hash(original, original_hash):
    again = _hash(encode(original, quality=92))
    assert again == original_hash


@pytest.mark.parametrize(
    "variant",
    [
        lambda img: encode(img, quality=45),
        lambda img: encode(img.resize((400, 300)), quality=80),
        lambda img: encode(img.resize((267, 200)), "PNG"),
        lambda img: encode(img, "WEBP", quality=60),
        lambda img: encode(img.crop((8, 6, 792, 594)), quality=85),
        lambda img: encode(Image.eval(img, lambda v: min(255, int(v * 1.08))), quality=85),
    ],
    ids=["low-quality", "half-size", "png-third", "webp", "slight-crop", "brighter"],
)
def test_re_encoded_or_resized_copies_are_near_duplicates(original, original_hash, variant):
    copy_hash = _hash(variant(original))
    assert hamming_distance(original_hash, copy_hash) <= NEAR_DUPLICATE_DISTANCE
    assert is_near_duplicate(original_hash, copy_hash)


def test_different_photos_are_far_apart(original_hash):
    distances = [
        hamming_distance(original_hash, _hash(encode(photo(480, 360, seed=s))))
        for s in range(20, 28)
    ]
    assert min(distances) > NEAR_DUPLICATE_DISTANCE + 6
    assert 20 < float(np.mean(distances)) < 44


def test_a_mirrored_photo_is_not_a_duplicate(original, original_hash):
    mirrored = _hash(encode(original.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    assert hamming_distance(original_hash, mirrored) > NEAR_DUPLICATE_DISTANCE


def test_hash_helpers():
    assert hamming_distance(0, 0xFFFF_FFFF_FFFF_FFFF) == 64
    assert hamming_distance(0b1011, 0b0001) == 2
    for value in (0, 1, (1 << 63) - 1, 1 << 63, (1 << 64) - 1):
        signed = to_signed64(value)
        assert -(1 << 63) <= signed < 1 << 63
        assert from_signed64(signed) == value
    with pytest.raises(ValueError):
        to_signed64(1 << 64)
    with pytest.raises(TypeError):
        hamming_distance("ff", 0)  # type: ignore[arg-type]


def test_an_ordinary_photo_raises_no_flags():
    result = process_media(encode(photo(800, 600, seed=3), quality=90, exif=CAMERA))
    assert result.flags == frozenset()


def _screenshot() -> Image.Image:
    img = Image.new("RGB", (585, 1266), (246, 246, 248))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, 585, 70), fill=(30, 30, 34))
    for row in range(12):
        top = 100 + row * 90
        draw.rounded_rectangle((20, top, 565, top + 75), radius=12, fill=(255, 255, 255))
        draw.ellipse((35, top + 17, 75, top + 57), fill=(0, 122, 255))
        draw.rectangle((95, top + 22, 450, top + 35), fill=(60, 60, 67))
        draw.rectangle((95, top + 45, 350, top + 52), fill=(142, 142, 147))
    return img


def test_a_screenshot_is_flagged_as_not_a_photo():
    result = process_media(encode(_screenshot(), "PNG"))
    assert {"few_colours", "flat_areas", "screenshot_like"} <= result.flags
    assert result.flags <= NOT_PHOTO_FLAGS


def test_a_logo_is_flagged_as_not_a_photo():
    logo = Image.new("RGB", (800, 800), "white")
    ImageDraw.Draw(logo).ellipse((100, 100, 700, 700), fill=(220, 30, 40))
    result = process_media(encode(logo, quality=90))
    assert {"few_colours", "flat_areas"} <= result.flags


def test_banners_and_tiny_pictures_are_flagged():
    banner = process_media(encode(photo(2000, 300), exif=CAMERA))
    assert "extreme_aspect" in banner.flags
    tiny = process_media(encode(photo(120, 90), exif=CAMERA))
    assert "tiny" in tiny.flags


def _with_corner_text(img: Image.Image) -> Image.Image:
    marked = img.copy()
    draw = ImageDraw.Draw(marked)
    font = ImageFont.load_default(size=22)
    w, h = marked.size
    for line, text in enumerate(("© SunCoast Images", "suncoast-stock.example")):
        y = h - 62 + line * 26
        draw.text((w - 240 + 1, y + 1), text, font=font, fill=(0, 0, 0))
        draw.text((w - 240, y), text, font=font, fill=(255, 255, 255))
    return marked


def test_text_over_a_corner_is_flagged_as_a_possible_watermark():
    clean = photo(800, 600, seed=11)
    assert "corner_overlay" not in process_media(encode(clean, exif=CAMERA)).flags
    marked = process_media(encode(_with_corner_text(clean), quality=90, exif=CAMERA))
    assert "corner_overlay" in marked.flags
    assert marked.flags <= WATERMARK_FLAGS


def test_a_photo_with_transparency_is_flagged():
    img = photo(800, 600, seed=5).convert("RGBA")
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).ellipse((100, 50, 700, 550), fill=255)
    img.putalpha(mask)
    assert "alpha_photo" in process_media(encode(img, "PNG")).flags


def test_a_rights_holder_named_in_exif_is_flagged():
    exif = exif_bytes([(0x8298, ASCII, "(c) 2024 Getty Images"), (0x010F, ASCII, "Nikon")])
    result = process_media(encode(photo(800, 600), exif=exif))
    assert result.metadata.copyright == "(c) 2024 Getty Images"
    assert "names_rights_holder" in result.flags
