"""The one exception the media pipeline raises, and the notices it hands back.

The pipeline is pure (no Django), so it cannot translate: each refusal and
notice carries a stable ``code``, an English ``message`` and the ``params``
that went into it. The Django side translates by code and formats with the
params. The codes are listed in :mod:`tellus.content.media`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

#: Refusal codes, with what the contributor is told (English source text).
REJECTION_CODES: Mapping[str, str] = MappingProxyType(
    {
        "empty": "The file is empty.",
        "too_big": "The file is too big.",
        "unsupported_type": "This type of file is not accepted.",
        "too_many_pixels": "The image has too many pixels.",
        "too_wide": "The image or video is too wide or too tall.",
        "truncated": "The file is incomplete (it was cut off).",
        "undecodable": "The file is damaged and cannot be read.",
        "video_too_long": "The video is too long.",
        "no_video_stream": "The file contains no video picture.",
    }
)

#: Notice codes: the file is accepted, but the contributor is told something.
NOTICE_CODES: Mapping[str, str] = MappingProxyType(
    {
        "gps_invalid": "The photo's location data is damaged; it was left out.",
        "gps_out_of_range": "The photo's location is impossible; it was left out.",
        "gps_null_island": "The photo's location is 0, 0 (no fix); it was left out.",
        "date_invalid": "The date the photo was taken could not be read; it was left out.",
        "metadata_unreadable": "The photo's metadata could not be read; it was left out.",
        "colour_profile_ignored": (
            "The photo's colour profile could not be read; colours may differ."
        ),
    }
)


class MediaRejected(Exception):
    """A file the pipeline refuses. Nothing was produced from it."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        if code not in REJECTION_CODES:
            raise ValueError(f"unknown rejection code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.params: dict[str, Any] = params

    def __repr__(self) -> str:
        return f"MediaRejected({self.code!r}, {self.message!r})"


@dataclass(frozen=True)
class Notice:
    """Something the contributor should be told about an accepted file."""

    code: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in NOTICE_CODES:
            raise ValueError(f"unknown notice code {self.code!r}")
