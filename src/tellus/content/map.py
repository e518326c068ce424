"""The map's cluster index for this process, kept up to date as public content changes.

A change (an item published or withdrawn) bumps the public version. The first
request builds the index; after a change, the next request starts a rebuild in
a background thread and keeps answering from the index it has until the new
one is ready (a build of a million items takes seconds), so a change shows on
the map well within a minute and no request waits for it.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db import close_old_connections

from tellus.content.mapindex import MapIndex
from tellus.content.publicity import public_version
from tellus.content.queries import map_points

REBUILD_SECONDS = 15.0
_lock = threading.Lock()
_index: MapIndex | None = None
_version: int | None = None
_built_at = 0.0
_rebuilding = False


def _build() -> MapIndex:
    ids, lons, lats = map_points()
    return MapIndex.build(ids, lons, lats)


def _rebuild_in_background(version: int) -> None:
    global _index, _version, _built_at, _rebuilding
    try:
        index = _build()
        with _lock:
            _index, _version, _built_at = index, version, time.monotonic()
    finally:
        _rebuilding = False
        close_old_connections()


def current_index() -> MapIndex:
    global _index, _version, _built_at, _rebuilding
    version = public_version()
    if _index is None or getattr(settings, "TELLUS_MAP_SYNC_REBUILD", False):
        with _lock:
            if _index is None or version != _version:
                _index, _version, _built_at = _build(), version, time.monotonic()
            return _index
    if version != _version and not _rebuilding and time.monotonic() - _built_at >= REBUILD_SECONDS:
        with _lock:
            if not _rebuilding:
                _rebuilding = True
                threading.Thread(
                    target=_rebuild_in_background,
                    args=(version,),
                    daemon=True,
                    name="tellus-map-index",
                ).start()
    return _index


def forget_index() -> None:
    """Drop the process's index (tests, and after a bulk import)."""
    global _index, _version
    with _lock:
        _index, _version = None, None
