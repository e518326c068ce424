"""From a transaction log to the per-customer summary the CLV models read.

The summary is the usual recency-frequency-monetary one (Fader, Hardie and Lee
2005): trips on one calendar day count as one trip (their amounts added), the
first trip opens the customer's history and is not a repeat, and durations are
whole days divided by the time unit (a week is 7 days), as lifetimes and BTYD do.
Polars does the grouping: lifetimes' helper gives the same summary but needs
pandas and is many times slower on large logs (see benchmarks/clv).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Literal

import numpy as np
import polars as pl

from tellus.analytics.validation import AnalyticsInputError, require_columns, require_numeric

TimeUnit = Literal["day", "week"]
UNIT_DAYS: dict[str, float] = {"day": 1.0, "week": 7.0}
MAX_TRANSACTIONS = 2_000_000_000
MAX_CUSTOMERS = 200_000_000
SUMMARY_COLUMNS = ("frequency", "recency", "T")
# Durations are days / unit; allow for the rounding of files written with few decimals.
RECENCY_SLACK = 1e-6


def summarize_transactions(
    log: pl.DataFrame | pl.LazyFrame,
    *,
    customer: str = "customer_id",
    date: str = "date",
    amount: str | None = None,
    calibration_end: dt.date | None = None,
    observation_end: dt.date | None = None,
    time_unit: TimeUnit = "week",
) -> pl.DataFrame:
    """Summarise a transaction log per customer.

    Input ``log``: one row per transaction, with ``customer`` (any non-null key),
    ``date`` (Date or Datetime; the time of day is dropped) and optionally
    ``amount`` (non-negative number, currency units). Transactions after
    ``observation_end`` (default: the last date in the log) are ignored.

    Output, one row per customer whose first trip is on or before the
    calibration end (``calibration_end``, default ``observation_end``):

    - ``customer``: the key;
    - ``frequency`` (Int64): repeat trips in the calibration period (days with a
      trip, less the first);
    - ``recency`` (Float64): time from the first to the last trip, in ``time_unit``;
    - ``T`` (Float64): time from the first trip to the calibration end, in ``time_unit``;
    - ``monetary_value`` (Float64, only with ``amount``): mean spend per repeat trip
      (the first trip's spend is left out, as the Gamma-Gamma model expects), 0 with no repeat;
    - with ``calibration_end``: ``frequency_holdout`` (Int64, trips after the
      calibration end up to ``observation_end``), ``duration_holdout`` (Float64, the
      holdout length in ``time_unit``) and, with ``amount``,
      ``monetary_value_holdout`` (mean spend per holdout trip, 0 with none).

    ``log`` may be a LazyFrame (for example ``pl.scan_csv``): without a
    calibration or observation end the file is then read and summarised in one
    pass, and the checks run on the same pass.
    """
    if time_unit not in UNIT_DAYS:
        raise AnalyticsInputError(f"time_unit must be 'day' or 'week', not {time_unit!r}")
    if isinstance(log, pl.LazyFrame):
        if calibration_end is None and observation_end is None:
            return _summarize_lazy(log, customer, date, amount, time_unit)
        log = _collect(log.select([customer, date] + ([amount] if amount else [])))
    require_columns(log, [customer, date] + ([amount] if amount else []), what="transactions")
    frame = _checked(
        log.lazy(), log.schema, customer, date, amount, read=pl.LazyFrame.collect
    ).lazy()
    unit = UNIT_DAYS[time_unit]
    bounds = frame.select(pl.col("_day").min().alias("lo"), pl.col("_day").max().alias("hi"))
    lo, hi = bounds.collect().row(0)
    end = observation_end or hi
    cal_end = calibration_end or end
    if calibration_end is not None:
        if calibration_end < lo:
            raise AnalyticsInputError(
                f"calibration_end {calibration_end} is before the first transaction ({lo})"
            )
        if calibration_end >= end:
            raise AnalyticsInputError(
                f"calibration_end {calibration_end} must be before the observation end ({end})"
            )
    if end < lo:
        raise AnalyticsInputError(f"observation_end {end} is before the first transaction ({lo})")

    frame = frame.filter(pl.col("_day") <= end)
    per = _per_customer(
        frame.filter(pl.col("_day") <= cal_end).collect(), customer, amount is not None
    ).lazy()
    cal_ord = pl.lit(cal_end, dtype=pl.Date)
    out = [
        pl.col(customer),
        (pl.col("_days") - 1).cast(pl.Int64).alias("frequency"),
        ((pl.col("_last") - pl.col("_first")).dt.total_days() / unit).alias("recency"),
        ((cal_ord - pl.col("_first")).dt.total_days() / unit).alias("T"),
    ]
    if amount:
        out.append(
            pl.when(pl.col("_days") > 1)
            .then((pl.col("_total") - pl.col("_first_total")) / (pl.col("_days") - 1))
            .otherwise(0.0)
            .alias("monetary_value")
        )
    summary = per.select(out)
    if calibration_end is not None:
        hold_aggs: list[pl.Expr] = [pl.col("_day").n_unique().alias("frequency_holdout")]
        if amount:
            hold_aggs.append(pl.col("_amount").sum().alias("_hold_total"))
        holdout = frame.filter(pl.col("_day") > cal_end).group_by(customer).agg(hold_aggs)
        summary = summary.join(holdout, on=customer, how="left").with_columns(
            pl.col("frequency_holdout").fill_null(0).cast(pl.Int64),
            pl.lit((end - cal_end).days / unit).alias("duration_holdout"),
        )
        if amount:
            summary = summary.with_columns(
                pl.when(pl.col("frequency_holdout") > 0)
                .then(pl.col("_hold_total") / pl.col("frequency_holdout"))
                .otherwise(0.0)
                .alias("monetary_value_holdout")
            ).drop("_hold_total")
    result = summary.collect()
    if result.height > MAX_CUSTOMERS:
        raise AnalyticsInputError(f"transactions: more than {MAX_CUSTOMERS:,} customers")
    return result


class LogReadError(AnalyticsInputError):
    """A lazily read log could not be parsed as declared (for example a date column
    in another format); the caller may read it eagerly and convert it instead."""


def _collect(query: pl.LazyFrame) -> pl.DataFrame:
    try:
        return query.collect()
    except pl.exceptions.PolarsError as exc:
        raise LogReadError(f"transactions: cannot read the log: {exc}") from exc


def _per_customer(frame: pl.DataFrame, customer: str, spend: bool) -> pl.DataFrame:
    """Per-customer row count, first and last day, trip days and spend.

    ``frame`` holds ``customer``, ``_day`` and, with ``spend``, ``_amount``, with no
    nulls (the callers check). Rows sorted by customer and day (as logs exported
    per customer are; any other log is sorted first, stably) make every quantity a
    reduction over each customer's run of rows: its bounds come from one comparison
    with the row before, and a second transaction on a trip day is counted apart.
    Hashing ten million keys in a group-by costs more than the whole of this;
    NumPy does it because Polars has no reduction over sorted runs.
    """
    day = frame.get_column("_day").to_physical().to_numpy()
    runs = _runs(frame.get_column(customer), day)
    if runs is None:
        frame = frame.sort(customer, "_day", maintain_order=True)
        day = frame.get_column("_day").to_physical().to_numpy()
        runs = _runs(frame.get_column(customer), day)
        assert runs is not None
    starts, first_keys, new_customer = runs
    n = frame.height
    stops = np.append(starts[1:], n) if n else starts
    first, last = day[starts], day[stops - 1]
    # Rows on the same day as the row before, for the same customer: not a new trip.
    repeat_rows = np.flatnonzero(day[1:] == day[:-1])
    repeat_rows = repeat_rows[~new_customer[repeat_rows]] + 1
    owner = np.searchsorted(starts, repeat_rows, side="right") - 1
    columns = {
        customer: first_keys,
        "_rows": stops - starts,
        "_first": pl.Series(first, dtype=pl.Int32).cast(pl.Date),
        "_last": pl.Series(last, dtype=pl.Int32).cast(pl.Date),
        "_days": stops - starts - np.bincount(owner, minlength=starts.size),
    }
    if spend:
        amount = frame.get_column("_amount").to_numpy()
        on_first_day = day[repeat_rows] == first[owner]
        columns["_total"] = np.add.reduceat(amount, starts) if n else np.zeros(0)
        columns["_first_total"] = amount[starts] + np.bincount(
            owner[on_first_day], weights=amount[repeat_rows[on_first_day]], minlength=starts.size
        )
    return pl.DataFrame(columns)


def _runs(keys: pl.Series, day: np.ndarray) -> tuple[np.ndarray, pl.Series, np.ndarray] | None:
    """Where each customer's rows start, each customer's key, and which rows (after
    the first) change customer; None unless the rows are sorted by customer, and by
    day within one."""
    if keys.len() == 0:
        return np.zeros(0, dtype=np.int64), keys, np.zeros(0, dtype=bool)
    if keys.dtype.is_integer():
        values = keys.to_numpy()
        change = values[1:] != values[:-1]
        starts = np.flatnonzero(change) + 1
        starts = np.concatenate(([0], starts))
        first_values = values[starts]
        ascending = bool(np.all(first_values[1:] > first_values[:-1]))
        first_keys = pl.Series(keys.name, first_values, dtype=keys.dtype)
    else:
        change = keys.slice(1).ne_missing(keys.slice(0, keys.len() - 1)).to_numpy()
        starts = np.concatenate(([0], np.flatnonzero(change) + 1))
        first_keys = keys.gather(starts)
        ascending = bool((first_keys.slice(1) > first_keys.slice(0, first_keys.len() - 1)).all())
    # A day earlier than the row before is fine only where the customer changes.
    backwards = np.flatnonzero(day[1:] < day[:-1])
    if not ascending or not change[backwards].all():
        return None
    return starts, first_keys, change


def _checked(
    log: pl.LazyFrame,
    schema: pl.Schema,
    customer: str,
    date: str,
    amount: str | None,
    *,
    read: Callable[[pl.LazyFrame], pl.DataFrame],
) -> pl.DataFrame:
    """The log as ``customer``, ``_day`` (Date) and ``_amount`` (Float64), read with
    ``read`` and checked: the one reading both the eager and the lazy path share."""
    dtype = schema[date]
    if dtype == pl.Date:
        day = pl.col(date)
    elif isinstance(dtype, pl.Datetime):
        day = pl.col(date).dt.date()
    else:
        raise LogReadError(
            f"transactions: column {date!r} must hold dates (Date or Datetime), not {dtype}; "
            "parse it first (for example pl.col(...).str.to_date())"
        )
    if amount and not schema[amount].is_numeric():
        raise AnalyticsInputError(
            f"transactions: column {amount!r} must be numeric, not {schema[amount]}"
        )
    frame = read(
        log.select(
            pl.col(customer),
            day.alias("_day"),
            *([pl.col(amount).cast(pl.Float64).alias("_amount")] if amount else []),
        )
    )
    if frame.height == 0:
        raise AnalyticsInputError("transactions: the log is empty")
    if frame.height > MAX_TRANSACTIONS:
        raise AnalyticsInputError(
            f"transactions: more than the {MAX_TRANSACTIONS:,} rows supported"
        )
    _check_log(frame, customer, date, amount)
    return frame


def _check_log(frame: pl.DataFrame, customer: str, date: str, amount: str | None) -> None:
    """Refuse null keys and dates, and missing, non-finite or negative spend."""
    if frame.get_column(customer).null_count():
        raise AnalyticsInputError(f"transactions: column {customer!r} has null customer keys")
    if frame.get_column("_day").null_count():
        raise AnalyticsInputError(f"transactions: column {date!r} has null dates")
    if amount is None:
        return
    spend = frame.get_column("_amount")
    if spend.null_count():
        raise AnalyticsInputError(f"transactions: column {amount!r} has null(s)")
    # A sum is NaN or infinite when a value is (or, absurdly, when it overflows).
    if not math.isfinite(spend.sum()) and not spend.is_finite().all():
        raise AnalyticsInputError(f"transactions: column {amount!r} has NaN or infinite value(s)")
    if frame.height and spend.min() < 0:  # type: ignore[operator]
        raise AnalyticsInputError(f"transactions: column {amount!r} has negative value(s)")


def _summarize_lazy(
    log: pl.LazyFrame, customer: str, date: str, amount: str | None, time_unit: str
) -> pl.DataFrame:
    """One pass over a lazily read log: summary and input checks together."""
    schema = log.collect_schema()
    missing = [c for c in [customer, date] + ([amount] if amount else []) if c not in schema]
    if missing:
        raise AnalyticsInputError(
            f"transactions is missing column(s) {', '.join(repr(c) for c in missing)}; "
            f"it has {', '.join(repr(c) for c in schema.names())}"
        )
    frame = _checked(log, schema, customer, date, amount, read=_collect)
    per = _per_customer(frame, customer, amount is not None)
    if per.height > MAX_CUSTOMERS:
        raise AnalyticsInputError(f"transactions: more than {MAX_CUSTOMERS:,} customers")
    unit = UNIT_DAYS[time_unit]
    end = per.get_column("_last").max()
    out = [
        pl.col(customer),
        (pl.col("_days") - 1).cast(pl.Int64).alias("frequency"),
        ((pl.col("_last") - pl.col("_first")).dt.total_days() / unit).alias("recency"),
        ((pl.lit(end, dtype=pl.Date) - pl.col("_first")).dt.total_days() / unit).alias("T"),
    ]
    if amount:
        out.append(
            pl.when(pl.col("_days") > 1)
            .then((pl.col("_total") - pl.col("_first_total")) / (pl.col("_days") - 1))
            .otherwise(0.0)
            .alias("monetary_value")
        )
    return per.select(out)


def validate_summary(
    summary: pl.DataFrame,
    *,
    monetary: bool = False,
    what: str = "summary",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check a per-customer summary and return ``frequency``, ``recency``, ``T`` as float arrays.

    Columns: ``frequency`` (whole number of repeat trips, >= 0), ``recency`` (time
    of the last trip since the first, >= 0, 0 when ``frequency`` is 0) and ``T``
    (age since the first trip, >= ``recency``), all in one time unit; with
    ``monetary``, ``monetary_value`` too (mean spend per repeat trip, > 0 where
    ``frequency`` > 0).
    """
    needed = [*SUMMARY_COLUMNS, *(["monetary_value"] if monetary else [])]
    require_columns(summary, needed, what=what)
    if summary.height == 0:
        raise AnalyticsInputError(f"{what} has no rows")
    if summary.height > MAX_CUSTOMERS:
        raise AnalyticsInputError(f"{what}: {summary.height:,} rows is more than {MAX_CUSTOMERS:,}")
    require_numeric(summary, needed, what=what, non_negative=True)
    x = summary.get_column("frequency").cast(pl.Float64).to_numpy()
    tx = summary.get_column("recency").cast(pl.Float64).to_numpy()
    age = summary.get_column("T").cast(pl.Float64).to_numpy()
    for name, arr in (("frequency", x), ("recency", tx), ("T", age)):
        if not np.all(np.isfinite(arr)):
            raise AnalyticsInputError(f"{what}: column {name!r} has infinite value(s)")
    bad = np.flatnonzero(x != np.floor(x))
    if bad.size:
        raise AnalyticsInputError(
            f"{what}: 'frequency' must be a whole number of trips (row {bad[0]} has {x[bad[0]]})"
        )
    bad = np.flatnonzero(tx > age + RECENCY_SLACK * np.maximum(age, 1.0))
    if bad.size:
        raise AnalyticsInputError(
            f"{what}: 'recency' is greater than 'T' in {bad.size} row(s) "
            f"(first: row {bad[0]}, recency {tx[bad[0]]} > T {age[bad[0]]})"
        )
    bad = np.flatnonzero((x == 0) & (tx > 0))
    if bad.size:
        raise AnalyticsInputError(
            f"{what}: {bad.size} row(s) have frequency 0 but recency > 0 "
            f"(first: row {bad[0]}); with no repeat trip the recency is 0"
        )
    bad = np.flatnonzero((x > 0) & (tx == 0))
    if bad.size:
        raise AnalyticsInputError(
            f"{what}: {bad.size} row(s) have repeat trips but recency 0 (first: row {bad[0]}); "
            "a repeat trip comes after the first one"
        )
    if monetary:
        m = summary.get_column("monetary_value").cast(pl.Float64).to_numpy()
        if not np.all(np.isfinite(m)):
            raise AnalyticsInputError(f"{what}: column 'monetary_value' has infinite value(s)")
        bad = np.flatnonzero((x > 0) & (m <= 0))
        if bad.size:
            raise AnalyticsInputError(
                f"{what}: {bad.size} customer(s) with repeat trips have monetary_value <= 0 "
                f"(first: row {bad[0]}); the Gamma-Gamma model needs positive spend"
            )
    return x, np.minimum(tx, age), age


def unique_index(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and each row's index among them.

    Durations built from dates are whole days divided by the unit (1 or 7); when
    they are (to 1e-12, the rounding of the division), they are indexed by
    counting, in linear time, instead of by sorting.
    """
    values = np.asarray(values)
    if values.size and values.dtype.kind == "f":
        wholes = [(scale, np.rint(values * scale)) for scale in (1.0, 7.0)]
        wholes = [(s, w) for s, w in wholes if w.min() >= 0 and w.max() < 10_000_000]
        # First exactly as summarize_transactions writes them (Polars divides by
        # multiplying with the reciprocal), then to the rounding of text or other tools.
        for exact in (True, False):
            for scale, whole in wholes:
                if (
                    np.array_equal(whole * (1.0 / scale), values)
                    if exact
                    else np.allclose(whole / scale, values, rtol=1e-12, atol=0.0)
                ):
                    distinct, index = unique_index(whole.astype(np.int64))
                    return distinct / scale, index
    if (
        values.size
        and values.dtype.kind in "iu"
        and values.min() >= 0
        and values.max() < 10_000_000
    ):
        present = np.bincount(values) > 0
        distinct = np.flatnonzero(present)
        position = np.cumsum(present) - 1
        return distinct.astype(values.dtype), position[values]
    distinct = pl.Series(values).unique().sort().to_numpy()
    return distinct, np.searchsorted(distinct, values)


def patterns(
    *columns: np.ndarray, weights: np.ndarray | None = None
) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """Group identical rows of the given columns.

    Returns, per column, its distinct values and the index of each distinct
    pattern's value among them; and the weight (count, or summed ``weights``) of
    each pattern, and each input row's pattern number. Fitting then costs per
    distinct pattern, and special functions per distinct value.
    """
    uniques = [unique_index(np.asarray(c)) for c in columns]
    sizes = [u[0].size for u in uniques]
    if float(np.prod(np.array(sizes, dtype=float))) < 2.0**62:
        key = np.zeros(columns[0].size, dtype=np.int64)
        for (_, index), size in zip(uniques, sizes, strict=True):
            key = key * size + index
        keys, counts = np.unique(key, return_counts=True)
        if weights is not None:
            counts = np.bincount(np.searchsorted(keys, key), weights=weights, minlength=keys.size)
        indices = []
        for size in reversed(sizes):
            indices.append(keys % size)
            keys = keys // size
        indices.reverse()
    else:  # too many distinct values for one integer key
        frame = pl.DataFrame({f"c{i}": u[1] for i, u in enumerate(uniques)})
        ranked = frame.select(pl.struct(frame.columns).rank("dense").alias("k") - 1)
        row_pattern = ranked.get_column("k").to_numpy()
        first = np.zeros(int(row_pattern.max()) + 1, dtype=np.int64)
        first[row_pattern] = np.arange(row_pattern.size)
        indices = [u[1][first] for u in uniques]
        counts = np.bincount(row_pattern, weights=weights, minlength=first.size)
    return [(u[0], i) for u, i in zip(uniques, indices, strict=True)], counts.astype(float)


def row_groups(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Distinct rows of the given columns (as value arrays) and each input row's group."""
    uniques = [unique_index(np.asarray(c)) for c in columns]
    sizes = [u[0].size for u in uniques]
    if float(np.prod(np.array(sizes, dtype=float))) < 2.0**62:
        key = np.zeros(np.asarray(columns[0]).size, dtype=np.int64)
        for (_, index), size in zip(uniques, sizes, strict=True):
            key = key * size + index
        keys, row_group = np.unique(key, return_inverse=True)
        values = []
        for (vals, _), size in zip(reversed(uniques), reversed(sizes), strict=True):
            values.append(vals[keys % size])
            keys = keys // size
        values.reverse()
        return values, row_group
    frame = pl.DataFrame({f"c{i}": u[1] for i, u in enumerate(uniques)})
    row_group = frame.select(pl.struct(frame.columns).rank("dense") - 1).to_series().to_numpy()
    first = np.zeros(int(row_group.max()) + 1, dtype=np.int64)
    first[row_group] = np.arange(row_group.size)
    return [u[0][u[1][first]] for u in uniques], row_group
