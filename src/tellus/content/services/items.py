"""Contributors' writes: sharing, editing, the uses they allow, deleting.

Each action changes state and records its engagement event in one transaction;
background work is enqueued on commit. Text comes in already validated by the
forms and API schemas (lengths, characters); rules about state live here.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any, BinaryIO, cast

from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tellus.content.media import MediaRejected, check_header
from tellus.content.models import (
    ContentItem,
    Place,
    Tag,
)
from tellus.content.publicity import bump_public_version, public_position
from tellus.content.rejections import rejection_message
from tellus.content.services.errors import ContentError
from tellus.content.stories import render_story
from tellus.engagement import kinds
from tellus.engagement.models import Initiative, JourneyStage
from tellus.engagement.services import record_event
from tellus.people.models import ConsentPurpose, Person
from tellus.people.queries import has_consent
from tellus.people.services import consent_grant, consent_withdraw

ITEM_PURPOSES = (
    ConsentPurpose.WEBSITE,
    ConsentPurpose.SOCIAL,
    ConsentPurpose.PRINT,
    ConsentPurpose.EXACT_LOCATION,
)


@dataclass(frozen=True)
class ItemDetails:
    """What a contributor says about an item (already length- and character-checked)."""

    title: str
    caption: str = ""
    tags: tuple[str, ...] = ()
    language: str = ""
    taken_on: Any = None
    latitude: float | None = None
    longitude: float | None = None
    place: Place | None = None
    initiative: Initiative | None = None


def _set_tags(item: ContentItem, names: Iterable[str]) -> None:
    tags = []
    for name in list(dict.fromkeys(n.strip() for n in names if n.strip()))[:20]:
        slug = slugify(name, allow_unicode=True)[:60]
        if slug:
            tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name[:50]})
            tags.append(tag)
    item.tags.set(tags)


def _apply_details(item: ContentItem, details: ItemDetails) -> None:
    item.title = details.title
    item.caption = details.caption
    item.language = details.language
    item.taken_on = details.taken_on
    item.initiative = details.initiative
    item.place = details.place
    if details.latitude is not None and details.longitude is not None:
        item.latitude, item.longitude, item.location_source = (
            details.latitude,
            details.longitude,
            "map",
        )
    elif details.place is not None:
        item.latitude, item.longitude, item.location_source = (
            details.place.latitude,
            details.place.longitude,
            "place",
        )


def content_refresh_public_position(item: ContentItem) -> None:
    """Recompute what position the public may see, from the exact-location consent."""
    exact = has_consent(item.contributor, ConsentPurpose.EXACT_LOCATION, item)
    if item.location_source == "place":
        exact = True  # a named place is public knowledge, not the contributor's position
    item.public_latitude, item.public_longitude = public_position(
        item.latitude, item.longitude, exact_allowed=exact
    )


def content_set_consents(
    *, item: ContentItem, purposes: Iterable[str], source: str = "form"
) -> ContentItem:
    """Make the item's allowed uses exactly ``purposes``; withdrawals leave public view at once."""
    wanted = {p for p in purposes if p in ITEM_PURPOSES}
    with transaction.atomic():
        for purpose in ITEM_PURPOSES:
            if purpose in wanted:
                consent_grant(person=item.contributor, purpose=purpose, subject=item, source=source)
            else:
                consent_withdraw(person=item.contributor, purpose=purpose, subject=item)
        content_refresh_public_position(item)
        item.save(update_fields=["public_latitude", "public_longitude", "updated_at"])
        transaction.on_commit(bump_public_version)
    return item


def _record_submission(item: ContentItem, details: ItemDetails, consents: Iterable[str]) -> None:
    """What every submission records, in the caller's transaction: tags, consents, the event."""
    _set_tags(item, details.tags)
    content_set_consents(item=item, purposes=consents)
    record_event(
        kind=kinds.CONTENT_SUBMITTED,
        member=item.contributor,
        subject=item,
        initiative=details.initiative,
        channel="web",
        journey_stage=JourneyStage.ADVOCACY,
        idempotency_key=f"content:{item.pk}:submitted",
    )


