"""What the home page shows of visitors' content: only what ``public_items`` lets through.

Featured: the most viewed public items among those published in the last
``FEATURED_DAYS`` days (at least one view), so that the front door shows what
visitors are looking at now, not the all-time favourites, and needs nothing
added to the data model. Recent: the newest public items not already featured.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tellus.content.models import ContentItem
from tellus.content.queries import public_items

FEATURED_DAYS = 90
FEATURED_COUNT = 4
RECENT_COUNT = 8


def home_featured() -> list[ContentItem]:
    """The most viewed items of the last 90 days, newest first among equals (one query)."""
    since = timezone.now() - dt.timedelta(days=FEATURED_DAYS)
    return list(
        public_items()
        .filter(published_at__gte=since, view_count__gt=0)
        .order_by("-view_count", "-published_at", "-pk")[:FEATURED_COUNT]
    )


def home_recent(*, besides: list[ContentItem]) -> list[ContentItem]:
    """The newest public items, leaving out those already shown as featured (one query)."""
    shown = [item.pk for item in besides]
    return list(
        public_items().exclude(pk__in=shown).order_by("-published_at", "-pk")[:RECENT_COUNT]
    )
