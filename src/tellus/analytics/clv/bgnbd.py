"""The BG/NBD model of repeat trips (Fader, Hardie and Lee 2005, "Counting your
customers the easy way", Marketing Science 24(2)).

While alive a visitor makes trips as a Poisson process with rate ``lambda ~
Gamma(r, rate alpha)``; after each repeat trip they drop out with probability
``p ~ Beta(a, b)``. Parameters: ``r``, ``alpha`` (in the summary's time unit), ``a``, ``b``.

Written here rather than taken from lifetimes or PyMC-Marketing: both evaluate
the likelihood customer by customer with automatic differentiation, which is
ten to a hundred times slower than the closed-form gradient and Hessian below,
evaluated once per distinct summary with special functions computed once per
distinct frequency, age and recency. Everything is in log space
(``log(e^A3 + e^A4)`` as a softplus), so no term overflows for heavy buyers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from tellus.analytics.clv._fit import FitResult, maximise, warm_start
from tellus.analytics.clv._hyp2f1 import series_general
from tellus.analytics.clv._special import betaln, digamma, expit, gammaln, trigamma
from tellus.analytics.clv.summary import patterns

NAMES = ("r", "alpha", "a", "b")


def _dot(u: np.ndarray, v: np.ndarray) -> float:
    """Sum of products. ``einsum`` here, because BLAS's ``dot`` spreads one long
    vector over threads and, on a busy machine, waits for them."""
    return float(np.einsum("i,i->", u, v))


@dataclass
class _Data:
    """Distinct summaries, pre-indexed so that each evaluation computes logs and
    special functions on the unique values only."""

    x_u: np.ndarray  # distinct frequencies
    w_x: np.ndarray  # total weight per distinct frequency
    T0_u: np.ndarray  # distinct ages of customers with no repeat trip
    w0_T: np.ndarray  # their weights
    xi: np.ndarray  # frequency index of each repeat row
    xv: np.ndarray  # frequency (float) of each repeat row
    T_u: np.ndarray
    Ti: np.ndarray
    t_u: np.ndarray
    ti: np.ndarray
    w: np.ndarray
    total: float
    patterns: int


def _prepare(x: np.ndarray, tx: np.ndarray, T: np.ndarray, w: np.ndarray | None = None) -> _Data:
    """Group identical summaries and index their distinct values."""
    columns, weight = patterns(x.astype(np.int64), tx, T, weights=w)
    (x_vals, xi), (t_vals, ti), (T_vals, Ti) = columns
    xv = x_vals[xi].astype(float)
    x_u = x_vals.astype(float)
    w_x = np.bincount(xi, weights=weight, minlength=x_u.size)
    zero = xv == 0
    pos = ~zero
    w0_T = np.bincount(Ti[zero], weights=weight[zero], minlength=T_vals.size)
    keep = w0_T > 0
    return _Data(
        x_u=x_u,
        w_x=w_x,
        T0_u=T_vals[keep],
        w0_T=w0_T[keep],
        xi=xi[pos],
        xv=xv[pos],
        T_u=T_vals,
        Ti=Ti[pos],
        t_u=t_vals,
        ti=ti[pos],
        w=weight[pos],
        total=float(weight.sum()),
        patterns=int(weight.size),
    )


def _objective(
    d: _Data,
) -> Callable[[np.ndarray, bool], tuple[float, np.ndarray, np.ndarray | None]]:
    def evaluate(
        theta: np.ndarray, want_hessian: bool
    ) -> tuple[float, np.ndarray, np.ndarray | None]:
        r, alpha, a, b = (float(v) for v in theta)
        xu, wx = d.x_u, d.w_x
        # Terms that depend on the frequency only (A1 and A2 of the paper).
        ll = float(
            np.dot(
                wx,
                gammaln(r + xu) - gammaln(r) + r * np.log(alpha) + betaln(a, b + xu) - betaln(a, b),
            )
        )
        g = np.zeros(4)
        g[0] = np.dot(wx, digamma(r + xu) - digamma(r) + np.log(alpha))
        g[1] = d.total * r / alpha
        dab = digamma(a + b) - digamma(a + b + xu)
        g[2] = np.dot(wx, dab)
        g[3] = np.dot(wx, dab + digamma(b + xu) - digamma(b))
        h = np.zeros((4, 4))
        if want_hessian:
            tab = trigamma(a + b) - trigamma(a + b + xu)
            h[0, 0] = np.dot(wx, trigamma(r + xu) - trigamma(r))
            h[0, 1] = d.total / alpha
            h[1, 1] = -d.total * r / alpha**2
            h[2, 2] = h[2, 3] = np.dot(wx, tab)
            h[3, 3] = np.dot(wx, tab + trigamma(b + xu) - trigamma(b))

        # No repeat trip: A3 = -r log(alpha + T).
        if d.T0_u.size:
            lt0 = np.log(alpha + d.T0_u)
            it0 = 1.0 / (alpha + d.T0_u)
            ll -= r * np.dot(d.w0_T, lt0)
            g[0] -= np.dot(d.w0_T, lt0)
            g[1] -= r * np.dot(d.w0_T, it0)
            if want_hessian:
                h[0, 1] -= np.dot(d.w0_T, it0)
                h[1, 1] += r * np.dot(d.w0_T, it0**2)

        if d.w.size:
            lT_u = np.log(alpha + d.T_u)
            lt_u = np.log(alpha + d.t_u)
            iT_u = 1.0 / (alpha + d.T_u)
            it_u = 1.0 / (alpha + d.t_u)
            lT = lT_u[d.Ti]
            iT = iT_u[d.Ti]
            it = it_u[d.ti]
            rx = r + d.xv
            # b + x - 1 for the frequencies of repeat rows (x >= 1); 1 where x = 0, unused.
            bx = np.where(d.x_u > 0, b + d.x_u - 1.0, 1.0)
            c_x = np.log(a) - np.log(bx)
            u_r = lT - lt_u[d.ti]  # d(d)/dr, with d = A4 - A3
            di = it - iT
            dd = c_x[d.xi] + rx * u_r
            # softplus and the logistic function from one exponential
            e = np.exp(-np.abs(dd))
            sig = np.where(dd >= 0, 1.0, e) / (1.0 + e)
            w = d.w
            wrx = w * rx
            # log(e^A3 + e^A4) = A3 + softplus(A4 - A3)
            ll += _dot(w, np.maximum(dd, 0.0) + np.log1p(e)) - _dot(wrx, lT)
            ws = w * sig
            g[0] += _dot(ws, u_r) - _dot(w, lT)
            u_a = -rx * di  # d(d)/dalpha
            g[1] += _dot(ws, u_a) - _dot(wrx, iT)
            sum_ws = float(ws.sum())
            g[2] += sum_ws / a
            ws_x = np.bincount(d.xi, weights=ws, minlength=d.x_u.size)
            inv_bx = 1.0 / bx
            g[3] -= float(np.dot(ws_x, inv_bx))
            if want_hessian:
                s2 = ws * (1.0 - sig)
                s2r = s2 * u_r
                s2a = s2 * u_a
                h[0, 0] += _dot(s2r, u_r)
                h[0, 1] += _dot(s2r, u_a) - _dot(ws, di) - _dot(w, iT)
                h[1, 1] += _dot(s2a, u_a) + _dot(ws * rx, it * it - iT * iT) + _dot(wrx, iT * iT)
                s2_sum = float(s2.sum())
                h[0, 2] += float(s2r.sum()) / a
                h[1, 2] += float(s2a.sum()) / a
                h[2, 2] += s2_sum / a**2 - sum_ws / a**2
                s2_x = np.bincount(d.xi, weights=s2, minlength=d.x_u.size)
                s2r_x = np.bincount(d.xi, weights=s2r, minlength=d.x_u.size)
                s2a_x = np.bincount(d.xi, weights=s2a, minlength=d.x_u.size)
                h[0, 3] -= float(np.dot(s2r_x, inv_bx))
                h[1, 3] -= float(np.dot(s2a_x, inv_bx))
                h[2, 3] -= float(np.dot(s2_x, inv_bx)) / a
                h[3, 3] += float(np.dot(s2_x, inv_bx**2) + np.dot(ws_x, inv_bx**2))
        if not np.isfinite(ll):
            return np.inf, np.zeros(4), None
        if want_hessian:
            h = np.triu(h) + np.triu(h, 1).T
            return -ll, -g, -h
        return -ll, -g, None

    return evaluate


def _start(x: np.ndarray, T: np.ndarray, w: np.ndarray) -> list[float]:
    rate = max(_dot(w, x) / max(_dot(w, T), 1e-9), 1e-6)
    return [1.0, 1.0 / rate, 1.0, 3.0]


def fit_bgnbd_arrays(
    frequency: np.ndarray,
    recency: np.ndarray,
    T: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    time_unit: str | None = None,
    on_step: Callable[[str], None] | None = None,
) -> FitResult:
    """Fit on arrays already checked by ``summary.validate_summary``; ``weights``
    (optional) counts the customers each row stands for."""
    data = _prepare(frequency, recency, T, weights)
    warm, warm_scale = warm_start(
        _prepare, _objective, (frequency, recency, T), weights, patterns=data.patterns
    )
    w_all = np.ones(frequency.size) if weights is None else weights
    return maximise(
        _objective(data),
        _start(frequency, T, w_all),
        NAMES,
        model="bgnbd",
        n_customers=round(data.total),
        n_patterns=data.patterns,
        scale=data.total,
        warm=warm,
        warm_scale=warm_scale,
        time_unit=time_unit,
        on_step=on_step,
        analytic_hessian=True,
    )


def log_likelihood(
    params: Mapping[str, float], frequency: np.ndarray, recency: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Each customer's log-likelihood (FHL 2005, eq. 6)."""
    r, alpha, a, b = (params[n] for n in NAMES)
    x = np.asarray(frequency, float)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(
            x > 0,
            np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + recency),
            -np.inf,
        )
    return a1 + a2 + np.logaddexp(a3, a4)


