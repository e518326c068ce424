from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from tellus.engagement import kinds
from tellus.engagement.models import Event, Initiative, JourneyStage, Touchpoint, Trip
from tellus.people.models import Person


def record_event(
    *,
    kind: str,
    member: Person | None = None,
    subject: object | None = None,
    occurred_at: dt.datetime | None = None,
    initiative: Initiative | None = None,
    channel: str = "",
    touchpoint: Touchpoint | None = None,
    journey_stage: str = "",
    value: Decimal | float | None = None,
    attributed_to: Person | None = None,
    idempotency_key: str | None = None,
) -> Event:
    """Append one voluntary act to the engagement log, in the caller's transaction.

    Recording the same ``idempotency_key`` twice records one event and returns
    it: a retried request or job cannot count an act twice.
    """
    if kind not in kinds.ALL:
        raise ValueError(f"Unknown engagement event kind {kind!r}")
    if journey_stage and journey_stage not in JourneyStage.values:
        raise ValueError(f"Unknown journey stage {journey_stage!r}")
    if idempotency_key is not None and not (0 < len(idempotency_key) <= 120):
        raise ValueError("An idempotency key has 1 to 120 characters")
    if idempotency_key:
        existing = Event.objects.filter(idempotency_key=idempotency_key).first()
        if existing:
            return existing
    subject_type, subject_id = "", None
    if subject is not None:
        subject_type = subject._meta.label_lower  # type: ignore[attr-defined]
        subject_id = subject.pk  # type: ignore[attr-defined]
    event = Event(
        kind=kind,
        member=member,
        subject_type=subject_type,
        subject_id=subject_id,
        occurred_at=occurred_at or timezone.now(),
        initiative=initiative,
        channel=channel[:40],
        touchpoint=touchpoint,
        journey_stage=journey_stage or (touchpoint.journey_stage if touchpoint else ""),
        value=Decimal(str(value)) if value is not None else None,
        attributed_to=attributed_to,
        idempotency_key=idempotency_key,
    )
    try:
        with transaction.atomic():  # a savepoint: a lost race must not spoil the caller's work
            event.save()
    except IntegrityError:
        if idempotency_key is None:
            raise
        return Event.objects.get(idempotency_key=idempotency_key)
    return event


def trip_record(
    *,
    member: Person,
    arrival: dt.date,
    departure: dt.date,
    spend: Decimal,
    party_size: int = 1,
    source: str = Trip.Source.SELF_REPORTED,
    referred_by: Person | None = None,
    idempotency_key: str | None = None,
) -> Trip:
    """Record a stay and its engagement event together."""
    if departure < arrival:
        raise ValueError("A trip cannot end before it starts")
    if spend < 0:
        raise ValueError("Spend cannot be negative")
    with transaction.atomic():
        trip = Trip.objects.create(
            member=member,
            arrival=arrival,
            departure=departure,
            spend=spend,
            party_size=party_size,
            source=source,
            referred_by=referred_by,
        )
        record_event(
            kind=kinds.TRIP_RECORDED,
            member=member,
            subject=trip,
            occurred_at=timezone.make_aware(dt.datetime.combine(arrival, dt.time(12))),
            journey_stage=JourneyStage.TRIP,
            value=spend,
            attributed_to=referred_by,
            channel="referral" if referred_by else "",
            idempotency_key=idempotency_key or f"trip:{trip.pk}",
        )
    return trip


INITIATIVE_FIELDS = (
    "name",
    "slug",
    "description",
    "kind",
    "interaction",
    "tools",
    "initiated_by",
    "starts_on",
    "ends_on",
    "is_active",
)


def initiative_save(*, initiative: Initiative | None = None, **fields: Any) -> Initiative:
    """Create or change an initiative after validating it whole."""
    unknown = set(fields) - set(INITIATIVE_FIELDS)
    if unknown:
        raise ValueError(f"Not initiative fields: {', '.join(sorted(unknown))}")
    initiative = initiative or Initiative()
    for name, value in fields.items():
        setattr(initiative, name, value)
    initiative.full_clean()
    initiative.save()
    return initiative
