"""Initiative effectiveness: which kinds of engagement initiative work, on which platforms.

Task-based initiatives ask for a structured contribution; experiential ones
aim at positive emotion (the distinction of Harmeling, Moffett, Arnold and
Carlson 2017, "Toward a theory of customer engagement marketing", JAMS
45(3)). The published finding a DMO can test here on its own visitors:
task-based initiatives raise engagement more than experiential ones, more so
on platforms with continuous interaction and lean tools, while experiential
initiatives do better on spot platforms. Findings from other firms' customers
need not hold for a destination's visitors, hence a test, not an assumption.

Inputs (all Polars):

- ``events``: the engagement log (``member_id``, ``kind``, ``occurred_at``,
  ``initiative_id``, ``value``);
- ``exposures``: who was exposed to which initiative (``member_id``,
  ``initiative_id``, optionally ``exposed_at`` and numeric control columns
  such as tenure or past contributions). Exposure is the denominator: members
  who saw an initiative and did nothing count as zero;
- ``initiatives``: ``initiative_id`` and its traits ``kind``
  (task_based / experiential), ``interaction`` (continuous / spot), ``tools``
  (rich / lean), ``initiated_by`` (customer / firm), as the console stores them.

Intervals come from a seeded, vectorised bootstrap (multinomial weights over
distinct outcomes, so a million exposures cost no more than their distinct
values); the regression is a Poisson (pseudo-)maximum-likelihood fit with
cluster-robust standard errors, written with NumPy because scikit-learn's
PoissonRegressor gives no standard errors and statsmodels is not a
dependency (its coefficients agree with scikit-learn's; see the tests).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl
from scipy import special, stats

from tellus.analytics._events import CONTRIBUTION_KINDS, check_events, check_kinds, kind_is
from tellus.analytics.validation import (
    AnalyticsInputError,
    require_columns,
    require_datetime,
    require_numeric,
    require_parameter,
    require_text,
)

__all__ = [
    "TRAITS",
    "RegressionResult",
    "compare_initiative_types",
    "exposure_outcomes",
    "initiative_effects",
    "initiative_regression",
    "published_finding",
]

#: Each trait of an initiative and its allowed levels (the first is the reference).
TRAITS: Mapping[str, tuple[str, str]] = {
    "kind": ("experiential", "task_based"),
    "interaction": ("spot", "continuous"),
    "tools": ("rich", "lean"),
    "initiated_by": ("firm", "customer"),
}
RESERVED = {"member_id", "initiative_id", "exposed_at", "contributions", "value", *TRAITS}
MAX_BOOTSTRAP = 100_000


def _check_initiatives(initiatives: pl.DataFrame) -> pl.DataFrame:
    require_columns(initiatives, ["initiative_id", *TRAITS], what="initiatives")
    require_numeric(initiatives, ["initiative_id"], what="initiatives")
    require_text(initiatives, TRAITS, what="initiatives", nullable=False)
    frame = initiatives.select(
        pl.col("initiative_id").cast(pl.Int64), *[pl.col(t).cast(pl.String) for t in TRAITS]
    )
    for trait, levels in TRAITS.items():
        unknown = sorted(set(frame.get_column(trait)) - set(levels))
        if unknown:
            raise AnalyticsInputError(
                f"initiatives: {trait!r} must be {' or '.join(levels)}; found {unknown}"
            )
    if frame.get_column("initiative_id").is_duplicated().any():
        raise AnalyticsInputError("initiatives: initiative_id must be unique")
    return frame


def exposure_outcomes(
    events: pl.DataFrame,
    exposures: pl.DataFrame,
    initiatives: pl.DataFrame,
    *,
    contribution_kinds: Sequence[str] = CONTRIBUTION_KINDS,
    kind_values: Mapping[str, float] | None = None,
    controls: Sequence[str] = (),
) -> pl.DataFrame:
    """One row per exposure with what it produced.

    A contribution counts for an exposure when the exposed member made it
    with that ``initiative_id`` (at or after ``exposed_at`` when given).
    ``value`` is the sum of the events' ``value`` (currency; an adopted
    idea's valuation) or, where an event has none, ``kind_values[kind]``
    (0 without a mapping). Repeated exposures of a member to one initiative
    count once (the earliest).

    Returns ``member_id``, ``initiative_id``, the traits, ``contributions``,
    ``value`` and the ``controls`` columns.
    """
    kinds = check_kinds("contribution_kinds", contribution_kinds)
    check_events(events, ("member_id", "kind", "occurred_at", "initiative_id", "value"))
    traits = _check_initiatives(initiatives)
    controls = list(controls)
    require_columns(exposures, ["member_id", "initiative_id", *controls], what="exposures")
    require_numeric(exposures, ["member_id", "initiative_id", *controls], what="exposures")
    if clash := sorted(set(controls) & RESERVED):
        raise AnalyticsInputError(f"controls cannot be {clash}: those names are taken")
    timed = "exposed_at" in exposures.columns
    if timed:
        require_datetime(exposures, ["exposed_at"], what="exposures")
    values = dict(kind_values or {})
    for name, each in values.items():
        require_parameter(f"kind_values[{name!r}]", each, low=0.0, high=1e12)
    unknown = set(exposures.get_column("initiative_id")) - set(traits.get_column("initiative_id"))
    if unknown:
        raise AnalyticsInputError(
            f"exposures: initiative(s) {sorted(unknown)[:5]} are not in initiatives"
        )
    exposed = (
        exposures.select(
            pl.col("member_id").cast(pl.Int64),
            pl.col("initiative_id").cast(pl.Int64),
            *([pl.col("exposed_at")] if timed else []),
            *[pl.col(c).cast(pl.Float64) for c in controls],
        )
        .sort(["exposed_at"] if timed else ["member_id"])
        .unique(["member_id", "initiative_id"], keep="first", maintain_order=True)
    )
    worth = pl.col("value").cast(pl.Float64)
    if values:
        worth = worth.fill_null(
            pl.col("kind")
            .cast(pl.String)
            .replace_strict(values, default=0.0, return_dtype=pl.Float64)
        )
    acts = events.lazy().filter(
        pl.col("member_id").is_not_null() & pl.col("initiative_id").is_not_null() & kind_is(kinds)
    )
    joined = acts.join(exposed.lazy(), on=["member_id", "initiative_id"], how="inner")
    if timed:
        joined = joined.filter(pl.col("occurred_at") >= pl.col("exposed_at"))
    produced = joined.group_by("member_id", "initiative_id").agg(
        contributions=pl.len().cast(pl.Int64), value=worth.fill_null(0.0).sum()
    )
    return (
        exposed.lazy()
        .join(produced, on=["member_id", "initiative_id"], how="left")
        .join(traits.lazy(), on="initiative_id", how="left")
        .with_columns(pl.col("contributions").fill_null(0), pl.col("value").fill_null(0.0))
        .select("member_id", "initiative_id", *TRAITS, "contributions", "value", *controls)
        .collect()
    )


# --------------------------------------------------------------------------- bootstrap


def _bootstrap_means(
    outcomes: np.ndarray,
    clusters: np.ndarray | None,
    n_boot: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Bootstrap replicates of the mean of each outcome column (n_boot × columns).

    Resamples exposures (``clusters`` None) or whole clusters (initiatives)
    with replacement. Either way a replicate is a multinomial weighting of
    units: distinct outcome rows (with their counts) or clusters (with their
    sums and sizes), so the work grows with distinct values, not exposures.
    """
    if clusters is None:
        units, counts = np.unique(outcomes, axis=0, return_counts=True)
        sums, sizes, probs, draws = units, np.ones(len(units)), counts / counts.sum(), len(outcomes)
    else:
        ids, index = np.unique(clusters, return_inverse=True)
        sums = np.zeros((len(ids), outcomes.shape[1]))
        np.add.at(sums, index, outcomes)
        sizes = np.bincount(index).astype(np.float64)
        probs, draws = np.full(len(ids), 1.0 / len(ids)), len(ids)
    chunk = max(1, 20_000_000 // max(len(probs), 1))
    out = np.empty((n_boot, outcomes.shape[1]))
    for start in range(0, n_boot, chunk):
        stop = min(start + chunk, n_boot)
        weights = rng.multinomial(draws, probs, size=stop - start).astype(np.float64)
        out[start:stop] = (weights @ sums) / (weights @ sizes)[:, None]
    return out


def _check_bootstrap(n_boot: int, confidence: float, resample: str) -> None:
    require_parameter("n_boot", n_boot, low=100, high=MAX_BOOTSTRAP, integer=True)
    require_parameter("confidence", confidence, low=0.5, high=0.999)
    if resample not in ("exposure", "initiative"):
        raise AnalyticsInputError(f"resample must be 'exposure' or 'initiative', not {resample!r}")


def _by(by: str | Sequence[str]) -> list[str]:
    columns = [by] if isinstance(by, str) else list(by)
    if not columns or not set(columns) <= set(TRAITS):
        raise AnalyticsInputError(f"by must be one or more of {', '.join(TRAITS)}")
    return columns


def initiative_effects(
    outcomes: pl.DataFrame,
    *,
    by: str | Sequence[str] = "kind",
    n_boot: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
    resample: Literal["exposure", "initiative"] = "exposure",
) -> pl.DataFrame:
    """Contributions and value per exposed visitor, by initiative type and/or platform trait.

    ``outcomes``: from ``exposure_outcomes``. ``resample="exposure"``
    bootstraps visitors; ``"initiative"`` bootstraps whole initiatives within
    each group, which is the honest choice when a group has few initiatives
    (their own quality varies more than their visitors do). Percentile
    intervals at ``confidence``; the same ``seed`` gives the same intervals.

    Returns the ``by`` columns, ``initiatives``, ``exposed``,
    ``contributions``, ``contributions_per_exposed`` (with ``_low`` and
    ``_high``), ``value`` and ``value_per_exposed`` (with ``_low``, ``_high``).
    """
    columns = _by(by)
    _check_bootstrap(n_boot, confidence, resample)
    require_columns(
        outcomes, ["initiative_id", "contributions", "value", *columns], what="outcomes"
    )
    require_numeric(outcomes, ["contributions", "value"], what="outcomes", non_negative=True)
    if outcomes.height == 0:
        raise AnalyticsInputError("outcomes is empty: no one was exposed")
    rng = np.random.default_rng(seed)
    alpha = (1.0 - confidence) / 2.0
    rows = []
    for key, group in outcomes.sort(columns).group_by(columns, maintain_order=True):
        values = group.select(
            pl.col("contributions").cast(pl.Float64), pl.col("value").cast(pl.Float64)
        ).to_numpy()
        clusters = (
            group.get_column("initiative_id").to_numpy() if resample == "initiative" else None
        )
        boot = _bootstrap_means(values, clusters, n_boot, rng)
        low, high = np.quantile(boot, [alpha, 1.0 - alpha], axis=0)
        mean = values.mean(axis=0)
        rows.append(
            {
                **dict(zip(columns, key, strict=True)),
                "initiatives": group.get_column("initiative_id").n_unique(),
                "exposed": group.height,
                "contributions": int(values[:, 0].sum()),
                "contributions_per_exposed": float(mean[0]),
                "contributions_per_exposed_low": float(low[0]),
                "contributions_per_exposed_high": float(high[0]),
                "value": float(values[:, 1].sum()),
                "value_per_exposed": float(mean[1]),
                "value_per_exposed_low": float(low[1]),
                "value_per_exposed_high": float(high[1]),
            }
        )
    return pl.DataFrame(rows)


def compare_initiative_types(
    outcomes: pl.DataFrame,
    *,
    outcome: Literal["contributions", "value"] = "contributions",
    n_boot: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
    resample: Literal["exposure", "initiative"] = "exposure",
) -> pl.DataFrame:
    """Task-based minus experiential, per exposed visitor, overall and within each platform trait.

    One row per (``trait``, ``level``), starting with ``("all", "all")``:
    ``task_based`` and ``experiential`` (the outcome per exposed visitor),
    ``difference`` with a bootstrap interval (``difference_low``,
    ``difference_high``; the two types resampled independently) and
    ``ratio`` (task / experiential). A level with only one type has nulls.
    """
    _check_bootstrap(n_boot, confidence, resample)
    if outcome not in ("contributions", "value"):
        raise AnalyticsInputError(f"outcome must be 'contributions' or 'value', not {outcome!r}")
    require_columns(outcomes, ["initiative_id", outcome, *TRAITS], what="outcomes")
    require_numeric(outcomes, [outcome], what="outcomes", non_negative=True)
    rng = np.random.default_rng(seed)
    alpha = (1.0 - confidence) / 2.0
    cells: list[tuple[str, str, pl.DataFrame]] = [("all", "all", outcomes)]
    for trait in ("interaction", "tools", "initiated_by"):
        for level in TRAITS[trait]:
            cells.append((trait, level, outcomes.filter(pl.col(trait) == level)))
    rows = []
    for trait, level, frame in cells:
        means, boots = {}, {}
        for kind in ("task_based", "experiential"):
            group = frame.filter(pl.col("kind") == kind)
            if group.height == 0:
                continue
            values = group.select(pl.col(outcome).cast(pl.Float64)).to_numpy()
            clusters = (
                group.get_column("initiative_id").to_numpy() if resample == "initiative" else None
            )
            means[kind] = float(values.mean())
            boots[kind] = _bootstrap_means(values, clusters, n_boot, rng)[:, 0]
        row: dict[str, object] = {
            "trait": trait,
            "level": level,
            "task_based": means.get("task_based"),
            "experiential": means.get("experiential"),
            "difference": None,
            "difference_low": None,
            "difference_high": None,
            "ratio": None,
        }
        if len(means) == 2:
            diff = boots["task_based"] - boots["experiential"]
            low, high = np.quantile(diff, [alpha, 1.0 - alpha])
            row.update(
                difference=means["task_based"] - means["experiential"],
                difference_low=float(low),
                difference_high=float(high),
                ratio=means["task_based"] / means["experiential"]
                if means["experiential"]
                else None,
            )
        rows.append(row)
    return pl.DataFrame(
        rows,
        schema={
            "trait": pl.String,
            "level": pl.String,
            "task_based": pl.Float64,
            "experiential": pl.Float64,
            "difference": pl.Float64,
            "difference_low": pl.Float64,
            "difference_high": pl.Float64,
            "ratio": pl.Float64,
        },
    )


# --------------------------------------------------------------------------- regression


@dataclass(frozen=True)
class RegressionResult:
    """A Poisson regression of an outcome per exposure on initiative traits and controls.

    ``coefficients``: ``term``, ``estimate`` (log rate ratio), ``std_error``
    (cluster-robust), ``z``, ``p_value``, ``ci_low``, ``ci_high`` and
    ``rate_ratio`` (exp of the estimate). ``dropped``: terms the data cannot
    separate from the others (no variation, or collinear), left out.
    """

    coefficients: pl.DataFrame
    observations: int
    clusters: int
    log_likelihood: float
    dropped: tuple[str, ...]


def _design(
    outcomes: pl.DataFrame, controls: list[str], interactions: bool
) -> tuple[np.ndarray, list[str]]:
    columns = {"intercept": np.ones(outcomes.height)}
    for trait, (_, level) in TRAITS.items():
        name = (
            "task_based"
            if trait == "kind"
            else level
            if trait != "initiated_by"
            else "customer_initiated"
        )
        columns[name] = (outcomes.get_column(trait) == level).to_numpy().astype(np.float64)
    if interactions:
        columns["task_based:continuous"] = columns["task_based"] * columns["continuous"]
        columns["task_based:lean"] = columns["task_based"] * columns["lean"]
    for control in controls:
        columns[control] = outcomes.get_column(control).cast(pl.Float64).to_numpy()
    return np.column_stack(list(columns.values())), list(columns)


def _independent(x: np.ndarray, names: list[str]) -> list[int]:
    """Columns kept in order, skipping any the earlier ones already span."""
    scale = np.sqrt((x**2).mean(axis=0))
    scale[scale == 0] = 1.0
    z = x / scale
    kept: list[int] = []
    for j in range(x.shape[1]):
        trial = [*kept, j]
        gram = z[:, trial].T @ z[:, trial] / len(z)
        if np.linalg.eigvalsh(gram).min() > 1e-9 * max(1.0, np.abs(gram).max()):
            kept.append(j)
    return kept


def _poisson(x: np.ndarray, y: np.ndarray, max_iter: int = 100) -> np.ndarray:
    """Poisson maximum likelihood by Newton's method with step halving."""
    beta = np.zeros(x.shape[1])
    beta[0] = np.log(max(y.mean(), 1e-12))

    def loglik(b: np.ndarray) -> float:
        eta = x @ b
        return float(np.sum(y * eta - np.exp(eta)))

    current = loglik(beta)
    for _ in range(max_iter):
        mu = np.exp(x @ beta)
        gradient = x.T @ (y - mu)
        hessian = (x * mu[:, None]).T @ x
        step = np.linalg.solve(hessian, gradient)
        t = 1.0
        while t > 1e-10:
            trial = beta + t * step
            value = loglik(trial)
            if np.isfinite(value) and value >= current - 1e-12:
                break
            t /= 2.0
        beta, current = trial, value
        if np.max(np.abs(t * step)) < 1e-10:
            break
    return beta


def initiative_regression(
    outcomes: pl.DataFrame,
    *,
    outcome: Literal["contributions", "value"] = "contributions",
    controls: Sequence[str] = (),
    interactions: bool = True,
    cluster: Literal["member_id", "initiative_id"] | None = "member_id",
    confidence: float = 0.95,
) -> RegressionResult:
    """Poisson regression of the outcome per exposure on initiative type, traits and controls.

    log E[y] = b0 + b_task·task_based + b_cont·continuous + b_lean·lean
    + b_cust·customer_initiated [+ b_tc·task_based×continuous + b_tl·task_based×lean]
    + controls. Each exp(b) is a rate ratio. Poisson pseudo-maximum likelihood
    is consistent for any non-negative outcome whose mean is log-linear
    (value as well as counts; Gourieroux, Monfort and Trognon 1984), and the
    sandwich covariance clustered by ``cluster`` (with the usual
    G/(G-1)·(n-1)/(n-k) small-sample factor) keeps the standard errors honest
    under over-dispersion and repeated exposures of one member. Cluster by
    ``initiative_id`` only with many initiatives (fewer than about 30
    clusters make the sandwich unreliable).
    """
    if outcome not in ("contributions", "value"):
        raise AnalyticsInputError(f"outcome must be 'contributions' or 'value', not {outcome!r}")
    if cluster not in ("member_id", "initiative_id", None):
        raise AnalyticsInputError(
            f"cluster must be member_id, initiative_id or None, not {cluster!r}"
        )
    z_crit = float(stats.norm.ppf(0.5 + confidence / 2.0))
    require_parameter("confidence", confidence, low=0.5, high=0.999)
    controls = list(controls)
    require_columns(
        outcomes, ["member_id", "initiative_id", outcome, *TRAITS, *controls], what="outcomes"
    )
    require_numeric(outcomes, [outcome], what="outcomes", non_negative=True)
    require_numeric(outcomes, controls, what="outcomes")
    y = outcomes.get_column(outcome).cast(pl.Float64).to_numpy()
    if y.sum() <= 0:
        raise AnalyticsInputError(f"outcomes: no {outcome} at all, so nothing to compare")
    x_all, names_all = _design(outcomes, controls, interactions)
    kept = _independent(x_all, names_all)
    if 0 not in kept or len(kept) < 2:
        raise AnalyticsInputError("outcomes: the initiatives do not vary in any trait")
    x, names = x_all[:, kept], [names_all[j] for j in kept]
    dropped = tuple(n for j, n in enumerate(names_all) if j not in kept)
    beta = _poisson(x, y)
    mu = np.exp(x @ beta)
    bread = np.linalg.inv((x * mu[:, None]).T @ x)
    scores = x * (y - mu)[:, None]
    n, k = x.shape
    if cluster is None:
        groups, g = scores, n
    else:
        ids, index = np.unique(outcomes.get_column(cluster).to_numpy(), return_inverse=True)
        g = len(ids)
        groups = np.zeros((g, k))
        np.add.at(groups, index, scores)
    if g < 2:
        raise AnalyticsInputError(f"outcomes: one {cluster} only; robust errors need more")
    meat = groups.T @ groups
    factor = g / (g - 1) * (n - 1) / max(n - k, 1)
    covariance = factor * bread @ meat @ bread
    se = np.sqrt(np.diag(covariance))
    zs = beta / se
    table = pl.DataFrame(
        {
            "term": names,
            "estimate": beta,
            "std_error": se,
            "z": zs,
            "p_value": 2.0 * stats.norm.sf(np.abs(zs)),
            "ci_low": beta - z_crit * se,
            "ci_high": beta + z_crit * se,
            "rate_ratio": np.exp(beta),
        }
    )
    eta = x @ beta
    log_lik = float(np.sum(y * eta - np.exp(eta)) - np.sum(special.gammaln(y + 1.0)))
    return RegressionResult(table, n, g, log_lik, dropped)


CLAIMS = (
    ("task-based beats experiential overall", "main", "task_based", 1.0),
    ("task-based gains more on continuous platforms", "full", "task_based:continuous", 1.0),
    ("task-based gains more on lean platforms", "full", "task_based:lean", 1.0),
    ("experiential gains on spot platforms", "full", "continuous", -1.0),
)


def published_finding(
    outcomes: pl.DataFrame,
    *,
    outcome: Literal["contributions", "value"] = "contributions",
    controls: Sequence[str] = (),
    cluster: Literal["member_id", "initiative_id"] | None = "member_id",
    confidence: float = 0.95,
) -> pl.DataFrame:
    """Whether the published finding holds for these visitors, claim by claim.

    The overall claim reads the main-effects model (task_based); the others
    read the model with interactions: task_based×continuous > 0,
    task_based×lean > 0, and, for experiential initiatives, spot over
    continuous > 0 (the negative of the continuous coefficient, since
    experiential is the reference type). ``rate_ratio`` is expressed in the
    claim's direction (> 1 supports it). ``verdict``: "holds" when the whole
    interval supports the claim, "contradicted" when it lies against it,
    "inconclusive" otherwise, "not testable" when the data lack the contrast
    (e.g. no spot platform).
    """
    models = {
        "main": initiative_regression(
            outcomes, outcome=outcome, controls=controls, interactions=False,
            cluster=cluster, confidence=confidence,
        ),
        "full": initiative_regression(
            outcomes, outcome=outcome, controls=controls, interactions=True,
            cluster=cluster, confidence=confidence,
        ),
    }  # fmt: skip
    rows: list[tuple[object, ...]] = []
    for claim, model, term, sign in CLAIMS:
        table = models[model].coefficients.filter(pl.col("term") == term)
        if table.height == 0:
            rows.append((claim, term, None, None, None, None, "not testable"))
            continue
        r = table.row(0, named=True)
        low, high = sorted((sign * r["ci_low"], sign * r["ci_high"]))
        verdict = "holds" if low > 0 else "contradicted" if high < 0 else "inconclusive"
        rows.append(
            (
                claim,
                term,
                float(np.exp(sign * r["estimate"])),
                float(np.exp(low)),
                float(np.exp(high)),
                r["p_value"],
                verdict,
            )
        )
    return pl.DataFrame(
        rows,
        schema={
            "claim": pl.String,
            "term": pl.String,
            "rate_ratio": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
            "p_value": pl.Float64,
            "verdict": pl.String,
        },
        orient="row",
    )
