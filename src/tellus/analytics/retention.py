"""Retention and churn by cohort, and what acquiring a member costs per channel or initiative.

Both read the engagement log (``member_id``, ``kind``, ``occurred_at`` and
the ``by`` columns) and group by any of its columns: a channel, an
initiative, a touchpoint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

import polars as pl

from tellus.analytics._events import (
    CONTRIBUTION_KINDS,
    check_events,
    check_kinds,
    kind_is,
    time_literal,
)
from tellus.analytics._groups import group_columns
from tellus.analytics.validation import AnalyticsInputError, require_columns

__all__ = ["acquisition_cost", "cohort_retention"]


# --------------------------------------------------------------------------- cohorts


def _month_index(column: str | pl.Expr) -> pl.Expr:
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.dt.year().cast(pl.Int64) * 12 + expr.dt.month().cast(pl.Int64) - 1


def cohort_retention(
    events: pl.DataFrame,
    *,
    as_of: dt.datetime,
    cohort: Literal["first_trip", "first_contribution"] = "first_trip",
    by: str | Sequence[str] = (),
    trip_kind: str = "trip.recorded",
    contribution_kinds: Sequence[str] = CONTRIBUTION_KINDS,
) -> pl.DataFrame:
    """Retention and churn by cohort: members grouped by the month of their first trip
    (or first contribution), followed month by month.

    Reads ``member_id``, ``kind``, ``occurred_at`` and the ``by`` columns of
    events up to ``as_of``. A member is *active* in a month when they made a
    trip (or a contribution, for contribution cohorts) in it; ``period`` 0 is
    the cohort's own month, so retention there is 1. A member's group is the
    ``by`` value on their first such event (e.g. the channel of their first
    trip). Months run in UTC (or the column's own time zone).

    Returns the ``by`` columns, ``cohort`` (first day of the month),
    ``period`` (months since), ``cohort_size``, ``active``, ``retention`` =
    active / cohort_size, ``churn`` = 1 - retention, and
    ``churn_from_previous``: the share of the previous month's active members
    not active this month (null in period 0). The current month is partial.
    """
    columns = group_columns(by)
    if cohort == "first_trip":
        kinds: tuple[str, ...] = (trip_kind,)
    elif cohort == "first_contribution":
        kinds = check_kinds("contribution_kinds", contribution_kinds)
    else:
        raise AnalyticsInputError(
            f"cohort must be 'first_trip' or 'first_contribution', not {cohort!r}"
        )
    base = ["member_id", "kind", "occurred_at"]
    check_events(events, base)
    require_columns(events, columns, what="events")
    if set(columns) & set(base):
        raise AnalyticsInputError("by cannot group on member_id, kind or occurred_at")
    end = time_literal(events, as_of)
    acts = (
        events.lazy()
        .filter((pl.col("occurred_at") <= end) & pl.col("member_id").is_not_null() & kind_is(kinds))
        .select("member_id", *columns, month=_month_index("occurred_at"))
    )
    first = (
        acts.sort("month")
        .group_by("member_id")
        .agg(pl.col("month").first().alias("cohort_month"), *[pl.col(c).first() for c in columns])
    )
    active = acts.select("member_id", "month").unique()
    last_month = events.select(_month_index(end).alias("m")).item()
    sizes = first.group_by([*columns, "cohort_month"]).agg(cohort_size=pl.len().cast(pl.Int64))
    grid = (
        sizes.with_columns(period=pl.int_ranges(0, last_month - pl.col("cohort_month") + 1))
        .explode("period")
        .with_columns(pl.col("period").cast(pl.Int64))
    )
    counts = active.join(
        first.select("member_id", "cohort_month", *columns), on="member_id"
    ).with_columns(period=pl.col("month") - pl.col("cohort_month"))
    per_period = counts.group_by([*columns, "cohort_month", "period"]).agg(
        active=pl.len().cast(pl.Int64)
    )
    kept = (
        counts.join(
            counts.select("member_id", period=pl.col("period") + 1),
            on=["member_id", "period"],
        )
        .group_by([*columns, "cohort_month", "period"])
        .agg(kept=pl.len().cast(pl.Int64))
    )
    keys = [*columns, "cohort_month", "period"]
    table = (
        grid.join(per_period, on=keys, how="left", nulls_equal=True)
        .join(kept, on=keys, how="left", nulls_equal=True)
        .with_columns(pl.col("active", "kept").fill_null(0))
        .sort(keys)
        .with_columns(previous=pl.col("active").shift(1).over([*columns, "cohort_month"]))
        .collect()
    )
    month = pl.col("cohort_month")
    return table.select(
        *columns,
        cohort=pl.date(month // 12, month % 12 + 1, 1),
        period="period",
        cohort_size="cohort_size",
        active="active",
        retention=pl.col("active") / pl.col("cohort_size"),
        churn=1.0 - pl.col("active") / pl.col("cohort_size"),
        churn_from_previous=pl.when(pl.col("previous") > 0).then(
            1.0 - pl.col("kept") / pl.col("previous")
        ),
    )


# --------------------------------------------------------------------------- CAC


def acquisition_cost(
    events: pl.DataFrame,
    spend: pl.DataFrame,
    *,
    by: str | Sequence[str] = ("channel",),
    sign_up_kind: str = "member.signed_up",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> pl.DataFrame:
    """Customer acquisition cost per channel, initiative or any group: spend / new members.

    ``events``: reads ``member_id``, ``kind``, ``occurred_at`` and the ``by``
    columns; each member's first sign-up in [since, until] is one acquisition.
    ``spend``: the ``by`` columns and ``spend`` (currency, >= 0) for the same
    period; several lines per group are added up.

    Returns the ``by`` columns, ``spend``, ``acquisitions`` and ``cac``. A
    group with sign-ups but no spend line (word of mouth, organic search) has
    unknown spend and CAC (null), not zero; a group with spend and no
    sign-ups has a null CAC (no one acquired).
    """
    columns = group_columns(by)
    if not columns:
        raise AnalyticsInputError("acquisition_cost needs at least one 'by' column")
    base = ["member_id", "kind", "occurred_at"]
    check_events(events, base)
    require_columns(events, columns, what="events")
    require_columns(spend, [*columns, "spend"], what="spend")
    amount = spend.get_column("spend")
    if not amount.dtype.is_numeric():
        raise AnalyticsInputError(f"spend: column 'spend' must be numeric, not {amount.dtype}")
    if amount.null_count() or (amount.dtype.is_float() and amount.is_nan().any()):
        raise AnalyticsInputError("spend: column 'spend' has null or NaN value(s)")
    if len(amount) and amount.min() < 0:  # type: ignore[operator]
        raise AnalyticsInputError("spend: column 'spend' has negative value(s)")
    for column in columns:
        left, right = events.schema[column], spend.schema[column]
        if left != right and not (left.is_numeric() and right.is_numeric()):
            raise AnalyticsInputError(f"column {column!r} is {left} in events but {right} in spend")
    window = pl.col("member_id").is_not_null() & kind_is([sign_up_kind])
    if since is not None:
        window &= pl.col("occurred_at") >= time_literal(events, since, name="since")
    if until is not None:
        window &= pl.col("occurred_at") <= time_literal(events, until, name="until")
    acquired = (
        events.lazy()
        .filter(window)
        .sort("occurred_at")
        .group_by("member_id")
        .agg(*[pl.col(c).first() for c in columns])
        .group_by(columns)
        .agg(acquisitions=pl.len().cast(pl.Int64))
        .collect()
    )
    cast = {c: events.schema[c] for c in columns}
    paid = (
        spend.with_columns([pl.col(c).cast(t) for c, t in cast.items()])
        .group_by(columns)
        .agg(pl.col("spend").cast(pl.Float64).sum())
    )
    return (
        paid.join(acquired, on=columns, how="full", coalesce=True, nulls_equal=True)
        .with_columns(pl.col("acquisitions").fill_null(0))
        .with_columns(
            cac=pl.when(pl.col("acquisitions") > 0).then(pl.col("spend") / pl.col("acquisitions"))
        )
        .select(*columns, "spend", "acquisitions", "cac")
        .sort(columns, nulls_last=True)
    )
