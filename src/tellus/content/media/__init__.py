"""The media pipeline: uploaded bytes in, safe public renditions and facts out.

Pure functions, no Django: the content app calls :func:`check_header` while
the contributor waits (the size and what the header declares, no pixel
decoded), then :func:`process_media` from a background job with a file path
or file object (and its size), stores the returned renditions and records the
rest. Everything refused raises
:class:`MediaRejected` with a stable ``code``, an English ``message`` and
``params``; the Django side translates by code. Refusal codes:

``empty``             the file has no bytes
``too_big``           the file is over the size limit (checked before reading it)
``unsupported_type``  not JPEG, PNG, WebP, HEIC/HEIF, MP4, MOV or WebM (by its bytes)
``too_many_pixels``   width x height x frames over the cap (checked from the header)
``too_wide``          a side over the limit (checked from the header)
``truncated``         the file was cut off
``undecodable``       the file is damaged
``video_too_long``    over the duration limit (from the header when it declares one)
``no_video_stream``   a video container with no picture track

Accepted files may carry :class:`Notice` objects for the contributor (codes
``gps_invalid``, ``gps_out_of_range``, ``gps_null_island``, ``date_invalid``,
``metadata_unreadable``, ``colour_profile_ignored``) and ``flags`` for a
moderator (heuristics, see :mod:`.fingerprint`).

Text read from files (description, artist, camera ...) is returned RAW, with
control characters removed and lengths capped: escape it on output.
"""

from __future__ import annotations

from tellus.content.media.errors import NOTICE_CODES, REJECTION_CODES, MediaRejected, Notice
from tellus.content.media.exif import GeoPoint, PhotoMetadata
from tellus.content.media.fingerprint import (
    NEAR_DUPLICATE_DISTANCE,
    NOT_PHOTO_FLAGS,
    WATERMARK_FLAGS,
    from_signed64,
    hamming_distance,
    to_signed64,
)
from tellus.content.media.header import HeaderFacts, check_header
from tellus.content.media.images import decode_image, process_image
from tellus.content.media.limits import DEFAULT_LIMITS, MediaLimits
from tellus.content.media.result import ProcessedMedia, Rendition
from tellus.content.media.sniff import HEAD_BYTES, MediaFormat, MediaKind, sniff
from tellus.content.media.source import Source, open_source
from tellus.content.media.video import decode_video

__all__ = [
    "DEFAULT_LIMITS",
    "NEAR_DUPLICATE_DISTANCE",
    "NOTICE_CODES",
    "NOT_PHOTO_FLAGS",
    "REJECTION_CODES",
    "WATERMARK_FLAGS",
    "GeoPoint",
    "HeaderFacts",
    "MediaFormat",
    "MediaKind",
    "MediaLimits",
    "MediaRejected",
    "Notice",
    "PhotoMetadata",
    "ProcessedMedia",
    "Rendition",
    "Source",
    "check_header",
    "from_signed64",
    "hamming_distance",
    "is_near_duplicate",
    "process_image",
    "process_media",
    "sniff",
    "to_signed64",
]


def process_media(
    source: Source, *, size: int | None = None, limits: MediaLimits = DEFAULT_LIMITS
) -> ProcessedMedia:
    """Check and process one upload (photo or video), deciding its type from its bytes.

    ``source`` is a path, a binary file object (``size`` saves a seek; a
    stream that cannot seek is spooled to a temporary file under the limit)
    or bytes. Raises :class:`MediaRejected`; nothing is half-made.
    """
    with open_source(source, size=size, limits=limits) as (fp, actual_size):
        found = sniff(fp.read(HEAD_BYTES))
        fp.seek(0)
        if found.kind is MediaKind.VIDEO:
            return decode_video(fp, found.format, actual_size, limits=limits)
        return decode_image(fp, found.format, actual_size, limits=limits)


def is_near_duplicate(a: int, b: int, *, distance: int = NEAR_DUPLICATE_DISTANCE) -> bool:
    """Whether two perceptual hashes are the same picture (re-encoded, resized ...)."""
    return hamming_distance(a, b) <= distance
