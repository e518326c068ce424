from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from tellus.people.roles import roles_of

router = Router(tags=["people"])


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    public_name: str
    home_country: str | None
    preferred_language: str | None
    roles: list[str]
    date_joined: dt.datetime


@router.get("/me", response=MeOut, summary="The caller")
def me(request: HttpRequest) -> MeOut:
    person = request.auth  # type: ignore[attr-defined]
    return MeOut(
        id=person.pk,
        email=person.email,
        display_name=person.display_name,
        public_name=person.public_name,
        home_country=person.home_country.code or None,
        preferred_language=person.preferred_language or None,
        roles=roles_of(person),
        date_joined=person.date_joined,
    )
