"""Which of the log's submissions become which photos, stories and poems, and what became of them.

Every item stands for one ``content.submitted`` act of the simulated log
(same contributor, moment and initiative), and the log's events about it (the
approval, the views, shares of it and clicks on those) name it as their
subject, so the engagement figures and the content agree: an item's view
count is the number of its ``content.viewed`` events, a share's click count
the number of its ``share.clicked`` events. Acts of the log that the demo
turns down (an item left pending, rejected or asked to edit) lose their
approval and views; an item published without an approval in the log gets one.

The plan says, per item, its kind, state, words (:mod:`.words`), scene, place,
position and consents, and which share links, reports and rights requests
there are; :mod:`tellus.demo.write.content` writes it. Sizes: see
``AMOUNTS``; the large demo adds lightweight items (stories, poems, and photos
that show the renditions of a few painted ones) so that the map has volume
without thousands of files.

Deterministic in the seed: the plan is drawn from a generator of its own,
after the simulation, and leaves the simulation's draws untouched. Items are
numbered from ``first_id`` (the next free primary key), which the times of
their reports depend on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from tellus.demo import catalogue as cat
from tellus.demo import landscapes
from tellus.demo.plan import World, words
from tellus.demo.plan.log import KIND, Events
from tellus.demo.plan.visitors import LANGUAGES, SECONDS_PER_DAY
from tellus.engagement import kinds as K

Array = npt.NDArray[Any]


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
#: What a visitor who reports an item says, by reason (``Report.Reason`` values).
REPORT_DETAILS = {
    "privacy": "My children are in this picture.",
    "spam": "This is an advert.",
    "wrong_place": "This is not on the island.",
    "other": "",
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


@dataclass
class PlannedItem:
    """One photo, story or poem, as the plan decided it."""

    act: int  # the submission's position in the log
    contributor: int  # member index
    kind: str
    state: str = "published"
    has_file: bool = False
    light: bool = False
    pk: int = 0  # first_id onwards, in the order of the plan
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


class ShareLink(NamedTuple):
    act: int  # the share.created event in the log
    item: int  # the shared item's position in the plan
    clicks: int  # the share.clicked events that follow the act


class ReportFiled(NamedTuple):
    item: PlannedItem
    rank: int  # first, second... report on the item
    reporter: int  # member index, -1 for a visitor without an account
    reason: str
    at: int  # seconds since the start


class RightsAsked(NamedTuple):
    item: PlannedItem
    purpose: str
    at: int  # seconds since the start


@dataclass(eq=False)
class ContentPlan:
    """The items and what happened to them; what the event log needs from them."""

    items: list[PlannedItem]
    shares: list[ShareLink]
    reports: list[ReportFiled]
    rights_requests: list[RightsAsked]
    subject: Array  # item id per simulated event, -1 for none
    keep: Array  # bool per simulated event: False for approvals and views the demo turns down


def plan_content(world: World, *, size: str, seed: int, first_id: int) -> ContentPlan:
    """Decide the content of a demo of ``size``; items are numbered from ``first_id``."""
    rng = np.random.default_rng([seed, 4_711])
    planner = _Planner(world, rng, AMOUNTS[size])
    items = planner.plan()
    for offset, item in enumerate(items):
        item.pk = first_id + offset
    shares = planner.shares(items)
    reports = planner.filed_reports(items)
    subject, keep = _subjects(items, shares, world.events)
    return ContentPlan(
        items=items,
        shares=shares,
        reports=reports,
        rights_requests=_rights_requests(items, world.demo_member),
        subject=subject,
        keep=keep,
    )


def _subjects(
    items: list[PlannedItem], shares: list[ShareLink], events: Events
) -> tuple[Array, Array]:
    """Each simulated event's item (its own act, or the act it follows), and which to keep."""
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
    follows = (kind == KIND[K.CONTENT_APPROVED]) | (kind == KIND[K.CONTENT_VIEWED])
    keep = ~(follows & (cause >= 0) & dropped[np.maximum(cause, 0)])
    return subject, keep


# --------------------------------------------------------------------------- planning


