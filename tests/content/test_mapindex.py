"""The map's cluster index: what a map user would see, and a plain reference to compare with."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tellus.content.mapindex import ClusterOptions, MapIndex, MapView, coarsen

WORLD = (-180.0, -90.0, 180.0, 90.0)
ANY_SIZE = 2**40  # lets a test look at the whole world at street zoom


def world_view(index: MapIndex, zoom: int) -> MapView:
    return index.clusters(WORLD, zoom, max_view_pixels=ANY_SIZE)


def mercator(lon: float, lat: float) -> tuple[float, float]:
    s = math.sin(math.radians(lat))
    if s >= 1.0:
        return lon / 360.0 + 0.5, 0.0
    if s <= -1.0:
        return lon / 360.0 + 0.5, 1.0
    y = 0.5 - 0.25 * math.log((1 + s) / (1 - s)) / math.pi
    return lon / 360.0 + 0.5, min(max(y, 0.0), 1.0)


def from_mercator(x: float, y: float) -> tuple[float, float]:
    y2 = (180.0 - y * 360.0) * math.pi / 180.0
    return (x - 0.5) * 360.0, 360.0 * math.atan(math.exp(y2)) / math.pi - 90.0


def pixels_apart(lon: float, lat: float, px: float, zoom: int, tile: int = 256) -> float:
    """The longitude px screen pixels east of lon at a zoom."""
    return lon + px / (tile * 2**zoom) * 360.0


def scatter(n: int, seed: int, lon0: float, lat0: float, spread: float):
    rng = np.random.default_rng(seed)
    ids = rng.permutation(n).astype(np.int64) * 3 + 7
    lon = np.clip(lon0 + rng.normal(0, spread, n), -180, 180)
    lat = np.clip(lat0 + rng.normal(0, spread / 2, n), -85, 85)
    return ids, lon, lat


def items_of(view: MapView) -> dict[tuple[str, int], tuple[int, float, float]]:
    out = {}
    for i, c, lo, la in zip(
        view.cluster_ids, view.cluster_counts, view.cluster_lon, view.cluster_lat, strict=True
    ):
        out["c", int(i)] = (int(c), float(lo), float(la))
    for i, lo, la in zip(view.point_ids, view.point_lon, view.point_lat, strict=True):
        out["p", int(i)] = (1, float(lo), float(la))
    return out


def assert_same_items(got: MapView, want: MapView) -> None:
    """Same clusters and points with the same counts; positions equal up to rounding."""
    a, b = items_of(got), items_of(want)
    assert a.keys() == b.keys()
    for key, (count, lon, lat) in b.items():
        assert a[key][0] == count
        assert a[key][1:] == pytest.approx((lon, lat), abs=1e-9)


# --------------------------------------------------------------- reference


MASK = 2**64 - 1


def priority(point_id: int) -> int:
    """splitmix64, written out: the documented seed order (highest first)."""
    z = (point_id + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def reference_levels(ids, lon, lat, opts: ClusterOptions) -> dict[int, list[dict]]:
    """Supercluster's sequential greedy pass, point by point, as the module documents it."""
    cur = []
    for i, lo, la in zip(ids.tolist(), lon.tolist(), lat.tolist(), strict=True):
        x, y = mercator(lo, la)
        cur.append(
            {"kind": "p", "id": i, "x": x, "y": y, "count": 1, "prio": priority(i), "members": {i}}
        )
    levels = {opts.max_zoom + 1: cur}
    for z in range(opts.max_zoom, opts.min_zoom - 1, -1):
        r = opts.radius / (opts.tile_size * 2.0**z)
        scale = 4 / r  # pool cells a quarter of the radius wide
        cells: dict[tuple[int, int], list[dict]] = {}
        for item in cur:
            cells.setdefault(
                (math.floor(item["x"] * scale), math.floor(item["y"] * scale)), []
            ).append(item)
        pools = []
        for members in cells.values():
            w = sum(m["count"] for m in members)
            pools.append(
                {
                    "items": members,
                    "x": sum(m["x"] * m["count"] for m in members) / w,
                    "y": sum(m["y"] * m["count"] for m in members) / w,
                    "prio": max(m["prio"] for m in members),
                }
            )
        pools.sort(key=lambda p: p["prio"], reverse=True)
        taken = [False] * len(pools)
        nxt = []
        for a, seed in enumerate(pools):
            if taken[a]:
                continue
            taken[a] = True
            group = list(seed["items"])
            for b in range(a + 1, len(pools)):
                other = pools[b]
                if not taken[b] and math.hypot(other["x"] - seed["x"], other["y"] - seed["y"]) <= r:
                    taken[b] = True
                    group += other["items"]
            total = sum(m["count"] for m in group)
            if len(group) >= 2 and total >= opts.min_points:
                member_ids = set().union(*(m["members"] for m in group))
                nxt.append(
                    {
                        "kind": "c",
                        "id": min(member_ids) * 32 + z,
                        "x": sum(m["x"] * m["count"] for m in group) / total,
                        "y": sum(m["y"] * m["count"] for m in group) / total,
                        "count": total,
                        "prio": max(m["prio"] for m in group),
                        "members": member_ids,
                        "zoom": z,
                    }
                )
            else:
                nxt += group
        cur = nxt
        levels[z] = cur
    return levels


