"""What the public may see of an item: its published version number and its map position.

Every change that alters what the public sees (approval, hiding, a consent
withdrawn, an item deleted) bumps one version number; caches of public lists,
widgets and the map key on it, so the change shows on the next request.
"""

from __future__ import annotations

import time

from django.core.cache import cache

from tellus.content.mapindex import coarsen

VERSION_KEY = "tellus:content:public-version"


def public_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = int(time.time() * 1000)
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return int(version)


def bump_public_version() -> None:
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