class _Planner:
    """Decides, from the log and a generator of its own, what each item is and becomes."""

    def __init__(self, world: World, rng: np.random.Generator, amounts: Amounts) -> None:
        self.world, self.rng, self.amounts = world, rng, amounts
        events = world.events
        self.events = events
        kind = events.kind
        self.approval_at = np.full(len(events), -1, dtype=np.int64)
        approvals = np.flatnonzero(kind == KIND[K.CONTENT_APPROVED])
        self.approval_at[events.cause[approvals]] = events.seconds[approvals]
        self.views = np.bincount(
            events.cause[(kind == KIND[K.CONTENT_VIEWED]) & (events.cause >= 0)],
            minlength=len(events),
        )
        self.end = cat.HISTORY_DAYS * SECONDS_PER_DAY

    def plan(self) -> list[PlannedItem]:
        events, rng, amounts = self.events, self.rng, self.amounts
        demo = self.world.demo_member
        acts = np.flatnonzero((events.kind == KIND[K.CONTENT_SUBMITTED]) & (events.member >= 0))
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
            items.append(
                PlannedItem(act=int(others[index]), contributor=0, kind="photo", has_file=True)
            )
        for index in np.sort(texts).tolist():
            story = rng.random() < (0.8 if weight[index] < 0.5 else 0.55)
            items.append(
                PlannedItem(
                    act=int(others[index]), contributor=0, kind="story" if story else "poem"
                )
            )
        for index in np.sort(light).tolist():
            photo = rng.random() < weight[index]
            kind = "photo" if photo else ("story" if rng.random() < 0.6 else "poem")
            items.append(PlannedItem(act=int(others[index]), contributor=0, kind=kind, light=True))
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

    def _demo_items(self, acts: Array) -> list[PlannedItem]:
        """The demo member's acts, one per role; the published ones are the oldest."""
        roles = sorted(DEMO_ROLES[: acts.size], key=lambda role: ROLE_TIME[role[0]])
        ordered = acts[np.argsort(self.events.seconds[acts], kind="stable")]
        items = []
        for act, (state, kind) in zip(ordered.tolist(), roles, strict=False):
            item = PlannedItem(
                act=act, contributor=0, kind=kind, state=state, has_file=kind == "photo"
            )
            item.reports = 3 if state == "hidden" else 0  # hidden after three reports
            items.append(item)
        for act in ordered[len(roles) :].tolist():
            items.append(PlannedItem(act=act, contributor=0, kind="photo", has_file=True))
        return items

    def _states(self, items: list[PlannedItem]) -> None:
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

    def _describe(self, item: PlannedItem) -> None:
        rng, world = self.rng, self.world
        language = LANGUAGES[int(world.members.language[item.contributor])] or "en"
        item.language = language if language in words.LANGUAGES else "en"
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
            item.title, item.caption = words.photo_text(rng, item.language, item.scene, place.name)
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
            item.title, item.body = words.story(rng, item.language, place.name)
            self._somewhere(item, place_index)
        else:
            item.title, item.body = words.poem(rng, item.language)
            if rng.random() < 0.6:
                self._somewhere(item, place_index)
        if (item.kind == "photo" and item.scene == "saltpans") or rng.random() < 0.1:
            item.tags = (*item.tags, "sunset")
        item.tags = tuple(dict.fromkeys(item.tags))

    def _somewhere(self, item: PlannedItem, place_index: int) -> None:
        """A named place (most stories), or a point picked on the map."""
        place = cat.PLACES[place_index]
        if self.rng.random() < 0.7:
            item.place = place_index
            item.latitude, item.longitude = place.latitude, place.longitude
            item.location_source = "place"
        else:
            item.latitude, item.longitude = _near(self.rng, place)
            item.location_source = "map"

    def _consents(self, items: list[PlannedItem]) -> None:
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

    def _reports(self, items: list[PlannedItem]) -> None:
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

    def shares(self, items: list[PlannedItem]) -> list[ShareLink]:
        """Share links from the log's shares: (share act, item position, clicks)."""
        events, rng = self.events, self.rng
        channels = np.array([c in SHARE_CHANNELS for c in cat.CHANNELS])
        acts = np.flatnonzero(
            (events.kind == KIND[K.SHARE_CREATED]) & (events.member >= 0) & channels[events.channel]
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
            events.cause[(events.kind == KIND[K.SHARE_CLICKED]) & (events.cause >= 0)],
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
            shares.append(ShareLink(act, chosen, int(clicks[act])))
        return shares

    def filed_reports(self, items: list[PlannedItem]) -> list[ReportFiled]:
        """Who reported each reported item and why: a member who had joined, or a visitor."""
        reasons = list(REPORT_DETAILS)
        signed_up = self.world.members.signup * SECONDS_PER_DAY
        reports = []
        for item in items:
            for rank in range(item.reports):
                when = reported_at(item, rank)
                joined = np.flatnonzero(signed_up < when)
                members = joined[joined != item.contributor]
                reporter = int(self.rng.choice(members)) if rank % 2 == 0 and members.size else -1
                reason = reasons[int(self.rng.integers(len(reasons)))]
                reports.append(ReportFiled(item, rank, reporter, reason, when))
        return reports


def _near(rng: np.random.Generator, place: cat.PlaceSpec) -> tuple[float, float]:
    """A point a few hundred metres from a place."""
    latitude = place.latitude + float(rng.normal(0.0, 0.004))
    longitude = place.longitude + float(rng.normal(0.0, 0.005))
    return round(latitude, 6), round(longitude, 6)


def reported_at(item: PlannedItem, rank: int) -> int:
    """When the rank-th report on an item came: some days after it was published."""
    end = cat.HISTORY_DAYS * SECONDS_PER_DAY - 1
    return min(item.published + (2 + 3 * rank) * 86_400 + item.pk % 3_600, end)


def _rights_requests(items: list[PlannedItem], demo: int) -> list[RightsAsked]:
    """Two questions from marketing to the demo member, waiting for an answer."""
    mine = [i for i in items if i.contributor == demo and i.state == "published"]
    wanted = [("print", i) for i in mine if "print" not in i.consents][:1]
    wanted += [("social", i) for i in mine if "social" not in i.consents][:1]
    end = cat.HISTORY_DAYS * SECONDS_PER_DAY - 1
    return [
        RightsAsked(item=item, purpose=purpose, at=min(item.published + 5 * 86_400, end))
        for purpose, item in wanted
    ]
