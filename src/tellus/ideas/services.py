"""Every write of the idea board: proposing, endorsing, staff answers, merges and adoptions.

Each action changes its rows and records its engagement event in one
transaction, with an idempotency key, so that a retried request records once.
Text comes in already validated by the forms and API schemas (lengths,
characters); the rules about ideas live here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tellus.engagement import kinds
from tellus.engagement.models import JourneyStage
from tellus.engagement.services import record_event
from tellus.ideas import queries
from tellus.ideas.models import Endorsement, Idea, Status
from tellus.people.models import ConsentPurpose, Person
from tellus.people.services import consent_grant, consent_withdraw
from tellus.publishing.services import PublishingError

#: The uses a contributor can allow for an idea: only showing it on the website.
IDEA_PURPOSES = (ConsentPurpose.WEBSITE,)
#: The statuses staff set with an answer (merging has its own action).
ANSWER_STATUSES = (Status.UNDER_REVIEW, Status.PLANNED, Status.ADOPTED, Status.DECLINED)


class IdeaError(PublishingError):
    """A request the idea board refuses, with a message for the person who made it."""


@dataclass(frozen=True)
class IdeaDetails:
    """What a member says about their idea (already length- and character-checked)."""

    title: str
    description: str
    place: Any = None
    season: str = Idea.Season.ALL_YEAR
    audience: str = Idea.Audience.EVERYONE
    photo_ids: tuple[int, ...] = ()
    initiative: Any = None


def _own_photos(member: Person, ids: Iterable[int]) -> list[Any]:
    wanted = sorted(set(ids))[:6]
    if not wanted:
        return []
    found = list(queries.own_public_photos(member).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise IdeaError(_("Choose among your own published photos."), code="photos", field="photos")
    return found


def idea_set_consents(*, idea: Idea, purposes: Iterable[str], source: str = "form") -> None:
    """Make the idea's allowed uses exactly ``purposes``; a withdrawal hides it at once."""
    wanted = set(purposes)
    for purpose in IDEA_PURPOSES:
        if purpose in wanted:
            consent_grant(person=idea.contributor, purpose=purpose, subject=idea, source=source)
        else:
            consent_withdraw(person=idea.contributor, purpose=purpose, subject=idea)


def idea_propose(
    *, contributor: Person, details: IdeaDetails, consents: Iterable[str], channel: str = "web"
) -> Idea:
    """A member proposes an idea: it waits for moderation, then shows if they allowed it."""
    if details.season not in Idea.Season.values:
        raise IdeaError(_("Choose a season."), field="season")
    if details.audience not in Idea.Audience.values:
        raise IdeaError(_("Choose who it is for."), field="audience")
    with transaction.atomic():
        photos = _own_photos(contributor, details.photo_ids)
        idea = Idea.objects.create(
            contributor=contributor,
            title=details.title,
            description=details.description,
            place=details.place,
            season=details.season,
            audience=details.audience,
            initiative=details.initiative,
        )
        if photos:
            idea.photos.set(photos)
        idea_set_consents(idea=idea, purposes=consents)
        record_event(
            kind=kinds.IDEA_SUBMITTED,
            member=contributor,
            subject=idea,
            initiative=idea.initiative,
            channel=channel,
            journey_stage=JourneyStage.ADVOCACY,
            idempotency_key=f"idea:{idea.pk}:submitted",
        )
    return idea


def idea_endorse(*, idea: Idea, member: Person, channel: str = "web") -> tuple[Endorsement, bool]:
    """Back an idea once; returns the endorsement and whether it is new.

    The unique constraint decides: two requests at the same moment make one
    row, and the one that loses gets the existing endorsement back.
    """
    if idea.contributor_id == member.pk:
        raise IdeaError(_("This is your own idea: others can endorse it."), code="own_idea")
    if idea.status == Status.MERGED:
        raise IdeaError(_("This idea was merged into another: endorse that one."), code="merged")
    with transaction.atomic():
        try:
            with transaction.atomic():
                endorsement = Endorsement.objects.create(idea=idea, member=member)
        except IntegrityError:
            return Endorsement.objects.get(idea=idea, member=member), False
        record_event(
            kind=kinds.IDEA_ENDORSED,
            member=member,
            subject=idea,
            initiative=idea.initiative,
            channel=channel,
            journey_stage=JourneyStage.ADVOCACY,
            idempotency_key=f"idea:{idea.pk}:endorsed:{member.pk}",
        )
    return endorsement, True


def idea_withdraw_endorsement(*, idea: Idea, member: Person) -> bool:
    """Take back an endorsement; returns whether there was one."""
    deleted, _rows = Endorsement.objects.filter(idea=idea, member=member).delete()
    return bool(deleted)


