"""The planned content into the database: items, their consents, tags, moderation and shares.

Photos go through the media pipeline (:mod:`.photos`); stories, poems and
the large demo's light items are written in bulk, light photos showing the
files of a painted one. Then the moderators' decisions, the visitors'
reports, the share links and marketing's rights requests, as
:mod:`tellus.demo.plan.content` decided them.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction

from tellus.content.mapindex import coarsen
from tellus.content.models import ContentItem, Place, RightsRequest, Tag
from tellus.content.publicity import bump_public_version
from tellus.content.queries import SUBJECT_TYPE
from tellus.content.stories import render_story
from tellus.demo import catalogue as cat
from tellus.demo.plan import World
from tellus.demo.plan.content import (
    REPORT_DETAILS,
    RIGHTS_MESSAGES,
    ContentPlan,
    PlannedItem,
    ReportFiled,
    RightsAsked,
    ShareLink,
    reported_at,
)
from tellus.demo.plan.log import Events
from tellus.demo.write.bulk import BulkWriter, Output, after, at, at_or_null
from tellus.demo.write.photos import finish_photos, upload_and_process
from tellus.engagement import kinds as K
from tellus.engagement.models import Event
from tellus.people.models import Consent, Person
from tellus.publishing.models import ModerationDecision, Report, Share

ITEM_LABEL = ContentItem._meta.label_lower


@dataclass
class Staff:
    moderator: Person
    marketer: Person


def write_content(
    plan: ContentPlan,
    *,
    world: World,
    start: dt.datetime,
    seed: int,
    base: int,
    initiatives: list[int],
    staff: Staff,
    writer: BulkWriter,
    bar: dict[str, Any],
    log: Output,
) -> None:
    """Write the planned content; members are numbered from ``base``, as the plan's indexes."""
    if set(REPORT_DETAILS) - set(Report.Reason.values):
        raise RuntimeError("The demo's report reasons are out of step with Report.Reason")
    places = _places()
    tags = _tags()
    items = plan.items
    person = lambda index: base + index  # noqa: E731
    photos = [i for i in items if i.has_file]
    _write_consents(items, start, person, writer)  # the pipeline reads exact_location
    began = time.perf_counter()
    upload_and_process(photos, start, person, places, initiatives, seed, bar)
    log.write(
        f"  photos: {len(photos):,} painted and processed in {time.perf_counter() - began:.1f} s\n"
    )
    finish_photos(photos, start)
    _write_others([i for i in items if not i.has_file], photos, start, person, places,
                  initiatives, writer)  # fmt: skip
    _write_tags(items, tags, writer)
    _write_decisions(items, start, staff, writer)
    _write_reports(plan.reports, start, person)
    _write_shares(plan.shares, items, world.events, start, person)
    _write_rights_requests(plan.rights_requests, start, staff)
    transaction.on_commit(bump_public_version)


def write_missing_approvals(
    plan: ContentPlan,
    *,
    log: Events,
    start: dt.datetime,
    base: int,
    initiatives: list[int],
    touchpoints: list[int],
) -> None:
    """Approvals for items the demo publishes though the log never approved them.

    Written after the simulated log, whose events come first."""
    stages = [*cat.STAGES, ""]
    Event.objects.bulk_create(
        Event(
            kind=K.CONTENT_APPROVED,
            occurred_at=after(start, item.published),
            member_id=base + item.contributor,
            subject_type=ITEM_LABEL,
            subject_id=item.pk,
            initiative_id=initiatives[item.initiative] if item.initiative >= 0 else None,
            channel=cat.CHANNELS[int(log.channel[item.act])],
            touchpoint_id=touchpoints[int(log.touchpoint[item.act])]
            if log.touchpoint[item.act] >= 0
            else None,
            journey_stage=stages[int(log.stage[item.act])],
        )
        for item in plan.items
        if item.approval_missing
    )


def _places() -> list[int]:
    """The catalogue's places (reusing any with the same slug); their ids by position."""
    ids = []
    for spec in cat.PLACES:
        place, _created = Place.objects.get_or_create(
            slug=spec.slug,
            defaults={"name": spec.name, "latitude": spec.latitude, "longitude": spec.longitude},
        )
        ids.append(place.pk)
    return ids


def _tags() -> dict[str, int]:
    ids = {}
    for slug, name in cat.TAGS:
        tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        ids[slug] = tag.pk
    return ids


