"""Weighted maximum likelihood shared by the CLV models.

Each model supplies the negative log-likelihood of its distinct summary patterns
(each weighted by how many customers share it), its analytic gradient and, where
it has one, its analytic Hessian. The optimiser works on log-parameters so that
every parameter stays positive:

1. on large data, a quasi-Newton fit (SciPy's L-BFGS-B) on a random subsample of
   customers gives a start close to the optimum;
2. Newton's method with a backtracking line search then converges on all data in
   a few steps (the Hessian is the model's own, or central differences of its
   analytic gradient), and ends far beyond the digits any table prints;
3. standard errors are the square roots of the diagonal of the inverse Hessian
   of the negative log-likelihood in natural parameters.

SciPy provides the quasi-Newton optimiser; the Newton loop is small enough to keep here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tellus.analytics.validation import AnalyticsInputError

# (theta, want_hessian) -> (negative log-likelihood, its gradient, its Hessian or None)
Objective = Callable[[np.ndarray, bool], tuple[float, np.ndarray, np.ndarray | None]]


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


#: Above this many distinct summaries, a fit starts from one on a subsample.
WARM_START_ABOVE = 50_000
#: Customers in that subsample.
WARM_SAMPLE = 30_000


def warm_start(
    prepare: Callable[..., Any],
    objective: Callable[[Any], Objective],
    columns: Sequence[np.ndarray],
    weights: np.ndarray | None,
    *,
    patterns: int,
) -> tuple[Objective | None, float]:
    """The same likelihood on a random subsample of customers (rows of ``columns``
    and ``weights``), and its total weight, when the data has enough distinct
    summaries for a first fit on the subsample to pay; ``(None, 1.0)`` otherwise."""
    if patterns <= WARM_START_ABOVE:
        return None, 1.0
    rows = np.random.default_rng(0).integers(0, columns[0].size, WARM_SAMPLE)
    sample = prepare(*(c[rows] for c in columns), None if weights is None else weights[rows])
    return objective(sample), float(sample.total)


def _fd_hessian(objective: Objective, theta: np.ndarray) -> np.ndarray:
    """Central differences of the analytic gradient (2k gradient calls)."""
    k = theta.size
    hess = np.empty((k, k))
    for j in range(k):
        step = 1e-5 * max(abs(theta[j]), 1e-3)
        up = theta.copy()
        down = theta.copy()
        up[j] += step
        down[j] -= step
        hess[:, j] = (objective(up, False)[1] - objective(down, False)[1]) / (2 * step)
    return 0.5 * (hess + hess.T)


def _quasi_newton(
    objective: Objective, u0: np.ndarray, scale: float, *, rough: bool = False
) -> np.ndarray:
    from scipy.optimize import minimize  # imported here: it is slow to import, and rarely needed

    def in_logs(u: np.ndarray) -> tuple[float, np.ndarray]:
        theta = np.exp(u)
        value, grad, _ = objective(theta, False)
        if not math.isfinite(value) or not np.all(np.isfinite(grad)):
            return math.inf, np.zeros_like(u)
        return value / scale, grad * theta / scale

    result = minimize(
        in_logs,
        u0,
        jac=True,
        method="L-BFGS-B",
        bounds=[(-25.0, 25.0)] * u0.size,
        options=(
            {"maxiter": 300, "ftol": 1e-9, "gtol": 1e-5, "maxcor": 20}
            if rough
            else {"maxiter": 3000, "ftol": 1e-15, "gtol": 1e-10, "maxcor": 20}
        ),
    )
    return np.asarray(result.x, dtype=float)


def _newton(
    counted: Objective,
    u: np.ndarray,
    *,
    model: str,
    on_step: Callable[[str], None] | None,
    max_steps: int = 50,
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray, bool]:
    """Newton's method in log-parameters with a backtracking line search, and
    Levenberg damping where the Hessian is not positive definite."""

    def evaluate(u: np.ndarray, want: bool) -> tuple[float, np.ndarray, np.ndarray | None]:
        theta = np.exp(u)
        if not np.all(np.isfinite(theta)):
            return math.inf, np.zeros_like(u), None
        value, grad, hess = counted(theta, want)
        if want and hess is None:
            hess = _fd_hessian(counted, theta)
        if not math.isfinite(value) or not np.all(np.isfinite(grad)):
            return math.inf, np.zeros_like(u), None
        g_u = grad * theta
        h_u = None if hess is None else hess * np.outer(theta, theta) + np.diag(g_u)
        return value, g_u, h_u

    value, g_u, h_u = evaluate(u, True)
    if not math.isfinite(value) or h_u is None:
        raise FitError(f"{model}: the likelihood is not finite at the optimiser's start")
    converged = False
    for _ in range(max_steps):
        damping = 0.0
        step = None
        for _attempt in range(40):
            try:
                chol = np.linalg.cholesky(h_u + damping * np.eye(u.size))
                step = -np.linalg.solve(chol.T, np.linalg.solve(chol, g_u))
                break
            except np.linalg.LinAlgError:
                damping = max(1e-8 * max(abs(value), 1.0), 10 * damping)
        if step is None or not np.all(np.isfinite(step)):
            break
        # Newton's decrement (Boyd and Vandenberghe 2004, 9.5.1): the gain the
        # quadratic model predicts for the full step. Once it is below 1e-9 +
        # 1e-13 |log-likelihood|, this point is the optimum to within ~1e-3 of a
        # standard error on a million customers (far less on fewer), so the fit
        # stops here without evaluating the step.
        if damping == 0.0 and -float(np.dot(g_u, step)) < 1e-9 + 1e-13 * abs(value):
            converged = True
            break
        # Never move a log-parameter by more than 2 (a factor of 7) in one step.
        step *= min(1.0, 2.0 / max(float(np.max(np.abs(step))), 1e-300))
        shrink = 1.0
        accepted = False
        trial_eval: tuple[float, np.ndarray, np.ndarray | None] | None = None
        while shrink > 1e-6:
            trial = np.clip(u + shrink * step, -25.0, 25.0)
            # The full step is nearly always taken: evaluate its Hessian at once.
            trial_eval = evaluate(trial, shrink == 1.0)
            if math.isfinite(trial_eval[0]) and trial_eval[0] <= value + 1e-13 * abs(value):
                accepted = True
                break
            shrink /= 2
        if not accepted or trial_eval is None:
            # No descent left along Newton's direction: at the optimum to machine precision.
            converged = bool(np.max(np.abs(g_u)) < 1e-6 * max(1.0, abs(value)))
            break
        decrement = -float(np.dot(g_u, step))
        u = trial
        value, g_u, h_new = trial_eval if trial_eval[2] is not None else evaluate(u, True)
        assert h_new is not None
        h_u = h_new
        if on_step:
            on_step(f"Newton step, log-likelihood {-value:,.6f}")
        # Newton converges quadratically: once a full step gained less than
        # 1e-9 + 1e-13 |log-likelihood| (or moved no parameter by 1e-9), the next
        # step would change the estimates by less than 1e-6 of a standard error.
        if (damping == 0.0 and shrink == 1.0 and decrement < 1e-9 + 1e-13 * abs(value)) or np.max(
            np.abs(shrink * step)
        ) < 1e-9:
            converged = True
            break
    return u, value, g_u, h_u, converged


def _first_pass(
    objective: Objective, u: np.ndarray, scale: float, model: str, analytic_hessian: bool
) -> np.ndarray:
    if analytic_hessian:
        try:
            found, _, _, _, converged = _newton(objective, u, model=model, on_step=None)
            if converged:
                return found
        except FitError:
            pass
    return _quasi_newton(objective, u, scale, rough=True)


def maximise(
    objective: Objective,
    start: Sequence[float],
    names: Sequence[str],
    *,
    model: str,
    n_customers: int,
    n_patterns: int,
    scale: float,
    warm: Objective | None = None,
    warm_scale: float = 1.0,
    time_unit: str | None = None,
    on_step: Callable[[str], None] | None = None,
    analytic_hessian: bool = False,
) -> FitResult:
    """Minimise ``objective`` (negative log-likelihood, gradient and optionally
    Hessian, all in natural parameters) from ``start``.

    ``scale`` (the total weight) keeps tolerances independent of the number of
    customers; ``warm`` is the same objective on a subsample, fitted first.
    With ``analytic_hessian``, Newton's method runs from the start (a Hessian
    costs little more than a gradient); otherwise a quasi-Newton fit comes first.
    """
    start_arr = np.asarray(start, dtype=float)
    if start_arr.shape != (len(names),) or not np.all(start_arr > 0):
        raise AnalyticsInputError("start values must be positive, one per parameter")
    calls = 0

    def counted(theta: np.ndarray, want: bool) -> tuple[float, np.ndarray, np.ndarray | None]:
        nonlocal calls
        calls += 1
        return objective(theta, want)

    u = np.log(start_arr)
    if warm is not None:
        # A fit on a subsample brings Newton's method on all data within a few steps.
        u = _first_pass(warm, u, warm_scale, model, analytic_hessian)
        if on_step:
            on_step("subsample fitted")
    elif not analytic_hessian:
        u = _quasi_newton(counted, u, scale)
        if on_step:
            on_step("quasi-Newton done")
    u, value, g_u, h_u, converged = _newton(counted, u, model=model, on_step=on_step)
    if not converged and analytic_hessian:
        u = _quasi_newton(counted, u, scale)
        u, value, g_u, h_u, converged = _newton(counted, u, model=model, on_step=on_step)
    theta = np.exp(u)
    # The natural-parameter Hessian from the log-parameter one (chain rule).
    hess = (h_u - np.diag(g_u)) / np.outer(theta, theta)
    try:
        variances = np.diag(np.linalg.inv(hess))
    except np.linalg.LinAlgError:
        variances = np.full(len(names), np.nan)
    errors = np.where(variances > 0, np.sqrt(np.abs(variances)), np.nan)
    return FitResult(
        model=model,
        params={n: float(v) for n, v in zip(names, theta, strict=True)},
        standard_errors={n: float(v) for n, v in zip(names, errors, strict=True)},
        log_likelihood=float(-value),
        n_customers=n_customers,
        n_patterns=n_patterns,
        iterations=calls,
        converged=converged,
        time_unit=time_unit,
    )
