"""The demo's content hub: visitors' photos, stories and poems, and what happened to them.

Every item stands for one ``content.submitted`` act of the simulated log
(same contributor, moment and initiative), and the log's events about it (the
approval, the views, shares of it and clicks on those) name it as their
subject, so the engagement figures and the content agree: an item's view
count is the number of its ``content.viewed`` events, a share's click count
the number of its ``share.clicked`` events. Acts of the log that the demo
turns down (an item left pending, rejected or asked to edit) lose their
approval and views; an item published without an approval in the log gets one.

Photos are painted (:mod:`.landscapes`), stored as originals in the private
storage and run through the real media pipeline
(:func:`tellus.content.tasks.process_content_item`), which makes the public
WebP renditions, reads GPS and date from EXIF and computes the public
position from the item's consents. Stories and poems come from
:mod:`.writing`. Sizes: see ``AMOUNTS``; the large demo adds lightweight
items (stories, poems, and photos that show the renditions of a few painted
ones) so that the map has volume without thousands of files.

Deterministic in the seed: the plan (which act becomes which item, in which
state, with which consents and words) is drawn from its own generator, after
the simulation, and leaves the simulation's draws untouched.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from django.core.files.base import ContentFile
from django.db import models, transaction
from tqdm import tqdm

from tellus.content.mapindex import coarsen
from tellus.content.models import (
    ContentItem,
    ModerationDecision,
    Place,
    Report,
    RightsRequest,
    Share,
    Tag,
)
from tellus.content.publicity import bump_public_version
from tellus.content.stories import render_story
from tellus.content.tasks import process_content_item
from tellus.demo import catalogue as cat
from tellus.demo import generate as gen
from tellus.demo import landscapes, writing
from tellus.engagement import kinds as K
from tellus.engagement.models import Event
from tellus.people.models import Consent, Person

Array = npt.NDArray[Any]
ITEM_LABEL = ContentItem._meta.label_lower


@dataclass(frozen=True)
class Amounts:
    photos: int  # painted, stored and processed
    texts: int  # stories and poems
    light: int  # large only: items without files of their own, for the map's volume


AMOUNTS: dict[str, Amounts] = {
    "small": Amounts(photos=20, texts=12, light=0),
    "medium": Amounts(photos=200, texts=80, light=0),
    "large": Amounts(photos=2_000, texts=400, light=100_000),
}
PARALLEL_FROM = 50  # photos: below it, starting painter processes costs more than it saves

#: How likely an act answering an initiative is a photo (else a story or poem).
PHOTO_WEIGHT = {
    "hidden-beaches": 0.95,
    "sunset-contest": 0.95,
    "fiesta-live": 0.85,
    "happiest-moment": 0.7,
    "island-table": 0.15,
}
PHOTO_WEIGHT_ORGANIC = 0.6
GPS_SHARE = 0.85  # photos whose EXIF has a position; the others name a place
#: Chance of each use allowed per item (website: nearly all).
ITEM_CONSENTS = {"website": 0.97, "exact_location": 0.45, "social": 0.35, "print": 0.15}
WEBSITE_WITHDRAWN = 0.02  # published, then the contributor took it off the website
REPORTED_SHARE = 0.03
SHARES_PER_ITEM = 2.0  # at most this many share links per item with its own file or text
SHARE_CHANNELS = {"facebook", "whatsapp", "x", "email"}  # the simulated channels Share knows

REJECT_REASONS = (
    "The photo shows people's faces close up; we publish only with their agreement.",
    "This looks like a picture from a brochure: please share only your own photos.",
    "Not taken on Isla Clara, as far as we can tell.",
    "Advertising for a business is not allowed in the gallery.",
)
EDIT_REASONS = (
    "Lovely! Could you add where it was taken?",
    "Please remove the phone number from the caption, then send it again.",
    "The title is in capitals: could you write it normally?",
)
REPORT_DETAILS = {
    Report.Reason.PRIVACY: "My children are in this picture.",
    Report.Reason.SPAM: "This is an advert.",
    Report.Reason.WRONG_PLACE: "This is not on the island.",
    Report.Reason.OTHER: "",
}
RIGHTS_MESSAGES = {
    "print": "May we use this photo in our spring print campaign? You would be credited.",
    "social": "We would love to post this on our social channels, with your name. May we?",
}

#: The demo member's items: state and kind, in order of priority (the first ones
#: are made whatever the number of their acts), so "My contributions" shows each state.
DEMO_ROLES: tuple[tuple[str, str], ...] = (
    ("published", "photo"),
    ("pending", "photo"),
    ("rejected", "photo"),
    ("needs_edit", "poem"),
    ("hidden", "photo"),
    ("failed", "photo"),
    ("published", "story"),
    ("published", "photo"),
    ("published", "poem"),
)
#: Order in time of the demo member's roles: the published ones first, pending last.
ROLE_TIME = {"published": 0, "hidden": 1, "rejected": 2, "needs_edit": 3, "failed": 4, "pending": 5}


class RowWriter(Protocol):
    def write(
        self, model: type[models.Model], total: int, columns: Callable[[int, int], dict[str, Any]],
        label: str,
    ) -> None: ...  # fmt: skip


@dataclass
class Staff:
    moderator: Person
    marketer: Person


@dataclass
class Seeded:
    """What the event log needs from the content: a subject per event, and which to leave out."""

    subject: Array  # item id per simulated event, -1 for none
    keep: Array  # bool per simulated event
    extra_events: list[Event] = field(default_factory=list)  # written after the simulated ones
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Item:
    act: int  # the submission's position in the log
    contributor: int  # member index
    kind: str
    state: str = "published"
    has_file: bool = False
    light: bool = False
    pk: int = 0
    created: int = 0  # seconds since the start
    published: int = -1
    language: str = "en"
    title: str = ""
    caption: str = ""
    body: str = ""
    place: int = -1
    scene: str = ""
    gps: bool = False
    latitude: float | None = None
    longitude: float | None = None
    location_source: str = ""
    consents: dict[str, int] = field(default_factory=dict)  # purpose: withdrawn at (-1: never)
    tags: tuple[str, ...] = ()
    initiative: int = -1  # index into catalogue.INITIATIVES
    photo_seed: int = 0
    portrait: bool = False
    views: int = 0
    note: str = ""
    decided: int = -1  # when rejected or asked to edit
    approval_missing: bool = False
    approval_dropped: bool = False
    reports: int = 0
    dismissed: bool = False


def seed_content(
    *,
    world: gen.World,
    start: dt.datetime,
    size: str,
    seed: int,
    base: int,
    initiatives: list[int],
    touchpoints: list[int],
    staff: Staff,
    writer: RowWriter,
    bar: dict[str, Any],
    log: Any,
) -> Seeded:
    """Write the content; returns the events' subjects and which simulated events to keep."""
    amounts = AMOUNTS[size]
    places = _places()
    tags = _tags()
    rng = np.random.default_rng([seed, 4_711])
    planner = _Planner(world, rng, amounts, start)
    items = planner.plan()
    first = _next_id(ContentItem)
    for offset, item in enumerate(items):
        item.pk = first + offset
    shares = planner.shares(items)

    person = lambda index: base + index  # noqa: E731
    photos = [i for i in items if i.has_file]
    _write_consents(items, start, person, writer)  # the pipeline reads exact_location
    began = time.perf_counter()
    _upload_and_process(photos, start, person, places, initiatives, seed, bar)
    log.write(
        f"  photos: {len(photos):,} painted and processed in {time.perf_counter() - began:.1f} s\n"
    )
    _finish_photos(photos, start, staff)
    _write_others([i for i in items if not i.has_file], photos, start, person, places,
                  initiatives, writer)  # fmt: skip
    _write_tags(items, tags, writer)
    _write_decisions(items, start, staff, writer)
    _write_reports(items, start, person, world, rng)
    events = world.events
    _write_shares(shares, items, events, start, person)
    _write_rights_requests(items, start, staff, world.demo_member)
    extra = _missing_approvals(items, events, start, person, initiatives, touchpoints)
    transaction.on_commit(bump_public_version)

    subject = np.full(len(events), -1, dtype=np.int64)
    link = np.full(len(events), -1, dtype=np.int64)
    for item in items:
        link[item.act] = item.pk
    for act, item_index, _clicks in shares:
        link[act] = items[item_index].pk
    cause = events.cause
    subject = np.where(link >= 0, link, np.where(cause >= 0, link[np.maximum(cause, 0)], -1))
    dropped = np.zeros(len(events), dtype=bool)
    for item in items:
        if item.approval_dropped:
            dropped[item.act] = True
    kind = events.kind
    follows = (kind == gen.KIND[K.CONTENT_APPROVED]) | (kind == gen.KIND[K.CONTENT_VIEWED])
    keep = ~(follows & (cause >= 0) & dropped[np.maximum(cause, 0)])
    counts = {
        "photos": len(photos),
        "texts": sum(1 for i in items if not i.has_file and not i.light),
        "light": sum(1 for i in items if i.light),
        "shares": len(shares),
    }
    return Seeded(subject=subject, keep=keep, extra_events=extra, counts=counts)


