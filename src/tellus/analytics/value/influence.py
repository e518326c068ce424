"""Customer influence value (CIV), after Kumar et al. (2013): conversions and PageRank."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
from scipy import sparse

from tellus.analytics._events import kind_is, text_is
from tellus.analytics.validation import (
    AnalyticsInputError,
    require_columns,
    require_numeric,
    require_parameter,
)
from tellus.analytics.value._common import Log, prepare, project, within_window
from tellus.analytics.value.parameters import (
    DEFAULT_CIV,
    DEFAULT_HORIZON,
    CIVParameters,
    Horizon,
)


def influence_pagerank(
    edges: pl.DataFrame, *, damping: float = 0.85, tolerance: float = 1e-12, max_iter: int = 500
) -> pl.DataFrame:
    """Each influencer's share of PageRank in the who-influenced-whom network.

    ``edges``: ``member_id`` (the influenced), ``attributed_to_id`` (the
    influencer), ``weight`` (conversions, > 0). Rank flows from the influenced
    to whoever influenced them, so an influencer ranks high when many people,
    themselves influential, were converted by them. Dangling members (who
    influenced nobody in return) spread their rank evenly, as in PageRank.
    Returns ``member_id`` and ``influence_share`` (summing to 1) for members
    who influenced at least one other member.
    """
    require_columns(edges, ("member_id", "attributed_to_id", "weight"), what="edges")
    require_numeric(edges, ("member_id", "attributed_to_id", "weight"), what="edges")
    require_parameter("damping", damping, low=0.0, high=0.99)
    empty = pl.DataFrame(schema={"member_id": pl.Int64, "influence_share": pl.Float64})
    edges = edges.filter(pl.col("member_id") != pl.col("attributed_to_id"))
    if edges.height == 0:
        return empty
    if (edges.get_column("weight") <= 0).any():
        raise AnalyticsInputError("edges: column 'weight' must be positive")
    source = edges.get_column("member_id").to_numpy()
    target = edges.get_column("attributed_to_id").to_numpy()
    nodes, index = np.unique(np.concatenate([source, target]), return_inverse=True)
    n = nodes.size
    s_idx, t_idx = index[: source.size], index[source.size :]
    weight = edges.get_column("weight").to_numpy().astype(np.float64)
    matrix = sparse.csr_matrix((weight, (s_idx, t_idx)), shape=(n, n))
    out = np.asarray(matrix.sum(axis=1)).ravel()
    dangling = out == 0
    transition = sparse.diags(np.where(dangling, 0.0, 1.0 / np.where(dangling, 1.0, out))) @ matrix
    flow = transition.T.tocsr()
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = damping * (flow @ rank) + (damping * rank[dangling].sum() + 1.0 - damping) / n
        done = np.abs(new - rank).sum() < tolerance
        rank = new
        if done:
            break
    influencers = np.zeros(n, dtype=bool)
    influencers[t_idx] = True
    share = rank[influencers] / rank[influencers].sum()
    return pl.DataFrame(
        {"member_id": nodes[influencers].astype(np.int64), "influence_share": share}
    ).sort("member_id")


def customer_influence_value(
    events: pl.DataFrame,
    *,
    as_of: dt.datetime,
    horizon: Horizon = DEFAULT_HORIZON,
    parameters: CIVParameters = DEFAULT_CIV,
) -> pl.DataFrame:
    """CIV per member: the value of conversions their content and shares cause among others.

    Reads ``member_id``, ``kind``, ``occurred_at``, ``channel``, ``value``
    (trip spend) and ``attributed_to_id`` of events up to ``as_of``; see
    ``CIVParameters`` for the formula. Events a member credits to themselves
    and events on the referral channel are ignored; an identified member's
    events count for an influencer only within the attribution window after
    their first link to them (anonymous views and clicks always count).

    Returns one row per member known to the log: reach (``views``,
    ``shares``) beside conversions (``clicks``, ``sign_ups``, ``trips``),
    ``direct_value``, ``influence_share`` (PageRank share, 0 outside the
    network), ``civ_realised`` (direct value with the network reallocation),
    ``civ_rate`` (per period) and ``civ`` (projected and discounted).
    """
    return influence_value(prepare(events, as_of, horizon), horizon, parameters)


def influence_value(log: Log, horizon: Horizon, p: CIVParameters) -> pl.DataFrame:
    """CIV from a prepared log (see ``customer_influence_value``)."""
    conversion_kinds = [p.view_kind, p.click_kind, p.sign_up_kind, p.trip_kind]
    influenced = within_window(
        log.frame.filter(
            kind_is(conversion_kinds)
            & pl.col("attributed_to_id").is_not_null()
            & (pl.col("member_id").is_null() | (pl.col("member_id") != pl.col("attributed_to_id")))
            & (pl.col("channel").is_null() | ~text_is("channel", [p.referral_channel]))
        ),
        p.attribution_window_days,
        packable=log.packable,
    )
    worth = (
        pl.when(kind_is([p.trip_kind]))
        .then(pl.col("value").fill_null(0.0).cast(pl.Float64) * p.margin)
        .when(kind_is([p.sign_up_kind]))
        .then(pl.lit(p.value_per_sign_up))
        .when(kind_is([p.click_kind]))
        .then(pl.lit(p.value_per_click))
        .otherwise(pl.lit(p.value_per_view))
    )
    direct = (
        influenced.group_by("attributed_to_id")
        .agg(
            views=kind_is([p.view_kind]).sum().cast(pl.Int64),
            clicks=kind_is([p.click_kind]).sum().cast(pl.Int64),
            sign_ups=kind_is([p.sign_up_kind]).sum().cast(pl.Int64),
            trips=kind_is([p.trip_kind]).sum().cast(pl.Int64),
            direct_value=worth.sum(),
        )
        .rename({"attributed_to_id": "member_id"})
    )
    shares = (
        log.frame.filter(kind_is([p.share_kind]) & pl.col("member_id").is_not_null())
        .group_by("member_id")
        .agg(shares=pl.len().cast(pl.Int64))
    )
    edges = (
        influenced.filter(
            pl.col("member_id").is_not_null() & kind_is([p.click_kind, p.sign_up_kind, p.trip_kind])
        )
        .group_by("member_id", "attributed_to_id")
        .agg(weight=pl.len().cast(pl.Float64))
    )
    # one pass over the log for all three (Polars shares the common part of the plans)
    direct_frame, shares_frame, edges_frame = pl.collect_all([direct, shares, edges])
    network = influence_pagerank(edges_frame, damping=p.damping)
    frame = (
        log.exposure.join(direct_frame, on="member_id", how="left")
        .join(shares_frame, on="member_id", how="left")
        .join(network, on="member_id", how="left")
        .with_columns(
            pl.col("views", "clicks", "sign_ups", "trips", "shares").fill_null(0),
            pl.col("direct_value", "influence_share").fill_null(0.0),
        )
    )
    total = float(frame.get_column("direct_value").sum())
    w = p.network_weight if network.height else 0.0
    frame = frame.with_columns(
        civ_realised=(1.0 - w) * pl.col("direct_value") + w * total * pl.col("influence_share")
    )
    return (
        project(frame, "civ_realised", "civ", horizon)
        .select(
            "member_id",
            "views",
            "shares",
            "clicks",
            "sign_ups",
            "trips",
            "direct_value",
            "influence_share",
            "civ_realised",
            "civ_rate",
            "civ",
        )
        .sort("member_id")
    )
