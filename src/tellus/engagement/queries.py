from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from tellus.engagement.models import Event, Initiative, Trip
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
    return Initiative.objects.annotate(event_count=Count("events")).order_by("-created_at", "-pk")


def weekly_event_counts(*, weeks: int = 26) -> list[dict[str, Any]]:
    """Events per week and kind family, for the console's chart."""
    since = timezone.now() - dt.timedelta(weeks=weeks)
    rows = (
        Event.objects.filter(occurred_at__gte=since)
        .annotate(week=TruncWeek("occurred_at"))
        .values("week")
        .annotate(count=Count("pk"))
        .order_by("week")
    )
    return [{"week": row["week"].date().isoformat(), "count": row["count"]} for row in rows]


def engagement_totals() -> dict[str, int]:
    since = timezone.now() - dt.timedelta(days=30)
    return {
        "events_30d": Event.objects.filter(occurred_at__gte=since).count(),
        "trips": Trip.objects.count(),
        "initiatives": Initiative.objects.filter(is_active=True).count(),
    }


def events_by_kind(*, days: int = 30) -> list[dict[str, Any]]:
    since = timezone.now() - dt.timedelta(days=days)
    return list(
        Event.objects.filter(occurred_at__gte=since)
        .values("kind")
        .annotate(count=Count("pk"))
        .order_by("-count", "kind")
    )


# --------------------------------------------------------------------------- for scoring
# The analytics library reads columnar frames; these turn the tables into them,
# streaming rows in chunks so that a large log is never held twice as objects.

SCORING_CHUNK = 20_000


def members_for_scoring() -> pl.DataFrame:
    """Every member who can be scored (not erased): ``member_id``."""
    ids = Person.objects.filter(erased_at__isnull=True).values_list("pk", flat=True)
    return pl.DataFrame(
        {"member_id": list(ids.iterator(chunk_size=SCORING_CHUNK))}, schema={"member_id": pl.Int64}
    )


def trips_for_scoring(*, until: dt.date) -> pl.DataFrame:
    """Trips that arrived on or before ``until``: ``member_id``, ``date``, ``spend``."""
    rows = (
        Trip.objects.filter(arrival__lte=until, member__erased_at__isnull=True)
        .order_by("member_id", "arrival")
        .values_list("member_id", "arrival", "spend")
    )
    members, dates, spends = [], [], []
    for member_id, arrival, spend in rows.iterator(chunk_size=SCORING_CHUNK):
        members.append(member_id)
        dates.append(arrival)
        spends.append(float(spend))
    return pl.DataFrame(
        {"member_id": members, "date": dates, "spend": spends},
        schema={"member_id": pl.Int64, "date": pl.Date, "spend": pl.Float64},
    )


EVENT_SCHEMA: dict[str, Any] = {
    "event_id": pl.Int64,
    "member_id": pl.Int64,
    "kind": pl.String,
    "occurred_at": pl.Datetime("us", "UTC"),
    "initiative_id": pl.Int64,
    "channel": pl.String,
    "touchpoint": pl.String,
    "journey_stage": pl.String,
    "value": pl.Float64,
    "attributed_to_id": pl.Int64,
}


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
    columns: list[list[Any]] = [[] for _ in EVENT_SCHEMA]
    for row in rows.iterator(chunk_size=SCORING_CHUNK):
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    value_column = list(EVENT_SCHEMA).index("value")
    columns[value_column] = [None if v is None else float(v) for v in columns[value_column]]
    return pl.DataFrame(dict(zip(EVENT_SCHEMA, columns, strict=True)), schema=EVENT_SCHEMA)
