"""Probe an accepted video with PyAV and make its poster frame.

PyAV ships its own FFmpeg in the wheel, so no system package is needed.
The demuxer is forced to the one the bytes were sniffed as (FFmpeg never
probes other formats, so a playlist or image sequence cannot sneak in), the
declared duration is checked before anything is decoded, and every packet is
then read once, which refuses truncated files and videos that lie about
their length without the cost of decoding every frame. The poster is one
decoded frame, rotated as the phone meant, and rendered like a photo.
"""

from __future__ import annotations

import re
from datetime import datetime
from fractions import Fraction
from typing import Any, BinaryIO

import av
import av.error
from PIL import Image

from tellus.content.media.errors import MediaRejected, Notice
from tellus.content.media.exif import PhotoMetadata, checked_point, notice
from tellus.content.media.fingerprint import oddity_flags, perceptual_hash
from tellus.content.media.images import make_renditions, placeholder, rendition_widths_for, resized
from tellus.content.media.limits import MediaLimits
from tellus.content.media.result import ProcessedMedia
from tellus.content.media.sniff import MediaFormat
from tellus.content.media.source import too_big
from tellus.content.media.text import clean_text

_DEMUXERS = {MediaFormat.MP4: "mp4", MediaFormat.MOV: "mov", MediaFormat.WEBM: "webm"}
_FFMPEG_ERRORS = (av.error.FFmpegError, OSError, ValueError, EOFError, IndexError, TypeError)
# Where the poster is taken: a little way in, past a fade-in, but early.
_POSTER_FRACTION, _POSTER_MAX_SECONDS = 0.1, 3.0
_MAX_FRAMES_TO_POSTER = 300


def decode_video(
    fp: BinaryIO, fmt: MediaFormat, size_bytes: int, *, limits: MediaLimits
) -> ProcessedMedia:
    """Probe, check and render the poster of a video already sniffed as ``fmt``."""
    if size_bytes > limits.max_video_bytes:
        raise too_big(size_bytes, limits.max_video_bytes)
    container = _open(fp, fmt)
    try:
        if not container.streams.video:
            raise MediaRejected("no_video_stream", "The file contains no video picture.")
        stream = container.streams.video[0]
        codec = stream.codec_context
        width, height = int(codec.width or 0), int(codec.height or 0)
        if width <= 0 or height <= 0:
            raise _undecodable()
        _check_frame_size(width, height, limits)
        declared = _declared_duration(container, stream)
        if declared is not None:
            _check_duration(declared, limits)
        duration = _read_all_packets(container, stream, limits)
        if declared and duration < declared * 0.9 - 0.25:
            # The header promised more than the file holds: it was cut off.
            raise MediaRejected(
                "truncated",
                "The video is incomplete (it was cut off during upload or copying); "
                "please upload it again.",
                seconds=round(duration, 3),
                declared=round(declared, 3),
            )
        if duration <= 0 and declared:
            duration = declared
        metadata, notices = _container_metadata(container.metadata, limits.max_text_length)
        poster = _poster(container, stream, duration)
        codec_name = codec.name
    finally:
        container.close()

    display_w, display_h = poster.size
    target = rendition_widths_for(display_w, limits.rendition_widths)
    renditions = make_renditions(resized(poster, target[-1]), target, quality=limits.webp_quality)
    small = resized(poster, min(display_w, 640))
    return ProcessedMedia(
        format=fmt,
        width=display_w,
        height=display_h,
        size_bytes=size_bytes,
        renditions=renditions,
        placeholder=placeholder(small, width=limits.placeholder_width),
        perceptual_hash=perceptual_hash(small),
        flags=oddity_flags(
            small,
            original_size=(display_w, display_h),
            source_format=fmt.value,
            has_camera_metadata=True,  # the screenshot heuristic is for PNG stills
            names_rights_holder=metadata.names_a_rights_holder,
        ),
        metadata=metadata,
        notices=tuple(notices),
        duration=round(duration, 3),
        video_codec=codec_name,
    )


def check_video_header(
    fp: BinaryIO, fmt: MediaFormat, *, limits: MediaLimits
) -> tuple[int, int, float | None]:
    """Frame size and declared duration of a video sniffed as ``fmt``, checked against the caps.

    Only the container's header is read (the demuxer forced, probing bounded):
    no packet is read and no frame decoded. A frame size the header leaves
    unknown is left for :func:`decode_video` to judge.
    """
    container = _open(fp, fmt, options=_HEADER_PROBE)
    try:
        if not container.streams.video:
            raise MediaRejected("no_video_stream", "The file contains no video picture.")
        stream = container.streams.video[0]
        codec = stream.codec_context
        width, height = int(codec.width or 0), int(codec.height or 0)
        if width > 0 and height > 0:
            _check_frame_size(width, height, limits)
        declared = _declared_duration(container, stream)
        if declared is not None:
            _check_duration(declared, limits)
    except _FFMPEG_ERRORS as exc:
        raise _undecodable() from exc
    finally:
        container.close()
    return width, height, declared


# Bounds on what FFmpeg reads to fill in stream details while opening (bytes, microseconds).
_HEADER_PROBE = {"probesize": str(1024 * 1024), "analyzeduration": str(1_000_000)}