def reference_view(levels, opts: ClusterOptions, bbox, zoom: int) -> list[dict]:
    west, south, east, north = bbox
    level = levels[min(max(zoom, opts.min_zoom), opts.max_zoom + 1)]
    y_top, y_bottom = mercator(0, north)[1], mercator(0, south)[1]
    if west > east:
        east += 360.0
    out = []
    for item in level:
        lon = (item["x"] - 0.5) * 360.0
        in_lon = east - west >= 360.0 or (lon - west) % 360.0 <= east - west
        if in_lon and y_top <= item["y"] <= y_bottom:
            out.append(item)
    return out


def assert_matches_reference(index: MapIndex, levels, opts, bbox, zoom) -> None:
    got = items_of(index.clusters(bbox, zoom, max_view_pixels=ANY_SIZE))
    want = reference_view(levels, opts, bbox, zoom)
    assert sorted(got) == sorted((w["kind"], w["id"]) for w in want)
    for w in want:
        count, lon, lat = got[w["kind"], w["id"]]
        assert count == w["count"]
        wlon, wlat = from_mercator(w["x"], w["y"])
        assert lon == pytest.approx(wlon, abs=1e-9)
        assert lat == pytest.approx(wlat, abs=1e-9)


points_strategy = st.integers(min_value=1, max_value=45).flatmap(
    lambda n: st.tuples(
        st.lists(
            st.integers(min_value=0, max_value=2**48 - 1), min_size=n, max_size=n, unique=True
        ),
        st.lists(st.floats(-13.9, -13.4), min_size=n, max_size=n),
        st.lists(st.floats(28.85, 29.25), min_size=n, max_size=n),
    )
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    points=points_strategy,
    radius=st.sampled_from([20.0, 40.0, 80.0]),
    tile=st.sampled_from([256, 512]),
    min_points=st.sampled_from([2, 3]),
)
def test_same_clusters_as_the_plain_greedy_reference(points, radius, tile, min_points):
    ids, lon, lat = (np.asarray(a) for a in points)
    opts = ClusterOptions(radius=radius, tile_size=tile, max_zoom=14, min_points=min_points)
    index = MapIndex.build(ids, lon, lat, opts)
    levels = reference_levels(ids.astype(np.int64), lon, lat, opts)
    island = (-14.0, 28.8, -13.3, 29.3)
    for zoom in range(0, 16):
        assert_matches_reference(index, levels, opts, WORLD, zoom)
        assert_matches_reference(index, levels, opts, island, zoom)
    assert_matches_reference(index, levels, opts, (-13.7, 29.0, -13.5, 29.1), 10)


def test_reference_agrees_on_a_dense_world_scatter_with_duplicates():
    ids, lon, lat = scatter(300, 1, 10.0, 40.0, 8.0)
    lon[:40] = lon[40]  # forty photos from one viewpoint (or one coarsened cell)
    lat[:40] = lat[40]
    opts = ClusterOptions()
    index = MapIndex.build(ids, lon, lat, opts)
    levels = reference_levels(ids, lon, lat, opts)
    for zoom in range(0, 18):
        assert_matches_reference(index, levels, opts, WORLD, zoom)


