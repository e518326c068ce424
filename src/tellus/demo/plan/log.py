"""The demo's engagement log, simulated: every act of every member, and what followed.

Pure NumPy and no Django: arrays per column, no Python loop per event, so
that five million events take seconds. Each segment (:mod:`.visitors`) has
its own rate and mix of acts; derived acts follow their cause (an approval
after a submission, views after an approval, clicks after a share, an
adoption after an idea, a survey after a trip, a referred sign-up after an
invitation).

Written here because no maintained library simulates members, trips and an
engagement log together (the CLV libraries' generators make transactions only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tellus.demo import catalogue as cat
from tellus.demo.plan.visitors import (
    REFERRAL_WINDOW_DAYS,
    SECONDS_PER_DAY,
    Array,
    H,
    Members,
    Trips,
)
from tellus.engagement import kinds as K

#: Per segment, in the order of ``visitors.SEGMENTS``: own acts a day, surveys answered
#: after a trip, views of a published piece, clicks on a share.
CONTRIBUTIONS_PER_DAY = np.array([0.0, 0.8, 3.5, 6.0, 3.5]) / 30.0
SURVEY_ANSWERED = np.array([0.0, 0.45, 0.7, 0.75, 0.6])
VIEWS_PER_CONTENT = np.array([0.0, 18.0, 25.0, 60.0, 20.0])
CLICKS_PER_SHARE = np.array([0.0, 4.0, 6.0, 12.0, 5.0])

#: The kinds the simulation writes, in a fixed order: events carry their position.
EVENT_KINDS: tuple[str, ...] = (
    K.MEMBER_SIGNED_UP,
    K.TRIP_RECORDED,
    K.CONTENT_SUBMITTED,
    K.CONTENT_APPROVED,
    K.CONTENT_VIEWED,
    K.SHARE_CREATED,
    K.SHARE_CLICKED,
    K.REFERRAL_INVITED,
    K.SURVEY_RESPONDED,
    K.POLL_VOTED,
    K.IDEA_SUBMITTED,
    K.IDEA_ENDORSED,
    K.IDEA_ADOPTED,
    K.SUGGESTION_MADE,
    K.COMMENT_POSTED,
    K.TOPIC_POSTED,
    K.CONTEST_ENTERED,
    K.CONTEST_VOTED,
    K.REACTION_ADDED,
)
KIND = {kind: i for i, kind in enumerate(EVENT_KINDS)}

#: The voluntary acts a segment's members make of their own accord, and in what mix.
OWN_ACTS: tuple[str, ...] = (
    K.CONTENT_SUBMITTED,
    K.SHARE_CREATED,
    K.REFERRAL_INVITED,
    K.POLL_VOTED,
    K.IDEA_SUBMITTED,
    K.IDEA_ENDORSED,
    K.SUGGESTION_MADE,
    K.COMMENT_POSTED,
    K.TOPIC_POSTED,
    K.CONTEST_ENTERED,
    K.CONTEST_VOTED,
    K.REACTION_ADDED,
)
_ACTIVE_MIX = [0.14, 0.08, 0.02, 0.10, 0.04, 0.05, 0.04, 0.18, 0.04, 0.05, 0.09, 0.17]
ACT_MIX = np.array(
    [
        [1.0 / 12] * 12,  # passive receivers make none; the row is never used
        [0.08, 0.07, 0.01, 0.25, 0.01, 0.05, 0.01, 0.12, 0.01, 0.01, 0.15, 0.23],
        _ACTIVE_MIX,
        [0.14, 0.25, 0.12, 0.05, 0.03, 0.02, 0.03, 0.12, 0.04, 0.06, 0.06, 0.08],
        _ACTIVE_MIX,
    ]
)
ACT_TOUCHPOINT = {
    K.CONTENT_SUBMITTED: "upload-page",
    K.SHARE_CREATED: "share-buttons",
    K.REFERRAL_INVITED: "referral-page",
    K.SURVEY_RESPONDED: "survey-email",
    K.CONTEST_ENTERED: "contest-page",
    K.CONTEST_VOTED: "contest-page",
}
SIGN_UP_TOUCHPOINTS = (
    "social-ads",
    "travel-fair",
    "website",
    "newsletter",
    "search",
    "partner-booking",
    "visitor-line",
    "airport-desk",
    "beach-qr",
)
SIGN_UP_TOUCHPOINT_WEIGHTS = np.array([0.2, 0.06, 0.28, 0.1, 0.16, 0.08, 0.02, 0.05, 0.05])

TP = cat.TOUCHPOINT_INDEX
CH = {name: i for i, name in enumerate(cat.CHANNELS)}
STAGE = {name: i for i, name in enumerate(cat.STAGES)}
TOUCHPOINT_STAGE = np.array([STAGE[t.stage] for t in cat.TOUCHPOINTS])
TOUCHPOINT_CHANNEL = np.array([CH[t.channel] for t in cat.TOUCHPOINTS])
SOCIAL = np.array([CH[c] for c in cat.SOCIAL_CHANNELS])
SOCIAL_WEIGHTS = np.array(cat.SOCIAL_SHARES)


@dataclass(frozen=True)
class Events:
    """The engagement log, in time order; -1 (NaN for value) where a column is empty."""

    kind: Array  # index into EVENT_KINDS
    seconds: Array  # since the start of the history
    member: Array
    attributed_to: Array
    initiative: Array  # index into catalogue.INITIATIVES
    channel: Array  # index into catalogue.CHANNELS
    touchpoint: Array  # index into catalogue.TOUCHPOINTS
    stage: Array  # index into catalogue.STAGES
    value: Array
    trip: Array  # trip index for trip.recorded
    #: The event this one follows from, by position, -1 for none: a submission for its
    #: approval and views, a share for its clicks (the seeder gives them one subject).
    cause: Array

    def __len__(self) -> int:
        return int(self.kind.size)


class _Log:
    """Collects columns of events by parts; fills the columns a part leaves empty."""

    def __init__(self) -> None:
        self.parts: list[dict[str, Array]] = []
        self.size = 0

    def add(
        self,
        kind: int | Array,
        days: Array,
        member: int | Array,
        *,
        attributed_to: int | Array = -1,
        initiative: int | Array = -1,
        channel: int | Array = 0,
        touchpoint: int | Array = -1,
        stage: int | Array | None = None,
        value: float | Array = np.nan,
        trip: int | Array = -1,
        cause: int | Array = -1,
    ) -> int:
        """Add a part; returns the position of its first row (what ``cause`` refers to)."""
        size = days.size
        touchpoint = np.broadcast_to(np.asarray(touchpoint, dtype=np.int64), size)
        if stage is None:
            stage = np.where(touchpoint >= 0, TOUCHPOINT_STAGE[np.maximum(touchpoint, 0)], -1)
        columns = {
            "kind": kind,
            "days": days,
            "member": member,
            "attributed_to": attributed_to,
            "initiative": initiative,
            "channel": channel,
            "touchpoint": touchpoint,
            "stage": stage,
            "value": value,
            "trip": trip,
            "cause": cause,
        }
        self.parts.append({k: np.broadcast_to(np.asarray(v), size) for k, v in columns.items()})
        first, self.size = self.size, self.size + size
        return first

    def build(self) -> Events:
        days = np.concatenate([p["days"] for p in self.parts])
        seconds = np.floor(days * SECONDS_PER_DAY).astype(np.int64)
        keep = (seconds >= 0) & (seconds < int(H) * SECONDS_PER_DAY)
        order = np.flatnonzero(keep)[np.argsort(seconds[keep], kind="stable")]
        dtypes = {"value": np.float64, "kind": np.int16, "channel": np.int16, "stage": np.int16}

        def column(name: str) -> Array:
            joined = np.concatenate([p[name] for p in self.parts])
            return joined[order].astype(dtypes.get(name, np.int64))

        # Causes point at positions before sorting: map them to positions after.
        position = np.full(days.size, -1, dtype=np.int64)
        position[order] = np.arange(order.size)
        cause = column("cause")
        cause = np.where(cause >= 0, position[np.maximum(cause, 0)], -1)

        return Events(
            kind=column("kind"),
            seconds=seconds[order],
            member=column("member"),
            attributed_to=column("attributed_to"),
            initiative=column("initiative"),
            channel=column("channel"),
            touchpoint=column("touchpoint"),
            stage=column("stage"),
            value=column("value"),
            trip=column("trip"),
            cause=cause,
        )


def _categorical(rng: np.random.Generator, weights: Array) -> Array:
    """One draw per row from a row's (unnormalised) weights."""
    cumulative = np.cumsum(weights, axis=1)
    draw = rng.random(weights.shape[0]) * cumulative[:, -1]
    return (draw[:, None] >= cumulative).sum(axis=1)


