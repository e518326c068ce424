"""Telling people from robots, and recognising a visitor without storing their address."""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

_BOTS = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|whatsapp|telegram|"
    r"curl|wget|python-requests|httpx|go-http-client|headless|lighthouse|monitor",
    re.IGNORECASE,
)


def is_probably_bot(request: HttpRequest) -> bool:
    """Obvious robots (link previews, crawlers, scripts) are not counted as visitors."""
    agent = request.headers.get("User-Agent", "")
    return not agent or bool(_BOTS.search(agent)) or request.method == "HEAD"


def visitor_key(request: HttpRequest) -> str:
    """A daily, salted hash of address and browser: counts a visitor once, stores no address."""
    day = timezone.now().date().isoformat()
    raw = "|".join(
        [
            settings.SECRET_KEY,
            day,
            request.META.get("REMOTE_ADDR", ""),
            request.headers.get("User-Agent", "")[:300],
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:32]
