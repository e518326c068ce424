"""The media pipeline's refusal and notice codes, in the contributor's language.

A refusal made while the contributor waits carries the figures from the
file's header (``params``): the message then says how big the file is and
what the limit is. A refusal recorded on an item keeps only its code, and
gets the short message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

_REJECTIONS = {
    "empty": gettext_lazy("The file is empty."),
    "too_big": gettext_lazy("The file is too big."),
    "unsupported_type": gettext_lazy(
        "This type of file is not accepted: share photos (JPEG, PNG, WebP, HEIC) or videos "
        "(MP4, MOV, WebM)."
    ),
    "too_many_pixels": gettext_lazy("The image has too many pixels."),
    "too_wide": gettext_lazy("The image or video is too wide or too tall."),
    "truncated": gettext_lazy("The file is incomplete (it was cut off). Try uploading it again."),
    "undecodable": gettext_lazy("The file is damaged and cannot be read."),
    "video_too_long": gettext_lazy("The video is too long."),
    "no_video_stream": gettext_lazy("The file contains no video picture."),
}
_NOTICES = {
    "gps_invalid": gettext_lazy("The photo's location data is damaged; it was left out."),
    "gps_out_of_range": gettext_lazy("The photo's location is impossible; it was left out."),
    "gps_null_island": gettext_lazy("The photo's location is 0, 0 (no fix); it was left out."),
    "date_invalid": gettext_lazy(
        "The date the photo was taken could not be read; it was left out."
    ),
    "metadata_unreadable": gettext_lazy("The photo's metadata could not be read; it was left out."),
    "colour_profile_ignored": gettext_lazy(
        "The photo's colour profile could not be read; colours may differ."
    ),
}


def rejection_message(code: str, params: Mapping[str, Any] | None = None) -> str:
    """What the contributor is told; with the figures in ``params`` when there are any."""
    if params:
        detailed = _detailed(code, params)
        if detailed:
            return detailed
    return str(_REJECTIONS.get(code, _("The file cannot be used.")))


def _number(value: float) -> str:
    return number_format(value, force_grouping=True)


def _megapixels(pixels: int) -> str:
    value = pixels / 1_000_000
    return number_format(round(value, 1) if value < 10 else round(value), force_grouping=True)


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _detailed(code: str, params: Mapping[str, Any]) -> str | None:
    """The message with the file's own figures, or None when they are missing or odd."""
    try:
        if code == "too_many_pixels":
            return _too_many_pixels(params)
        if code == "too_wide":
            return _(
                "The picture is %(width)s × %(height)s pixels; the limit is %(limit)s "
                "pixels a side. Make it smaller and share it again."
            ) % {
                "width": _number(int(params["width"])),
                "height": _number(int(params["height"])),
                "limit": _number(int(params["limit"])),
            }
        if code == "video_too_long":
            return _(
                "The video lasts %(length)s; the limit is %(limit)s. Shorten it and share it again."
            ) % {
                "length": _clock(float(params["seconds"])),
                "limit": _clock(float(params["limit"])),
            }
        if code == "too_big":
            return _("The file is too big: %(size)s; the limit is %(limit)s.") % {
                "size": filesizeformat(int(params["size"])),
                "limit": filesizeformat(int(params["limit"])),
            }
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    return None


def _too_many_pixels(params: Mapping[str, Any]) -> str:
    limit = _megapixels(int(params["limit"]))
    if "width" not in params:
        return _(
            "The picture has too many pixels; the limit is %(limit)s megapixels. "
            "Make it smaller and share it again."
        ) % {"limit": limit}
    width, height = int(params["width"]), int(params["height"])
    size = {"width": _number(width), "height": _number(height), "limit": limit}
    if "frames" not in params:  # one frame of a video
        return (
            _(
                "The video's picture is %(width)s × %(height)s pixels; the limit is "
                "%(limit)s megapixels a frame."
            )
            % size
        )
    frames = int(params["frames"])
    if frames > 1:
        return _(
            "The animation is %(width)s × %(height)s pixels in %(frames)s frames, "
            "%(megapixels)s megapixels in all; the limit is %(limit)s megapixels. "
            "Share a smaller or shorter one."
        ) % {**size, "frames": _number(frames), "megapixels": _megapixels(width * height * frames)}
    return _(
        "The picture is %(width)s × %(height)s pixels, %(megapixels)s megapixels; the limit "
        "is %(limit)s megapixels. Make it smaller and share it again."
    ) % {**size, "megapixels": _megapixels(width * height)}


def notice_message(code: str) -> str:
    return str(_NOTICES.get(code, code))
