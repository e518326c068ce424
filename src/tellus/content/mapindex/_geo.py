"""Web Mercator arithmetic and the checks every public entry point shares.

Positions live in the unit square of Web Mercator (x east, y south, both in
[0, 1]) because that is the space in which the map measures pixels: a radius
of R pixels at zoom z is R / (tile_size * 2**z) there, whatever the latitude.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Point ids must stay below this so that cluster ids (id * 32 + zoom) are
#: exact integers in JavaScript (2**53) and in JSON parsed by any browser.
MAX_POINT_ID = 2**48
#: Longitudes of a bbox may be unwrapped (Leaflet reports -200 after panning
#: west across the antimeridian); anything further out is a malformed request.
MAX_BBOX_LONGITUDE = 540.0
MAX_ZOOM = 30


def lon_to_x(lon: FloatArray) -> FloatArray:
    return lon / 360.0 + 0.5


def lat_to_y(lat: FloatArray) -> FloatArray:
    """Mercator y, clamped to the square: the poles sit on its edge, as on the map."""
    s = np.sin(np.radians(lat))
    with np.errstate(divide="ignore"):
        y = 0.5 - 0.25 * np.log((1.0 + s) / (1.0 - s)) / math.pi
    return np.clip(y, 0.0, 1.0)


def x_to_lon(x: FloatArray) -> FloatArray:
    return (x - 0.5) * 360.0


def y_to_lat(y: FloatArray) -> FloatArray:
    y2 = (180.0 - y * 360.0) * math.pi / 180.0
    return 360.0 * np.arctan(np.exp(y2)) / math.pi - 90.0


def as_float_array(values: ArrayLike, name: str) -> FloatArray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numbers: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional array, got shape {arr.shape}")
    return arr


def as_id_array(values: ArrayLike, name: str = "ids") -> IntArray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional array, got shape {arr.shape}")
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must be integers, got dtype {arr.dtype}")
    if arr.dtype.kind == "u" and arr.max() >= MAX_POINT_ID:
        raise ValueError(f"{name} must be below 2**48 so that cluster ids stay exact in JSON")
    out = arr.astype(np.int64)
    if out.min() < 0 or out.max() >= MAX_POINT_ID:
        raise ValueError(
            f"{name} must be between 0 and 2**48 - 1 so that cluster ids stay exact in JSON"
        )
    return out


def check_positions(lon: FloatArray, lat: FloatArray) -> None:
    if lon.shape != lat.shape:
        raise ValueError(f"lon and lat differ in length ({lon.size} and {lat.size})")
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        raise ValueError("lon and lat must be finite numbers (no NaN or infinity)")
    if lon.size and (lon.min() < -180.0 or lon.max() > 180.0):
        bad = lon[(lon < -180.0) | (lon > 180.0)][0]
        raise ValueError(f"longitude {float(bad)!r} is outside -180..180")
    if lat.size and (lat.min() < -90.0 or lat.max() > 90.0):
        bad = lat[(lat < -90.0) | (lat > 90.0)][0]
        raise ValueError(f"latitude {float(bad)!r} is outside -90..90")


def _real(value: Any, name: str) -> float:
    if type(value) is float:
        out = value
    elif isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a number, got {value!r}")
    else:
        out = float(value)
    if not math.isfinite(out):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return out


def check_zoom(zoom: Any) -> int:
    if isinstance(zoom, bool) or not isinstance(zoom, int | np.integer):
        raise ValueError(f"zoom must be an integer, got {zoom!r}")
    z = int(zoom)
    if not 0 <= z <= MAX_ZOOM:
        raise ValueError(f"zoom must be between 0 and {MAX_ZOOM}, got {z}")
    return z


def _wrap(lon: float) -> float:
    return ((lon + 180.0) % 360.0 + 360.0) % 360.0 - 180.0


def normalise_bbox(
    bbox: Sequence[Any],
) -> tuple[list[tuple[float, float]], float, float, float]:
    """Check a (west, south, east, north) bbox and turn it into Mercator ranges.

    Returns the x ranges (one, or two when the view crosses the antimeridian),
    y_min (north edge), y_max (south edge) and the view's width in degrees.
    West greater than east, or longitudes beyond +-180, mean a view that
    crosses the antimeridian; a width of 360 degrees or more is the whole world.
    """
    if isinstance(bbox, str | bytes) or not isinstance(bbox, Sequence | np.ndarray):
        raise ValueError("bbox must be a sequence of four numbers: west, south, east, north")
    if len(bbox) != 4:
        raise ValueError(f"bbox must have four numbers (west, south, east, north), got {len(bbox)}")
    west = _real(bbox[0], "bbox west")
    south = _real(bbox[1], "bbox south")
    east = _real(bbox[2], "bbox east")
    north = _real(bbox[3], "bbox north")
    for name, lon in (("west", west), ("east", east)):
        if abs(lon) > MAX_BBOX_LONGITUDE:
            raise ValueError(f"bbox {name} {lon!r} is outside -540..540")
    for name, lat in (("south", south), ("north", north)):
        if not -90.0 <= lat <= 90.0:
            raise ValueError(f"bbox {name} {lat!r} is outside -90..90")
    if south > north:
        raise ValueError(f"bbox south ({south}) is north of its north ({north})")
    if west > east and west <= 180.0 and east >= -180.0:
        east += 360.0  # e.g. 170 .. -170: the 20 degrees across the antimeridian
    if west > east:
        raise ValueError(f"bbox west ({west}) is east of its east ({east})")
    width = east - west
    if width >= 360.0:
        ranges = [(0.0, 1.0)]
    else:
        w = _wrap(west)
        e = w + width
        if e <= 180.0:
            ranges = [(w / 360.0 + 0.5, e / 360.0 + 0.5)]
        else:
            ranges = [(w / 360.0 + 0.5, 1.0), (0.0, (e - 360.0) / 360.0 + 0.5)]
    return ranges, _lat_to_y_scalar(north), _lat_to_y_scalar(south), width


def _lat_to_y_scalar(lat: float) -> float:
    s = math.sin(math.radians(lat))
    if s >= 1.0:
        return 0.0
    if s <= -1.0:
        return 1.0
    return min(max(0.5 - 0.25 * math.log((1.0 + s) / (1.0 - s)) / math.pi, 0.0), 1.0)
