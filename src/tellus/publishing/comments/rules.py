"""The comment service's limits and trust rules, in one place (settings, from the environment)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def comments_per_minute() -> int:
    """Flood rule: how many comments a member may post in any 60 seconds."""
    return _setting("TELLUS_COMMENTS_PER_MINUTE", 5)


def edit_window() -> dt.timedelta:
    """How long after posting a comment its author may still edit it."""
    return dt.timedelta(minutes=_setting("TELLUS_COMMENT_EDIT_MINUTES", 15))


def trusted_after() -> int:
    """Published comments a member needs before theirs are shown at once (post-moderation)."""
    return _setting("TELLUS_COMMENTS_TRUSTED_AFTER", 1)


def links_trusted_after() -> int:
    """Published comments a member needs before a comment of theirs with a link is shown at once."""
    return _setting("TELLUS_COMMENT_LINKS_TRUSTED_AFTER", 3)
