"""What polls contribute to a member's archive, and how erasure treats it."""

from __future__ import annotations

from typing import Any

from tellus.community.polls.models import Vote
from tellus.people.models import Person
from tellus.people.privacy import register_personal_data


def _export(person: Person) -> dict[str, Any]:
    votes = (
        Vote.objects.filter(member=person)
        .select_related("poll")
        .prefetch_related("choices__option")
        .order_by("pk")
    )
    return {
        "poll_votes": [
            {
                "poll": vote.poll_id,
                "question": vote.poll.question,
                "choices": [
                    c.option.text
                    for c in sorted(vote.choices.all(), key=lambda c: c.option.position)
                ],
                "created_at": vote.created_at.isoformat(),
                "changed_at": vote.changed_at.isoformat() if vote.changed_at else None,
            }
            for vote in votes
        ]
    }


def _erase(person: Person, keep_contributions: bool) -> None:
    """Votes stay as counts: the poll's results do not change, the vote no longer says whose.

    Whatever ``keep_contributions`` says: a vote is not shown as anyone's
    contribution, so there is nothing to keep under a name or to remove.
    """
    Vote.objects.filter(member=person).update(member=None)


register_personal_data("polls", export=_export, erase=_erase)
