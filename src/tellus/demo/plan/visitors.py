"""The demo's visitors, simulated: who they are, when they travel, what they allow.

Pure NumPy and no Django, so that it can be tested alone and a hundred
thousand members take seconds: arrays per column. Times are days since the
start of the history (``catalogue.HISTORY_DAYS`` long); the writers turn
them into dates.

Trips follow the BG/NBD story (Fader, Hardie and Lee 2005, "Counting your
customers the easy way"): while "alive", a member travels as a Poisson
process whose rate is drawn from a Gamma distribution, and after each trip
drops out for good with a probability drawn from a Beta distribution. Spend
per trip follows the Gamma-Gamma model (Fader, Hardie and Lee 2005, "RFM and
CLV"): Gamma around the member's own mean, whose scale varies across members
by another Gamma. So the CLV models later fitted on the demo have a known
truth (``TRIP_RATE_*``, ``DROPOUT_*``, ``SPEND_*``) to recover.

Each member belongs to one of five engagement segments (passive receivers,
occasional and active contributors, advocates, at-risk contributors who
stopped some months ago); :mod:`.log` draws what each segment does.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tellus.demo import catalogue as cat
from tellus.demo.names import COUNTRIES, FAMILY_NAMES, GIVEN_NAMES

Array = npt.NDArray[Any]

H = float(cat.HISTORY_DAYS)
SECONDS_PER_DAY = 86_400

SEGMENTS = (
    "passive_receiver",
    "occasional_contributor",
    "active_contributor",
    "advocate",
    "at_risk",
)
PASSIVE, OCCASIONAL, ACTIVE, ADVOCATE, AT_RISK = range(5)
SEGMENT_SHARES = np.array([0.58, 0.21, 0.11, 0.04, 0.06])
TRAVEL_FACTOR = np.array([1.0, 1.1, 1.25, 1.4, 1.1])  # engaged members travel a little more
REFERRER_WEIGHT = np.array([0.0, 1.0, 3.0, 15.0, 0.0])  # who brings friends (never the silent)
REFERRED_SHARE = 0.12  # members who came through a friend's invitation (the referral channel)
SHARE_SIGN_UP_SHARE = 0.08  # members who came through someone's share on a social network

# BG/NBD: trip rate ~ Gamma(r, r / mean); dropout after each trip ~ Beta(a, b).
TRIP_RATE_SHAPE = 0.8
TRIP_RATE_MEAN_PER_YEAR = 0.9
DROPOUT_A, DROPOUT_B = 1.0, 2.6
NEVER_TRAVEL = 0.2  # signed up, dreamt, never came (yet)
SIGN_UP_ON_TRIP = 0.35  # signed up during or just after their first trip
# Gamma-Gamma: spend ~ Gamma(p, nu); nu ~ Gamma(q, gamma); mean spend = p * gamma / (q - 1).
SPEND_P, SPEND_Q, SPEND_GAMMA = 5.0, 3.5, 550.0

NIGHTS = np.arange(3, 15)
NIGHT_WEIGHTS = np.array([8, 10, 12, 10, 8, 20, 5, 4, 3, 3, 3, 6], dtype=float)
PARTY_SIZES = np.arange(1, 7)
PARTY_WEIGHTS = np.array([0.2, 0.42, 0.1, 0.2, 0.06, 0.02])
TRIP_SOURCES = ("booking", "partner", "survey", "self_reported")
TRIP_SOURCE_WEIGHTS = np.array([0.4, 0.3, 0.2, 0.1])
REFERRAL_WINDOW_DAYS = 180  # a referred member's trips within it count as referred

PURPOSES = ("website", "social", "print", "marketing", "exact_location")
CONSENT_SOURCES = ("sign-up", "form")
#: Chance of each purpose granted at sign-up: passive receivers, then contributors.
GRANTED_AT_SIGN_UP = np.array([[0.7, 0.35, 0.15, 0.4, 0.2], [0.95, 0.65, 0.35, 0.45, 0.4]])
WITHDRAWN_LATER = np.array([0.04, 0.08, 0.05, 0.15, 0.1])
GRANTED_AGAIN = 0.3
GRANTED_LATER = 0.06
LANGUAGES = ("", "en", "es")
SPANISH_SPEAKING = {"ES", "MX", "AR"}


@dataclass(frozen=True)
class Members:
    """One entry per member, in order of sign-up."""

    signup: Array  # days
    country: list[str]
    language: Array  # index into LANGUAGES
    display_name: list[str]
    email: list[str]
    segment: Array  # index into SEGMENTS
    active_until: Array  # days: when they stop contributing (the history's end but for at-risk)
    referrer: Array  # member index of whoever invited them, -1 for none
    has_avatar: Array  # bool: uploaded a picture (the seeder draws it where the size allows)

    def __len__(self) -> int:
        return len(self.display_name)


@dataclass(frozen=True)
class Trips:
    """One entry per trip, by member then arrival."""

    member: Array
    arrival: Array  # whole days
    nights: Array
    spend: Array  # currency, two decimals
    party_size: Array
    source: Array  # index into TRIP_SOURCES
    referred_by: Array  # member index, -1 for none

    def __len__(self) -> int:
        return int(self.member.size)


@dataclass(frozen=True)
class Consents:
    """Person-level grants: who allowed what, when, and when it was withdrawn (NaN: never)."""

    member: Array
    purpose: Array  # index into PURPOSES
    granted: Array  # days
    withdrawn: Array  # days, NaN while active
    source: Array  # index into CONSENT_SOURCES

    def __len__(self) -> int:
        return int(self.member.size)


# --------------------------------------------------------------------------- members


@functools.cache
def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(c for c in folded if c.isalnum())


def _pick_earlier(rng: np.random.Generator, signup: Array, weight: Array, mask: Array) -> Array:
    """For each masked member, someone who signed up at least three days before, by weight."""
    cumulative = np.cumsum(weight)
    limit = np.searchsorted(signup, signup - 3.0, side="right")  # how many signed up earlier
    reach = np.where(limit > 0, cumulative[np.maximum(limit - 1, 0)], 0.0)
    draw = rng.random(signup.size) * reach
    chosen = np.minimum(np.searchsorted(cumulative, draw, side="right"), signup.size - 1)
    ok = mask & (reach > 0) & (chosen < limit)
    return np.where(ok, chosen, -1)


def draw_members(rng: np.random.Generator, n: int) -> tuple[Members, Array, int]:
    signup = np.sort(H * rng.beta(1.4, 1.0, n))  # more sign-ups lately: the platform grows
    country_weights = np.array([c[1] for c in COUNTRIES])
    country = rng.choice(len(COUNTRIES), n, p=country_weights / country_weights.sum())
    name_u = rng.random((n, 2))
    form = rng.choice(3, n, p=[0.65, 0.25, 0.1])
    speaks = rng.random(n)
    segment = rng.choice(len(SEGMENTS), n, p=SEGMENT_SHARES)
    stop = H - rng.uniform(95.0, 400.0, n)
    referred = rng.random(n) < REFERRED_SHARE
    via_share = ~referred & (rng.random(n) < SHARE_SIGN_UP_SHARE / (1 - REFERRED_SHARE))
    has_avatar = rng.random(n) < np.where(segment == PASSIVE, 0.1, 0.4)

    # At-risk contributors stopped at least three months ago, after a month or more of activity.
    segment[(segment == AT_RISK) & (stop - signup < 30.0)] = OCCASIONAL
    demo = min(int(np.searchsorted(signup, 40.0)), n - 1)
    segment[demo], has_avatar[demo] = ACTIVE, True
    referred[demo] = via_share[demo] = False
    active_until = np.where(segment == AT_RISK, stop, H)

    weight = REFERRER_WEIGHT[segment]
    referrer = _pick_earlier(rng, signup, weight, referred)
    sharer = _pick_earlier(rng, signup, weight, via_share)

    countries, names, emails, language = [], [], [], np.zeros(n, dtype=np.int8)
    domains = ("example.com", "example.net", "example.org")
    for i in range(n):  # strings are made once per member, not per event
        code, _share, lang = COUNTRIES[country[i]]
        given_list, family_list = GIVEN_NAMES[lang], FAMILY_NAMES[lang]
        given = given_list[int(name_u[i, 0] * len(given_list))]
        family = family_list[int(name_u[i, 1] * len(family_list))]
        if form[i] == 0:
            names.append(f"{given} {family}")
        elif form[i] == 1:
            names.append(f"{given} {family.split()[-1][0].upper()}.")
        else:
            names.append(given)
        emails.append(f"{_ascii(given)}.{_ascii(family)}.{i + 1}@{domains[i % 3]}")
        countries.append(code)
        if code in SPANISH_SPEAKING:
            language[i] = 2 if speaks[i] < 0.9 else 1
        else:
            language[i] = 1 if speaks[i] < 0.85 else (2 if speaks[i] < 0.9 else 0)
    names[demo], emails[demo], countries[demo], language[demo] = (
        "Marta Quintana",
        cat.DEMO_MEMBER_EMAIL,
        "ES",
        1,
    )
    people = Members(
        signup=signup,
        country=countries,
        language=language,
        display_name=names,
        email=emails,
        segment=segment,
        active_until=active_until,
        referrer=referrer,
        has_avatar=has_avatar,
    )
    return people, sharer, demo


# --------------------------------------------------------------------------- trips


def draw_trips(rng: np.random.Generator, people: Members, demo: int) -> Trips:
    n = len(people)
    signup = people.signup
    rate = rng.gamma(TRIP_RATE_SHAPE, TRIP_RATE_MEAN_PER_YEAR / TRIP_RATE_SHAPE, n) / 365.0
    rate *= TRAVEL_FACTOR[people.segment]
    dropout = rng.beta(DROPOUT_A, DROPOUT_B, n)
    never = rng.random(n) < NEVER_TRAVEL
    on_trip = (rng.random(n) < SIGN_UP_ON_TRIP) & (people.referrer < 0)  # the referred come after
    offset = np.where(on_trip, -rng.uniform(0.0, 25.0, n), rng.exponential(70.0, n))
    spend_scale = rng.gamma(SPEND_Q, 1.0 / SPEND_GAMMA, n)  # nu per member (a rate)
    # The demo member comes back regularly (about every five months) and never drops out.
    rate[demo], dropout[demo], never[demo], offset[demo] = 365.0 / 150.0, 0.0, False, 20.0

    first = np.maximum(signup + offset, 0.0)
    current = np.flatnonzero(~never & (first < H))
    when = first[current]
    parts: list[tuple[Array, Array, Array]] = []
    while current.size:
        arrival = np.floor(when)
        nights = rng.choice(NIGHTS, current.size, p=NIGHT_WEIGHTS / NIGHT_WEIGHTS.sum())
        parts.append((current, arrival, nights))
        alive = rng.random(current.size) >= dropout[current]
        following = arrival + nights + rng.exponential(1.0 / rate[current])
        following[current == demo] = arrival[current == demo] + 150.0  # a regular
        keep = alive & (following < H)
        current, when = current[keep], following[keep]
    if parts:
        member = np.concatenate([p[0] for p in parts])
        arrival = np.concatenate([p[1] for p in parts]).astype(np.int64)
        nights = np.concatenate([p[2] for p in parts]).astype(np.int64)
    else:
        member = arrival = nights = np.zeros(0, dtype=np.int64)
    order = np.lexsort((arrival, member))
    member, arrival, nights = member[order], arrival[order], nights[order]
    count = member.size
    spend = np.round(rng.gamma(SPEND_P, 1.0 / spend_scale[member]), 2)
    party = rng.choice(PARTY_SIZES, count, p=PARTY_WEIGHTS)
    source = rng.choice(len(TRIP_SOURCES), count, p=TRIP_SOURCE_WEIGHTS)
    # A referred member's trips soon after they joined are the referral's doing.
    referrer = people.referrer[member]
    referred = (referrer >= 0) & (arrival - signup[member] <= REFERRAL_WINDOW_DAYS)
    return Trips(
        member=member,
        arrival=arrival,
        nights=nights,
        spend=spend,
        party_size=party,
        source=source,
        referred_by=np.where(referred, referrer, -1),
    )


# --------------------------------------------------------------------------- consents


def draw_consents(rng: np.random.Generator, people: Members, demo: int) -> Consents:
    n, k = len(people), len(PURPOSES)
    signup = people.signup
    contributor = (people.segment != PASSIVE).astype(int)
    granted = rng.random((n, k)) < GRANTED_AT_SIGN_UP[contributor]
    withdrawn = granted & (rng.random((n, k)) < WITHDRAWN_LATER)
    # The demo member shows a history: website, social and marketing granted, social withdrawn.
    granted[demo] = [True, True, False, True, False]
    withdrawn[demo] = [False, True, False, False, False]
    withdrawn_at = signup[:, None] + rng.random((n, k)) * (H - signup[:, None])
    again = withdrawn & (rng.random((n, k)) < GRANTED_AGAIN)
    again_at = withdrawn_at + rng.random((n, k)) * (H - withdrawn_at)
    later = ~granted & (rng.random((n, k)) < GRANTED_LATER)
    later_at = signup[:, None] + rng.random((n, k)) * (H - signup[:, None])

    first_m, first_p = np.nonzero(granted)
    again_m, again_p = np.nonzero(again)
    later_m, later_p = np.nonzero(later)
    nan = np.full(again_m.size + later_m.size, np.nan)
    return Consents(
        member=np.concatenate([first_m, again_m, later_m]),
        purpose=np.concatenate([first_p, again_p, later_p]),
        granted=np.concatenate(
            [signup[first_m] + 1e-4, again_at[again_m, again_p], later_at[later_m, later_p]]
        ),
        withdrawn=np.concatenate(
            [np.where(withdrawn[first_m, first_p], withdrawn_at[first_m, first_p], np.nan), nan]
        ),
        source=np.concatenate(
            [np.zeros(first_m.size, dtype=np.int64), np.ones(nan.size, dtype=np.int64)]
        ),
    )
