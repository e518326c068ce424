"""Reads of the content hub. ``public_items`` is the only path to public eyes."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from tellus.content.models import ContentItem, Report, RightsRequest, Tag
from tellus.people.models import Consent, ConsentPurpose, Person
from tellus.people.queries import consent_exists

SUBJECT_TYPE = "content.contentitem"


def public_items() -> QuerySet[ContentItem]:
    """Published items whose author allows them on the website: what visitors may see."""
    return (
        ContentItem.objects.filter(state=ContentItem.State.PUBLISHED)
        .filter(consent_exists(ConsentPurpose.WEBSITE, SUBJECT_TYPE))
        .select_related("author", "place", "initiative")
    )


def with_tags(items: QuerySet[ContentItem]) -> QuerySet[ContentItem]:
    return items.prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("slug")))


@dataclass(frozen=True)
class GalleryFilters:
    kind: str = ""
    tag: str = ""
    place: str = ""
    initiative: str = ""
    contributor: int | None = None
    order: str = "newest"  # newest | most_viewed


ORDERS = {
    "newest": ("-published_at", "-pk"),
    "most_viewed": ("-view_count", "-pk"),
}


def gallery(filters: GalleryFilters) -> QuerySet[ContentItem]:
    items = public_items()
    if filters.kind in ContentItem.Kind.values:
        items = items.filter(kind=filters.kind)
    if filters.tag:
        items = items.filter(tags__slug=filters.tag)
    if filters.place:
        items = items.filter(place__slug=filters.place)
    if filters.initiative:
        items = items.filter(initiative__slug=filters.initiative)
    if filters.contributor:
        items = items.filter(author_id=filters.contributor)
    return with_tags(items.order_by(*ORDERS.get(filters.order, ORDERS["newest"])))


def encode_cursor(item: ContentItem, order: str) -> str:
    key = item.view_count if order == "most_viewed" else item.published_at.isoformat()  # type: ignore[union-attr]
    raw = f"{key}|{item.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def after_cursor(items: QuerySet[ContentItem], cursor: str, order: str) -> QuerySet[ContentItem]:
    """Keyset pagination: the rows after the cursor, in the same order.

    A cursor that cannot be read raises ValueError.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        key, pk_text = raw.rsplit("|", 1)
        pk = int(pk_text)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError("invalid cursor") from exc
    if order == "most_viewed":
        views = int(key)
        return items.filter(Q(view_count__lt=views) | Q(view_count=views, pk__lt=pk))
    from django.utils.dateparse import parse_datetime

    when = parse_datetime(key)
    if when is None:
        raise ValueError("invalid cursor")
    return items.filter(Q(published_at__lt=when) | Q(published_at=when, pk__lt=pk))


def public_item(item_id: int) -> ContentItem | None:
    return with_tags(public_items()).filter(pk=item_id).first()


def items_of(author: Person) -> QuerySet[ContentItem]:
    """A contributor's own items in every state, with what they allowed for each."""
    active = Consent.objects.filter(
        person=author, subject_type=SUBJECT_TYPE, withdrawn_at__isnull=True
    )
    return (
        ContentItem.objects.filter(author=author)
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("slug")),
        )
        .annotate(
            **{
                f"allows_{p}": Exists(active.filter(subject_id=OuterRef("pk"), purpose=p))
                for p in ConsentPurpose.values
                if p != ConsentPurpose.MARKETING
            }
        )
        .order_by("-created_at", "-pk")
    )


def item_for_owner(author: Person, item_id: int) -> ContentItem | None:
    return items_of(author).filter(pk=item_id).first()


def allowed_purposes(item: ContentItem) -> set[str]:
    return set(
        Consent.objects.filter(
            person_id=item.author_id,
            subject_type=SUBJECT_TYPE,
            subject_id=item.pk,
            withdrawn_at__isnull=True,
        ).values_list("purpose", flat=True)
    )


def pending_rights_requests(author: Person) -> QuerySet[RightsRequest]:
    return (
        RightsRequest.objects.filter(item__author=author, state=RightsRequest.State.PENDING)
        .select_related("item")
        .order_by("created_at")
    )


def moderation_queue() -> QuerySet[ContentItem]:
    """Items waiting for a moderator, oldest first, with the contributor's history counted."""
    return (
        ContentItem.objects.filter(state__in=[ContentItem.State.PENDING, ContentItem.State.HIDDEN])
        .select_related("author", "initiative")
        .annotate(
            open_reports=Count(
                "reports", filter=Q(reports__resolved_at__isnull=True), distinct=True
            ),
            author_published=Count(
                "author__content_items",
                filter=Q(author__content_items__state=ContentItem.State.PUBLISHED),
                distinct=True,
            ),
            author_rejected=Count(
                "author__content_items",
                filter=Q(author__content_items__state=ContentItem.State.REJECTED),
                distinct=True,
            ),
        )
        .order_by("created_at", "pk")
    )


def open_reports_of(item: ContentItem) -> QuerySet[Report]:
    return item.reports.filter(resolved_at__isnull=True).order_by("created_at")


def rendition_url(name: str) -> str:
    return default_storage.url(name)


def renditions_for(item: ContentItem) -> list[dict[str, Any]]:
    return [
        {"width": r["width"], "height": r["height"], "url": rendition_url(r["name"])}
        for r in item.renditions
    ]


def own_photo_renditions(*, author_id: int, item_ids: set[int]) -> dict[int, dict[str, Any]]:
    """The author's own processed photos, to embed in their story (a 1280-pixel rendition)."""
    found: dict[int, dict[str, Any]] = {}
    rows = ContentItem.objects.filter(
        author_id=author_id, pk__in=item_ids, kind=ContentItem.Kind.PHOTO
    ).exclude(renditions=[])
    for item in rows:
        best = [r for r in item.renditions if r["width"] <= 1280] or item.renditions[:1]
        chosen = best[-1]
        found[item.pk] = {
            "url": rendition_url(chosen["name"]),
            "width": chosen["width"],
            "height": chosen["height"],
        }
    return found


def map_points() -> tuple[list[int], list[float], list[float]]:
    """The public position of every public, geotagged item (already coarsened where needed)."""
    rows = (
        public_items()
        .filter(public_latitude__isnull=False)
        .values_list("pk", "public_longitude", "public_latitude")
    )
    ids: list[int] = []
    lons: list[float] = []
    lats: list[float] = []
    for pk, lon, lat in rows.iterator(chunk_size=10_000):
        if lon is not None and lat is not None:
            ids.append(pk)
            lons.append(lon)
            lats.append(lat)
    return ids, lons, lats


def known_hashes(exclude_id: int) -> tuple[list[int], list[int | None]]:
    rows = (
        ContentItem.objects.filter(perceptual_hash__isnull=False)
        .exclude(pk=exclude_id)
        .exclude(state__in=[ContentItem.State.REJECTED, ContentItem.State.FAILED])
        .values_list("pk", "perceptual_hash")
    )
    ids, hashes = [], []
    for pk, value in rows.iterator(chunk_size=50_000):
        ids.append(pk)
        hashes.append(value)
    return ids, hashes
