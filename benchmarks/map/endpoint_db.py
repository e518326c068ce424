"""The Django side of the map endpoint benchmark, run in its own process per database.

``bench_endpoint.py`` drives it with DATABASE_URL, REDIS_URL and TELLUS_DATA_DIR
set; each command prints one JSON object on its last line of output.

- ``load``: the points of ``make_points`` as published photos, each with its
  contributor's website and exact-location consent (so that the public position
  is the exact one), written with the database's bulk path: PostgreSQL's COPY,
  or one executemany per table in one transaction on SQLite. Rows go straight
  to the tables because a million calls of the submit and approve services
  would take hours; every other column gets the model's own default.
- ``inprocess``: the index built from the database (``map_points`` and
  ``MapIndex.build``, timed apart), the views queried on it as ``bench_map.py``
  does, then the same views through the whole Django stack in this process
  (the test client: middleware, throttle, ``current_index``, JSON), without
  the server and the network.
- ``publish`` / ``withdraw``: one change through the services a contributor
  and a moderator use (``content_submit_text``, ``content_moderate``,
  ``content_set_consents``), which bump the shared public version.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import django

HERE = Path(__file__).resolve().parent
SUBJECT_TYPE = "content.contentitem"
AUTHORS = 20_000
CHUNK = 20_000


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tellus.config.settings")
    django.setup()


def _emit(result: dict[str, Any]) -> None:
    print(json.dumps(result), flush=True)


# --- load ------------------------------------------------------------------


class _Table:
    """A model's columns in order, with every column we do not set filled with its default."""

    def __init__(self, model: Any, varying: Sequence[str], fixed: dict[str, Any], now: datetime):
        from django.db import connection, models

        self.name = model._meta.db_table
        fields = {
            f.name: f for f in model._meta.concrete_fields if f.name in varying or not f.primary_key
        }
        self.columns: list[str] = []
        self.varying_at: list[int] = []
        template: list[Any] = []
        for position, field in enumerate(fields.values()):
            self.columns.append(field.column)
            if field.name in varying:
                self.varying_at.append(position)
                template.append(None)
                continue
            if field.name in fixed:
                value = fixed[field.name]
            elif field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif isinstance(field, models.CharField | models.TextField | models.FileField):
                value = ""
            else:
                raise SystemExit(f"{self.name}.{field.column} needs a value from the loader")
            template.append(field.get_db_prep_save(value, connection))
        order = [list(fields).index(name) for name in varying]
        if sorted(order) != self.varying_at:
            raise SystemExit(f"{self.name}: give the varying columns in the model's order")
        self.template = template

    def rows(self, values: Iterable[Sequence[Any]]) -> Iterator[list[Any]]:
        for row in values:
            out = list(self.template)
            for position, value in zip(self.varying_at, row, strict=True):
                out[position] = value
            yield out

    def copy_lines(self, values: Iterable[Sequence[Any]]) -> Iterator[str]:
        """Rows in COPY's text format; the fixed columns are rendered once."""
        template = [_copy_text(v) for v in self.template]
        for row in values:
            out = list(template)
            for position, value in zip(self.varying_at, row, strict=True):
                out[position] = _copy_text(value)
            yield "\t".join(out) + "\n"


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | float):
        return str(value)
    obj = getattr(value, "obj", value)  # psycopg's Json and Jsonb wrappers
    text = json.dumps(obj) if obj is not value else str(value)
    return text.translate(_COPY_ESCAPES)


def _write(table: _Table, values: Iterable[Sequence[Any]], total: int, desc: str) -> None:
    from django.db import connection
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit="row", unit_scale=True, leave=False)
    columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
    name = connection.ops.quote_name(table.name)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                lines: list[str] = []
                for line in table.copy_lines(values):
                    lines.append(line)
                    if len(lines) == CHUNK:
                        copy.write("".join(lines))
                        bar.update(len(lines))
                        lines = []
                copy.write("".join(lines))
        else:
            marks = ", ".join("?" * len(table.columns))
            sql = f"INSERT INTO {name} ({columns}) VALUES ({marks})"  # noqa: S608 (model names)
            raw = cursor.cursor
            batch: list[list[Any]] = []
            for row in table.rows(values):
                batch.append(row)
                if len(batch) == CHUNK:
                    raw.executemany(sql, batch)
                    bar.update(len(batch))
                    batch = []
            if batch:
                raw.executemany(sql, batch)
    bar.update(total - bar.n)
    bar.close()
    print(f"  {desc}: {bar.format_dict['elapsed']:.2f} s", file=sys.stderr)


