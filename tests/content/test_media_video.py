"""Videos: duration and size read, a poster made like a photo, broken or long ones refused."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from tellus.content.media import MediaFormat, MediaLimits, MediaRejected, process_media
from tests.content.media_samples import video


@pytest.mark.parametrize(
    ("fmt", "codec", "expected", "codec_name"),
    [
        ("mp4", "libx264", MediaFormat.MP4, "h264"),
        ("mov", "libx264", MediaFormat.MOV, "h264"),
        ("webm", "libvpx-vp9", MediaFormat.WEBM, "vp9"),
        ("webm", "libvpx", MediaFormat.WEBM, "vp8"),
    ],
)
def test_duration_size_and_poster_are_read(fmt, codec, expected, codec_name):
    result = process_media(video(fmt, codec=codec, seconds=1.5, size=(96, 64)))
    assert result.format is expected
    assert result.content_type.startswith("video/")
    assert (result.width, result.height) == (96, 64)
    assert result.duration == pytest.approx(1.5, abs=0.11)
    assert result.video_codec == codec_name
    poster = Image.open(io.BytesIO(result.renditions[-1].data))
    assert poster.format == "WEBP" and poster.size == (96, 64)
    pixels = np.asarray(poster.convert("RGB"), dtype=int)
    assert pixels[:, :20].mean() > 230  # the white band of the clip
    assert result.placeholder.startswith("data:image/webp;base64,")
    assert result.perceptual_hash is not None


def test_a_large_video_gets_poster_sizes_like_a_photo():
    result = process_media(video(seconds=0.3, size=(1280, 720), fps=5))
    assert [(r.width, r.height) for r in result.renditions] == [
        (320, 180), (640, 360), (1280, 720)
    ]  # fmt: skip


def test_a_phone_video_recorded_upright_gets_an_upright_poster():
    result = process_media(video(seconds=0.5, size=(96, 64), rotation=90))
    assert (result.width, result.height) == (64, 96)
    poster = np.asarray(Image.open(io.BytesIO(result.renditions[-1].data)).convert("RGB"), int)
    assert poster.shape[:2] == (96, 64)
    # Turned a quarter counter-clockwise: the white left band is now at the bottom.
    assert poster[-15:].mean() > 230 and poster[:40].mean() < 200


def test_a_video_over_the_duration_limit_is_refused():
    data = video(seconds=3.0, fps=5)
    with pytest.raises(MediaRejected) as caught:
        process_media(data, limits=MediaLimits(max_video_seconds=2))
    assert caught.value.code == "video_too_long"
    assert caught.value.message == "The video lasts 0:03; the limit is 0:02."


def test_a_video_over_the_frame_size_limit_is_refused():
    data = video(seconds=0.2, size=(320, 240))
    with pytest.raises(MediaRejected) as caught:
        process_media(data, limits=MediaLimits(max_video_frame_pixels=320 * 200))
    assert caught.value.code == "too_many_pixels"


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_a_truncated_video_is_refused(keep):
    data = video(seconds=2.0, size=(160, 120))
    with pytest.raises(MediaRejected) as caught:
        process_media(data[: int(len(data) * keep)])
    assert caught.value.code in {"undecodable", "truncated", "no_video_stream"}


def test_a_truncated_webm_is_refused():
    data = video("webm", codec="libvpx-vp9", seconds=2.0, size=(160, 120))
    with pytest.raises(MediaRejected) as caught:
        process_media(data[: len(data) // 2])
    assert caught.value.code == "truncated"
    assert "incomplete" in caught.value.message


def test_garbage_behind_a_video_signature_is_refused():
    with pytest.raises(MediaRejected) as caught:
        process_media(b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x13" * 4000)
    assert caught.value.code == "undecodable"
    assert "cannot be played" in caught.value.message


def test_an_audio_only_file_is_refused():
    with pytest.raises(MediaRejected) as caught:
        process_media(video("mp4", seconds=0.5, audio_only=True))
    assert caught.value.code == "no_video_stream"


def test_location_and_date_from_the_container_are_read():
    data = video(
        "mov",
        seconds=0.3,
        metadata={
            "location": "+28.9637-013.5477+010.000/",
            "creation_time": "2024-05-01T10:00:00Z",
        },
    )
    result = process_media(data)
    assert result.metadata.location is not None
    assert result.metadata.location.latitude == pytest.approx(28.9637)
    assert result.metadata.location.longitude == pytest.approx(-13.5477)
    assert result.metadata.taken_at is not None and result.metadata.taken_at.year == 2024


def test_an_absurd_video_location_is_left_out_with_a_notice():
    result = process_media(video("mov", seconds=0.3, metadata={"location": "+95.0000+200.0000/"}))
    assert result.metadata.location is None
    assert [n.code for n in result.notices] == ["gps_out_of_range"]


def test_a_matroska_file_is_refused_though_webm_is_accepted():
    data = video("matroska", codec="libvpx-vp9", seconds=0.3)
    with pytest.raises(MediaRejected) as caught:
        process_media(data)
    assert caught.value.code == "unsupported_type"
    assert "Matroska" in caught.value.message