def _write_consents(
    items: list[PlannedItem], start: dt.datetime, person: Callable[[int], int], writer: BulkWriter
) -> None:
    rows = [
        (item, purpose, withdrawn)
        for item in items
        for purpose, withdrawn in sorted(item.consents.items())
    ]

    def columns(begin: int, end: int) -> dict[str, Any]:
        part = rows[begin:end]
        return {
            "person_id": [person(item.contributor) for item, _p, _w in part],
            "purpose": [purpose for _i, purpose, _w in part],
            "subject_type": [ITEM_LABEL] * len(part),
            "subject_id": [item.pk for item, _p, _w in part],
            "granted_at": at_or_null(start, [item.created for item, _p, _w in part]),
            "withdrawn_at": at_or_null(start, [w for _i, _p, w in part]),
            "source": ["form"] * len(part),
        }

    writer.write(Consent, len(rows), columns, "item consents")


def _write_others(
    items: list[PlannedItem],
    photos: list[PlannedItem],
    start: dt.datetime,
    person: Callable[[int], int],
    places: list[int],
    initiatives: list[int],
    writer: BulkWriter,
) -> None:
    """Stories, poems and the large demo's light photos, which show a painted photo's files."""
    if not items:
        return
    painted = list(
        ContentItem.objects.filter(
            pk__in=[p.pk for p in photos], state__in=["published", "pending"]
        )
        .order_by("pk")
        .values("renditions", "placeholder", "width", "height", "taken_on")
    )
    exact = np.array([i.consents.get("exact_location") == -1 or i.location_source == "place"
                      for i in items])  # fmt: skip
    located = np.array([i.latitude is not None for i in items])
    lat = np.array([i.latitude if i.latitude is not None else 0.0 for i in items])
    lon = np.array([i.longitude if i.longitude is not None else 0.0 for i in items])
    coarse_lon, coarse_lat = coarsen(lon[located], lat[located])
    public_lat = np.where(exact, lat, 0.0)
    public_lon = np.where(exact, lon, 0.0)
    public_lat[located & ~exact] = coarse_lat[~exact[located]]
    public_lon[located & ~exact] = coarse_lon[~exact[located]]
    demo_photos: dict[int, list[int]] = {}
    for photo in photos:
        if photo.state == "published":
            demo_photos.setdefault(photo.contributor, []).append(photo.pk)

    def columns(begin: int, end: int) -> dict[str, Any]:
        part = items[begin:end]
        files = [painted[i.pk % len(painted)] if i.kind == "photo" and painted else None
                 for i in part]  # fmt: skip
        body, html = [], []
        for item in part:
            text = item.body
            own = (
                demo_photos.get(item.contributor)
                if item.kind == "story" and not item.light
                else None
            )
            if own:
                text = text.replace("\n\n", f"\n\n![{item.title}](content:{own[0]})\n\n", 1)
            body.append(text)
            html.append(
                render_story(text, contributor_id=person(item.contributor))
                if item.kind == "story"
                else ""
            )
        where = range(begin, end)
        return {
            "id": [i.pk for i in part],
            "contributor_id": [person(i.contributor) for i in part],
            "kind": [i.kind for i in part],
            "state": [i.state for i in part],
            "title": [i.title for i in part],
            "caption": [i.caption for i in part],
            "body": body,
            "body_html": html,
            "language": [i.language for i in part],
            "taken_on": np.array(
                [
                    np.datetime64(f["taken_on"], "D") if f and f["taken_on"] else "NaT"
                    for f in files
                ],
                dtype="datetime64[D]",
            ),
            "place_id": [places[i.place] if i.place >= 0 else None for i in part],
            "initiative_id": [
                initiatives[i.initiative] if i.initiative >= 0 else None for i in part
            ],
            "latitude": [i.latitude for i in part],
            "longitude": [i.longitude for i in part],
            "location_source": [i.location_source for i in part],
            "public_latitude": [float(public_lat[k]) if located[k] else None for k in where],
            "public_longitude": [float(public_lon[k]) if located[k] else None for k in where],
            "original": [""] * len(part),
            "original_sha256": [""] * len(part),
            "content_type": ["image/jpeg" if f else "" for f in files],
            "width": [f["width"] if f else None for f in files],
            "height": [f["height"] if f else None for f in files],
            "renditions": [f["renditions"] if f else [] for f in files],
            "placeholder": [f["placeholder"] if f else "" for f in files],
            "flags": [[] for _i in part],
            "notices": [[] for _i in part],
            "failure": [""] * len(part),
            "moderation_note": [i.note for i in part],
            "view_count": [i.views for i in part],
            "created_at": at_or_null(start, [i.created for i in part]),
            "updated_at": at_or_null(start, [max(i.created, i.published, i.decided) for i in part]),
            "published_at": at_or_null(start, [i.published for i in part]),
        }

    writer.write(ContentItem, len(items), columns, "stories, poems and light items")


