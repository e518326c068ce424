"""The "Question of the month" polls, and which of the log's poll votes went to which poll.

One poll a month for the last months of the history: the latest still open
(it closes after the day the demo is seeded up to), the others closed with
their results. Every vote stands for one ``poll.voted`` act of the simulated
log (same member and moment), cast in the poll open at the time, once per
member and poll; acts outside the polls' months, or a member's second act in
the same month, keep no subject, as content acts that become no item. Each
poll's options have a popularity of their own, so results differ.

Deterministic in the seed, drawn from a generator of its own after the
simulation, without the database; polls are numbered from ``first_id``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from tellus.demo import catalogue as cat
from tellus.demo.plan import World
from tellus.demo.plan.log import KIND
from tellus.demo.plan.visitors import SECONDS_PER_DAY
from tellus.engagement import kinds as K

Array = npt.NDArray[Any]

MONTH = 30 * SECONDS_PER_DAY
OPEN_DAYS = 20  # how long the open poll has run on the demo's last day
AMOUNTS = {"small": 6, "medium": 12, "large": 12}
MAX_VOTES = 6_000  # a sample of the log's votes beyond it, to keep seeding quick

#: (question, options, kind, most choices, when results are shown), the latest last.
QUESTIONS: tuple[tuple[str, tuple[str, ...], str, int, str], ...] = (
    (
        "Which beach should get new showers and shade?",
        ("Famara", "Papagayo", "Playa Blanca", "El Reducto"),
        "single",
        1,
        "after_vote",
    ),
    (
        "What would you like on a rainy day?",
        ("A lava-tube tour", "A wine tasting", "A cooking class", "A museum night"),
        "multiple",
        2,
        "after_vote",
    ),
    (
        "How did you get around the island?",
        ("Hire car", "Bus", "Bicycle", "On foot", "Taxi"),
        "single",
        1,
        "after_vote",
    ),
    (
        "Which fiesta should we tell more visitors about?",
        ("Carnival", "San Juan", "Virgen del Carmen", "Los Dolores"),
        "single",
        1,
        "after_close",
    ),
    (
        "What should the new visitor centre offer?",
        ("Maps and advice", "Local crafts", "A café", "Lockers", "Bike hire"),
        "multiple",
        3,
        "after_vote",
    ),
    (
        "When is the best month to visit?",
        ("March", "May", "September", "November"),
        "single",
        1,
        "after_vote",
    ),
    (
        "Which walk should get signs in four languages?",
        ("Caldera Blanca", "Los Ajaches coast", "Famara cliffs", "La Geria vineyards"),
        "single",
        1,
        "after_vote",
    ),
    (
        "What stops you from coming back?",
        ("Flight prices", "Accommodation prices", "Nothing: we are coming back", "Too crowded"),
        "single",
        1,
        "after_close",
    ),
    (
        "Which local food should every visitor taste?",
        ("Papas arrugadas", "Goat cheese", "Fresh fish", "Gofio", "Malvasía wine"),
        "multiple",
        2,
        "after_vote",
    ),
    (
        "Which new night-time experience would you book?",
        ("Stargazing", "Night kayak", "Moonlight wine tour", "Night market"),
        "single",
        1,
        "after_vote",
    ),
    (
        "How should the island welcome cruise visitors?",
        ("Guided walks from the port", "A craft market", "Shuttle to the beaches", "Nothing new"),
        "single",
        1,
        "after_close",
    ),
    (
        "What should the island offer next summer?",
        ("Sea caves by kayak", "A food market", "Stargazing nights", "Surf lessons for all ages"),
        "single",
        1,
        "after_vote",
    ),
)


@dataclass(eq=False)
class PlannedPoll:
    pk: int
    question: str
    options: tuple[str, ...]
    kind: str
    max_choices: int
    show_results: str
    opens: int  # seconds into the history
    closes: int
    is_open: bool
    votes: list[tuple[int, int, tuple[int, ...]]] = field(default_factory=list)  # member, s, opts

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlannedPoll) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash(self.pk)


@dataclass(eq=False)
class PollPlan:
    polls: list[PlannedPoll]


def plan_polls(world: World, *, size: str, seed: int, first_id: int) -> PollPlan:
    """Decide the demo's monthly polls and their votes; polls are numbered from ``first_id``."""
    rng = np.random.default_rng([seed, 0x9011])
    events = world.events
    end = cat.HISTORY_DAYS * SECONDS_PER_DAY
    count = AMOUNTS[size]
    latest_opens = end - OPEN_DAYS * SECONDS_PER_DAY
    polls = []
    for n, (question, options, kind, most, shown) in enumerate(QUESTIONS[-count:]):
        opens = latest_opens - (count - 1 - n) * MONTH
        is_open = n == count - 1
        polls.append(
            PlannedPoll(
                pk=first_id + n,
                question=question,
                options=options,
                kind=kind,
                max_choices=most,
                show_results=shown,
                opens=opens,
                closes=opens + MONTH,
                is_open=is_open,
            )
        )
    acts = np.flatnonzero(
        (events.kind == KIND[K.POLL_VOTED])
        & (events.member >= 0)
        & (events.seconds >= polls[0].opens)
    )
    if acts.size > MAX_VOTES:
        acts = np.sort(rng.choice(acts, MAX_VOTES, replace=False))
    popularity = [rng.dirichlet(np.full(len(p.options), 1.5)) for p in polls]
    taken: set[tuple[int, int]] = set()
    for act in acts.tolist():
        seconds = int(events.seconds[act])
        which = min((seconds - polls[0].opens) // MONTH, len(polls) - 1)
        poll = polls[which]
        member = int(events.member[act])
        if seconds >= poll.closes or (poll.pk, member) in taken:
            continue
        taken.add((poll.pk, member))
        weights = popularity[which]
        many = 1 if poll.kind == "single" else int(rng.integers(1, poll.max_choices + 1))
        chosen = rng.choice(len(poll.options), many, replace=False, p=weights)
        poll.votes.append((member, seconds, tuple(sorted(int(c) for c in chosen))))
    return PollPlan(polls=polls)
