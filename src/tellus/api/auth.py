"""How API callers prove who they are: the browser's session, or a personal token."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security.session import SessionAuth
from ninja.throttling import BaseThrottle

from tellus.people.models import Person
from tellus.people.queries import person_for_token


class BearerToken(HttpBearer):
    """``Authorization: Bearer TOKEN``, a token from the account page or `tellus token create`."""

    openapi_description = "A personal API token, created in the account page or the console."

    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        return person_for_token(token.strip())


class Session(SessionAuth):
    """The browser's login session (unsafe methods also need the CSRF token)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


class SettingsRateThrottle(BaseThrottle):
    """A fixed-window counter in the cache (Redis when configured), rate read from settings.

    Our own small class because ninja's throttles keep per-request state on a
    shared instance (unsafe under a threaded server) and fix their rate at start.
    """

    def __init__(self, setting: str, *, authenticated: bool) -> None:
        self.setting = setting
        self.authenticated = authenticated

    def _ident(self, request: HttpRequest) -> str | None:
        auth = getattr(request, "auth", None)
        if self.authenticated:
            pk = getattr(auth, "pk", None)
            return f"member:{pk}" if pk else None
        if auth is not None:
            return None
        return f"address:{self.get_ident(request)}"

    def allow_request(self, request: HttpRequest) -> bool:
        ident = self._ident(request)
        if ident is None:
            return True
        count, seconds = parse_rate(settings.TELLUS_RATE_LIMITS[self.setting])
        window = int(time.time() // seconds)
        key = f"tellus:api-throttle:{ident}:{seconds}:{window}"
        return _count_call(key, seconds + 1) <= count


def _count_call(key: str, ttl: int) -> int:
    """Add one to a counter that expires: one pipelined round trip on Redis."""
    if isinstance(cache, RedisCache) or isinstance(getattr(cache, "_wrapped", None), RedisCache):
        client = cache._cache.get_client(key, write=True)  # type: ignore[attr-defined]
        pipe = client.pipeline()
        full_key = cache.make_and_validate_key(key)
        pipe.incr(full_key)
        pipe.expire(full_key, ttl, nx=True)
        return int(pipe.execute()[0])
    cache.add(key, 0, ttl)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this is the window's first call
        cache.set(key, 1, ttl)
        return 1


def parse_rate(rate: str) -> tuple[int, int]:
    """'200/m' -> (200, 60); units s, m, h, d."""
    count, _, unit = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit.strip()[:1].lower()]
    return int(count), seconds


def api_throttles() -> list[BaseThrottle]:
    return [
        SettingsRateThrottle("api_member", authenticated=True),
        SettingsRateThrottle("api_anonymous", authenticated=False),
    ]


member_auth: list[APIKeyCookie | HttpBearer] = [BearerToken(), Session()]
