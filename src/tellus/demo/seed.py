"""Seeds the demo destination: plans it (:mod:`.plan`), then writes it (:mod:`.write`).

The plan is every decision, drawn from the seed without the database (the
content's only input from it is the next free item id). The writers put it
in, in bulk, with the loader chosen (see :mod:`.write.bulk`): ``auto`` picks
``copy`` on PostgreSQL, ``sql`` on SQLite and ``orm`` elsewhere.
PostgreSQL's sequences are moved past the primary keys given here afterwards.

Visitors' content (photos through the media pipeline, stories, poems, their
consents, moderation, reports and shares) and the idea board (ideas, their
endorsements, answers and outcomes) are written before the event log, which
names the items and ideas as its events' subjects.

Everything is written in one transaction, the admin account last: a seeding
cut short leaves nothing in the database (files already stored stay), and the
admin account's presence means "seeded".
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from tellus.community.polls.models import Poll, Vote
from tellus.content.models import ContentItem
from tellus.demo import catalogue as cat
from tellus.demo import plan
from tellus.demo.plan.content import plan_content
from tellus.demo.plan.ideas import plan_ideas
from tellus.demo.plan.polls import plan_polls
from tellus.demo.plan.visitors import SEGMENTS
from tellus.demo.write import comments, content, ideas, polls, visitors
from tellus.demo.write.bulk import BulkWriter, Output, move_sequences_past, next_id
from tellus.demo.write.conversations import write_conversations
from tellus.engagement.models import Event, Initiative, Touchpoint, Trip
from tellus.ideas.models import Endorsement, Idea
from tellus.people.models import Consent, Person
from tellus.publishing.models import Report, Share

LOADERS = ("auto", "orm", "sql", "copy")
REBUILD_INDEXES_FROM = 50_000  # rows: below it, keeping indexes up to date costs less


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


def seed_demo(
    *,
    size: str,
    seed: int,
    until: dt.date,
    loader: str = "auto",
    progress: bool | None = None,
    log: Output | None = None,
) -> Summary:
    """Seed the demo destination: ``size`` from ``plan.SIZES``, history up to ``until``.

    ``progress``: show progress bars on stderr (None: only on a terminal).
    """
    if size not in plan.SIZES:
        raise ValueError(f"Unknown demo size {size!r}; choose one of {', '.join(plan.SIZES)}")
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

    log.write(f"Simulating {plan.SIZES[size]:,} members (seed {seed})...\n")
    world = plan.simulate(plan.SIZES[size], seed)
    start = dt.datetime.combine(until, dt.time(), tzinfo=dt.UTC) - dt.timedelta(
        days=cat.HISTORY_DAYS
    )
    writer = BulkWriter(loader=loader, bar=bar, log=log, rebuild_indexes_from=REBUILD_INDEXES_FROM)
    password = make_password(cat.DEMO_PASSWORD)  # hashing is slow: once for every demo account
    with transaction.atomic():
        visitors.write_destination()
        initiatives = visitors.write_initiatives(start)
        touchpoints = visitors.write_touchpoints()
        person_ids = visitors.write_members(
            world, start, writer, password=password, avatars=size != "large", bar=bar
        )
        visitors.write_consents(world, start, person_ids, writer)
        trip_ids = visitors.write_trips(world, start, person_ids, writer)
        if connection.vendor == "postgresql":
            move_sequences_past([Person, Trip])  # staff accounts take the next ids
        staff = visitors.write_staff(password, admin=False)
        planned = plan_content(world, size=size, seed=seed, first_id=next_id(ContentItem))
        content.write_content(
            planned,
            world=world,
            start=start,
            seed=seed,
            base=person_ids,
            initiatives=initiatives,
            staff=content.Staff(moderator=staff["moderator"], marketer=staff["marketer"]),
            writer=writer,
            bar=bar,
            log=log,
        )
        board = plan_ideas(world, size=size, seed=seed, first_id=next_id(Idea))
        ideas.write_ideas(
            board,
            start=start,
            base=person_ids,
            moderator=staff["moderator"],
            marketer=staff["marketer"],
            writer=writer,
            initiatives=initiatives,
            answered=world.events.initiative,
        )
        visitors.write_events(
            world,
            start,
            person_ids,
            trip_ids,
            initiatives,
            touchpoints,
            writer,
            subject=planned.subject,
            keep=planned.keep,
            idea_subject=board.subject,
        )
        content.write_missing_approvals(
            planned,
            log=world.events,
            start=start,
            base=person_ids,
            initiatives=initiatives,
            touchpoints=touchpoints,
        )
        polls.write_polls(
            plan_polls(world, size=size, seed=seed, first_id=next_id(Poll)),
            start=start,
            base=person_ids,
            marketer=staff["marketer"],
        )
        comments.write_comments(seed=seed)
        write_conversations(seed=seed, staff=staff)
        if connection.vendor == "postgresql":
            move_sequences_past([ContentItem, Idea, Endorsement])
        visitors.write_staff(password, admin=True)
    summary = Summary(
        destination=str(cat.DESTINATION["name"]),
        size=size,
        seed=seed,
        until=until,
        loader=loader,
        segments={
            name: int(count)
            for name, count in zip(
                SEGMENTS,
                np.bincount(world.members.segment, minlength=len(SEGMENTS)),
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
        "ideas": Idea.objects.count(),
        "endorsements": Endorsement.objects.count(),
        "polls": Poll.objects.count(),
        "poll votes": Vote.objects.count(),
    }
    return summary
