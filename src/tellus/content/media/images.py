"""Decode an accepted photo safely and make its public renditions.

Order matters for safety: the pixel cap (width x height x frames, ours, with
frames counted) is checked from the header before any pixel is decoded;
Pillow is told the one format the bytes were sniffed as, so no other decoder
is ever tried; ``LOAD_TRUNCATED_IMAGES`` stays False, so a truncated file is
refused, even a JPEG that only lacks its end marker (it did not decode
fully, and cameras and phones never write one).
Public files are rebuilt from pixels, so a JPEG comment, EXIF, XMP or a
colour profile never reaches them; colours are converted to sRGB first.

Big JPEGs are decoded with DCT scaling (``draft``) to the smallest size that
still covers the largest rendition, which is most of the speed.
"""

from __future__ import annotations

import base64
import io
import warnings
from collections.abc import Sequence
from typing import BinaryIO

import pillow_heif
from PIL import Image, ImageCms, ImageFile, ImageOps

from tellus.content.media.errors import MediaRejected, Notice
from tellus.content.media.exif import notice, orientation, read_photo_metadata
from tellus.content.media.fingerprint import oddity_flags, perceptual_hash
from tellus.content.media.limits import DEFAULT_LIMITS, MediaLimits
from tellus.content.media.result import ProcessedMedia, Rendition
from tellus.content.media.sniff import HEAD_BYTES, MediaFormat, MediaKind, sniff
from tellus.content.media.source import Source, open_source, too_big

pillow_heif.register_heif_opener()

_SRGB = ImageCms.createProfile("sRGB")
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError)


def process_image(
    source: Source,
    *,
    size: int | None = None,
    limits: MediaLimits = DEFAULT_LIMITS,
    analyse: bool = True,
) -> ProcessedMedia:
    """Check, decode and render one photo.

    ``analyse=False`` skips the placeholder, hash and flags (used to compare
    the bare decode-and-resize path with other tools).
    Raises :class:`MediaRejected`.
    """
    with open_source(source, size=size, limits=limits) as (fp, actual_size):
        found = sniff(fp.read(HEAD_BYTES))
        if found.kind is not MediaKind.IMAGE:
            raise MediaRejected(
                "unsupported_type",
                "This file is a video; a photo was expected.",
                detected="a video",
            )
        fp.seek(0)
        return decode_image(fp, found.format, actual_size, limits=limits, analyse=analyse)


def decode_image(
    fp: BinaryIO,
    fmt: MediaFormat,
    size_bytes: int,
    *,
    limits: MediaLimits,
    analyse: bool = True,
) -> ProcessedMedia:
    """The image half of the pipeline, once the bytes are known to be ``fmt``."""
    if size_bytes > limits.max_image_bytes:
        raise too_big(size_bytes, limits.max_image_bytes)
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False")
    img = _open_checked(fp, fmt, limits)
    picture: Image.Image | None = None
    try:
        frames = _frame_count(img)
        stored_size = img.size
        if fmt is MediaFormat.JPEG:
            # A JPEG's EXIF is in its header: orientation is known before decoding.
            width, height = _oriented(stored_size, orientation(img))
            widest = rendition_widths_for(width, limits.rendition_widths)[-1]
            _draft(img, widest, width, height, quarter_turn=(width, height) != stored_size)
        # Decode before reading metadata: for some formats (PNG) reading EXIF
        # decodes the image, and a decoding error must not pass as a metadata one.
        _load(img)
        turn = orientation(img)
        width, height = _oriented(stored_size, turn)
        target = rendition_widths_for(width, limits.rendition_widths)
        metadata, notices = read_photo_metadata(img, max_text_length=limits.max_text_length)
        profile = img.info.get("icc_profile")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # corrupt EXIF is reported as a notice
                oriented = ImageOps.exif_transpose(img) if turn != 1 else img
        except _DECODE_ERRORS:
            oriented = img  # orientation was unreadable: keep the picture as stored
            width, height = stored_size
            target = rendition_widths_for(width, limits.rendition_widths)
        picture = normalise_mode(oriented)
    finally:
        # Our file object stays open for the caller; this frees the decoder.
        if picture is not img:
            img.close()

    # The colour profile is applied to the largest rendition, not the full
    # decode: the same result for a fraction of the work.
    aspect = height / width
    largest, profile_notice = to_srgb(resized(picture, target[-1], aspect), profile)
    if profile_notice is not None:
        notices.append(profile_notice)
    renditions = make_renditions(largest, target, quality=limits.webp_quality, aspect=aspect)
    if not analyse:
        return ProcessedMedia(
            format=fmt,
            width=width,
            height=height,
            size_bytes=size_bytes,
            renditions=renditions,
            placeholder="",
            perceptual_hash=None,
            flags=frozenset(),
            metadata=metadata,
            notices=tuple(notices),
            frames=frames,
        )
    small = resized(largest, min(largest.width, 640), aspect)
    flags = oddity_flags(
        small,
        original_size=(width, height),
        source_format=fmt.value,
        has_camera_metadata=bool(metadata.camera_make or metadata.camera_model),
        names_rights_holder=metadata.names_a_rights_holder,
    )
    return ProcessedMedia(
        format=fmt,
        width=width,
        height=height,
        size_bytes=size_bytes,
        renditions=renditions,
        placeholder=placeholder(small, width=limits.placeholder_width),
        perceptual_hash=perceptual_hash(small),
        flags=flags,
        metadata=metadata,
        notices=tuple(notices),
        frames=frames,
    )


