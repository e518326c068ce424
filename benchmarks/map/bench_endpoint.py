"""The map endpoint end to end: GET /api/v1/map/clusters on ``tellus serve`` over a million items.

For each dataset of ``bench_map.py`` (an island the size of Lanzarote, the
world), in one run:

1. a throwaway database: PostgreSQL (a database created on the server of
   --postgres, dropped afterwards) or SQLite (a file in a temporary data
   folder). With --backend auto, 50,000 items are first loaded into SQLite
   and the time extrapolated to --points; PostgreSQL is used when that is
   more than --sqlite-budget seconds. ``tellus migrate``, then the points
   loaded as published photos with their contributors' consents
   (``endpoint_db.py load``: COPY on PostgreSQL);
2. in a separate process on that database: the index built from it
   (``map_points`` and ``MapIndex.build``, timed apart), the 100 views queried
   on it as ``bench_map.py`` does, and through the Django stack without a
   server (the test client), with the shared Redis cache and with a
   local-memory one;
3. ``tellus serve --workers 1`` (Granian) on a free port, with REDIS_URL on
   a flushed Redis database: the first request (which builds the index), a
   check that every view answers what the index answers, then the views
   cycled by a Python client on one keep-alive connection (every request
   timed) and by wrk (``views.lua``) with one connection and with several;
4. a change end to end: another process publishes one geotagged item
   (a contributor's story, approved by a moderator) and then withdraws its
   consent, through the services; the endpoint is polled at zoom 20 until
   the item shows and then until it is gone.

Goals (issue 4): an endpoint p99 under 10 ms; a change on the map within a
minute. Needs wrk (Debian package), Redis, and for PostgreSQL a server that
accepts the postgres user without a password.

Run: ``.venv/bin/python benchmarks/map/bench_endpoint.py`` (``--help``), or
``.venv/bin/python benchmarks/map/bench_map.py --parts endpoint``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(HERE))

from bench_map import TILE, make_points, make_views  # noqa: E402
from endpoint_db import path_for  # noqa: E402

SERVER_START_S = 60.0
FIRST_REQUEST_S = 600.0
CHANGE_TIMEOUT_S = 180.0
POLL_S = 0.1
CHANGE_ZOOM = 20
PROBE_POINTS = 50_000
SHORT = {"sqlite": "SQLite", "postgresql": "PG"}


# --- helpers -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_json(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run a step of endpoint_db.py; its progress shows, its last line is the result."""
    done = subprocess.run(
        [str(BIN / "python"), str(HERE / "endpoint_db.py"), *args],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"endpoint_db.py {args[0]} failed ({done.returncode}):\n{done.stdout}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def base_env(data: Path, database_url: str | None, redis_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TELLUS_"))}
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY"):
        env.pop(name, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tellus.config.settings",
            "TELLUS_DATA_DIR": str(data),
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            # One address sends every request here: raise its allowance (the
            # throttle still runs and costs what it costs) rather than measure 429s.
            "TELLUS_RATE_API_ANONYMOUS": "1000000000/s",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def migrate(env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([str(BIN / "tellus"), "migrate", "--no-input", "-v0"], env=env, check=True)
    return time.perf_counter() - t0


@contextmanager
def postgres_database(server: str, name: str) -> Iterator[str]:
    import psycopg

    admin = f"{server.rstrip('/')}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server.rstrip('/')}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()


class Server:
    """``tellus serve`` in its own process group, stopped by its own id."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [
                    str(BIN / "tellus"),
                    "serve",
                    "--no-setup",
                    "--workers",
                    "1",
                    "--port",
                    str(self.port),
                ],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"tellus serve stopped:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        raise SystemExit(f"tellus serve was not healthy within {SERVER_START_S:.0f} s")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


class Client:
    """One keep-alive HTTP/1.1 connection, as a map in a browser tab would hold."""

    def __init__(self, port: int, timeout: float = 30.0) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def get(self, path: str) -> tuple[int, bytes]:
        self.conn.request("GET", path)
        response = self.conn.getresponse()
        return response.status, response.read()

    def get_json(self, path: str) -> dict[str, Any]:
        status, body = self.get(path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}: {body[:300]!r}")
        return dict(json.loads(body))

    def close(self) -> None:
        self.conn.close()


def view_around(lon: float, lat: float, zoom: int, width: int, height: int) -> list[float]:
    """[west, south, east, north, zoom] of a view of width x height pixels centred on a point."""
    world = TILE * 2.0**zoom
    s = math.sin(math.radians(lat))
    cx = (lon / 360.0 + 0.5) * world
    cy = (0.5 - 0.25 * math.log((1 + s) / (1 - s)) / math.pi) * world

    def to_lat(py: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * py / world))))

    west = (cx - width / 2) / world * 360.0 - 180.0
    east = (cx + width / 2) / world * 360.0 - 180.0
    return [west, to_lat(cy + height / 2), east, to_lat(cy - height / 2), zoom]


# --- wrk -----------------------------------------------------------------------


@dataclass
class WrkResult:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def wrk(url: str, paths_file: Path, *, threads: int, connections: int, seconds: int) -> WrkResult:
    done = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(HERE / "views.lua"),
            url,
            "--",
            str(paths_file),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"^RESULT (.*)$", done.stdout, re.MULTILINE)
    if not found:
        raise SystemExit(f"could not read wrk's output:\n{done.stdout}\n{done.stderr}")
    v = {k: int(x) for k, x in (pair.split("=") for pair in found.group(1).split())}
    return WrkResult(
        requests=v["requests"],
        seconds=v["duration_us"] / 1e6,
        errors=v["errors"] + v["status_errors"],
        p50_ms=v["p50_us"] / 1e3,
        p95_ms=v["p95_us"] / 1e3,
        p99_ms=v["p99_us"] / 1e3,
        max_ms=v["max_us"] / 1e3,
    )


# --- one dataset -----------------------------------------------------------------


@dataclass
class Latency:
    median_ms: float
    p95_ms: float
    p99_ms: float
    rps: float | None = None
    requests: int = 0
    errors: int = 0

    @classmethod
    def of(cls, times_ms: list[float], rps: float | None = None) -> Latency:
        a = np.asarray(times_ms)
        return cls(
            float(np.median(a)),
            float(np.percentile(a, 95)),
            float(np.percentile(a, 99)),
            rps,
            int(a.size),
        )


@dataclass
class DatasetResult:
    name: str
    backend: str
    label: str = ""
    items: int = 0
    items_per_view: float = 0.0
    bytes_per_view: float = 0.0
    figures: dict[str, float] = field(default_factory=dict)
    paths: dict[str, Latency] = field(default_factory=dict)


def poll_until(client: Client, view: list[float], item_id: int, *, present: bool) -> float:
    """Poll the view until the item is (or is no longer) among its single points: the time."""
    path = path_for(view)
    deadline = time.monotonic() + CHANGE_TIMEOUT_S
    while time.monotonic() < deadline:
        body = client.get_json(path)
        if any(p["id"] == item_id for p in body["points"]) == present:
            return time.time()
        time.sleep(POLL_S)
    state = "show" if present else "leave"
    raise SystemExit(f"item {item_id} did not {state} the map within {CHANGE_TIMEOUT_S:.0f} s")


def run_dataset(
    args: argparse.Namespace, kind: str, backend: str, work: Path, sqlite_probe: dict[str, float]
) -> DatasetResult:
    rng = np.random.default_rng(args.seed)
    _, lon, lat = make_points(kind, args.points, rng)
    views = make_views(lon, lat, args.views, rng)
    change_at = int(rng.integers(lon.size))
    change_lon = float(lon[change_at]) + 0.0001
    change_lat = float(lat[change_at]) + 0.0001
    del lon, lat
    result = DatasetResult(kind, backend)
    result.figures.update(sqlite_probe)

    folder = work / f"{kind}-{backend}"
    data = folder / "data"
    (data / "static").mkdir(parents=True)
    views_file = folder / "views.json"
    views_file.write_text(json.dumps(views))
    paths_file = folder / "paths.txt"
    paths_file.write_text("".join(path_for(v) + "\n" for v in views))

    database: AbstractContextManager[str | None] = (
        postgres_database(args.postgres, f"tellus_mapbench_{kind}_{os.getpid()}")
        if backend == "postgresql"
        else nullcontext()
    )
    with database as database_url:
        env = base_env(data, database_url, args.redis)
        print(f"\n{kind}: {backend}, migrating ...", file=sys.stderr, flush=True)
        result.figures["migrate_s"] = migrate(env)
        print(f"{kind}: loading {args.points:,} items ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        loaded = run_json(
            ["load", "--dataset", kind, "--points", str(args.points), "--seed", str(args.seed)],
            env,
        )
        result.figures["load_wall_s"] = time.perf_counter() - t0
        result.figures["load_s"] = loaded["write_s"] + loaded["analyse_s"]
        result.figures["analyse_s"] = loaded["analyse_s"]
        result.items = int(loaded["items"])

        flush_redis(args.redis)
        print(f"{kind}: the index and the views in process ...", file=sys.stderr, flush=True)
        inproc = run_json(
            ["inprocess", "--views", str(views_file), "--repeats", str(args.repeats)], env
        )
        if inproc["public_points"] != result.items:
            raise SystemExit(
                f"{inproc['public_points']:,} of the {result.items:,} items loaded are public"
            )
        result.figures["rebuild_every_s"] = inproc["rebuild_every_s"]
        result.figures["map_points_s"] = inproc["map_points_s"]
        result.figures["build_s"] = inproc["build_s"]
        result.figures["current_index_s"] = inproc["current_index_s"]
        result.paths["index"] = Latency.of(inproc["index_ms"])
        result.paths["stack_redis"] = Latency.of(inproc["stack_ms"])
        result.paths["stack_local"] = Latency.of(inproc["local_cache_ms"])
        sizes: list[int] = inproc["sizes"]
        result.items_per_view = float(np.mean(sizes))

        flush_redis(args.redis)
        server = Server(env, folder / "server.log")
        try:
            measure_server(args, server, views, sizes, paths_file, result)
            measure_change(args, server, env, change_lon, change_lat, result)
        finally:
            server.stop()
    return result


def measure_server(
    args: argparse.Namespace,
    server: Server,
    views: list[list[float]],
    sizes: list[int],
    paths_file: Path,
    result: DatasetResult,
) -> None:
    client = Client(server.port, timeout=FIRST_REQUEST_S)
    print(f"{result.name}: first request (builds the index) ...", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    client.get_json(path_for(views[0]))
    result.figures["first_request_s"] = time.perf_counter() - t0

    lengths = []
    for view, size in zip(views, sizes, strict=True):
        status, raw = client.get(path_for(view))
        body = json.loads(raw)
        if status != 200 or len(body["clusters"]) + len(body["points"]) != size:
            raise SystemExit(f"{path_for(view)}: the server's answer differs from the index's")
        lengths.append(len(raw))
    result.bytes_per_view = float(np.mean(lengths))

    result.figures["loadavg"] = os.getloadavg()[0]
    paths = [path_for(v) for v in views]
    times: list[float] = []
    plan = [p for _ in range(args.rounds) for p in paths]
    t_all = time.perf_counter()
    for path in tqdm(plan, desc="  python client", unit="req", leave=False):
        t0 = time.perf_counter_ns()
        status, _ = client.get(path)
        times.append((time.perf_counter_ns() - t0) / 1e6)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    result.paths["python_c1"] = Latency.of(times, len(plan) / (time.perf_counter() - t_all))
    client.close()

    kinds: list[tuple[str, int, int]] = [
        ("wrk_c1", 1, 1),
        ("wrk_cN", args.wrk_threads, args.connections),
    ]
    runs: dict[str, list[WrkResult]] = {name: [] for name, _, _ in kinds}
    wrk_plan = [k for _ in range(args.wrk_rounds) for k in kinds]
    for name, threads, connections in tqdm(wrk_plan, desc="  wrk runs", unit="run", leave=False):
        runs[name].append(
            wrk(
                server.url,
                paths_file,
                threads=threads,
                connections=connections,
                seconds=args.duration,
            )
        )
    for name, done in runs.items():
        result.paths[name] = Latency(
            float(np.median([w.p50_ms for w in done])),
            float(np.median([w.p95_ms for w in done])),
            float(np.median([w.p99_ms for w in done])),
            float(np.median([w.rps for w in done])),
            requests=sum(w.requests for w in done),
            errors=sum(w.errors for w in done),
        )
        result.figures[f"{name}_worst_p99_ms"] = max(w.p99_ms for w in done)


def measure_change(
    args: argparse.Namespace,
    server: Server,
    env: dict[str, str],
    lon: float,
    lat: float,
    result: DatasetResult,
) -> None:
    client = Client(server.port)
    # A street-sized view beyond the last clustered zoom: every item in it is a single point.
    view = view_around(lon, lat, CHANGE_ZOOM, 256, 256)
    print(f"{result.name}: publishing one item ...", file=sys.stderr, flush=True)
    published = run_json(["publish", "--lon", repr(lon), "--lat", repr(lat)], env)
    shown = poll_until(client, view, int(published["id"]), present=True)
    result.figures["publish_s"] = shown - float(published["committed_at"])
    print(f"{result.name}: withdrawing it ...", file=sys.stderr, flush=True)
    withdrawn = run_json(["withdraw", "--id", str(published["id"])], env)
    gone = poll_until(client, view, int(published["id"]), present=False)
    result.figures["withdraw_s"] = gone - float(withdrawn["committed_at"])
    client.close()


# --- the SQLite probe ------------------------------------------------------------


def probe_sqlite(args: argparse.Namespace, work: Path) -> dict[str, float]:
    """Load PROBE_POINTS items into SQLite and extrapolate the time to --points."""
    data = work / "sqlite-probe"
    data.mkdir()
    env = base_env(data, None, None)
    print(f"SQLite probe: {PROBE_POINTS:,} items ...", file=sys.stderr, flush=True)
    migrate(env)
    loaded = run_json(
        ["load", "--dataset", "island", "--points", str(PROBE_POINTS), "--seed", str(args.seed)],
        env,
    )
    shutil.rmtree(data, ignore_errors=True)
    seconds = loaded["write_s"] + loaded["analyse_s"]
    return {
        "sqlite_probe_s": seconds,
        "sqlite_extrapolated_s": seconds * args.points / PROBE_POINTS,
    }


# --- the table ---------------------------------------------------------------------


PATH_ROWS = [
    ("index", "MapIndex.clusters in process (bench_map.py's path)"),
    ("stack_local", "Django stack in process, local-memory cache"),
    ("stack_redis", "Django stack in process, Redis cache"),
    ("python_c1", "HTTP, Python client, 1 connection"),
    ("wrk_c1", "HTTP, wrk -t1 -c1"),
    ("wrk_cN", "HTTP, wrk -t{t} -c{c}"),
]


def print_tables(args: argparse.Namespace, results: list[DatasetResult]) -> None:
    for r in results:
        print(
            f"\n{r.name}, {r.items:,} items on {r.backend}, {args.views} views "
            f"(1280 x 800, zooms 5-16), {r.items_per_view:.0f} clusters and points "
            f"({r.bytes_per_view / 1024:.1f} KiB) per view on average"
        )
        base = r.paths["index"].median_ms
        print(
            f"| {'path':<52} | {'median ms':>9} | {'p95 ms':>7} | {'p99 ms':>7} "
            f"| {'req/s':>6} | {'median / in process':>19} |"
        )
        print(f"|{'-' * 54}|{'-' * 10}:|{'-' * 8}:|{'-' * 8}:|{'-' * 7}:|{'-' * 20}:|")
        for key, label in PATH_ROWS:
            lat = r.paths[key]
            label = label.format(t=args.wrk_threads, c=args.connections)
            rps = f"{lat.rps:,.0f}" if lat.rps else "-"
            print(
                f"| {label:<52} | {lat.median_ms:>9.3f} | {lat.p95_ms:>7.3f} | {lat.p99_ms:>7.3f} "
                f"| {rps:>6} | {lat.median_ms / base:>19.1f} |"
            )
        errors = sum(r.paths[k].errors for k in ("wrk_c1", "wrk_cN"))
        print(
            f"In process: each view's median of {args.repeats} runs. Python client: every "
            f"request of {args.rounds} rounds of the views. wrk: medians of {args.wrk_rounds} "
            f"runs of {args.duration} s; errors: {errors}. Load average during the HTTP runs: "
            f"{r.figures['loadavg']:.1f} on {os.cpu_count()} cores."
        )

    names = [r.label for r in results]
    width = max(11, *(len(n) for n in names))
    print(f"\n| {'measure':<58} | " + " | ".join(f"{n:>{width}}" for n in names) + " | goal |")
    print(f"|{'-' * 60}|" + "".join(f"{'-' * (width + 1)}:|" for _ in names) + "-----:|")

    def row(label: str, values: list[str], goal: str = "") -> None:
        cells = " | ".join(f"{v:>{width}}" for v in values)
        print(f"| {label:<58} | {cells} | {goal:>4} |")

    def fig(key: str, fmt: str = "{:.1f}") -> list[str]:
        return [fmt.format(r.figures[key]) if key in r.figures else "-" for r in results]

    def against(value: float, goal: float, fmt: str) -> str:
        return f"{fmt.format(value)}; {value / goal:.2f}"

    row("database", [r.backend for r in results])
    if "sqlite_probe_s" in results[0].figures:
        row(f"SQLite: load {PROBE_POINTS:,} items (s)", fig("sqlite_probe_s"))
        row(f"SQLite: that, extrapolated to {args.points:,} (s)", fig("sqlite_extrapolated_s"))
    row(f"load {args.points:,} items with 2 consents each (s)", fig("load_s"))
    row("  of which VACUUM ANALYZE / ANALYZE (s)", fig("analyse_s"))
    row("index from the database: map_points (s)", fig("map_points_s"))
    row("index from the database: MapIndex.build (s)", fig("build_s"))
    row(
        "index from the database: total (s)",
        [f"{r.figures['map_points_s'] + r.figures['build_s']:.1f}" for r in results],
    )
    row("first request on tellus serve, building the index (s)", fig("first_request_s"))
    for key, label in (
        ("publish_s", "an item published shows on the map"),
        ("withdraw_s", "an item withdrawn leaves the map"),
    ):
        row(
            f"{label} (s); ratio to goal",
            [against(r.figures[key], 60, "{:.1f}") for r in results],
            "60",
        )
    row(
        "endpoint p99, wrk -c1, median of runs (ms); ratio to goal",
        [against(r.paths["wrk_c1"].p99_ms, 10, "{:.2f}") for r in results],
        "10",
    )
    row(
        "endpoint p99, wrk -c1, worst run (ms); ratio to goal",
        [against(r.figures["wrk_c1_worst_p99_ms"], 10, "{:.2f}") for r in results],
        "10",
    )
    row(
        "endpoint p99, Python client (ms); ratio to goal",
        [against(r.paths["python_c1"].p99_ms, 10, "{:.2f}") for r in results],
        "10",
    )
    row(
        "endpoint p99 (wrk -c1) / in-process p99",
        [f"{r.paths['wrk_c1'].p99_ms / r.paths['index'].p99_ms:.0f}" for r in results],
    )
    print(
        "A change is timed from its commit in another process until the endpoint shows it; "
        f"the server rebuilds at most every {results[0].figures['rebuild_every_s']:.0f} s, "
        "in the background."
    )


# --- main -------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--points", type=int, default=1_000_000)
    p.add_argument("--views", type=int, default=100)
    p.add_argument("--repeats", type=int, default=5, help="runs of each view in process")
    p.add_argument("--rounds", type=int, default=50, help="rounds of the views, Python client")
    p.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    p.add_argument("--wrk-rounds", type=int, default=3, help="wrk runs of each kind (medians)")
    p.add_argument("--connections", type=int, default=8, help="wrk connections, second run")
    p.add_argument("--wrk-threads", type=int, default=2, help="wrk threads, second run")
    p.add_argument("--seed", type=int, default=20261124)
    p.add_argument("--datasets", nargs="+", default=["island", "world"])
    p.add_argument(
        "--backend",
        choices=["auto", "sqlite", "postgresql", "both"],
        default="auto",
        help="auto: SQLite unless its extrapolated load exceeds --sqlite-budget",
    )
    p.add_argument(
        "--sqlite-budget",
        type=float,
        default=60.0,
        help="with --backend auto: the longest extrapolated SQLite load (s) we accept",
    )
    p.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--redis", default="redis://127.0.0.1:6379/14", help="flushed before use")
    p.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.points < PROBE_POINTS:
        raise SystemExit(f"--points must be at least {PROBE_POINTS:,}")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    if urllib.parse.urlsplit(args.redis).scheme not in ("redis", "rediss"):
        raise SystemExit("--redis must be a redis:// URL")
    work = Path(tempfile.mkdtemp(prefix="tellus-map-endpoint-"))
    try:
        probe: dict[str, float] = {}
        backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
        if args.backend in ("auto", "both"):
            probe = probe_sqlite(args, work)
            print(
                f"SQLite: {probe['sqlite_probe_s']:.1f} s for {PROBE_POINTS:,}, about "
                f"{probe['sqlite_extrapolated_s']:.0f} s for {args.points:,}",
                file=sys.stderr,
            )
        if args.backend == "auto":
            too_long = probe["sqlite_extrapolated_s"] > args.sqlite_budget
            backends = ["postgresql" if too_long else "sqlite"]
            print(f"Using {backends[0]}", file=sys.stderr)
        results = [
            run_dataset(args, kind, backend, work, probe)
            for kind in args.datasets
            for backend in backends
        ]
        for r in results:
            r.label = r.name if len(backends) == 1 else f"{r.name} {SHORT[r.backend]}"
    finally:
        if args.keep:
            print(f"Work folder kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print_tables(args, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
