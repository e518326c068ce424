"""What the pipeline hands back: plain frozen data, nothing tied to Django."""

from __future__ import annotations

from dataclasses import dataclass, field

from tellus.content.media.errors import Notice
from tellus.content.media.exif import PhotoMetadata
from tellus.content.media.sniff import MediaFormat, MediaKind


@dataclass(frozen=True)
class Rendition:
    """A public WebP file made from pixels only: no EXIF, XMP, ICC or comment."""

    width: int
    height: int
    data: bytes = field(repr=False)
    content_type: str = "image/webp"
    extension: str = "webp"


@dataclass(frozen=True)
class ProcessedMedia:
    """An accepted upload: renditions to store, and facts for the record.

    ``renditions`` go to public storage; the original file should not.
    ``metadata`` text is raw (escape it on output). ``flags`` are heuristics
    for a moderator, ``notices`` are for the contributor.
    """

    format: MediaFormat
    #: Size as displayed (after EXIF orientation or a video's rotation).
    width: int
    height: int
    size_bytes: int
    renditions: tuple[Rendition, ...]
    #: A ``data:image/webp;base64,...`` URI of a tiny version, for blur-up.
    placeholder: str
    perceptual_hash: int | None
    flags: frozenset[str]
    metadata: PhotoMetadata
    notices: tuple[Notice, ...]
    #: Number of frames in the image file (animations), 1 for stills and videos.
    frames: int = 1
    #: Video only: length in seconds and the codec of the picture track.
    duration: float | None = None
    video_codec: str | None = None

    @property
    def kind(self) -> MediaKind:
        return self.format.kind

    @property
    def content_type(self) -> str:
        """MIME type of the original upload (decided from its bytes)."""
        return self.format.content_type