def _open_checked(fp: BinaryIO, fmt: MediaFormat, limits: MediaLimits) -> Image.Image:
    """Open (header only) with one decoder, and apply our caps before any decoding."""
    try:
        with warnings.catch_warnings():
            # Our own cap below is the one that counts; Pillow's warning is noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            # "Corrupt EXIF" while sniffing for MPO: reported later as a notice.
            warnings.simplefilter("ignore", UserWarning)
            img = Image.open(fp, formats=[fmt.value])
    except Image.DecompressionBombError as exc:
        raise MediaRejected(
            "too_many_pixels",
            f"The image has too many pixels; the limit is {limits.max_image_pixels:,}.",
            limit=limits.max_image_pixels,
        ) from exc
    except (Image.UnidentifiedImageError, *_DECODE_ERRORS) as exc:
        raise _undecodable(exc) from exc
    try:
        _check_declared_size(img, limits)
    except MediaRejected:
        _release(img)
        raise
    except _DECODE_ERRORS as exc:
        _release(img)
        raise _undecodable(exc) from exc
    return img


def _release(img: Image.Image) -> None:
    """Let go of an image opened but not decoded, leaving the caller's file open.

    ``Image.close()`` would close the file object too; the context manager
    closes only a file Pillow opened itself.
    """
    with img:
        pass


def _check_declared_size(img: Image.Image, limits: MediaLimits) -> None:
    """The pixel cap (width x height x frames), then the longest side, from the header."""
    width, height = img.size
    if width <= 0 or height <= 0:
        raise MediaRejected("undecodable", "The image has no pixels; the file is damaged.")
    frames = _frame_count(img)
    if width * height * frames > limits.max_image_pixels:
        what = f"{width} x {height} pixels" + (f" x {frames} frames" if frames > 1 else "")
        raise MediaRejected(
            "too_many_pixels",
            f"The image is {what}; the limit is {limits.max_image_pixels:,} pixels.",
            width=width,
            height=height,
            frames=frames,
            limit=limits.max_image_pixels,
        )
    if max(width, height) > limits.max_side:
        raise MediaRejected(
            "too_wide",
            f"The image is {width} x {height} pixels; no side may exceed {limits.max_side} pixels.",
            width=width,
            height=height,
            limit=limits.max_side,
        )


def check_image_header(
    fp: BinaryIO, fmt: MediaFormat, *, limits: MediaLimits
) -> tuple[int, int, int]:
    """Width, height and frames from the header of a photo sniffed as ``fmt``; no pixel decoded.

    Raises :class:`MediaRejected` as :func:`decode_image` would for a header
    over the caps or one that cannot be read at all.
    """
    img = _open_checked(fp, fmt, limits)
    try:
        width, height = img.size
        return width, height, _frame_count(img)
    finally:
        _release(img)


def _oriented(size: tuple[int, int], turn: int) -> tuple[int, int]:
    """Size as displayed: EXIF orientations 5 to 8 swap width and height."""
    return (size[1], size[0]) if turn >= 5 else size


def _frame_count(img: Image.Image) -> int:
    """Frames as the header counts them (every accepted format declares its count)."""
    frames = getattr(img, "n_frames", 1)
    return frames if isinstance(frames, int) and frames > 0 else 1


