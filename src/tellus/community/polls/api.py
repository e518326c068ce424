"""Polls in the API: list them, read one (with results when its rule allows) and vote.

Reading is open to anonymous callers (``open_auth``); voting needs a member
(token or session). A first vote answers 201, a changed (or repeated) one
200; a poll that closed or has not opened is 409, a ballot the poll does not
allow (no choice, too many, another poll's option) 422, each with a ``code``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from tellus.community.polls import queries
from tellus.community.polls.models import Poll
from tellus.community.polls.services import PollError, poll_vote
from tellus.core.api_errors import ErrorOut
from tellus.people.api_auth import caller, open_auth
from tellus.people.models import Person

router = Router(tags=["polls"])

CONFLICTS = {"closed", "not_open", "not_allowed"}


class OptionOut(Schema):
    id: int
    text: str


class ResultOut(Schema):
    option: int
    votes: int
    share: float = Field(..., description="Percent of the poll's voters who chose it.")


class PollOut(Schema):
    id: int
    question: str
    description: str
    kind: Literal["single", "multiple"]
    max_choices: int
    opens_at: dt.datetime
    closes_at: dt.datetime
    is_open: bool
    show_results: Literal["after_vote", "after_close"]
    initiative: str | None = Field(default=None, description="The initiative's slug.")
    voters: int
    options: list[OptionOut]
    results: list[ResultOut] | None = Field(
        default=None, description="Only when the poll's rule lets the caller see them."
    )
    my_vote: list[int] | None = Field(
        default=None, description="The options the caller chose; only to a member."
    )
    url: str


class PollList(Schema):
    items: list[PollOut]


class VoteIn(Schema):
    options: list[int] = Field(
        ..., max_length=50, description="The ids of the chosen options (one for a single choice)."
    )


def poll_out(
    poll: Poll,
    *,
    person: Person | None,
    chosen: set[int] | None,
    counts: dict[int, int] | None,
    now: dt.datetime,
) -> PollOut:
    visible = counts is not None and queries.results_visible(
        poll, voted=bool(chosen), person=person, now=now
    )
    return PollOut(
        id=poll.pk,
        question=poll.question,
        description=poll.description,
        kind=poll.kind,  # type: ignore[arg-type]
        max_choices=poll.allowed_choices,
        opens_at=poll.opens_at,
        closes_at=poll.closes_at,
        is_open=poll.is_open_at(now),
        show_results=poll.show_results,  # type: ignore[arg-type]
        initiative=poll.initiative.slug if poll.initiative else None,
        voters=getattr(poll, "voter_count", 0),
        options=[OptionOut(id=o.pk, text=o.text) for o in poll.options.all()],
        results=[
            ResultOut(option=r.option.pk, votes=r.votes, share=round(r.share, 1))
            for r in queries.results_of(poll, counts or {})
        ]
        if visible
        else None,
        my_vote=sorted(chosen or ()) if person else None,
        url=f"{settings.SITE_URL}/polls/{poll.pk}/",
    )


class ListQuery(Schema):
    status: Literal["open", "closed"] = "open"
    limit: int = Field(20, ge=1, le=100)


@router.get(
    "/polls",
    response={200: PollList},
    auth=open_auth,
    summary="Public polls, open (closing soonest first) or closed (latest first)",
)
def list_polls(request: HttpRequest, query: Query[ListQuery]) -> Any:
    person = caller(request)
    now = timezone.now()
    rows = queries.open_polls(now=now) if query.status == "open" else queries.closed_polls(now=now)
    page = list(rows.prefetch_related("options")[: query.limit])
    chosen = queries.chosen_by(person, page)
    counts = queries.counts_of(page)
    return PollList(
        items=[
            poll_out(p, person=person, chosen=chosen.get(p.pk, set()), counts=counts, now=now)
            for p in page
        ]
    )


def _one(person: Person | None, poll_id: int) -> PollOut | None:
    poll = queries.get_poll_for(person, poll_id, action="view")
    if poll is None:
        return None
    chosen = queries.chosen_by(person, [poll]).get(poll.pk, set())
    return poll_out(
        poll, person=person, chosen=chosen, counts=queries.counts_of([poll]), now=timezone.now()
    )


@router.get(
    "/polls/{poll_id}",
    response={200: PollOut, 404: ErrorOut},
    auth=open_auth,
    summary="One public poll, with its results when the poll's rule allows, and your vote",
)
def get_poll(request: HttpRequest, poll_id: int) -> Any:
    found = _one(caller(request), poll_id)
    if found is None:
        return Status(404, ErrorOut(detail="No public poll has this id.", code="not_found"))
    return found


@router.post(
    "/polls/{poll_id}/vote",
    response={200: PollOut, 201: PollOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Vote (201), or change your vote until the poll closes (200)",
    description=(
        "409 with `code` closed, not_open or not_allowed; 422 with `code` no_choice, "
        "too_many or wrong_option (an option of another poll)."
    ),
)
def vote(request: HttpRequest, poll_id: int, data: VoteIn) -> Any:
    person: Person = request.auth  # type: ignore[attr-defined]
    poll = queries.get_poll_for(person, poll_id, action="vote")
    if poll is None:
        return Status(404, ErrorOut(detail="No public poll has this id.", code="not_found"))
    try:
        _vote, outcome = poll_vote(poll=poll, member=person, option_ids=data.options, channel="api")
    except PollError as exc:
        status = 409 if exc.code in CONFLICTS else 422
        return Status(status, ErrorOut(detail=exc.message, field=exc.field, code=exc.code))
    found = _one(person, poll.pk)
    assert found is not None
    return Status(201 if outcome == "created" else 200, found)
