"""The Pareto/NBD model of repeat trips (Schmittlein, Morrison and Colombo 1987,
"Counting your customers", Management Science 33(1)).

While alive a visitor makes trips as a Poisson process with rate ``lambda ~
Gamma(r, rate alpha)`` and stays alive for an exponential time with rate
``mu ~ Gamma(s, rate beta)``. Parameters: ``r``, ``alpha``, ``s``, ``beta``
(``alpha`` and ``beta`` in the summary's time unit).

The likelihood follows Fader and Hardie's note "A Note on Deriving the
Pareto/NBD Model and Related Expressions" (2005):
``L = Gamma(r+x) alpha^r beta^s / Gamma(r) * [E1 + s/(r+s+x) (G(t_x) - G(T))]``,
with ``E1 = (alpha+T)^-(r+x) (beta+T)^-s`` and ``G`` the Gaussian hypergeometric
term. Written here because lifetimes calls ``scipy.special.hyp2f1`` directly,
which returns NaN or inf for frequent buyers (large first parameter) and near
``z = 1``; here ``G`` comes from the Euler-transformed series in ``_hyp2f1``
(positive terms, no cancellation; see there), in log space, with its analytic
derivatives, so the gradient is analytic too. With ``alpha >= beta``:
``G(t) = (alpha+t)^-(r+x) (beta+t)^-s 2F1(1, r+x; r+s+x+1; (alpha-beta)/(alpha+t))``;
otherwise ``G(t) = (alpha+t)^-(r+x-1) (beta+t)^-(s+1) 2F1(1, s+1; r+s+x+1; (beta-alpha)/(beta+t))``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from tellus.analytics.clv._fit import FitResult, maximise, warm_start
from tellus.analytics.clv._hyp2f1 import series_1cz
from tellus.analytics.clv._special import digamma, gammaln
from tellus.analytics.clv.summary import patterns, row_groups

NAMES = ("r", "alpha", "s", "beta")


def _log1mexp(v: np.ndarray) -> np.ndarray:
    """log(1 - e^v) for v <= 0, accurate at both ends."""
    v = np.minimum(v, 0.0)
    with np.errstate(divide="ignore"):
        return np.where(v > -0.693, np.log(-np.expm1(v)), np.log1p(-np.exp(v)))


def _log_g(
    r: float, alpha: float, s: float, beta: float, x: np.ndarray, t: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """log G(t) and its gradient (rows: r, alpha, s, beta)."""
    la = np.log(alpha + t)
    lb = np.log(beta + t)
    m1 = r + s + x + 1.0
    grad = np.empty((4, x.size))
    if alpha >= beta:
        z = (alpha - beta) / (alpha + t)
        log_s, sc, sm, sz = series_1cz(np.asarray(r + x), m1, z)
        log_g = -(r + x) * la - s * lb + log_s
        grad[0] = -la + sc + sm
        grad[1] = -(r + x) / (alpha + t) + sz * (beta + t) / (alpha + t) ** 2
        grad[2] = -lb + sm
        grad[3] = -s / (beta + t) - sz / (alpha + t)
    else:
        z = (beta - alpha) / (beta + t)
        log_s, sc, sm, sz = series_1cz(np.full(x.size, s + 1.0), m1, z)
        log_g = -(r + x - 1.0) * la - (s + 1.0) * lb + log_s
        grad[0] = -la + sm
        grad[1] = -(r + x - 1.0) / (alpha + t) - sz / (beta + t)
        grad[2] = -lb + sc + sm
        grad[3] = -(s + 1.0) / (beta + t) + sz * (alpha + t) / (beta + t) ** 2
    return log_g, grad


def _per_row(
    theta: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray, gradient: bool
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray]:
    """Each row's log-likelihood, its gradient, log E1 and log of the bracket."""
    r, alpha, s, beta = (float(v) for v in theta)
    m = r + s + x
    log_e1 = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    lg_tx, dg_tx = _log_g(r, alpha, s, beta, x, tx)
    lg_T, dg_T = _log_g(r, alpha, s, beta, x, T)
    ratio = np.exp(np.minimum(lg_T - lg_tx, 0.0))
    log_a0 = lg_tx + _log1mexp(lg_T - lg_tx)
    log_sm = np.log(s) - np.log(m)
    log_bracket = np.logaddexp(log_e1, log_sm + log_a0)
    base = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    ll = base + log_bracket
    if not gradient:
        return ll, None, log_e1, log_bracket
    w_e = np.exp(log_e1 - log_bracket)
    w_a = 1.0 - w_e
    # w_a * dlog A0 = K (dlog G(tx) - ratio dlog G(T)), finite as t_x -> T.
    k = np.exp(log_sm + lg_tx - log_bracket)
    grad = np.empty((4, x.size))
    grad[0] = digamma(r + x) - digamma(r) + np.log(alpha) - w_e * np.log(alpha + T) - w_a / m
    grad[1] = r / alpha - w_e * (r + x) / (alpha + T)
    grad[2] = np.log(beta) - w_e * np.log(beta + T) + w_a * (1.0 / s - 1.0 / m)
    grad[3] = s / beta - w_e * s / (beta + T)
    grad += k * (dg_tx - ratio * dg_T)
    return ll, grad, log_e1, log_bracket


