"""What the three engagement values share: the log up to a date, exposure, projection, windows."""

from __future__ import annotations

import datetime as dt

import polars as pl

from tellus.analytics._events import check_events, time_literal
from tellus.analytics.value.parameters import Horizon


def read_log(events: pl.DataFrame, columns: tuple[str, ...], as_of: dt.datetime) -> pl.LazyFrame:
    """The log's named columns up to ``as_of``, checked: the future never leaks into a value."""
    check_events(events, columns)
    return (
        events.lazy().select(columns).filter(pl.col("occurred_at") <= time_literal(events, as_of))
    )


def member_exposure(
    log: pl.LazyFrame, as_of: dt.datetime, events: pl.DataFrame, horizon: Horizon
) -> pl.LazyFrame:
    """Every member the log knows, with the periods we have observed them (at least one day)."""
    own = log.filter(pl.col("member_id").is_not_null()).select("member_id", "occurred_at")
    credited = log.filter(pl.col("attributed_to_id").is_not_null()).select(
        pl.col("attributed_to_id").alias("member_id"), "occurred_at"
    )
    seen = (
        pl.concat([own, credited]).group_by("member_id").agg(first_seen=pl.col("occurred_at").min())
    )
    end = time_literal(events, as_of)
    days = (end - pl.col("first_seen")).dt.total_microseconds() / 86_400e6
    return seen.select(
        "member_id", exposure=pl.max_horizontal(days, pl.lit(1.0)) / horizon.period_days
    )


def project(frame: pl.DataFrame, realised: str, name: str, horizon: Horizon) -> pl.DataFrame:
    """Shrunk rate per period of ``realised``, extrapolated and discounted into ``name``."""
    total_exposure = float(frame.get_column("exposure").sum())
    pooled = float(frame.get_column(realised).sum()) / total_exposure if total_exposure else 0.0
    k = horizon.prior_periods
    rate = (pl.col(realised) + k * pooled) / (pl.col("exposure") + k)
    return frame.with_columns(rate.alias(f"{name}_rate")).with_columns(
        (pl.col(f"{name}_rate") * horizon.annuity_factor).alias(name)
    )


def within_window(frame: pl.LazyFrame, days: int, keep: pl.Expr | None = None) -> pl.LazyFrame:
    """Rows no later than ``days`` after their (influencer, member) pair's first row.

    Anonymous rows (no member) always stay, as do rows where ``keep`` is true.
    A group-by and join rather than a window function: Polars' streaming
    engine runs them several times faster on large logs.
    """
    firsts = (
        frame.filter(pl.col("member_id").is_not_null())
        .group_by("attributed_to_id", "member_id")
        .agg(_first=pl.col("occurred_at").min())
    )
    inside = pl.col("member_id").is_null() | (
        pl.col("occurred_at") <= pl.col("_first") + pl.duration(days=days)
    )
    if keep is not None:
        inside = inside | keep
    return (
        frame.join(firsts, on=["attributed_to_id", "member_id"], how="left")
        .filter(inside)
        .drop("_first")
    )
