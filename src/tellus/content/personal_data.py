"""What the content hub contributes to a member's archive, and how erasure treats it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tellus.content.models import ContentItem
from tellus.content.publicity import bump_public_version
from tellus.content.queries import SUBJECT_TYPE
from tellus.content.services import content_delete, content_refresh_public_position
from tellus.people.models import Consent, ConsentPurpose, Person
from tellus.people.privacy import register_personal_data
from tellus.people.services import consent_withdraw


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


def _erase(person: Person, keep_contributions: bool) -> None:
    """Keep, as anonymous, only published items the person allowed on the website."""
    items = ContentItem.objects.filter(contributor=person)
    kept_ids: set[int] = set()
    if keep_contributions:
        allowed = (
            Consent.objects.active()
            .about(SUBJECT_TYPE)
            .filter(person=person, purpose=ConsentPurpose.WEBSITE)
            .values_list("subject_id", flat=True)
        )
        kept_ids = set(
            items.filter(state=ContentItem.State.PUBLISHED, pk__in=allowed).values_list(
                "pk", flat=True
            )
        )
    for item in items.exclude(pk__in=kept_ids):
        content_delete(item=item)
    # What stays keeps no exact position and no file as uploaded (with its metadata).
    consent_withdraw(
        person=person,
        purpose=ConsentPurpose.EXACT_LOCATION,
        every_subject_of_type=SUBJECT_TYPE,
    )
    originals = []
    for item in ContentItem.objects.filter(pk__in=kept_ids).select_related("contributor"):
        if item.original:
            originals.append((item.original.storage, item.original.name))
        item.original = ""
        content_refresh_public_position(item)
        item.latitude, item.longitude = item.public_latitude, item.public_longitude
        item.save()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in originals])
    transaction.on_commit(bump_public_version)


register_personal_data("content", export=_export, erase=_erase)
