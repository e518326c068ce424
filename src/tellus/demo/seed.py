"""Writes the simulated demo destination into the database, in bulk.

The history does not go through ``record_event`` and ``trip_record``: those
are for live acts one at a time (each looks up its idempotency key and opens
a savepoint), and five million events through them would take hours. The
rows written are the ones those services would write (the same kinds, stages,
trip events and subjects), with no idempotency key: history needs no retry
protection. Three loaders, in batches with a progress bar:

- ``orm``: ``bulk_create``, on any database (the slowest: Django prepares
  every field of every row);
- ``sql``: the driver's ``executemany`` on SQLite, with the values Django
  itself would store;
- ``copy``: PostgreSQL's COPY through psycopg.

``auto`` picks ``copy`` on PostgreSQL, ``sql`` on SQLite and ``orm``
elsewhere. For big loads the fast loaders drop a table's plain indexes and
build them again afterwards, which costs less than keeping them up to date
row by row. Primary keys of members and trips are given here, so that events
point at them without reading them back; PostgreSQL's sequences are moved past
them afterwards.

Visitors' content (photos through the media pipeline, stories, poems, their
consents, moderation, reports and shares) comes from :mod:`.content`, before
the event log, which names the items as its events' subjects.

Everything is written in one transaction, the admin account last: a seeding
cut short leaves nothing in the database (files already stored stay), and the
admin account's presence means "seeded".
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

import numpy as np
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from tqdm import tqdm

from tellus.content.models import ContentItem, Report, Share
from tellus.core.services import destination_update
from tellus.demo import catalogue as cat
from tellus.demo import content as demo_content
from tellus.demo import generate as gen
from tellus.demo.images import avatar_colour, avatar_png, initials, logo_png
from tellus.engagement.models import Event, Initiative, Touchpoint, Trip
from tellus.engagement.services import initiative_save
from tellus.people.models import Consent, ConsentPurpose, Person
from tellus.people.roles import ADMIN, person_set_roles

LOADERS = ("auto", "orm", "sql", "copy")
BATCH_ROWS = 20_000
REBUILD_INDEXES_FROM = 50_000  # rows: below it, keeping indexes up to date costs less
#: A table's plain indexes (not those of a constraint) and the SQL that makes each.
INDEXES_SQL = {
    "sqlite": "SELECT name, sql FROM sqlite_master "
    "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
    "postgresql": "SELECT i.indexname, i.indexdef FROM pg_indexes i "
    "WHERE i.schemaname = current_schema() AND i.tablename = %s AND NOT EXISTS ("
    "SELECT 1 FROM pg_constraint c WHERE c.conindid = "
    "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
}
UNUSABLE_PASSWORD = UNUSABLE_PASSWORD_PREFIX + "demo"  # no login: only the demo accounts have one

Columns = Callable[[int, int], dict[str, Any]]  # lists, or arrays the writer converts


class Output(Protocol):
    def write(self, text: str, /) -> Any: ...


@dataclass
class Summary:
    destination: str
    size: str
    seed: int
    until: dt.date
    counts: dict[str, int] = field(default_factory=dict)
    segments: dict[str, int] = field(default_factory=dict)
    spend: Decimal = Decimal(0)
    loader: str = "orm"


def is_seeded() -> bool:
    return Person.objects.filter(email=cat.SEEDED_MARKER_EMAIL).exists()


def seed_demo(
    *,
    size: str,
    seed: int,
    until: dt.date,
    loader: str = "auto",
    progress: bool | None = None,
    log: Output | None = None,
) -> Summary:
    """Seed the demo destination: ``size`` from ``generate.SIZES``, history up to ``until``.

    ``progress``: show progress bars on stderr (None: only on a terminal).
    """
    if size not in gen.SIZES:
        raise ValueError(f"Unknown demo size {size!r}; choose one of {', '.join(gen.SIZES)}")
    if loader not in LOADERS:
        raise ValueError(f"Unknown loader {loader!r}; choose one of {', '.join(LOADERS)}")
    if loader == "copy" and connection.vendor != "postgresql":
        raise ValueError("The copy loader needs PostgreSQL")
    if not isinstance(until, dt.date) or isinstance(until, dt.datetime):
        raise ValueError("until must be a date")
    if until > dt.datetime.now(dt.UTC).date():
        raise ValueError("until cannot be in the future: the history would be")
    if loader == "sql" and connection.vendor != "sqlite":
        raise ValueError("The sql loader is for SQLite")
    if loader == "auto":
        loader = {"postgresql": "copy", "sqlite": "sql"}.get(connection.vendor, "orm")
    log = log or sys.stdout
    bar = {"disable": None if progress is None else not progress, "file": sys.stderr}

    log.write(f"Simulating {gen.SIZES[size]:,} members (seed {seed})...\n")
    world = gen.simulate(gen.SIZES[size], seed)
    start = dt.datetime.combine(until, dt.time(), tzinfo=dt.UTC) - dt.timedelta(
        days=cat.HISTORY_DAYS
    )
    writer = _Writer(loader=loader, bar=bar, log=log)
    password = make_password(cat.DEMO_PASSWORD)  # hashing is slow: once for every demo account
    with transaction.atomic():
        _destination()
        initiatives = _initiatives(start)
        touchpoints = _touchpoints()
        person_ids = _members(
            world, start, writer, password=password, avatars=size != "large", bar=bar
        )
        _consents(world, start, person_ids, writer)
        trip_ids = _trips(world, start, person_ids, writer)
        if connection.vendor == "postgresql":
            _move_sequences_past([Person, Trip])  # staff accounts take the next ids
        staff = _staff(password, admin=False)
        content = demo_content.seed_content(
            world=world,
            start=start,
            size=size,
            seed=seed,
            base=person_ids,
            initiatives=initiatives,
            touchpoints=touchpoints,
            staff=demo_content.Staff(moderator=staff["moderator"], marketer=staff["marketer"]),
            writer=writer,
            bar=bar,
            log=log,
        )
        _events(world, start, person_ids, trip_ids, initiatives, touchpoints, writer, content)
        Event.objects.bulk_create(content.extra_events)
        if connection.vendor == "postgresql":
            _move_sequences_past([ContentItem])
        _staff(password, admin=True)
    summary = Summary(
        destination=str(cat.DESTINATION["name"]),
        size=size,
        seed=seed,
        until=until,
        loader=loader,
        segments={
            name: int(count)
            for name, count in zip(
                gen.SEGMENTS,
                np.bincount(world.members.segment, minlength=len(gen.SEGMENTS)),
                strict=True,
            )
        },
        spend=Decimal(f"{float(world.trips.spend.sum()):.2f}"),
    )
    summary.counts = {
        "members": Person.objects.filter(is_staff=False, groups=None).count(),
        "staff": Person.objects.exclude(groups=None).count(),
        "consents": Consent.objects.count(),
        "initiatives": Initiative.objects.count(),
        "touchpoints": Touchpoint.objects.count(),
        "trips": Trip.objects.count(),
        "events": Event.objects.count(),
        "places": len(cat.PLACES),
        "content": ContentItem.objects.count(),
        "published": ContentItem.objects.filter(state=ContentItem.State.PUBLISHED).count(),
        "pending": ContentItem.objects.filter(state=ContentItem.State.PENDING).count(),
        "reports": Report.objects.count(),
        "shares": Share.objects.count(),
    }
    return summary


# --------------------------------------------------------------------------- writing


def _moments(start: dt.datetime, days: np.ndarray) -> np.ndarray:
    """Days since ``start`` as datetime64 seconds (UTC; NaN gives NaT, i.e. NULL)."""
    seconds = np.floor(np.nan_to_num(days) * gen.SECONDS_PER_DAY).astype(np.int64)
    moments = _at(start, seconds)
    moments[np.isnan(days)] = np.datetime64("NaT")
    return moments


def _at(start: dt.datetime, seconds: np.ndarray) -> np.ndarray:
    base = np.datetime64(start.replace(tzinfo=None), "s")
    return base + seconds.astype("timedelta64[s]")


def _on(start: dt.datetime, days: np.ndarray) -> np.ndarray:
    return np.datetime64(start.date(), "D") + days.astype("timedelta64[D]")


def _ids(base: int, index: np.ndarray) -> list[int | None]:
    """Primary keys from member or trip positions; -1 (none) becomes NULL."""
    return [None if i < 0 else base + i for i in index.tolist()]


def _lookup(table: list[Any], index: np.ndarray) -> list[Any]:
    return [None if i < 0 else table[i] for i in index.tolist()]


class _Writer:
    """Writes rows in batches with the loader chosen: ``bulk_create``, executemany or COPY.

    Row builders give plain lists, datetime64 arrays (UTC) for date and time
    columns and float arrays (NaN for NULL) for decimal columns; each loader
    turns them into what it needs. The "sql" loader (SQLite) writes the text
    Django itself stores there (naive UTC "YYYY-MM-DD HH:MM:SS", decimals as
    "1234.50"), skipping the per-field preparation that makes ``bulk_create``
    cost tens of microseconds a row.
    """

    def __init__(self, *, loader: str, bar: dict[str, Any], log: Output) -> None:
        self.loader = loader
        self.bar = bar
        self.log = log

    def write(self, model: type[models.Model], total: int, columns: Columns, label: str) -> None:
        began = time.perf_counter()
        if connection.vendor == "postgresql":
            # Check foreign keys row by row rather than queue millions of deferred checks
            # (which also forbid rebuilding an index) until the commit.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        rebuild = self.loader in ("sql", "copy") and total >= REBUILD_INDEXES_FROM
        indexes = self._drop_indexes(model) if rebuild else []
        with tqdm(total=total, desc=label, unit=" rows", unit_scale=True, **self.bar) as bar:
            for begin in range(0, total, BATCH_ROWS):
                end = min(begin + BATCH_ROWS, total)
                rows = columns(begin, end)
                fields = [model._meta.get_field(name) for name in rows]
                values = [
                    self._values(f, column) for f, column in zip(fields, rows.values(), strict=True)
                ]
                if self.loader == "copy":
                    self._copy(model, fields, values)
                elif self.loader == "sql":
                    self._insert(model, fields, values)
                else:
                    names = list(rows)
                    objects = [
                        model(**dict(zip(names, row, strict=True)))
                        for row in zip(*values, strict=True)
                    ]
                    model._default_manager.bulk_create(objects, batch_size=2_000)
                bar.update(end - begin)
        if indexes:
            self.log.write(f"  {label}: rebuilding {len(indexes)} indexes...\n")
            with connection.cursor() as cursor:
                for statement in indexes:
                    cursor.execute(statement)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        self.log.write(f"  {label}: {total:,} in {time.perf_counter() - began:.1f} s\n")

    @staticmethod
    def _drop_indexes(model: type[models.Model]) -> list[str]:
        """Drop a table's plain indexes (in the transaction); returns what recreates them.

        Keeping the event log's nine indexes up to date row by row costs more than
        building them once from the loaded rows (about four times on SQLite).
        Indexes that back a constraint (primary key, unique) stay.
        """
        with connection.cursor() as cursor:
            cursor.execute(INDEXES_SQL[connection.vendor], [model._meta.db_table])
            indexes = cursor.fetchall()
            for name, _sql in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        return [sql for _name, sql in indexes]

    def _values(self, field: Any, column: Any) -> list[Any]:
        if isinstance(column, list):
            if isinstance(field, models.JSONField) and self.loader != "orm":
                return [json.dumps(value) for value in column]
            return column
        text = self.loader == "sql"
        if np.issubdtype(column.dtype, np.datetime64):
            missing = np.isnat(column)
            if isinstance(field, models.DateTimeField):
                if text:
                    stamps = np.strings.replace(np.datetime_as_string(column, unit="s"), "T", " ")
                    values = stamps.astype(object)
                else:
                    naive = column.astype("datetime64[us]").tolist()
                    values = np.array([m and m.replace(tzinfo=dt.UTC) for m in naive], object)
            else:
                days = column.astype("datetime64[D]")
                values = (np.datetime_as_string(days) if text else days).astype(object)
            values[missing] = None
            return values.tolist()
        if isinstance(field, models.DecimalField):
            make = str if text else Decimal
            return [None if math.isnan(v) else make(f"{v:.2f}") for v in column.tolist()]
        return column.tolist()

    @staticmethod
    def _insert(model: type[models.Model], fields: list[Any], values: list[list[Any]]) -> None:
        quote = connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["?"] * len(fields))
        table = quote(model._meta.db_table)
        statement = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (names from the model)
        connection.ensure_connection()
        cursor = connection.connection.cursor()  # the driver's own: no per-row wrapping
        try:
            cursor.executemany(statement, zip(*values, strict=True))
        finally:
            cursor.close()

    @staticmethod
    def _copy(model: type[models.Model], fields: list[Any], values: list[list[Any]]) -> None:
        quote = connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in fields)
        statement = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in zip(*values, strict=True):
                copy.write_row(row)


def _next_id(model: type[models.Model]) -> int:
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return int(top or 0) + 1


def _move_sequences_past(models_: list[type[models.Model]]) -> None:
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(statement)


# --------------------------------------------------------------------------- the parts


def _destination() -> None:
    fields = dict(cat.DESTINATION)
    fields["logo"] = ContentFile(logo_png(), name="isla-clara-logo.png")
    destination_update(**fields)


def _initiatives(start: dt.datetime) -> list[int]:
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


def _touchpoints() -> list[int]:
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


def _avatars(world: gen.World, bar: dict[str, Any]) -> list[str]:
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


def _members(
    world: gen.World,
    start: dt.datetime,
    writer: _Writer,
    *,
    password: str,
    avatars: bool,
    bar: dict[str, Any],
) -> int:
    """Members and their verified email addresses; returns the id of member 0."""
    members = world.members
    n = len(members)
    base = _next_id(Person)
    avatar = _avatars(world, bar) if avatars else [""] * n
    joined = _moments(start, members.signup)
    language = [gen.LANGUAGES[i] for i in members.language.tolist()]
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


def _consents(world: gen.World, start: dt.datetime, base: int, writer: _Writer) -> None:
    consents = world.consents
    purposes = list(gen.PURPOSES)
    if set(purposes) - set(ConsentPurpose.values):
        raise RuntimeError("The demo's consent purposes are out of step with ConsentPurpose")

    def rows(begin: int, end: int) -> dict[str, Any]:
        part = slice(begin, end)
        return {
            "person_id": _ids(base, consents.member[part]),
            "purpose": [purposes[i] for i in consents.purpose[part].tolist()],
            "subject_type": [""] * (end - begin),
            "subject_id": [0] * (end - begin),
            "granted_at": _moments(start, consents.granted[part]),
            "withdrawn_at": _moments(start, consents.withdrawn[part]),
            "source": [gen.CONSENT_SOURCES[i] for i in consents.source[part].tolist()],
        }

    writer.write(Consent, len(consents), rows, "consents")


def _trips(world: gen.World, start: dt.datetime, base: int, writer: _Writer) -> int:
    trips = world.trips
    first = _next_id(Trip)

    def rows(begin: int, end: int) -> dict[str, Any]:
        part = slice(begin, end)
        arrival = trips.arrival[part]
        return {
            "id": list(range(first + begin, first + end)),
            "member_id": _ids(base, trips.member[part]),
            "arrival": _on(start, arrival),
            "departure": _on(start, arrival + trips.nights[part]),
            "spend": trips.spend[part],
            "party_size": trips.party_size[part].tolist(),
            "source": [gen.TRIP_SOURCES[i] for i in trips.source[part].tolist()],
            "referred_by_id": _ids(base, trips.referred_by[part]),
            "created_at": _moments(start, arrival + 0.5),
        }

    writer.write(Trip, len(trips), rows, "trips")
    return first


def _events(
    world: gen.World,
    start: dt.datetime,
    base: int,
    first_trip: int,
    initiatives: list[int],
    touchpoints: list[int],
    writer: _Writer,
    content: demo_content.Seeded,
) -> None:
    """The simulated log, each event with its subject (a trip or a content item)."""
    events = world.events
    kinds = list(gen.EVENT_KINDS)
    stages = [*cat.STAGES, ""]  # -1 (no stage) picks the last
    trip_label = Trip._meta.label_lower
    kept = np.flatnonzero(content.keep)

    def rows(begin: int, end: int) -> dict[str, Any]:
        part = kept[begin:end]
        trip = events.trip[part]
        item = content.subject[part]
        subject_type = np.where(
            trip >= 0, trip_label, np.where(item >= 0, demo_content.ITEM_LABEL, "")
        )
        subject_id = _ids(first_trip, trip)
        for i in np.flatnonzero(item >= 0).tolist():
            subject_id[i] = int(item[i])
        return {
            "kind": [kinds[i] for i in events.kind[part].tolist()],
            "occurred_at": _at(start, events.seconds[part]),
            "member_id": _ids(base, events.member[part]),
            "attributed_to_id": _ids(base, events.attributed_to[part]),
            "subject_type": subject_type.tolist(),
            "subject_id": subject_id,
            "initiative_id": _lookup(initiatives, events.initiative[part]),
            "channel": [cat.CHANNELS[i] for i in events.channel[part].tolist()],
            "touchpoint_id": _lookup(touchpoints, events.touchpoint[part]),
            "journey_stage": [stages[i] for i in events.stage[part].tolist()],
            "value": events.value[part],
        }

    writer.write(Event, kept.size, rows, "events")


def _staff(password: str, *, admin: bool) -> dict[str, Person]:
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
