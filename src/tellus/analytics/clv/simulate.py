"""Simulate a transaction log from the BG/NBD and Gamma-Gamma models.

Used by the CLV benchmark (a log with known parameters, so that every fitter's
estimates can be set beside the truth) and usable for demo data. No maintained
library simulates a dated, priced transaction log from these two models at this
scale, so it is written here, fully vectorised.

Model (Fader, Hardie and Lee 2005; Fader and Hardie 2013): each visitor makes a
first trip on a birth day drawn uniformly in the first ``birth_span`` units of
the window; while alive, trips follow a Poisson process with rate
``lambda ~ Gamma(r, rate=alpha)`` per time unit; after each repeat trip the
visitor drops out with probability ``p ~ Beta(a, b)``; each trip's spend is
``Gamma(p_spend, rate=nu)`` with ``nu ~ Gamma(q, rate=gamma)``.

The first ``K = min(N, J)`` arrival times of a Poisson process with ``N``
arrivals in ``(0, T]`` are drawn as uniform order statistics through
exponential spacings, so only rows that end up in the log are generated.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from tellus.analytics.validation import AnalyticsInputError

UNIT_DAYS = {"day": 1.0, "week": 7.0}


def simulate_transactions(
    n_customers: int,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
    p: float | None = None,
    q: float | None = None,
    gamma: float | None = None,
    span: float = 104.0,
    birth_span: float = 52.0,
    time_unit: str = "week",
    start: dt.date = dt.date(2024, 1, 1),
    seed: int = 0,
) -> pl.DataFrame:
    """Return a transaction log with columns ``customer_id`` (Int64), ``date`` (Date)
    and, when ``p``, ``q`` and ``gamma`` are given, ``amount`` (Float64, currency units).

    Rates (``alpha``) and the window (``span``, ``birth_span``) are in ``time_unit``
    (``"day"`` or ``"week"``); the window starts at ``start`` and lasts ``span`` units.
    Trip times are continuous and recorded as dates, so two trips on one day can
    occur (a summary merges them into one trip, as is usual).
    """
    if n_customers <= 0 or n_customers > 100_000_000:
        raise AnalyticsInputError("n_customers must be between 1 and 100,000,000")
    if time_unit not in UNIT_DAYS:
        raise AnalyticsInputError(f"time_unit must be 'day' or 'week', not {time_unit!r}")
    for name, value in (("r", r), ("alpha", alpha), ("a", a), ("b", b)):
        if not (np.isfinite(value) and value > 0):
            raise AnalyticsInputError(f"{name} must be a positive number, not {value!r}")
    spend = (p, q, gamma)
    if any(v is not None for v in spend) and not all(
        v is not None and np.isfinite(v) and v > 0 for v in spend
    ):
        raise AnalyticsInputError("p, q and gamma must all be given as positive numbers, or none")
    if not (0 < birth_span <= span):
        raise AnalyticsInputError("birth_span must be positive and at most span")

    rng = np.random.default_rng(seed)
    unit_days = UNIT_DAYS[time_unit]
    total_days = round(span * unit_days)
    birth_days = round(birth_span * unit_days)

    lam = rng.gamma(r, 1.0 / alpha, n_customers)
    drop = rng.beta(a, b, n_customers)
    birth = rng.integers(0, birth_days, n_customers)
    age = (total_days - birth) / unit_days  # T, in time units
    n_arrivals = rng.poisson(lam * age)
    n_alive = rng.geometric(np.clip(drop, 1e-12, 1.0))  # dies after its J-th repeat trip
    k = np.minimum(n_arrivals, n_alive)

    total = int(k.sum())
    owner = np.repeat(np.arange(n_customers), k)
    spacing = rng.standard_exponential(total)
    cum = np.cumsum(spacing)
    ends = np.cumsum(k)
    starts = ends - k
    has = k > 0
    offsets = np.where(starts > 0, cum[np.maximum(starts - 1, 0)] if total else 0.0, 0.0)
    within = cum - offsets[owner]
    last = np.zeros(n_customers)
    last[has] = within[ends[has] - 1]
    remaining = n_arrivals + 1 - k
    denominator = last + rng.gamma(np.maximum(remaining, 1), 1.0)
    times = age[owner] * within / denominator[owner]  # in (0, T]
    repeat_day = birth[owner] + np.floor(times * unit_days).astype(np.int64)
    repeat_day = np.minimum(repeat_day, total_days)

    customers = np.concatenate((np.arange(n_customers), owner))
    days = np.concatenate((birth, repeat_day))
    order = np.lexsort((days, customers))
    customers = customers[order]
    days = days[order]
    start_ord = np.datetime64(start, "D")
    dates = start_ord + days.astype("timedelta64[D]")
    columns: dict[str, object] = {
        "customer_id": pl.Series("customer_id", customers + 1, dtype=pl.Int64),
        "date": pl.Series("date", dates, dtype=pl.Date),
    }
    if p is not None and q is not None and gamma is not None:
        nu = rng.gamma(q, 1.0 / gamma, n_customers)
        amount = rng.gamma(p, 1.0, customers.size) / nu[customers]
        columns["amount"] = pl.Series("amount", np.round(np.maximum(amount, 0.01), 2))
    return pl.DataFrame(columns)
