"""Reads of the idea board. Every public read goes through the shared public filter.

Views and the API fetch one idea only through :func:`get_idea_for`, whose
actions say who may have which idea; lists are built by :func:`board`, one
SQL query whatever their length (counts are annotations, not queries per row).
Search is ``icontains`` on the title and description in this first version:
good enough for a board of a few thousand ideas, not a full-text index.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import add, or_
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import default_storage
from django.db.models import Case, Count, Model, Q, QuerySet, Value, When
from django.utils import timezone

from tellus.engagement.models import Initiative
from tellus.ideas.models import Endorsement, Idea, Status
from tellus.people.models import Person
from tellus.people.queries import is_active_member
from tellus.publishing.models import State
from tellus.publishing.queries import public, with_contributor_history
from tellus.publishing.subjects import kind_for_label

SUBJECT_TYPE = "ideas.idea"
TRENDING_DAYS = 14
ORDERS = ("new", "endorsed", "trending")
ACTIONS = ("view", "endorse", "share", "report", "read", "respond")

# Short words that say nothing about which idea it is, in the languages of the site.
STOP_WORDS = frozenset(
    {
        *("the", "and", "for", "with", "from", "into", "our", "your", "their", "this", "that"),
        *("el", "la", "los", "las", "una", "unos", "unas", "del", "con", "por", "para"),
        *("der", "die", "das", "und", "mit", "für", "ein", "eine", "les", "des", "une", "pour"),
    }
)


def place_model() -> type[Model]:
    """The content hub's Place, reached through the foreign key (no import of a sibling app)."""
    return Idea._meta.get_field("place").related_model  # type: ignore[return-value]


def photo_model() -> type[Model]:
    """The content hub's ContentItem, reached through the many-to-many field."""
    return Idea._meta.get_field("photos").related_model  # type: ignore[return-value]


def places() -> QuerySet[Any]:
    return place_model()._default_manager.order_by("name")


def with_counts(ideas: QuerySet[Idea], *, now: dt.datetime | None = None) -> QuerySet[Idea]:
    """Each idea's endorsements, all and in the last 14 days, as annotations of the same query."""
    since = (now or timezone.now()) - dt.timedelta(days=TRENDING_DAYS)
    return ideas.annotate(
        endorsement_count=Count("endorsements", distinct=True),
        recent_endorsements=Count(
            "endorsements", filter=Q(endorsements__created_at__gte=since), distinct=True
        ),
    )


def public_ideas() -> QuerySet[Idea]:
    """Published ideas whose contributor allows them on the website: what visitors may see."""
    return public(Idea.objects.all()).select_related("contributor", "place", "merged_into")


@dataclass(frozen=True)
class BoardFilters:
    status: str = ""
    place: str = ""
    season: str = ""
    audience: str = ""
    q: str = ""
    order: str = "new"  # new | endorsed | trending


SORTS = {
    "new": ("-created_at", "-pk"),
    "endorsed": ("-endorsement_count", "-created_at", "-pk"),
    "trending": ("-recent_endorsements", "-endorsement_count", "-created_at", "-pk"),
}


def board(filters: BoardFilters, *, now: dt.datetime | None = None) -> QuerySet[Idea]:
    """The public ideas matching the filters, sorted; merged duplicates are left out."""
    ideas = public_ideas().exclude(status=Status.MERGED)
    if filters.status in Status.values:
        ideas = ideas.filter(status=filters.status)
    if filters.place:
        ideas = ideas.filter(place__slug=filters.place)
    if filters.season in Idea.Season.values:
        ideas = ideas.filter(season=filters.season)
    if filters.audience in Idea.Audience.values:
        ideas = ideas.filter(audience=filters.audience)
    query = filters.q.strip()
    if query:
        ideas = ideas.filter(Q(title__icontains=query) | Q(description__icontains=query))
    order = SORTS.get(filters.order, SORTS["new"])
    return with_counts(ideas, now=now).order_by(*order)


