"""CEV = CLV + CRV + CIV + CKV, and who CLV alone undervalues (Kumar et al. 2010)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from tellus.analytics.validation import (
    AnalyticsInputError,
    require_columns,
    require_numeric,
    require_parameter,
)
from tellus.analytics.value._common import prepare
from tellus.analytics.value.influence import influence_value
from tellus.analytics.value.knowledge import knowledge_value
from tellus.analytics.value.parameters import (
    DEFAULT_CIV,
    DEFAULT_CKV,
    DEFAULT_CRV,
    DEFAULT_HORIZON,
    CIVParameters,
    CKVParameters,
    CRVParameters,
    Horizon,
)
from tellus.analytics.value.referral import referral_value


def _check_part(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    require_columns(frame, ("member_id", column), what=f"{column} frame")
    require_numeric(frame, ("member_id", column), what=f"{column} frame")
    if frame.get_column("member_id").is_duplicated().any():
        raise AnalyticsInputError(f"{column} frame: member_id must be unique")
    return frame.select(pl.col("member_id").cast(pl.Int64), pl.col(column).cast(pl.Float64))


def customer_engagement_value(
    clv: pl.DataFrame, crv: pl.DataFrame, civ: pl.DataFrame, ckv: pl.DataFrame
) -> pl.DataFrame:
    """CEV = CLV + CRV + CIV + CKV per member, with each part.

    Each input has ``member_id`` (unique) and its part's column (``clv``,
    ``crv``, ``civ``, ``ckv``; currency, discounted to the same date over the
    same horizon). A member missing from a part counts zero for it (a member
    with no trip record has no CLV to add, but may have referred others).
    CLV comes from the CLV models (``tellus.analytics.clv``) or any source.
    """
    parts = [_check_part(f, c) for f, c in ((clv, "clv"), (crv, "crv"), (civ, "civ"), (ckv, "ckv"))]
    frame = parts[0]
    for part in parts[1:]:
        frame = frame.join(part, on="member_id", how="full", coalesce=True)
    return (
        frame.with_columns(pl.col("clv", "crv", "civ", "ckv").fill_null(0.0))
        .with_columns(cev=pl.sum_horizontal("clv", "crv", "civ", "ckv"))
        .sort("member_id")
    )


def engagement_value(
    events: pl.DataFrame,
    clv: pl.DataFrame,
    *,
    as_of: dt.datetime,
    horizon: Horizon = DEFAULT_HORIZON,
    crv: CRVParameters = DEFAULT_CRV,
    civ: CIVParameters = DEFAULT_CIV,
    ckv: CKVParameters = DEFAULT_CKV,
) -> pl.DataFrame:
    """CEV per member from the log and a CLV frame (``member_id``, ``clv``) in one call.

    The log is checked, cut at ``as_of`` and its members' exposure computed
    once for the three parts.
    """
    log = prepare(events, as_of, horizon)
    return customer_engagement_value(
        clv,
        referral_value(log, horizon, crv),
        influence_value(log, horizon, civ),
        knowledge_value(log, horizon, ckv),
    )


# --------------------------------------------------------------------------- who is undervalued


def _check_cev(cev: pl.DataFrame) -> None:
    columns = ("member_id", "clv", "crv", "civ", "ckv", "cev")
    require_columns(cev, columns, what="cev frame")
    if cev.height == 0:
        raise AnalyticsInputError("cev frame is empty")
    require_numeric(cev, columns, what="cev frame")


def rank_by_clv_and_cev(cev: pl.DataFrame, *, groups: int = 10) -> pl.DataFrame:
    """Each member's group (1 = lowest .. ``groups`` = highest) by CLV alone and by CEV.

    Groups are equal-count quantiles of rank; tied members share the lowest
    group their tie reaches (so the many members without trips share group 1
    by CLV rather than being scattered by chance). ``shift`` > 0 means the
    member is undervalued by CLV alone.
    """
    _check_cev(cev)
    require_parameter("groups", groups, low=2, high=1000, integer=True)
    n = cev.height

    def group(column: str) -> pl.Expr:
        rank = pl.col(column).rank("min").cast(pl.Float64)
        return ((rank - 1.0) * groups / n).floor().cast(pl.Int64) + 1

    return cev.with_columns(clv_group=group("clv"), cev_group=group("cev")).with_columns(
        shift=pl.col("cev_group") - pl.col("clv_group")
    )


def undervalued_by_clv(cev: pl.DataFrame, *, groups: int = 10) -> pl.DataFrame:
    """The paper's table: by CLV group, what CLV misses.

    One row per CLV group (deciles by default): ``members``, mean ``clv``,
    ``crv``, ``civ``, ``ckv``, ``cev``, ``share_of_cev`` (of the DMO's total),
    ``undervalued`` / ``overvalued`` (share of the group whose CEV group is
    higher / lower than their CLV group) and ``mean_cev_group``.
    """
    ranked = rank_by_clv_and_cev(cev, groups=groups)
    total = float(ranked.get_column("cev").sum())
    return (
        ranked.group_by("clv_group")
        .agg(
            members=pl.len().cast(pl.Int64),
            clv=pl.col("clv").mean(),
            crv=pl.col("crv").mean(),
            civ=pl.col("civ").mean(),
            ckv=pl.col("ckv").mean(),
            cev=pl.col("cev").mean(),
            cev_total=pl.col("cev").sum(),
            undervalued=(pl.col("shift") > 0).mean(),
            overvalued=(pl.col("shift") < 0).mean(),
            mean_cev_group=pl.col("cev_group").mean(),
        )
        .with_columns(share_of_cev=pl.col("cev_total") / total if total else pl.lit(None))
        .drop("cev_total")
        .sort("clv_group")
    )


QUADRANTS = ("champions", "affluents", "advocates", "misers")


def value_quadrants(cev: pl.DataFrame, *, quantile: float = 0.5) -> pl.DataFrame:
    """Members in the four quadrants of CLV against the rest of engagement value.

    Kumar, Petersen and Leone (2007) cross high and low CLV with high and low
    referral value: champions (high, high), affluents (high CLV, low rest),
    advocates (low CLV, high rest) and misers (low, low). Here "the rest" is
    CRV + CIV + CKV, and high means strictly above the ``quantile`` of the
    column (the median by default; with many zeros, high means above zero).
    Returns ``quadrant``, ``members``, ``share_of_members``, ``clv``,
    ``beyond_clv``, ``cev`` (totals) and ``share_of_cev``.
    """
    _check_cev(cev)
    require_parameter("quantile", quantile, low=0.0, high=1.0)
    beyond = pl.col("crv") + pl.col("civ") + pl.col("ckv")
    frame = cev.with_columns(beyond_clv=beyond)
    clv_cut = frame.get_column("clv").quantile(quantile, interpolation="linear")
    beyond_cut = frame.get_column("beyond_clv").quantile(quantile, interpolation="linear")
    high_clv = pl.col("clv") > clv_cut
    high_rest = pl.col("beyond_clv") > beyond_cut
    quadrant = (
        pl.when(high_clv & high_rest)
        .then(pl.lit("champions"))
        .when(high_clv)
        .then(pl.lit("affluents"))
        .when(high_rest)
        .then(pl.lit("advocates"))
        .otherwise(pl.lit("misers"))
    )
    total = float(frame.get_column("cev").sum())
    counts = (
        frame.with_columns(quadrant=quadrant)
        .group_by("quadrant")
        .agg(
            members=pl.len().cast(pl.Int64),
            clv=pl.col("clv").sum(),
            beyond_clv=pl.col("beyond_clv").sum(),
            cev=pl.col("cev").sum(),
        )
    )
    return (
        pl.DataFrame({"quadrant": list(QUADRANTS)})
        .join(counts, on="quadrant", how="left")
        .with_columns(
            pl.col("members").fill_null(0),
            pl.col("clv", "beyond_clv", "cev").fill_null(0.0),
        )
        .with_columns(
            share_of_members=pl.col("members") / cev.height,
            share_of_cev=pl.col("cev") / total if total else pl.lit(None, dtype=pl.Float64),
        )
    )
