"""Decide a file's type from its first bytes (magic numbers), never from its name.

An allowlist: JPEG, PNG, WebP, HEIC/HEIF photos and MP4, MOV, WebM videos.
Everything else is refused, and where we recognise what it is (a PDF, an SVG,
a GIF, a ZIP ...) the message says so, so that a contributor who renamed a
file understands why. A hand-written table rather than libmagic: we need a
yes/no on seven formats plus a name for common refusals, and libmagic is a C
dependency that knows thousands of formats we would then have to distrust.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import NoReturn

from tellus.content.media.errors import MediaRejected

#: How many bytes :func:`sniff` needs to decide.
HEAD_BYTES = 512


class MediaKind(enum.StrEnum):
    IMAGE = "image"
    VIDEO = "video"


class MediaFormat(enum.StrEnum):
    """An accepted format; the value is the name Pillow or FFmpeg knows it by."""

    JPEG = "JPEG"
    PNG = "PNG"
    WEBP = "WEBP"
    HEIF = "HEIF"
    MP4 = "mp4"
    MOV = "mov"
    WEBM = "webm"

    @property
    def kind(self) -> MediaKind:
        return MediaKind.VIDEO if self in _VIDEO_FORMATS else MediaKind.IMAGE

    @property
    def content_type(self) -> str:
        return _CONTENT_TYPES[self]


_VIDEO_FORMATS = {MediaFormat.MP4, MediaFormat.MOV, MediaFormat.WEBM}
_CONTENT_TYPES = {
    MediaFormat.JPEG: "image/jpeg",
    MediaFormat.PNG: "image/png",
    MediaFormat.WEBP: "image/webp",
    MediaFormat.HEIF: "image/heic",
    MediaFormat.MP4: "video/mp4",
    MediaFormat.MOV: "video/quicktime",
    MediaFormat.WEBM: "video/webm",
}

# ISO base media file brands (the ftyp box). HEIF still images first.
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_QUICKTIME_BRANDS = {b"qt  "}
_MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso7", b"iso8", b"iso9",
    b"mp41", b"mp42", b"mp71", b"avc1", b"M4V ", b"M4VH", b"M4VP", b"dash", b"MSNV",
    b"XAVC", b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"f4v ", b"kddi", b"mmp4",
}  # fmt: skip
# QuickTime files from older cameras have no ftyp box and open with one of these atoms.
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}

ACCEPTED_DESCRIPTION = "photos (JPEG, PNG, WebP, HEIC) and videos (MP4, MOV, WebM)"


@dataclass(frozen=True)
class Sniffed:
    format: MediaFormat

    @property
    def kind(self) -> MediaKind:
        return self.format.kind


def sniff(head: bytes) -> Sniffed:
    """The accepted format of a file from its first :data:`HEAD_BYTES` bytes.

    Raises :class:`MediaRejected` (``empty`` or ``unsupported_type``).
    """
    if not head:
        raise MediaRejected("empty", "The file is empty.")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(MediaFormat.JPEG)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(MediaFormat.PNG)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed(MediaFormat.WEBP)
    if head[4:8] == b"ftyp":
        found = _sniff_ftyp(head)
        if found is not None:
            return Sniffed(found)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        doctype = _ebml_doctype(head)
        if doctype == b"webm":
            return Sniffed(MediaFormat.WEBM)
        if doctype == b"matroska":
            _refuse("a Matroska (MKV) video")
    if head[4:8] in _QUICKTIME_ATOMS and int.from_bytes(head[:4], "big") >= 8:
        return Sniffed(MediaFormat.MOV)
    _refuse(describe_refused(head))


def _sniff_ftyp(head: bytes) -> MediaFormat | None:
    box_size = int.from_bytes(head[:4], "big")
    if box_size < 16:
        return None
    major = head[8:12]
    compatible = {
        head[i : i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)
    }  # fmt: skip
    brands = {major} | compatible
    if major in {b"avif", b"avis"}:
        _refuse("an AVIF image")
    video_major = major in _MP4_BRANDS | _QUICKTIME_BRANDS
    if major in _HEIF_BRANDS or (not video_major and brands & _HEIF_BRANDS):
        if b"avif" in brands and not brands & (_HEIF_BRANDS - {b"mif1", b"msf1"}):
            _refuse("an AVIF image")
        return MediaFormat.HEIF
    if major in _QUICKTIME_BRANDS:
        return MediaFormat.MOV
    if major in _MP4_BRANDS or brands & _MP4_BRANDS:
        return MediaFormat.MP4
    if major in {b"M4A ", b"M4B ", b"M4P "}:
        _refuse("an audio file")
    return None


def _ebml_doctype(head: bytes) -> bytes | None:
    """The EBML DocType (element 0x4282) without a full EBML parser."""
    at = head.find(b"\x42\x82", 4, 64)
    if at < 0 or at + 3 > len(head):
        return None
    size_byte = head[at + 2]
    if not size_byte & 0x80:  # only the one-byte size form is used in practice
        return None
    size = size_byte & 0x7F
    return head[at + 3 : at + 3 + size]


def _refuse(what: str) -> NoReturn:
    raise MediaRejected(
        "unsupported_type",
        f"This file is {what}. We accept {ACCEPTED_DESCRIPTION}.",
        detected=what,
    )


# Signatures of common formats we refuse, to name them in the message.
_REFUSED_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an office document)"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image (or a camera raw file)"),
    (b"MM\x00*", "a TIFF image (or a camera raw file)"),
    (b"\x00\x00\x01\x00", "an icon file"),
    (b"\xff\x0a", "a JPEG XL image"),
    (b"\x00\x00\x00\x0cJXL ", "a JPEG XL image"),
    (b"8BPS", "a Photoshop document"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
    (b"#!", "a script"),
    (b"ID3", "an audio file"),
    (b"OggS", "an Ogg audio or video file"),
    (b"fLaC", "an audio file"),
    (b"\x00\x00\x01\xba", "an MPEG video"),
    (b"\x47\x40", "an MPEG transport stream"),
    (b"FLV", "a Flash video"),
    (b"{\\rtf", "a rich text document"),
)


def describe_refused(head: bytes) -> str:
    """A short name for a refused file, for the contributor's message."""
    for signature, name in _REFUSED_SIGNATURES:
        if head.startswith(signature):
            return name
    if head[:4] == b"RIFF":
        return {b"AVI ": "an AVI video", b"WAVE": "a WAV audio file"}.get(head[8:12], "a RIFF file")
    if head[4:8] == b"ftyp":
        return "a video or image in a format we do not accept"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "a Matroska file"
    text = head.lstrip(b"\xef\xbb\xbf\xfe\xff \t\r\n").lower()
    if text.startswith(b"<"):
        if b"<svg" in text:
            return "an SVG drawing"
        if b"<html" in text or b"<!doctype html" in text or b"<script" in text or b"<body" in text:
            return "a web page (HTML)"
        return "an XML document"
    if text.startswith((b"#extm3u", b"#ext-x")):
        return "a playlist"
    if _looks_like_text(head):
        return "a text file"
    return "a file in an unknown format"


def _looks_like_text(head: bytes) -> bool:
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError:
        # The head may end inside a multi-byte character.
        try:
            decoded = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return all(ch.isprintable() or ch in "\r\n\t" for ch in decoded)