def _initiatives_for(rng: np.random.Generator, kind: Array, days: Array) -> Array:
    """The initiative each act answers (-1: none), among those running at the time."""
    chosen = np.full(kind.size, -1, dtype=np.int64)
    for code, name in enumerate(EVENT_KINDS):
        rows = np.flatnonzero(kind == code)
        candidates = [(i, s) for i, s in enumerate(cat.INITIATIVES) if name in s.draws]
        if rows.size == 0 or not candidates:
            continue
        weights = np.zeros((rows.size, len(candidates) + 1))
        weights[:, 0] = cat.ORGANIC.get(name, 1.0)
        for j, (_i, spec) in enumerate(candidates, start=1):
            end = H if spec.end_day is None else spec.end_day
            running = (days[rows] >= spec.start_day) & (days[rows] < end)
            weights[:, j] = spec.draws[name] * running
        pick = _categorical(rng, weights)
        index = np.array([-1] + [i for i, _spec in candidates])
        chosen[rows] = index[pick]
    return chosen


def _members_at(rng: np.random.Generator, people: Members, days: Array, share: float) -> Array:
    """A random member for a ``share`` of acts (who had joined by then), else -1 (a visitor)."""
    someone = rng.integers(0, len(people), days.size)
    identified = (rng.random(days.size) < share) & (people.signup[someone] <= days)
    return np.where(identified, someone, -1)


