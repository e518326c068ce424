"""Which of the log's idea submissions become ideas on the board, and what became of them.

Every idea stands for one ``idea.submitted`` act of the simulated log (same
member and moment); the log's ``idea.endorsed`` acts become endorsements of
ideas already public at the time (by someone else, once per member and idea),
and its ``idea.adopted`` events name the idea of the adopted member's latest
submission. Acts that become no idea or endorsement keep no subject, as
content acts that become no item.

The plan says, per idea, its words, place, season, audience, moderation
state, status, staff answer and outcome; one published idea is a duplicate
merged into an earlier one. Deterministic in the seed, drawn from a generator
of its own after the simulation, without the database; ideas are numbered
from ``first_id``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from tellus.demo import catalogue as cat
from tellus.demo.plan import World
from tellus.demo.plan.log import KIND, Events
from tellus.demo.plan.visitors import SECONDS_PER_DAY
from tellus.engagement import kinds as K

Array = npt.NDArray[Any]

AMOUNTS = {"small": 30, "medium": 120, "large": 400}

#: (title, description) of ideas members propose; a place's name is added to some titles.
IDEAS: tuple[tuple[str, str], ...] = (
    ("Night kayak tour of the sea caves", "Paddle by moonlight into the caves, with a guide."),
    ("Sunrise yoga on the dunes", "An hour of yoga at dawn, then breakfast with local fruit."),
    ("Cheese tasting with the goat farmers", "Visit a farm, meet the goats, taste three cheeses."),
    ("Stargazing evenings for families", "Telescopes, stories of the sky and hot chocolate."),
    ("A wine route by bicycle", "Electric bikes between three wineries, lunch included."),
    (
        "Cooking class: the island's fish stew",
        "Buy fish at the harbour, cook it with a local chef.",
    ),
    ("Wheelchair-friendly coastal path", "Firm paths, ramps and rest stops along the cliffs."),
    ("Volcano walk with a geologist", "How the island was born, explained on its lava fields."),
    ("Surf lessons for beginners over fifty", "Small groups, warm water, patient teachers."),
    ("Fiesta week guided by locals", "Walk the fiesta with a neighbour who knows its songs."),
    ("Whale watching from a sailing boat", "Quiet sailing, no engines near the whales."),
    ("Pottery workshop in the old village", "Make a bowl with island clay and fire it."),
    ("Birdwatching at the salt flats", "Binoculars lent, a guide who knows every bird."),
    ("A market of island crafts on Sundays", "Local makers, music and food, every Sunday."),
    ("Snorkelling trail with underwater signs", "Signs under water name the fish you meet."),
    ("Ruta de tapas por el casco antiguo", "Cinco bares, cinco tapas y la historia de cada uno."),
    ("Paseo en burro para niños", "Un paseo corto y tranquilo por los viñedos."),
    ("Cine de verano en la playa", "Películas al aire libre los viernes de julio y agosto."),
)
STATES = {"published": 0.76, "pending": 0.1, "hidden": 0.04, "rejected": 0.05, "needs_edit": 0.05}
STATUSES = {"open": 0.4, "under_review": 0.25, "planned": 0.15, "declined": 0.2}
SEASONS = ("spring", "summer", "autumn", "winter", "all_year")
AUDIENCES = ("everyone", "families", "couples", "solo", "groups", "accessible", "seniors")
ANSWERS = {
    "under_review": "Thank you! We are talking to local businesses about it.",
    "planned": "We like it: it is in next season's plan. We will tell you more here.",
    "declined": "Thank you for the idea. We cannot take it on, for the reason below.",
    "adopted": "Adopted! Thank you to everyone who backed it.",
}
DECLINE_REASONS = (
    "The area is protected and closed to visitors at night.",
    "A similar service already runs; we will promote it better instead.",
    "It needs permits the island council does not give for this place.",
)
OUTCOME = "It runs every week from May to October; book it at the visitor centre."
OUTCOME_URL = "https://isla-clara.example/experiences"
REJECT_REASON = "This is an advertisement for a business, not an idea for visitors."
EDIT_REASON = "Could you say where on the island this would happen?"


@dataclass(eq=False)
class PlannedIdea:
    act: int  # the idea.submitted event's position
    member: int
    seconds: int
    title: str
    description: str
    place: int  # index into catalogue.PLACES, -1 for none
    season: str
    audience: str
    state: str
    status: str = "open"
    answer: str = ""
    reason: str = ""
    outcome: str = ""
    outcome_url: str = ""
    adoption: int = -1  # the idea.adopted event's position
    merged_into: int = -1  # the pk of the idea a duplicate joined
    pk: int = 0
    endorsements: list[tuple[int, int, int]] = field(default_factory=list)  # event, member, s

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlannedIdea) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash(self.act)


@dataclass(eq=False)
class IdeaPlan:
    ideas: list[PlannedIdea]
    subject: Array  # idea pk per simulated event, -1 for none


def _adoptions(events: Events) -> dict[int, int]:
    """Each adoption's submission: the adopted member's latest idea submitted before it."""
    submitted = np.flatnonzero(events.kind == KIND[K.IDEA_SUBMITTED])
    found: dict[int, int] = {}
    for event in np.flatnonzero(events.kind == KIND[K.IDEA_ADOPTED]).tolist():
        mine = submitted[
            (events.member[submitted] == events.member[event])
            & (events.seconds[submitted] <= events.seconds[event])
        ]
        mine = mine[~np.isin(mine, list(found))]
        if mine.size:
            found[int(mine[-1])] = event
    return found


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    names = list(weights)
    p = np.array([weights[n] for n in names])
    return names[int(rng.choice(len(names), p=p / p.sum()))]


def plan_ideas(world: World, *, size: str, seed: int, first_id: int) -> IdeaPlan:
    """Decide the idea board of a demo of ``size``; ideas are numbered from ``first_id``."""
    rng = np.random.default_rng([seed, 1_414])
    events = world.events
    adoptions = _adoptions(events)
    submitted = np.flatnonzero(
        (events.kind == KIND[K.IDEA_SUBMITTED]) & (events.member >= 0)
    ).tolist()
    wanted = AMOUNTS[size]
    chosen = sorted(adoptions)[:wanted]
    others = [a for a in submitted if a not in adoptions]
    room = max(0, min(wanted - len(chosen), len(others)))
    chosen = sorted(chosen + rng.choice(others, room, replace=False).tolist()) if room else chosen
    ideas: list[PlannedIdea] = []
    for n, act in enumerate(chosen):
        title, description = IDEAS[int(rng.integers(len(IDEAS)))]
        place = int(rng.integers(-3, len(cat.PLACES)))
        place = max(place, -1)
        if place >= 0 and rng.random() < 0.5:
            title = f"{title}, {cat.PLACES[place].name}"
        idea = PlannedIdea(
            act=act,
            member=int(events.member[act]),
            seconds=int(events.seconds[act]),
            title=title,
            description=description,
            place=place,
            season=SEASONS[int(rng.integers(len(SEASONS)))],
            audience=AUDIENCES[int(rng.integers(len(AUDIENCES)))],
            state=_pick(rng, STATES),
            pk=first_id + n,
        )
        if act in adoptions:
            idea.state, idea.status, idea.adoption = "published", "adopted", adoptions[act]
        elif idea.state == "published":
            idea.status = _pick(rng, STATUSES)
        ideas.append(idea)
    _cover_every_state(ideas)
    for idea in ideas:
        _answer(rng, idea)
    adopted = [i for i in ideas if i.status == "adopted"]
    if adopted and not any(i.outcome for i in adopted):
        adopted[0].outcome, adopted[0].outcome_url = OUTCOME, OUTCOME_URL
    _merge_a_duplicate(ideas)
    _endorse(rng, ideas, events)
    subject = np.full(len(events), -1, dtype=np.int64)
    for idea in ideas:
        subject[idea.act] = idea.pk
        if idea.adoption >= 0:
            subject[idea.adoption] = idea.pk
        for event, _member, _seconds in idea.endorsements:
            subject[event] = idea.pk
    return IdeaPlan(ideas=ideas, subject=subject)


def _cover_every_state(ideas: list[PlannedIdea]) -> None:
    """At least one idea in each moderation state and each status, where there are enough."""
    free = [i for i in ideas if i.status != "adopted"]
    wanted = [(state, "open") for state in STATES if state != "published"]
    wanted += [("published", status) for status in STATUSES]
    for idea, (state, status) in zip(free, wanted, strict=False):
        idea.state, idea.status = state, status


def _answer(rng: np.random.Generator, idea: PlannedIdea) -> None:
    if idea.state == "rejected":
        idea.reason = REJECT_REASON
    elif idea.state == "needs_edit":
        idea.reason = EDIT_REASON
    idea.answer = ANSWERS.get(idea.status, "")
    if idea.status == "declined":
        idea.reason = DECLINE_REASONS[int(rng.integers(len(DECLINE_REASONS)))]
    if idea.status == "adopted" and idea.adoption % 2 == 0:
        idea.outcome, idea.outcome_url = OUTCOME, OUTCOME_URL


def _merge_a_duplicate(ideas: list[PlannedIdea]) -> None:
    """The latest open, published idea that repeats an earlier one's words joins it."""
    public = [i for i in ideas if i.state == "published"]
    for later in reversed(public):
        if later.status != "open":
            continue
        earlier = next(
            (
                i
                for i in public
                if i.seconds < later.seconds
                and i.status not in {"merged"}
                and i.title.split(",")[0] == later.title.split(",")[0]
            ),
            None,
        )
        if earlier is not None:
            _merge(later, earlier)
            return
    # No two ideas alike: the latest open one repeats the first public one's words.
    candidates = [i for i in public[1:] if i.status == "open"]
    if candidates:
        later = candidates[-1]
        later.title, later.description = public[0].title, public[0].description
        _merge(later, public[0])