# -------------------------------------------------------------- behaviour


@pytest.fixture(scope="module")
def mixed():
    a = scatter(3000, 2, -13.63, 29.03, 0.1)
    b = scatter(1500, 3, 0.0, 0.0, 60.0)
    ids = np.concatenate([a[0], b[0] + 100_000])
    lon = np.concatenate([a[1], b[1]])
    lat = np.concatenate([a[2], b[2]])
    return ids, lon, lat, MapIndex.build(ids, lon, lat)


def test_every_point_is_counted_once_in_a_world_view_at_every_zoom(mixed):
    ids, _, _, index = mixed
    for zoom in range(0, 19):
        view = world_view(index, zoom)
        assert view.total == ids.size
        assert len(set(view.cluster_ids.tolist())) == view.cluster_ids.size


def test_zooming_in_splits_clusters_until_every_point_shows(mixed):
    ids, lon, lat, index = mixed
    sizes = [len(world_view(index, zoom)) for zoom in range(0, 18)]
    assert sizes == sorted(sizes)
    assert sizes[0] < 40 < sizes[8] < sizes[16] < ids.size
    last = world_view(index, 17)  # beyond max_zoom (16): every point on its own
    assert last.cluster_ids.size == 0
    order = np.argsort(last.point_ids)
    want = np.argsort(ids)
    assert np.array_equal(last.point_ids[order], ids[want])
    assert np.array_equal(last.point_lon[order], lon[want])
    assert np.array_equal(last.point_lat[order], lat[want])
    assert world_view(index, 25).point_ids.size == ids.size


def test_a_clicked_cluster_splits_at_its_expansion_zoom(mixed):
    _, _, _, index = mixed
    view = index.clusters((-14.0, 28.8, -13.2, 29.3), 9)
    assert view.cluster_ids.size > 0
    for cid, lon, lat, zoom in zip(
        view.cluster_ids,
        view.cluster_lon,
        view.cluster_lat,
        view.cluster_expansion_zoom,
        strict=True,
    ):
        assert zoom > 9
        near = (lon - 0.2, lat - 0.2, lon + 0.2, lat + 0.2)
        before = index.clusters(near, int(zoom) - 1)
        after = index.clusters(near, int(zoom))
        assert cid in before.cluster_ids
        assert cid not in after.cluster_ids


def test_points_a_few_pixels_apart_cluster_and_far_apart_do_not():
    zoom = 12
    lon0, lat0 = -13.6, 29.0
    ids = np.array([1, 2, 3])
    lon = np.array([lon0, pixels_apart(lon0, lat0, 15, zoom), pixels_apart(lon0, lat0, 200, zoom)])
    lat = np.full(3, lat0)
    index = MapIndex.build(ids, lon, lat)  # radius 40 px
    view = index.clusters((-13.8, 28.9, -13.3, 29.1), zoom)
    assert view.cluster_counts.tolist() == [2]
    assert view.cluster_ids.tolist() == [1 * 32 + 13]  # smallest id, formed at zoom 13
    assert view.point_ids.tolist() == [3]
    assert view.cluster_lon[0] == pytest.approx((lon[0] + lon[1]) / 2)
    # 15 pixels at zoom 12 are 60 at zoom 14: no longer within the radius.
    assert sorted(index.clusters((-13.8, 28.9, -13.3, 29.1), 14).point_ids.tolist()) == [1, 2, 3]
    assert index.clusters((-13.8, 28.9, -13.3, 29.1), 13).cluster_expansion_zoom.tolist() == [14]


def test_a_view_across_the_antimeridian():
    ids = np.array([1, 2, 3, 4])
    lon = np.array([179.9, -179.9, 0.0, 170.0])
    lat = np.array([-17.0, -17.1, -17.0, -17.0])
    index = MapIndex.build(ids, lon, lat)
    for bbox in [(179.0, -18.0, -179.0, -16.0), (179.0, -18.0, 181.0, -16.0)]:
        assert sorted(index.clusters(bbox, 10).point_ids.tolist()) == [1, 2]
    assert sorted(index.clusters((-181.0, -18.0, -179.0, -16.0), 10).point_ids.tolist()) == [1, 2]
    assert index.clusters((-500.0, -80.0, 500.0, 80.0), 1).total == 4  # wider than the world
    assert index.clusters((169.0, -18.0, -179.5, -16.0), 9).total == 3


