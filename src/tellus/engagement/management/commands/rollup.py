from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tellus.engagement.rollups import local_today, rollup_events


def _until(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--until must be a date (YYYY-MM-DD), not {text!r}") from exc
    if day > local_today():
        raise CommandError("--until cannot be after today: the roll-up counts whole days.")
    return day


class Command(BaseCommand):
    help = (
        "Count the engagement log into daily counts for the console's dashboards: the days "
        "since the last run, the last two again, and any day that got a late event. "
        "Run it hourly from cron; running it twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--until", help="Count whole days before this one (YYYY-MM-DD; default: today)."
        )
        parser.add_argument(
            "--rebuild", action="store_true", help="Forget the counts and count the whole log."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        until = _until(options["until"]) if options["until"] else None
        began = time.perf_counter()
        result = rollup_events(until=until, rebuild=options["rebuild"])
        filled = result.filled_until.isoformat() if result.filled_until else "nothing yet"
        self.stdout.write(
            f"Counted {result.days:,} days into {result.rows:,} rows in "
            f"{time.perf_counter() - began:.1f} s; filled until {filled}."
        )
