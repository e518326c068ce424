from __future__ import annotations

import logging
import secrets

import numpy as np
from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from tellus.content.media import (
    NEAR_DUPLICATE_DISTANCE,
    MediaLimits,
    MediaRejected,
    process_media,
    to_signed64,
)
from tellus.content.models import ContentItem
from tellus.content.queries import known_hashes
from tellus.content.rejections import rejection_message
from tellus.content.services import content_refresh_public_position

log = logging.getLogger(__name__)


def media_limits() -> MediaLimits:
    return MediaLimits(
        max_image_bytes=settings.TELLUS_MEDIA_MAX_IMAGE_BYTES,
        max_video_bytes=settings.TELLUS_MEDIA_MAX_VIDEO_BYTES,
        max_image_pixels=settings.TELLUS_MEDIA_MAX_PIXELS,
        max_video_seconds=float(settings.TELLUS_MEDIA_MAX_VIDEO_SECONDS),
    )


def near_duplicates(item_id: int, signed_hash: int) -> list[int]:
    """Items whose perceptual hash is within the near-duplicate distance (vectorised)."""
    ids, hashes = known_hashes(exclude_id=item_id)
    if not ids:
        return []
    values = np.asarray(hashes, dtype=np.int64).view(np.uint64)
    target = np.asarray([signed_hash], dtype=np.int64).view(np.uint64)[0]
    distances = np.bitwise_count(values ^ target)
    close = np.flatnonzero(distances <= NEAR_DUPLICATE_DISTANCE)
    return [ids[i] for i in close[:10]]


@shared_task(acks_late=True, ignore_result=True)
def process_content_item(item_id: int) -> None:
    """Run the media pipeline on an uploaded original; idempotent (only items still processing)."""
    item = ContentItem.objects.filter(pk=item_id, state=ContentItem.State.PROCESSING).first()
    if item is None or not item.original:
        return
    try:
        with item.original.open("rb") as fp:
            result = process_media(fp, size=item.original.size, limits=media_limits())
    except MediaRejected as exc:
        ContentItem.objects.filter(pk=item_id, state=ContentItem.State.PROCESSING).update(
            state=ContentItem.State.FAILED, failure=exc.code, updated_at=timezone.now()
        )
        log.info("content %s refused: %s", item_id, exc.code)
        return

    stem = f"content/{item_id}/{secrets.token_hex(6)}"
    stored = []
    for rendition in result.renditions:
        name = default_storage.save(
            f"{stem}-{rendition.width}.{rendition.extension}", ContentFile(rendition.data)
        )
        stored.append({"width": rendition.width, "height": rendition.height, "name": name})
    flags = sorted(result.flags)
    signed = to_signed64(result.perceptual_hash) if result.perceptual_hash is not None else None
    duplicates = near_duplicates(item_id, signed) if signed is not None else []
    if duplicates:
        flags.append("near_duplicate")

    with transaction.atomic():
        item = ContentItem.objects.select_for_update().get(pk=item_id)
        if item.state != ContentItem.State.PROCESSING:
            for entry in stored:
                default_storage.delete(str(entry["name"]))
            return
        item.width, item.height = result.width, result.height
        item.duration = result.duration
        item.renditions = stored
        item.placeholder = result.placeholder
        item.perceptual_hash = signed
        item.flags = flags + [f"duplicate_of:{pk}" for pk in duplicates]
        item.notices = [{"code": n.code} for n in result.notices]
        location = result.metadata.location
        if item.latitude is None and location is not None:
            item.latitude, item.longitude = location.latitude, location.longitude
            item.location_source = "exif"
        if item.taken_on is None and result.metadata.taken_at is not None:
            item.taken_on = result.metadata.taken_at.date()
        content_refresh_public_position(item)
        item.state = ContentItem.State.PENDING
        item.save()


def failure_message(item: ContentItem) -> str:
    return rejection_message(item.failure) if item.failure else ""
