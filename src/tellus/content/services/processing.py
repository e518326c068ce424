"""What becomes of an upload once the media pipeline has run on it.

The background job opens the original, runs the pipeline and stores the
renditions; the rules are here. A processed item waits for moderation, with
what the file says about itself filling only what the contributor left
empty: a point they picked or a place they named beats the photo's GPS, and
the date they gave beats the photo's. A refused item is marked failed with
the reason, and its original is deleted once that is committed: Tellus keeps
no file it cannot use.

Both actions move an item out of "processing" under a row lock, so that a
retried or duplicated job finds nothing left to do and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TypedDict

import numpy as np
from django.conf import settings
from django.core.files.storage import Storage
from django.db import transaction

from tellus.content.media import (
    NEAR_DUPLICATE_DISTANCE,
    REJECTION_CODES,
    MediaLimits,
    PhotoMetadata,
    ProcessedMedia,
    to_signed64,
)
from tellus.content.models import ContentItem
from tellus.content.queries import known_hashes
from tellus.content.services.items import content_refresh_public_position

log = logging.getLogger(__name__)

#: How many earlier items a near-duplicate flag names.
_MAX_DUPLICATES = 10


class StoredRendition(TypedDict):
    """A rendition as the job stored it (public storage name) and the item records it."""

    width: int
    height: int
    name: str


def media_limits() -> MediaLimits:
    """The pipeline's limits from the settings (checked at upload and in the job alike)."""
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
    return [ids[i] for i in close[:_MAX_DUPLICATES]]


def apply_file_metadata(item: ContentItem, metadata: PhotoMetadata) -> None:
    """Fill the location and date from the file only where the contributor gave none.

    The contributor's own point ("map") or named place ("place") always wins
    over the file's GPS; the file's date fills ``taken_on`` only when empty.
    """
    location = metadata.location
    contributor_located = item.latitude is not None or item.location_source in {"map", "place"}
    if location is not None and not contributor_located:
        item.latitude, item.longitude = location.latitude, location.longitude
        item.location_source = "exif"
    if item.taken_on is None and metadata.taken_at is not None:
        item.taken_on = metadata.taken_at.date()


def content_processed(
    *, item_id: int, result: ProcessedMedia, renditions: Sequence[StoredRendition]
) -> bool:
    """Record what the pipeline made of an item and send it to moderation.

    Returns False, changing nothing, when the item is gone or no longer
    processing (a retried job, or the contributor deleted it meanwhile): the
    caller then removes the renditions it stored.
    """
    signed = to_signed64(result.perceptual_hash) if result.perceptual_hash is not None else None
    # Read before the row lock: it scans every hash.
    duplicates = near_duplicates(item_id, signed) if signed is not None else []
    flags = sorted(result.flags)
    if duplicates:
        flags.append("near_duplicate")
    with transaction.atomic():
        item = (
            ContentItem.objects.select_for_update()
            .filter(pk=item_id, state=ContentItem.State.PROCESSING)
            .first()
        )
        if item is None:
            return False
        item.width, item.height = result.width, result.height
        item.duration = result.duration
        item.renditions = [dict(r) for r in renditions]
        item.placeholder = result.placeholder
        item.perceptual_hash = signed
        item.flags = flags + [f"duplicate_of:{pk}" for pk in duplicates]
        item.notices = [{"code": n.code} for n in result.notices]
        apply_file_metadata(item, result.metadata)
        content_refresh_public_position(item)
        item.state = ContentItem.State.PENDING
        item.save()
    return True


def content_processing_failed(*, item_id: int, code: str) -> bool:
    """Mark an item failed with the pipeline's reason, and delete its original after commit.

    The contributor reads the reason on their page and through the API.
    Returns False, deleting nothing, when the item is not processing (already
    failed, processed or deleted).
    """
    if code not in REJECTION_CODES:
        raise ValueError(f"unknown rejection code {code!r}")
    with transaction.atomic():
        item = (
            ContentItem.objects.select_for_update()
            .filter(pk=item_id, state=ContentItem.State.PROCESSING)
            .first()
        )
        if item is None:
            return False
        original = (item.original.storage, item.original.name) if item.original else None
        item.state = ContentItem.State.FAILED
        item.failure = code
        item.original = ""
        item.save(update_fields=["state", "failure", "original", "updated_at"])
        if original is not None:
            storage, name = original
            transaction.on_commit(lambda: _delete_original(storage, name))
    return True


def _delete_original(storage: Storage, name: str) -> None:
    """Delete a stored original; a file already gone is fine (deleting twice is harmless)."""
    try:
        storage.delete(name)
    except FileNotFoundError:
        pass
    except OSError:
        # The item no longer names it: an orphan file, never served, for the operator's log.
        log.warning("could not delete the original %s of a failed item", name, exc_info=True)
