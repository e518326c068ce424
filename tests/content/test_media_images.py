"""Photos come out oriented, in WebP sizes, rebuilt from pixels, with nothing hidden left in."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image, ImageCms

from tellus.content.media import MediaLimits, process_media
from tests.content.media_samples import ASCII, SHORT, encode, exif_bytes, gps_entries, photo

XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
    b"<dc:creator><rdf:Seq><rdf:li>Ana P&#233;rez</rdf:li></rdf:Seq></dc:creator>"
    b"<dc:rights><rdf:Alt><rdf:li xml:lang='x-default'>"
    b"&lt;b&gt;All rights reserved&lt;/b&gt;</rdf:li></rdf:Alt></dc:rights>"
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def _open(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def test_sizes_are_webp_at_the_configured_widths_and_never_upscaled():
    big = process_media(encode(photo(2400, 1600), quality=90))
    assert [(r.width, r.height) for r in big.renditions] == [
        (320, 213), (640, 427), (1280, 853), (2048, 1365)
    ]  # fmt: skip
    for rendition in big.renditions:
        decoded = _open(rendition.data)
        assert decoded.format == "WEBP"
        assert decoded.size == (rendition.width, rendition.height)
        assert rendition.content_type == "image/webp"

    middling = process_media(encode(photo(700, 500)))
    assert [r.width for r in middling.renditions] == [320, 640, 700]
    small = process_media(encode(photo(150, 100)))
    assert [(r.width, r.height) for r in small.renditions] == [(150, 100)]


def test_widths_come_from_the_limits():
    limits = MediaLimits(rendition_widths=(100, 400))
    result = process_media(encode(photo(640, 480)), limits=limits)
    assert [r.width for r in result.renditions] == [100, 400]


def test_renditions_carry_no_exif_xmp_profile_or_comment():
    exif = exif_bytes(
        [(0x010F, ASCII, "Canon"), (0x010E, ASCII, "secret description")],
        gps=gps_entries(28.96, -13.55),
    )
    jpeg = encode(
        photo(800, 600),
        quality=90,
        exif=exif,
        comment=b"<html><script>alert('comment')</script></html>",
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
        xmp=XMP,
    )
    source = _open(jpeg)
    assert source.info.get("comment") and source.info.get("exif") and source.info.get("xmp")

    result = process_media(jpeg)
    assert result.metadata.location is not None  # read for the record ...
    for rendition in result.renditions:
        # ... and gone from every public file.
        for needle in (b"Exif", b"<script", b"secret description", b"Canon", b"xmpmeta", b"ICCP"):
            assert needle not in rendition.data
        out = _open(rendition.data)
        assert not out.getexif()
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(out.info)
    placeholder = base64.b64decode(result.placeholder.removeprefix("data:image/webp;base64,"))
    assert b"Exif" not in placeholder and b"<script" not in placeholder


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_exif_orientation_is_applied(fmt):
    # Stored landscape with a red top row band; orientation 6 means "rotate 90 clockwise".
    stored = Image.new("RGB", (300, 200), "blue")
    stored.paste((255, 0, 0), (0, 0, 300, 40))
    data = encode(stored, fmt, quality=95, exif=exif_bytes([(0x0112, SHORT, [6])]))
    result = process_media(data)
    assert (result.width, result.height) == (200, 300)
    shown = np.asarray(_open(result.renditions[-1].data).convert("RGB"), dtype=int)
    assert shown.shape[:2] == (300, 200)
    # After a clockwise quarter turn the red band is on the right.
    assert shown[150, -5, 0] > 200 and shown[150, -5, 2] < 60
    assert shown[150, 5, 2] > 200 and shown[150, 5, 0] < 60


def test_large_jpeg_uses_reduced_decoding_and_still_fills_the_largest_size():
    big = photo(2400, 1800)
    limits = MediaLimits(rendition_widths=(300,))  # libjpeg can decode at 1/8: 300 x 225
    result = process_media(encode(big, quality=85), limits=limits)
    assert [(r.width, r.height) for r in result.renditions] == [(300, 225)]
    rendition = np.asarray(_open(result.renditions[0].data), dtype=float)
    reference = np.asarray(big.resize((300, 225), Image.Resampling.LANCZOS), dtype=float)
    assert np.abs(rendition - reference).mean() < 6


def test_png_with_transparency_keeps_it():
    img = photo(200, 150).convert("RGBA")
    alpha = Image.new("L", img.size, 255)
    alpha.paste(0, (0, 0, 50, 150))
    img.putalpha(alpha)
    result = process_media(encode(img, "PNG"))
    out = _open(result.renditions[0].data)
    assert out.mode == "RGBA"
    alpha_out = out.getchannel("A")
    assert alpha_out.getpixel((10, 75)) == 0 and alpha_out.getpixel((150, 75)) == 255


@pytest.mark.parametrize("mode", ["L", "P", "I;16", "CMYK", "LA"])
def test_unusual_pixel_modes_become_web_pictures(mode):
    source = photo(120, 90)
    if mode == "I;16":
        wide = np.asarray(source.convert("L"), dtype=np.uint16) * 257
        img = Image.fromarray(wide)
    else:
        img = source.convert(mode)
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    result = process_media(encode(img, fmt))
    out = _open(result.renditions[0].data)
    assert out.size == (120, 90) and out.mode in {"RGB", "RGBA"}
    grey = np.asarray(out.convert("L"), dtype=float)
    assert np.abs(grey - np.asarray(source.convert("L"), dtype=float)).mean() < 25


def test_a_broken_colour_profile_is_ignored_with_a_notice():
    jpeg = encode(photo(160, 120), icc_profile=b"\x00\x00\x01\x00not an icc profile at all")
    result = process_media(jpeg)
    assert [n.code for n in result.notices] == ["colour_profile_ignored"]
    assert len(result.renditions) == 1


def test_xmp_and_exif_credits_are_read_as_raw_text():
    exif = exif_bytes([(0x013B, ASCII, ""), (0x8298, ASCII, "")])
    result = process_media(encode(photo(160, 120), exif=exif, xmp=XMP))
    assert result.metadata.artist == "Ana Pérez"
    assert result.metadata.copyright == "<b>All rights reserved</b>"  # raw: escaped on output
    assert "names_rights_holder" in result.flags


def test_placeholder_is_a_tiny_webp_data_uri():
    result = process_media(encode(photo(640, 480)))
    assert result.placeholder.startswith("data:image/webp;base64,")
    tiny = _open(base64.b64decode(result.placeholder.split(",", 1)[1]))
    assert tiny.size == (16, 12)
    assert len(result.placeholder) < 400


def test_animated_webp_frames_count_against_the_cap():
    frames = [photo(100, 100, seed=i) for i in range(4)]
    data = encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100)
    result = process_media(data, limits=MediaLimits(max_image_pixels=40_000))
    assert result.frames == 4 and (result.width, result.height) == (100, 100)
