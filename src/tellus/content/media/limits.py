"""Limits on what the media pipeline accepts.

Defaults suit a phone's photos and short clips; the Django settings build one
``MediaLimits`` from the environment. A bad value fails at start-up
(``ValueError``), not on the first upload.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class MediaLimits:
    """Caps checked from the file's size and header, before anything is decoded."""

    #: Largest photo file accepted, in bytes.
    max_image_bytes: int = 50 * MIB
    #: Largest video file accepted, in bytes.
    max_video_bytes: int = 512 * MIB
    #: Cap on width x height x frames of an image (48-megapixel phones fit).
    #: Pillow's own guard only warns below twice its limit and ignores frames.
    max_image_pixels: int = 60_000_000
    #: Longest side of an image or video frame, in pixels.
    max_side: int = 16_384
    #: Cap on width x height of one video frame (8K fits).
    max_video_frame_pixels: int = 7680 * 4320
    #: Longest video accepted, in seconds.
    max_video_seconds: float = 180.0
    #: Widths of the public WebP renditions; never upscaled.
    rendition_widths: tuple[int, ...] = (320, 640, 1280, 2048)
    #: WebP quality of the renditions (0-100).
    webp_quality: int = 80
    #: Width of the tiny placeholder shown while a rendition loads.
    placeholder_width: int = 16
    #: Longest text kept from metadata (description, artist, copyright ...).
    max_text_length: int = 500

    def __post_init__(self) -> None:
        for name in (
            "max_image_bytes",
            "max_video_bytes",
            "max_image_pixels",
            "max_side",
            "max_video_frame_pixels",
            "placeholder_width",
            "max_text_length",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"MediaLimits.{name} must be a positive integer, not {value!r}")
        seconds = self.max_video_seconds
        if not isinstance(seconds, int | float) or isinstance(seconds, bool) or not seconds > 0:
            raise ValueError(f"MediaLimits.max_video_seconds must be positive, not {seconds!r}")
        widths = self.rendition_widths
        if (
            not widths
            or any(not isinstance(w, int) or isinstance(w, bool) or w <= 0 for w in widths)
            or list(widths) != sorted(set(widths))
        ):
            raise ValueError(
                f"MediaLimits.rendition_widths must be increasing positive integers, not {widths!r}"
            )
        if max(widths) > 16_383:
            raise ValueError("MediaLimits.rendition_widths cannot exceed WebP's 16383 pixels")
        if not isinstance(self.webp_quality, int) or not 0 <= self.webp_quality <= 100:
            raise ValueError(f"MediaLimits.webp_quality must be 0-100, not {self.webp_quality!r}")

    @property
    def max_bytes(self) -> int:
        """The largest file of any accepted kind: checked before the type is known."""
        return max(self.max_image_bytes, self.max_video_bytes)


DEFAULT_LIMITS = MediaLimits()
