"""What the content hub contributes to a member's archive, and how erasure treats it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from tellus.content.models import ContentItem, Report, Share
from tellus.content.publicity import bump_public_version
from tellus.content.queries import SUBJECT_TYPE
from tellus.content.services import content_delete, content_refresh_public_position
from tellus.people.models import Consent, ConsentPurpose, Person
from tellus.people.privacy import register_personal_data


def _export(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "id": item.pk,
            "kind": item.kind,
            "state": item.state,
            "title": item.title,
            "caption": item.caption,
            "body": item.body,
            "tags": [t.name for t in item.tags.all()],
            "latitude": item.latitude,
            "longitude": item.longitude,
            "taken_on": item.taken_on.isoformat() if item.taken_on else None,
            "created_at": item.created_at.isoformat(),
            "published_at": item.published_at.isoformat() if item.published_at else None,
            "views": item.view_count,
        }
        for item in ContentItem.objects.filter(contributor=person)
        .prefetch_related("tags")
        .order_by("pk")
    ]


def _export_shares(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "item": s.item_id,
            "channel": s.channel,
            "created_at": s.created_at.isoformat(),
            "clicks": s.click_count,
        }
        for s in Share.objects.filter(sharer=person).order_by("pk")
    ]


def _erase(person: Person, keep_contributions: bool) -> None:
    """Keep, as anonymous, only published items the person allowed on the website."""
    items = ContentItem.objects.filter(contributor=person)
    kept_ids: set[int] = set()
    if keep_contributions:
        allowed = Consent.objects.filter(
            person=person,
            subject_type=SUBJECT_TYPE,
            purpose=ConsentPurpose.WEBSITE,
            withdrawn_at__isnull=True,
        ).values_list("subject_id", flat=True)
        kept_ids = set(
            items.filter(state=ContentItem.State.PUBLISHED, pk__in=allowed).values_list(
                "pk", flat=True
            )
        )
    for item in items.exclude(pk__in=kept_ids):
        content_delete(item=item)
    # What stays keeps no exact position and no file as uploaded (with its metadata).
    Consent.objects.filter(
        person=person,
        subject_type=SUBJECT_TYPE,
        purpose=ConsentPurpose.EXACT_LOCATION,
        withdrawn_at__isnull=True,
    ).update(withdrawn_at=timezone.now())
    originals = []
    for item in ContentItem.objects.filter(pk__in=kept_ids).select_related("contributor"):
        if item.original:
            originals.append((item.original.storage, item.original.name))
        item.original = ""
        content_refresh_public_position(item)
        item.latitude, item.longitude = item.public_latitude, item.public_longitude
        item.save()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in originals])
    Report.objects.filter(reporter=person).update(reporter=None)
    Share.objects.filter(sharer=person).update(sharer=None)
    transaction.on_commit(bump_public_version)


register_personal_data("content", export=_export, erase=_erase)
register_personal_data("shares", export=_export_shares)
