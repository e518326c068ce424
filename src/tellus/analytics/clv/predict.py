"""Per-customer predictions from fitted CLV models, as a Polars DataFrame.

Discounted CLV is the standard discrete sum used by lifetimes'
``customer_lifetime_value`` (and by Fader, Hardie and Lee 2005 in discrete
form): the horizon is cut into steps (a month, 365.25/12 days, by default; the
last step may be shorter), each step's expected trips times the expected spend
per trip is discounted to today at the annual ``discount_rate`` over the time to
the end of that step, and the steps are added.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np
import polars as pl

from tellus.analytics.clv import bgnbd, gamma_gamma, pnbd
from tellus.analytics.clv._fit import FitResult
from tellus.analytics.clv.summary import UNIT_DAYS, row_groups, unique_index, validate_summary
from tellus.analytics.validation import AnalyticsInputError

PAlive = Callable[[Mapping[str, float], np.ndarray, np.ndarray, np.ndarray], np.ndarray]
Factor = Callable[[Mapping[str, float], np.ndarray, np.ndarray, float], np.ndarray]
TRIP_MODELS: dict[str, tuple[PAlive, Factor]] = {
    "bgnbd": (bgnbd.p_alive, bgnbd.alive_trips_factor),
    "pnbd": (pnbd.p_alive, pnbd.alive_trips_factor),
}
PREDICTION_COLUMNS = ("p_alive", "expected_trips", "expected_spend", "clv")
MAX_STEPS = 10_000


def _check_model(trips: FitResult) -> tuple[PAlive, Factor]:
    if trips.model not in TRIP_MODELS:
        raise AnalyticsInputError(
            f"trips model must be one of {', '.join(TRIP_MODELS)}, not {trips.model!r}"
        )
    return TRIP_MODELS[trips.model]


def _pair_factors(
    factor: Factor, params: Mapping[str, float], x: np.ndarray, T: np.ndarray, horizons: list[float]
) -> tuple[np.ndarray, np.ndarray]:
    """The alive-trips factor at each horizon, once per distinct (frequency, T) pair;
    returns the table (horizon by pair) and each customer's pair."""
    x_vals, x_idx = unique_index(x.astype(np.int64))
    t_vals, t_idx = unique_index(T)
    cells = x_vals.size * t_vals.size
    if cells <= 20_000_000:
        # Few distinct values (the usual case): a dense grid, no sort of the customers.
        key = x_idx.astype(np.int64) * t_vals.size + t_idx
        present = np.flatnonzero(np.bincount(key, minlength=cells))
        slot = np.zeros(cells, dtype=np.int64)
        slot[present] = np.arange(present.size)
        xf = x_vals[present // t_vals.size].astype(float)
        tf = t_vals[present % t_vals.size]
        row_pair = slot[key]
    else:
        (xv, tf), row_pair = row_groups(x.astype(np.int64), T)
        xf = xv.astype(float)
    return np.stack([factor(params, xf, tf, h) for h in horizons]), row_pair


def expected_trips(summary: pl.DataFrame, trips: FitResult, horizon: float) -> np.ndarray:
    """Expected trips of each customer in the next ``horizon`` time units (the
    summary's unit): P(alive) times the expected trips of an alive customer."""
    p_alive_fn, factor = _check_model(trips)
    x, tx, T = validate_summary(summary)
    if not (math.isfinite(horizon) and horizon >= 0):
        raise AnalyticsInputError("horizon must be a non-negative number")
    table, row_pair = _pair_factors(factor, trips.params, x, T, [horizon])
    return p_alive_fn(trips.params, x, tx, T) * table[0][row_pair]


def predict(
    summary: pl.DataFrame,
    trips: FitResult,
    spend: FitResult | None = None,
    *,
    horizon: float,
    discount_rate: float = 0.0,
    time_unit: str = "week",
    step_days: float = 365.25 / 12,
) -> pl.DataFrame:
    """Predict for every customer of ``summary`` (columns as ``summarize_transactions``
    writes them: ``frequency``, ``recency``, ``T``, and ``monetary_value`` when
    ``spend`` is given; every other column is kept, so the customer key comes along).

    ``horizon`` is in the summary's ``time_unit`` (``"day"`` or ``"week"``),
    ``discount_rate`` is annual (0.1 for 10 %), ``step_days`` the discounting step.
    Adds ``p_alive`` (probability of being alive now), ``expected_trips`` (in the
    horizon), and with ``spend``: ``expected_spend`` (per future trip, the
    Gamma-Gamma conditional mean) and ``clv`` (discounted value of the horizon's
    trips, in the currency of ``monetary_value``).
    """
    p_alive_fn, factor = _check_model(trips)
    if time_unit not in UNIT_DAYS:
        raise AnalyticsInputError(f"time_unit must be 'day' or 'week', not {time_unit!r}")
    if trips.time_unit is not None and trips.time_unit != time_unit:
        raise AnalyticsInputError(
            f"the trips model was fitted in {trips.time_unit}s but the summary is in {time_unit}s"
        )
    if not (math.isfinite(horizon) and horizon > 0):
        raise AnalyticsInputError("horizon must be a positive number of time units")
    if not (math.isfinite(discount_rate) and 0 <= discount_rate < 10):
        raise AnalyticsInputError("discount_rate must be an annual rate between 0 and 10 (1000 %)")
    if not (math.isfinite(step_days) and step_days > 0):
        raise AnalyticsInputError("step_days must be a positive number of days")
    if spend is not None and spend.model != "gg":
        raise AnalyticsInputError(f"spend model must be 'gg', not {spend.model!r}")
    x, tx, T = validate_summary(summary, monetary=spend is not None)
    unit_days = UNIT_DAYS[time_unit]
    step = step_days / unit_days
    n_steps = math.ceil(horizon / step - 1e-9)
    if n_steps > MAX_STEPS:
        raise AnalyticsInputError(f"horizon / step is more than {MAX_STEPS} steps")
    ends = [min((k + 1) * step, horizon) for k in range(n_steps)]
    alive = p_alive_fn(trips.params, x, tx, T)
    table, row_pair = _pair_factors(factor, trips.params, x, T, ends)
    columns = {
        "p_alive": alive,
        "expected_trips": alive * table[-1][row_pair],
    }
    if spend is not None:
        m = summary.get_column("monetary_value").cast(pl.Float64).to_numpy()
        per_trip = gamma_gamma.expected_spend(spend.params, x, m)
        years = np.array(ends) * unit_days / 365.25
        discount = (1.0 + discount_rate) ** -years
        increments = np.diff(np.vstack([np.zeros((1, table.shape[1])), table]), axis=0)
        discounted = discount @ increments  # per (frequency, T) pair
        columns["expected_spend"] = per_trip
        columns["clv"] = alive * discounted[row_pair] * per_trip
    return summary.with_columns(pl.Series(k, v) for k, v in columns.items())
