"""The content API: submit, list, read, and the map's clusters.

Reads are open to anonymous callers (``open_auth``) but still recognise a token or
session: a contributor sees their own items' state however they call.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field, field_validator, model_validator

from tellus.content import queries
from tellus.content.forms import clean_text_line
from tellus.content.models import ContentItem, Place
from tellus.content.services import (
    ITEM_PURPOSES,
    ContentError,
    ItemDetails,
    content_submit_media,
    content_submit_text,
)
from tellus.core.api_errors import ErrorOut
from tellus.engagement.models import Initiative
from tellus.people.api_auth import caller, open_auth
from tellus.people.models import Person
from tellus.publishing.services import share_create

router = Router(tags=["content"])


class ContentIn(Schema):
    kind: Literal["photo", "video", "story", "poem"] | None = Field(
        None, description="photo or video with `file`; story (Markdown) or poem with `body`."
    )
    title: str = Field(..., min_length=1, max_length=200)
    caption: str = Field("", max_length=2000)
    body: str = Field("", max_length=100_000)
    tags: str = Field("", max_length=1000, description="Comma-separated, at most 20.")
    language: str = Field("", max_length=10)
    taken_on: dt.date | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    place: str = Field("", max_length=80, description="A named place's slug.")
    initiative: str = Field("", max_length=80, description="The initiative's slug it answers.")
    consents: str = Field(
        "",
        max_length=200,
        description="Comma-separated uses allowed: website, social, print, exact_location.",
    )

    @field_validator("title", "caption", "tags", "language", "place", "initiative", "consents")
    @classmethod
    def no_control_characters(cls, value: str) -> str:
        return clean_text_line(value, multiline=False)

    @field_validator("body")
    @classmethod
    def body_text(cls, value: str) -> str:
        return clean_text_line(value, multiline=True)

    @model_validator(mode="after")
    def both_coordinates(self) -> ContentIn:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        unknown = set(split_list(self.consents)) - set(ITEM_PURPOSES)
        if unknown:
            raise ValueError(f"unknown consent(s): {', '.join(sorted(unknown))}")
        return self


def split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class RenditionOut(Schema):
    width: int
    height: int
    url: str


class ItemOut(Schema):
    id: int
    kind: str
    title: str
    caption: str
    tags: list[str]
    contributor: str
    contributor_id: int | None
    place: str | None
    initiative: str | None
    latitude: float | None
    longitude: float | None
    published_at: dt.datetime | None
    url: str
    renditions: list[RenditionOut]
    placeholder: str
    body_html: str | None = None
    state: str | None = Field(default=None, description="Only to the item's contributor.")
    state_reason: str | None = None
    notices: list[str] | None = None


class ItemList(Schema):
    items: list[ItemOut]
    next_cursor: str | None


def item_out(item: ContentItem, *, owner_view: bool = False) -> ItemOut:
    from tellus.content.rejections import notice_message, rejection_message

    contributor: Person = item.contributor
    out = ItemOut(
        id=item.pk,
        kind=item.kind,
        title=item.title,
        caption=item.caption,
        tags=[t.name for t in item.tags.all()],
        contributor=contributor.public_name,
        contributor_id=None if contributor.erased_at else contributor.pk,
        place=item.place.name if item.place else None,
        initiative=item.initiative.slug if item.initiative else None,
        latitude=item.public_latitude,
        longitude=item.public_longitude,
        published_at=item.published_at,
        url=f"{settings.SITE_URL}/content/{item.pk}/",
        renditions=[
            RenditionOut(width=r["width"], height=r["height"], url=queries.absolute_url(r["url"]))
            for r in queries.renditions_for(item)
        ],
        placeholder=item.placeholder,
        body_html=item.body_html if item.kind == "story" else None,
    )
    if item.kind == "poem":
        out.body_html = None
    if owner_view:
        out.state = item.state
        if item.state == ContentItem.State.FAILED:
            out.state_reason = rejection_message(item.failure)
        elif item.moderation_note:
            out.state_reason = item.moderation_note
        out.notices = [notice_message(n["code"]) for n in item.notices]
    return out


def _details(data: ContentIn) -> ItemDetails:
    place = None
    if data.place:
        place = Place.objects.filter(slug=data.place).first()
        if place is None:
            raise ContentError(f"Unknown place {data.place!r}.", field="place")
    initiative = None
    if data.initiative:
        initiative = Initiative.objects.filter(slug=data.initiative, is_active=True).first()
        if initiative is None:
            raise ContentError(
                f"Unknown or closed initiative {data.initiative!r}.", field="initiative"
            )
    return ItemDetails(
        title=data.title.strip(),
        caption=data.caption.strip(),
        tags=tuple(split_list(data.tags)[:20]),
        language=data.language,
        taken_on=data.taken_on,
        latitude=data.latitude,
        longitude=data.longitude,
        place=place,
        initiative=initiative,
    )


# A refused file's code -> status. Size limits (bytes, pixels, dimensions, duration) are 413;
# a file of a type we do not take is 415; one we take but cannot read is 422 (ErrorOut, with
# its code); any other refusal (empty, duplicate, unknown place...) is 400.
CONTENT_ERROR_STATUS = {
    "too_big": 413,
    "too_many_pixels": 413,
    "too_wide": 413,
    "video_too_long": 413,
    "unsupported_type": 415,
    "truncated": 422,
    "undecodable": 422,
    "no_video_stream": 422,
}


@router.post(
    "/content",
    response={201: ItemOut, 400: ErrorOut, 413: ErrorOut, 415: ErrorOut, 422: ErrorOut},
    summary="Share a photo, video, story or poem",
    description=(
        "Send multipart/form-data (or a urlencoded form for a story or poem). Refusals: 413 "
        "when the file passes a limit (code too_big, too_many_pixels, too_wide, "
        "video_too_long), 415 for a type not accepted (unsupported_type), 422 for a file that "
        "cannot be read (truncated, undecodable, no_video_stream) or a field that does not "
        "validate, 400 otherwise (empty, duplicate, an unknown place or initiative)."
    ),
)
def submit_content(
    request: HttpRequest, data: Form[ContentIn], file: UploadedFile | None = File(None)
) -> Status[Any]:
    person: Person = request.auth  # type: ignore[attr-defined]
    try:
        details = _details(data)
        consents = split_list(data.consents)
        if file is not None:
            if data.kind in {"story", "poem"}:
                raise ContentError(
                    "Stories and poems are sent as `body`, not `file`.", field="file"
                )
            item = content_submit_media(
                contributor=person,
                upload=file.file,  # type: ignore[arg-type]
                filename=file.name or "",
                size=file.size or 0,
                details=details,
                consents=consents,
                max_bytes=max(
                    settings.TELLUS_MEDIA_MAX_IMAGE_BYTES, settings.TELLUS_MEDIA_MAX_VIDEO_BYTES
                ),
            )
        elif data.kind in {"story", "poem"}:
            item = content_submit_text(
                contributor=person,
                kind=data.kind,
                body=data.body,
                details=details,
                consents=consents,
            )
        else:
            raise ContentError(
                "Send a photo or video as `file`, or a story or poem as `body` with its `kind`.",
                field="file",
            )
    except ContentError as exc:
        status = CONTENT_ERROR_STATUS.get(exc.code, 400)
        return Status(status, ErrorOut(detail=exc.message, field=exc.field, code=exc.code))
    item.refresh_from_db()
    return Status(201, item_out(queries.items_of(person).get(pk=item.pk), owner_view=True))


class ListQuery(Schema):
    kind: Literal["photo", "video", "story", "poem"] | None = None
    tag: str = Field("", max_length=60)
    place: str = Field("", max_length=80)
    initiative: str = Field("", max_length=80)
    contributor: int | None = Field(None, ge=1)
    order: Literal["newest", "most_viewed"] = "newest"
    cursor: str = Field("", max_length=200)
    limit: int = Field(24, ge=1, le=100)


@router.get(
    "/content",
    response={200: ItemList, 400: ErrorOut},
    auth=open_auth,
    summary="Published content, newest first",
)
def list_content(request: HttpRequest, query: Query[ListQuery]) -> Any:
    """The caller's own items in the list also carry their state and notices."""
    person = caller(request)
    filters = queries.GalleryFilters(
        kind=query.kind or "",
        tag=query.tag,
        place=query.place,
        initiative=query.initiative,
        contributor=query.contributor,
        order=query.order,
    )
    items = queries.gallery(filters)
    if query.cursor:
        try:
            items = queries.after_cursor(items, query.cursor, query.order)
        except ValueError:
            return Status(
                400,
                ErrorOut(detail="The cursor is not valid: start again without it.", field="cursor"),
            )
    page = list(items[: query.limit + 1])
    more = len(page) > query.limit
    page = page[: query.limit]
    return ItemList(
        items=[
            item_out(i, owner_view=person is not None and i.contributor_id == person.pk)
            for i in page
        ],
        next_cursor=queries.encode_cursor(page[-1], query.order) if more and page else None,
    )


