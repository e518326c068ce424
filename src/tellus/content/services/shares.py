"""Tracked share links and their clicks."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from tellus.content.models import (
    ContentItem,
    Share,
)
from tellus.content.services.errors import ContentError
from tellus.engagement import kinds
from tellus.engagement.models import Event, JourneyStage
from tellus.engagement.services import record_event
from tellus.people.models import Person

# --- Shares ------------------------------------------------------------------


def share_create(*, item: ContentItem, sharer: Person | None, channel: str) -> Share:
    if channel not in Share.Channel.values:
        raise ContentError(_("Unknown channel."), field="channel")
    with transaction.atomic():
        share = Share.objects.create(
            item=item, sharer=sharer, channel=channel, code=secrets.token_urlsafe(9)
        )
        if sharer is not None:
            record_event(
                kind=kinds.SHARE_CREATED,
                member=sharer,
                subject=item,
                channel=channel,
                initiative=item.initiative,
                journey_stage=JourneyStage.ADVOCACY,
                idempotency_key=f"share:{share.pk}:created",
            )
    return share


def share_click(*, share: Share, visitor_key: str, day: str) -> bool:
    """Count a human click once per visitor and day; returns whether it was counted."""
    key = f"share:{share.pk}:click:{day}:{visitor_key[:32]}"
    with transaction.atomic():
        if Event.objects.filter(idempotency_key=key).exists():
            return False
        record_event(
            kind=kinds.SHARE_CLICKED,
            attributed_to=share.sharer,
            subject=share.item,
            channel=share.channel,
            journey_stage=JourneyStage.AWARENESS,
            idempotency_key=key,
        )
        Share.objects.filter(pk=share.pk).update(click_count=F("click_count") + 1)
    return True
