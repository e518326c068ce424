"""Engagement segments from contribution recency, frequency and breadth.

Five segments (PRODUCT.md, capability 7), decided in this order so that each
member lands in exactly one:

1. ``passive_receiver``: never contributed (they may read, click and travel);
2. ``at_risk``: contributed once, but not within ``recent_days`` (contributors
   who stopped: the ones a win-back message is for);
3. ``advocate``: at least ``advocate_min_acts`` acts of advocacy in the recent
   window (shares, referral invitations, and sign-ups credited to them on the
   referral channel);
4. ``active_contributor``: at least ``active_min_contributions`` contributions
   of at least ``active_min_kinds`` kinds in the recent window (frequency and
   breadth: someone who only votes is engaged, but narrowly);
5. ``occasional_contributor``: everyone else who contributed recently.

Rules, not clustering: a DMO must be able to say why a member is in a segment
and target it, and the segment must not change meaning when the data do.
Written with Polars expressions (one pass over the log), so that a million
members and fifty million events take seconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from tellus.analytics._events import (
    CONTRIBUTION_KINDS,
    check_events,
    check_kinds,
    kind_is,
    text_is,
    time_literal,
)
from tellus.analytics.validation import (
    AnalyticsInputError,
    require_columns,
    require_parameter,
)

__all__ = [
    "SEGMENTS",
    "SEGMENT_TYPE",
    "SegmentRules",
    "engagement_segments",
    "segment_summary",
    "segment_transitions",
]

SEGMENTS = (
    "passive_receiver",
    "occasional_contributor",
    "active_contributor",
    "advocate",
    "at_risk",
)
#: Segments as an ordered Polars type, so that tables sort in this order.
SEGMENT_TYPE = pl.Enum(SEGMENTS)
#: The "from" of a member the log did not know at the start of a transition.
NOT_YET_MEMBER = "not_yet_member"


@dataclass(frozen=True)
class SegmentRules:
    """Thresholds of the segments (see the module docstring for the order they apply in).

    ``recent_days``: the window for frequency, breadth and advocacy, and the
    silence after which a contributor is at risk. 90 days: a season, long
    enough that a member between two trips is not flagged, short enough to
    act before they forget the DMO.
    ``active_min_contributions`` / ``active_min_kinds``: about one
    contribution every two to three weeks, of two different kinds.
    ``advocate_min_acts``: more than a single share, which may be a one-off.
    """

    recent_days: int = 90
    active_min_contributions: int = 5
    active_min_kinds: int = 2
    advocate_min_acts: int = 2
    contribution_kinds: tuple[str, ...] = CONTRIBUTION_KINDS
    advocacy_kinds: tuple[str, ...] = ("share.created", "referral.invited")
    sign_up_kind: str = "member.signed_up"
    referral_channel: str = "referral"

    def __post_init__(self) -> None:
        require_parameter("recent_days", self.recent_days, low=1, high=3660, integer=True)
        for name in ("active_min_contributions", "active_min_kinds", "advocate_min_acts"):
            require_parameter(name, getattr(self, name), low=1, high=1_000_000, integer=True)
        check_kinds("contribution_kinds", self.contribution_kinds)
        check_kinds("advocacy_kinds", self.advocacy_kinds)


def _population(log: pl.LazyFrame, members: pl.DataFrame | None) -> pl.LazyFrame:
    own = log.select("member_id").drop_nulls()
    credited = log.select(pl.col("attributed_to_id").alias("member_id")).drop_nulls()
    frames = [own, credited]
    if members is not None:
        require_columns(members, ("member_id",), what="members")
        if not members.schema["member_id"].is_integer():
            raise AnalyticsInputError("members: column 'member_id' must be an integer id")
        frames.append(members.lazy().select(pl.col("member_id").cast(pl.Int64)).drop_nulls())
    return pl.concat([f.select(pl.col("member_id").cast(pl.Int64)) for f in frames]).unique()


def engagement_segments(
    events: pl.DataFrame,
    *,
    as_of: dt.datetime,
    rules: SegmentRules = SegmentRules(),
    members: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Each member's segment on ``as_of``, with the figures that put them there.

    Reads ``member_id``, ``kind``, ``occurred_at``, ``channel`` and
    ``attributed_to_id`` of events up to ``as_of``; ``members`` (optional,
    ``member_id``) adds members with no event at all, as passive receivers.
    The recent window is (as_of - recent_days, as_of].

    Returns ``member_id``, ``segment`` (Enum in ``SEGMENTS`` order),
    ``contributions`` and ``kinds`` (in the window), ``advocacy`` (in the
    window), ``lifetime_contributions`` and ``days_since_contribution`` (null
    for those who never contributed), sorted by member.
    """
    r = rules
    check_events(events, ("member_id", "kind", "occurred_at", "channel", "attributed_to_id"))
    end = time_literal(events, as_of)
    start = end - pl.duration(days=r.recent_days)
    log = (
        events.lazy()
        .select("member_id", "kind", "occurred_at", "channel", "attributed_to_id")
        .filter(pl.col("occurred_at") <= end)
    )
    recent = pl.col("occurred_at") > start
    contributions = (
        log.filter(pl.col("member_id").is_not_null() & kind_is(r.contribution_kinds))
        .group_by("member_id")
        .agg(
            lifetime_contributions=pl.len().cast(pl.Int64),
            last_contribution=pl.col("occurred_at").max(),
            contributions=recent.sum().cast(pl.Int64),
            kinds=pl.col("kind").filter(recent).n_unique().cast(pl.Int64),
            own_advocacy=(recent & kind_is(r.advocacy_kinds)).sum().cast(pl.Int64),
        )
    )
    credited = (
        log.filter(
            recent
            & kind_is([r.sign_up_kind])
            & text_is("channel", [r.referral_channel])
            & pl.col("attributed_to_id").is_not_null()
            & (pl.col("member_id").is_null() | (pl.col("member_id") != pl.col("attributed_to_id")))
        )
        .group_by("attributed_to_id")
        .agg(credited=pl.len().cast(pl.Int64))
        .rename({"attributed_to_id": "member_id"})
    )
    frame = (
        _population(log, members)
        .join(contributions, on="member_id", how="left")
        .join(credited, on="member_id", how="left")
        .with_columns(
            pl.col(
                "lifetime_contributions", "contributions", "kinds", "own_advocacy", "credited"
            ).fill_null(0)
        )
        .with_columns(advocacy=pl.col("own_advocacy") + pl.col("credited"))
    )
    segment = (
        pl.when(pl.col("lifetime_contributions") == 0)
        .then(pl.lit("passive_receiver"))
        .when(pl.col("contributions") == 0)
        .then(pl.lit("at_risk"))
        .when(pl.col("advocacy") >= r.advocate_min_acts)
        .then(pl.lit("advocate"))
        .when(
            (pl.col("contributions") >= r.active_min_contributions)
            & (pl.col("kinds") >= r.active_min_kinds)
        )
        .then(pl.lit("active_contributor"))
        .otherwise(pl.lit("occasional_contributor"))
    )
    days_since = (end - pl.col("last_contribution")).dt.total_microseconds() / 86_400e6
    return (
        frame.select(
            "member_id",
            segment.cast(SEGMENT_TYPE).alias("segment"),
            "contributions",
            "kinds",
            "advocacy",
            "lifetime_contributions",
            days_since.alias("days_since_contribution"),
        )
        .sort("member_id")
        .collect()
    )


