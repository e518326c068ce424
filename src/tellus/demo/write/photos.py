"""The demo's photos through the real media pipeline, as visitors' uploads would go.

Each planned photo is painted (:mod:`tellus.demo.landscapes`), stored as an
original in the private storage and run through
:func:`tellus.content.tasks.process_content_item`, which makes the public
WebP renditions, reads GPS and date from EXIF and computes the public
position from the item's consents (so those are written first). Painting
takes about half the time: with many photos, other processes paint the next
ones while this one runs the pipeline.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from django.core.files.base import ContentFile
from tqdm import tqdm

from tellus.content.models import ContentItem
from tellus.content.tasks import process_content_item
from tellus.demo import landscapes
from tellus.demo.plan.content import PlannedItem
from tellus.demo.write.bulk import after

PARALLEL_FROM = 50  # photos: below it, starting painter processes costs more than it saves


def _paint(job: tuple[str, int, dt.datetime, tuple[float, float] | None, bool, bool]) -> bytes:
    scene, photo_seed, taken_at, gps, portrait, truncate = job
    data = landscapes.photo_jpeg(scene, photo_seed, taken_at=taken_at, gps=gps, portrait=portrait)
    return data[: len(data) // 2] if truncate else data  # a file cut off in the upload


def _painted(jobs: list[Any]) -> Iterator[bytes]:
    """The photos' JPEGs in order; painted by other processes when there are many."""
    if len(jobs) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        yield from (_paint(job) for job in jobs)
        return
    # Painting takes about half the pipeline's time: one painter keeps up on two cores.
    with ProcessPoolExecutor(max_workers=min(3, (os.cpu_count() or 2) - 1)) as pool:
        yield from pool.map(_paint, jobs, chunksize=8)


def upload_and_process(
    photos: list[PlannedItem],
    start: dt.datetime,
    person: Callable[[int], int],
    places: list[int],
    initiatives: list[int],
    seed: int,
    bar: dict[str, Any],
) -> None:
    """Each photo as an upload leaves it (processing, the original stored privately), then
    through the media pipeline, while the next ones are painted."""
    jobs = []
    for item in photos:
        taken = after(start, item.created - int(3600 * (1 + item.photo_seed % 30)))
        gps = (item.latitude, item.longitude) if item.gps else None
        jobs.append(
            (item.scene, item.photo_seed, taken, gps, item.portrait, item.state == "failed")
        )
    painted = _painted(jobs)
    for item, data in tqdm(
        zip(photos, painted, strict=True), total=len(photos), desc="photos", unit=" photos", **bar
    ):
        row = ContentItem(
            pk=item.pk,
            contributor_id=person(item.contributor),
            kind=ContentItem.Kind.PHOTO,
            state=ContentItem.State.PROCESSING,
            title=item.title,
            caption=item.caption,
            language=item.language,
            place_id=places[item.place] if item.place >= 0 else None,
            initiative_id=initiatives[item.initiative] if item.initiative >= 0 else None,
            original_sha256=hashlib.sha256(data).hexdigest(),
            content_type="image/jpeg",
            created_at=after(start, item.created),
        )
        if not item.gps:  # no GPS in the file: the contributor named the place
            row.latitude, row.longitude = item.latitude, item.longitude
            row.location_source = "place"
        row.save(force_insert=True)
        token = hashlib.sha256(f"{seed}:{item.pk}".encode()).hexdigest()[:16]
        row.original.save(f"{item.pk}-{token}.jpeg", ContentFile(data), save=True)
        if item.state == "failed":  # cut off on purpose: no need to log its refusal
            with _quiet(logging.getLogger(process_content_item.__module__)):
                process_content_item(item.pk)
        else:
            process_content_item(item.pk)


@contextlib.contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def finish_photos(photos: list[PlannedItem], start: dt.datetime) -> None:
    """After the pipeline: the moderators' decisions and the log's views."""
    rows = {r.pk: r for r in ContentItem.objects.filter(pk__in=[i.pk for i in photos])}
    for item in photos:
        row = rows[item.pk]
        if row.state == ContentItem.State.FAILED:
            continue
        row.state = item.state
        row.moderation_note = item.note
        row.view_count = item.views
        row.published_at = after(start, item.published) if item.published >= 0 else None
    ContentItem.objects.bulk_update(
        list(rows.values()), ["state", "moderation_note", "view_count", "published_at"],
        batch_size=500,
    )  # fmt: skip
