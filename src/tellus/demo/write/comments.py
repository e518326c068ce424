"""Comments and reactions on the demo's public content, the same for the same seed.

They match the simulated log, as the content and the idea board do: each
``comment.posted`` event (of a sample, to keep seeding quick) becomes a
comment by that member at that moment on a public item published before,
not theirs, and each ``reaction.added`` a reaction; an event that named no
subject now names the item. Most comments are published; a few wait in the
moderation queue (some with a link, as the comment service's trust rule
would hold them), and some answer the item's first comment.
"""

from __future__ import annotations

import bisect
import datetime as dt
from typing import Any

import numpy as np
from django.db import connection

from tellus.content.models import ContentItem
from tellus.demo.write.bulk import move_sequences_past, next_id
from tellus.engagement import kinds as K
from tellus.engagement.models import Event
from tellus.people.models import Consent, ConsentPurpose
from tellus.publishing.models import Comment, Reaction, State
from tellus.publishing.queries import public

COMMENT_LABEL = Comment._meta.label_lower
ITEM_LABEL = ContentItem._meta.label_lower
MAX_COMMENTS = 600
MAX_REACTIONS = 1500
PER_ITEM = 8  # comments per public item, on average
MAX_WAITING = 6  # comments in the moderation queue
RECENT_DAYS = 10
COMMENTS = (
    "What a view! We were there in May and the light was just like this.",
    "Is it easy to get there by bus, or do you need a car?",
    "Thank you for sharing: this goes on our list for next winter.",
    "Best at sunset. Bring a jacket, the wind picks up after seven.",
    "We stayed nearby and walked here every morning.\nPure calm.",
    "The little bar by the harbour does the best papas arrugadas.",
    "How long is the walk from the car park?",
    "This brings back so many memories of our first trip.",
    "Go early: by eleven the place is full of tour buses.",
    "¡Qué maravilla! Volveremos el año que viene.",
    "Precioso. ¿Se puede ir con niños pequeños?",
    "Gorgeous photo. Which month was it taken?",
    "The tide matters here: at low tide you can walk round the rocks.",
    "I did not know this place existed. Thank you!",
)
REPLIES = (
    "Yes, the bus from the capital stops close by.",
    "April or May, before the summer heat.",
    "About twenty minutes, mostly flat.",
    "Definitely with children: there is a shallow part on the left.",
    "Agreed, the morning is the best time.",
)
WITH_LINK = "Tide times here: https://www.example.org/tides (check before you go)"


# An item's id, its contributor, its initiative and when it was published.
Row = tuple[int, int, Any, dt.datetime]


class _Items:
    """Public items by publication time, to pick one a member could have seen at a moment."""

    def __init__(self) -> None:
        rows = (
            public(ContentItem.objects.filter(published_at__isnull=False))
            .order_by("published_at", "pk")
            .values_list("pk", "contributor_id", "initiative_id", "published_at")
        )
        self.rows: list[Row] = []
        for pk, owner, initiative, when in rows:
            if when is not None:
                self.rows.append((pk, owner, initiative, when))
        self.times = [row[3] for row in self.rows]
        self.by_pk = {row[0]: row for row in self.rows}

    def pick(self, rng: np.random.Generator, event: Event) -> Row | None:
        """The event's own item if it may hold the act, else a random earlier one not theirs."""
        own = self.by_pk.get(event.subject_id or 0) if event.subject_type == ITEM_LABEL else None
        if own is not None:
            fits = own[3] < event.occurred_at and own[1] != event.member_id
            return own if fits else None
        if event.subject_type:
            return None  # the event is about something else (a trip, an idea)
        seen = bisect.bisect_left(self.times, event.occurred_at)
        for _ in range(3):
            if seen == 0:
                return None
            row = self.rows[int(rng.integers(seen))]
            if row[1] != event.member_id:
                return row
        return None


def _sample(rng: np.random.Generator, kind: str, limit: int) -> list[Event]:
    events = list(
        Event.objects.filter(kind=kind, member__isnull=False).order_by("occurred_at", "pk")
    )
    if len(events) > limit:
        keep = np.sort(rng.choice(len(events), size=limit, replace=False))
        events = [events[int(i)] for i in keep]
    return events


def write_comments(*, seed: int) -> None:
    """Comments and reactions for a sample of the log's acts, on public items."""
    rng = np.random.default_rng([seed, 0xC0111])
    items = _Items()
    if not items.rows:
        return
    renamed: list[Event] = []
    comments: list[Comment] = []
    first_on: dict[int, Comment] = {}
    next_pk = next_id(Comment)
    sample = _sample(rng, K.COMMENT_POSTED, min(MAX_COMMENTS, PER_ITEM * len(items.rows)))
    # Only recent comments still wait: a moderator has read the older ones.
    recent = sample[-1].occurred_at - dt.timedelta(days=RECENT_DAYS) if sample else None
    waiting_left = MAX_WAITING
    for event in sample:
        row = items.pick(rng, event)
        if row is None or event.member_id is None:
            continue
        reply = first_on.get(row[0]) if rng.random() < 0.35 else None
        waiting = bool(
            waiting_left and recent and event.occurred_at > recent and rng.random() < 0.5
        )
        waiting_left -= waiting
        if reply is not None:
            text = REPLIES[int(rng.integers(len(REPLIES)))]
        else:
            text = COMMENTS[int(rng.integers(len(COMMENTS)))]
        if waiting and rng.random() < 0.5:
            text = WITH_LINK
        comment = Comment(
            pk=next_pk,
            subject_type=ITEM_LABEL,
            subject_id=row[0],
            contributor_id=event.member_id,
            body=text,
            reply_to=reply,
            state=State.PENDING if waiting else State.PUBLISHED,
            created_at=event.occurred_at,
            published_at=None if waiting else event.occurred_at,
        )
        next_pk += 1
        comments.append(comment)
        first_on.setdefault(row[0], comment)
        if not event.subject_type:
            event.subject_type, event.subject_id = ITEM_LABEL, row[0]
            renamed.append(event)
    reactions: list[Reaction] = []
    given: set[tuple[int, int | None, str]] = set()
    for event in _sample(rng, K.REACTION_ADDED, MAX_REACTIONS):
        row = items.pick(rng, event)
        if row is None:
            continue
        type_ = str(Reaction.Type.values[int(rng.integers(len(Reaction.Type.values)))])
        if (row[0], event.member_id, type_) in given:
            continue
        given.add((row[0], event.member_id, type_))
        reactions.append(
            Reaction(
                subject_type=ITEM_LABEL,
                subject_id=row[0],
                member_id=event.member_id,
                type=type_,
                created_at=event.occurred_at,
            )
        )
        if not event.subject_type:
            event.subject_type, event.subject_id = ITEM_LABEL, row[0]
            renamed.append(event)
    Comment.objects.bulk_create(comments, batch_size=500)
    Reaction.objects.bulk_create(reactions, batch_size=1000)
    Consent.objects.bulk_create(
        (
            Consent(
                person_id=c.contributor_id,
                purpose=ConsentPurpose.WEBSITE,
                subject_type=COMMENT_LABEL,
                subject_id=c.pk,
                granted_at=c.created_at,
                source="comment",
            )
            for c in comments
        ),
        batch_size=1000,
    )
    Event.objects.bulk_update(
        renamed, ["subject_type", "subject_id", "initiative_id"], batch_size=500
    )
    if connection.vendor == "postgresql":
        move_sequences_past([Comment])
