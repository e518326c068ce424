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

from tellus.content.media import (
    REJECTION_CODES,
    MediaFormat,
    MediaLimits,
    MediaRejected,
    check_header,
    process_image,
    process_media,
)
from tests.content.media_samples import animation, encode, photo, png_claiming, video


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


# --- The header check run while the contributor waits -----------------------------------


def test_the_header_check_refuses_a_100000_square_png_without_decoding_or_allocating():
    bomb = png_claiming(100_000, 100_000)
    check_header(encode(photo(32, 32), "PNG"))  # one-time plugin imports are not counted
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(MediaRejected) as caught:
            check_header(bomb)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == "too_many_pixels"
    assert elapsed < 0.2
    assert peak < 1_000_000


def test_the_header_check_counts_frames_from_the_header_however_many_it_claims():
    started = time.perf_counter()
    with pytest.raises(MediaRejected) as caught:
        check_header(png_claiming(64, 64, frames=2**31 - 1))
    assert time.perf_counter() - started < 0.2
    assert caught.value.code == "too_many_pixels"
    assert caught.value.params["frames"] >= 2**31 - 1


@pytest.mark.parametrize("fmt", ["WEBP", "PNG"])
def test_the_header_check_reads_an_animations_frame_count(fmt):
    data = animation(fmt, 6)
    facts = check_header(data)
    assert (facts.width, facts.height, facts.frames) == (100, 100, 6)
    with pytest.raises(MediaRejected) as caught:
        check_header(data, limits=MediaLimits(max_image_pixels=50_000))
    assert caught.value.code == "too_many_pixels" and "x 6 frames" in caught.value.message


def test_a_file_cut_after_its_header_passes_the_check_and_fails_when_decoded():
    jpeg = encode(photo(640, 480), quality=90)
    cut = jpeg[: len(jpeg) // 2]
    facts = check_header(cut)
    assert (facts.format, facts.width, facts.height) == (MediaFormat.JPEG, 640, 480)
    with pytest.raises(MediaRejected) as caught:
        process_media(cut)
    assert caught.value.code == "truncated"


def test_the_header_check_leaves_the_callers_file_open_for_storing():
    for data in (encode(photo(64, 48), "JPEG"), encode(photo(64, 48), "HEIF"), video(seconds=0.3)):
        fp = io.BytesIO(data)
        check_header(fp, size=len(data))
        assert not fp.closed
        fp.seek(0)
        assert fp.read() == data
    fp = io.BytesIO(png_claiming(9000, 8000))
    with pytest.raises(MediaRejected):
        check_header(fp)
    assert not fp.closed


def test_the_header_check_reads_a_videos_size_and_length_without_decoding_it():
    clip = video(seconds=1.5, size=(96, 64))
    facts = check_header(clip)
    assert (facts.format, facts.width, facts.height) == (MediaFormat.MP4, 96, 64)
    assert facts.duration == pytest.approx(1.5, abs=0.11)
    with pytest.raises(MediaRejected) as caught:
        check_header(clip, limits=MediaLimits(max_video_seconds=1))
    assert caught.value.code == "video_too_long"
    with pytest.raises(MediaRejected) as caught:
        check_header(clip, limits=MediaLimits(max_video_frame_pixels=96 * 63))
    assert caught.value.code == "too_many_pixels"
    with pytest.raises(MediaRejected) as caught:
        check_header(video(audio_only=True, seconds=0.3))
    assert caught.value.code == "no_video_stream"


def test_the_header_check_applies_the_limit_for_the_kind_of_file():
    with pytest.raises(MediaRejected) as caught:
        check_header(encode(photo(400, 300), "PNG"), limits=MediaLimits(max_image_bytes=10_000))
    assert caught.value.code == "too_big"
    assert check_header(video(seconds=0.3), limits=MediaLimits(max_image_bytes=10)).duration


@pytest.mark.parametrize("seed", range(40))
def test_random_bytes_behind_a_valid_signature_never_escape_the_header_check(seed):
    import random

    rng = random.Random(seed)
    signatures = [
        b"\x89PNG\r\n\x1a\n",
        b"\xff\xd8\xff",
        b"RIFF\x00\x10\x00\x00WEBPVP8X",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
        b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isomavc1",
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm",
    ]
    head = signatures[seed % len(signatures)]
    data = head + bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 10, 200, 5000])))
    started = time.perf_counter()
    try:
        check_header(data)
    except MediaRejected as exc:
        assert exc.code in REJECTION_CODES
    assert time.perf_counter() - started < 1.0
