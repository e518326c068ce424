"""Coarsened positions for items whose contributor did not allow the exact location.

Snapping to the centre of a fixed grid cell, not adding random noise: noise
drawn anew for each request averages out over many requests (and noise drawn
once must be stored and still leaks through clusters' centroids), while a cell
centre is the same answer every time and says only "somewhere in this cell".
The grid has rows of equal height in latitude and, in each row, columns as
close to ``cell_metres`` wide as a whole number of them around the Earth
allows, so cells stay roughly square from the equator to the poles.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._geo import FloatArray, as_float_array, check_positions

#: Metres in one degree of a great circle on a sphere of the Earth's mean radius.
METRES_PER_DEGREE = 2.0 * math.pi * 6_371_008.8 / 360.0
MIN_CELL_METRES = 10.0
MAX_CELL_METRES = 100_000.0


def coarsen(
    lon: ArrayLike, lat: ArrayLike, *, cell_metres: float = 1000.0
) -> tuple[FloatArray, FloatArray]:
    """The centre of the grid cell each position falls in (deterministic, idempotent)."""
    if (
        isinstance(cell_metres, bool)
        or not isinstance(cell_metres, int | float)
        or not math.isfinite(cell_metres)
        or not MIN_CELL_METRES <= cell_metres <= MAX_CELL_METRES
    ):
        raise ValueError(
            f"cell_metres must be {MIN_CELL_METRES:g} to {MAX_CELL_METRES:g}, got {cell_metres!r}"
        )
    lon_arr = as_float_array(np.atleast_1d(lon), "lon")
    lat_arr = as_float_array(np.atleast_1d(lat), "lat")
    check_positions(lon_arr, lat_arr)
    n_rows = math.ceil(180.0 * METRES_PER_DEGREE / cell_metres)
    row_height = 180.0 / n_rows
    row = np.clip(np.floor((lat_arr + 90.0) / row_height), 0, n_rows - 1)
    lat_c = -90.0 + (row + 0.5) * row_height
    row_metres = 360.0 * METRES_PER_DEGREE * np.cos(np.radians(lat_c))
    n_cols = np.maximum(np.floor(row_metres / cell_metres), 1.0)
    col_width = 360.0 / n_cols
    col = np.clip(np.floor((lon_arr + 180.0) / col_width), 0, n_cols - 1)
    lon_c = -180.0 + (col + 0.5) * col_width
    return lon_c, lat_c