def encode_cursor(offset: int) -> str:
    """An opaque cursor: the position in the sorted list (counts change, so not keyset)."""
    return base64.urlsafe_b64encode(f"o{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The offset a cursor names; ValueError for a cursor that cannot be read."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError("invalid cursor") from exc
    if not (raw.startswith("o") and raw[1:].isdigit() and len(raw) <= 10):
        raise ValueError("invalid cursor")
    return int(raw[1:])


def title_words(title: str) -> list[str]:
    """The words of a title that can tell two ideas apart (three letters or more, no stop words)."""
    words = re.findall(r"\w{3,}", title.lower())
    return list(dict.fromkeys(w for w in words if w not in STOP_WORDS))[:8]


def similar_ideas(title: str, *, limit: int = 5, exclude_id: int | None = None) -> list[Idea]:
    """The public ideas sharing most words with ``title``: possible duplicates, one query."""
    words = title_words(title[:200])
    if not words:
        return []
    shared = reduce(
        add,
        (Case(When(title__icontains=w, then=Value(1)), default=Value(0)) for w in words),
    )
    ideas = (
        public_ideas()
        .exclude(status=Status.MERGED)
        .filter(reduce(or_, (Q(title__icontains=w) for w in words)))
        .annotate(shared_words=shared)
        .annotate(endorsement_count=Count("endorsements"))
    )
    if exclude_id:
        ideas = ideas.exclude(pk=exclude_id)
    return list(ideas.order_by("-shared_words", "-endorsement_count", "-pk")[:limit])


def idea_page(idea_id: int) -> Idea | None:
    """One public idea with its counts (merged ones too: their page says where they went)."""
    return with_counts(public_ideas().select_related("responded_by")).filter(pk=idea_id).first()


def public_photos_of(idea: Idea) -> list[dict[str, Any]]:
    """The idea's photos that the public may see, each with a rendition of at most 640 pixels."""
    rows = public(photo_model()._default_manager.filter(ideas=idea, kind="photo")).order_by("pk")
    found = []
    item: Any
    for item in rows:
        renditions = [r for r in item.renditions if r["width"] <= 640] or item.renditions[:1]
        if renditions:
            chosen = renditions[-1]
            found.append(
                {
                    "id": item.pk,
                    "title": item.title,
                    "url": default_storage.url(chosen["name"]),
                    "width": chosen["width"],
                    "height": chosen["height"],
                }
            )
    return found


def own_public_photos(member: Person) -> QuerySet[Any]:
    """The member's own published photos, which they may attach to an idea."""
    photos = photo_model()._default_manager.filter(contributor=member, kind="photo")
    return public(photos).exclude(renditions=[]).order_by("-published_at", "-pk")


def endorsed_ids(person: Person | AnonymousUser | None, ideas: Iterable[Idea]) -> set[int]:
    """Which of these ideas the person endorsed, in one query (none for a visitor)."""
    ids = [idea.pk for idea in ideas]
    if not is_active_member(person) or not ids:
        return set()
    member_id = person.pk  # type: ignore[union-attr]
    rows = Endorsement.objects.filter(member_id=member_id, idea_id__in=ids)
    return set(rows.values_list("idea_id", flat=True))


def ideas_of(member: Person) -> QuerySet[Idea]:
    """A member's own ideas in every state, with their counts."""
    return with_counts(Idea.objects.filter(contributor=member).select_related("place")).order_by(
        "-created_at", "-pk"
    )


@dataclass(frozen=True)
class StaffFilters:
    status: str = ""
    state: str = ""
    q: str = ""


def ideas_for_staff(filters: StaffFilters) -> QuerySet[Idea]:
    """Every idea in any state, for those who answer them; most endorsed first."""
    ideas = Idea.objects.select_related("contributor", "place", "merged_into")
    if filters.status in Status.values:
        ideas = ideas.filter(status=filters.status)
    if filters.state in State.values:
        ideas = ideas.filter(state=filters.state)
    if filters.q.strip():
        ideas = ideas.filter(title__icontains=filters.q.strip())
    return with_counts(ideas).order_by("-endorsement_count", "-created_at", "-pk")


def idea_for_staff(idea_id: int) -> Idea | None:
    return (
        with_counts(Idea.objects.select_related("contributor", "place", "merged_into"))
        .filter(pk=idea_id)
        .first()
    )


def merge_targets(idea: Idea) -> list[Idea]:
    """Ideas a duplicate may be merged into: the most similar public ones, then any other."""
    return similar_ideas(idea.title, limit=10, exclude_id=idea.pk)


def items_for_moderation(ids: Iterable[int]) -> QuerySet[Idea]:
    """Ideas in any state, with what a moderator needs beside them (fixed queries)."""
    kind = kind_for_label(SUBJECT_TYPE)
    assert kind is not None, "tellus.ideas registers its subject kind in ready()"
    rows = Idea.objects.filter(pk__in=list(ids)).select_related("contributor", "place")
    return with_contributor_history(rows, kind)


# --- Object permissions: the only way views and the API fetch one idea ----------


def get_idea_for(
    person: Person | AnonymousUser | None, idea_id: int, *, action: str = "view"
) -> Idea | None:
    """The idea ``person`` may have for ``action``, or None.

    ``view``, ``share``, ``report``: a public idea, whoever asks (a merged one
    too: its page leads to the idea it was merged into). ``endorse``: a public
    idea that is not merged, for a member. ``read``: the person's own idea in
    any state, else the public one. ``respond``: any idea, for those with
    ``ideas.respond``.
    """
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}")
    if action == "respond":
        if is_active_member(person) and person.has_perm("ideas.respond"):  # type: ignore[union-attr]
            return idea_for_staff(idea_id)
        return None
    if action == "endorse":
        if not is_active_member(person):
            return None
        return public_ideas().exclude(status=Status.MERGED).filter(pk=idea_id).first()
    if action == "read" and is_active_member(person):
        own = ideas_of(person).filter(pk=idea_id).first()  # type: ignore[arg-type]
        if own is not None:
            return own
    return idea_page(idea_id)


def idea_initiatives() -> QuerySet[Initiative]:
    """The running initiatives an idea may answer: those that ask for ideas."""
    return Initiative.objects.filter(
        is_active=True, contribution=Initiative.Contribution.IDEA
    ).order_by("name")
