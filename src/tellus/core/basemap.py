"""Which base layer the maps draw, as the settings say, and the basemap file to serve.

Read per page rather than once at start, so that a basemap the demo writes
after the server started is drawn at once. The three kinds, in the browser's
terms (``static/tellus/basemap.js`` draws them):

- ``tiles``: raster tiles from the tile server the DMO configured;
- ``basemap``: the destination's own vector basemap (GeoJSON) that Tellus serves;
- ``none``: neither is set up; the content is shown on a plain background.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse

#: RFC 7946's media type for GeoJSON.
GEOJSON = "application/geo+json"
#: Plain zoom limit of the map when no tile server sets one.
MAX_ZOOM = 18


def basemap_file() -> tuple[Path, os.stat_result] | None:
    """The basemap file and its stat when the maps use one and it is there, else None."""
    path = settings.TELLUS_MAP_BASEMAP
    if settings.TELLUS_MAP_TILES_URL or not path:
        return None
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return (Path(path), stat) if stat.st_size else None


def basemap_etag(stat: os.stat_result) -> str:
    """A version of the file that changes when it is rewritten (size and time)."""
    token = f"{stat.st_size}:{stat.st_mtime_ns}".encode()
    return hashlib.sha256(token).hexdigest()[:16]


def base_layer() -> dict[str, Any]:
    """What the browser needs to draw the base layer: never an address the DMO did not set."""
    if settings.TELLUS_MAP_TILES_URL:
        return {
            "kind": "tiles",
            "url": settings.TELLUS_MAP_TILES_URL,
            "attribution": settings.TELLUS_MAP_TILES_ATTRIBUTION,
            "maxZoom": settings.TELLUS_MAP_TILES_MAX_ZOOM,
        }
    found = basemap_file()
    if found is None:
        return {"kind": "none", "maxZoom": MAX_ZOOM}
    return {
        "kind": "basemap",
        "url": f"{reverse('basemap')}?v={basemap_etag(found[1])}",
        "attribution": settings.TELLUS_MAP_BASEMAP_ATTRIBUTION,
        "maxZoom": MAX_ZOOM,
    }
