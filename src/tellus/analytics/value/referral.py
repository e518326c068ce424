"""Customer referral value (CRV), after Kumar, Petersen and Leone (2007, 2010)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from tellus.analytics._events import kind_is, text_is
from tellus.analytics.value._common import Log, prepare, within_window
from tellus.analytics.value.parameters import (
    DEFAULT_CRV,
    DEFAULT_HORIZON,
    CRVParameters,
    Horizon,
)


def customer_referral_value(
    events: pl.DataFrame,
    *,
    as_of: dt.datetime,
    horizon: Horizon = DEFAULT_HORIZON,
    parameters: CRVParameters = DEFAULT_CRV,
) -> pl.DataFrame:
    """CRV per member: the discounted value of the visitors they will bring by referral.

    Reads ``member_id``, ``kind``, ``occurred_at``, ``channel``, ``value``
    (trip spend, currency) and ``attributed_to_id`` of events up to ``as_of``.
    A referral is a (referrer, referred member) pair linked by a sign-up or
    trip on the referral channel credited to the referrer; self-referrals are
    ignored. Each referral's realised value is

        (1 - p) * (A - incentive - marketing) + ED,

    where A = ``margin`` × the referred member's referred-trip spend within
    the attribution window, p = ``share_would_have_come_anyway`` and ED =
    ``acquisition_cost_saved``, counted once per referred member (for their
    earliest referrer). Future referrals come from the member's own referral
    rate (shrunk, see module docstring), each worth their own average value
    per referral (shrunk towards the DMO's): ``crv = rate × value × annuity``.
    It can be negative when incentives cost more than referrals bring.

    Returns one row per member known to the log: ``member_id``,
    ``referrals``, ``referred_value`` (A summed), ``crv_realised``,
    ``referral_rate`` (per period), ``value_per_referral``, ``crv``.
    """
    return referral_value(prepare(events, as_of, horizon), horizon, parameters)


def referral_value(log: Log, horizon: Horizon, p: CRVParameters) -> pl.DataFrame:
    """CRV from a prepared log (see ``customer_referral_value``)."""
    links = log.frame.filter(
        kind_is([p.sign_up_kind, p.trip_kind])
        & text_is("channel", [p.referral_channel])
        & pl.col("attributed_to_id").is_not_null()
        & pl.col("member_id").is_not_null()
        & (pl.col("member_id") != pl.col("attributed_to_id"))
    )
    is_trip = kind_is([p.trip_kind])
    pairs = (
        within_window(links, p.attribution_window_days, packable=log.packable, keep=~is_trip)
        .group_by("attributed_to_id", "member_id")
        .agg(
            first_link=pl.col("occurred_at").min(),
            value=pl.col("value").filter(is_trip).fill_null(0.0).sum().cast(pl.Float64) * p.margin,
        )
        .sort("member_id", "first_link", "attributed_to_id")
        .with_columns(acquired=pl.col("member_id").is_first_distinct())
        .with_columns(
            net=(1.0 - p.share_would_have_come_anyway)
            * (pl.col("value") - p.referral_incentive_cost - p.marketing_cost_per_referred)
            + pl.col("acquired").cast(pl.Float64) * p.acquisition_cost_saved
        )
        .group_by("attributed_to_id")
        .agg(
            referrals=pl.len().cast(pl.Int64),
            referred_value=pl.col("value").sum(),
            crv_realised=pl.col("net").sum(),
        )
        .rename({"attributed_to_id": "member_id"})
    )
    frame = (
        log.exposure.lazy()
        .join(pairs, on="member_id", how="left")
        .with_columns(
            pl.col("referrals").fill_null(0),
            pl.col("referred_value", "crv_realised").fill_null(0.0),
        )
        .collect()
    )
    k = horizon.prior_periods
    total_exposure = float(frame.get_column("exposure").sum())
    total_referrals = int(frame.get_column("referrals").sum())
    pooled_rate = total_referrals / total_exposure if total_exposure else 0.0
    pooled_value = (
        float(frame.get_column("crv_realised").sum()) / total_referrals if total_referrals else 0.0
    )
    m = p.value_prior_referrals
    return (
        frame.with_columns(
            referral_rate=(pl.col("referrals") + k * pooled_rate) / (pl.col("exposure") + k),
            value_per_referral=pl.when(pl.col("referrals") + m > 0)
            .then((pl.col("crv_realised") + m * pooled_value) / (pl.col("referrals") + m))
            .otherwise(0.0),
        )
        .with_columns(
            crv=pl.col("referral_rate") * pl.col("value_per_referral") * horizon.annuity_factor
        )
        .select(
            "member_id",
            "referrals",
            "referred_value",
            "crv_realised",
            "referral_rate",
            "value_per_referral",
            "crv",
        )
        .sort("member_id")
    )
