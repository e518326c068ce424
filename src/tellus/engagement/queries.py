from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from tellus.engagement.models import Event, Initiative, Trip


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
