"""What the idea board contributes to a member's archive, and how erasure treats it."""

from __future__ import annotations

from typing import Any

from tellus.ideas.models import Endorsement, Idea
from tellus.ideas.queries import SUBJECT_TYPE
from tellus.people.models import Consent, ConsentPurpose, Person
from tellus.people.privacy import register_personal_data


def _export(person: Person) -> dict[str, Any]:
    ideas = Idea.objects.filter(contributor=person).select_related("place").order_by("pk")
    endorsements = Endorsement.objects.filter(member=person).order_by("pk")
    return {
        "ideas": [
            {
                "id": idea.pk,
                "state": idea.state,
                "status": idea.status,
                "title": idea.title,
                "description": idea.description,
                "place": idea.place.slug if idea.place else None,
                "season": idea.season,
                "audience": idea.audience,
                "created_at": idea.created_at.isoformat(),
            }
            for idea in ideas
        ],
        "endorsements": [
            {"idea": e.idea_id, "created_at": e.created_at.isoformat()} for e in endorsements
        ],
    }


def _erase(person: Person, keep_contributions: bool) -> None:
    """Keep, as anonymous, only published ideas the person allowed on the website.

    Endorsements stay: they count for the idea, and the erased person's row
    no longer says whose they were.
    """
    ideas = Idea.objects.filter(contributor=person)
    kept: set[int] = set()
    if keep_contributions:
        allowed = (
            Consent.objects.active()
            .about(SUBJECT_TYPE)
            .filter(person=person, purpose=ConsentPurpose.WEBSITE)
            .values_list("subject_id", flat=True)
        )
        kept = set(
            ideas.filter(state=Idea.State.PUBLISHED, pk__in=allowed).values_list("pk", flat=True)
        )
    Idea.objects.filter(merged_into__in=ideas.exclude(pk__in=kept)).update(merged_into=None)
    ideas.exclude(pk__in=kept).delete()


register_personal_data("ideas", export=_export, erase=_erase)
