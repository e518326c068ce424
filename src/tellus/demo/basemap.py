"""The demo island's own map, as GeoJSON: its coast, roads, lava fields, villages and places.

Built from the demo's geography alone (``catalogue.DESTINATION`` and
``catalogue.PLACES``), with no randomness, so that the same catalogue always
gives the same bytes and the demo's map works with no network at all.

The island is drawn in a frame along its long axis (the places' principal
axis): ``u`` along it, ``v`` across it, in kilometres from the destination's
centre. At each ``u`` the land is one interval from a south to a north edge,
so the coast is two smooth edges that meet in round ends. Each edge is a
width profile with a few fixed waves, bent by bumps until every place lies as
it should: beaches, coves, the harbour, the lagoon and the salt pans about
300 m from the sea, inland places at least 1.2 km from it across the island. Roads and lava
fields are kept inside the land by clamping across that interval.

Written here because a made-up island's map is about two hundred lines of
plain geometry; a GIS library would add a large dependency for a demo.
"""

from __future__ import annotations

import itertools
import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tellus.demo import catalogue as cat

#: The file the demo writes in the data folder; the default of TELLUS_MAP_BASEMAP.
FILE_NAME = "basemap.geojson"
#: Kinds of place on the shore (the rest are inland).
COASTAL = frozenset({"beach", "harbour", "cave", "lagoon", "saltpans"})
SHORE_KM = 0.3  # how far a coastal place is from the sea
INLAND_KM = 1.2  # the least distance from an inland place to the sea
STEP_KM = 0.2  # the coast's sampling along the axis
KM_PER_DEGREE_LAT = 110.57
KM_PER_DEGREE_LON_AT_EQUATOR = 111.32
#: Zoom from which a kind of place is labelled (villages first, the island always).
LABEL_ZOOM = {"village": 10, "island": 0}
DETAIL_LABEL_ZOOM = 11

#: The coast's fixed waves on each side: relative amplitude, wavelength (km), phase.
NORTH_WAVES = ((0.10, 13.0, 0.6), (0.06, 5.3, 2.1), (0.04, 3.1, 0.4), (0.02, 1.3, 1.1))
SOUTH_WAVES = ((0.09, 11.0, 2.7), (0.05, 4.7, 0.9), (0.04, 2.7, 1.8), (0.02, 1.1, 0.3))

Point = tuple[float, float]


@dataclass(frozen=True)
class Frame:
    """Kilometres along and across the island's axis, to and from longitude and latitude."""

    lat0: float
    lon0: float
    angle: float  # the axis, radians from east

    @property
    def km_per_lon(self) -> float:
        return KM_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(self.lat0))

    def to_uv(self, lat: float, lon: float) -> Point:
        x = (lon - self.lon0) * self.km_per_lon
        y = (lat - self.lat0) * KM_PER_DEGREE_LAT
        c, s = math.cos(self.angle), math.sin(self.angle)
        return x * c + y * s, -x * s + y * c

    def to_lonlat(self, u: float, v: float) -> list[float]:
        c, s = math.cos(self.angle), math.sin(self.angle)
        x, y = u * c - v * s, u * s + v * c
        lon, lat = self.lon0 + x / self.km_per_lon, self.lat0 + y / KM_PER_DEGREE_LAT
        return [round(lon, 5), round(lat, 5)]


@dataclass
class _Bump:
    at: float
    width: float
    height: float = 0.0


class Edge:
    """One side's half-width across the axis: fixed waves, plus bumps fitted to the places."""

    def __init__(self, base: float, waves: Sequence[tuple[float, float, float]]) -> None:
        self.base = base
        self.waves = waves  # (relative amplitude, wavelength in km, phase)
        self.bumps: list[_Bump] = []

    def __call__(self, u: float) -> float:
        wave = sum(a * math.sin(2 * math.pi * u / wl + phase) for a, wl, phase in self.waves)
        bumps = sum(b.height * math.exp(-(((u - b.at) / b.width) ** 2)) for b in self.bumps)
        return max(self.base * (1 + wave) + bumps, 0.5)


@dataclass(frozen=True)
class _Need:
    edge: Edge
    at: float
    half_width: float  # the half-width wanted at ``at`` (across the rounded end)
    exact: bool  # equal (a shore) or at least (inland)
    bump: _Bump


