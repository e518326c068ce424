"""The console's dashboard reads on the raw engagement log against the daily roll-up.

    .venv/bin/python benchmarks/rollups/run.py [--events 1000000 5000000] [--repeat 7]

For each size, a database of its own (SQLite in .bench/rollups/<events>/,
or PostgreSQL when DATABASE_URL is set) gets that many events over two years
up to today, written with plain SQL (executemany, indexes built afterwards):
kinds weighted as the demo's, 40 % of events in one of 60 initiatives, more
events in later months. It is kept between runs and reused when the count
matches. Then, in that process:

- "raw log": the queries the overview (events per week over 26 weeks, events
  in the last 30 days) and the engagement page (per week over 52 weeks, per
  kind over 30 days) ran on the log before the roll-up, as they were;
- "roll-up": the same figures from ``event_activity`` (the fill state, the
  roll-up, today from the log);
- the first fill (``rollup_events(rebuild=True)``), and the hourly run after
  an hour of new events (what a page view costs in the embedded setup).

Each read is the median of ``--repeat`` runs after one warm-up; the ratio is
raw / roll-up. The two must give the same figures, or the script stops.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / ".bench" / "rollups"
DAYS = 730
INITIATIVES = 60
BATCH = 50_000
KINDS = {
    "content.viewed": 0.36,
    "reaction.added": 0.10,
    "poll.voted": 0.08,
    "comment.posted": 0.06,
    "share.clicked": 0.06,
    "trip.recorded": 0.05,
    "member.signed_up": 0.04,
    "share.created": 0.04,
    "content.submitted": 0.04,
    "contest.voted": 0.03,
    "survey.responded": 0.03,
    "content.approved": 0.025,
    "idea.endorsed": 0.02,
    "suggestion.made": 0.02,
    "idea.submitted": 0.01,
    "referral.invited": 0.01,
    "contest.entered": 0.01,
    "topic.posted": 0.0095,
    "idea.adopted": 0.0005,
}


def _median_ms(fn: Callable[[], Any], repeat: int) -> tuple[Any, float]:
    result = fn()  # warm-up: the database's page cache, Django's query compilation
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return result, statistics.median(times)


def _load(events: int) -> float:
    """Write ``events`` rows into the log with plain SQL; seconds taken."""
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    from tellus.engagement.models import Event, Initiative

    began = time.perf_counter()
    rng = np.random.default_rng(7)
    now = timezone.now()
    start = now - dt.timedelta(days=DAYS)
    # More activity as the platform grows: density rising linearly over the two years.
    seconds = np.sort(np.sqrt(rng.random(events)) * DAYS * 86_400).astype(np.int64)
    names = list(KINDS)
    weights = np.array(list(KINDS.values()))
    kind_index = rng.choice(len(names), size=events, p=weights / weights.sum())
    with transaction.atomic():
        Event.objects.all().delete()
        Initiative.objects.all().delete()
        initiatives = [
            Initiative.objects.create(
                name=f"Initiative {n}",
                slug=f"bench-{n}",
                kind="task_based",
                interaction="continuous",
                tools="lean",
                initiated_by="firm",
            ).pk
            for n in range(INITIATIVES)
        ]
        in_one = rng.random(events) < 0.4
        initiative_index = rng.integers(0, INITIATIVES, size=events)
        table = Event._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                    "AND sql IS NOT NULL",
                    [table],
                )
            else:
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                    "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                    [table],
                )
            indexes = cursor.fetchall()
            for name, _sql in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
            sql = (
                f"INSERT INTO {table} (kind, occurred_at, initiative_id, subject_type, channel, "  # noqa: S608 (model)
                "journey_stage) VALUES (%s, %s, %s, '', '', '')"
            )
            for begin in range(0, events, BATCH):
                end = min(begin + BATCH, events)
                rows = []
                for i in range(begin, end):
                    at = start + dt.timedelta(seconds=int(seconds[i]))
                    stamp = (
                        at.strftime("%Y-%m-%d %H:%M:%S") if connection.vendor == "sqlite" else at
                    )
                    rows.append(
                        (
                            names[kind_index[i]],
                            stamp,
                            initiatives[initiative_index[i]] if in_one[i] else None,
                        )
                    )
                cursor.executemany(sql, rows)
            for _name, statement in indexes:
                cursor.execute(statement)
            if connection.vendor == "sqlite":
                cursor.execute("ANALYZE")
            else:
                cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - began


def _raw_reads() -> dict[str, Any]:
    """The overview's and the engagement page's event reads as they were, on the log."""
    from django.db.models import Count
    from django.db.models.functions import TruncWeek
    from django.utils import timezone

    from tellus.engagement.models import Event

    def weekly(weeks: int) -> list[dict[str, Any]]:
        since = timezone.now() - dt.timedelta(weeks=weeks)
        rows = (
            Event.objects.filter(occurred_at__gte=since)
            .annotate(week=TruncWeek("occurred_at"))
            .values("week")
            .annotate(count=Count("pk"))
            .order_by("week")
        )
        return [{"week": r["week"].date().isoformat(), "count": r["count"]} for r in rows]

    since = timezone.now() - dt.timedelta(days=30)
    recent = Event.objects.filter(occurred_at__gte=since)
    return {
        "overview": lambda: (weekly(26), recent.count()),
        "engagement": lambda: (
            weekly(52),
            list(recent.values("kind").annotate(count=Count("pk")).order_by("-count", "kind")),
        ),
    }


def child(events: int, repeat: int) -> dict[str, Any]:
    """Load (or reuse) a log of ``events`` rows and measure; one JSON object."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tellus.config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from tellus.engagement.models import Event
    from tellus.engagement.queries import event_activity
    from tellus.engagement.rollups import rollup_events

    call_command("migrate", verbosity=0)
    loaded = None
    if Event.objects.count() != events:
        loaded = _load(events)
    began = time.perf_counter()
    rollup_events(rebuild=True)
    first_fill = time.perf_counter() - began
    # An hour of new events (at the log's latest rate), then the hourly run.
    hourly = max(1, events // (DAYS * 24))
    Event.objects.bulk_create(
        [Event(kind="comment.posted", occurred_at=timezone.now()) for _ in range(hourly)]
    )
    began = time.perf_counter()
    rollup_events()
    hourly_run = time.perf_counter() - began
    raw = _raw_reads()
    result: dict[str, Any] = {
        "events": events,
        "database": connection.vendor,
        "loaded_s": loaded,
        "first_fill_s": first_fill,
        "hourly_run_s": hourly_run,
        "pages": {},
    }
    for page, weeks in (("overview", 26), ("engagement", 52)):
        (raw_weekly, _recent), raw_ms = _median_ms(raw[page], repeat)
        activity, ours_ms = _median_ms(lambda w=weeks: event_activity(weeks=w, days=30), repeat)
        # The same events, whichever way they are counted (the raw reads' windows are
        # rolling and ours whole days: compare the totals over the shared weeks).
        ours_weeks = {row["week"]: row["count"] for row in activity.weekly}
        shared = [row for row in raw_weekly[1:] if row["week"] in ours_weeks]
        if any(ours_weeks[row["week"]] != row["count"] for row in shared):
            raise SystemExit(f"{page}: the roll-up and the log disagree on weekly counts")
        result["pages"][page] = {"raw_ms": raw_ms, "rollup_ms": ours_ms}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(child(args.one, args.repeat)), flush=True)
        return
    results = []
    for events in args.events:
        folder = BENCH / str(events)
        folder.mkdir(parents=True, exist_ok=True)
        environment = {**os.environ, "TELLUS_DATA_DIR": str(folder)}
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(events), "--repeat", str(args.repeat)],
            env=environment,
            check=False,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"{events:,} events: the run failed\n{done.stderr}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"{'events':>10}  {'page':<11} {'raw log ms':>11} {'roll-up ms':>11} {'ratio':>7}")
    for result in results:
        for page, figures in result["pages"].items():
            ratio = figures["raw_ms"] / figures["rollup_ms"]
            print(
                f"{result['events']:>10,}  {page:<11} {figures['raw_ms']:>11.1f} "
                f"{figures['rollup_ms']:>11.2f} {ratio:>6.0f}x"
            )
    print()
    print(f"{'events':>10}  {'database':<10} {'first fill s':>12} {'hourly run ms':>14}")
    for result in results:
        print(
            f"{result['events']:>10,}  {result['database']:<10} {result['first_fill_s']:>12.2f} "
            f"{result['hourly_run_s'] * 1000:>14.1f}"
        )


if __name__ == "__main__":
    main()
