from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from tellus.engagement.models import ScoringRun
from tellus.engagement.services import score_members


def _as_of(text: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--as-of must be a date (YYYY-MM-DD), not {text!r}") from exc
    end_of_day = dt.datetime.combine(day, dt.time.max)
    return timezone.make_aware(end_of_day) if timezone.is_naive(end_of_day) else end_of_day


class Command(BaseCommand):
    help = (
        "Compute every member's engagement value (CLV, CRV, CIV, CKV, CEV) and segment, "
        "and store it for the console."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", help="Score as of the end of this day (YYYY-MM-DD; default: now)."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = _as_of(options["as_of"]) if options["as_of"] else timezone.now()
        if as_of > timezone.now():
            raise CommandError("--as-of cannot be in the future.")
        bar = tqdm(total=100, unit="%", file=sys.stderr, disable=options["quiet"], leave=False)

        def progress(percent: int, label: str) -> None:
            bar.set_description_str(label)
            bar.update(percent - bar.n)

        try:
            run = score_members(run=ScoringRun.objects.create(as_of=as_of), on_progress=progress)
        finally:
            bar.close()
        if run.status != ScoringRun.Status.DONE:
            raise CommandError(f"Scoring failed: {run.error}")
        notes = run.parameters.get("clv_note")
        self.stdout.write(
            f"Scored {run.members:,} members as of {run.as_of:%Y-%m-%d %H:%M}"
            + (f" (lifetime value: {notes})" if notes else "")
        )