def _open(fp: BinaryIO, fmt: MediaFormat, *, options: dict[str, str] | None = None) -> Any:
    fp.seek(0)
    try:
        return av.open(fp, mode="r", format=_DEMUXERS[fmt], container_options=options or {})
    except _FFMPEG_ERRORS as exc:
        raise _undecodable() from exc


def _undecodable() -> MediaRejected:
    return MediaRejected("undecodable", "The video is damaged or incomplete and cannot be played.")


def _check_frame_size(width: int, height: int, limits: MediaLimits) -> None:
    if max(width, height) > limits.max_side:
        raise MediaRejected(
            "too_wide",
            f"The video is {width} x {height} pixels; no side may exceed {limits.max_side}.",
            width=width,
            height=height,
            limit=limits.max_side,
        )
    if width * height > limits.max_video_frame_pixels:
        raise MediaRejected(
            "too_many_pixels",
            f"The video is {width} x {height} pixels; the limit is "
            f"{limits.max_video_frame_pixels:,} pixels a frame.",
            width=width,
            height=height,
            limit=limits.max_video_frame_pixels,
        )


def _check_duration(seconds: float, limits: MediaLimits) -> None:
    if seconds > limits.max_video_seconds:
        raise MediaRejected(
            "video_too_long",
            f"The video lasts {_clock(seconds)}; the limit is {_clock(limits.max_video_seconds)}.",
            seconds=round(seconds, 3),
            limit=limits.max_video_seconds,
        )


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _declared_duration(container: Any, stream: Any) -> float | None:
    if container.duration and container.duration > 0:
        return float(container.duration) / av.time_base
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return None


def _read_all_packets(container: Any, stream: Any, limits: MediaLimits) -> float:
    """Read every packet of the picture track; the end time seen, in seconds."""
    time_base: Fraction | None = stream.time_base
    start: float | None = None
    end = 0.0
    packets = 0
    try:
        for packet in container.demux(stream):
            if packet.size == 0 and packet.pts is None:
                continue  # the flush packet at the end
            packets += 1
            if packet.pts is None or time_base is None:
                continue
            at = float(packet.pts * time_base)
            start = at if start is None else min(start, at)
            end = max(end, at + float((packet.duration or 0) * time_base))
            if end - start > limits.max_video_seconds + 1:
                _check_duration(end - start, limits)
    except _FFMPEG_ERRORS as exc:
        raise _undecodable() from exc
    if packets == 0:
        raise _undecodable()
    return end - (start or 0.0)


def _poster(container: Any, stream: Any, duration: float) -> Image.Image:
    at = min(duration * _POSTER_FRACTION, _POSTER_MAX_SECONDS)
    for seek_to in (at, 0.0):
        try:
            if stream.time_base:
                container.seek(int(seek_to / stream.time_base), stream=stream, backward=True)
            else:
                container.seek(0)
            image = _first_frame(container, stream)
        except _FFMPEG_ERRORS:
            image = None
        if image is not None:
            return image
    raise _undecodable()


def _first_frame(container: Any, stream: Any) -> Image.Image | None:
    for index, frame in enumerate(container.decode(stream)):
        if index >= _MAX_FRAMES_TO_POSTER:
            return None
        image: Image.Image = frame.to_image()
        rotation = round((frame.rotation or 0) / 90) % 4
        if rotation:
            turns = {
                1: Image.Transpose.ROTATE_90,
                2: Image.Transpose.ROTATE_180,
                3: Image.Transpose.ROTATE_270,
            }
            image = image.transpose(turns[rotation])
        return image
    return None


# ISO 6709 as QuickTime and Android write it: +27.9000-015.4000+012.000/
_ISO6709 = re.compile(r"^([+-]\d{1,2}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)")


def _container_metadata(
    tags: dict[str, str], max_text_length: int
) -> tuple[PhotoMetadata, list[Notice]]:
    notices: list[Notice] = []

    def text(*keys: str) -> str | None:
        for key in keys:
            value = clean_text(tags.get(key), max_length=min(200, max_text_length))
            if value:
                return value
        return None

    location = None
    raw_location = text("location", "com.apple.quicktime.location.ISO6709")
    if raw_location is not None:
        match = _ISO6709.match(raw_location)
        if match is None:
            notices.append(notice("gps_invalid", reason="unreadable ISO 6709 position"))
        else:
            location, gps_notice = checked_point(float(match.group(1)), float(match.group(2)))
            if gps_notice is not None:
                notices.append(gps_notice)
    taken_at = None
    created = text("com.apple.quicktime.creationdate", "creation_time")
    if created is not None:
        try:
            taken_at = datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            notices.append(notice("date_invalid", value=created))
        else:
            if taken_at.year < 1971:  # muxers write 0 (1970 or 1904) when they know no date
                taken_at = None
    metadata = PhotoMetadata(
        location=location,
        taken_at=taken_at,
        camera_make=text("com.apple.quicktime.make", "make"),
        camera_model=text("com.apple.quicktime.model", "model"),
        description=text("description", "comment"),
        artist=text("artist", "author"),
        copyright=text("copyright"),
    )
    return metadata, notices
