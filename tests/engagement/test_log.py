"""The engagement log: one function, append-only, idempotent, in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tellus.engagement import kinds
from tellus.engagement.models import Event, Touchpoint, Trip
from tellus.engagement.services import initiative_save, record_event, trip_record
from tellus.engagement.tasks import record_event_later
from tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def test_an_event_records_who_what_and_where(member):
    initiative = InitiativeFactory()
    touchpoint = Touchpoint.objects.create(name="Harbour kiosk", slug="kiosk", journey_stage="trip")
    event = record_event(
        kind=kinds.SURVEY_RESPONDED,
        member=member,
        subject=initiative,
        initiative=initiative,
        channel="kiosk",
        touchpoint=touchpoint,
        value=Decimal("0"),
    )
    event.refresh_from_db()
    assert (event.member, event.initiative, event.channel) == (member, initiative, "kiosk")
    assert event.journey_stage == "trip", "the touchpoint's stage is the event's stage"
    assert (event.subject_type, event.subject_id) == ("engagement.initiative", initiative.pk)


def test_the_same_idempotency_key_records_one_event(member):
    first = record_event(kind=kinds.SHARE_CLICKED, attributed_to=member, idempotency_key="click-1")
    second = record_event(kind=kinds.SHARE_CLICKED, attributed_to=member, idempotency_key="click-1")
    assert first.pk == second.pk
    assert Event.objects.count() == 1


def test_an_event_rolls_back_with_the_callers_transaction(member):
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(kind=kinds.COMMENT_POSTED, member=member)
        raise RuntimeError("the caller's work failed")
    assert Event.objects.count() == 0


def test_a_duplicate_key_does_not_spoil_the_callers_transaction(member):
    record_event(kind=kinds.POLL_VOTED, member=member, idempotency_key="vote-9")
    with transaction.atomic():
        record_event(kind=kinds.POLL_VOTED, member=member, idempotency_key="vote-9")
        record_event(kind=kinds.COMMENT_POSTED, member=member)
    assert Event.objects.count() == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "made.up"}, "Unknown engagement event kind"),
        ({"kind": kinds.COMMENT_POSTED, "journey_stage": "nirvana"}, "Unknown journey stage"),
        ({"kind": kinds.COMMENT_POSTED, "idempotency_key": "k" * 121}, "1 to 120"),
    ],
)
def test_bad_events_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        record_event(**kwargs)
    assert Event.objects.count() == 0


def test_events_cannot_be_updated_in_place_by_key(member):
    record_event(kind=kinds.POLL_VOTED, member=member, idempotency_key="vote-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(kind=kinds.POLL_VOTED, idempotency_key="vote-1")


def test_a_trip_and_its_event_are_recorded_together(member, other_member):
    trip = trip_record(
        member=member,
        arrival=dt.date(2026, 7, 1),
        departure=dt.date(2026, 7, 10),
        spend=Decimal("1500"),
        party_size=3,
        referred_by=other_member,
    )
    event = Event.objects.get(kind=kinds.TRIP_RECORDED)
    assert event.value == Decimal("1500.00")
    assert event.attributed_to == other_member
    assert event.channel == "referral", "referral value counts trips on the referral channel"
    assert event.journey_stage == "trip"
    assert (event.subject_type, event.subject_id) == ("engagement.trip", trip.pk)


@pytest.mark.parametrize(
    ("arrival", "departure", "spend", "message"),
    [
        (dt.date(2026, 7, 10), dt.date(2026, 7, 1), Decimal("10"), "end before"),
        (dt.date(2026, 7, 1), dt.date(2026, 7, 2), Decimal("-1"), "negative"),
    ],
)
def test_impossible_trips_are_refused(member, arrival, departure, spend, message):
    with pytest.raises(ValueError, match=message):
        trip_record(member=member, arrival=arrival, departure=departure, spend=spend)
    assert Trip.objects.count() == 0 and Event.objects.count() == 0


def test_initiative_dates_are_checked():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        initiative_save(
            name="Poem contest",
            slug="poems",
            kind="task_based",
            interaction="spot",
            tools="rich",
            initiated_by="firm",
            starts_on=dt.date(2026, 5, 1),
            ends_on=dt.date(2026, 4, 1),
        )


def test_the_background_job_records_once_even_if_run_twice(member):
    for _ in range(2):
        record_event_later.delay(
            kind=kinds.SHARE_CLICKED,
            attributed_to_id=member.pk,
            channel="whatsapp",
            idempotency_key="share:7:click:abc",
        )
    event = Event.objects.get()
    assert (event.attributed_to, event.channel) == (member, "whatsapp")
