"""Writes the idea board (:mod:`tellus.demo.plan.ideas`): ideas, consents, decisions, endorsements.

A few hundred ideas at most go in with ``bulk_create``; their endorsements,
consents and moderation decisions through the bulk writer, as content's do.
Written after the content (the places exist) and before the event log, which
names the ideas as its idea events' subjects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np

from tellus.content.models import Place
from tellus.demo import catalogue as cat
from tellus.demo.plan.content import Array
from tellus.demo.plan.ideas import IdeaPlan, PlannedIdea
from tellus.demo.write.bulk import BulkWriter, after, at
from tellus.ideas.models import Endorsement, Idea
from tellus.people.models import Consent, Person
from tellus.publishing.models import ModerationDecision

LABEL = Idea._meta.label_lower
HOUR = 3_600
DAY = 24 * HOUR


def write_ideas(
    plan: IdeaPlan,
    *,
    start: dt.datetime,
    base: int,
    moderator: Person,
    marketer: Person,
    writer: BulkWriter,
    initiatives: list[int] | None = None,
    answered: Array | None = None,
) -> None:
    """Every planned idea with its consent, moderation decision, staff answer and endorsements.

    ``answered`` is the initiative each simulated act answers (an index into
    ``initiatives``, -1 for none): an idea answers its submission's initiative.
    """

    def person(index: int) -> int:
        return base + index

    slugs = {p.slug: p.pk for p in Place.objects.filter(slug__in=[s.slug for s in cat.PLACES])}
    ideas = [_idea(i, start, person, slugs, marketer) for i in plan.ideas]
    if initiatives is not None and answered is not None:
        for row, planned in zip(ideas, plan.ideas, strict=True):
            position = int(answered[planned.act])
            row.initiative_id = initiatives[position] if position >= 0 else None
    Idea.objects.bulk_create(ideas, batch_size=500)
    _write_consents(plan.ideas, start, person, writer)
    _write_decisions(plan.ideas, start, moderator, writer)
    _write_endorsements(plan.ideas, start, person, writer)


def _idea(
    idea: PlannedIdea,
    start: dt.datetime,
    person: Callable[[int], int],
    slugs: dict[str, int],
    marketer: Person,
) -> Idea:
    created = after(start, idea.seconds)
    answered = idea.status != "open"
    return Idea(
        pk=idea.pk,
        contributor_id=person(idea.member),
        state=idea.state,
        moderation_note=idea.reason if idea.state in {"rejected", "needs_edit"} else "",
        created_at=created,
        published_at=created + dt.timedelta(hours=6) if idea.state == "published" else None,
        title=idea.title,
        description=idea.description,
        place_id=slugs.get(cat.PLACES[idea.place].slug) if idea.place >= 0 else None,
        season=idea.season,
        audience=idea.audience,
        status=idea.status,
        status_reason=idea.reason if idea.status == "declined" else "",
        status_changed_at=created + dt.timedelta(days=10) if answered else None,
        response=idea.answer,
        responded_by=marketer if idea.answer else None,
        responded_at=created + dt.timedelta(days=10) if idea.answer else None,
        merged_into_id=idea.merged_into if idea.merged_into > 0 else None,
        outcome=idea.outcome,
        outcome_url=idea.outcome_url,
    )


def _write_consents(
    ideas: list[PlannedIdea], start: dt.datetime, person: Callable[[int], int], writer: BulkWriter
) -> None:
    def columns(begin: int, end: int) -> dict[str, Any]:
        part = ideas[begin:end]
        return {
            "person_id": [person(i.member) for i in part],
            "purpose": ["website"] * len(part),
            "subject_type": [LABEL] * len(part),
            "subject_id": [i.pk for i in part],
            "granted_at": at(start, np.array([i.seconds for i in part], np.int64)),
            "source": ["form"] * len(part),
        }

    writer.write(Consent, len(ideas), columns, "idea consents")


def _write_decisions(
    ideas: list[PlannedIdea], start: dt.datetime, moderator: Person, writer: BulkWriter
) -> None:
    A = ModerationDecision.Action
    action = {
        "published": A.APPROVE,
        "rejected": A.REJECT,
        "needs_edit": A.ASK_EDIT,
        "hidden": A.HIDE,
    }
    decided = [i for i in ideas if i.state in action]

    def columns(begin: int, end: int) -> dict[str, Any]:
        part = decided[begin:end]
        return {
            "subject_type": [LABEL] * len(part),
            "subject_id": [i.pk for i in part],
            "moderator_id": [moderator.pk] * len(part),
            "action": [str(action[i.state]) for i in part],
            "reason": [
                "Shown to the public, then found to be advertising."
                if i.state == "hidden"
                else (i.reason if i.state in {"rejected", "needs_edit"} else "")
                for i in part
            ],
            "created_at": at(start, np.array([i.seconds + 6 * HOUR for i in part], np.int64)),
        }

    writer.write(ModerationDecision, len(decided), columns, "idea decisions")


def _write_endorsements(
    ideas: list[PlannedIdea], start: dt.datetime, person: Callable[[int], int], writer: BulkWriter
) -> None:
    # Each endorsement at its idea.endorsed event's moment.
    rows = [(idea.pk, member, when) for idea in ideas for _e, member, when in idea.endorsements]

    def columns(begin: int, end: int) -> dict[str, Any]:
        part = rows[begin:end]
        return {
            "idea_id": [r[0] for r in part],
            "member_id": [person(r[1]) for r in part],
            "created_at": at(start, np.array([r[2] for r in part], np.int64)),
        }

    writer.write(Endorsement, len(rows), columns, "endorsements")