def test_points_at_the_poles_are_kept_on_the_map_edge():
    ids = np.array([1, 2, 3])
    index = MapIndex.build(ids, [0.0, 10.0, -20.0], [90.0, -90.0, 84.0])
    assert world_view(index, 0).total == 3
    last = world_view(index, 17)
    assert dict(zip(last.point_ids.tolist(), last.point_lat.tolist(), strict=True)) == {
        1: 90.0,
        2: -90.0,
        3: 84.0,
    }
    assert index.clusters((-5, 80, 5, 90), 4).point_ids.tolist() == [1]


@pytest.mark.parametrize(
    ("ids", "lon", "lat", "message"),
    [
        ([1], [0.0], [90.5], "latitude"),
        ([1], [-180.5], [0.0], "longitude"),
        ([1], [float("nan")], [0.0], "finite"),
        ([1], [0.0], [float("inf")], "finite"),
        ([1, 1], [0.0, 1.0], [0.0, 1.0], "unique"),
        ([-1], [0.0], [0.0], "between 0"),
        ([2**48], [0.0], [0.0], "between 0"),
        ([1.5], [0.0], [0.0], "integers"),
        (["7"], [0.0], [0.0], "integers"),
        ([1, 2], [0.0], [0.0, 1.0], "differ in length"),
        ([[1]], [[0.0]], [[0.0]], "one-dimensional"),
        ([1], ["east"], [0.0], "numbers"),
    ],
)
def test_bad_points_are_refused(ids, lon, lat, message):
    with pytest.raises(ValueError, match=message):
        MapIndex.build(ids, lon, lat)


@pytest.mark.parametrize(
    ("bbox", "zoom", "message"),
    [
        ((0, 10, 1, 5), 5, "south"),
        ((0, -91, 1, 5), 5, "outside -90..90"),
        ((0, 0, 1, 95), 5, "outside -90..90"),
        ((600, 0, 601, 1), 5, "outside -540..540"),
        ((200, 0, 190, 1), 5, "west"),
        ((0, 0, 1), 5, "four numbers"),
        ("0,0,1,1", 5, "sequence"),
        ((0, 0, float("nan"), 1), 5, "finite"),
        ((0, 0, "1", 1), 5, "number"),
        ((0, 0, True, 1), 5, "number"),
        ((0, 0, 1, 1), -1, "between 0 and"),
        ((0, 0, 1, 1), 31, "between 0 and"),
        ((0, 0, 1, 1), 2.5, "integer"),
        ((0, 0, 1, 1), "5", "integer"),
        ((0, 0, 1, 1), True, "integer"),
        ((-180, -85, 180, 85), 16, "pixels"),
    ],
)
def test_bad_views_are_refused(mixed, bbox, zoom, message):
    _, _, _, index = mixed
    with pytest.raises(ValueError, match=message):
        index.clusters(bbox, zoom)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"tile_size": 300}, "tile_size"),
        ({"radius": 0}, "radius"),
        ({"radius": float("nan")}, "radius"),
        ({"max_zoom": 23}, "zooms"),
        ({"min_zoom": 5, "max_zoom": 4}, "zooms"),
        ({"min_points": 1}, "min_points"),
        ({"max_zoom": 10.0}, "integer"),
    ],
)
def test_bad_options_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        ClusterOptions(**options)


def test_an_empty_map_and_a_single_point():
    empty = MapIndex.build([], [], [])
    assert len(world_view(empty, 3)) == 0
    one = MapIndex.build([5], [1.0], [2.0])
    for zoom in (0, 10, 20):
        assert world_view(one, zoom).point_ids.tolist() == [5]
    first = empty.with_changes(upsert_ids=[9], upsert_lon=[3.0], upsert_lat=[4.0])
    assert world_view(first, 2).point_ids.tolist() == [9]
    assert world_view(first.compacted(), 2).point_ids.tolist() == [9]
    assert len(world_view(one.with_changes(remove_ids=[5]), 2)) == 0