def _merge(later: PlannedIdea, earlier: PlannedIdea) -> None:
    later.status, later.merged_into = "merged", earlier.pk
    later.answer = "The same idea as an earlier one: its endorsements joined it."


def _endorse(rng: np.random.Generator, ideas: list[PlannedIdea], events: Events) -> None:
    """Each idea.endorsed act backs a public idea of someone else's, submitted a day before."""
    public = [i for i in ideas if i.state == "published" and i.status != "merged"]
    if not public:
        return
    since = np.array([i.seconds + SECONDS_PER_DAY for i in public])
    popularity = rng.lognormal(0.0, 1.0, len(public))
    taken: set[tuple[int, int]] = set()
    rows = np.flatnonzero((events.kind == KIND[K.IDEA_ENDORSED]) & (events.member >= 0))
    for event in rows.tolist():
        member = int(events.member[event])
        open_then = np.flatnonzero(since <= events.seconds[event])
        if open_then.size == 0:
            continue
        weights = popularity[open_then] / popularity[open_then].sum()
        idea = public[int(open_then[rng.choice(open_then.size, p=weights)])]
        if idea.member == member or (member, idea.pk) in taken:
            continue
        taken.add((member, idea.pk))
        idea.endorsements.append((event, member, int(events.seconds[event])))
