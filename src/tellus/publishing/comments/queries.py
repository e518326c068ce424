"""Reads of comments and reactions: what a page shows, and the permission-checked fetches.

Comments reach the public only through ``publishing.queries.public`` and only
on subjects that are public themselves; their author also sees their own
comments that wait for a moderator. Every read here costs a fixed number of
queries, whatever the number of comments or reactions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from tellus.people.models import Person
from tellus.people.queries import is_active_member
from tellus.publishing.comments.models import Comment, Reaction
from tellus.publishing.models import State
from tellus.publishing.queries import public
from tellus.publishing.subjects import SubjectKind, kind_for_label, kind_for_slug, subject_key

SUBJECT_ACTIONS = {"view", "comment", "react"}
COMMENT_ACTIONS = {"view", "report", "react", "edit", "delete"}
# The author still sees these states of their own comment, with a note.
OWN_VISIBLE_STATES = (State.PENDING, State.NEEDS_EDIT)

Viewer = Person | AnonymousUser | None


def public_subject(kind: SubjectKind, subject_id: int) -> Any | None:
    """The subject if the public may see it (through the one public filter), else None."""
    return public(kind.objects()).filter(pk=subject_id).first()


def get_subject_for(
    person: Viewer, kind_slug: str, subject_id: int, *, action: str = "view"
) -> Any | None:
    """A public subject of any registered kind, for ``action``, or None.

    ``view`` and ``react``: any public subject, whoever asks (the services
    refuse visitors' writes). ``comment``: a public subject that takes
    comments: any kind but a comment (a reply names the comment it answers).
    A public comment counts only while what it is about is public too.
    """
    if action not in SUBJECT_ACTIONS:
        raise ValueError(f"Unknown action {action!r}")
    kind = kind_for_slug(kind_slug)
    if kind is None:
        return None
    if kind.model is Comment:
        if action == "comment":
            return None
        return get_comment_for(person, subject_id, action="view")
    return public_subject(kind, subject_id)


def _subject_of(comment: Comment) -> Any | None:
    kind = kind_for_label(comment.subject_type)
    return public_subject(kind, comment.subject_id) if kind else None


def get_comment_for(person: Viewer, comment_id: int, *, action: str = "view") -> Comment | None:
    """The comment ``person`` may have for ``action``, or None.

    ``view``, ``report`` and ``react``: a public comment on a public subject,
    whoever asks. ``edit`` and ``delete``: only the person's own comment, in
    any state (the services refuse what the edit window forbids).
    """
    if action not in COMMENT_ACTIONS:
        raise ValueError(f"Unknown action {action!r}")
    if action in {"edit", "delete"}:
        if not is_active_member(person):
            return None
        return Comment.objects.filter(pk=comment_id, contributor=person).first()  # type: ignore[misc]
    comment = public(Comment.objects.select_related("contributor")).filter(pk=comment_id).first()
    if comment is None or _subject_of(comment) is None:
        return None
    return comment


def comments_on(subject: Any, viewer: Viewer = None) -> QuerySet[Comment]:
    """The subject's public comments, oldest first, and the viewer's own waiting ones (1 query)."""
    label, pk = subject_key(subject)
    shown = Q(pk__in=public(Comment.objects.filter(subject_type=label, subject_id=pk)).values("pk"))
    if is_active_member(viewer):
        shown |= Q(contributor=viewer, state__in=OWN_VISIBLE_STATES)
    return (
        Comment.objects.filter(subject_type=label, subject_id=pk)
        .filter(shown)
        .select_related("contributor", "reply_to__contributor")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class ReactionButton:
    """One reaction type on one subject, as a button shows it."""

    type: str
    label: str
    count: int
    mine: bool


def reaction_counts(keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], dict[str, int]]:
    """How many of each reaction many subjects (of any kinds) have, in one query."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for label, pk in keys:
        wanted[label].add(pk)
    found: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    if not wanted:
        return found
    condition = Q()
    for label, ids in wanted.items():
        condition |= Q(subject_type=label, subject_id__in=ids)
    rows = (
        Reaction.objects.filter(condition)
        .values_list("subject_type", "subject_id", "type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for label, pk, type_, n in rows:
        found[(label, pk)][type_] = n
    return found


def reactions_of(person: Viewer, keys: Iterable[tuple[str, int]]) -> set[tuple[str, int, str]]:
    """Which of these subjects the person has reacted to, and how: one query (none for visitors)."""
    keys = list(keys)
    if not is_active_member(person) or not keys:
        return set()
    condition = Q()
    for label, pk in keys:
        condition |= Q(subject_type=label, subject_id=pk)
    return set(
        Reaction.objects.filter(condition, member=person).values_list(  # type: ignore[misc]
            "subject_type", "subject_id", "type"
        )
    )


def reaction_buttons(
    subjects: Iterable[Any], viewer: Viewer = None
) -> dict[tuple[str, int], list[ReactionButton]]:
    """The reaction buttons of many subjects, in two queries (one for a visitor)."""
    keys = [subject_key(s) for s in subjects]
    counts = reaction_counts(keys)
    mine = reactions_of(viewer, keys)
    return {
        key: [
            ReactionButton(
                type=value,
                label=str(label),
                count=counts.get(key, {}).get(value, 0),
                mine=(*key, value) in mine,
            )
            for value, label in Reaction.Type.choices
        ]
        for key in keys
    }
