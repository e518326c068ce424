"""What the widgets show, built from the public reads and kept as ready bytes in the cache.

Everything here reads content through ``tellus.content.queries`` (the one
path to public eyes) and serialises items with the API's own ``item_out``, so
a widget shows exactly what the API and the gallery show. The bytes are cached
under the public version: a change that alters what the public sees bumps the
version, and the next request builds new bytes.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tellus.content import queries
from tellus.content.api import ClusterOut, PointOut, item_out
from tellus.content.map import REBUILD_SECONDS, current_index
from tellus.content.models import ContentItem, Place
from tellus.core.queries import get_branding
from tellus.widgets.params import GalleryQuery

#: The ItemOut fields a widget needs: a lean subset of the API's item.
ITEM_FIELDS = {"id", "kind", "title", "contributor", "place", "url", "renditions", "placeholder"}
#: How long built bytes stay in the cache; a newer public version makes them unreachable sooner.
GALLERY_CACHE_SECONDS = 600
#: The map's cluster index may lag a change by REBUILD_SECONDS: keep its bytes no longer.
MAP_CACHE_SECONDS = min(10, int(REBUILD_SECONDS))
#: The size in CSS pixels of the view the map widget lists clusters for.
MAP_VIEW_PIXELS = (800, 500)
#: A cluster is said to be "near" a named place no farther than this.
NEAR_KM = 5.0
MAX_PLACES = 2000
#: The widest rendition a page in an iframe uses as its plain ``src``.
FRAME_IMAGE_WIDTH = 640

# Characters that end a <script> or start markup are escaped even inside JSON
# strings, so the bytes stay inert if anything ever embeds them in a page.
_HTML_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def to_json(data: Any) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.translate(_HTML_ESCAPES).encode()


def absolute(url: str) -> str:
    """Media and page addresses as the other site needs them: absolute, on our origin."""
    return urljoin(settings.SITE_URL + "/", url)


def gallery_items(query: GalleryQuery) -> list[ContentItem]:
    """Two queries whatever the limit: the items with their relations, then their tags."""
    return list(queries.gallery(query.filters)[: query.limit])


def gallery_item_dicts(items: list[ContentItem]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        data = item_out(item).model_dump(mode="json", include=ITEM_FIELDS)
        data["url"] = absolute(data["url"])
        for rendition in data["renditions"]:
            rendition["url"] = absolute(rendition["url"])
        out.append(data)
    return out


def frame_items(items: list[ContentItem], credit: str) -> list[dict[str, Any]]:
    """The same items as the JSON, with what a server-rendered page needs ready to print."""
    kinds = dict(ContentItem.Kind.choices)
    out = gallery_item_dicts(items)
    for data in out:
        renditions = data["renditions"]
        fitting = [r for r in renditions if r["width"] <= FRAME_IMAGE_WIDTH] or renditions[:1]
        data["image"] = fitting[-1] if fitting else None
        data["srcset"] = ", ".join(f"{r['url']} {r['width']}w" for r in renditions)
        data["credit"] = credit.replace("{name}", data["contributor"])
        data["kind_label"] = str(kinds.get(data["kind"], data["kind"]))
    return out


def gallery_url(query: GalleryQuery) -> str:
    params = {
        key: value
        for key, value in (
            ("kind", query.kind),
            ("tag", query.tag),
            ("place", query.place),
            ("initiative", query.initiative),
        )
        if value
    }
    path = reverse("content:gallery")
    return absolute(path + ("?" + urlencode(params) if params else ""))


def labels() -> dict[str, Any]:
    """The widget's words in the asked language (the script itself carries none)."""
    return {
        "heading": _("Shared by visitors"),
        "credit": _("by %(name)s") % {"name": "{name}"},
        "more": _("See more in the gallery"),
        "empty": _("Nothing has been shared here yet."),
        "kinds": {value: str(label) for value, label in ContentItem.Kind.choices},
        "map_heading": _("Where visitors shared from"),
        "open_map": _("Open the map"),
    }


def gallery_payload(query: GalleryQuery) -> bytes:
    with translation.override(query.lang):
        return to_json(
            {
                "items": gallery_item_dicts(gallery_items(query)),
                "gallery_url": gallery_url(query),
                "lang": query.lang,
                "labels": labels(),
            }
        )


