"""Read a photo's location, date taken and credits for the record.

What is read here goes into the database, never into a public file: the
renditions are rebuilt from pixels. Metadata is written by whoever made the
file, so every value is checked: a malformed or absurd GPS position (out of
range, NaN, a zero denominator, a string where numbers belong, no hemisphere)
gives "no location" and a :class:`Notice` for the contributor, never an
exception. Text comes back raw but cleaned (see :mod:`.text`): callers escape
it on output.

XMP is searched with a pattern, not parsed as XML, so that a hostile packet
(entity expansion) costs nothing; we only want three credit fields from it.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from html import unescape

from PIL import Image, TiffImagePlugin

from tellus.content.media.errors import NOTICE_CODES, Notice
from tellus.content.media.text import clean_text

_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
_TAG_MAKE, _TAG_MODEL, _TAG_DESCRIPTION = 0x010F, 0x0110, 0x010E
_TAG_ARTIST, _TAG_COPYRIGHT = 0x013B, 0x8298
_TAG_XP_TITLE, _TAG_XP_AUTHOR = 0x9C9B, 0x9C9D
_TAG_ORIGINAL, _TAG_DIGITIZED = 0x9003, 0x9004
_TAG_OFFSET_ORIGINAL, _TAG_USER_COMMENT = 0x9011, 0x9286
_TAG_ORIENTATION = 0x0112
_XMP_LIMIT = 256 * 1024
_NAME_LIMIT = 200


@dataclass(frozen=True)
class GeoPoint:
    """A WGS 84 position in decimal degrees."""

    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        for name, value, bound in (
            ("latitude", self.latitude, 90.0),
            ("longitude", self.longitude, 180.0),
        ):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number, not {type(value).__name__}")
            if not math.isfinite(value) or abs(value) > bound:
                raise ValueError(f"{name} must be between -{bound:g} and {bound:g}, not {value}")


@dataclass(frozen=True)
class PhotoMetadata:
    """What a file says about itself, for the record. Text is raw: escape on output."""

    location: GeoPoint | None = None
    taken_at: datetime | None = None
    camera_make: str | None = None
    camera_model: str | None = None
    description: str | None = None
    artist: str | None = None
    copyright: str | None = None
    credit: str | None = None

    @property
    def names_a_rights_holder(self) -> bool:
        """True when the file names an author or rights holder (compare with the contributor)."""
        return bool(self.artist or self.copyright or self.credit)


class _BadValue(Exception):
    pass


def notice(code: str, **params: object) -> Notice:
    return Notice(code, NOTICE_CODES[code], params)


def orientation(img: Image.Image) -> int:
    """The EXIF orientation (1-8), 1 when absent or unreadable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # reported by read_photo_metadata
            value = img.getexif().get(_TAG_ORIENTATION, 1)
    except Exception:
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def read_photo_metadata(
    img: Image.Image, *, max_text_length: int, now: datetime | None = None
) -> tuple[PhotoMetadata, list[Notice]]:
    """Metadata of an opened (not necessarily loaded) image, and notices about it."""
    notices: list[Notice] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            # Pillow warns and goes on when EXIF is corrupt: tell the contributor instead.
            warnings.simplefilter("always")
            raw = img.info.get("exif")
            if isinstance(raw, bytes):
                exif = Image.Exif()
                exif.load(raw)  # parsed afresh: getexif() may have warned already
            else:
                exif = img.getexif()
            gps_ifd = dict(exif.get_ifd(_GPS_IFD))
            exif_ifd = dict(exif.get_ifd(_EXIF_IFD))
            ifd0 = dict(exif)
        if any("EXIF" in str(w.message) for w in caught):
            notices.append(notice("metadata_unreadable"))
    except Exception:
        notices.append(notice("metadata_unreadable"))
        gps_ifd, exif_ifd, ifd0 = {}, {}, {}

    location, gps_notice = read_gps(gps_ifd)
    if gps_notice is not None:
        notices.append(gps_notice)
    taken_at, date_notice = _taken_at(exif_ifd, now=now)
    if date_notice is not None:
        notices.append(date_notice)

    def text(value: object, limit: int = _NAME_LIMIT) -> str | None:
        return clean_text(_utf8_in_ascii(value), max_length=min(limit, max_text_length))

    xmp = _xmp_fields(img.info.get("xmp"))
    description = text(ifd0.get(_TAG_DESCRIPTION), max_text_length) or text(
        _utf16(ifd0.get(_TAG_XP_TITLE)), max_text_length
    )
    if description is None:
        description = text(exif_ifd.get(_TAG_USER_COMMENT), max_text_length)
    metadata = PhotoMetadata(
        location=location,
        taken_at=taken_at,
        camera_make=text(ifd0.get(_TAG_MAKE)),
        camera_model=text(ifd0.get(_TAG_MODEL)),
        description=description,
        artist=text(ifd0.get(_TAG_ARTIST))
        or text(_utf16(ifd0.get(_TAG_XP_AUTHOR)))
        or text(xmp.get("creator"))
        or text(img.info.get("Author")),
        copyright=text(ifd0.get(_TAG_COPYRIGHT))
        or text(xmp.get("rights"))
        or text(img.info.get("Copyright")),
        credit=text(xmp.get("credit")),
    )
    return metadata, notices