def _write_tags(items: list[PlannedItem], tags: dict[str, int], writer: BulkWriter) -> None:
    through = ContentItem.tags.through
    rows = [(item.pk, tags[slug]) for item in items for slug in item.tags]

    def columns(begin: int, end: int) -> dict[str, Any]:
        return {
            "contentitem_id": [pk for pk, _t in rows[begin:end]],
            "tag_id": [t for _pk, t in rows[begin:end]],
        }

    writer.write(through, len(rows), columns, "item tags")


def _write_decisions(
    items: list[PlannedItem], start: dt.datetime, staff: Staff, writer: BulkWriter
) -> None:
    """The moderation audit log: an approval for each published item, then what followed."""
    A = ModerationDecision.Action
    rows: list[tuple[int, int | None, str, str, int]] = []
    for item in items:
        if item.published >= 0:
            rows.append((item.pk, staff.moderator.pk, A.APPROVE, "", item.published))
        if item.state == "rejected":
            rows.append((item.pk, staff.moderator.pk, A.REJECT, item.note, item.decided))
        elif item.state == "needs_edit":
            rows.append((item.pk, staff.moderator.pk, A.ASK_EDIT, item.note, item.decided))
        elif item.state == "hidden":
            rows.append(
                (item.pk, None, A.AUTO_HIDE, f"{item.reports} reports", reported_at(item, 2))
            )
        if item.dismissed:
            rows.append((item.pk, staff.moderator.pk, A.DISMISS_REPORTS, "Checked: nothing wrong.",
                         reported_at(item, 0) + 3_600))  # fmt: skip

    def columns(begin: int, end: int) -> dict[str, Any]:
        part = rows[begin:end]
        return {
            "subject_type": [SUBJECT_TYPE] * len(part),
            "subject_id": [r[0] for r in part],
            "moderator_id": [r[1] for r in part],
            "action": [str(r[2]) for r in part],
            "reason": [r[3] for r in part],
            "created_at": at(start, np.array([r[4] for r in part], np.int64)),
        }

    writer.write(ModerationDecision, len(rows), columns, "moderation decisions")


def _write_reports(
    reports: list[ReportFiled], start: dt.datetime, person: Callable[[int], int]
) -> None:
    rows = []
    for item, rank, reporter, reason, when in reports:
        key = hashlib.sha256(f"{item.pk}:{rank}".encode()).hexdigest()[:32]
        rows.append(
            Report(
                subject_type=SUBJECT_TYPE,
                subject_id=item.pk,
                reporter_id=person(reporter) if reporter >= 0 else None,
                reporter_key=f"member:{person(reporter)}" if reporter >= 0 else f"address:{key}",
                reason=reason,
                details=REPORT_DETAILS[reason],
                created_at=after(start, when),
                resolved_at=after(start, when + 3_600) if item.dismissed else None,
            )
        )
    Report.objects.bulk_create(rows, batch_size=1_000)


def _write_shares(
    shares: list[ShareLink],
    items: list[PlannedItem],
    log: Events,
    start: dt.datetime,
    person: Callable[[int], int],
) -> None:
    rows = []
    for act, index, clicks in shares:
        code = base64.urlsafe_b64encode(hashlib.sha256(f"share:{act}".encode()).digest()[:9])
        rows.append(
            Share(
                subject_type=SUBJECT_TYPE,
                subject_id=items[index].pk,
                sharer_id=person(int(log.member[act])),
                channel=cat.CHANNELS[int(log.channel[act])],
                code=code.decode(),
                click_count=clicks,
                created_at=after(start, int(log.seconds[act])),
            )
        )
    Share.objects.bulk_create(rows, batch_size=1_000)


def _write_rights_requests(requests: list[RightsAsked], start: dt.datetime, staff: Staff) -> None:
    RightsRequest.objects.bulk_create(
        RightsRequest(
            item_id=item.pk,
            requested_by=staff.marketer,
            purpose=purpose,
            message=RIGHTS_MESSAGES[purpose],
            created_at=after(start, when),
        )
        for item, purpose, when in requests
    )
