"""What the three engagement values share: the checked log, exposure, projection, windows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from tellus.analytics._events import check_events, time_literal
from tellus.analytics.value.parameters import Horizon

#: The log's columns that CRV and CIV read (CKV needs all but ``channel``).
LOG_COLUMNS = ("member_id", "kind", "occurred_at", "channel", "value", "attributed_to_id")
_PACK = 1 << 32


@dataclass(frozen=True)
class Log:
    """The log up to ``as_of``, checked once, and each member's observed exposure.

    ``exposure``: ``member_id`` and ``exposure``, the periods from the
    member's first appearance (acting, or credited by someone else) to
    ``as_of``, at least one day. ``packable``: every id fits in 32 bits, so a
    (credited, member) pair packs into one 64-bit key (faster to group on).
    """

    frame: pl.LazyFrame
    exposure: pl.DataFrame
    packable: bool


def prepare(
    events: pl.DataFrame,
    as_of: dt.datetime,
    horizon: Horizon,
    columns: tuple[str, ...] = LOG_COLUMNS,
) -> Log:
    """Check the log, keep what happened up to ``as_of`` (the future never leaks into a value)."""
    check_events(events, columns)
    end = time_literal(events, as_of)
    frame = events.lazy().select(columns).filter(pl.col("occurred_at") <= end)
    own = (
        frame.filter(pl.col("member_id").is_not_null())
        .group_by("member_id")
        .agg(first_seen=pl.col("occurred_at").min())
    )
    credited = (
        frame.filter(pl.col("attributed_to_id").is_not_null())
        .group_by("attributed_to_id")
        .agg(first_seen=pl.col("occurred_at").min())
        .rename({"attributed_to_id": "member_id"})
    )
    days = (end - pl.col("first_seen")).dt.total_microseconds() / 86_400e6
    exposure = (
        pl.concat([own, credited])
        .group_by("member_id")
        .agg(pl.col("first_seen").min())
        .select("member_id", exposure=pl.max_horizontal(days, pl.lit(1.0)) / horizon.period_days)
        .collect()
    )
    bounds = events.select(
        *(pl.col(c).min().alias(f"{c}_min") for c in ("member_id", "attributed_to_id")),
        *(pl.col(c).max().alias(f"{c}_max") for c in ("member_id", "attributed_to_id")),
    ).row(0)
    packable = all(b is None or 0 <= b < _PACK for b in bounds)
    return Log(frame, exposure, packable)


def project(frame: pl.DataFrame, realised: str, name: str, horizon: Horizon) -> pl.DataFrame:
    """Shrunk rate per period of ``realised``, extrapolated and discounted into ``name``."""
    total_exposure = float(frame.get_column("exposure").sum())
    pooled = float(frame.get_column(realised).sum()) / total_exposure if total_exposure else 0.0
    k = horizon.prior_periods
    rate = (pl.col(realised) + k * pooled) / (pl.col("exposure") + k)
    return frame.with_columns(rate.alias(f"{name}_rate")).with_columns(
        (pl.col(f"{name}_rate") * horizon.annuity_factor).alias(name)
    )


def within_window(
    frame: pl.LazyFrame, days: int, *, packable: bool, keep: pl.Expr | None = None
) -> pl.LazyFrame:
    """Rows no later than ``days`` after their (credited member, member) pair's first row.

    Anonymous rows (no member) always stay, as do rows where ``keep`` is true.
    A group-by and join rather than a window function (Polars' streaming
    engine runs them several times faster on large logs), on one packed key
    when the ids allow it.
    """
    if packable:
        key: list[str] = ["_pair"]
        frame = frame.with_columns(
            _pair=pl.col("attributed_to_id").cast(pl.UInt64) * _PACK
            + pl.col("member_id").cast(pl.UInt64)
        )
    else:
        key = ["attributed_to_id", "member_id"]
    identified = frame.filter(pl.col("member_id").is_not_null())
    firsts = identified.group_by(key).agg(_first=pl.col("occurred_at").min())
    inside = pl.col("occurred_at") <= pl.col("_first") + pl.duration(days=days)
    if keep is not None:
        inside = inside | keep
    kept = identified.join(firsts, on=key).filter(inside).drop("_first")
    anonymous = frame.filter(pl.col("member_id").is_null())
    return pl.concat([anonymous, kept]).drop(["_pair"] if packable else [])
