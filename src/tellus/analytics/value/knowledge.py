"""Customer knowledge value (CKV): our design, see ``CKVParameters``."""

from __future__ import annotations

import datetime as dt

import polars as pl

from tellus.analytics._events import kind_is
from tellus.analytics.value._common import Log, prepare, project
from tellus.analytics.value.parameters import (
    DEFAULT_CKV,
    DEFAULT_HORIZON,
    CKVParameters,
    Horizon,
)


def customer_knowledge_value(
    events: pl.DataFrame,
    *,
    as_of: dt.datetime,
    horizon: Horizon = DEFAULT_HORIZON,
    parameters: CKVParameters = DEFAULT_CKV,
) -> pl.DataFrame:
    """CKV per member: the value of what they teach the DMO (our design; see ``CKVParameters``).

    Reads ``member_id`` (the author), ``kind``, ``occurred_at`` and ``value``
    (staff's valuation of an adopted idea, currency) of events up to
    ``as_of``. Returns one row per member known to the log:
    ``knowledge_acts`` (counted, before the daily cap), ``adopted_ideas``,
    ``ckv_realised``, ``ckv_rate`` (per period) and ``ckv``.
    """
    columns = ("member_id", "kind", "occurred_at", "value", "attributed_to_id")
    return knowledge_value(prepare(events, as_of, horizon, columns), horizon, parameters)


def knowledge_value(log: Log, horizon: Horizon, p: CKVParameters) -> pl.DataFrame:
    """CKV from a prepared log (see ``customer_knowledge_value``)."""
    kinds = list(p.kind_values)
    default = pl.col("kind").cast(pl.String).replace_strict(dict(p.kind_values), default=0.0)
    daily = (
        log.frame.filter(kind_is(kinds) & pl.col("member_id").is_not_null())
        .group_by("member_id", "kind", pl.col("occurred_at").dt.date().alias("day"))
        .agg(
            acts=pl.len().cast(pl.Int64),
            valued=pl.col("value").count().cast(pl.Int64),
            logged=pl.col("value").cast(pl.Float64).sum(),
        )
        .with_columns(
            worth=pl.when(kind_is(p.logged_value_kinds))
            .then(pl.col("logged") + (pl.col("acts") - pl.col("valued")) * default)
            .otherwise(pl.min_horizontal(pl.col("acts"), p.daily_cap_per_kind) * default)
        )
        .group_by("member_id")
        .agg(
            knowledge_acts=pl.col("acts").sum(),
            adopted_ideas=pl.col("acts").filter(kind_is([p.adopted_kind])).sum(),
            ckv_realised=pl.col("worth").sum(),
        )
    )
    frame = (
        log.exposure.lazy()
        .join(daily, on="member_id", how="left")
        .with_columns(
            pl.col("knowledge_acts", "adopted_ideas").fill_null(0).cast(pl.Int64),
            pl.col("ckv_realised").fill_null(0.0),
        )
        .collect()
    )
    return (
        project(frame, "ckv_realised", "ckv", horizon)
        .select("member_id", "knowledge_acts", "adopted_ideas", "ckv_realised", "ckv_rate", "ckv")
        .sort("member_id")
    )
