"""The destination, its initiatives and touchpoints, the visitors, their trips and their log.

Members and trips are given their primary keys here, so that events point
at them without reading them back. The rows are the ones the live services
would write (the same kinds, stages, trip events and subjects), with no
idempotency key: history needs no retry protection.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from tqdm import tqdm

from tellus.content.models import ContentItem
from tellus.core.services import destination_update
from tellus.demo import catalogue as cat
from tellus.demo.images import avatar_colour, avatar_png, initials, logo_png
from tellus.demo.plan import World
from tellus.demo.plan.log import EVENT_KINDS
from tellus.demo.plan.visitors import CONSENT_SOURCES, LANGUAGES, PURPOSES, TRIP_SOURCES
from tellus.demo.write import bulk
from tellus.demo.write.bulk import BulkWriter
from tellus.engagement.models import Event, Initiative, Touchpoint, Trip
from tellus.engagement.services import initiative_save
from tellus.ideas.models import Idea
from tellus.people.models import Consent, ConsentPurpose, Person
from tellus.people.roles import ADMIN, person_set_roles

UNUSABLE_PASSWORD = UNUSABLE_PASSWORD_PREFIX + "demo"  # no login: only the demo accounts have one


def write_destination() -> None:
    fields = dict(cat.DESTINATION)
    fields["logo"] = ContentFile(logo_png(), name="isla-clara-logo.png")
    destination_update(**fields)


def write_initiatives(start: dt.datetime) -> list[int]:
    """The catalogue's initiatives (reusing any with the same slug); their ids by position."""
    existing = {i.slug: i.pk for i in Initiative.objects.filter(slug__in=_slugs(cat.INITIATIVES))}
    today = (start + dt.timedelta(days=cat.HISTORY_DAYS)).date()
    ids = []
    for spec in cat.INITIATIVES:
        if spec.slug not in existing:
            ends = None if spec.end_day is None else (start + dt.timedelta(days=spec.end_day))
            initiative = initiative_save(
                name=spec.name,
                slug=spec.slug,
                description=spec.description,
                kind=spec.kind,
                interaction=spec.interaction,
                tools=spec.tools,
                initiated_by=spec.initiated_by,
                contribution=spec.contribution,
                starts_on=(start + dt.timedelta(days=spec.start_day)).date(),
                ends_on=ends.date() if ends else None,
                is_active=ends is None or ends.date() >= today,
            )
            Initiative.objects.filter(pk=initiative.pk).update(
                created_at=start + dt.timedelta(days=max(spec.start_day - 14, 0))
            )
            existing[spec.slug] = initiative.pk
        ids.append(existing[spec.slug])
    return ids


def _slugs(specs: tuple[Any, ...]) -> list[str]:
    return [spec.slug for spec in specs]


def write_touchpoints() -> list[int]:
    existing = {t.slug: t for t in Touchpoint.objects.filter(slug__in=_slugs(cat.TOUCHPOINTS))}
    missing = [
        Touchpoint(slug=t.slug, name=t.name, journey_stage=t.stage, channel=t.channel)
        for t in cat.TOUCHPOINTS
        if t.slug not in existing
    ]
    Touchpoint.objects.bulk_create(missing)
    existing.update(
        {t.slug: t for t in Touchpoint.objects.filter(slug__in=_slugs(cat.TOUCHPOINTS))}
    )
    return [existing[t.slug].pk for t in cat.TOUCHPOINTS]


def _avatars(world: World, bar: dict[str, Any]) -> list[str]:
    """Avatar files for members who have one; the same member always gets the same file."""
    members = world.members
    names = [""] * len(members)
    chosen = np.flatnonzero(members.has_avatar).tolist()
    for i in tqdm(chosen, desc="avatars", unit=" images", **bar):
        display_name = members.display_name[i]
        look = f"{initials(display_name).lower()}-{avatar_colour(display_name)[1:]}"
        name = f"avatars/demo/{i + 1}-{look}.png"  # the name says what it shows: reuse it
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(avatar_png(display_name)))
        names[i] = name
    return names


def write_members(
    world: World,
    start: dt.datetime,
    writer: BulkWriter,
    *,
    password: str,
    avatars: bool,
    bar: dict[str, Any],
) -> int:
    """Members and their verified email addresses; returns the id of member 0."""
    members = world.members
    n = len(members)
    base = bulk.next_id(Person)
    avatar = _avatars(world, bar) if avatars else [""] * n
    joined = bulk.moments(start, members.signup)
    language = [LANGUAGES[i] for i in members.language.tolist()]
    passwords = [UNUSABLE_PASSWORD] * n
    passwords[world.demo_member] = password

    def people(begin: int, end: int) -> dict[str, Any]:
        return {
            "id": list(range(base + begin, base + end)),
            "email": members.email[begin:end],
            "display_name": members.display_name[begin:end],
            "home_country": members.country[begin:end],
            "preferred_language": language[begin:end],
            "avatar": avatar[begin:end],
            "password": passwords[begin:end],
            "date_joined": joined[begin:end],
            "is_active": [True] * (end - begin),
            "is_staff": [False] * (end - begin),
            "is_superuser": [False] * (end - begin),
        }

    def addresses(begin: int, end: int) -> dict[str, Any]:
        return {
            "user_id": list(range(base + begin, base + end)),
            "email": members.email[begin:end],
            "verified": [True] * (end - begin),
            "primary": [True] * (end - begin),
        }

    writer.write(Person, n, people, "members")
    writer.write(EmailAddress, n, addresses, "email addresses")
    return base


