"""Checks and small helpers for functions that read the engagement log.

The log's columnar shape (event_id, member_id, kind, occurred_at, initiative_id,
channel, touchpoint, journey_stage, value, attributed_to_id) is documented in
the analytics package; each function reads only the columns it names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import polars as pl

from tellus.analytics.validation import (
    AnalyticsInputError,
    require_columns,
    require_datetime,
    require_text,
)

#: The engagement log as every function here reads it (each reads the columns it
#: names): what ``tellus.engagement`` exports from the database, and what tests
#: and benchmarks build.
EVENT_SCHEMA: dict[str, pl.DataType] = {
    "event_id": pl.Int64(),
    "member_id": pl.Int64(),
    "kind": pl.String(),
    "occurred_at": pl.Datetime("us", "UTC"),
    "initiative_id": pl.Int64(),
    "channel": pl.String(),
    "touchpoint": pl.String(),
    "journey_stage": pl.String(),
    "value": pl.Float64(),
    "attributed_to_id": pl.Int64(),
}

#: Columns that identify people; integers, null where the log allows it.
ID_COLUMNS = ("member_id", "attributed_to_id", "initiative_id", "event_id")
#: Text columns of the log.
TEXT_COLUMNS = ("kind", "channel", "touchpoint", "journey_stage")

#: Voluntary acts that count as contributions (PRODUCT.md's vocabulary):
#: content, votes, comments, answers, ideas, shares and referrals. Viewing,
#: clicking, signing up and travelling are not contributions.
CONTRIBUTION_KINDS: tuple[str, ...] = (
    "content.submitted",
    "share.created",
    "referral.invited",
    "survey.responded",
    "poll.voted",
    "idea.submitted",
    "idea.endorsed",
    "suggestion.made",
    "comment.posted",
    "topic.posted",
    "contest.entered",
    "contest.voted",
    "reaction.added",
)

#: Largest log a single call accepts; beyond it, aggregate first (or raise it).
MAX_EVENTS = 500_000_000


def check_events(events: pl.DataFrame, columns: Collection[str], *, what: str = "events") -> None:
    """Refuse a log that lacks a column or holds one of the wrong type, NaN or a negative value."""
    require_columns(events, columns, what=what)
    if events.height > MAX_EVENTS:
        raise AnalyticsInputError(
            f"{what} has {events.height:,} rows, more than the {MAX_EVENTS:,} one call accepts"
        )
    for column in columns:
        dtype = events.schema[column]
        if column in ID_COLUMNS:
            if not dtype.is_integer():
                raise AnalyticsInputError(
                    f"{what}: column {column!r} must be an integer id, not {dtype}"
                )
        elif column in TEXT_COLUMNS:
            require_text(events, [column], what=what, nullable=column != "kind")
        elif column == "occurred_at":
            require_datetime(events, [column], what=what)
        elif column == "value":
            if not dtype.is_numeric():
                raise AnalyticsInputError(f"{what}: column 'value' must be numeric, not {dtype}")
            series = events.get_column("value")
            if dtype.is_float() and series.is_nan().any():
                raise AnalyticsInputError(f"{what}: column 'value' has NaN value(s); use null")
            if series.null_count() < len(series) and (series.min() or 0) < 0:  # type: ignore[operator]
                raise AnalyticsInputError(f"{what}: column 'value' has negative value(s)")


def check_kinds(name: str, kinds: Collection[str]) -> tuple[str, ...]:
    """Return the kinds as a tuple, refusing an empty or non-text collection."""
    if isinstance(kinds, str) or not kinds or not all(isinstance(k, str) and k for k in kinds):
        raise AnalyticsInputError(
            f"parameter {name!r} must be a non-empty collection of kind names"
        )
    return tuple(kinds)


def time_literal(events: pl.DataFrame, when: dt.datetime, *, name: str = "as_of") -> pl.Expr:
    """A literal comparable with ``occurred_at``; naive and aware times are never mixed silently."""
    if not isinstance(when, dt.datetime):
        raise AnalyticsInputError(f"{name} must be a datetime, not {type(when).__name__}")
    dtype = events.schema["occurred_at"]
    zone = getattr(dtype, "time_zone", None)
    if zone is not None and when.tzinfo is None:
        raise AnalyticsInputError(f"{name} must be timezone-aware: occurred_at is in {zone}")
    if zone is None and when.tzinfo is not None:
        raise AnalyticsInputError(f"{name} must be naive: occurred_at has no time zone")
    return pl.lit(when).cast(dtype)


def kind_is(kinds: Collection[str]) -> pl.Expr:
    """Match the kind column whether it is stored as String, Categorical or Enum."""
    return text_is("kind", kinds)


def text_is(column: str, values: Collection[str]) -> pl.Expr:
    """Match a text column against names; ``is_in`` works on String, Categorical and Enum alike."""
    return pl.col(column).is_in(list(values))