# --- The map ---------------------------------------------------------------


def default_view(width: int, height: int) -> tuple[list[float], int]:
    """The destination's map view (its centre and zoom) as a bbox for a view of this size."""
    branding = get_branding()
    zoom = max(0, min(int(branding.zoom), 18))
    size = 256 * 2**zoom
    lat = max(-85.0, min(85.0, branding.latitude))
    x = (branding.longitude + 180.0) / 360.0 * size
    sin_lat = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + sin_lat) / (1 - sin_lat)) / (4 * math.pi)) * size

    def lon_lat(px: float, py: float) -> tuple[float, float]:
        lon = px / size * 360.0 - 180.0
        n = math.pi - 2 * math.pi * min(max(py, 0.0), size) / size
        return max(-180.0, min(180.0, lon)), math.degrees(math.atan(math.sinh(n)))

    west, north = lon_lat(x - width / 2, y - height / 2)
    east, south = lon_lat(x + width / 2, y + height / 2)
    return [west, south, east, north], zoom


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def nearest_place(places: list[Place], lat: float, lon: float) -> str | None:
    best, best_km = None, NEAR_KM
    for place in places:
        km = _km(lat, lon, place.latitude, place.longitude)
        if km <= best_km:
            best, best_km = place.name, km
    return best


def map_payload(lang: str) -> bytes:
    """Clusters of the destination's view, each with words a list can show without a map."""
    bbox, zoom = default_view(*MAP_VIEW_PIXELS)
    view = current_index().clusters(bbox, zoom)
    places = list(Place.objects.only("name", "latitude", "longitude")[:MAX_PLACES])
    with translation.override(lang):
        clusters = []
        for i, count, lon, lat, expansion in zip(
            view.cluster_ids,
            view.cluster_counts,
            view.cluster_lon,
            view.cluster_lat,
            view.cluster_expansion_zoom,
            strict=True,
        ):
            cluster = ClusterOut(
                id=int(i),
                count=int(count),
                longitude=float(lon),
                latitude=float(lat),
                expansion_zoom=int(expansion),
            ).model_dump(mode="json")
            cluster["label"] = _count_label(int(count), nearest_place(places, lat, lon))
            clusters.append(cluster)
        clusters.sort(key=lambda c: (-c["count"], c["id"]))
        points = []
        for i, lon, lat in zip(view.point_ids, view.point_lon, view.point_lat, strict=True):
            point = PointOut(id=int(i), longitude=float(lon), latitude=float(lat)).model_dump(
                mode="json"
            )
            point["label"] = _count_label(1, nearest_place(places, lat, lon))
            point["url"] = absolute(reverse("content:item", args=[int(i)]))
            points.append(point)
        return to_json(
            {
                "view": dict(zip(("west", "south", "east", "north"), bbox, strict=True))
                | {"zoom": zoom},
                "clusters": clusters,
                "points": points,
                "map_url": absolute(reverse("content:map")),
                "lang": lang,
                "labels": labels(),
            }
        )


def _count_label(count: int, near: str | None) -> str:
    if near:
        return ngettext(
            "%(count)d item near %(place)s", "%(count)d items near %(place)s", count
        ) % {"count": count, "place": near}
    return ngettext("%(count)d item", "%(count)d items", count) % {"count": count}


# --- The cache ---------------------------------------------------------------


#: Recent answers kept in this process too, saving a cache round trip on the busiest path.
#: Safe because a key names one public version: its bytes never change.
_recent: dict[str, bytes] = {}
RECENT_ENTRIES = 256


def cached_bytes(
    key: str, build: Callable[[], bytes], timeout: int, *, remember: bool = True
) -> bytes:
    """The bytes under ``key``, built and stored on a miss (no lock: a miss costs one build)."""
    if remember and (body := _recent.get(key)) is not None:
        return body
    found = cache.get(key)
    if isinstance(found, bytes):
        body = found
    else:
        body = build()
        cache.set(key, body, timeout)
    if remember:
        if len(_recent) >= RECENT_ENTRIES:
            _recent.clear()
        _recent[key] = body
    return body


def forget_recent() -> None:
    """Drop this process's copies (tests that clear the shared cache)."""
    _recent.clear()


def body_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
