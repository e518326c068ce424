"""Map clusters: our index against supercluster on the same points and views.

Part "inprocess": 1,000,000 points over an island the size of Lanzarote and
1,000,000 over the world; 100 random 1280 x 800 pixel views (256-pixel tiles,
as Leaflet draws them) at zooms 5 to 16, centred on random points. For each,
the median and p95 of one view query (each view run --repeats times, its
median kept), the time to build the index and to apply a change, for
``MapIndex.clusters`` in process and supercluster's ``getClusters`` in node.

Part "endpoint": ``GET /api/v1/map/clusters`` end to end on ``tellus serve``
over the same points loaded into a throwaway database, the same views, the
time to build the index from the database and to apply a change; see
``bench_endpoint.py`` (which runs alone too, with more options).

Setup: ``bash benchmarks/map/setup.sh`` (installs supercluster into
.bench/map-node). Run: ``.venv/bin/python benchmarks/map/bench_map.py``.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from tqdm import tqdm

from tellus.content.mapindex import ClusterOptions, MapIndex

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = ROOT / ".bench" / "map-node"
NODE_SCRIPT = Path(__file__).with_name("supercluster_bench.mjs")
VIEW_W, VIEW_H, TILE = 1280, 800, 256
OPTIONS = ClusterOptions(radius=40, tile_size=TILE, min_zoom=0, max_zoom=16)

# Lanzarote: about 60 x 20 km, its long axis running south-west to north-east.
ISLAND_LAT, ISLAND_LON = 29.03, -13.63
KM_PER_DEG = 111.195


def make_points(kind: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """(ids, lon, lat): the island (70% spread, 30% around towns) or the whole sphere."""
    if kind == "world":
        lon = rng.uniform(-180.0, 180.0, n)
        lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    else:
        spread = int(n * 0.7)
        r = np.sqrt(rng.uniform(0, 1, spread))
        t = rng.uniform(0, 2 * math.pi, spread)
        u, v = 30.0 * r * np.cos(t), 10.0 * r * np.sin(t)  # km along the axes
        towns = rng.uniform(-0.8, 0.8, (12, 2)) * [30.0, 10.0]
        pick = rng.integers(0, 12, n - spread)
        tu = towns[pick, 0] + rng.normal(0, 0.4, n - spread)
        tv = towns[pick, 1] + rng.normal(0, 0.4, n - spread)
        u, v = np.concatenate([u, tu]), np.concatenate([v, tv])
        a = math.radians(40.0)
        east, north = u * math.cos(a) - v * math.sin(a), u * math.sin(a) + v * math.cos(a)
        lat = ISLAND_LAT + north / KM_PER_DEG
        lon = ISLAND_LON + east / (KM_PER_DEG * math.cos(math.radians(ISLAND_LAT)))
    ids = rng.permutation(n).astype(np.int64)
    return ids, lon, lat


def make_views(
    lon: np.ndarray, lat: np.ndarray, count: int, rng: np.random.Generator
) -> list[list[float]]:
    """[west, south, east, north, zoom] of a 1280 x 800 viewport centred on random points."""
    views = []
    for _ in range(count):
        z = int(rng.integers(5, 17))
        i = int(rng.integers(lon.size))
        world = TILE * 2.0**z
        s = math.sin(math.radians(lat[i]))
        cx = (lon[i] / 360.0 + 0.5) * world
        cy = (0.5 - 0.25 * math.log((1 + s) / (1 - s)) / math.pi) * world

        def to_lat(py: float, world: float = world) -> float:
            y2 = math.pi * (1 - 2 * min(max(py, 0.0), world) / world)
            return math.degrees(math.atan(math.sinh(y2)))

        west = ((cx - VIEW_W / 2) / world - 0.5) * 360.0
        east = ((cx + VIEW_W / 2) / world - 0.5) * 360.0
        views.append([west, to_lat(cy + VIEW_H / 2), east, to_lat(cy - VIEW_H / 2), z])
    return views


def time_views(
    query: Callable[[list[float], int], object], views: list[list[float]], repeats: int
) -> tuple[np.ndarray, list[int]]:
    for v in views:  # warm-up
        query(v[:4], int(v[4]))
    times, sizes = [], []
    for v in tqdm(views, desc="  views", unit="view", leave=False):
        runs = []
        for _ in range(repeats):
            t0 = time.perf_counter_ns()
            out = query(v[:4], int(v[4]))
            runs.append(time.perf_counter_ns() - t0)
        times.append(float(np.median(runs)) / 1e6)
        sizes.append(len(out))  # type: ignore[arg-type]
    return np.asarray(times), sizes


def run_ours(ids, lon, lat, views, repeats, rng) -> dict[str, float]:
    t0 = time.perf_counter()
    index = MapIndex.build(ids, lon, lat, OPTIONS, progress=True)
    build = time.perf_counter() - t0
    times, sizes = time_views(index.clusters, views, repeats)

    new_id = int(ids.max()) + 1
    t0 = time.perf_counter()
    changed = index.with_changes(
        upsert_ids=[new_id], upsert_lon=[lon[0]], upsert_lat=[lat[0]], remove_ids=[ids[1]]
    )
    first_change = time.perf_counter() - t0
    t0 = time.perf_counter()
    changed.with_changes(remove_ids=[ids[2]])
    next_change = time.perf_counter() - t0

    # A busy minute: 500 items published and 500 withdrawn, held in the overlay.
    pick = rng.choice(ids.size, 1000, replace=False)
    busy = index.with_changes(
        upsert_ids=np.arange(new_id, new_id + 500),
        upsert_lon=lon[pick[:500]] + rng.normal(0, 0.001, 500),
        upsert_lat=lat[pick[:500]] + rng.normal(0, 0.001, 500),
        remove_ids=ids[pick[500:]],
    )
    busy_times, _ = time_views(busy.clusters, views, repeats)
    t0 = time.perf_counter()
    busy.compacted()
    rebuild = time.perf_counter() - t0

    t0 = time.perf_counter()
    blob = index.to_bytes()
    save = time.perf_counter() - t0
    t0 = time.perf_counter()
    MapIndex.from_bytes(blob)
    load = time.perf_counter() - t0
    return {
        "build_s": build,
        "median_ms": float(np.median(times)),
        "p95_ms": float(np.percentile(times, 95)),
        "items": float(np.mean(sizes)),
        "change_s": first_change,
        "next_change_s": next_change,
        "busy_p95_ms": float(np.percentile(busy_times, 95)),
        "rebuild_s": rebuild,
        "save_s": save,
        "load_s": load,
        "bytes_mb": len(blob) / 1e6,
    }


def run_peer(ids, lon, lat, views, repeats) -> dict[str, float] | None:
    if not (NODE_DIR / "node_modules" / "supercluster").is_dir() or not shutil.which("node"):
        print("  supercluster is not installed: run bash benchmarks/map/setup.sh", file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory(prefix="tellus-map-") as tmp:
        points = Path(tmp) / "points.bin"
        np.concatenate([lon, lat, ids.astype(np.float64)]).astype("<f8").tofile(points)
        spec = {
            "options": {
                "radius": OPTIONS.radius,
                "extent": OPTIONS.tile_size,
                "minZoom": OPTIONS.min_zoom,
                "maxZoom": OPTIONS.max_zoom,
                "minPoints": OPTIONS.min_points,
            },
            "views": views,
            "repeats": repeats,
            "change": [float(lon[0]), float(lat[0])],
        }
        spec_path = Path(tmp) / "views.json"
        spec_path.write_text(json.dumps(spec))
        print("  supercluster: building and querying in node ...", file=sys.stderr)
        done = subprocess.run(
            [
                "node",
                "--max-old-space-size=8192",
                str(NODE_SCRIPT),
                str(NODE_DIR),
                str(points),
                str(spec_path),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
    out = json.loads(done.stdout)
    times = np.asarray(out["view_ms"])
    return {
        "build_s": out["build_ms"] / 1000,
        "median_ms": float(np.median(times)),
        "p95_ms": float(np.percentile(times, 95)),
        "items": float(np.mean(out["view_items"])),
        "change_s": out["change_ms"] / 1000,
    }


ROWS = [
    ("view query, median (ms)", "median_ms", "{:.3f}"),
    ("view query, p95 (ms)", "p95_ms", "{:.3f}"),
    ("items per view, mean", "items", "{:.0f}"),
    ("build (s)", "build_s", "{:.2f}"),
    ("apply one change (s)", "change_s", "{:.4f}"),
    ("apply the next change (s)", "next_change_s", "{:.5f}"),
    ("view p95 with 1000 pending changes (ms)", "busy_p95_ms", "{:.3f}"),
    ("rebuild with the changes (s)", "rebuild_s", "{:.2f}"),
    ("serialise / load (s)", None, ""),
    ("serialised size (MB)", "bytes_mb", "{:.1f}"),
]


def print_table(name: str, ours: dict[str, float], peer: dict[str, float] | None) -> None:
    print(f"\n{name}: {OPTIONS}")
    print(f"| {'measure':<42} | {'tellus':>12} | {'supercluster':>12} | {'ratio':>7} |")
    print(f"|{'-' * 44}|{'-' * 13}:|{'-' * 13}:|{'-' * 8}:|")
    for label, key, fmt in ROWS:
        if key is None:
            mine = f"{ours['save_s']:.2f} / {ours['load_s']:.2f}"
            print(f"| {label:<42} | {mine:>12} | {'-':>12} | {'':>7} |")
            continue
        mine = fmt.format(ours[key])
        theirs, ratio = "-", ""
        if peer is not None and key in peer:
            theirs = fmt.format(peer[key])
            if peer[key] > 0 and key != "items":
                ratio = f"{ours[key] / peer[key]:.2f}"
        print(f"| {label:<42} | {mine:>12} | {theirs:>12} | {ratio:>7} |")
    print("ratio = tellus / supercluster (below 1: we are faster). Supercluster has no update:")
    print("its change is a full rebuild; ours is the overlay, rebuilt later.")


def part_inprocess(args: argparse.Namespace) -> None:
    for kind in args.datasets:
        rng = np.random.default_rng(args.seed)
        ids, lon, lat = make_points(kind, args.points, rng)
        views = make_views(lon, lat, args.views, rng)
        print(f"{kind}: {args.points:,} points, {args.views} views", file=sys.stderr)
        ours = run_ours(ids, lon, lat, views, args.repeats, rng)
        peer = None if args.no_peer else run_peer(ids, lon, lat, views, args.repeats)
        print_table(f"{kind}, {args.points:,} points, {args.views} views", ours, peer)


def part_endpoint(args: argparse.Namespace) -> None:
    from bench_endpoint import main as endpoint_main

    endpoint_main(
        [
            *("--points", str(args.points), "--views", str(args.views)),
            *("--repeats", str(args.repeats), "--seed", str(args.seed)),
            *("--datasets", *args.datasets),
        ]
    )


PARTS: dict[str, Callable[[argparse.Namespace], None]] = {
    "inprocess": part_inprocess,
    "endpoint": part_endpoint,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--views", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--datasets", nargs="+", default=["island", "world"])
    parser.add_argument("--parts", nargs="+", default=list(PARTS), choices=list(PARTS))
    parser.add_argument("--no-peer", action="store_true", help="skip supercluster")
    args = parser.parse_args()
    for part in args.parts:
        PARTS[part](args)


if __name__ == "__main__":
    main()
