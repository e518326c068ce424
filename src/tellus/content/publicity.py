"""What the public may see of an item: its published version number and its map position.

Every change that alters what the public sees (approval, hiding, a consent
withdrawn, an item deleted) bumps one version number; caches of public lists,
widgets and the map key on it, so the change shows on the next request.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from tellus.content.mapindex import coarsen

VERSION_KEY = "tellus:content:public-version"


_local: dict[str, float] = {"version": 0.0, "read_at": float("-inf")}


def public_version() -> int:
    """The shared version, read from the cache at most once a second per process.

    A second of delay is nothing against the minute a change may take; it saves
    a round trip to Redis on every public request.
    """
    ttl = getattr(settings, "TELLUS_PUBLIC_VERSION_SECONDS", 1.0)
    now = time.monotonic()
    if now - _local["read_at"] < ttl:
        return int(_local["version"])
    version = cache.get(VERSION_KEY)
    if version is None:
        version = int(time.time() * 1000)
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    _local["version"], _local["read_at"] = float(version), now
    return int(version)


def bump_public_version() -> None:
    _local["read_at"] = float("-inf")  # this process sees its own change at once
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, int(time.time() * 1000), None)


def public_position(
    latitude: float | None, longitude: float | None, *, exact_allowed: bool
) -> tuple[float | None, float | None]:
    """The position the public may see: exact only with consent, else a coarse grid cell."""
    if latitude is None or longitude is None:
        return None, None
    if exact_allowed:
        return latitude, longitude
    lon, lat = coarsen([longitude], [latitude])
    return float(lat[0]), float(lon[0])
