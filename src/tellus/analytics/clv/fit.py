"""Fit the CLV models on a Polars summary (see ``summary.summarize_transactions``)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import polars as pl
from tqdm import tqdm

from tellus.analytics.clv import bgnbd, gamma_gamma, pnbd
from tellus.analytics.clv._fit import FitResult
from tellus.analytics.clv.summary import validate_summary
from tellus.analytics.validation import AnalyticsInputError, require_columns, require_numeric

TRIP_FITTERS = {"bgnbd": bgnbd.fit_bgnbd_arrays, "pnbd": pnbd.fit_pnbd_arrays}


@contextmanager
def _progress(enabled: bool, desc: str) -> Iterator[Callable[[str], None] | None]:
    if not enabled:
        yield None
        return
    bar = tqdm(desc=desc, unit="step", file=sys.stderr, leave=True)

    def step(message: str) -> None:
        bar.set_postfix_str(message, refresh=False)
        bar.update(1)

    try:
        yield step
    finally:
        bar.close()


def _weights(summary: pl.DataFrame, weights: str | None) -> np.ndarray | None:
    if weights is None:
        return None
    require_columns(summary, [weights], what="summary")
    require_numeric(summary, [weights], what="summary", non_negative=True)
    w = summary.get_column(weights).cast(pl.Float64).to_numpy()
    if not np.all(np.isfinite(w)) or w.sum() <= 0:
        raise AnalyticsInputError(
            f"summary: weights column {weights!r} must be finite with a positive sum"
        )
    return w


def fit_trips(
    summary: pl.DataFrame,
    model: str = "bgnbd",
    *,
    weights: str | None = None,
    time_unit: str | None = None,
    progress: bool = False,
) -> FitResult:
    """Fit the BG/NBD (``"bgnbd"``) or Pareto/NBD (``"pnbd"``) model by maximum likelihood.

    ``summary`` has ``frequency``, ``recency`` and ``T`` in one time unit
    (``time_unit``, recorded on the result); ``weights`` optionally names a column
    counting the customers each row stands for. Identical rows are fitted once.
    """
    if model not in TRIP_FITTERS:
        raise AnalyticsInputError(f"model must be one of {', '.join(TRIP_FITTERS)}, not {model!r}")
    x, tx, T = validate_summary(summary)
    if not np.any(x > 0):
        raise AnalyticsInputError(
            "summary: no customer has a repeat trip; the model cannot be fitted"
        )
    w = _weights(summary, weights)
    with _progress(progress, f"fitting {model}") as step:
        return TRIP_FITTERS[model](x, tx, T, w, time_unit=time_unit, on_step=step)


def fit_spend(
    summary: pl.DataFrame, *, weights: str | None = None, progress: bool = False
) -> FitResult:
    """Fit the Gamma-Gamma spend model on the customers with at least one repeat trip
    (columns ``frequency`` and ``monetary_value``, the mean spend per repeat trip)."""
    x, _, _ = validate_summary(summary, monetary=True)
    m = summary.get_column("monetary_value").cast(pl.Float64).to_numpy()
    w = _weights(summary, weights)
    with _progress(progress, "fitting gamma-gamma") as step:
        return gamma_gamma.fit_gamma_gamma_arrays(x, m, w, on_step=step)