def _credit_adoption(idea: Idea) -> None:
    """The contributor's adopted idea, and a credit to each endorser (a kind of its own,
    value 0: the idea's knowledge value is counted once, on the contributor's event)."""
    record_event(
        kind=kinds.IDEA_ADOPTED,
        member=idea.contributor,
        subject=idea,
        initiative=idea.initiative,
        journey_stage=JourneyStage.ADVOCACY,
        idempotency_key=f"idea:{idea.pk}:adopted",
    )
    endorsers = Person.objects.filter(idea_endorsements__idea=idea).order_by("pk")
    for endorser in endorsers:
        record_event(
            kind=kinds.IDEA_ADOPTION_CREDITED,
            member=endorser,
            subject=idea,
            initiative=idea.initiative,
            attributed_to=idea.contributor,
            journey_stage=JourneyStage.ADVOCACY,
            value=Decimal(0),
            idempotency_key=f"idea:{idea.pk}:adopted:endorser:{endorser.pk}",
        )


def idea_respond(
    *, idea: Idea, staff: Person, status: str, response: str, reason: str = ""
) -> Idea:
    """Staff answer an idea publicly and set its status; declining needs a reason.

    Adopting credits the contributor and the endorsers in the engagement log,
    once however often it is repeated.
    """
    if status not in ANSWER_STATUSES:
        raise IdeaError(_("Choose a status."), field="status")
    if status == Status.DECLINED and not reason.strip():
        raise IdeaError(
            _("Say why the idea is declined: the contributor and endorsers will read it."),
            code="reason",
            field="reason",
        )
    with transaction.atomic():
        idea = Idea.objects.select_for_update().get(pk=idea.pk)
        if idea.status == Status.MERGED:
            raise IdeaError(_("A merged idea is answered on the idea it joined."), code="merged")
        now = timezone.now()
        if idea.status != status:
            idea.status_changed_at = now
        idea.status = status
        idea.status_reason = reason.strip() if status == Status.DECLINED else ""
        if response.strip() != idea.response:
            idea.response = response.strip()
            idea.responded_by = staff
            idea.responded_at = now
        idea.save()
        if status == Status.ADOPTED:
            _credit_adoption(idea)
    return idea


def idea_set_outcome(*, idea: Idea, staff: Person, outcome: str, url: str = "") -> Idea:
    """What became of an adopted idea: a text and a link, shown on its page."""
    if idea.status != Status.ADOPTED:
        raise IdeaError(_("Only an adopted idea has an outcome."), code="status")
    idea.outcome = outcome.strip()
    idea.outcome_url = url.strip()
    idea.save(update_fields=["outcome", "outcome_url", "updated_at"])
    return idea


def idea_merge(*, duplicate: Idea, into: Idea, staff: Person) -> Idea:
    """Merge a duplicate into another idea: its endorsements carry over, counted once.

    A member who endorsed both keeps one endorsement of the target; the
    duplicate's contributor counts as endorsing it. Ideas earlier merged
    into the duplicate now lead to the target.
    """
    if duplicate.pk == into.pk:
        raise IdeaError(_("An idea cannot be merged into itself."), field="into")
    with transaction.atomic():
        locked = {
            i.pk: i
            for i in Idea.objects.select_for_update()
            .filter(pk__in=[duplicate.pk, into.pk])
            .order_by("pk")
        }
        duplicate, into = locked[duplicate.pk], locked[into.pk]
        if into.status == Status.MERGED:
            raise IdeaError(
                _("That idea was itself merged: choose the idea it joined."), field="into"
            )
        if duplicate.status == Status.MERGED:
            raise IdeaError(_("This idea is already merged."), code="merged")
        already = Endorsement.objects.filter(idea=into).values("member_id")
        Endorsement.objects.filter(idea=duplicate, member_id__in=already).delete()
        Endorsement.objects.filter(idea=duplicate).exclude(member_id=into.contributor_id).update(
            idea=into
        )
        Endorsement.objects.filter(idea=duplicate).delete()  # the target's own contributor
        if duplicate.contributor_id != into.contributor_id:
            Endorsement.objects.get_or_create(idea=into, member_id=duplicate.contributor_id)
        Idea.objects.filter(merged_into=duplicate).update(merged_into=into)
        duplicate.status = Status.MERGED
        duplicate.merged_into = into
        duplicate.status_changed_at = timezone.now()
        duplicate.responded_by = staff
        duplicate.save()
        if into.status == Status.ADOPTED:
            _credit_adoption(into)
    return duplicate
