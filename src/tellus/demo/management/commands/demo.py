"""`tellus demo`: seed a fictional destination with two years of visitors and content, once."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tellus.demo import catalogue as cat
from tellus.people.models import Person

SIZES = ("small", "medium", "large")
DEFAULT_SEED = 2024


class Command(BaseCommand):
    help = (
        "Seed the demo destination (members, staff, initiatives, trips, two years of "
        "engagement, and visitors' photos, stories and poems with their consents, moderation, "
        "reports and shares) unless it is already there. Only where TELLUS_DEMO is on "
        "(`tellus serve --demo` sets it), unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            choices=SIZES,
            default="medium",
            help="small: ~300 members and 20 photos (tests); medium: ~5,000 members and 200 "
            "photos (default); large: 100,000 members, over 5 million events, 2,000 photos and "
            "100,000 lighter items for the map (benchmarks).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Random seed: the same seed gives the same data (default {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--until",
            default=None,
            help="The history covers the two years before this day, YYYY-MM-DD (default: "
            "today, UTC). Fix it to get the same dates on another day.",
        )
        parser.add_argument(
            "--loader",
            choices=("auto", "orm", "sql", "copy"),
            default="auto",
            help="How rows are written: orm (bulk_create, any database), sql (executemany, "
            "SQLite), copy (COPY, PostgreSQL); auto picks the fastest for the database.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though TELLUS_DEMO is off (the demo accounts have a published "
            "password).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo setting, not DEBUG, allows the published logins: the demo runs DEBUG off.
        if not settings.TELLUS_DEMO and not options["force"]:
            raise CommandError(
                "Refusing to seed the demo: TELLUS_DEMO is off, and the demo accounts have a "
                f"published password ({cat.DEMO_PASSWORD!r}), so anyone could log in as admin. "
                "Run it with TELLUS_DEMO=1 on a demo machine (`tellus serve --demo` sets it), "
                "or add --force if you really want those accounts here."
            )
        seed = options["seed"]
        if not 0 <= seed < 2**32:
            raise CommandError("--seed must be a whole number from 0 to 4294967295.")
        until = self._until(options["until"])
        from tellus.demo.basemap import FILE_NAME, write_basemap  # the island's map, no network

        basemap = write_basemap(settings.DATA_DIR / FILE_NAME)
        drawn = basemap == settings.TELLUS_MAP_BASEMAP  # not if a tile server or file is set
        self.stdout.write(f"The island's map: {basemap}" + ("" if drawn else " (not drawn)"))
        if Person.objects.filter(email=cat.SEEDED_MARKER_EMAIL).exists():
            self.stdout.write(
                f"The demo is already seeded ({cat.SEEDED_MARKER_EMAIL} exists): nothing to do."
            )
            self._logins()
            return

        from tellus.demo.seed import seed_demo  # NumPy and Pillow load only when seeding

        began = time.perf_counter()
        try:
            summary = seed_demo(
                size=options["size"],
                seed=seed,
                until=until,
                loader=options["loader"],
                log=self.stdout,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        took = time.perf_counter() - began
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {summary.destination} ({summary.size}, seed {summary.seed}, history "
                f"up to {summary.until:%Y-%m-%d}, {summary.loader}) in {took:.1f} s:"
            )
        )
        for name, count in summary.counts.items():
            self.stdout.write(f"  {name:<12} {count:>12,}")
        self.stdout.write(f"  {'trip spend':<12} {summary.spend:>12,.2f} EUR")
        segments = ", ".join(f"{name} {count:,}" for name, count in summary.segments.items())
        self.stdout.write(f"  segments (as simulated): {segments}")
        self._score(until)
        self._logins()

    def _score(self, until: dt.date) -> None:
        """Compute the members' engagement value, so that the console shows it at once."""
        from tellus.engagement.services import score_members

        began = time.perf_counter()
        end_of_day = dt.datetime.combine(until, dt.time.max, tzinfo=dt.UTC)
        run = score_members(as_of=min(end_of_day, dt.datetime.now(dt.UTC)))
        self.stdout.write(
            f"Scored the engagement value of {run.members:,} members in "
            f"{time.perf_counter() - began:.1f} s ({run.get_status_display().lower()})."
        )
        # The console's charts read daily counts: fill them now, not on the first view.
        from tellus.engagement.rollups import rollup_events

        began = time.perf_counter()
        rollup_events()
        self.stdout.write(
            f"Counted the engagement log by day in {time.perf_counter() - began:.1f} s."
        )

    def _until(self, text: str | None) -> dt.date:
        today = dt.datetime.now(dt.UTC).date()
        if text is None:
            return today
        try:
            until = dt.date.fromisoformat(text)
        except ValueError as error:
            raise CommandError(f"--until must be a date as YYYY-MM-DD, not {text!r}.") from error
        if until > today:
            raise CommandError("--until cannot be in the future: the history would be.")
        return until

    def _logins(self) -> None:
        self.stdout.write(f"Demo logins (password {cat.DEMO_PASSWORD}):")
        accounts = [(cat.DEMO_MEMBER_EMAIL, "member"), *[(e, r) for e, _n, r in cat.DEMO_STAFF]]
        for email, role in accounts:
            self.stdout.write(f"  {role:<10} {email}")