def test_a_restricted_zoom_range():
    ids, lon, lat = scatter(500, 4, 5.0, 45.0, 1.0)
    index = MapIndex.build(ids, lon, lat, ClusterOptions(min_zoom=3, max_zoom=8))
    assert items_of(world_view(index, 0)) == items_of(world_view(index, 3))
    assert world_view(index, 9).cluster_ids.size == 0
    assert world_view(index, 8).cluster_ids.size > 0


def test_cluster_ids_do_not_depend_on_input_order_or_on_far_away_points():
    ids, lon, lat = scatter(2000, 5, -13.63, 29.03, 0.1)
    index = MapIndex.build(ids, lon, lat)
    shuffled = np.random.default_rng(9).permutation(ids.size)
    again = MapIndex.build(ids[shuffled], lon[shuffled], lat[shuffled])
    grown = MapIndex.build(
        np.append(ids, 10**9), np.append(lon, 150.0), np.append(lat, -30.0)
    )  # one more item, in Australia
    island = (-14.0, 28.8, -13.2, 29.3)
    for zoom in (6, 10, 13, 16):
        want = index.clusters(island, zoom, max_view_pixels=ANY_SIZE)
        assert_same_items(again.clusters(island, zoom, max_view_pixels=ANY_SIZE), want)
        assert_same_items(grown.clusters(island, zoom, max_view_pixels=ANY_SIZE), want)


# ----------------------------------------------------------------- changes


def test_a_withdrawn_item_leaves_every_zoom_and_a_published_one_appears(mixed):
    ids, lon, lat, index = mixed
    gone = int(ids[10])
    new_id = 10**9
    changed = index.with_changes(
        upsert_ids=[new_id], upsert_lon=[lon[10] + 1e-4], upsert_lat=[lat[10]], remove_ids=[gone]
    )
    assert changed.size == ids.size
    assert changed.pending_changes == 2
    for zoom in range(0, 19):
        view = world_view(changed, zoom)
        assert view.total == ids.size
        assert gone not in view.point_ids
    last = world_view(changed, 17)
    assert new_id in last.point_ids
    low = world_view(changed, 5)  # on a low zoom, the new item joins the cluster around it
    assert new_id not in low.point_ids
    assert world_view(index, 17).point_ids.size == ids.size  # the original is unchanged


def test_removals_leave_exact_counts_and_centroids(mixed):
    ids, _, _, index = mixed
    gone = np.random.default_rng(6).choice(ids, 400, replace=False)
    changed = index.with_changes(remove_ids=gone)
    for zoom in (3, 8, 12, 15):
        before = items_of(world_view(index, zoom))
        after = items_of(world_view(changed, zoom))
        assert sum(c for c, _, _ in after.values()) == ids.size - 400
        assert not np.isin(gone, list(cid for kind, cid in after if kind == "p")).any()
        assert all(key in before for key in after if key[0] == "c")  # no regrouping yet
    # A cluster of two that loses one shows the other as a point.
    pair = MapIndex.build([1, 2, 3], [0.0, 0.0001, 50.0], [0.0, 0.0, 0.0])
    view = world_view(pair.with_changes(remove_ids=[1]), 4)
    assert view.cluster_ids.size == 0
    assert sorted(zip(view.point_ids.tolist(), view.point_lon.tolist(), strict=True)) == [
        (2, 0.0001),
        (3, 50.0),
    ]
    # Centroids move by exactly the removed points.
    trio = MapIndex.build([1, 2, 3], [0.0, 0.001, 0.002], [0.0, 0.0, 0.0])
    view = world_view(trio.with_changes(remove_ids=[3]), 4)
    assert view.cluster_counts.tolist() == [2]
    assert view.cluster_lon[0] == pytest.approx(0.0005, abs=1e-12)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(points=points_strategy, data=st.data())
