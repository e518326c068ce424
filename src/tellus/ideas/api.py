"""The idea board's API: list and propose ideas, endorse one and withdraw the endorsement.

The list is open to anonymous callers (``open_auth``); proposing and
endorsing need a member (token or session). Endorsing answers 201 once, then
409 for the same member again; an idea that is not public is 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field, field_validator

from tellus.core.api_errors import ErrorOut
from tellus.core.validators import no_control_characters
from tellus.ideas import queries
from tellus.ideas.models import Idea
from tellus.ideas.services import (
    IdeaDetails,
    IdeaError,
    idea_endorse,
    idea_propose,
    idea_withdraw_endorsement,
)
from tellus.people.api_auth import caller, open_auth
from tellus.people.models import Person

router = Router(tags=["ideas"])

SeasonName = Literal["spring", "summer", "autumn", "winter", "all_year"]
AudienceName = Literal["everyone", "families", "couples", "solo", "groups", "accessible", "seniors"]
StatusName = Literal["open", "under_review", "planned", "adopted", "declined"]


def _text(value: str) -> str:
    from django.core.exceptions import ValidationError

    try:
        no_control_characters(value)
    except ValidationError as exc:
        raise ValueError("text must not contain control characters") from exc
    return value


class IdeaIn(Schema):
    title: str = Field(..., min_length=1, max_length=160)
    description: str = Field(..., min_length=1, max_length=5000)
    place: str = Field("", max_length=80, description="A named place's slug.")
    initiative: str = Field(
        "", max_length=80, description="The slug of a running initiative that asks for ideas."
    )
    season: SeasonName = "all_year"
    audience: AudienceName = "everyone"
    photos: list[int] = Field(
        default_factory=list, max_length=6, description="Ids of your own published photos."
    )
    website: bool = Field(True, description="Allow the idea on the website (else staff only).")

    @field_validator("title", "description", "place", "initiative")
    @classmethod
    def no_control_characters(cls, value: str) -> str:
        return _text(value)


class IdeaOut(Schema):
    id: int
    title: str
    description: str
    contributor: str
    place: str | None
    season: str
    audience: str
    status: str
    response: str
    status_reason: str
    outcome: str
    outcome_url: str
    endorsements: int
    endorsements_last_14_days: int
    endorsed_by_me: bool | None = Field(default=None, description="Only to a member.")
    created_at: dt.datetime
    url: str
    state: str | None = Field(default=None, description="Only to the idea's contributor.")


class IdeaList(Schema):
    items: list[IdeaOut]
    next_cursor: str | None


class EndorsementOut(Schema):
    idea: int
    endorsements: int
    endorsed: bool


def idea_out(idea: Idea, *, endorsed: bool | None, owner_view: bool = False) -> IdeaOut:
    return IdeaOut(
        id=idea.pk,
        title=idea.title,
        description=idea.description,
        contributor=idea.contributor.public_name,
        place=idea.place.slug if idea.place else None,
        season=idea.season,
        audience=idea.audience,
        status=idea.status,
        response=idea.response,
        status_reason=idea.status_reason,
        outcome=idea.outcome,
        outcome_url=idea.outcome_url,
        endorsements=getattr(idea, "endorsement_count", 0),
        endorsements_last_14_days=getattr(idea, "recent_endorsements", 0),
        endorsed_by_me=endorsed,
        created_at=idea.created_at,
        url=f"{settings.SITE_URL}/ideas/{idea.pk}/",
        state=idea.state if owner_view else None,
    )


class ListQuery(Schema):
    status: StatusName | None = None
    place: str = Field("", max_length=80)
    season: SeasonName | None = None
    audience: AudienceName | None = None
    q: str = Field("", max_length=100, description="Words of the title or description.")
    order: Literal["new", "endorsed", "trending"] = "new"
    cursor: str = Field("", max_length=40)
    limit: int = Field(20, ge=1, le=100)


@router.get(
    "/ideas",
    response={200: IdeaList, 400: ErrorOut},
    auth=open_auth,
    summary="Public ideas: filtered, searched and sorted (new, endorsed, trending)",
)
def list_ideas(request: HttpRequest, query: Query[ListQuery]) -> Any:
    person = caller(request)
    filters = queries.BoardFilters(
        status=query.status or "",
        place=query.place,
        season=query.season or "",
        audience=query.audience or "",
        q=query.q,
        order=query.order,
    )
    offset = 0
    if query.cursor:
        try:
            offset = queries.decode_cursor(query.cursor)
        except ValueError:
            return Status(
                400,
                ErrorOut(
                    detail="The cursor is not valid: start again without it.",
                    field="cursor",
                    code="invalid_cursor",
                ),
            )
    page = list(queries.board(filters)[offset : offset + query.limit + 1])
    more = len(page) > query.limit
    page = page[: query.limit]
    endorsed = queries.endorsed_ids(person, page)
    return IdeaList(
        items=[
            idea_out(i, endorsed=(i.pk in endorsed) if person else None, owner_view=False)
            for i in page
        ],
        next_cursor=queries.encode_cursor(offset + query.limit) if more else None,
    )


@router.post(
    "/ideas",
    response={201: IdeaOut, 400: ErrorOut},
    summary="Propose an idea (it waits for moderation)",
)
def create_idea(request: HttpRequest, data: IdeaIn) -> Any:
    person: Person = request.auth  # type: ignore[attr-defined]
    place = None
    if data.place:
        place = queries.places().filter(slug=data.place).first()
        if place is None:
            return Status(
                400, ErrorOut(detail=f"Unknown place {data.place!r}.", field="place", code="place")
            )
    initiative = None
    if data.initiative:
        initiative = queries.idea_initiatives().filter(slug=data.initiative).first()
        if initiative is None:
            return Status(
                400,
                ErrorOut(
                    detail=f"Unknown or closed initiative {data.initiative!r}.",
                    field="initiative",
                    code="initiative",
                ),
            )
    try:
        idea = idea_propose(
            contributor=person,
            details=IdeaDetails(
                title=data.title.strip(),
                description=data.description.strip(),
                place=place,
                initiative=initiative,
                season=data.season,
                audience=data.audience,
                photo_ids=tuple(data.photos),
            ),
            consents=["website"] if data.website else [],
            channel="api",
        )
    except IdeaError as exc:
        return Status(400, ErrorOut(detail=exc.message, field=exc.field, code=exc.code))
    own = queries.get_idea_for(person, idea.pk, action="read")
    assert own is not None
    return Status(201, idea_out(own, endorsed=False, owner_view=True))


def _endorsement_out(person: Person, idea_id: int) -> EndorsementOut:
    idea = queries.idea_page(idea_id)
    assert idea is not None
    return EndorsementOut(
        idea=idea.pk,
        endorsements=getattr(idea, "endorsement_count", 0),
        endorsed=idea.pk in queries.endorsed_ids(person, [idea]),
    )


@router.post(
    "/ideas/{idea_id}/endorsement",
    response={201: EndorsementOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Endorse an idea: 201 once, 409 when you already endorse it",
)
def endorse(request: HttpRequest, idea_id: int) -> Any:
    person: Person = request.auth  # type: ignore[attr-defined]
    idea = queries.get_idea_for(person, idea_id, action="endorse")
    if idea is None:
        return Status(404, ErrorOut(detail="No public idea has this id.", code="not_found"))
    try:
        _endorsement, created = idea_endorse(idea=idea, member=person, channel="api")
    except IdeaError as exc:
        return Status(400, ErrorOut(detail=exc.message, code=exc.code))
    if not created:
        return Status(409, ErrorOut(detail="You already endorse this idea.", code="duplicate"))
    return Status(201, _endorsement_out(person, idea.pk))


@router.delete(
    "/ideas/{idea_id}/endorsement",
    response={200: EndorsementOut, 404: ErrorOut},
    summary="Withdraw your endorsement (404 when there is none)",
)
def withdraw(request: HttpRequest, idea_id: int) -> Any:
    person: Person = request.auth  # type: ignore[attr-defined]
    idea = queries.get_idea_for(person, idea_id, action="endorse")
    if idea is None:
        return Status(404, ErrorOut(detail="No public idea has this id.", code="not_found"))
    if not idea_withdraw_endorsement(idea=idea, member=person):
        return Status(404, ErrorOut(detail="You do not endorse this idea.", code="not_endorsed"))
    return Status(200, _endorsement_out(person, idea.pk))
