"""What the engagement log and trips contribute to a member's data archive."""

from __future__ import annotations

from typing import Any

from tellus.engagement.models import EngagementValue, Event, Trip
from tellus.people.models import Person
from tellus.people.privacy import register_personal_data


def _export_trips(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "arrival": t.arrival.isoformat(),
            "departure": t.departure.isoformat(),
            "spend": str(t.spend),
            "party_size": t.party_size,
            "source": t.source,
        }
        for t in Trip.objects.filter(member=person).order_by("arrival", "pk")
    ]


def _export_events(person: Person) -> list[dict[str, Any]]:
    rows = (
        Event.objects.filter(member=person)
        .order_by("occurred_at", "pk")
        .values_list("kind", "occurred_at", "channel", "journey_stage", "initiative__name")
    )
    return [
        {
            "kind": kind,
            "occurred_at": occurred_at.isoformat(),
            "channel": channel or None,
            "journey_stage": stage or None,
            "initiative": initiative,
        }
        for kind, occurred_at, channel, stage, initiative in rows.iterator(chunk_size=2000)
    ]


def _erase_trips(person: Person, keep_contributions: bool) -> None:
    # Trips say where and when a person was: personal, so they go. The events
    # stay in the log, no longer pointing at anyone, so aggregate counts hold.
    Trip.objects.filter(member=person).delete()
    Event.objects.filter(member=person).update(member=None, attributed_to=None)
    Event.objects.filter(attributed_to=person).update(attributed_to=None)


def _export_engagement_value(person: Person) -> dict[str, Any] | None:
    # What the DMO estimates a member is worth is profiling: the member may see it.
    value = EngagementValue.objects.filter(member=person).select_related("run").first()
    if value is None:
        return None
    return {
        "as_of": value.run.as_of.isoformat(),
        "probability_of_returning": value.p_alive,
        "expected_trips": value.expected_trips,
        "lifetime_value": value.clv,
        "referral_value": value.crv,
        "influence_value": value.civ,
        "knowledge_value": value.ckv,
        "engagement_value": value.cev,
        "segment": value.segment or None,
    }


def _erase_engagement_value(person: Person, keep_contributions: bool) -> None:
    EngagementValue.objects.filter(member=person).delete()


register_personal_data("trips", export=_export_trips, erase=_erase_trips)
register_personal_data(
    "engagement_value", export=_export_engagement_value, erase=_erase_engagement_value
)
register_personal_data("engagement_events", export=_export_events)