# --------------------------------------------------------------------------- planning


class _Planner:
    """Decides, from the log and a generator of its own, what each item is and becomes."""

    def __init__(
        self, world: gen.World, rng: np.random.Generator, amounts: Amounts, start: dt.datetime
    ) -> None:
        self.world, self.rng, self.amounts, self.start = world, rng, amounts, start
        events = world.events
        self.events = events
        kind = events.kind
        self.approval_at = np.full(len(events), -1, dtype=np.int64)
        approvals = np.flatnonzero(kind == gen.KIND[K.CONTENT_APPROVED])
        self.approval_at[events.cause[approvals]] = events.seconds[approvals]
        self.views = np.bincount(
            events.cause[(kind == gen.KIND[K.CONTENT_VIEWED]) & (events.cause >= 0)],
            minlength=len(events),
        )
        self.end = cat.HISTORY_DAYS * gen.SECONDS_PER_DAY

    def plan(self) -> list[_Item]:
        events, rng, amounts = self.events, self.rng, self.amounts
        demo = self.world.demo_member
        acts = np.flatnonzero((events.kind == gen.KIND[K.CONTENT_SUBMITTED]) & (events.member >= 0))
        own = acts[events.member[acts] == demo]
        others = acts[events.member[acts] != demo]
        slugs = [s.slug for s in cat.INITIATIVES]
        weight = np.array(
            [
                PHOTO_WEIGHT.get(slugs[i], PHOTO_WEIGHT_ORGANIC) if i >= 0 else PHOTO_WEIGHT_ORGANIC
                for i in events.initiative[others].tolist()
            ]
        )
        items = self._demo_items(own)
        n_photos = max(0, min(amounts.photos - sum(i.has_file for i in items), others.size))
        chosen = rng.choice(others.size, n_photos, replace=False, p=weight / weight.sum())
        left = np.setdiff1d(np.arange(others.size), chosen)
        n_texts = min(amounts.texts, left.size)
        text_weight = 1.0 - weight[left]
        texts = left[
            rng.choice(left.size, n_texts, replace=False, p=text_weight / text_weight.sum())
        ]
        left = np.setdiff1d(left, texts)
        light = rng.choice(left, min(amounts.light, left.size), replace=False)
        for index in np.sort(chosen).tolist():
            items.append(_Item(act=int(others[index]), contributor=0, kind="photo", has_file=True))
        for index in np.sort(texts).tolist():
            story = rng.random() < (0.8 if weight[index] < 0.5 else 0.55)
            items.append(
                _Item(act=int(others[index]), contributor=0, kind="story" if story else "poem")
            )
        for index in np.sort(light).tolist():
            photo = rng.random() < weight[index]
            kind = "photo" if photo else ("story" if rng.random() < 0.6 else "poem")
            items.append(_Item(act=int(others[index]), contributor=0, kind=kind, light=True))
        for item in items:
            item.contributor = int(events.member[item.act])
            item.created = int(events.seconds[item.act])
            item.initiative = int(events.initiative[item.act])
        self._states([i for i in items if i.contributor != demo and not i.light])
        for item in items:
            if item.light and self.approval_at[item.act] < 0:
                item.state = "rejected"
            self._describe(item)
        self._consents(items)
        self._reports([i for i in items if i.contributor != demo and not i.light])
        return items

    def _demo_items(self, acts: Array) -> list[_Item]:
        """The demo member's acts, one per role; the published ones are the oldest."""
        roles = sorted(DEMO_ROLES[: acts.size], key=lambda role: ROLE_TIME[role[0]])
        ordered = acts[np.argsort(self.events.seconds[acts], kind="stable")]
        items = []
        for act, (state, kind) in zip(ordered.tolist(), roles, strict=False):
            item = _Item(act=act, contributor=0, kind=kind, state=state, has_file=kind == "photo")
            item.reports = 3 if state == "hidden" else 0  # hidden after three reports
            items.append(item)
        for act in ordered[len(roles) :].tolist():
            items.append(_Item(act=act, contributor=0, kind="photo", has_file=True))
        return items

    def _states(self, items: list[_Item]) -> None:
        """Published when the log approved them; the others wait, were rejected or asked to edit."""
        waiting = [i for i in items if self.approval_at[i.act] < 0]
        approved = [i for i in items if self.approval_at[i.act] >= 0]
        waiting.sort(key=lambda i: i.created, reverse=True)
        pending = max(2, len(waiting) // 2)
        edit = max(1, min(3, len(waiting) // 10))
        rejected = max(2, len(waiting) - pending - edit)
        short = pending + edit + rejected - len(waiting)
        if short > 0:  # too few unapproved acts: take back some approvals (the newest)
            approved.sort(key=lambda i: i.created, reverse=True)
            waiting += approved[:short]
            waiting.sort(key=lambda i: i.created, reverse=True)
        for rank, item in enumerate(waiting):
            item.state = (
                "pending"
                if rank < pending
                else "needs_edit"
                if rank < pending + edit
                else "rejected"
            )

    def _describe(self, item: _Item) -> None:
        rng, world = self.rng, self.world
        language = gen.LANGUAGES[int(world.members.language[item.contributor])] or "en"
        item.language = language if language in writing.LANGUAGES else "en"
        place_index = int(rng.integers(len(cat.PLACES)))
        place = cat.PLACES[place_index]
        item.tags = place.tags
        approved_at = int(self.approval_at[item.act])
        if item.state in {"published", "hidden"}:
            if approved_at < 0:
                item.approval_missing = True
                approved_at = min(item.created + int(rng.uniform(0.1, 2.0) * 86_400), self.end - 1)
            item.published = approved_at
            item.views = int(self.views[item.act])
        else:
            item.approval_dropped = approved_at >= 0
            item.decided = min(item.created + int(rng.uniform(0.2, 3.0) * 86_400), self.end - 1)
            if item.state == "rejected":
                item.note = REJECT_REASONS[int(rng.integers(len(REJECT_REASONS)))]
            elif item.state == "needs_edit":
                item.note = EDIT_REASONS[int(rng.integers(len(EDIT_REASONS)))]
        if item.kind == "photo":
            item.scene = str(rng.choice(landscapes.scene_for(place.kind)))
            item.title, item.caption = writing.photo_text(
                rng, item.language, item.scene, place.name
            )
            item.photo_seed = int(rng.integers(2**31))
            item.portrait = rng.random() < 0.15
            item.place = place_index
            item.gps = rng.random() < GPS_SHARE
            if item.gps:
                item.latitude, item.longitude = _near(rng, place)
                item.location_source = "exif"
            else:
                item.latitude, item.longitude = place.latitude, place.longitude
                item.location_source = "place"
        elif item.kind == "story":
            item.title, item.body = writing.story(rng, item.language, place.name)
            self._somewhere(item, place_index)
        else:
            item.title, item.body = writing.poem(rng, item.language)
            if rng.random() < 0.6:
                self._somewhere(item, place_index)
        if (item.kind == "photo" and item.scene == "saltpans") or rng.random() < 0.1:
            item.tags = (*item.tags, "sunset")
        item.tags = tuple(dict.fromkeys(item.tags))

    def _somewhere(self, item: _Item, place_index: int) -> None:
        """A named place (most stories), or a point picked on the map."""
        place = cat.PLACES[place_index]
        if self.rng.random() < 0.7:
            item.place = place_index
            item.latitude, item.longitude = place.latitude, place.longitude
            item.location_source = "place"
        else:
            item.latitude, item.longitude = _near(self.rng, place)
            item.location_source = "map"

    def _consents(self, items: list[_Item]) -> None:
        rng = self.rng
        demo = self.world.demo_member
        for item in items:
            for purpose, chance in ITEM_CONSENTS.items():
                if rng.random() < chance:
                    item.consents[purpose] = -1
            if item.contributor == demo:
                item.consents = {"website": -1, "exact_location": -1}
            elif (
                item.state == "published"
                and "website" in item.consents
                and rng.random() < WEBSITE_WITHDRAWN
            ):
                later = item.published + rng.uniform(0.1, 1.0) * (self.end - item.published)
                item.consents["website"] = int(later)
        first_photo = next(
            (i for i in items if i.contributor == demo and i.state == "published"), None
        )
        if first_photo is not None:
            first_photo.consents["social"] = -1  # and a rights request asks for print

    def _reports(self, items: list[_Item]) -> None:
        published = [i for i in items if i.state == "published" and i.consents.get("website") == -1]
        if not published:
            return
        count = min(len(published), max(3, round(REPORTED_SHARE * len(published))))
        picked = self.rng.choice(len(published), count, replace=False)
        for rank, index in enumerate(picked.tolist()):
            item = published[index]
            if rank == 0:
                item.state, item.reports = "hidden", 3  # hidden until a moderator looks
            elif rank == 1:
                item.reports, item.dismissed = 1, True  # looked at and kept
            else:
                item.reports = 1 + int(self.rng.integers(2))

    def shares(self, items: list[_Item]) -> list[tuple[int, int, int]]:
        """Share links from the log's shares: (share act, item position, clicks)."""
        events, rng = self.events, self.rng
        channels = np.array([c in SHARE_CHANNELS for c in cat.CHANNELS])
        acts = np.flatnonzero(
            (events.kind == gen.KIND[K.SHARE_CREATED])
            & (events.member >= 0)
            & channels[events.channel]
        )
        public = [
            (item.published, index)
            for index, item in enumerate(items)
            if item.state == "published" and item.consents.get("website") == -1
        ]
        if not public or not acts.size:
            return []
        public.sort()
        published_at = np.array([p for p, _i in public])
        own: dict[int, list[int]] = {}
        for _at, index in public:
            own.setdefault(items[index].contributor, []).append(index)
        limit = int(SHARES_PER_ITEM * sum(1 for i in items if not i.light))
        if acts.size > limit:
            acts = np.sort(rng.choice(acts, limit, replace=False))
        clicks = np.bincount(
            events.cause[(events.kind == gen.KIND[K.SHARE_CLICKED]) & (events.cause >= 0)],
            minlength=len(events),
        )
        shares = []
        for act in acts.tolist():
            when = int(events.seconds[act])
            mine = [i for i in own.get(int(events.member[act]), []) if items[i].published < when]
            if mine:
                chosen = mine[int(rng.integers(len(mine)))]
            else:
                available = int(np.searchsorted(published_at, when))
                if available == 0:
                    continue
                chosen = public[int(rng.integers(available))][1]
            shares.append((act, chosen, int(clicks[act])))
        return shares


def _near(rng: np.random.Generator, place: cat.PlaceSpec) -> tuple[float, float]:
    """A point a few hundred metres from a place."""
    latitude = place.latitude + float(rng.normal(0.0, 0.004))
    longitude = place.longitude + float(rng.normal(0.0, 0.005))
    return round(latitude, 6), round(longitude, 6)


# --------------------------------------------------------------------------- writing


def _moment(start: dt.datetime, seconds: int) -> dt.datetime:
    return start + dt.timedelta(seconds=seconds)


def _next_id(model: type[models.Model]) -> int:
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return int(top or 0) + 1


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


def _paint(job: tuple[str, int, dt.datetime, tuple[float, float] | None, bool, bool]) -> bytes:
    scene, photo_seed, taken_at, gps, portrait, truncate = job
    data = landscapes.photo_jpeg(scene, photo_seed, taken_at=taken_at, gps=gps, portrait=portrait)
    return data[: len(data) // 2] if truncate else data  # a file cut off in the upload


def _painted(jobs: list[Any], bar: dict[str, Any]) -> Iterator[bytes]:
    """The photos' JPEGs in order; painted by other processes when there are many."""
    if len(jobs) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        yield from (_paint(job) for job in jobs)
        return
    # Painting takes about half the pipeline's time: one painter keeps up on two cores.
    with ProcessPoolExecutor(max_workers=min(3, (os.cpu_count() or 2) - 1)) as pool:
        yield from pool.map(_paint, jobs, chunksize=8)


def _upload_and_process(
    photos: list[_Item],
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
        taken = _moment(start, item.created - int(3600 * (1 + item.photo_seed % 30)))
        gps = (item.latitude, item.longitude) if item.gps else None
        jobs.append(
            (item.scene, item.photo_seed, taken, gps, item.portrait, item.state == "failed")
        )
    painted = _painted(jobs, bar)
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
            created_at=_moment(start, item.created),
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


def _write_consents(
    items: list[_Item], start: dt.datetime, person: Callable[[int], int], writer: RowWriter
) -> None:
    rows = [
        (item, purpose, withdrawn)
        for item in items
        for purpose, withdrawn in sorted(item.consents.items())
    ]
    base = np.datetime64(start.replace(tzinfo=None), "s")

    def at(seconds: list[int]) -> Array:
        moments = base + np.array(seconds, dtype=np.int64).astype("timedelta64[s]")
        moments[np.array(seconds) < 0] = np.datetime64("NaT")
        return moments

    def columns(begin: int, end: int) -> dict[str, Any]:
        part = rows[begin:end]
        return {
            "person_id": [person(item.contributor) for item, _p, _w in part],
            "purpose": [purpose for _i, purpose, _w in part],
            "subject_type": [ITEM_LABEL] * len(part),
            "subject_id": [item.pk for item, _p, _w in part],
            "granted_at": at([item.created for item, _p, _w in part]),
            "withdrawn_at": at([w for _i, _p, w in part]),
            "source": ["form"] * len(part),
        }

    writer.write(Consent, len(rows), columns, "item consents")


def _finish_photos(photos: list[_Item], start: dt.datetime, staff: Staff) -> None:
    """After the pipeline: the moderators' decisions and the log's views."""
    rows = {r.pk: r for r in ContentItem.objects.filter(pk__in=[i.pk for i in photos])}
    for item in photos:
        row = rows[item.pk]
        if row.state == ContentItem.State.FAILED:
            continue
        row.state = item.state
        row.moderation_note = item.note
        row.view_count = item.views
        row.published_at = _moment(start, item.published) if item.published >= 0 else None
    ContentItem.objects.bulk_update(
        list(rows.values()), ["state", "moderation_note", "view_count", "published_at"],
        batch_size=500,
    )  # fmt: skip


def _write_others(
    items: list[_Item],
    photos: list[_Item],
    start: dt.datetime,
    person: Callable[[int], int],
    places: list[int],
    initiatives: list[int],
    writer: RowWriter,
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
    base = np.datetime64(start.replace(tzinfo=None), "s")
    demo_photos: dict[int, list[int]] = {}
    for photo in photos:
        if photo.state == "published":
            demo_photos.setdefault(photo.contributor, []).append(photo.pk)

    def moments(seconds: list[int]) -> Array:
        values = base + np.array(seconds, dtype=np.int64).astype("timedelta64[s]")
        values[np.array(seconds) < 0] = np.datetime64("NaT")
        return values

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
            "created_at": moments([i.created for i in part]),
            "updated_at": moments([max(i.created, i.published, i.decided) for i in part]),
            "published_at": moments([i.published for i in part]),
        }

    writer.write(ContentItem, len(items), columns, "stories, poems and light items")


def _write_tags(items: list[_Item], tags: dict[str, int], writer: RowWriter) -> None:
    through = ContentItem.tags.through
    rows = [(item.pk, tags[slug]) for item in items for slug in item.tags]

    def columns(begin: int, end: int) -> dict[str, Any]:
        return {
            "contentitem_id": [pk for pk, _t in rows[begin:end]],
            "tag_id": [t for _pk, t in rows[begin:end]],
        }

    writer.write(through, len(rows), columns, "item tags")


def _write_decisions(
    items: list[_Item], start: dt.datetime, staff: Staff, writer: RowWriter
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
            rows.append((item.pk, None, A.AUTO_HIDE, f"{item.reports} reports", _reported(item, 2)))
        if item.dismissed:
            rows.append((item.pk, staff.moderator.pk, A.DISMISS_REPORTS, "Checked: nothing wrong.",
                         _reported(item, 0) + 3_600))  # fmt: skip
    base = np.datetime64(start.replace(tzinfo=None), "s")

    def columns(begin: int, end: int) -> dict[str, Any]:
        part = rows[begin:end]
        return {
            "item_id": [r[0] for r in part],
            "moderator_id": [r[1] for r in part],
            "action": [str(r[2]) for r in part],
            "reason": [r[3] for r in part],
            "created_at": base + np.array([r[4] for r in part], np.int64).astype("timedelta64[s]"),
        }

    writer.write(ModerationDecision, len(rows), columns, "moderation decisions")


def _reported(item: _Item, rank: int) -> int:
    """When the rank-th report on an item came: some days after it was published."""
    end = cat.HISTORY_DAYS * gen.SECONDS_PER_DAY - 1
    return min(item.published + (2 + 3 * rank) * 86_400 + item.pk % 3_600, end)


def _write_reports(
    items: list[_Item],
    start: dt.datetime,
    person: Callable[[int], int],
    world: gen.World,
    rng: np.random.Generator,
) -> None:
    reasons = list(REPORT_DETAILS)
    reports = []
    for item in items:
        for rank in range(item.reports):
            when = _reported(item, rank)
            joined = np.flatnonzero(world.members.signup * gen.SECONDS_PER_DAY < when)
            members = joined[joined != item.contributor]
            reporter = int(rng.choice(members)) if rank % 2 == 0 and members.size else -1
            reason = reasons[int(rng.integers(len(reasons)))]
            key = hashlib.sha256(f"{item.pk}:{rank}".encode()).hexdigest()[:32]
            reports.append(
                Report(
                    item_id=item.pk,
                    reporter_id=person(reporter) if reporter >= 0 else None,
                    reporter_key=f"member:{person(reporter)}"
                    if reporter >= 0
                    else f"address:{key}",
                    reason=reason,
                    details=REPORT_DETAILS[reason],
                    created_at=_moment(start, when),
                    resolved_at=_moment(start, when + 3_600) if item.dismissed else None,
                )
            )
    Report.objects.bulk_create(reports, batch_size=1_000)


def _write_shares(
    shares: list[tuple[int, int, int]],
    items: list[_Item],
    log: gen.Events,
    start: dt.datetime,
    person: Callable[[int], int],
) -> None:
    rows = []
    for act, index, clicks in shares:
        code = base64.urlsafe_b64encode(hashlib.sha256(f"share:{act}".encode()).digest()[:9])
        rows.append(
            Share(
                item_id=items[index].pk,
                sharer_id=person(int(log.member[act])),
                channel=cat.CHANNELS[int(log.channel[act])],
                code=code.decode(),
                click_count=clicks,
                created_at=_moment(start, int(log.seconds[act])),
            )
        )
    Share.objects.bulk_create(rows, batch_size=1_000)


def _write_rights_requests(items: list[_Item], start: dt.datetime, staff: Staff, demo: int) -> None:
    """Two questions from marketing to the demo member, waiting for an answer."""
    mine = [i for i in items if i.contributor == demo and i.state == "published"]
    wanted = [("print", i) for i in mine if "print" not in i.consents][:1]
    wanted += [("social", i) for i in mine if "social" not in i.consents][:1]
    end = cat.HISTORY_DAYS * gen.SECONDS_PER_DAY - 1
    RightsRequest.objects.bulk_create(
        RightsRequest(
            item_id=item.pk,
            requested_by=staff.marketer,
            purpose=purpose,
            message=RIGHTS_MESSAGES[purpose],
            created_at=_moment(start, min(item.published + 5 * 86_400, end)),
        )
        for purpose, item in wanted
    )


def _missing_approvals(
    items: list[_Item],
    log: gen.Events,
    start: dt.datetime,
    person: Callable[[int], int],
    initiatives: list[int],
    touchpoints: list[int],
) -> list[Event]:
    """Approvals for items the demo publishes though the log never approved them."""
    stages = [*cat.STAGES, ""]
    return [
        Event(
            kind=K.CONTENT_APPROVED,
            occurred_at=_moment(start, item.published),
            member_id=person(item.contributor),
            subject_type=ITEM_LABEL,
            subject_id=item.pk,
            initiative_id=initiatives[item.initiative] if item.initiative >= 0 else None,
            channel=cat.CHANNELS[int(log.channel[item.act])],
            touchpoint_id=touchpoints[int(log.touchpoint[item.act])]
            if log.touchpoint[item.act] >= 0
            else None,
            journey_stage=stages[int(log.stage[item.act])],
        )
        for item in items
        if item.approval_missing
    ]