def _draft(
    img: Image.Image, target_width: int, width: int, height: int, *, quarter_turn: bool
) -> None:
    """Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that still covers ``target_width``."""
    need_w = target_width
    need_h = max(1, -(-target_width * height // width))
    if quarter_turn:
        need_w, need_h = need_h, need_w
    mode = "RGB" if img.mode in {"RGB", "YCbCr"} else None
    try:
        img.draft(mode, (need_w, need_h))
    except _DECODE_ERRORS as exc:
        raise _undecodable(exc) from exc


def _load(img: Image.Image) -> None:
    try:
        img.load()
    except _DECODE_ERRORS as exc:
        raise _undecodable(exc) from exc
    except MemoryError as exc:  # pragma: no cover - the caps are meant to prevent this
        raise MediaRejected("too_many_pixels", "The image is too large to decode.") from exc


def _undecodable(exc: BaseException) -> MediaRejected:
    if "truncated" in str(exc).lower() or isinstance(exc, EOFError):
        return MediaRejected(
            "truncated",
            "The file is incomplete (it was cut off during upload or copying); "
            "please upload it again.",
        )
    return MediaRejected("undecodable", "The file is damaged and cannot be read as an image.")


def normalise_mode(img: Image.Image) -> Image.Image:
    """RGB, or RGBA when the file has transparency, whatever the file's own mode."""
    if img.mode in {"I;16", "I;16B", "I;16L", "I;16N", "I"}:
        img = img.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    has_alpha = img.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or (
        img.mode == "P" and "transparency" in img.info
    )
    wanted = "RGBA" if has_alpha else "RGB"
    if img.mode == wanted:
        return img  # the renditions are rebuilt from pixels anyway: no copy needed
    try:
        return img.convert(wanted)
    except _DECODE_ERRORS as exc:
        raise _undecodable(exc) from exc


def to_srgb(img: Image.Image, profile: object) -> tuple[Image.Image, Notice | None]:
    """Convert RGB(A) pixels from the file's colour profile to sRGB (the web's)."""
    if not isinstance(profile, bytes) or not profile:
        return img, None
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        colour = img.convert("RGB") if img.mode == "RGBA" else img
        out = ImageCms.profileToProfile(colour, source, _SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, *_DECODE_ERRORS):
        return img, notice("colour_profile_ignored")
    if out is None:  # pragma: no cover - only with inPlace=True
        return img, None
    if img.mode == "RGBA":
        out.putalpha(img.getchannel("A"))
    return out, None


def rendition_widths_for(width: int, widths: Sequence[int]) -> list[int]:
    """The configured widths below the picture's, then the picture's own (capped)."""
    chosen = [w for w in widths if w < width]
    chosen.append(min(width, max(widths)))
    return sorted(set(chosen))


def resized(img: Image.Image, width: int, aspect: float | None = None) -> Image.Image:
    """``img`` at ``width``; the height from ``aspect`` (height / width) or the image's own."""
    height = max(1, round(width * (aspect or img.height / img.width)))
    if (width, height) == img.size:
        return img
    return img.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=2.0)


def _rebuilt(img: Image.Image) -> Image.Image:
    """A new image from the pixel data alone: no info, EXIF, XMP, comment or profile."""
    return Image.frombytes(img.mode, img.size, img.tobytes())


def make_renditions(
    picture: Image.Image, widths: Sequence[int], *, quality: int, aspect: float | None = None
) -> tuple[Rendition, ...]:
    """WebP renditions at ``widths`` (already limited to the picture's width)."""
    renditions = []
    current = picture
    aspect = aspect or picture.height / picture.width
    for width in sorted(widths, reverse=True):
        # Each size is made from the next larger one: far faster, and with
        # LANCZOS the difference is invisible at these ratios.
        current = resized(current, width, aspect)
        renditions.append(_encode(_rebuilt(current), quality=quality))
    return tuple(reversed(renditions))


def _encode(img: Image.Image, *, quality: int) -> Rendition:
    out = io.BytesIO()
    img.save(out, "WEBP", quality=quality, method=4, exif=b"", xmp=b"", icc_profile=None)
    return Rendition(width=img.width, height=img.height, data=out.getvalue())


def placeholder(img: Image.Image, *, width: int) -> str:
    """A tiny blurred WebP as a data URI, shown while the real picture loads."""
    small = _rebuilt(resized(img, min(width, img.width)))
    out = io.BytesIO()
    small.save(out, "WEBP", quality=40, method=4)
    return "data:image/webp;base64," + base64.b64encode(out.getvalue()).decode("ascii")
