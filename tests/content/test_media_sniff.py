"""The type is decided from the bytes, never the name; only our formats pass."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pillow_heif
import pytest

from tellus.content.media import MediaFormat, MediaRejected, process_media, sniff
from tests.content.media_samples import encode, photo, video


@pytest.fixture(scope="module")
def picture():
    return photo(96, 64)


@pytest.mark.parametrize(
    ("fmt", "params", "expected"),
    [
        ("JPEG", {}, MediaFormat.JPEG),
        ("PNG", {}, MediaFormat.PNG),
        ("WEBP", {}, MediaFormat.WEBP),
        ("HEIF", {"quality": 60}, MediaFormat.HEIF),
    ],
)
def test_accepted_photo_formats_are_recognised_and_processed(picture, fmt, params, expected):
    pillow_heif.register_heif_opener()
    data = encode(picture, fmt, **params)
    assert sniff(data[:512]).format is expected
    result = process_media(data)
    assert result.format is expected
    assert (result.width, result.height) == (96, 64)
    assert result.renditions[0].data[:4] == b"RIFF"


@pytest.mark.parametrize(
    ("fmt", "codec", "expected"),
    [("mp4", "libx264", MediaFormat.MP4), ("mov", "libx264", MediaFormat.MOV),
     ("webm", "libvpx-vp9", MediaFormat.WEBM)],
)  # fmt: skip
def test_accepted_video_formats_are_recognised(fmt, codec, expected):
    data = video(fmt, codec=codec, seconds=0.3)
    assert sniff(data[:512]).format is expected
    assert process_media(data).format is expected


def test_the_name_does_not_matter_only_the_bytes(tmp_path: Path, picture):
    png_named_jpg = tmp_path / "holiday.jpg"
    png_named_jpg.write_bytes(encode(picture, "PNG"))
    assert process_media(png_named_jpg).format is MediaFormat.PNG
    pdf_named_jpg = tmp_path / "beach.jpg"
    pdf_named_jpg.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    with pytest.raises(MediaRejected) as caught:
        process_media(pdf_named_jpg)
    assert caught.value.code == "unsupported_type"
    assert "PDF" in caught.value.message


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.jpg", b"not really")
    return out.getvalue()


GIF_JS_POLYGLOT = (
    b"GIF89a/*\x01\x00\x01\x00\x00\xff\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x00;"
    b"*/=1;alert(document.domain);//"
)
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (GIF_JS_POLYGLOT, "GIF"),
        (SVG_WITH_SCRIPT, "SVG"),
        (b"\xef\xbb\xbf  <svg onload='alert(1)'/>", "SVG"),
        (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "HTML"),
        (b"<script>fetch('/api')</script>", "HTML"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (_zip(), "ZIP"),
        (b"BM" + bytes(60), "BMP"),
        (b"II*\x00" + bytes(60), "TIFF"),
        (b"#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\nhttp://169.254.169.254/\n", "playlist"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska", "Matroska"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "AVIF"),
        ("Hello, voilà un poème".encode(), "text"),
        (b"\x00\x01\x02\x03\x04\x05", "unknown"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_other_types_are_refused_with_a_message_that_names_them(data, named):
    with pytest.raises(MediaRejected) as caught:
        process_media(data)
    assert caught.value.code == "unsupported_type"
    assert named in caught.value.message
    assert "We accept photos (JPEG, PNG, WebP, HEIC) and videos (MP4, MOV, WebM)" in (
        caught.value.message
    )


def test_a_real_avif_made_by_pillow_is_refused(picture):
    with pytest.raises(MediaRejected, match="AVIF") as caught:
        process_media(encode(picture, "AVIF"))
    assert caught.value.code == "unsupported_type"


def test_an_empty_file_is_refused(tmp_path: Path):
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(MediaRejected) as caught:
        process_media(empty)
    assert (caught.value.code, caught.value.message) == ("empty", "The file is empty.")


def test_a_jpeg_magic_number_alone_is_not_a_photo():
    with pytest.raises(MediaRejected) as caught:
        process_media(b"\xff\xd8\xff\xe0<html><script>alert(1)</script>")
    assert caught.value.code in {"undecodable", "truncated"}
