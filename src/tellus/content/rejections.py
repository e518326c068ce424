"""The media pipeline's refusal and notice codes, in the contributor's language."""

from __future__ import annotations

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


def rejection_message(code: str) -> str:
    return str(_REJECTIONS.get(code, _("The file cannot be used.")))


def notice_message(code: str) -> str:
    return str(_NOTICES.get(code, code))
