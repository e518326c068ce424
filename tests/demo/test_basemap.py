"""The demo island's own map: built from the demo's geography, the same bytes every time."""

from __future__ import annotations

import itertools
import json
import math
from io import StringIO
from pathlib import Path
from typing import Any, cast

import pytest
from django.core.management import call_command

from tellus.demo import catalogue as cat
from tellus.demo.basemap import FILE_NAME, basemap_bytes, build_basemap, write_basemap
from tellus.people.models import Person

KM_PER_DEGREE = 111.2
CENTRE = (
    float(cast(float, cat.DESTINATION["longitude"])),
    float(cast(float, cat.DESTINATION["latitude"])),
)


def inside(point: list[float], ring: list[list[float]]) -> bool:
    """Ray casting: is the point inside the ring?"""
    x, y = point
    found = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            found = not found
    return found


def km_to_coast(point: list[float], ring: list[list[float]]) -> float:
    """The distance to the nearest point of the coast, in kilometres (flat, near the island)."""
    scale = math.cos(math.radians(point[1]))

    def km(a: list[float], b: list[float]) -> float:
        return math.hypot((a[0] - b[0]) * scale, a[1] - b[1]) * KM_PER_DEGREE

    best = math.inf
    for a, b in itertools.pairwise(ring):
        for t in (i / 10 for i in range(11)):
            best = min(best, km(point, [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]))
    return best


def signed_area(ring: list[list[float]]) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring)) / 2


@pytest.fixture(scope="module")
def basemap() -> dict[str, Any]:
    return build_basemap()


def of_kind(basemap: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [
        f
        for f in basemap["features"]
        if f["properties"].get("kind") == kind
        and (kind == "island" or "slug" not in f["properties"])
    ]


def coast(basemap: dict[str, Any]) -> list[list[float]]:
    (land,) = of_kind(basemap, "land")
    ring: list[list[float]] = land["geometry"]["coordinates"][0]
    return ring


def test_the_same_geography_gives_the_same_bytes() -> None:
    assert basemap_bytes() == basemap_bytes()
    assert json.loads(basemap_bytes()) == build_basemap()


def test_the_coast_is_one_closed_anticlockwise_ring(basemap: dict[str, Any]) -> None:
    ring = coast(basemap)
    assert ring[0] == ring[-1]
    assert len(ring) > 100
    assert signed_area(ring) > 0, "RFC 7946: exterior rings run anticlockwise"
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    assert min(lons) < CENTRE[0] < max(lons)
    assert min(lats) < CENTRE[1] < max(lats)
    # About 60 by 20 km, as the catalogue says.
    length = (max(lons) - min(lons)) * KM_PER_DEGREE * math.cos(math.radians(29))
    assert 35 < length < 70


def test_every_place_is_on_the_island_and_named(basemap: dict[str, Any]) -> None:
    ring = coast(basemap)
    points = {
        f["properties"].get("slug"): f for f in basemap["features"] if "slug" in f["properties"]
    }
    assert set(points) == {p.slug for p in cat.PLACES}
    for place in cat.PLACES:
        feature = points[place.slug]
        assert feature["properties"]["name"] == place.name
        where = feature["geometry"]["coordinates"]
        assert where == [round(place.longitude, 5), round(place.latitude, 5)]
        assert inside(where, ring), place.name
        distance = km_to_coast(where, ring)
        if place.kind in {"beach", "harbour", "cave", "lagoon", "saltpans"}:
            assert distance < 0.9, f"{place.name} should be on the shore, is {distance:.2f} km in"
        else:
            assert distance > 0.8, f"{place.name} should be inland, is {distance:.2f} km in"
    (name,) = of_kind(basemap, "island")
    assert name["properties"]["name"] == cat.DESTINATION["name"]


def test_roads_and_lava_stay_on_land(basemap: dict[str, Any]) -> None:
    ring = coast(basemap)
    roads = [f for f in basemap["features"] if f["geometry"]["type"] == "LineString"]
    assert of_kind(basemap, "road") and of_kind(basemap, "track")
    assert len(roads) == len(cat.PLACES) - sum(p.kind == "village" for p in cat.PLACES) - 2 + 1
    for road in roads:
        for point in road["geometry"]["coordinates"]:
            assert inside(point, ring), road["properties"]
    for area in of_kind(basemap, "lava") + of_kind(basemap, "urban"):
        for point in area["geometry"]["coordinates"][0]:
            assert inside(point, ring)


def test_writing_keeps_an_unchanged_file_untouched(tmp_path: Path) -> None:
    path = write_basemap(tmp_path / "maps" / FILE_NAME)
    assert path.read_bytes() == basemap_bytes()
    before = path.stat().st_mtime_ns
    write_basemap(path)
    assert path.stat().st_mtime_ns == before
    path.write_text("{}")
    write_basemap(path)
    assert path.read_bytes() == basemap_bytes()
    assert not list(tmp_path.glob("maps/.*")), "no partial file left behind"


@pytest.mark.django_db
def test_the_demo_command_writes_the_map_the_setting_points_at(settings: Any, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    settings.TELLUS_MAP_BASEMAP = tmp_path / FILE_NAME
    Person.objects.create(email=cat.SEEDED_MARKER_EMAIL)  # seeded already: only the map is due
    out = StringIO()
    call_command("demo", force=True, stdout=out)
    assert (tmp_path / FILE_NAME).read_bytes() == basemap_bytes()
    assert f"The island's map: {tmp_path / FILE_NAME}\n" in out.getvalue()