def read_gps(gps_ifd: dict[int, object]) -> tuple[GeoPoint | None, Notice | None]:
    """Position from an EXIF GPS IFD; (None, notice) when it is there but wrong."""
    if 2 not in gps_ifd and 4 not in gps_ifd:
        return None, None
    try:
        latitude = _dms(gps_ifd.get(2)) * _hemisphere(gps_ifd.get(1), "N", "S")
        longitude = _dms(gps_ifd.get(4)) * _hemisphere(gps_ifd.get(3), "E", "W")
    except _BadValue as exc:
        return None, notice("gps_invalid", reason=str(exc))
    return checked_point(latitude, longitude)


def checked_point(latitude: float, longitude: float) -> tuple[GeoPoint | None, Notice | None]:
    if abs(latitude) > 90 or abs(longitude) > 180:
        return None, notice("gps_out_of_range", latitude=latitude, longitude=longitude)
    if latitude == 0 and longitude == 0:
        return None, notice("gps_null_island")
    return GeoPoint(latitude, longitude), None


def _number(value: object) -> float:
    if isinstance(value, TiffImagePlugin.IFDRational):
        if value.denominator == 0:
            raise _BadValue("zero denominator")
        result = float(value.numerator) / float(value.denominator)
    elif isinstance(value, tuple) and len(value) == 2 and all(type(v) is int for v in value):
        if value[1] == 0:
            raise _BadValue("zero denominator")
        result = value[0] / value[1]
    elif isinstance(value, int | float) and not isinstance(value, bool):
        result = float(value)
    else:
        raise _BadValue(f"not a number: {type(value).__name__}")
    if not math.isfinite(result):
        raise _BadValue("not a finite number")
    return result


def _dms(value: object) -> float:
    """Degrees, minutes, seconds (or fewer parts) as decimal degrees."""
    if isinstance(value, TiffImagePlugin.IFDRational | int | float) and not isinstance(value, bool):
        parts: list[object] = [value]
    elif isinstance(value, tuple | list) and 1 <= len(value) <= 3:
        parts = list(value)
    else:
        raise _BadValue("degrees, minutes and seconds expected")
    numbers = [_number(p) for p in parts]
    if any(n < 0 for n in numbers):
        raise _BadValue("negative component")
    if any(n >= 60 for n in numbers[1:]):
        raise _BadValue("minutes or seconds of 60 or more")
    degrees, minutes, seconds = [*numbers, 0.0, 0.0][:3]
    return degrees + minutes / 60 + seconds / 3600


def _hemisphere(ref: object, positive: str, negative: str) -> float:
    if isinstance(ref, bytes):
        ref = ref.decode("latin-1")
    if isinstance(ref, str):
        ref = ref.strip("\x00 ").upper()
        if ref == positive:
            return 1.0
        if ref == negative:
            return -1.0
    raise _BadValue(f"hemisphere must be {positive} or {negative}")


_DATE = re.compile(r"^\s*(\d{4})[:\-](\d{2})[:\-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"^\s*([+-])(\d{2}):(\d{2})\s*$")


def _taken_at(
    exif_ifd: dict[int, object], *, now: datetime | None
) -> tuple[datetime | None, Notice | None]:
    raw = exif_ifd.get(_TAG_ORIGINAL) or exif_ifd.get(_TAG_DIGITIZED)
    if raw is None:
        return None, None
    text = clean_text(raw, max_length=64) or ""
    match = _DATE.match(text)
    if not match:
        return None, notice("date_invalid", value=text)
    try:
        year, month, day, hour, minute, second = (int(g) for g in match.groups())
        taken = datetime(year, month, day, hour, minute, second)  # the camera's local time
    except ValueError:
        return None, notice("date_invalid", value=text)
    offset = _OFFSET.match(clean_text(exif_ifd.get(_TAG_OFFSET_ORIGINAL), max_length=16) or "")
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3)))
        if delta <= timedelta(hours=14):
            taken = taken.replace(tzinfo=timezone(sign * delta))
    latest = (now or datetime.now(UTC)).replace(tzinfo=None) + timedelta(days=1)
    if taken.year < 1900 or taken.replace(tzinfo=None) > latest:
        return None, notice("date_invalid", value=text)
    return taken, None


def _utf8_in_ascii(value: object) -> object:
    """EXIF "ASCII" fields often hold UTF-8, which Pillow hands back as Latin-1 text."""
    if isinstance(value, str) and not value.isascii():
        try:
            return value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return value
    return value


def _utf16(value: object) -> str | None:
    """Windows' XP* tags: UTF-16-LE bytes (Pillow may give a tuple of ints)."""
    if isinstance(value, tuple) and all(isinstance(v, int) and 0 <= v < 256 for v in value):
        value = bytes(value)
    if isinstance(value, bytes):
        return value.decode("utf-16-le", errors="replace").rstrip("\x00")
    return None


_XMP_FIELDS = {"creator": "dc:creator", "rights": "dc:rights", "credit": "photoshop:Credit"}


def _xmp_fields(xmp: object) -> dict[str, str]:
    if isinstance(xmp, str):
        xmp = xmp.encode("utf-8", errors="replace")
    if not isinstance(xmp, bytes):
        return {}
    packet = xmp[:_XMP_LIMIT].decode("utf-8", errors="replace")
    found: dict[str, str] = {}
    for key, name in _XMP_FIELDS.items():
        element = re.search(rf"<{name}\b[^>]*>(.*?)</{name}>", packet, re.S)
        value: str | None = None
        if element:
            item = re.search(r"<rdf:li\b[^>]*>(.*?)</rdf:li>", element.group(1), re.S)
            value = item.group(1) if item else element.group(1)
        else:
            attribute = re.search(rf"\b{name}\s*=\s*\"([^\"]*)\"", packet)
            value = attribute.group(1) if attribute else None
        if value is not None and "<" not in value:
            found[key] = unescape(value)
    return found