def write_consents(world: World, start: dt.datetime, base: int, writer: BulkWriter) -> None:
    consents = world.consents
    purposes = list(PURPOSES)
    if set(purposes) - set(ConsentPurpose.values):
        raise RuntimeError("The demo's consent purposes are out of step with ConsentPurpose")

    def rows(begin: int, end: int) -> dict[str, Any]:
        part = slice(begin, end)
        return {
            "person_id": bulk.ids(base, consents.member[part]),
            "purpose": [purposes[i] for i in consents.purpose[part].tolist()],
            "subject_type": [""] * (end - begin),
            "subject_id": [0] * (end - begin),
            "granted_at": bulk.moments(start, consents.granted[part]),
            "withdrawn_at": bulk.moments(start, consents.withdrawn[part]),
            "source": [CONSENT_SOURCES[i] for i in consents.source[part].tolist()],
        }

    writer.write(Consent, len(consents), rows, "consents")


def write_trips(world: World, start: dt.datetime, base: int, writer: BulkWriter) -> int:
    trips = world.trips
    first = bulk.next_id(Trip)

    def rows(begin: int, end: int) -> dict[str, Any]:
        part = slice(begin, end)
        arrival = trips.arrival[part]
        return {
            "id": list(range(first + begin, first + end)),
            "member_id": bulk.ids(base, trips.member[part]),
            "arrival": bulk.on(start, arrival),
            "departure": bulk.on(start, arrival + trips.nights[part]),
            "spend": trips.spend[part],
            "party_size": trips.party_size[part].tolist(),
            "source": [TRIP_SOURCES[i] for i in trips.source[part].tolist()],
            "referred_by_id": bulk.ids(base, trips.referred_by[part]),
            "created_at": bulk.moments(start, arrival + 0.5),
        }

    writer.write(Trip, len(trips), rows, "trips")
    return first


def write_events(
    world: World,
    start: dt.datetime,
    base: int,
    first_trip: int,
    initiatives: list[int],
    touchpoints: list[int],
    writer: BulkWriter,
    subject: np.ndarray,
    keep: np.ndarray,
    idea_subject: np.ndarray | None = None,
) -> None:
    """The simulated log, each event with its subject (a trip, a content item or an idea)."""
    events = world.events
    kinds = list(EVENT_KINDS)
    stages = [*cat.STAGES, ""]  # -1 (no stage) picks the last
    trip_label = Trip._meta.label_lower
    item_label = ContentItem._meta.label_lower
    idea_label = Idea._meta.label_lower
    kept = np.flatnonzero(keep)

    def rows(begin: int, end: int) -> dict[str, Any]:
        part = kept[begin:end]
        trip = events.trip[part]
        item = subject[part]
        idea = idea_subject[part] if idea_subject is not None else np.full(part.size, -1)
        subject_type = np.where(
            trip >= 0,
            trip_label,
            np.where(item >= 0, item_label, np.where(idea >= 0, idea_label, "")),
        )
        subject_id = bulk.ids(first_trip, trip)
        for i in np.flatnonzero(item >= 0).tolist():
            subject_id[i] = int(item[i])
        for i in np.flatnonzero(idea >= 0).tolist():
            subject_id[i] = int(idea[i])
        return {
            "kind": [kinds[i] for i in events.kind[part].tolist()],
            "occurred_at": bulk.at(start, events.seconds[part]),
            "member_id": bulk.ids(base, events.member[part]),
            "attributed_to_id": bulk.ids(base, events.attributed_to[part]),
            "subject_type": subject_type.tolist(),
            "subject_id": subject_id,
            "initiative_id": bulk.lookup(initiatives, events.initiative[part]),
            "channel": [cat.CHANNELS[i] for i in events.channel[part].tolist()],
            "touchpoint_id": bulk.lookup(touchpoints, events.touchpoint[part]),
            "journey_stage": [stages[i] for i in events.stage[part].tolist()],
            "value": events.value[part],
        }

    writer.write(Event, kept.size, rows, "events")


def write_staff(password: str, *, admin: bool) -> dict[str, Person]:
    """The demo's staff accounts, one per role, by role; the admin's comes last, on its own.

    The admin account marks the demo as seeded, so it is written after everything else.
    """
    made = {}
    for email, name, role in cat.DEMO_STAFF:
        if (role == ADMIN) != admin:
            continue
        person = Person.objects.create(
            email=email, display_name=name, password=password, is_superuser=role == ADMIN
        )
        EmailAddress.objects.create(user=person, email=email, verified=True, primary=True)
        person_set_roles(person=person, roles=[role])
        made[role] = person
    return made
