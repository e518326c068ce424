"""How the API treats its callers: who they are (people.api_auth) and how often they may call.

The authentication classes live with the people app so that every app's router
can name them (apps may not import this layer); they are re-exported here.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from tellus.people.api_auth import BearerToken, Session, caller, member_auth, open_auth


class SettingsRateThrottle(BaseThrottle):
    """A fixed-window counter in the cache (Redis when configured), rate read from settings.

    Our own small class because ninja's throttles keep per-request state on a
    shared instance (unsafe under a threaded server) and fix their rate at start.
    """

    def __init__(self, setting: str, *, authenticated: bool) -> None:
        self.setting = setting
        self.authenticated = authenticated

    def _ident(self, request: HttpRequest) -> str | None:
        """Members (by token or session, on open reads too) by person; visitors by address."""
        person = caller(request)
        if self.authenticated:
            return f"member:{person.pk}" if person is not None else None
        if person is not None:
            return None
        return f"address:{self.get_ident(request)}"

    def _rate(self) -> tuple[int, int]:
        return parse_rate(settings.TELLUS_RATE_LIMITS[self.setting])

    def allow_request(self, request: HttpRequest) -> bool:
        ident = self._ident(request)
        if ident is None:
            return True
        count, seconds = self._rate()
        window = int(time.time() // seconds)
        key = f"tellus:api-throttle:{ident}:{seconds}:{window}"
        return _count_call(key, seconds + 1) <= count

    def wait(self) -> float:
        """Seconds until the current window ends (ninja sends it as Retry-After, rounded up)."""
        _, seconds = self._rate()
        return seconds - time.time() % seconds


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


__all__ = ["BearerToken", "Session", "api_throttles", "caller", "member_auth", "open_auth"]
