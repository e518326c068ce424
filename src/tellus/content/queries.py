"""Reads of the content hub. ``public_items`` is the only path to public eyes.

It is the shared public filter (:func:`tellus.publishing.queries.public`)
applied to content; every public surface reads through it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import default_storage
from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils.translation import gettext as _

from tellus.content.models import CampaignPick, ContentItem, RightsRequest, Tag
from tellus.people.models import Consent, ConsentPurpose, Person
from tellus.people.queries import consent_exists, is_active_member
from tellus.publishing.queries import public, with_contributor_history
from tellus.publishing.subjects import SubjectKind, kind_for_label

SUBJECT_TYPE = "content.contentitem"


def _content_kind() -> SubjectKind:
    kind = kind_for_label(SUBJECT_TYPE)
    assert kind is not None, "tellus.content registers its subject kind in ready()"
    return kind


def public_items() -> QuerySet[ContentItem]:
    """Published items whose contributor allows them on the website: what visitors may see."""
    return public(ContentItem.objects.all()).select_related("contributor", "place", "initiative")


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
        items = items.filter(contributor_id=filters.contributor)
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


def items_of(contributor: Person) -> QuerySet[ContentItem]:
    """A contributor's own items in every state, with what they allowed for each."""
    active = Consent.objects.active().about(SUBJECT_TYPE).filter(person=contributor)
    return (
        ContentItem.objects.filter(contributor=contributor)
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


def item_for_owner(contributor: Person, item_id: int) -> ContentItem | None:
    return items_of(contributor).filter(pk=item_id).first()


def allowed_purposes(item: ContentItem) -> set[str]:
    grants = Consent.objects.active().about(SUBJECT_TYPE, item.pk)
    return set(grants.filter(person_id=item.contributor_id).values_list("purpose", flat=True))


def pending_rights_requests(contributor: Person) -> QuerySet[RightsRequest]:
    return (
        RightsRequest.objects.filter(
            item__contributor=contributor, state=RightsRequest.State.PENDING
        )
        .select_related("item")
        .order_by("created_at")
    )


def rendition_url(name: str) -> str:
    return default_storage.url(name)


def absolute_url(url: str) -> str:
    """Media URLs for other origins (API clients, widgets), even when MEDIA_URL is a path."""
    return url if "://" in url else f"{settings.SITE_URL}{url}"


def renditions_for(item: ContentItem) -> list[dict[str, Any]]:
    return [
        {"width": r["width"], "height": r["height"], "url": rendition_url(r["name"])}
        for r in item.renditions
    ]


def own_photo_renditions(*, contributor_id: int, item_ids: set[int]) -> dict[int, dict[str, Any]]:
    """The contributor's own processed photos, to embed in their story (a 1280-pixel rendition)."""
    found: dict[int, dict[str, Any]] = {}
    rows = ContentItem.objects.filter(
        contributor_id=contributor_id, pk__in=item_ids, kind=ContentItem.Kind.PHOTO
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


# --- Staff console: moderation, rights requests, campaigns -------------------

STAFF_PURPOSES = (ConsentPurpose.WEBSITE, ConsentPurpose.SOCIAL, ConsentPurpose.PRINT)


def items_for_moderation(ids: Iterable[int]) -> QuerySet[ContentItem]:
    """Items in any state, with what a moderator needs beside them (not their audit log)."""
    items = ContentItem.objects.filter(pk__in=list(ids)).select_related(
        "contributor", "initiative", "place"
    )
    return with_contributor_history(items, _content_kind())


def items_by_id(ids: Iterable[int]) -> dict[int, ContentItem]:
    """Small summaries of items (e.g. an item's near-duplicates), in one query."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = (
        ContentItem.objects.filter(pk__in=wanted)
        .order_by()
        .only("pk", "title", "kind", "state", "renditions", "contributor_id")
    )
    return {item.pk: item for item in rows}


def _allows(purpose: str) -> Exists:
    return consent_exists(purpose, SUBJECT_TYPE)


@dataclass(frozen=True)
class LibraryFilters:
    """How staff narrow the published content they may ask about or pick."""

    search: str = ""
    kind: str = ""
    place: str = ""
    tag: str = ""
    allows: str = ""  # website | social | print


def published_for_staff(filters: LibraryFilters) -> QuerySet[ContentItem]:
    """Published items, newest first, each marked with the uses its contributor allows."""
    items = (
        ContentItem.objects.filter(state=ContentItem.State.PUBLISHED)
        .select_related("contributor", "place")
        .annotate(**{f"allows_{p}": _allows(p) for p in STAFF_PURPOSES})
    )
    search = filters.search.strip()
    if search:
        items = items.filter(
            Q(title__icontains=search)
            | Q(caption__icontains=search)
            | Q(contributor__display_name__icontains=search)
        )
    if filters.kind in ContentItem.Kind.values:
        items = items.filter(kind=filters.kind)
    if filters.place:
        items = items.filter(place__slug=filters.place)
    if filters.tag:
        items = items.filter(tags__slug=filters.tag)
    if filters.allows in STAFF_PURPOSES:
        items = items.filter(**{f"allows_{filters.allows}": True})
    return items.order_by("-published_at", "-pk")


def published_item_for_staff(item_id: int) -> ContentItem | None:
    return published_for_staff(LibraryFilters()).filter(pk=item_id).first()


def rights_requests_for_console(state: str = "") -> QuerySet[RightsRequest]:
    requests = RightsRequest.objects.select_related("item", "item__contributor", "requested_by")
    if state in RightsRequest.State.values:
        requests = requests.filter(state=state)
    return requests.order_by("-created_at", "-pk")


def campaign_picks(campaign: str = "") -> QuerySet[CampaignPick]:
    """Picks, by campaign then newest, each marked with whether its use is still allowed."""
    still_allowed = Exists(
        Consent.objects.active()
        .about(SUBJECT_TYPE)
        .filter(
            person_id=OuterRef("item__contributor_id"),
            subject_id=OuterRef("item_id"),
            purpose=OuterRef("purpose"),
        )
    )
    picks = CampaignPick.objects.select_related("item", "item__contributor", "picked_by").annotate(
        consent_active=still_allowed
    )
    if campaign:
        picks = picks.filter(campaign=campaign)
    return picks.order_by("campaign", "-created_at", "-pk")


def campaign_names(limit: int = 500) -> list[str]:
    names = CampaignPick.objects.order_by("campaign").values_list("campaign", flat=True)
    return list(names.distinct()[:limit])


def consent_record(item: ContentItem) -> list[dict[str, Any]]:
    """Every consent row of the item, oldest first: what was allowed when, and how."""
    rows = (
        Consent.objects.about(SUBJECT_TYPE, item.pk)
        .filter(person_id=item.contributor_id)
        .order_by("granted_at", "pk")
    )
    return [
        {
            "purpose": row.purpose,
            "granted_at": row.granted_at.isoformat(),
            "withdrawn_at": row.withdrawn_at.isoformat() if row.withdrawn_at else None,
            "source": row.source,
        }
        for row in rows
    ]


def credit_line(item: ContentItem, destination: str) -> str:
    """How a reused item is credited: "Photo: NAME / DESTINATION via Tellus"."""
    return _("%(kind)s: %(name)s / %(destination)s via Tellus") % {
        "kind": item.get_kind_display(),
        "name": item.contributor.public_name,
        "destination": destination,
    }


# --- Objects fetched with their permission checked -----------------------------
#
# Views and API handlers fetch an item, a rights request or a campaign pick only
# through these functions: each says who may have it for what, and answers None
# (shown as 404) to anyone else. tests/test_object_permissions.py tries each
# against every persona.

ITEM_ACTIONS = ("view", "read", "share", "report", "edit")


def get_content_item_for(
    person: Person | AnonymousUser | None, item_id: int, *, action: str = "view"
) -> ContentItem | None:
    """The item ``person`` may have for ``action``, or None.

    ``view``, ``share`` and ``report``: only a public item, whoever asks.
    ``read`` (the API's item): the person's own in any state, with its state
    and what they allow, else the public item. ``edit``: only the person's own
    item (the services refuse what its state forbids).
    """
    if action not in ITEM_ACTIONS:
        raise ValueError(f"Unknown action {action!r}")
    if action in {"read", "edit"} and is_active_member(person):
        own = item_for_owner(person, item_id)  # type: ignore[arg-type]
        if own is not None or action == "edit":
            return own
    if action == "edit":
        return None
    return public_item(item_id)


def get_rights_request_for(
    person: Person | AnonymousUser | None, request_id: int
) -> RightsRequest | None:
    """A rights request waiting for ``person``'s answer: only about their own item."""
    if not is_active_member(person):
        return None
    return pending_rights_requests(person).filter(pk=request_id).first()  # type: ignore[arg-type]


def get_published_item_for_staff(
    person: Person | AnonymousUser | None, item_id: int, *, permission: str
) -> ContentItem | None:
    """A published item for a marketer's page (rights request, campaign pick)."""
    if not (is_active_member(person) and person.has_perm(permission)):  # type: ignore[union-attr]
        return None
    return published_item_for_staff(item_id)


def get_campaign_pick_for(
    person: Person | AnonymousUser | None, pick_id: int
) -> CampaignPick | None:
    """A campaign pick, for those who pick and download campaign material."""
    if not (is_active_member(person) and person.has_perm("content.pick_for_campaign")):  # type: ignore[union-attr]
        return None
    return campaign_picks().filter(pk=pick_id).first()
