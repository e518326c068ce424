"""Rate limits on writes: per member and per address, from TELLUS_RATE_LIMITS.

django-ratelimit does the counting (in Redis when REDIS_URL is set); this module
only names our two standard limits so that every write view applies both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit import UNSAFE
from django_ratelimit.decorators import ratelimit

F = TypeVar("F", bound=Callable[..., Any])


def _member_rate(group: str, request: HttpRequest) -> str | None:
    if request.user.is_authenticated:
        return settings.TELLUS_RATE_LIMITS["write_member"]
    return None


def _member_key(group: str, request: HttpRequest) -> str:
    return str(request.user.pk) if request.user.is_authenticated else ""


def limit_writes(view: F) -> F:
    """Apply the per-member and per-address write limits to a view's unsafe methods."""
    by_address = ratelimit(
        key="ip",
        rate=lambda g, r: settings.TELLUS_RATE_LIMITS["write_address"],
        method=UNSAFE,
        block=True,
        group="writes-address",
    )
    by_member = ratelimit(
        key=_member_key, rate=_member_rate, method=UNSAFE, block=True, group="writes-member"
    )
    return by_address(by_member(view))