@router.get(
    "/content/{item_id}",
    response={200: ItemOut, 404: ErrorOut},
    auth=open_auth,
    summary="One item (with its state, to its contributor)",
)
def get_content(request: HttpRequest, item_id: int) -> Any:
    """A contributor, by token or session, sees their item in any state; others, if published."""
    person = caller(request)
    item = queries.get_content_item_for(person, item_id, action="read")
    if item is None:
        return Status(404, ErrorOut(detail="No published item has this id."))
    return item_out(item, owner_view=person is not None and item.contributor_id == person.pk)


class ShareIn(Schema):
    channel: Literal["facebook", "x", "whatsapp", "email", "link"]


class ShareOut(Schema):
    url: str
    channel: str


@router.post(
    "/content/{item_id}/shares",
    response={201: ShareOut, 404: ErrorOut},
    summary="A tracked share link for a channel",
)
def create_share(request: HttpRequest, item_id: int, data: ShareIn) -> Any:
    item = queries.get_content_item_for(request.auth, item_id, action="share")  # type: ignore[attr-defined]
    if item is None:
        return Status(404, ErrorOut(detail="No published item has this id."))
    share = share_create(subject=item, sharer=request.auth, channel=data.channel)  # type: ignore[attr-defined]
    return Status(201, ShareOut(url=f"{settings.SITE_URL}/s/{share.code}", channel=share.channel))


