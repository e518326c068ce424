from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from django.db import transaction

from tellus.engagement.models import ScoringRun
from tellus.engagement.rollups import rollup_events
from tellus.engagement.services import record_event, score_members
from tellus.people.models import Person


@shared_task(acks_late=True, ignore_result=True)
def record_event_later(
    *,
    kind: str,
    member_id: int | None = None,
    attributed_to_id: int | None = None,
    occurred_at: str | None = None,
    channel: str = "",
    idempotency_key: str,
    **extra: Any,
) -> None:
    """Record an act off the request path (e.g. a click on a share link).

    The idempotency key is required: a job may run twice, the event is recorded once.
    """
    people = Person.objects.in_bulk([pk for pk in (member_id, attributed_to_id) if pk])
    with transaction.atomic():
        record_event(
            kind=kind,
            member=people.get(member_id) if member_id else None,
            attributed_to=people.get(attributed_to_id) if attributed_to_id else None,
            occurred_at=dt.datetime.fromisoformat(occurred_at) if occurred_at else None,
            channel=channel,
            idempotency_key=idempotency_key,
            **extra,
        )


@shared_task(acks_late=True, ignore_result=True)
def score_members_later(*, run_id: int) -> None:
    """Compute the engagement value of every member for a queued run.

    A finished run is left alone, so a job delivered twice computes once.
    """
    run = ScoringRun.objects.filter(pk=run_id).first()
    if run is None or run.status in (ScoringRun.Status.DONE, ScoringRun.Status.FAILED):
        return
    score_members(run=run)


@shared_task(acks_late=True, ignore_result=True)
def rollup_events_later() -> None:
    """Bring the daily event counts up to date (see ``rollups``).

    Safe to deliver twice or to run beside ``tellus rollup``: each day is
    recounted whole under the roll-up's lock, so a second run changes nothing.
    """
    rollup_events()
