from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

from tellus.core.models import Destination

CACHE_KEY = "tellus:destination:v1"


@dataclass(frozen=True)
class Branding:
    """What every page needs of the destination, cached so pages pay no query for it."""

    name: str
    tagline: str
    primary_colour: str
    accent_colour: str
    logo_url: str
    languages: tuple[str, ...]
    currency: str
    latitude: float
    longitude: float
    zoom: int
    version: int


def get_branding() -> Branding:
    branding = cache.get(CACHE_KEY)
    if branding is None:
        branding = _load_branding()
        cache.set(CACHE_KEY, branding, 300)
    return branding


def _load_branding() -> Branding:
    defaults: dict[str, Any] = settings.TELLUS_DESTINATION
    row = Destination.objects.filter(pk=1).first() or Destination()
    supported = {code for code, _ in settings.LANGUAGES}
    wanted = [c.strip() for c in row.languages.split(",") if c.strip()] or defaults["languages"]
    languages = tuple(code for code in wanted if code in supported) or (settings.LANGUAGE_CODE,)
    return Branding(
        name=row.name or defaults["name"],
        tagline=row.tagline or defaults["tagline"],
        primary_colour=row.primary_colour or defaults["primary_colour"],
        accent_colour=row.accent_colour or defaults["accent_colour"],
        logo_url=row.logo.url if row.logo else "",
        languages=languages,
        currency=row.currency,
        latitude=row.latitude,
        longitude=row.longitude,
        zoom=row.zoom,
        version=int(row.updated_at.timestamp()) if row.updated_at else 0,
    )


def forget_branding() -> None:
    cache.delete(CACHE_KEY)