def cmd_load(args: argparse.Namespace) -> None:
    _setup()
    import numpy as np
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from tellus.content.models import ContentItem
    from tellus.people.models import Consent, ConsentPurpose, Person

    sys.path.insert(0, str(HERE))
    from bench_map import make_points

    rng = np.random.default_rng(args.seed)
    _, lon, lat = make_points(args.dataset, args.points, rng)
    n = lon.size
    now = timezone.now()
    contributors = min(AUTHORS, n)
    t0 = time.perf_counter()
    with transaction.atomic():
        first_person = (Person.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        first_item = (ContentItem.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        people = _Table(
            Person, ["id", "email", "display_name"], {"password": "!", "date_joined": now}, now
        )
        _write(
            people,
            (
                (first_person + a, f"map-bench-{a}@example.org", f"Traveller {a}")
                for a in range(contributors)
            ),
            contributors,
            "contributors",
        )
        items = _Table(
            ContentItem,
            [
                "id",
                "contributor",
                "title",
                "latitude",
                "longitude",
                "public_latitude",
                "public_longitude",
            ],
            {
                "kind": ContentItem.Kind.PHOTO,
                "state": ContentItem.State.PUBLISHED,
                "location_source": "map",
                "content_type": "image/jpeg",
                "created_at": now,
                "updated_at": now,
                "published_at": now,
            },
            now,
        )
        lons, lats = lon.tolist(), lat.tolist()
        contributor_of = rng.integers(0, contributors, n).tolist()
        _write(
            items,
            (
                (
                    first_item + i,
                    first_person + contributor_of[i],
                    f"Photo {i}",
                    lats[i],
                    lons[i],
                    lats[i],
                    lons[i],
                )
                for i in range(n)
            ),
            n,
            "content items",
        )
        consents = _Table(
            Consent,
            ["person", "purpose", "subject_id"],
            {"subject_type": SUBJECT_TYPE, "granted_at": now, "source": "import"},
            now,
        )
        purposes = (ConsentPurpose.WEBSITE.value, ConsentPurpose.EXACT_LOCATION.value)
        _write(
            consents,
            (
                (first_person + contributor_of[i], purpose, first_item + i)
                for i in range(n)
                for purpose in purposes
            ),
            2 * n,
            "consents",
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (Person, ContentItem):
                    table = model._meta.db_table
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608 (model)
                        f"(SELECT max(id) FROM {connection.ops.quote_name(table)}))",
                        [table],
                    )
    written = time.perf_counter() - t0
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        # What autovacuum and autoanalyze would do after a bulk insert, done now.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    analyse = time.perf_counter() - t0
    _emit(
        {
            "items": n,
            "contributors": contributors,
            "consents": 2 * n,
            "write_s": written,
            "analyse_s": analyse,
            "vendor": connection.vendor,
        }
    )


# --- in process ------------------------------------------------------------


def _time_each(
    call: Callable[[list[float]], Any],
    size_of: Callable[[Any], int],
    views: list[list[float]],
    repeats: int,
) -> tuple[list[float], list[int]]:
    """Each view's median over ``repeats`` calls (ms), after a warm-up pass; as bench_map does."""
    import numpy as np
    from tqdm import tqdm

    for view in views:
        call(view)
    times, sizes = [], []
    for view in tqdm(views, desc="  views", unit="view", leave=False):
        runs = []
        out = None
        for _ in range(repeats):
            t0 = time.perf_counter_ns()
            out = call(view)
            runs.append(time.perf_counter_ns() - t0)
        times.append(float(np.median(runs)) / 1e6)
        sizes.append(size_of(out))
    return times, sizes


def _index_pass(
    views: list[list[float]], repeats: int
) -> tuple[int, float, float, list[float], list[int]]:
    """The index built from the database, then queried as bench_map.py does; freed on return."""
    from tellus.content.mapindex import MapIndex
    from tellus.content.queries import map_points

    t0 = time.perf_counter()
    ids, lons, lats = map_points()
    query_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = MapIndex.build(ids, lons, lats, progress=True)
    build_s = time.perf_counter() - t0
    public = len(ids)
    del ids, lons, lats
    times, sizes = _time_each(lambda v: index.clusters(v[:4], int(v[4])), len, views, repeats)
    return public, query_s, build_s, times, sizes


def cmd_inprocess(args: argparse.Namespace) -> None:
    _setup()
    from django.test import Client, override_settings

    from tellus.content.map import REBUILD_SECONDS, current_index, forget_index

    views: list[list[float]] = json.loads(Path(args.views).read_text())
    public, query_s, build_s, index_ms, sizes = _index_pass(views, args.repeats)

    forget_index()
    t0 = time.perf_counter()
    current_index()
    current_s = time.perf_counter() - t0
    client = Client(HTTP_HOST="127.0.0.1")

    def size_of(response: Any) -> int:
        if response.status_code != 200:
            raise SystemExit(f"the endpoint answered {response.status_code}")
        body = json.loads(response.content)
        return len(body["clusters"]) + len(body["points"])

    stack_ms, stack_sizes = _time_each(
        lambda v: client.get(path_for(v)), size_of, views, args.repeats
    )
    if stack_sizes != sizes:
        raise SystemExit("the endpoint's answers differ from the index's")

    # The same stack with the cache in this process: what the cache's round trips cost.
    local = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=local):
        forget_index()
        current_index()
        local_ms, local_sizes = _time_each(
            lambda v: client.get(path_for(v)), size_of, views, args.repeats
        )
    if local_sizes != sizes:
        raise SystemExit("the endpoint's answers differ from the index's")
    _emit(
        {
            "public_points": public,
            "rebuild_every_s": REBUILD_SECONDS,
            "map_points_s": query_s,
            "build_s": build_s,
            "current_index_s": current_s,
            "index_ms": index_ms,
            "stack_ms": stack_ms,
            "local_cache_ms": local_ms,
            "sizes": sizes,
        }
    )


def path_for(view: Sequence[float]) -> str:
    west, south, east, north, zoom = view
    return (
        f"/api/v1/map/clusters?bbox={west:.7f},{south:.7f},{east:.7f},{north:.7f}&zoom={int(zoom)}"
    )


# --- one change ------------------------------------------------------------


def cmd_publish(args: argparse.Namespace) -> None:
    _setup()
    from tellus.content.models import ContentItem
    from tellus.content.services import ItemDetails, content_moderate, content_submit_text
    from tellus.people.models import ConsentPurpose, Person

    contributor = Person.objects.filter(email__startswith="map-bench-").order_by("pk").first()
    if contributor is None:
        raise SystemExit("no contributor: load the points first")
    moderator, _ = Person.objects.get_or_create(
        email="map-bench-moderator@example.org", defaults={"display_name": "Moderator"}
    )
    item = content_submit_text(
        contributor=contributor,
        kind=ContentItem.Kind.STORY,
        body="A walk to the lighthouse at dawn.",
        details=ItemDetails(title="Dawn walk", latitude=args.lat, longitude=args.lon),
        consents=[ConsentPurpose.WEBSITE, ConsentPurpose.EXACT_LOCATION],
    )
    content_moderate(item=item, moderator=moderator, action="approve")
    committed_at = time.time()
    _emit({"id": item.pk, "committed_at": committed_at})


def cmd_withdraw(args: argparse.Namespace) -> None:
    _setup()
    from tellus.content.models import ContentItem
    from tellus.content.services import content_set_consents

    item = ContentItem.objects.get(pk=args.id)
    content_set_consents(item=item, purposes=[])
    _emit({"id": item.pk, "committed_at": time.time()})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="bulk-load the points as published photos")
    load.add_argument("--dataset", choices=["island", "world"], required=True)
    load.add_argument("--points", type=int, required=True)
    load.add_argument("--seed", type=int, required=True)
    load.set_defaults(run=cmd_load)
    inproc = sub.add_parser("inprocess", help="build from the database, query in process")
    inproc.add_argument("--views", required=True, help="JSON file of [w, s, e, n, zoom]")
    inproc.add_argument("--repeats", type=int, default=5)
    inproc.set_defaults(run=cmd_inprocess)
    publish = sub.add_parser("publish", help="submit and approve one geotagged story")
    publish.add_argument("--lon", type=float, required=True)
    publish.add_argument("--lat", type=float, required=True)
    publish.set_defaults(run=cmd_publish)
    withdraw = sub.add_parser("withdraw", help="the contributor withdraws every use of an item")
    withdraw.add_argument("--id", type=int, required=True)
    withdraw.set_defaults(run=cmd_withdraw)
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
