"""The media job: open an uploaded original, run the pipeline, store the renditions.

What the result means for the item (its state, its location and date) is
decided by :mod:`tellus.content.services.processing`.
"""

from __future__ import annotations

import logging
import secrets

from celery import shared_task
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tellus.content.media import MediaRejected, ProcessedMedia, process_media
from tellus.content.models import ContentItem
from tellus.content.rejections import rejection_message
from tellus.content.services import content_processed, content_processing_failed
from tellus.content.services.processing import StoredRendition, media_limits

log = logging.getLogger(__name__)

__all__ = ["failure_message", "media_limits", "process_content_item"]


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
        if content_processing_failed(item_id=item_id, code=exc.code):
            log.info("content %s refused: %s", item_id, exc.code)
        return
    stored = _store_renditions(item_id, result)
    if not content_processed(item_id=item_id, result=result, renditions=stored):
        for entry in stored:  # the item was deleted or finished meanwhile
            default_storage.delete(entry["name"])


def _store_renditions(item_id: int, result: ProcessedMedia) -> list[StoredRendition]:
    """Save the public renditions under a fresh name in the item's own folder."""
    stem = f"content/{item_id}/{secrets.token_hex(6)}"
    stored: list[StoredRendition] = []
    for rendition in result.renditions:
        name = default_storage.save(
            f"{stem}-{rendition.width}.{rendition.extension}", ContentFile(rendition.data)
        )
        stored.append({"width": rendition.width, "height": rendition.height, "name": name})
    return stored


def failure_message(item: ContentItem) -> str:
    return rejection_message(item.failure) if item.failure else ""
