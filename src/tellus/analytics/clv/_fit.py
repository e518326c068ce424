"""Weighted maximum likelihood shared by the CLV models.

Each model supplies the negative log-likelihood of its distinct summary patterns
(each weighted by how many customers share it) and its analytic gradient; this
module optimises over log-parameters (so that every parameter stays positive),
polishes the optimum with Newton steps on a Hessian taken by central differences
of the analytic gradient, and reads standard errors off the inverse of that
Hessian. SciPy provides the quasi-Newton optimiser; the rest is small enough to
keep here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import minimize

from tellus.analytics.validation import AnalyticsInputError

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]


class FitError(AnalyticsInputError):
    """The likelihood could not be maximised (the data does not identify the model)."""


@dataclass(frozen=True)
class FitResult:
    """A fitted CLV model.

    ``params`` holds the estimates under their usual names, ``standard_errors``
    their asymptotic standard errors (NaN where the Hessian is not positive
    definite), ``log_likelihood`` the maximised log-likelihood (summed over
    customers, on the data's own time axis), ``n_customers`` the customers used
    and ``n_patterns`` the distinct summaries the likelihood was evaluated on.
    """

    model: str
    params: dict[str, float]
    standard_errors: dict[str, float]
    log_likelihood: float
    n_customers: int
    n_patterns: int
    iterations: int
    converged: bool
    time_unit: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``tellus clv fit --json``: parameters at the top level."""
        out: dict[str, Any] = {"model": self.model}
        out.update(self.params)
        out["log_likelihood"] = self.log_likelihood
        out["standard_errors"] = dict(self.standard_errors)
        out["n_customers"] = self.n_customers
        out["n_patterns"] = self.n_patterns
        out["iterations"] = self.iterations
        out["converged"] = self.converged
        if self.time_unit is not None:
            out["time_unit"] = self.time_unit
        return out


def _hessian(objective: Objective, theta: np.ndarray) -> np.ndarray:
    """Central differences of the analytic gradient (2k gradient calls)."""
    k = theta.size
    hess = np.empty((k, k))
    for j in range(k):
        step = 1e-5 * max(abs(theta[j]), 1e-3)
        up = theta.copy()
        down = theta.copy()
        up[j] += step
        down[j] -= step
        hess[:, j] = (objective(up)[1] - objective(down)[1]) / (2 * step)
    return 0.5 * (hess + hess.T)


def maximise(
    objective: Objective,
    start: Sequence[float],
    names: Sequence[str],
    *,
    model: str,
    n_customers: int,
    n_patterns: int,
    scale: float,
    time_unit: str | None = None,
    on_step: Callable[[float], None] | None = None,
) -> FitResult:
    """Minimise ``objective`` (negative log-likelihood and its gradient in natural
    parameters) from ``start``; ``scale`` (the total weight) keeps the optimiser's
    tolerances independent of the number of customers."""
    start_arr = np.asarray(start, dtype=float)
    if start_arr.shape != (len(names),) or not np.all(start_arr > 0):
        raise AnalyticsInputError("start values must be positive, one per parameter")

    calls = 0

    def in_logs(u: np.ndarray) -> tuple[float, np.ndarray]:
        nonlocal calls
        calls += 1
        theta = np.exp(u)
        if not np.all(np.isfinite(theta)) or np.any(theta <= 0):
            return math.inf, np.zeros_like(u)
        value, grad = objective(theta)
        if on_step is not None:
            on_step(value)
        if not math.isfinite(value) or not np.all(np.isfinite(grad)):
            return math.inf, np.zeros_like(u)
        return value / scale, grad * theta / scale

    result = minimize(
        in_logs,
        np.log(start_arr),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-30.0, 30.0)] * len(names),
        options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-9, "maxcor": 20},
    )
    u = np.asarray(result.x, dtype=float)
    value, grad = in_logs(u)
    if not math.isfinite(value):
        raise FitError(f"{model}: the likelihood is not finite at any point the optimiser tried")

    # Newton polish in log-parameters: quadratic convergence from a good start,
    # so the estimates are exact to far more digits than any table prints.
    converged = bool(result.success)
    for _ in range(8):
        hess = _hessian(in_logs, u)
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(step)):
            break
        shrink = 1.0
        while shrink > 1e-4:
            trial = u - shrink * step
            trial_value, trial_grad = in_logs(trial)
            if math.isfinite(trial_value) and trial_value <= value + 1e-15 * abs(value):
                break
            shrink /= 2
        else:
            break
        u, value, grad = trial, trial_value, trial_grad
        if np.max(np.abs(shrink * step)) < 1e-10:
            converged = True
            break

    theta = np.exp(u)
    hess_natural = _hessian(objective, theta)
    try:
        covariance = np.linalg.inv(hess_natural)
        variances = np.diag(covariance)
    except np.linalg.LinAlgError:
        variances = np.full(len(names), np.nan)
    errors = np.where(variances > 0, np.sqrt(np.abs(variances)), np.nan)
    return FitResult(
        model=model,
        params={n: float(v) for n, v in zip(names, theta, strict=True)},
        standard_errors={n: float(v) for n, v in zip(names, errors, strict=True)},
        log_likelihood=float(-value * scale),
        n_customers=n_customers,
        n_patterns=n_patterns,
        iterations=calls,
        converged=converged,
        time_unit=time_unit,
    )
