"""The Gamma-Gamma model of spend per trip (Fader and Hardie 2013, "The
Gamma-Gamma Model of Monetary Value"; Colombo and Jiang 1999).

Each trip's spend is ``Gamma(p, rate nu)``; ``nu ~ Gamma(q, rate gamma)`` across
visitors. Fitted on visitors with at least one repeat trip, from their number of
repeat trips ``x`` and mean repeat spend ``m``; spend is assumed independent of
the trip process (check the correlation of ``frequency`` and ``monetary_value``).

Written here for the same reason as the BG/NBD: a closed-form gradient and
Hessian, with the digamma and trigamma terms computed once per distinct frequency,
fit a million visitors in a fraction of the time of automatic differentiation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from tellus.analytics.clv._fit import FitError, FitResult, maximise
from tellus.analytics.clv._special import digamma, gammaln, trigamma
from tellus.analytics.clv.summary import unique_index

NAMES = ("p", "q", "gamma")


@dataclass
class _Data:
    x_u: np.ndarray
    xi: np.ndarray
    w_x: np.ndarray
    xm: np.ndarray  # x * m per row
    w: np.ndarray
    const_p: float  # sum of w x (log m + log x)
    const: float  # sum of w (-log m)
    total: float


def _prepare(x: np.ndarray, m: np.ndarray, w: np.ndarray) -> _Data:
    x_u, xi = unique_index(x.astype(np.int64))
    xf = x_u.astype(float)
    log_m = np.log(m)
    return _Data(
        x_u=xf,
        xi=xi,
        w_x=np.bincount(xi, weights=w, minlength=xf.size),
        xm=x * m,
        w=w,
        const_p=float(np.einsum("i,i->", w, x * (log_m + np.log(x)))),
        const=float(-np.einsum("i,i->", w, log_m)),
        total=float(w.sum()),
    )


def _objective(
    d: _Data,
) -> Callable[[np.ndarray, bool], tuple[float, np.ndarray, np.ndarray | None]]:
    def evaluate(
        theta: np.ndarray, want_hessian: bool
    ) -> tuple[float, np.ndarray, np.ndarray | None]:
        p, q, gam = (float(v) for v in theta)
        xu, wx = d.x_u, d.w_x
        px = p * xu
        denom = gam + d.xm
        log_den = np.log(denom)
        inv = 1.0 / denom
        w_inv = d.w * inv
        lden_x = np.bincount(d.xi, weights=d.w * log_den, minlength=xu.size)
        inv_x = np.bincount(d.xi, weights=w_inv, minlength=xu.size)
        ll = (
            np.dot(wx, gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(gam))
            + p * d.const_p
            + d.const
            - np.dot(px + q, lden_x)
        )
        g = np.array(
            [
                np.dot(wx * xu, digamma(px + q) - digamma(px)) + d.const_p - np.dot(xu, lden_x),
                np.dot(wx, digamma(px + q) - digamma(q)) + d.total * np.log(gam) - lden_x.sum(),
                d.total * q / gam - np.dot(px + q, inv_x),
            ]
        )
        if not np.isfinite(ll) or not np.all(np.isfinite(g)):
            return np.inf, np.zeros(3), None
        if not want_hessian:
            return -float(ll), -g, None
        inv2_x = np.bincount(d.xi, weights=w_inv * inv, minlength=xu.size)
        t_pq = trigamma(px + q)
        h = np.empty((3, 3))
        h[0, 0] = np.dot(wx * xu * xu, t_pq - trigamma(px))
        h[0, 1] = np.dot(wx * xu, t_pq)
        h[0, 2] = -np.dot(xu, inv_x)
        h[1, 1] = np.dot(wx, t_pq - trigamma(q))
        h[1, 2] = d.total / gam - inv_x.sum()
        h[2, 2] = -d.total * q / gam**2 + np.dot(px + q, inv2_x)
        h = np.triu(h) + np.triu(h, 1).T
        return -float(ll), -g, -h

    return evaluate


def fit_gamma_gamma_arrays(
    frequency: np.ndarray,
    monetary_value: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    on_step: Callable[[str], None] | None = None,
) -> FitResult:
    """Fit on checked arrays; rows with no repeat trip are left out, as the model needs."""
    repeat = frequency > 0
    x = frequency[repeat]
    m = monetary_value[repeat]
    w = np.ones(x.size) if weights is None else weights[repeat]
    if x.size < 2:
        raise FitError("gamma-gamma: at least two customers with repeat trips are needed")
    # Identical (frequency, mean spend) rows are fitted once, with their count.
    grouped = pl.DataFrame({"x": x, "m": m, "w": w}).group_by("x", "m").agg(pl.col("w").sum())
    if grouped.height < x.size:
        x, m, w = (grouped.get_column(c).to_numpy() for c in ("x", "m", "w"))
    data = _prepare(x, m, w)
    warm = None
    warm_scale = 1.0
    if x.size > 50_000:
        rows = np.random.default_rng(0).choice(x.size, 30_000, p=w / w.sum())
        warm_data = _prepare(x[rows], m[rows], np.ones(rows.size))
        warm, warm_scale = _objective(warm_data), warm_data.total
    mean = float(np.dot(w, m) / w.sum())
    return maximise(
        _objective(data),
        [1.0, 2.0, mean],
        NAMES,
        model="gg",
        n_customers=round(data.total),
        n_patterns=int(data.w.size),
        scale=data.total,
        warm=warm,
        warm_scale=warm_scale,
        on_step=on_step,
        analytic_hessian=True,
    )


def log_likelihood(
    params: Mapping[str, float], frequency: np.ndarray, monetary_value: np.ndarray
) -> np.ndarray:
    """Each repeat customer's log-density of their mean spend (Fader and Hardie 2013, eq. 3)."""
    p, q, gam = (params[n] for n in NAMES)
    x = np.asarray(frequency, float)
    m = np.asarray(monetary_value, float)
    return (
        gammaln(p * x + q)
        - gammaln(p * x)
        - gammaln(q)
        + q * np.log(gam)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(gam + x * m)
    )


def expected_spend(
    params: Mapping[str, float], frequency: np.ndarray, monetary_value: np.ndarray
) -> np.ndarray:
    """Expected spend per future trip (Fader and Hardie 2013, eq. 5):
    ``(p (gamma + x m)) / (p x + q - 1)``, the population mean ``p gamma / (q - 1)``
    for customers with no repeat trip. Needs ``q > 1`` (otherwise the mean spend is infinite)."""
    p, q, gam = (params[n] for n in NAMES)
    if q <= 1:
        raise FitError(f"gamma-gamma: q = {q:.4g} <= 1 means an infinite expected spend")
    x = np.asarray(frequency, float)
    m = np.where(x > 0, np.asarray(monetary_value, float), 0.0)
    return p * (gam + x * m) / (p * x + q - 1.0)