def _popularity(rng: np.random.Generator, size: int) -> Array:
    """A heavy-tailed multiplier with mean one: a few pieces travel far."""
    return rng.lognormal(0.0, 0.9, size) / np.exp(0.9**2 / 2)


def draw_log(rng: np.random.Generator, people: Members, trips: Trips, sharer: Array) -> Events:
    n = len(people)
    signup, segment, until = people.signup, people.segment, people.active_until
    log = _Log()

    # Sign-ups: by invitation (referral channel), after a share, or on their own.
    referrer = people.referrer
    invited = referrer >= 0
    shared = sharer >= 0
    tp = np.array([TP[s] for s in SIGN_UP_TOUCHPOINTS])[
        rng.choice(len(SIGN_UP_TOUCHPOINTS), n, p=SIGN_UP_TOUCHPOINT_WEIGHTS)
    ]
    share_channel = SOCIAL[rng.choice(SOCIAL.size, n, p=SOCIAL_WEIGHTS)]
    channel = np.where(invited, CH["referral"], np.where(shared, share_channel, 0))
    channel = np.where(channel == 0, TOUCHPOINT_CHANNEL[tp], channel)
    tp = np.where(invited | shared, TP["shared-links"], tp)
    bring_a_friend = next(i for i, s in enumerate(cat.INITIATIVES) if s.slug == "bring-a-friend")
    log.add(
        KIND[K.MEMBER_SIGNED_UP],
        signup,
        np.arange(n),
        attributed_to=np.where(invited, referrer, sharer),
        initiative=np.where(invited, bring_a_friend, -1),
        channel=channel,
        touchpoint=tp,
    )

    # Trips, recorded at noon on arrival; referred ones on the referral channel, and
    # those soon after a sign-up from a member's share link on that link's channel
    # (what the sharer's influence brought: CIV).
    referred = trips.referred_by >= 0
    traveller_sharer = sharer[trips.member]
    after_share = (
        ~referred
        & (traveller_sharer >= 0)
        & (trips.arrival - signup[trips.member] <= REFERRAL_WINDOW_DAYS)
    )
    log.add(
        KIND[K.TRIP_RECORDED],
        trips.arrival + 0.5,
        trips.member,
        attributed_to=np.where(
            referred, trips.referred_by, np.where(after_share, traveller_sharer, -1)
        ),
        channel=np.where(
            referred, CH["referral"], np.where(after_share, share_channel[trips.member], 0)
        ),
        stage=STAGE["trip"],
        value=trips.spend,
        trip=np.arange(len(trips)),
    )

    # The members' own acts: a Poisson count over their active months, mixed by segment.
    exposure = np.maximum(until - signup, 0.0)
    count = rng.poisson(CONTRIBUTIONS_PER_DAY[segment] * exposure)
    contributor = np.repeat(np.arange(n), count)
    when = signup[contributor] + rng.random(contributor.size) * exposure[contributor]
    act = np.array([KIND[k] for k in OWN_ACTS])[_categorical(rng, ACT_MIX[segment[contributor]])]
    act_tp = np.full(contributor.size, TP["community"])
    for name, slug in ACT_TOUCHPOINT.items():
        act_tp[act == KIND[name]] = TP[slug]
    # Half the content is made on or just after a trip: the mobile guide while there.
    trip_first = np.searchsorted(trips.member, np.arange(n))
    trip_count = np.bincount(trips.member, minlength=n)
    near = np.flatnonzero(
        (act == KIND[K.CONTENT_SUBMITTED])
        & (trip_count[contributor] > 0)
        & (rng.random(contributor.size) < 0.5)
    )
    which = trip_first[contributor[near]] + (
        rng.random(near.size) * trip_count[contributor[near]]
    ).astype(int)
    moment = trips.arrival[which] + rng.random(near.size) * (trips.nights[which] + 10)
    fits = (moment >= signup[contributor[near]]) & (moment < until[contributor[near]])
    near, moment, which = near[fits], moment[fits], which[fits]
    when[near] = moment
    act_tp[near] = np.where(
        moment < trips.arrival[which] + trips.nights[which], TP["mobile-guide"], TP["upload-page"]
    )
    act_channel = np.where(rng.random(contributor.size) < 0.65, CH["website"], CH["app"])
    act_channel = np.where(act_tp == TP["mobile-guide"], CH["app"], act_channel)
    act_channel = np.where(
        act == KIND[K.SHARE_CREATED],
        SOCIAL[rng.choice(SOCIAL.size, contributor.size, p=SOCIAL_WEIGHTS)],
        act_channel,
    )
    act_channel = np.where(
        act == KIND[K.REFERRAL_INVITED],
        np.where(rng.random(contributor.size) < 0.6, CH["email"], CH["whatsapp"]),
        act_channel,
    )

    # Invitations that brought a member, and shares that did, just before their sign-up.
    invitee = np.flatnonzero(invited)
    gap = np.minimum(
        rng.exponential(7.0, invitee.size) + 0.05, signup[invitee] - signup[referrer[invitee]]
    )
    invite_days = signup[invitee] - gap
    joiner = np.flatnonzero(shared)
    lead = np.minimum(
        rng.exponential(5.0, joiner.size) + 0.05, signup[joiner] - signup[sharer[joiner]]
    )
    share_days = signup[joiner] - lead

    # Surveys answered after a trip, by contributors still active then.
    departure = trips.arrival + trips.nights
    answered = rng.random(len(trips)) < SURVEY_ANSWERED[segment[trips.member]]
    survey_days = departure + rng.exponential(4.0, len(trips)) + 0.1
    answered &= (survey_days >= signup[trips.member]) & (survey_days < until[trips.member])

    # Every act a member chose to make, together, so that initiatives are drawn once.
    a_member = np.concatenate(
        [contributor, referrer[invitee], sharer[joiner], trips.member[answered]]
    )
    a_days = np.concatenate([when, invite_days, share_days, survey_days[answered]])
    a_kind = np.concatenate(
        [
            act,
            np.full(invitee.size, KIND[K.REFERRAL_INVITED]),
            np.full(joiner.size, KIND[K.SHARE_CREATED]),
            np.full(int(answered.sum()), KIND[K.SURVEY_RESPONDED]),
        ]
    )
    a_tp = np.concatenate(
        [
            act_tp,
            np.full(invitee.size, TP["referral-page"]),
            np.full(joiner.size, TP["share-buttons"]),
            np.full(int(answered.sum()), TP["survey-email"]),
        ]
    )
    a_channel = np.concatenate(
        [
            act_channel,
            np.full(invitee.size, CH["email"]),
            share_channel[joiner],
            np.full(int(answered.sum()), CH["email"]),
        ]
    )
    a_initiative = _initiatives_for(rng, a_kind, a_days)
    acts = log.add(
        a_kind, a_days, a_member, initiative=a_initiative, channel=a_channel, touchpoint=a_tp
    )

    # The acts that follow: approvals and views of content, clicks on shares, adopted ideas.
    content = np.flatnonzero(a_kind == KIND[K.CONTENT_SUBMITTED])
    approved = content[rng.random(content.size) < 0.85]
    approved_days = a_days[approved] + rng.exponential(1.2, approved.size) + 0.02
    log.add(
        KIND[K.CONTENT_APPROVED],
        approved_days,
        a_member[approved],
        initiative=a_initiative[approved],
        touchpoint=a_tp[approved],
        cause=acts + approved,
    )
    mean_views = VIEWS_PER_CONTENT[segment[a_member[approved]]] * _popularity(rng, approved.size)
    views = rng.poisson(mean_views)
    piece = np.repeat(np.arange(approved.size), views)
    view_days = approved_days[piece] + rng.exponential(40.0, piece.size)
    log.add(
        KIND[K.CONTENT_VIEWED],
        view_days,
        _members_at(rng, people, view_days, 0.2),
        attributed_to=a_member[approved][piece],
        initiative=a_initiative[approved][piece],
        channel=np.where(rng.random(piece.size) < 0.7, CH["website"], CH["app"]),
        touchpoint=TP["map-gallery"],
        cause=acts + approved[piece],
    )

    share = np.flatnonzero(a_kind == KIND[K.SHARE_CREATED])
    clicks = rng.poisson(CLICKS_PER_SHARE[segment[a_member[share]]] * _popularity(rng, share.size))
    source = np.repeat(share, clicks)
    click_days = a_days[source] + rng.exponential(3.0, source.size) + 0.001
    log.add(
        KIND[K.SHARE_CLICKED],
        click_days,
        _members_at(rng, people, click_days, 0.1),
        attributed_to=a_member[source],
        initiative=a_initiative[source],
        channel=a_channel[source],
        touchpoint=TP["shared-links"],
        cause=acts + source,
    )
    # The click that brought each member who joined after a share (not yet a member then).
    seeded = contributor.size + invitee.size + np.arange(joiner.size)
    log.add(
        KIND[K.SHARE_CLICKED],
        signup[joiner] - np.minimum(0.02, lead / 2),
        -1,
        attributed_to=sharer[joiner],
        initiative=a_initiative[seeded],
        channel=share_channel[joiner],
        touchpoint=TP["shared-links"],
        cause=acts + seeded,
    )

    idea = np.flatnonzero(a_kind == KIND[K.IDEA_SUBMITTED])
    adopted = idea[rng.random(idea.size) < 0.12]
    worth = np.where(
        rng.random(adopted.size) < 0.5, np.round(rng.uniform(200, 4000, adopted.size), -1), np.nan
    )
    log.add(
        KIND[K.IDEA_ADOPTED],
        a_days[adopted] + rng.uniform(20.0, 150.0, adopted.size),
        a_member[adopted],
        initiative=a_initiative[adopted],
        touchpoint=TP["community"],
        value=worth,
    )
    return log.build()
