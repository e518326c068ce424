"""Location, date and credits are read for the record; bad values never stop an upload."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tellus.content.media import GeoPoint, process_media
from tests.content.media_samples import (
    ASCII,
    DOUBLE,
    LONG,
    RATIONAL,
    UNDEFINED,
    encode,
    exif_bytes,
    gps_entries,
    photo,
)


def _upload(ifd0=(), *, gps=None, exif=None, fmt="JPEG"):
    data = encode(photo(160, 120), fmt, exif=exif_bytes(ifd0, gps=gps, exif=exif))
    return process_media(data)


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(28.9637, -13.5477), (-33.8568, 151.2153), (64.1466, -21.9426), (-0.5, 0.25)],
)
@pytest.mark.parametrize("fmt", ["JPEG", "WEBP", "PNG"])
def test_gps_position_is_read_in_every_hemisphere(latitude, longitude, fmt):
    result = _upload(gps=gps_entries(latitude, longitude), fmt=fmt)
    assert result.metadata.location is not None
    assert result.metadata.location.latitude == pytest.approx(latitude, abs=1e-6)
    assert result.metadata.location.longitude == pytest.approx(longitude, abs=1e-6)
    assert result.notices == ()


LANZAROTE = gps_entries(28.9637, -13.5477)


def _replace(entries, tag, kind, value):
    return [(t, k, v) if t != tag else (tag, kind, value) for t, k, v in entries]


@pytest.mark.parametrize(
    ("gps", "code"),
    [
        (_replace(LANZAROTE, 2, RATIONAL, [(28, 0), (57, 1), (49, 1)]), "gps_invalid"),
        (_replace(LANZAROTE, 4, RATIONAL, [(0, 0), (0, 0), (0, 0)]), "gps_invalid"),
        (_replace(LANZAROTE, 2, DOUBLE, [float("nan"), 0.0, 0.0]), "gps_invalid"),
        (_replace(LANZAROTE, 2, DOUBLE, [float("inf")]), "gps_invalid"),
        (_replace(LANZAROTE, 2, ASCII, "28 deg 57' 49\" N"), "gps_invalid"),
        (_replace(LANZAROTE, 4, UNDEFINED, b"\x01\x02\x03"), "gps_invalid"),
        (_replace(LANZAROTE, 2, RATIONAL, [(28, 1), (75, 1), (0, 1)]), "gps_invalid"),
        (_replace(LANZAROTE, 2, RATIONAL, [(28, 1), (0, 1), (0, 1), (0, 1)]), "gps_invalid"),
        (_replace(LANZAROTE, 1, ASCII, "Q"), "gps_invalid"),
        ([e for e in LANZAROTE if e[0] != 3], "gps_invalid"),
        (_replace(LANZAROTE, 1, LONG, [78]), "gps_invalid"),
        (_replace(LANZAROTE, 2, RATIONAL, [(91, 1), (0, 1), (0, 1)]), "gps_out_of_range"),
        (_replace(LANZAROTE, 4, RATIONAL, [(200, 1), (0, 1), (0, 1)]), "gps_out_of_range"),
        (_replace(LANZAROTE, 2, RATIONAL, [(4_000_000_000, 1)]), "gps_out_of_range"),
        (gps_entries(0.0, 0.0), "gps_null_island"),
    ],
    ids=[
        "zero-denominator", "all-zero-denominators", "nan", "infinity", "text-latitude",
        "bytes-longitude", "75-minutes", "four-parts", "bad-hemisphere", "no-hemisphere",
        "numeric-hemisphere", "latitude-91", "longitude-200", "huge", "null-island",
    ],
)  # fmt: skip
def test_malformed_or_absurd_gps_gives_no_location_and_a_notice(gps, code):
    result = _upload([(0x010F, ASCII, "Canon")], gps=gps)
    assert result.metadata.location is None
    assert [n.code for n in result.notices] == [code]
    assert result.notices[0].message.endswith("it was left out.")
    assert result.metadata.camera_make == "Canon"  # the rest is still read
    assert len(result.renditions) == 1  # and the photo accepted


def test_gps_ifd_without_a_position_is_silent():
    result = _upload(gps=[(0x0005, ASCII, "0")])
    assert result.metadata.location is None and result.notices == ()


def test_the_date_taken_with_its_offset():
    result = _upload(exif=[(0x9003, ASCII, "2024:05:01 10:11:12"), (0x9011, ASCII, "+01:00")])
    assert result.metadata.taken_at == datetime(
        2024, 5, 1, 10, 11, 12, tzinfo=timezone(timedelta(hours=1))
    )
    local = _upload(exif=[(0x9004, ASCII, "2019:12:31 23:59:59")])
    assert local.metadata.taken_at == datetime(2019, 12, 31, 23, 59, 59)
    assert local.metadata.taken_at.tzinfo is None


@pytest.mark.parametrize(
    "value", ["0000:00:00 00:00:00", "2024:13:45 10:00:00", "yesterday", "1850:01:01 00:00:00",
              "2999:01:01 00:00:00"],
)  # fmt: skip
def test_an_impossible_date_is_left_out_with_a_notice(value):
    result = _upload(exif=[(0x9003, ASCII, value)])
    assert result.metadata.taken_at is None
    assert [n.code for n in result.notices] == ["date_invalid"]


def test_html_and_control_characters_in_metadata_come_back_raw_but_clean():
    description = (
        "<script>alert('x')</script>\x00\x07 Playa\u202e gnp.exe \x1b[31m ☀️ שלום 👨‍👩‍👧 🫨"
    )
    result = _upload(
        [
            (0x010E, ASCII, description),
            (0x010F, ASCII, "Canon\r\nInjected: header"),
            (0x0110, ASCII, "EOS " + "R" * 5000),
        ]
    )
    meta = result.metadata
    assert meta.description == "<script>alert('x')</script> Playa gnp.exe [31m ☀️ שלום 👨‍👩‍👧 🫨"
    assert meta.camera_make == "Canon Injected: header"
    assert meta.camera_model is not None and len(meta.camera_model) == 200
    assert meta.camera_model.endswith("…")


def test_a_10000_character_description_is_capped():
    result = _upload([(0x010E, ASCII, "é" * 10_000)])
    assert result.metadata.description is not None
    assert len(result.metadata.description) == 500


def test_windows_author_tag_and_user_comment():
    result = _upload(
        [(0x9C9D, 1, "Zoë 😀".encode("utf-16-le") + b"\0\0")],
        exif=[(0x9286, UNDEFINED, b"UNICODE\0" + "Sunset at Famara".encode("utf-16"))],
    )
    assert result.metadata.artist == "Zoë 😀"
    assert result.metadata.description == "Sunset at Famara"


def test_exif_that_cannot_be_parsed_does_not_stop_the_upload():
    broken = b"Exif\0\0II*\0" + b"\xff\xff\xff\x7f" + b"\x00" * 20
    result = process_media(encode(photo(160, 120), exif=broken))
    assert result.metadata.location is None
    assert [n.code for n in result.notices] == ["metadata_unreadable"]
    assert len(result.renditions) == 1


def test_geopoint_refuses_impossible_positions():
    with pytest.raises(ValueError, match="latitude"):
        GeoPoint(91, 0)
    with pytest.raises(ValueError, match="longitude"):
        GeoPoint(0, float("nan"))
    with pytest.raises(ValueError, match="number"):
        GeoPoint("28", 0)  # type: ignore[arg-type]