class Island:
    """The land: between ``south(u)`` and ``north(u)`` for ``start < u < end``."""

    def __init__(self, frame: Frame, places: Sequence[cat.PlaceSpec]) -> None:
        self.frame = frame
        spots = [(p, *frame.to_uv(p.latitude, p.longitude)) for p in places]
        west = min(spots, key=lambda s: s[1])
        east = max(spots, key=lambda s: s[1])
        self.start, self.end = west[1] - SHORE_KM - 0.05, east[1] + SHORE_KM + 0.05
        self._v0, self._v1 = west[2], east[2]
        self.north_half = Edge(4.0, NORTH_WAVES)
        self.south_half = Edge(4.0, SOUTH_WAVES)
        self._fit(spots, tips={west[0].slug, east[0].slug})

    def centre(self, u: float) -> float:
        """The axis line: straight from the west tip's place to the east tip's."""
        t = (u - self.start) / (self.end - self.start)
        return self._v0 + (self._v1 - self._v0) * t

    def roundness(self, u: float) -> float:
        """1 in the middle, 0 at the tips: the ends of the island are round."""
        t = (2 * u - self.start - self.end) / (self.end - self.start)
        return math.sqrt(max(0.0, 1.0 - t * t))

    def north(self, u: float) -> float:
        return self.centre(u) + self.north_half(u) * self.roundness(u)

    def south(self, u: float) -> float:
        return self.centre(u) - self.south_half(u) * self.roundness(u)

    def clamp(self, u: float, v: float, margin: float) -> Point:
        """The nearest point across the axis that is at least ``margin`` inside the land."""
        u = min(max(u, self.start + 0.4), self.end - 0.4)
        low, high = self.south(u) + margin, self.north(u) - margin
        if low > high:
            return u, (low + high) / 2
        return u, min(max(v, low), high)

    def contains(self, u: float, v: float) -> bool:
        return self.start < u < self.end and self.south(u) < v < self.north(u)

    def _fit(self, spots: Iterable[tuple[cat.PlaceSpec, float, float]], tips: set[str]) -> None:
        needs: list[_Need] = []
        for place, u, v in spots:
            if place.slug in tips:
                continue
            across = v - self.centre(u)
            shore = place.kind in COASTAL
            near, far = (self.north_half, self.south_half)
            if across < 0:
                near, far = far, near
            wanted = [(near, abs(across) + (SHORE_KM if shore else INLAND_KM), shore)]
            if abs(across) < INLAND_KM:  # close to the axis: the far side must be far enough too
                wanted.append((far, INLAND_KM - abs(across), False))
            for edge, distance, exact in wanted:
                gap = distance / max(self.roundness(u), 0.05) - edge(u)
                bump = _Bump(at=u, width=min(max(0.8 * abs(gap) + 0.8, 1.0), 3.5))
                edge.bumps.append(bump)
                needs.append(_Need(edge, u, distance / max(self.roundness(u), 0.05), exact, bump))
        for _ in range(200):
            worst = 0.0
            for need in needs:
                gap = need.half_width - need.edge(need.at)
                if need.exact or gap > 0:
                    need.bump.height += gap
                    worst = max(worst, abs(gap))
            if worst < 1e-4:
                break

    def coast(self) -> list[Point]:
        """The coast as a closed ring, anticlockwise (RFC 7946): the south edge east, back north."""
        count = max(int((self.end - self.start) / STEP_KM), 8)
        # Denser near the tips, where the round ends turn fastest.
        us = [
            self.start + (self.end - self.start) * (1 - math.cos(math.pi * i / count)) / 2
            for i in range(count + 1)
        ]
        ring = [(u, self.south(u)) for u in us] + [(u, self.north(u)) for u in reversed(us[1:-1])]
        return [*ring, ring[0]]


def _axis(frame_origin: Point, places: Sequence[cat.PlaceSpec]) -> float:
    """The places' principal axis, radians from east: the island's length runs along it."""
    lat0, lon0 = frame_origin
    flat = Frame(lat0, lon0, 0.0)
    points = [flat.to_uv(p.latitude, p.longitude) for p in places]
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    syy = sum((y - my) ** 2 for _, y in points)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    return 0.5 * math.atan2(2 * sxy, sxx - syy)


def _smooth(points: list[Point], passes: int) -> list[Point]:
    """A moving average that keeps both ends: roads curve instead of zigzagging."""
    for _ in range(passes):
        points = [
            points[0],
            *[
                ((a[0] + 2 * b[0] + c[0]) / 4, (a[1] + 2 * b[1] + c[1]) / 4)
                for a, b, c in zip(points, points[1:], points[2:], strict=False)
            ],
            points[-1],
        ]
    return points


def _line(waypoints: Sequence[Point], step: float = 0.25) -> list[Point]:
    out: list[Point] = [waypoints[0]]
    for a, b in itertools.pairwise(waypoints):
        n = max(int(math.dist(a, b) / step), 1)
        out += [(a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n) for i in range(1, n)]
        out.append(b)
    return out


def _inside(island: Island, points: list[Point], margin: float) -> list[Point]:
    """Every point but the ends pulled inside the land (the ends are places, already on it)."""
    return [points[0], *[island.clamp(u, v, margin) for u, v in points[1:-1]], points[-1]]