def content_submit_media(
    *,
    contributor: Person,
    upload: IO[bytes],
    filename: str,
    size: int,
    details: ItemDetails,
    consents: Iterable[str],
    max_bytes: int,
) -> ContentItem:
    """Accept a photo or video for processing: checked by its bytes, stored privately, queued.

    Refuses at once, storing nothing, what can be refused without decoding:
    empty, too big, a type we do not accept, a header over the limits
    (pixels x frames, a side, a video's frame or length) or unreadable, the
    same file this contributor already sent. What only decoding finds fails
    later, in the job, with the reason on the item.
    """
    if size <= 0:
        raise ContentError(rejection_message("empty"), code="empty", field="file")
    if size > max_bytes:
        raise ContentError(
            rejection_message("too_big", {"size": size, "limit": max_bytes}),
            code="too_big",
            field="file",
        )
    from tellus.content.services.processing import media_limits

    upload.seek(0)
    try:
        found = check_header(cast(BinaryIO, upload), size=size, limits=media_limits())
    except MediaRejected as exc:
        raise ContentError(
            rejection_message(exc.code, exc.params), code=exc.code, field="file"
        ) from exc
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    sha256 = digest.hexdigest()
    # A file that failed in processing may be sent again (its original is gone).
    earlier = (
        ContentItem.objects.filter(contributor=contributor, original_sha256=sha256)
        .exclude(state=ContentItem.State.FAILED)
        .first()
    )
    if earlier is not None:
        raise ContentError(
            _("You have already shared this file: “%(title)s”.") % {"title": earlier.title},
            code="duplicate",
            field="file",
        )
    kind = ContentItem.Kind.VIDEO if found.kind.value == "video" else ContentItem.Kind.PHOTO
    with transaction.atomic():
        item = ContentItem(
            contributor=contributor,
            kind=kind,
            state=ContentItem.State.PROCESSING,
            original_sha256=sha256,
            content_type=found.format.content_type,
        )
        _apply_details(item, details)
        item.save()
        item.original.save(
            f"{item.pk}-{secrets.token_hex(8)}.{found.format.value}", File(upload), save=True
        )
        _record_submission(item, details, consents)
        from tellus.content.tasks import process_content_item

        item_id = item.pk
        transaction.on_commit(lambda: process_content_item.delay(item_id))
    return item


def content_submit_text(
    *, contributor: Person, kind: str, body: str, details: ItemDetails, consents: Iterable[str]
) -> ContentItem:
    """Accept a story (Markdown, rendered to safe HTML) or a poem (plain text, lines kept)."""
    if kind not in {ContentItem.Kind.STORY, ContentItem.Kind.POEM}:
        raise ContentError(_("Only stories and poems are written as text."), field="kind")
    if not body.strip():
        raise ContentError(_("Write something first."), code="empty", field="body")
    with transaction.atomic():
        item = ContentItem(
            contributor=contributor, kind=kind, state=ContentItem.State.PENDING, body=body
        )
        _apply_details(item, details)
        if kind == ContentItem.Kind.STORY:
            item.body_html = render_story(body, contributor_id=contributor.pk)
        item.save()
        _record_submission(item, details, consents)
    return item


def content_update(
    *, item: ContentItem, details: ItemDetails, body: str | None = None
) -> ContentItem:
    """The contributor edits an item; a changed published item goes back to moderation."""
    if item.state in {ContentItem.State.REJECTED, ContentItem.State.FAILED}:
        raise ContentError(_("This item can no longer be edited."), code="locked")
    with transaction.atomic():
        _apply_details(item, details)
        if body is not None and item.kind in {ContentItem.Kind.STORY, ContentItem.Kind.POEM}:
            if not body.strip():
                raise ContentError(_("Write something first."), code="empty", field="body")
            item.body = body
            if item.kind == ContentItem.Kind.STORY:
                item.body_html = render_story(body, contributor_id=item.contributor_id)
        if item.state in {ContentItem.State.PUBLISHED, ContentItem.State.NEEDS_EDIT}:
            item.state = ContentItem.State.PENDING
        content_refresh_public_position(item)
        item.save()
        _set_tags(item, details.tags)
        transaction.on_commit(bump_public_version)
    return item


def content_edit(
    *,
    item: ContentItem,
    details: ItemDetails,
    consents: Iterable[str],
    body: str | None = None,
) -> ContentItem:
    """The contributor's edit form: what they say and the uses they allow, saved together.

    One transaction: a refused edit (an empty story) changes no consent, and
    a failing consent change leaves the text as it was.
    """
    with transaction.atomic():
        content_update(item=item, details=details, body=body)
        content_set_consents(item=item, purposes=consents)
    return item


def content_delete(*, item: ContentItem) -> None:
    with transaction.atomic():
        files = [item.original] if item.original else []
        # Only the files made for this item (under its own folder): a rendition
        # another item points to stays.
        names = [r["name"] for r in item.renditions if r["name"].startswith(f"content/{item.pk}/")]
        item.delete()

        def remove_files() -> None:
            from django.core.files.storage import default_storage

            for file in files:
                file.storage.delete(file.name)
            for name in names:
                default_storage.delete(name)
            bump_public_version()

        transaction.on_commit(remove_files)


def content_count_view(*, item_id: int) -> None:
    ContentItem.objects.filter(pk=item_id).update(view_count=F("view_count") + 1)
