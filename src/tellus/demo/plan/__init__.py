"""The demo destination's plan: every decision, drawn with NumPy from a seed, no database.

:func:`simulate` draws the visitors (:mod:`.visitors`: members, trips,
consents) and their engagement log (:mod:`.log`); :mod:`.content` decides
which of their submissions become which photos, stories and poems, and what
happened to them. Every draw comes from a generator seeded by the demo's
seed, in a fixed order, so the same seed and size give the same plan;
:mod:`tellus.demo.write` puts it in the database.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tellus.demo.plan.log import Events, draw_log
from tellus.demo.plan.visitors import (
    Consents,
    Members,
    Trips,
    draw_consents,
    draw_members,
    draw_trips,
)

SIZES: dict[str, int] = {"small": 300, "medium": 5_000, "large": 100_000}
MAX_MEMBERS = 2_000_000


@dataclass(frozen=True)
class World:
    members: Members
    trips: Trips
    consents: Consents
    events: Events
    demo_member: int  # the index of member@demo.example


def simulate(members: int, seed: int) -> World:
    """A destination's visitors over two years; deterministic in ``members`` and ``seed``."""
    if isinstance(members, bool) or not isinstance(members, int) or members < 10:
        raise ValueError("The demo needs at least 10 members")
    if members > MAX_MEMBERS:
        raise ValueError(f"The demo makes at most {MAX_MEMBERS:,} members")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise ValueError("The seed is a whole number from 0 to 4294967295")
    rng = np.random.default_rng(seed)
    people, sharer, demo = draw_members(rng, members)
    trips = draw_trips(rng, people, demo)
    consents = draw_consents(rng, people, demo)
    events = draw_log(rng, people, trips, sharer)
    return World(members=people, trips=trips, consents=consents, events=events, demo_member=demo)
