"""Who is calling the API: a personal token or the browser's session, for every app's router.

Protected operations use ``member_auth``; open reads use ``open_auth``, which lets
anonymous callers in but still recognises a token or a session, so that a
contributor reading their own item sees its state whichever way they call. A
Bearer token that names nobody is refused (401) even on open reads: a script with
a broken or revoked token learns it at once instead of silently reading as a
visitor.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security.session import SessionAuth
from ninja.utils import check_csrf

from tellus.people.models import Person
from tellus.people.queries import person_for_token


class InvalidToken(AuthenticationError):
    """A Bearer token was sent but is unknown, revoked, malformed or its holder deactivated."""


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(
            403,
            gettext(
                "The CSRF check failed: a browser session must send the X-CSRFToken header; "
                "programs should use a Bearer token."
            ),
        )


class BearerToken(HttpBearer):
    """``Authorization: Bearer TOKEN``, a token from the account page or `tellus token create`."""

    openapi_description = "A personal API token, created in the account page or the console."

    def authenticate(self, request: HttpRequest, token: str) -> Person:
        person = person_for_token(token.strip())
        if person is None:
            raise InvalidToken()
        return person


class Session(SessionAuth):
    """The browser's login session (unsafe methods also need the CSRF token)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.COOKIES.get(self.param_name)
        if key is None:
            # No session, nothing to forge: a script without credentials gets a clear 401.
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed()
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        user = request.user
        return user if user.is_authenticated and user.is_active else None


class Anonymous:
    """The last resort of an open read: a caller without credentials is let in as a visitor.

    ninja only accepts a truthy result, so ``request.auth`` becomes an
    ``AnonymousUser``; read the caller with ``caller(request)``.
    """

    def __call__(self, request: HttpRequest) -> AnonymousUser:
        return AnonymousUser()


def caller(request: HttpRequest) -> Person | None:
    """The person behind an API request, or None for an anonymous visitor."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, Person) else None


member_auth: list[APIKeyCookie | HttpBearer] = [BearerToken(), Session()]
open_auth: list[Any] = [BearerToken(), Session(), Anonymous()]
