from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from tellus.community.polls.models import Option, Poll

DEFAULT_OPTIONS = ("Sea caves by kayak", "A food market", "Stargazing nights")


def make_poll(
    *,
    question: str = "What should the island offer next summer?",
    options: Sequence[str] = DEFAULT_OPTIONS,
    closes_in: dt.timedelta = dt.timedelta(days=7),
    opened_ago: dt.timedelta = dt.timedelta(days=1),
    **fields: Any,
) -> Poll:
    """A published poll, open for a week unless told otherwise, with its options."""
    now = timezone.now()
    fields.setdefault("state", Poll.State.PUBLISHED)
    poll = Poll.objects.create(
        question=question,
        opens_at=now - opened_ago,
        closes_at=now + closes_in,
        **fields,
    )
    Option.objects.bulk_create(
        Option(poll=poll, text=text, position=n) for n, text in enumerate(options)
    )
    return poll


def closed_poll(**fields: Any) -> Poll:
    return make_poll(closes_in=dt.timedelta(hours=-1), opened_ago=dt.timedelta(days=30), **fields)


def option_ids(poll: Poll) -> list[int]:
    return list(poll.options.order_by("position").values_list("pk", flat=True))
