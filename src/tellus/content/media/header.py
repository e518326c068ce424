"""Refuse, from its header alone, an upload that can never be processed.

Run while the contributor waits, before anything is stored: the size against
the limit for the kind of file, then what the header declares (width, height,
frames; a video's frame size and duration) against the caps. No pixel is
decoded: Pillow's ``Image.open`` reads the header and stops (frames come from
the header's own count: APNG's ``acTL``, WebP's animation chunks, HEIF's list
of images, MPO's index), and PyAV opens a video with its demuxer forced and
its probing bounded. A hostile header (absurd sizes, a huge frame count, a cut
or garbled header) costs a few milliseconds and raises :class:`MediaRejected`
like the full pipeline does, with the same codes.

What only decoding finds (a file cut off after its header, a corrupt stream)
passes here and is refused by :func:`tellus.content.media.process_media` in
the background job.
"""

from __future__ import annotations

from dataclasses import dataclass

from tellus.content.media.images import check_image_header
from tellus.content.media.limits import DEFAULT_LIMITS, MediaLimits
from tellus.content.media.sniff import HEAD_BYTES, MediaFormat, MediaKind, sniff
from tellus.content.media.source import Source, open_source, too_big
from tellus.content.media.video import check_video_header


@dataclass(frozen=True)
class HeaderFacts:
    """What an accepted header declares (as stored: EXIF orientation not applied)."""

    format: MediaFormat
    width: int
    height: int
    size_bytes: int
    #: Frames of an image (animations), 1 for stills and videos.
    frames: int = 1
    #: A video's declared length in seconds, when its header gives one.
    duration: float | None = None

    @property
    def kind(self) -> MediaKind:
        return self.format.kind


def check_header(
    source: Source, *, size: int | None = None, limits: MediaLimits = DEFAULT_LIMITS
) -> HeaderFacts:
    """The format and declared size of an upload, or :class:`MediaRejected` if over the limits.

    ``source`` is read as :func:`tellus.content.media.process_media` reads it;
    a file object is left open (its position is not restored: seek before
    reading it again).
    """
    with open_source(source, size=size, limits=limits) as (fp, actual_size):
        found = sniff(fp.read(HEAD_BYTES))
        fp.seek(0)
        fmt = found.format
        if fmt.kind is MediaKind.VIDEO:
            if actual_size > limits.max_video_bytes:
                raise too_big(actual_size, limits.max_video_bytes)
            width, height, duration = check_video_header(fp, fmt, limits=limits)
            return HeaderFacts(fmt, width, height, actual_size, duration=duration)
        if actual_size > limits.max_image_bytes:
            raise too_big(actual_size, limits.max_image_bytes)
        width, height, frames = check_image_header(fp, fmt, limits=limits)
        return HeaderFacts(fmt, width, height, actual_size, frames=frames)
