"""Files for the media pipeline's tests, made procedurally: nothing binary is committed."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable, Sequence
from typing import Any, cast

import av
import numpy as np
from PIL import Image, ImageDraw

# EXIF (TIFF) field types.
BYTE, ASCII, SHORT, LONG, RATIONAL, UNDEFINED, DOUBLE = 1, 2, 3, 4, 5, 7, 12
Entry = tuple[int, int, Sequence[object] | bytes | str]


def photo(width: int = 640, height: int = 480, seed: int = 0) -> Image.Image:
    """A photograph-like picture: smooth light, a few soft shapes, sensor noise."""
    rng = np.random.default_rng(seed)
    base = Image.fromarray(rng.integers(30, 225, (5, 7, 3), dtype=np.uint8))
    base = base.resize((width, height), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(base)
    for _ in range(6):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        r = int(rng.integers(width // 12, width // 4))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        draw.ellipse((x - r, y - r // 2, x + r, y + r // 2), fill=colour)
    soft = np.asarray(
        base.resize((max(1, width // 8), max(1, height // 8))).resize(
            (width, height), Image.Resampling.BICUBIC
        ),
        dtype=np.int16,
    )
    noisy = soft + rng.integers(-9, 10, soft.shape, dtype=np.int16)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def encode(img: Image.Image, fmt: str = "JPEG", **params: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **params)
    return out.getvalue()


def dms(degrees: float) -> list[tuple[int, int]]:
    """Degrees, minutes and seconds as EXIF rationals (to a ten-thousandth of a second)."""
    tenths_of_ms = round(abs(degrees) * 3600 * 10_000)
    whole, rest = divmod(tenths_of_ms, 3600 * 10_000)
    minutes, seconds = divmod(rest, 60 * 10_000)
    return [(whole, 1), (minutes, 1), (seconds, 10_000)]


def gps_entries(latitude: float, longitude: float) -> list[Entry]:
    return [
        (1, ASCII, "N" if latitude >= 0 else "S"),
        (2, RATIONAL, dms(latitude)),
        (3, ASCII, "E" if longitude >= 0 else "W"),
        (4, RATIONAL, dms(longitude)),
    ]


def exif_bytes(
    ifd0: Iterable[Entry] = (),
    *,
    gps: Iterable[Entry] | None = None,
    exif: Iterable[Entry] | None = None,
) -> bytes:
    """A little-endian EXIF block written field by field, so that it can be malformed on purpose."""
    ifd0 = list(ifd0)
    subs: list[tuple[int, list[Entry]]] = []
    if exif is not None:
        subs.append((0x8769, list(exif)))
    if gps is not None:
        subs.append((0x8825, list(gps)))

    def value_bytes(kind: int, value: Sequence[object] | bytes | str) -> tuple[int, bytes]:
        if kind == ASCII:
            text = value if isinstance(value, str) else bytes(cast(bytes, value)).decode("latin-1")
            raw = text.encode("utf-8") + b"\0"
            return len(raw), raw
        if kind in (BYTE, UNDEFINED):
            raw = value if isinstance(value, bytes) else str(value).encode()
            return len(raw), raw
        items: list[Any] = list(value)
        if kind == SHORT:
            return len(items), b"".join(struct.pack("<H", v) for v in items)
        if kind == LONG:
            return len(items), b"".join(struct.pack("<I", v) for v in items)
        if kind == RATIONAL:
            return len(items), b"".join(struct.pack("<II", *v) for v in items)
        if kind == DOUBLE:
            return len(items), b"".join(struct.pack("<d", v) for v in items)
        raise ValueError(kind)

    # Lay out: header, IFD0, sub-IFDs, then all out-of-line data.
    def ifd_size(n: int) -> int:
        return 2 + 12 * n + 4

    offset = 8
    ifd0_count = len(ifd0) + len(subs)
    positions = [offset]
    offset += ifd_size(ifd0_count)
    for _, entries in subs:
        positions.append(offset)
        offset += ifd_size(len(entries))
    data_area = bytearray()
    data_start = offset

    def build(entries: list[Entry], extra: list[tuple[int, int]]) -> bytes:
        out = bytearray(struct.pack("<H", len(entries) + len(extra)))
        rows = [(tag, kind, *value_bytes(kind, value)) for tag, kind, value in entries]
        rows += [(tag, LONG, 1, struct.pack("<I", pos)) for tag, pos in extra]
        for tag, kind, count, raw in sorted(rows, key=lambda r: r[0]):
            if len(raw) <= 4:
                field = raw.ljust(4, b"\0")
            else:
                field = struct.pack("<I", data_start + len(data_area))
                data_area.extend(raw)
                if len(data_area) % 2:
                    data_area.append(0)
            out += struct.pack("<HHI", tag, kind, count) + field
        out += struct.pack("<I", 0)
        return bytes(out)

    blocks = [build(ifd0, [(tag, positions[i + 1]) for i, (tag, _) in enumerate(subs)])]
    blocks += [build(entries, []) for _, entries in subs]
    return b"Exif\0\0" + b"II*\0" + struct.pack("<I", 8) + b"".join(blocks) + bytes(data_area)


def video(
    fmt: str = "mp4",
    *,
    codec: str = "libx264",
    seconds: float = 1.0,
    size: tuple[int, int] = (96, 64),
    fps: int = 10,
    rotation: int | None = None,
    metadata: dict[str, str] | None = None,
    audio_only: bool = False,
) -> bytes:
    """A short clip whose left quarter is white, the rest a moving gradient."""
    out = io.BytesIO()
    width, height = size
    with av.open(out, "w", format=fmt) as container:
        if metadata:
            container.metadata.update(metadata)
        if audio_only:
            stream: Any = container.add_stream("aac", rate=16000)
            samples = int(16000 * seconds)
            for start in range(0, samples, 1024):
                frame = av.AudioFrame.from_ndarray(
                    np.zeros((1, 1024), dtype=np.float32), format="fltp", layout="mono"
                )
                frame.sample_rate = 16000
                frame.pts = start
                for packet in stream.encode(frame):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        else:
            _encode_video(container, codec, fps, width, height, seconds, rotation)
    return out.getvalue()


def _encode_video(
    container: Any,
    codec: str,
    fps: int,
    width: int,
    height: int,
    seconds: float,
    rotation: int | None,
) -> None:
    vstream: Any = container.add_stream(codec, rate=fps)
    vstream.width, vstream.height = width, height
    vstream.pix_fmt = "yuv420p"
    if rotation is not None:
        vstream.set_display_rotation(rotation)
    for index in range(round(seconds * fps)):
        pixels = np.zeros((height, width, 3), dtype=np.uint8)
        pixels[:, :, 1] = np.linspace(0, 200, width, dtype=np.uint8)[None, :]
        pixels[:, :, 2] = (index * 10) % 255
        pixels[:, : width // 4] = 255
        picture = av.VideoFrame.from_ndarray(pixels, format="rgb24")
        for packet in vstream.encode(picture):
            container.mux(packet)
    for packet in vstream.encode():
        container.mux(packet)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def png_claiming(width: int, height: int, *, frames: int | None = None) -> bytes:
    """A PNG built by hand whose header (IHDR, valid CRC) claims a size, with almost no data.

    The header of a decompression bomb: a few hundred bytes that say "decode me
    to ``width`` x ``height``". ``frames`` adds an APNG ``acTL`` chunk claiming
    that many frames.
    """
    data = b"\x89PNG\r\n\x1a\n" + _png_chunk(
        b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    )
    if frames is not None:
        data += _png_chunk(b"acTL", struct.pack(">II", frames, 0))
    return data + _png_chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + _png_chunk(b"IEND", b"")


def animation(fmt: str, frames: int, size: tuple[int, int] = (100, 100)) -> bytes:
    """An animated WebP, PNG (APNG) or GIF whose frames all differ (so none is merged)."""
    pictures = [photo(*size, seed=i) for i in range(frames)]
    return encode(pictures[0], fmt, save_all=True, append_images=pictures[1:], duration=100)