@dataclass
class _Data:
    x: np.ndarray
    tx: np.ndarray
    T: np.ndarray
    w: np.ndarray
    total: float
    patterns: int


def _prepare(x: np.ndarray, tx: np.ndarray, T: np.ndarray, w: np.ndarray | None = None) -> _Data:
    columns, weight = patterns(x.astype(np.int64), tx, T, weights=w)
    (xv, xi), (tv, ti), (Tv, Ti) = columns
    return _Data(
        xv[xi].astype(float), tv[ti], Tv[Ti], weight, float(weight.sum()), int(weight.size)
    )


def _objective(
    d: _Data,
) -> Callable[[np.ndarray, bool], tuple[float, np.ndarray, np.ndarray | None]]:
    def evaluate(
        theta: np.ndarray, want_hessian: bool
    ) -> tuple[float, np.ndarray, np.ndarray | None]:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            ll, grad, _, _ = _per_row(theta, d.x, d.tx, d.T, True)
        assert grad is not None
        total = float(np.einsum("i,i->", d.w, ll))
        g = np.einsum("ki,i->k", grad, d.w)
        if not np.isfinite(total) or not np.all(np.isfinite(g)):
            return np.inf, np.zeros(4), None
        return -total, -g, None

    return evaluate


def fit_pnbd_arrays(
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
    rate = max(float(np.dot(w_all, frequency)) / max(float(np.dot(w_all, T)), 1e-9), 1e-6)
    mean_t = max(float(np.dot(w_all, T)) / max(float(w_all.sum()), 1.0), 1e-6)
    return maximise(
        _objective(data),
        [1.0, 1.0 / rate, 1.0, mean_t],
        NAMES,
        model="pnbd",
        n_customers=round(data.total),
        n_patterns=data.patterns,
        scale=data.total,
        warm=warm,
        warm_scale=warm_scale,
        time_unit=time_unit,
        on_step=on_step,
    )


def log_likelihood(
    params: Mapping[str, float], frequency: np.ndarray, recency: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Each customer's log-likelihood."""
    theta = np.array([params[n] for n in NAMES], dtype=float)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _per_row(theta, np.asarray(frequency, float), recency, T, False)[0]


def p_alive(
    params: Mapping[str, float], frequency: np.ndarray, recency: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Probability that each customer is still alive at ``T``: ``E1 / bracket``."""
    theta = np.array([params[n] for n in NAMES], dtype=float)
    x = np.asarray(frequency, float)
    (xv, tv, Tv), row_group = row_groups(x.astype(np.int64), recency, T)
    # Evaluate once per distinct summary, then spread back to customers.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        _, _, log_e1, log_bracket = _per_row(theta, xv.astype(float), tv, Tv, False)
    return np.exp(log_e1 - log_bracket)[row_group]


def alive_trips_factor(
    params: Mapping[str, float], frequency: np.ndarray, T: np.ndarray, horizon: float
) -> np.ndarray:
    """Expected trips in ``(T, T + horizon]`` of a customer known to be alive at ``T``:
    ``(r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)]``
    (Fader and Hardie's note, eq. 20 over P(alive)), with its limit
    ``(r+x)/(alpha+T) (beta+T) log(1 + t/(beta+T))`` at ``s = 1``."""
    r, alpha, s, beta = (params[n] for n in NAMES)
    x = np.asarray(frequency, float)
    age = np.asarray(T, float)
    if horizon <= 0:
        return np.zeros(np.broadcast(x, age).shape)
    log_q = np.log1p(horizon / (beta + age))  # -log((beta+T)/(beta+T+t))
    integral = log_q if abs(s - 1.0) < 1e-9 else -np.expm1(-(s - 1.0) * log_q) / (s - 1.0)
    return (r + x) * (beta + age) / (alpha + age) * integral