def test_removals_match_a_recount_of_each_clusters_members(points, data):
    ids, lon, lat = (np.asarray(a) for a in points)
    ids = ids.astype(np.int64)
    opts = ClusterOptions(max_zoom=14)
    index = MapIndex.build(ids, lon, lat, opts)
    levels = reference_levels(ids, lon, lat, opts)
    gone = set(data.draw(st.lists(st.sampled_from(ids.tolist()), max_size=ids.size)))
    changed = index.with_changes(remove_ids=sorted(gone))
    where = {int(i): mercator(lo, la) for i, lo, la in zip(ids, lon, lat, strict=True)}
    for zoom in range(0, 16):
        got = items_of(world_view(changed, zoom))
        want = {}
        for item in reference_view(levels, opts, WORLD, zoom):
            left = item["members"] - gone
            if not left:
                continue
            if len(left) == 1 or item["kind"] == "p":
                (only,) = left
                want["p", only] = (1, *from_mercator(*where[only]))
            else:
                x = sum(where[m][0] for m in left) / len(left)
                y = sum(where[m][1] for m in left) / len(left)
                want["c", item["id"]] = (len(left), *from_mercator(x, y))
        assert got.keys() == want.keys()
        for key, (count, wlon, wlat) in want.items():
            assert got[key][0] == count
            assert got[key][1] == pytest.approx(wlon, abs=1e-7)
            assert got[key][2] == pytest.approx(wlat, abs=1e-7)


def test_moving_an_item_and_compacting(mixed):
    ids, lon, lat, index = mixed
    moved = int(ids[0])
    changed = index.with_changes(upsert_ids=[moved], upsert_lon=[100.0], upsert_lat=[-40.0])
    assert changed.size == ids.size
    view = changed.clusters((99.0, -41.0, 101.0, -39.0), 10)
    assert view.point_ids.tolist() == [moved]
    assert moved not in world_view(changed, 17).point_ids[:-1]
    assert world_view(changed, 17).point_ids.tolist().count(moved) == 1
    rebuilt = changed.compacted()
    assert rebuilt.pending_changes == 0
    fresh_lon = lon.copy()
    fresh_lat = lat.copy()
    fresh_lon[0], fresh_lat[0] = 100.0, -40.0
    fresh = MapIndex.build(ids, fresh_lon, fresh_lat)
    for zoom in (2, 9, 14):
        assert_same_items(world_view(rebuilt, zoom), world_view(fresh, zoom))
    assert rebuilt.etag == fresh.etag


def test_too_many_pending_changes_rebuild_by_themselves(mixed):
    ids, _, _, index = mixed
    changed = index.with_changes(remove_ids=ids[:30], max_delta=20)
    assert changed.pending_changes == 0
    assert changed.size == ids.size - 30
    assert world_view(changed, 10).total == ids.size - 30


def test_bad_changes_are_refused_and_unknown_removals_ignored(mixed):
    ids, _, _, index = mixed
    assert index.with_changes(remove_ids=[10**12]).size == ids.size
    with pytest.raises(ValueError, match="both upserted and removed"):
        index.with_changes(upsert_ids=[1], upsert_lon=[0.0], upsert_lat=[0.0], remove_ids=[1])
    with pytest.raises(ValueError, match="unique"):
        index.with_changes(upsert_ids=[1, 1], upsert_lon=[0.0, 0.0], upsert_lat=[0.0, 0.0])
    with pytest.raises(ValueError, match="differ in length"):
        index.with_changes(upsert_ids=[1], upsert_lon=[0.0, 1.0], upsert_lat=[0.0])
    with pytest.raises(ValueError, match="latitude"):
        index.with_changes(upsert_ids=[1], upsert_lon=[0.0], upsert_lat=[91.0])
    with pytest.raises(ValueError, match="max_delta"):
        index.with_changes(remove_ids=[1], max_delta=-1)


# ------------------------------------------------------------ serialising


def test_an_index_travels_as_bytes_and_keeps_its_etag(mixed):
    ids, lon, lat, index = mixed
    changed = index.with_changes(upsert_ids=[10**9], upsert_lon=[1.0], upsert_lat=[1.0])
    for original in (index, changed):
        copy = MapIndex.from_bytes(original.to_bytes())
        assert copy.etag == original.etag
        assert copy.options == original.options
        for zoom in (0, 7, 12, 17):
            assert items_of(world_view(copy, zoom)) == items_of(world_view(original, zoom))
    assert changed.etag != index.etag
    assert MapIndex.build(ids, lon, lat).etag == index.etag
    assert MapIndex.build(ids, lon, lat + 1e-6).etag != index.etag
    assert MapIndex.build(ids, lon, lat, ClusterOptions(radius=60)).etag != index.etag


