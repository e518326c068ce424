"""Who brought a new member: a signed cookie set when a visitor follows a share or referral link.

The cookie names the member credited and the channel, never the visitor; on
sign-up the member.signed_up event records the credit (attributed_to).
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.http import HttpRequest, HttpResponse

from tellus.engagement import kinds
from tellus.engagement.models import JourneyStage
from tellus.engagement.services import record_event
from tellus.people.models import Person

COOKIE = "tellus_ref"
SALT = "tellus.attribution"
MAX_AGE = 30 * 24 * 3600  # the attribution window: 30 days from the click


def remember_credit(response: HttpResponse, *, member_id: int, channel: str) -> None:
    response.set_signed_cookie(
        COOKIE,
        f"{member_id}:{channel}",
        salt=SALT,
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
    )


def credited_member(request: HttpRequest) -> tuple[int | None, str]:
    try:
        value = request.get_signed_cookie(COOKIE, salt=SALT, max_age=MAX_AGE) or ""
        member_text, channel = value.split(":", 1)
        return int(member_text), channel[:40]
    except (KeyError, signing.BadSignature, ValueError):
        return None, ""


def record_signup(sender: Any, request: HttpRequest, user: Person, **kwargs: Any) -> None:
    """allauth's user_signed_up: record the sign-up, credited to whoever brought them."""
    member_id, channel = credited_member(request) if request is not None else (None, "")
    credited = (
        Person.objects.filter(pk=member_id, is_active=True).exclude(pk=user.pk).first()
        if member_id
        else None
    )
    record_event(
        kind=kinds.MEMBER_SIGNED_UP,
        member=user,
        attributed_to=credited,
        channel=channel if credited else "web",
        journey_stage=JourneyStage.CONSIDERATION,
        idempotency_key=f"member:{user.pk}:signed_up",
    )
