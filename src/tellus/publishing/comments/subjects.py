"""Comments as a publishing subject: they wait, are reported and hidden in the one queue.

The preview shows the text as the public would read it and what the comment
is about, with a link to that page; one query per kind of subject on the page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from tellus.publishing.comments.models import Comment
from tellus.publishing.queries import with_contributor_history
from tellus.publishing.subjects import SubjectKind, kind_for_label, register


def load(ids: Iterable[int]) -> dict[int, Comment]:
    rows = Comment.objects.filter(pk__in=list(ids)).select_related("contributor")
    return {row.pk: row for row in with_contributor_history(rows, COMMENT)}


def preview_context(comments: list[Comment]) -> dict[int, dict[str, Any]]:
    """What each comment is about: its subject's name and public page (one query per kind)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for comment in comments:
        wanted[comment.subject_type].add(comment.subject_id)
    subjects: dict[tuple[str, int], Any] = {}
    for label, ids in wanted.items():
        kind = kind_for_label(label)
        if kind is not None:
            for subject in kind.objects().filter(pk__in=ids):
                subjects[(label, subject.pk)] = (kind, subject)
    context: dict[int, dict[str, Any]] = {}
    for comment in comments:
        found = subjects.get((comment.subject_type, comment.subject_id))
        context[comment.pk] = (
            {
                "about": found[1],
                "about_kind": found[0],
                "about_url": found[0].public_url(found[1].pk),
            }
            if found
            else {}
        )
    return context


def detail_context(comment: Comment) -> dict[str, Any]:
    """The public page of what the comment is about, for the staff page's link."""
    extra = preview_context([comment]).get(comment.pk, {})
    return {"public_url": extra.get("about_url", ""), **extra}


COMMENT = SubjectKind(
    model=Comment,
    slug="comment",
    preview_template="publishing/staff/_comment_preview.html",
    public_url=lambda pk: reverse("publishing:comment", args=[pk]),
    load=load,
    preview_context=preview_context,
    detail_context=detail_context,
    event_prefix="comment",
)


def register_comments() -> None:
    register(COMMENT)