def _tampered(blob: bytes, **replace: np.ndarray) -> bytes:
    with np.load(io.BytesIO(blob)) as npz:
        arrays = {name: npz[name] for name in npz.files}
    arrays.update(replace)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def test_anything_but_an_index_is_refused_on_load(mixed):
    blob = mixed[3].to_bytes()
    one_array = io.BytesIO()
    np.save(one_array, np.arange(3))
    meta = json.loads(np.load(io.BytesIO(blob))["meta"].tobytes())
    future = np.frombuffer(json.dumps({**meta, "version": 99}).encode(), dtype=np.uint8)
    squeezed = io.BytesIO()
    with np.load(io.BytesIO(blob)) as npz:
        np.savez_compressed(squeezed, **{name: npz[name] for name in npz.files})
    bad = [
        squeezed.getvalue(),  # a compressed member could be a decompression bomb
        b"",
        b"not an index",
        blob[: len(blob) // 2],
        one_array.getvalue(),
        _tampered(blob, meta=future),
        _tampered(blob, level_items=np.array([10**9], dtype=np.int32)),
        _tampered(blob, x=np.zeros(3)),
        _tampered(blob, rec_i=np.zeros(5)),
        _tampered(blob, meta=np.frombuffer(b"{", dtype=np.uint8)),
    ]
    for data in bad:
        with pytest.raises(ValueError, match="map index"):
            MapIndex.from_bytes(data)
    with pytest.raises(ValueError, match="bytes"):
        MapIndex.from_bytes("text")  # type: ignore[arg-type]


# --------------------------------------------------------------- coarsen


def test_coarsened_positions_are_the_same_for_every_point_of_a_cell():
    rng = np.random.default_rng(7)
    lon = -13.55 + rng.uniform(0, 0.001, 500)  # within about 100 m
    lat = 29.0 + rng.uniform(0, 0.001, 500)
    clon, clat = coarsen(lon, lat, cell_metres=1000)
    assert len(set(zip(clon.tolist(), clat.tolist(), strict=True))) <= 4
    again = coarsen(lon, lat, cell_metres=1000)
    assert np.array_equal(again[0], clon) and np.array_equal(again[1], clat)
    # Snapping a snapped position changes nothing: asking again reveals nothing more.
    twice = coarsen(clon, clat, cell_metres=1000)
    assert np.array_equal(twice[0], clon) and np.array_equal(twice[1], clat)
    assert not np.isin(lon, clon).any()


@pytest.mark.parametrize("cell", [100.0, 1000.0, 5000.0])
def test_coarsened_positions_stay_within_the_cell(cell):
    rng = np.random.default_rng(8)
    lon = rng.uniform(-180, 180, 5000)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, 5000)))
    clon, clat = coarsen(lon, lat, cell_metres=cell)
    assert (np.abs(clon) <= 180).all() and (np.abs(clat) <= 90).all()
    metres = 111_195 * np.hypot((clon - lon) * np.cos(np.radians(lat)), clat - lat)
    assert metres.max() <= cell * 0.75 + 1.0
    assert np.median(metres) > cell * 0.1  # it does move the point


def test_coarsen_at_the_poles_and_the_antimeridian():
    clon, clat = coarsen([180.0, -180.0, 0.0, 12.0], [0.0, 0.0, 90.0, -90.0])
    assert (np.abs(clon) <= 180).all() and (np.abs(clat) <= 90).all()
    assert clat[2] > 89.99 and clat[3] < -89.99
    scalar = coarsen(-13.6, 29.0)
    assert scalar[0].shape == (1,)


@pytest.mark.parametrize(
    ("lon", "lat", "cell", "message"),
    [
        ([0.0], [0.0], 1.0, "cell_metres"),
        ([0.0], [0.0], float("nan"), "cell_metres"),
        ([0.0], [0.0], 10**7, "cell_metres"),
        ([0.0], [0.0], True, "cell_metres"),
        ([0.0], [95.0], 1000.0, "latitude"),
        ([float("nan")], [0.0], 1000.0, "finite"),
        ([0.0, 1.0], [0.0], 1000.0, "differ in length"),
        (["x"], [0.0], 1000.0, "numbers"),
    ],
)
def test_coarsen_refuses_bad_input(lon, lat, cell, message):
    with pytest.raises(ValueError, match=message):
        coarsen(lon, lat, cell_metres=cell)
