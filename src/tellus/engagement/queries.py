from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.core.cache import cache
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tellus.analytics import EVENT_SCHEMA
from tellus.analytics.value import rank_by_clv_and_cev, undervalued_by_clv
from tellus.engagement.models import (
    EngagementValue,
    Event,
    EventCount,
    Initiative,
    RollupState,
    ScoringRun,
    Trip,
    ValueParameters,
)
from tellus.engagement.rollups import EVENT_COUNTS, day_start, event_day, local_today
from tellus.people.models import Person


def public_initiatives() -> QuerySet[Initiative]:
    """Initiatives a visitor can answer today."""
    today = timezone.localdate()
    return (
        Initiative.objects.filter(is_active=True)
        .exclude(ends_on__lt=today)
        .exclude(starts_on__gt=today)
        .order_by("-created_at", "-pk")
    )


def initiatives_for_console() -> QuerySet[Initiative]:
    """Initiatives, newest first, each with its number of acts: the roll-up's shares up to
    the day it has counted, and the log itself after that (one query, two subqueries)."""
    state = RollupState.objects.filter(name=EVENT_COUNTS).first()
    filled = state.filled_until if state else None
    counted = (
        EventCount.objects.filter(initiative=OuterRef("pk"), day__lte=filled or dt.date.min)
        .order_by()
        .values("initiative")
        .annotate(total=Sum("count"))
        .values("total")
    )
    after = day_start(filled + dt.timedelta(days=1)) if filled else None
    fresh = Event.objects.filter(initiative=OuterRef("pk"))
    if after is not None:
        fresh = fresh.filter(occurred_at__gte=after)
    fresh_count = fresh.order_by().values("initiative").annotate(n=Count("pk")).values("n")
    return Initiative.objects.annotate(
        event_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0)
        + Coalesce(Subquery(fresh_count, output_field=IntegerField()), 0)
    ).order_by("-created_at", "-pk")


@dataclass(frozen=True)
class EventActivity:
    """Events per week and per kind, as the console's charts and totals show them."""

    weekly: list[dict[str, Any]]
    by_kind: list[dict[str, Any]]
    recent: int
    state: RollupState | None


def event_activity(*, weeks: int = 26, days: int = 30) -> EventActivity:
    """Events in each of the last ``weeks`` calendar weeks (this one included, empty
    weeks as zeros), and by kind over the last ``days`` days (today included).

    Three queries whatever the log's size: how far the daily roll-up is filled,
    the roll-up's daily totals for the days it has counted (on a partial index),
    and the log itself only for the days after (today, and any day the job has
    not reached yet), a short range read on its ``occurred_at`` index. The
    figures are therefore right even when the roll-up lags; only an event
    recorded late for a counted day waits for the next run to show (see
    ``rollups``).
    """
    one = dt.timedelta(days=1)
    today = local_today()
    first_week = today - one * today.weekday() - dt.timedelta(weeks=weeks - 1)
    recent_from = today - one * (days - 1)
    since = min(first_week, recent_from)
    state = RollupState.objects.filter(name=EVENT_COUNTS).first()
    filled = state.filled_until if state else None
    counts: Counter[tuple[dt.date, str]] = Counter()
    if filled is not None:
        counted = EventCount.objects.filter(
            day__gte=since, day__lte=filled, initiative__isnull=True
        ).values_list("day", "kind", "count")
        counts.update({(day, kind): total for day, kind, total in counted})
    read_from = max(since, filled + one) if filled is not None else since
    fresh = (
        Event.objects.filter(
            occurred_at__gte=day_start(read_from), occurred_at__lt=day_start(today + one)
        )
        .annotate(day=event_day())
        .values_list("day", "kind")
        .annotate(total=Count("pk"))
        .order_by()
    )
    counts.update({(day, kind): total for day, kind, total in fresh})
    per_week: Counter[dt.date] = Counter()
    per_kind: Counter[str] = Counter()
    for (day, kind), total in counts.items():
        if day >= first_week:
            per_week[day - one * day.weekday()] += total
        if day >= recent_from:
            per_kind[kind] += total
    week_starts = [first_week + dt.timedelta(weeks=n) for n in range(weeks)]
    return EventActivity(
        weekly=[{"week": week.isoformat(), "count": per_week[week]} for week in week_starts],
        by_kind=[
            {"kind": kind, "count": total}
            for kind, total in sorted(per_kind.items(), key=lambda item: (-item[1], item[0]))
        ],
        recent=sum(per_kind.values()),
        state=state,
    )


