"""The comments and reactions API, for every kind of subject: /api/v1/subjects/{kind}/{id}/...

``kind`` is the subject kind's slug (``content`` today; ``comment`` for
reactions to a comment). Reads are open (``open_auth``) and show only public
comments of public subjects; writes need a member (token or session) and go
through the same services as the pages, so the same limits apply.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Query, Router, Schema, Status
from pydantic import Field

from tellus.core.api_errors import ErrorOut
from tellus.people.api_auth import caller, open_auth
from tellus.publishing.comments import queries
from tellus.publishing.comments.models import BODY_MAX_LENGTH, Comment
from tellus.publishing.comments.services import (
    comment_can_edit,
    comment_delete,
    comment_edit,
    comment_post,
    reaction_add,
    reaction_remove,
)
from tellus.publishing.services import PublishingError
from tellus.publishing.subjects import kind_for_label, subject_key

router = Router(tags=["comments and reactions"])

# A refusal's code -> status.
ERROR_STATUS = {
    "not_allowed": 403,
    "own_contribution": 403,
    "edit_window": 403,
    "duplicate": 409,
    "flood": 429,
}
NOT_FOUND = "No public subject of this kind has this id."
REFUSED_403 = {
    "description": "Refused: the account cannot write (suspended), the comment is not the "
    "caller's or its edit window is over, or the subject is the caller's own "
    "(`code` not_allowed, edit_window, own_contribution); or the CSRF check failed "
    "(`code` csrf_failed)."
}
ReactionType = Literal["like", "love", "want_to_go", "helpful"]


def _refusal(exc: PublishingError) -> Status:
    status = ERROR_STATUS.get(exc.code, 422)
    return Status(status, ErrorOut(detail=exc.message, field=exc.field, code=exc.code))


class CommentOut(Schema):
    id: int
    subject_kind: str
    subject_id: int
    author: str = Field(..., description="The author's public name; 'A former member' if erased.")
    body: str = Field(..., description="Plain text as written (no HTML, no Markdown).")
    body_html: str = Field(..., description="Escaped, line breaks as <br>, addresses as links.")
    reply_to: int | None
    state: str = Field(..., description="published, or pending to its author.")
    created_at: dt.datetime
    edited_at: dt.datetime | None
    editable: bool = Field(..., description="The caller may still edit it.")


class CommentList(Schema):
    items: list[CommentOut]
    next_after: int | None = Field(None, description="Pass as `after` for the next page.")


class CommentIn(Schema):
    body: str = Field(..., max_length=BODY_MAX_LENGTH * 2)
    reply_to: int | None = Field(None, ge=1, description="The id of the comment it answers.")


class CommentEditIn(Schema):
    body: str = Field(..., max_length=BODY_MAX_LENGTH * 2)


class ListQuery(Schema):
    after: int | None = Field(None, ge=0, description="Comments posted after this id.")
    limit: int = Field(50, ge=1, le=100)


class ReactionCount(Schema):
    type: str
    label: str
    count: int
    mine: bool


class ReactionsOut(Schema):
    subject_kind: str
    subject_id: int
    reactions: list[ReactionCount]


def comment_out(comment: Comment, kind_slug: str, person: Any) -> CommentOut:
    author = (
        gettext("A former member")
        if comment.contributor.erased_at
        else comment.contributor.public_name
    )
    return CommentOut(
        id=comment.pk,
        subject_kind=kind_slug,
        subject_id=comment.subject_id,
        author=author,
        body=comment.body,
        body_html=str(comment.body_html),
        reply_to=comment.reply_to_id,
        state=comment.state,
        created_at=comment.created_at,
        edited_at=comment.edited_at,
        editable=comment_can_edit(comment, person),
    )


def _kind_slug(comment: Comment) -> str:
    kind = kind_for_label(comment.subject_type)
    return kind.slug if kind else ""


@router.get(
    "/subjects/{kind}/{subject_id}/comments",
    response={200: CommentList, 404: ErrorOut},
    auth=open_auth,
    summary="A public subject's comments, in the order posted",
)
def list_comments(request: HttpRequest, kind: str, subject_id: int, query: Query[ListQuery]) -> Any:
    """Public comments, and the caller's own waiting ones; one page in a fixed number of queries."""
    person = caller(request)
    subject = queries.get_subject_for(person, kind, subject_id, action="comment")
    if subject is None:
        return Status(404, ErrorOut(detail=NOT_FOUND))
    rows = queries.comments_on(subject, person).order_by("pk")
    if query.after is not None:
        rows = rows.filter(pk__gt=query.after)
    page = list(rows[: query.limit + 1])
    more = len(page) > query.limit
    page = page[: query.limit]
    return CommentList(
        items=[comment_out(c, kind, person) for c in page],
        next_after=page[-1].pk if more and page else None,
    )


