"""How API callers prove who they are: the browser's session, or a personal token."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security.session import SessionAuth
from ninja.throttling import AnonRateThrottle, SimpleRateThrottle

from tellus.people.models import Person
from tellus.people.queries import person_for_token


class BearerToken(HttpBearer):
    """``Authorization: Bearer TOKEN`` with a token from the account page or `tellus token create`."""

    openapi_description = "A personal API token, created in the account page or the console."

    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        return person_for_token(token.strip())


class Session(SessionAuth):
    """The browser's login session (unsafe methods also need the CSRF token)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


class MemberRateThrottle(SimpleRateThrottle):
    """Calls per authenticated person (Zulip's default: 200 a minute)."""

    scope = "member"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        auth = getattr(request, "auth", None)
        if auth is None or not getattr(auth, "pk", None):
            return None
        return self.cache_format % {"scope": self.scope, "ident": auth.pk}


def api_throttles() -> list[SimpleRateThrottle]:
    rates = settings.TELLUS_RATE_LIMITS
    return [MemberRateThrottle(rates["api_member"]), AnonRateThrottle(rates["api_anonymous"])]


member_auth: list[APIKeyCookie | HttpBearer] = [BearerToken(), Session()]
