"""The map's cluster index for this process, rebuilt when public content changes.

A change (an item published or withdrawn) bumps the public version; the next
map request after at most REBUILD_SECONDS rebuilds the index from the database,
so a change shows on the map well within a minute.
"""

from __future__ import annotations

import threading
import time

from tellus.content.mapindex import MapIndex
from tellus.content.publicity import public_version
from tellus.content.queries import map_points

REBUILD_SECONDS = 20.0
_lock = threading.Lock()
_index: MapIndex | None = None
_version: int | None = None
_built_at = 0.0


def current_index() -> MapIndex:
    global _index, _version, _built_at
    version = public_version()
    now = time.monotonic()
    if _index is not None and (version == _version or now - _built_at < REBUILD_SECONDS):
        return _index
    with _lock:
        if _index is None or (version != _version and now - _built_at >= REBUILD_SECONDS):
            ids, lons, lats = map_points()
            _index = MapIndex.build(ids, lons, lats)
            _version, _built_at = version, time.monotonic()
    return _index


def forget_index() -> None:
    """Drop the process's index (tests, and after a bulk import)."""
    global _index, _version
    with _lock:
        _index, _version = None, None
