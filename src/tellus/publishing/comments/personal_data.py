"""Comments and reactions in a member's archive, and what erasure does with them.

Erasure keeps the discussion readable: a published comment stays, shown as
"a former member", when the person keeps their consented contributions (the
default); asking for removal deletes every comment of theirs. Reactions
always stay as counts, no longer saying whose.
"""

from __future__ import annotations

from typing import Any

from tellus.people.models import Person
from tellus.people.privacy import register_personal_data
from tellus.publishing.comments.models import Comment, Reaction
from tellus.publishing.models import State


def _export_comments(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "subject_type": c.subject_type,
            "subject_id": c.subject_id,
            "body": c.body,
            "state": c.state,
            "reply_to": c.reply_to_id,
            "created_at": c.created_at.isoformat(),
            "edited_at": c.edited_at.isoformat() if c.edited_at else None,
        }
        for c in Comment.objects.filter(contributor=person).order_by("pk")
    ]


def _export_reactions(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "subject_type": r.subject_type,
            "subject_id": r.subject_id,
            "type": r.type,
            "created_at": r.created_at.isoformat(),
        }
        for r in Reaction.objects.filter(member=person).order_by("pk")
    ]


def _erase_comments(person: Person, keep_contributions: bool) -> None:
    comments = Comment.objects.filter(contributor=person)
    if keep_contributions:
        comments = comments.exclude(state=State.PUBLISHED)
    reacted = Reaction.objects.filter(
        subject_type=Comment._meta.label_lower,
        subject_id__in=comments.values("pk"),
    )
    reacted.delete()
    comments.delete()


def _erase_reactions(person: Person, keep_contributions: bool) -> None:
    Reaction.objects.filter(member=person).update(member=None)


register_personal_data("comments", export=_export_comments, erase=_erase_comments)
register_personal_data("reactions", export=_export_reactions, erase=_erase_reactions)