@router.post(
    "/subjects/{kind}/{subject_id}/comments",
    response={
        201: CommentOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="Comment on a public subject",
    openapi_extra={
        "responses": {
            409: {"description": "The caller's last comment has the same text (`duplicate`)."},
            422: {
                "description": "The text is empty, too long or holds control or invisible "
                "characters (`code` empty, too_long, characters), the reply names a comment "
                "elsewhere (`reply_to`), or a field has the wrong type (`errors`)."
            },
            403: REFUSED_403,
        }
    },
)
def create_comment(request: HttpRequest, kind: str, subject_id: int, data: CommentIn) -> Any:
    """Published at once for trusted members; otherwise it waits for a moderator (`pending`).

    Besides the API's own call limits, 429 with `code` flood means too many
    comments in the last minute (see the comment service's rules).
    """
    person = caller(request)
    subject = queries.get_subject_for(person, kind, subject_id, action="comment")
    if subject is None:
        return Status(404, ErrorOut(detail=NOT_FOUND))
    reply_to = None
    if data.reply_to is not None:
        reply_to = queries.get_comment_for(person, data.reply_to, action="view")
        if reply_to is None:
            return Status(
                422,
                ErrorOut(
                    detail="No public comment has this id.", field="reply_to", code="reply_to"
                ),
            )
    try:
        comment = comment_post(author=person, subject=subject, body=data.body, reply_to=reply_to)
    except PublishingError as exc:
        return _refusal(exc)
    return Status(201, comment_out(comment, kind, person))


@router.patch(
    "/comments/{comment_id}",
    response={200: CommentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Edit one's own comment (within the edit window)",
    openapi_extra={"responses": {403: REFUSED_403}},
)
def edit_comment(request: HttpRequest, comment_id: int, data: CommentEditIn) -> Any:
    person = caller(request)
    comment = queries.get_comment_for(person, comment_id, action="edit")
    if comment is None:
        return Status(404, ErrorOut(detail="You have no comment with this id."))
    try:
        comment = comment_edit(comment=comment, author=person, body=data.body)
    except PublishingError as exc:
        return _refusal(exc)
    return comment_out(comment, _kind_slug(comment), person)


@router.delete(
    "/comments/{comment_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="Delete one's own comment",
    openapi_extra={"responses": {403: REFUSED_403}},
)
def delete_comment(request: HttpRequest, comment_id: int) -> Any:
    person = caller(request)
    comment = queries.get_comment_for(person, comment_id, action="delete")
    if comment is None:
        return Status(404, ErrorOut(detail="You have no comment with this id."))
    try:
        comment_delete(comment=comment, author=person)
    except PublishingError as exc:
        return _refusal(exc)
    return Status(204, None)


def _reactions_out(kind: str, subject: Any, person: Any) -> ReactionsOut:
    buttons = queries.reaction_buttons([subject], person)[subject_key(subject)]
    return ReactionsOut(
        subject_kind=kind,
        subject_id=subject.pk,
        reactions=[
            ReactionCount(type=b.type, label=b.label, count=b.count, mine=b.mine) for b in buttons
        ],
    )


@router.get(
    "/subjects/{kind}/{subject_id}/reactions",
    response={200: ReactionsOut, 404: ErrorOut},
    auth=open_auth,
    summary="How many of each reaction a public subject has, and the caller's own",
)
def list_reactions(request: HttpRequest, kind: str, subject_id: int) -> Any:
    person = caller(request)
    subject = queries.get_subject_for(person, kind, subject_id, action="react")
    if subject is None:
        return Status(404, ErrorOut(detail=NOT_FOUND))
    return _reactions_out(kind, subject, person)


@router.post(
    "/subjects/{kind}/{subject_id}/reactions/{type}",
    response={200: ReactionsOut, 201: ReactionsOut, 403: ErrorOut, 404: ErrorOut},
    summary="React to a public subject (201 when new, 200 when the caller already had it)",
    openapi_extra={"responses": {403: REFUSED_403}},
)
def add_reaction(request: HttpRequest, kind: str, subject_id: int, type: ReactionType) -> Any:
    person = caller(request)
    subject = queries.get_subject_for(person, kind, subject_id, action="react")
    if subject is None:
        return Status(404, ErrorOut(detail=NOT_FOUND))
    try:
        added = reaction_add(member=person, subject=subject, type=type)
    except PublishingError as exc:
        return _refusal(exc)
    return Status(201 if added else 200, _reactions_out(kind, subject, person))


@router.delete(
    "/subjects/{kind}/{subject_id}/reactions/{type}",
    response={200: ReactionsOut, 403: ErrorOut, 404: ErrorOut},
    summary="Take a reaction back (answers the counts, whether or not the caller had it)",
    openapi_extra={"responses": {403: REFUSED_403}},
)
def remove_reaction(request: HttpRequest, kind: str, subject_id: int, type: ReactionType) -> Any:
    person = caller(request)
    subject = queries.get_subject_for(person, kind, subject_id, action="react")
    if subject is None:
        return Status(404, ErrorOut(detail=NOT_FOUND))
    try:
        reaction_remove(member=person, subject=subject, type=type)
    except PublishingError as exc:
        return _refusal(exc)
    return _reactions_out(kind, subject, person)
