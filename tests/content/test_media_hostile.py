"""Bad input from the issue: each file gets a clear refusal, quickly, and nothing is half-made."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import ImageFile

from tellus.content.media import MediaLimits, MediaRejected, process_image, process_media
from tests.content.media_samples import encode, photo


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a size; its one data chunk is tiny."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_a_png_claiming_60000_by_60000_is_refused_from_its_header_quickly_without_allocating():
    data = _png_header_only(60_000, 60_000)
    process_media(encode(photo(32, 32), "PNG"))  # one-time plugin imports are not counted
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(MediaRejected) as caught:
            process_media(data)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == "too_many_pixels"
    assert "limit is 60,000,000" in caught.value.message
    assert elapsed < 1.0
    assert peak < 5_000_000  # 60,000 x 60,000 RGB would be 10.8 GB


def test_an_image_under_pillows_limit_but_over_ours_is_refused_from_its_header():
    data = _png_header_only(9000, 8000)  # 72 MP: Pillow would only warn
    with pytest.raises(MediaRejected) as caught:
        process_media(data)
    assert caught.value.code == "too_many_pixels"
    assert caught.value.params == {
        "width": 9000, "height": 8000, "frames": 1, "limit": 60_000_000
    }  # fmt: skip
    assert caught.value.message == (
        "The image is 9000 x 8000 pixels; the limit is 60,000,000 pixels."
    )


def test_a_very_long_side_is_refused():
    with pytest.raises(MediaRejected) as caught:
        process_media(_png_header_only(30_000, 10))
    assert caught.value.code == "too_wide"


def test_frames_count_towards_the_pixel_cap():
    frames = [photo(100, 100, seed=i) for i in range(5)]
    data = encode(frames[0], "PNG", save_all=True, append_images=frames[1:])
    with pytest.raises(MediaRejected) as caught:
        process_media(data, limits=MediaLimits(max_image_pixels=40_000))
    assert caught.value.code == "too_many_pixels"
    assert "x 5 frames" in caught.value.message


def test_a_truncated_jpeg_is_refused_as_incomplete():
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    jpeg = encode(photo(640, 480), quality=90)
    with pytest.raises(MediaRejected) as caught:
        process_media(jpeg[: len(jpeg) // 2])
    assert caught.value.code == "truncated"
    assert "incomplete" in caught.value.message


def test_a_jpeg_that_only_lacks_its_end_marker_is_refused_too():
    jpeg = encode(photo(320, 240), quality=90)
    assert jpeg.endswith(b"\xff\xd9")
    with pytest.raises(MediaRejected) as caught:
        process_media(jpeg[:-2])
    assert caught.value.code == "truncated"


def test_a_truncated_png_is_refused():
    png = encode(photo(320, 240), "PNG")
    with pytest.raises(MediaRejected) as caught:
        process_media(png[: len(png) * 2 // 3])
    assert caught.value.code in {"truncated", "undecodable"}


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


_IHDR = _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0))


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n"
        + _IHDR
        + _png_chunk(b"IDAT", b"not zlib data" * 8)
        + _png_chunk(b"IEND", b""),
        b"\x89PNG\r\n\x1a\n" + _IHDR[:-1] + b"\x00" + _png_chunk(b"IEND", b""),
        b"RIFF\x40\x00\x00\x00WEBPVP8 \x30\x00\x00\x00" + b"\x55" * 56,
        b"\xff\xd8\xff\xdb" + b"\x42" * 500,
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200,
    ],
    ids=["png-not-zlib", "png-bad-checksum", "webp-garbage", "jpeg-garbage", "heic-garbage"],
)
def test_damaged_files_behind_a_valid_signature_are_refused(data):
    with pytest.raises(MediaRejected) as caught:
        process_media(data)
    assert caught.value.code in {"undecodable", "truncated"}
    assert caught.value.message.startswith("The file is")


def test_a_2_gb_file_is_refused_by_its_size_without_being_read(tmp_path: Path):
    huge = tmp_path / "huge.jpg"
    with huge.open("wb") as fp:
        fp.write(encode(photo(32, 32)))
        fp.truncate(2 * 1024**3)  # sparse: takes no disk space
    started = time.perf_counter()
    with pytest.raises(MediaRejected) as caught:
        process_media(huge)
    assert time.perf_counter() - started < 0.5
    assert caught.value.code == "too_big"
    assert caught.value.message == "The file is too big: 2.0 GB; the limit is 512.0 MB."
    with huge.open("rb") as fp:
        with pytest.raises(MediaRejected) as caught:
            process_media(fp, size=2 * 1024**3)
        assert fp.tell() == 0  # refused from the declared size alone
    assert caught.value.code == "too_big"


def test_a_seekable_file_object_is_measured_without_reading_it(tmp_path: Path):
    huge = tmp_path / "huge.mp4"
    with huge.open("wb") as fp:
        fp.truncate(600 * 1024**2)
    with huge.open("rb") as fp, pytest.raises(MediaRejected) as caught:
        process_media(fp)
    assert caught.value.code == "too_big"


class _EndlessStream(io.RawIOBase):
    """A stream that cannot seek and never ends, like a hostile upload."""

    def __init__(self) -> None:
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = len(buffer)
        buffer[:n] = b"\xff" * n
        self.served += n
        return n


def test_a_stream_that_never_ends_is_cut_off_at_the_limit():
    stream = _EndlessStream()
    limits = MediaLimits(max_image_bytes=4 * 1024**2, max_video_bytes=8 * 1024**2)
    with pytest.raises(MediaRejected) as caught:
        process_media(stream, limits=limits)  # type: ignore[arg-type]
    assert caught.value.code == "too_big"
    assert stream.served <= 8 * 1024**2 + 1024**2


def test_per_kind_limits_apply_once_the_type_is_known():
    limits = MediaLimits(max_image_bytes=10_000)
    with pytest.raises(MediaRejected) as caught:
        process_media(encode(photo(400, 300), "PNG"), limits=limits)
    assert caught.value.code == "too_big"


def test_process_image_refuses_a_video():
    from tests.content.media_samples import video

    with pytest.raises(MediaRejected) as caught:
        process_image(video(seconds=0.2))
    assert caught.value.code == "unsupported_type"


@pytest.mark.parametrize(
    "changes",
    [
        {"max_image_bytes": 0},
        {"max_image_pixels": -1},
        {"max_side": "big"},
        {"max_video_seconds": float("nan")},
        {"rendition_widths": ()},
        {"rendition_widths": (640, 320)},
        {"rendition_widths": (320, 20_000)},
        {"webp_quality": 101},
        {"placeholder_width": True},
    ],
)
def test_bad_limits_fail_when_the_settings_are_read(changes):
    with pytest.raises(ValueError, match="MediaLimits"):
        MediaLimits(**changes)


def test_every_code_is_documented_for_the_translators():
    import tellus.content.media as media

    doc = media.__doc__ or ""
    for code in media.REJECTION_CODES:
        assert f"``{code}``" in doc
    for code in media.NOTICE_CODES:
        assert f"``{code}``" in doc
    with pytest.raises(ValueError, match="unknown rejection code"):
        MediaRejected("oops", "no such code")