class ClusterOut(Schema):
    id: int
    count: int
    longitude: float
    latitude: float
    expansion_zoom: int


class PointOut(Schema):
    id: int
    longitude: float
    latitude: float


class ClustersOut(Schema):
    zoom: int
    clusters: list[ClusterOut]
    points: list[PointOut]


@router.get(
    "/map/clusters",
    response={200: ClustersOut, 304: None, 400: ErrorOut},
    auth=open_auth,
    summary="Clusters and single items for a map view",
)
def map_clusters(
    request: HttpRequest,
    bbox: str = Query(..., max_length=200, description="west,south,east,north in degrees"),
    zoom: int = Query(..., ge=0, le=22),
) -> Any:
    """Answers conditional requests (ETag) and may be cached for 30 seconds by proxies."""
    try:
        parts = [float(p) for p in bbox.split(",")]
        if len(parts) != 4:
            raise ValueError("bbox needs four numbers: west,south,east,north")
        # Imported here: SciPy loads on the first map request, not at start-up.
        from tellus.content.map import current_index

        index = current_index()
        view = index.clusters(parts, zoom)
    except ValueError as exc:
        return Status(400, ErrorOut(detail=str(exc), field="bbox"))
    etag = f'"{index.etag}-{zoom}-{hash(tuple(parts)) & 0xFFFFFFFF:x}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        clusters = zip(
            view.cluster_ids.tolist(),
            view.cluster_counts.tolist(),
            view.cluster_lon.tolist(),
            view.cluster_lat.tolist(),
            view.cluster_expansion_zoom.tolist(),
            strict=True,
        )
        points = zip(
            view.point_ids.tolist(), view.point_lon.tolist(), view.point_lat.tolist(), strict=True
        )
        body = {
            "zoom": view.zoom,
            "clusters": [
                {"id": i, "count": c, "longitude": x, "latitude": y, "expansion_zoom": e}
                for i, c, x, y, e in clusters
            ],
            "points": [{"id": i, "longitude": x, "latitude": y} for i, x, y in points],
        }
        response = HttpResponse(json.dumps(body), content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=30"
    return response