def _blob(
    island: Island, centre: Point, radius: float, squash: float, margin: float
) -> list[Point]:
    """A rounded area (a lava field, a village) around a place, kept inside the land."""
    u0, v0 = centre
    ring = []
    for i in range(48):
        t = 2 * math.pi * i / 48
        r = radius * (1 + 0.12 * math.sin(3 * t + u0) + 0.07 * math.sin(5 * t + v0))
        ring.append(island.clamp(u0 + r * math.cos(t), v0 + squash * r * math.sin(t), margin))
    return [*ring, ring[0]]


def _feature(geometry_type: str, coordinates: Any, **properties: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": geometry_type, "coordinates": coordinates},
    }


def build_basemap(
    destination: dict[str, Any] | None = None, places: Sequence[cat.PlaceSpec] | None = None
) -> dict[str, Any]:
    """The demo island as a GeoJSON FeatureCollection (the catalogue's, unless given)."""
    destination = dict(cat.DESTINATION) if destination is None else destination
    places = cat.PLACES if places is None else places
    origin = (float(destination["latitude"]), float(destination["longitude"]))
    frame = Frame(*origin, angle=_axis(origin, places))
    island = Island(frame, places)
    uv = {p.slug: frame.to_uv(p.latitude, p.longitude) for p in places}

    def ll(points: list[Point]) -> list[list[float]]:
        return [frame.to_lonlat(*p) for p in points]

    features = [_feature("Polygon", [ll(island.coast())], kind="land", name=destination["name"])]
    for place in places:
        if place.kind in {"volcano", "lava"}:
            area = _blob(island, uv[place.slug], 2.2, 0.6, 0.2)
            features.append(_feature("Polygon", [ll(area)], kind="lava"))
    for place in places:
        if place.kind in {"village", "harbour"}:
            area = _blob(island, uv[place.slug], 0.45, 0.8, 0.1)
            features.append(_feature("Polygon", [ll(area)], kind="urban"))

    # The main road runs the island's length through its villages, tip to tip.
    by_u = sorted(places, key=lambda p: uv[p.slug][0])
    villages = [p for p in by_u if p.kind == "village"]
    stops = [by_u[0], *[v for v in villages if v not in (by_u[0], by_u[-1])], by_u[-1]]
    straight = _line([uv[p.slug] for p in stops])
    # A gentle meander, none at the ends: a road follows the ground, not a ruler.
    meander = [
        (u, v + 0.5 * math.sin(2 * math.pi * (u - island.start) / 7.0) * island.roundness(u) ** 2)
        for u, v in straight
    ]
    main = _inside(island, _smooth(meander, 6), 0.4)
    features.append(_feature("LineString", ll(main), kind="road", name="Carretera de la Isla"))
    # Every other place has its own way down to the main road, leaning towards the nearest village.
    for place in by_u:
        if place in stops:
            continue
        u, v = uv[place.slug]
        village = min(villages, key=lambda p: abs(uv[p.slug][0] - u))
        target_u = u + 0.35 * (uv[village.slug][0] - u)
        joint = min(main, key=lambda p: abs(p[0] - target_u))
        way = _inside(island, _smooth(_line([(u, v), joint]), 3), 0.15)
        kind = "road" if place.kind == "harbour" else "track"
        features.append(_feature("LineString", ll(way), kind=kind))

    # The island's name, halfway between the main road and the north coast.
    centre_u = (island.start + island.end) / 2
    label_v = island.centre(centre_u) + 0.5 * (island.north(centre_u) - island.centre(centre_u))
    features.append(
        _feature(
            "Point",
            frame.to_lonlat(centre_u, label_v),
            kind="island",
            name=destination["name"],
            minzoom=0,
        )
    )
    for place in places:
        features.append(
            _feature(
                "Point",
                [round(place.longitude, 5), round(place.latitude, 5)],
                kind=place.kind,
                name=place.name,
                slug=place.slug,
                minzoom=LABEL_ZOOM.get(place.kind, DETAIL_LABEL_ZOOM),
            )
        )
    name = f"{destination['name']} (demo)"
    return {"type": "FeatureCollection", "name": name, "features": features}


def basemap_bytes() -> bytes:
    """The demo basemap as compact UTF-8 JSON, the same bytes on every run."""
    return json.dumps(build_basemap(), ensure_ascii=False, separators=(",", ":")).encode()


def write_basemap(path: Path) -> Path:
    """Write the demo basemap to ``path`` (atomically), unless it already holds the same bytes.

    Left untouched when unchanged, so that its version, and browsers' caches of it, hold.
    """
    body = basemap_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.read_bytes() == body:
            return path
    except OSError:
        pass
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(body)
    os.replace(partial, path)
    return path
