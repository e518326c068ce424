from __future__ import annotations

from typing import Any

from tellus.ideas.models import Idea
from tellus.ideas.services import idea_set_consents
from tellus.people.models import Person
from tests.factories import PersonFactory


def make_idea(
    contributor: Person | None = None,
    *,
    title: str = "Night kayak tour of the sea caves",
    website: bool = True,
    **fields: Any,
) -> Idea:
    """A published idea with its contributor's website consent unless told otherwise."""
    fields.setdefault("state", Idea.State.PUBLISHED)
    fields.setdefault("description", "Paddle by moonlight into the glowing caves.")
    idea = Idea.objects.create(contributor=contributor or PersonFactory(), title=title, **fields)
    idea_set_consents(idea=idea, purposes=["website"] if website else [])
    return idea
