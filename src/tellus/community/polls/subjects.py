"""Polls as a publishing subject: shareable with tracked links, reportable, never queued.

Staff write polls, so a poll is created published and waits for no
moderator; registering the kind gives it share links (``/s/<code>`` leads to
the poll's page) and lets a moderator hide a poll that was reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from tellus.community.polls.models import Poll
from tellus.publishing.queries import with_contributor_history
from tellus.publishing.subjects import SubjectKind, register


def load(ids: Iterable[int]) -> dict[int, Poll]:
    rows = Poll.objects.filter(pk__in=list(ids)).select_related("created_by", "initiative")
    return {poll.pk: poll for poll in with_contributor_history(rows, POLL)}


def detail_context(poll: Poll) -> dict[str, Any]:
    return {"public_url": reverse("polls:poll", args=[poll.pk])}


POLL = SubjectKind(
    model=Poll,
    slug="poll",
    preview_template="polls/staff/_moderation_preview.html",
    public_url=lambda pk: reverse("polls:poll", args=[pk]),
    load=load,
    detail_context=detail_context,
    event_prefix="poll",
    contributor_field="created_by",
)


def register_polls() -> None:
    register(POLL)