def p_alive(
    params: Mapping[str, float], frequency: np.ndarray, recency: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Probability that each customer is still alive at ``T`` (FHL 2005, eq. 11)."""
    r, alpha, a, b = (params[n] for n in NAMES)
    x = np.asarray(frequency, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_odds = (
            np.log(a)
            - np.log(np.maximum(b + x - 1, 1e-300))
            + (r + x) * (np.log(alpha + T) - np.log(alpha + recency))
        )
    return np.where(x > 0, expit(-log_odds), 1.0)


def alive_trips_factor(
    params: Mapping[str, float], frequency: np.ndarray, T: np.ndarray, horizon: float
) -> np.ndarray:
    """Expected trips in ``(T, T + horizon]`` of a customer known to be alive at ``T``.

    FHL 2005, eq. 10 divided by P(alive): ``(a+b+x-1)/(a-1) [1 - (1-z)^(r+x)
    2F1(r+x, b+x; a+b+x-1; z)]`` with ``z = t/(alpha+T+t)``. Where ``a - 1`` and
    ``a + b - 1 - r`` are the smaller pair (the usual case), the series runs
    through Euler's transformation, ``1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1;
    a+b+x-1; z)``; where they are the larger (a fit with ``a`` in the
    thousands, from little data), as written, whose terms then shrink from the
    start while the transformed ones would overflow. It depends on the
    frequency and age only, so callers evaluate it once per distinct
    (frequency, T) pair. ``a = 1`` is a removable singularity: ``a`` is moved
    1e-7 off it.
    """
    r, alpha, a, b = (params[n] for n in NAMES)
    if abs(a - 1.0) < 1e-7:
        a = 1.0 + 1e-7
    x = np.asarray(frequency, float)
    age = np.asarray(T, float)
    if horizon <= 0:
        return np.zeros(np.broadcast(x, age).shape)
    x, age = np.broadcast_arrays(x, age)
    z = horizon / (alpha + age + horizon)
    c = a + b + x - 1.0
    euler = abs((a + b - 1.0 - r) * (a - 1.0)) <= np.abs((r + x) * (b + x))
    bracket = np.empty(x.shape)
    if euler.any():
        ze = z[euler]
        f = series_general(
            np.full(ze.shape, a + b - 1.0 - r), np.full(ze.shape, a - 1.0), c[euler], ze
        )
        bracket[euler] = 1.0 - np.exp((a - 1.0) * np.log1p(-ze)) * f
    if not euler.all():
        direct = ~euler
        zd, xd = z[direct], x[direct]
        f = series_general(r + xd, b + xd, c[direct], zd)
        bracket[direct] = 1.0 - np.exp((r + xd) * np.log1p(-zd)) * f
    return c / (a - 1.0) * bracket
