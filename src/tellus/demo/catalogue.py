"""The demo destination's fixed parts: its branding, initiatives, touchpoints and channels.

Plain data, no Django: the simulation (``generate``) refers to them by
position and the seeder (``seed``) writes them as rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tellus.engagement import kinds

HISTORY_DAYS = 730  # two years of history, up to the start of the day the seeder is given

DESTINATION = {
    "name": "Isla Clara",
    "tagline": "Black sand, white villages, and the people who come back.",
    "primary_colour": "#0b5e6b",
    "accent_colour": "#e0692e",
    "languages": "en,es",
    "currency": "EUR",
    "latitude": 29.03,
    "longitude": -13.63,
    "zoom": 10,
}

STAGES = ("awareness", "consideration", "booking", "trip", "post_trip", "advocacy")

#: Every channel an event can name; "" is an act with no particular channel.
CHANNELS = (
    "",
    "website",
    "app",
    "email",
    "instagram",
    "facebook",
    "whatsapp",
    "x",
    "referral",
    "search",
    "travel_fair",
    "kiosk",
    "qr",
    "partner",
    "phone",
)
SOCIAL_CHANNELS = ("instagram", "facebook", "whatsapp", "x", "email")
SOCIAL_SHARES = (0.34, 0.24, 0.22, 0.08, 0.12)


@dataclass(frozen=True)
class TouchpointSpec:
    slug: str
    name: str
    stage: str
    channel: str


TOUCHPOINTS: tuple[TouchpointSpec, ...] = (
    TouchpointSpec("social-ads", "Social media ads", "awareness", "instagram"),
    TouchpointSpec("travel-fair", "Travel fair stand", "awareness", "travel_fair"),
    TouchpointSpec("shared-links", "Friends' shared links", "awareness", "instagram"),
    TouchpointSpec("website", "Destination website", "consideration", "website"),
    TouchpointSpec("newsletter", "Newsletter", "consideration", "email"),
    TouchpointSpec("map-gallery", "Map and gallery", "consideration", "website"),
    TouchpointSpec("search", "Search results", "consideration", "search"),
    TouchpointSpec("partner-booking", "Partner booking sites", "booking", "partner"),
    TouchpointSpec("visitor-line", "Visitor centre phone line", "booking", "phone"),
    TouchpointSpec("airport-desk", "Airport welcome desk", "trip", "kiosk"),
    TouchpointSpec("beach-qr", "Beach QR codes", "trip", "qr"),
    TouchpointSpec("mobile-guide", "Mobile guide", "trip", "app"),
    TouchpointSpec("survey-email", "Post-trip survey email", "post_trip", "email"),
    TouchpointSpec("upload-page", "Photo and story upload page", "post_trip", "website"),
    TouchpointSpec("community", "Community pages", "advocacy", "website"),
    TouchpointSpec("contest-page", "Contest pages", "advocacy", "website"),
    TouchpointSpec("referral-page", "Invite-a-friend page", "advocacy", "website"),
    TouchpointSpec("share-buttons", "Share buttons", "advocacy", "instagram"),
)
TOUCHPOINT_INDEX = {t.slug: i for i, t in enumerate(TOUCHPOINTS)}


@dataclass(frozen=True)
class InitiativeSpec:
    """An initiative and how strongly it draws each kind of act while it runs."""

    slug: str
    name: str
    description: str
    kind: str  # task_based | experiential
    interaction: str  # continuous | spot
    tools: str  # rich | lean
    initiated_by: str  # customer | firm
    start_day: int  # days into the history
    end_day: int | None  # None: still running
    draws: dict[str, float] = field(default_factory=dict)

    @property
    def contribution(self) -> str:
        """What it asks for (Initiative.Contribution), read off the acts it draws most."""
        strongest = max(self.draws, key=lambda k: self.draws[k]) if self.draws else ""
        family = strongest.split(".")[0]
        return {"idea": "idea", "poll": "poll", "survey": "survey", "referral": "referral"}.get(
            family, "content"
        )


def _traits(kind: str, interaction: str, tools: str) -> float:
    """How well an initiative's design works: a built-in effect analysts can recover.

    Task-based initiatives do better overall, more on continuous, lean
    platforms; experiential ones gain on spot-interaction platforms.
    """
    if kind == "task_based":
        return 1.0 + 0.5 * (interaction == "continuous") + 0.4 * (tools == "lean")
    return 0.7 + 0.5 * (interaction == "spot")


def _initiative(
    slug: str,
    name: str,
    description: str,
    traits: tuple[str, str, str, str],
    days: tuple[int, int | None],
    draws: dict[str, float],
) -> InitiativeSpec:
    kind, interaction, tools, initiated_by = traits
    effect = _traits(kind, interaction, tools)
    return InitiativeSpec(
        slug=slug,
        name=name,
        description=description,
        kind=kind,
        interaction=interaction,
        tools=tools,
        initiated_by=initiated_by,
        start_day=days[0],
        end_day=days[1],
        draws={k: w * effect for k, w in draws.items()},
    )


K = kinds
INITIATIVES: tuple[InitiativeSpec, ...] = (
    _initiative(
        "hidden-beaches",
        "Hidden beaches photo hunt",
        "Post three photos of beaches that are not in the guidebooks.",
        ("task_based", "continuous", "lean", "firm"),
        (0, None),
        {K.CONTENT_SUBMITTED: 3.0},
    ),
    _initiative(
        "happiest-moment",
        "Your happiest moment on the island",
        "Share the moment of your stay you would live again.",
        ("experiential", "spot", "rich", "customer"),
        (200, 320),
        {K.CONTENT_SUBMITTED: 2.0, K.SHARE_CREATED: 2.0, K.REACTION_ADDED: 1.0},
    ),
    _initiative(
        "volcano-poems",
        "Volcano poem contest",
        "Write a poem of at most twelve lines about the fire mountains.",
        ("task_based", "spot", "lean", "firm"),
        (100, 190),
        {K.CONTEST_ENTERED: 3.0, K.CONTEST_VOTED: 3.0},
    ),
    _initiative(
        "sunset-contest",
        "Sunset photo contest",
        "Your best sunset, with the place it was taken; the public votes, a jury decides.",
        ("task_based", "spot", "rich", "firm"),
        (420, 520),
        {K.CONTEST_ENTERED: 3.0, K.CONTEST_VOTED: 3.0, K.CONTENT_SUBMITTED: 1.0},
    ),
    _initiative(
        "post-trip-survey",
        "Tell us about your stay",
        "Ten questions right after your trip, while it is fresh.",
        ("task_based", "continuous", "lean", "firm"),
        (0, None),
        {K.SURVEY_RESPONDED: 4.0},
    ),
    _initiative(
        "greener-island",
        "Ideas for a greener island",
        "Propose and endorse ideas for tourism that leaves the island better.",
        ("task_based", "continuous", "lean", "customer"),
        (60, None),
        {K.IDEA_SUBMITTED: 3.0, K.IDEA_ENDORSED: 3.0, K.SUGGESTION_MADE: 1.0},
    ),
    _initiative(
        "island-table",
        "Island table: food stories",
        "Stories of the meals, markets and kitchens you found here.",
        ("experiential", "continuous", "rich", "customer"),
        (0, None),
        {K.CONTENT_SUBMITTED: 1.5, K.TOPIC_POSTED: 2.0, K.COMMENT_POSTED: 1.5},
    ),
    _initiative(
        "question-of-the-month",
        "Question of the month",
        "One short poll a month about what the island should offer next.",
        ("task_based", "spot", "lean", "firm"),
        (0, None),
        {K.POLL_VOTED: 3.0},
    ),
    _initiative(
        "bring-a-friend",
        "Bring a friend",
        "Invite a friend with your personal link; both of you get a welcome gift.",
        ("task_based", "continuous", "lean", "firm"),
        (30, None),
        {K.REFERRAL_INVITED: 3.0, K.SHARE_CREATED: 1.5},
    ),
    _initiative(
        "memories-wall",
        "Island memories wall",
        "Leave a line about the island for the next visitors.",
        ("experiential", "continuous", "rich", "customer"),
        (0, None),
        {K.COMMENT_POSTED: 2.0, K.REACTION_ADDED: 2.5},
    ),
    _initiative(
        "coastal-trail",
        "Design the coastal trail",
        "Suggest stops, signs and stories for the new coastal walking trail.",
        ("task_based", "continuous", "rich", "customer"),
        (300, 600),
        {K.SUGGESTION_MADE: 3.0, K.IDEA_SUBMITTED: 1.5, K.COMMENT_POSTED: 1.0},
    ),
    _initiative(
        "fiesta-live",
        "Village fiesta live",
        "Share the fiesta as it happens: the procession, the drums, the dancing in the square.",
        ("experiential", "spot", "rich", "firm"),
        (405, 440),
        {K.SHARE_CREATED: 3.0, K.REACTION_ADDED: 2.0, K.CONTENT_SUBMITTED: 2.0},
    ),
)

#: Weight of "no initiative" per kind: acts visitors make of their own accord.
ORGANIC: dict[str, float] = {
    K.CONTENT_SUBMITTED: 2.0,
    K.SHARE_CREATED: 2.5,
    K.REFERRAL_INVITED: 1.0,
    K.SURVEY_RESPONDED: 0.5,
    K.POLL_VOTED: 0.5,
    K.IDEA_SUBMITTED: 1.0,
    K.IDEA_ENDORSED: 1.0,
    K.SUGGESTION_MADE: 1.0,
    K.COMMENT_POSTED: 3.0,
    K.TOPIC_POSTED: 2.0,
    K.CONTEST_ENTERED: 0.2,
    K.CONTEST_VOTED: 0.2,
    K.REACTION_ADDED: 3.0,
}

#: The demo's fixed accounts: email, display name, role (None: member).
DEMO_PASSWORD = "tellus-demo"  # noqa: S105 (published on purpose: the demo's logins)
DEMO_MEMBER_EMAIL = "member@demo.example"
DEMO_STAFF: tuple[tuple[str, str, str], ...] = (
    ("moderator@demo.example", "Moira (moderator)", "moderator"),
    ("marketer@demo.example", "Marco (marketer)", "marketer"),
    ("analyst@demo.example", "Ana (analyst)", "analyst"),
    ("admin@demo.example", "Adela (admin)", "admin"),
)
#: The account whose presence says the demo is seeded: written last, in the same transaction.
SEEDED_MARKER_EMAIL = "admin@demo.example"


@dataclass(frozen=True)
class PlaceSpec:
    """A named place of the island: a contributor may pick it instead of a map point."""

    slug: str
    name: str
    kind: str  # beach, village, volcano, cave, harbour, viewpoint, saltpans, lagoon, lava
    latitude: float
    longitude: float
    tags: tuple[str, ...]


#: Isla Clara's places (fictional names), spread along an island about 60 by 20 km
#: that runs from south-west to north-east around the destination's centre.
PLACES: tuple[PlaceSpec, ...] = (
    PlaceSpec(
        "playa-del-carbon", "Playa del Carbón", "beach", 28.946, -13.842, ("beaches", "black-sand")
    ),
    PlaceSpec("playa-larga", "Playa Larga", "beach", 28.992, -13.566, ("beaches", "family")),
    PlaceSpec(
        "caleta-de-las-conchas",
        "Caleta de las Conchas",
        "beach",
        29.114,
        -13.452,
        ("beaches", "surf"),
    ),
    PlaceSpec(
        "villa-de-santa-clara",
        "Villa de Santa Clara",
        "village",
        29.031,
        -13.638,
        ("villages", "food"),
    ),
    PlaceSpec("aldea-blanca", "Aldea Blanca", "village", 29.079, -13.522, ("villages", "fiesta")),
    PlaceSpec(
        "tamaran-alto", "Tamarán Alto", "village", 28.972, -13.758, ("villages", "vineyards")
    ),
    PlaceSpec(
        "volcan-del-rescoldo",
        "Volcán del Rescoldo",
        "volcano",
        29.012,
        -13.731,
        ("volcano", "hiking"),
    ),
    PlaceSpec(
        "malpais-del-norte", "Malpaís del Norte", "lava", 29.098, -13.497, ("volcano", "hiking")
    ),
    PlaceSpec("cueva-del-agua-clara", "Cueva del Agua Clara", "cave", 29.124, -13.423, ("caves",)),
    PlaceSpec(
        "puerto-de-santa-clara",
        "Puerto de Santa Clara",
        "harbour",
        29.003,
        -13.604,
        ("harbour", "food"),
    ),
    PlaceSpec(
        "mirador-del-risco", "Mirador del Risco", "viewpoint", 29.108, -13.474, ("hiking", "sunset")
    ),
    PlaceSpec(
        "salinas-del-sol", "Salinas del Sol", "saltpans", 28.957, -13.801, ("salt", "sunset")
    ),
    PlaceSpec(
        "charco-esmeralda", "Charco Esmeralda", "lagoon", 28.981, -13.812, ("beaches", "black-sand")
    ),
)

#: The demo's tags: slug and name.
TAGS: tuple[tuple[str, str], ...] = (
    ("beaches", "Beaches"),
    ("black-sand", "Black sand"),
    ("caves", "Caves"),
    ("family", "Family"),
    ("fiesta", "Fiesta"),
    ("food", "Food"),
    ("harbour", "Harbour"),
    ("hiking", "Hiking"),
    ("salt", "Salt pans"),
    ("stargazing", "Stargazing"),
    ("sunset", "Sunset"),
    ("surf", "Surf"),
    ("villages", "Villages"),
    ("vineyards", "Vineyards"),
    ("volcano", "Volcano"),
)