def engagement_totals() -> dict[str, int]:
    """The overview's counts that are not in the event log's roll-up."""
    return {
        "trips": Trip.objects.count(),
        "initiatives": Initiative.objects.filter(is_active=True).count(),
    }


# --------------------------------------------------------------------------- for scoring
# The analytics library reads columnar frames; these turn the tables into them,
# streaming rows in chunks so that a large log is never held twice as objects.

SCORING_CHUNK = 20_000


def _frame(rows: QuerySet[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """A ``values_list`` read in chunks into a frame of ``schema`` (Decimals become floats)."""
    columns: list[list[Any]] = [[] for _column in schema]
    for row in rows.iterator(chunk_size=SCORING_CHUNK):
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    return pl.DataFrame(dict(zip(schema, columns, strict=True)), schema=schema, strict=False)


def members_for_scoring() -> pl.DataFrame:
    """Every member who can be scored (not erased): ``member_id``."""
    rows = Person.objects.filter(erased_at__isnull=True).values_list("pk")
    return _frame(rows, {"member_id": pl.Int64})


def trips_for_scoring(*, until: dt.date) -> pl.DataFrame:
    """Trips that arrived on or before ``until``: ``member_id``, ``date``, ``spend``."""
    rows = (
        Trip.objects.filter(arrival__lte=until, member__erased_at__isnull=True)
        .order_by("member_id", "arrival")
        .values_list("member_id", "arrival", "spend")
    )
    return _frame(rows, {"member_id": pl.Int64, "date": pl.Date, "spend": pl.Float64})


def events_for_scoring(*, until: dt.datetime) -> pl.DataFrame:
    """The engagement log up to ``until``, in the columns the analytics library reads."""
    rows = (
        Event.objects.filter(occurred_at__lte=until)
        .order_by("pk")
        .values_list(
            "pk",
            "member_id",
            "kind",
            "occurred_at",
            "initiative_id",
            "channel",
            "touchpoint__slug",
            "journey_stage",
            "value",
            "attributed_to_id",
        )
    )
    return _frame(rows, dict(EVENT_SCHEMA))


# --------------------------------------------------------------------------- engagement value
# What the console shows of the stored values: a fixed number of queries however
# many members there are; the decile table comes from the analytics library.

#: Segment names as staff read them, in the library's order.
SEGMENT_LABELS: dict[str, Any] = {
    "passive_receiver": _("Passive receiver"),
    "occasional_contributor": _("Occasional contributor"),
    "active_contributor": _("Active contributor"),
    "advocate": _("Advocate"),
    "at_risk": _("At risk"),
}
#: Members shown in the console's ranking.
TOP_MEMBERS = 20
VALUE_PARTS = ("clv", "crv", "civ", "ckv", "cev")


def segment_label(segment: str) -> str:
    """The translated name of a segment code ("" when the member has none)."""
    label = SEGMENT_LABELS.get(segment)
    return str(label) if label is not None else segment


def latest_scoring_run() -> ScoringRun | None:
    """The most recent run, whatever its status: what the console's status line shows."""
    return ScoringRun.objects.select_related("requested_by").order_by("-created_at", "-pk").first()


@dataclass(frozen=True)
class ValueOverview:
    """The console's picture of engagement value, from the latest finished run."""

    run: ScoringRun | None
    members: int = 0
    total_clv: float = 0.0
    total_cev: float = 0.0
    undervalued: int = 0
    deciles: list[dict[str, Any]] = field(default_factory=list)
    segments: list[dict[str, Any]] = field(default_factory=list)
    top: list[EngagementValue] = field(default_factory=list)

    @property
    def beyond_clv_percent(self) -> float | None:
        """The share of CEV that CLV alone does not see (CRV + CIV + CKV), in percent."""
        if not self.total_cev:
            return None
        return 100.0 * (self.total_cev - self.total_clv) / self.total_cev

    @property
    def undervalued_percent(self) -> float | None:
        return 100.0 * self.undervalued / self.members if self.members else None


def value_overview() -> ValueOverview:
    """Totals, the paper's decile table, segment counts and the top members by CEV.

    The totals and tables depend only on the run that produced the stored values,
    so they are computed once per run (every member's parts read as columns, no
    model instances) and cached; a page then costs two queries whatever the
    number of members: the run and the top members with their names.
    """
    # Each run replaces every value: the run of any one of them is the run of all.
    done = ScoringRun.objects.filter(
        pk=Subquery(EngagementValue.objects.values("run_id")[:1])
    ).first()
    if done is None:
        return ValueOverview(run=None)
    key = f"tellus:value-overview:{done.pk}"
    totals: dict[str, Any] = cache.get_or_set(key, _value_totals, OVERVIEW_SECONDS) or {}
    if not totals.get("members"):
        return ValueOverview(run=done)
    top = list(
        EngagementValue.objects.select_related("member")
        .only(*VALUE_PARTS, "segment", "member__display_name", "member__erased_at")
        .order_by("-cev", "member_id")[:TOP_MEMBERS]
    )
    for value in top:
        value.segment_label = segment_label(value.segment)  # type: ignore[attr-defined]
    counts = totals["segment_counts"]
    segments = [
        {"segment": code, "label": str(label), "members": counts.get(code, 0)}
        for code, label in SEGMENT_LABELS.items()
    ]
    if counts.get(""):
        segments.append({"segment": "", "label": str(_("No segment")), "members": counts[""]})
    return ValueOverview(
        run=done,
        members=totals["members"],
        total_clv=totals["total_clv"],
        total_cev=totals["total_cev"],
        undervalued=totals["undervalued"],
        deciles=totals["deciles"],
        segments=segments,
        top=top,
    )


#: How long a run's totals stay cached (a new run has a new key anyway).
OVERVIEW_SECONDS = 7 * 24 * 3600


def _value_totals() -> dict[str, Any]:
    rows = EngagementValue.objects.values_list(*VALUE_PARTS, "segment", "member_id")
    schema = {**dict.fromkeys(VALUE_PARTS, pl.Float64), "segment": pl.String, "member_id": pl.Int64}
    frame = _frame(rows, schema)
    if frame.height == 0:
        return {"members": 0}
    ranked = rank_by_clv_and_cev(frame)
    return {
        "members": frame.height,
        "total_clv": float(frame.get_column("clv").sum()),
        "total_cev": float(frame.get_column("cev").sum()),
        "undervalued": int((ranked.get_column("shift") > 0).sum()),
        "deciles": [
            {
                **row,
                "cev_percent": 100.0 * (row["share_of_cev"] or 0.0),
                "undervalued_percent": 100.0 * row["undervalued"],
            }
            for row in undervalued_by_clv(frame).iter_rows(named=True)
        ],
        "segment_counts": dict(frame.group_by("segment").len().iter_rows()),
    }


def member_value(person: Person) -> EngagementValue | None:
    """A member's stored engagement value with its run, or None before their first scoring."""
    value = EngagementValue.objects.select_related("run").filter(member=person).first()
    if value is not None:
        value.segment_label = segment_label(value.segment)  # type: ignore[attr-defined]
    return value


def value_parameters(*, for_update: bool = False) -> ValueParameters:
    """The DMO's figures behind engagement value (created with the defaults on first use)."""
    rows = ValueParameters.objects.select_for_update() if for_update else ValueParameters.objects
    figures, _created = rows.get_or_create(pk=1)
    return figures