def segment_summary(segments: pl.DataFrame) -> pl.DataFrame:
    """Members and share of members per segment, every segment listed (zero when empty)."""
    require_columns(segments, ("member_id", "segment"), what="segments")
    total = segments.height
    counts = segments.group_by(pl.col("segment").cast(pl.String)).agg(
        members=pl.len().cast(pl.Int64)
    )
    return (
        pl.DataFrame({"segment": list(SEGMENTS)})
        .join(counts, on="segment", how="left")
        .with_columns(pl.col("members").fill_null(0))
        .with_columns(share=pl.col("members") / total if total else pl.lit(0.0))
        .with_columns(pl.col("segment").cast(SEGMENT_TYPE))
    )


def segment_transitions(
    events: pl.DataFrame,
    *,
    first: dt.datetime,
    second: dt.datetime,
    rules: SegmentRules = SegmentRules(),
    members: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Who moved between segments from ``first`` to ``second`` (both as-of dates).

    Returns one row per (``from_segment``, ``to_segment``) pair that occurs,
    with ``members`` and ``share_of_from`` (the share of the "from" segment
    that moved there; rows with the same from_segment sum to 1). Members the
    log did not know at ``first`` come from ``"not_yet_member"``.
    """
    if not isinstance(first, dt.datetime) or not isinstance(second, dt.datetime):
        raise AnalyticsInputError("first and second must be datetimes")
    if second <= first:
        raise AnalyticsInputError(f"second ({second}) must be later than first ({first})")
    before = engagement_segments(events, as_of=first, rules=rules, members=members)
    after = engagement_segments(events, as_of=second, rules=rules, members=members)
    order = (NOT_YET_MEMBER, *SEGMENTS)
    moves = (
        after.select("member_id", pl.col("segment").cast(pl.String).alias("to_segment"))
        .join(
            before.select("member_id", pl.col("segment").cast(pl.String).alias("from_segment")),
            on="member_id",
            how="left",
        )
        .with_columns(pl.col("from_segment").fill_null(NOT_YET_MEMBER))
        .group_by("from_segment", "to_segment")
        .agg(members=pl.len().cast(pl.Int64))
        .with_columns(
            share_of_from=pl.col("members") / pl.col("members").sum().over("from_segment")
        )
    )
    return moves.with_columns(
        pl.col("from_segment").cast(pl.Enum(order)),
        pl.col("to_segment").cast(SEGMENT_TYPE),
    ).sort("from_segment", "to_segment")
