"""Survey metrics: NPS with its intervals, CSAT, CES and SERVQUAL gaps.

Every metric is computed per group of any columns (``by``): a touchpoint, a
journey stage, a channel, a segment, a month. Intervals come with every rate,
because a DMO's survey of one touchpoint in one month is often small.

Null scores are unanswered questions and are left out; NaN, out-of-scale and
non-integer answers are refused. The interval formulas are a few lines of
NumPy/SciPy each; statsmodels would add a dependency for them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import polars as pl
from scipy import optimize, stats

from tellus.analytics._groups import group_columns
from tellus.analytics.validation import (
    AnalyticsInputError,
    require_columns,
    require_parameter,
)

__all__ = [
    "SERVQUAL_DIMENSIONS",
    "ces",
    "csat",
    "nps",
    "servqual_gaps",
]

SERVQUAL_DIMENSIONS = ("reliability", "responsiveness", "assurance", "empathy", "tangibles")
#: The score interval solves two equations per group; past this many groups use "wald".
MAX_SCORE_GROUPS = 100_000


def _z(confidence: float) -> float:
    require_parameter("confidence", confidence, low=0.5, high=0.9999)
    return float(stats.norm.ppf(0.5 + confidence / 2.0))


def _scores(
    frame: pl.DataFrame,
    score: str,
    by: list[str],
    low: int,
    high: int,
    *,
    what: str,
    extra: Sequence[str] = (),
) -> pl.DataFrame:
    """The answered rows, refusing NaN, fractions and scores outside [low, high]."""
    require_columns(frame, [score, *by, *extra], what=what)
    if score in by:
        raise AnalyticsInputError(f"{what}: {score!r} cannot be both the score and a group")
    answered_rows = frame.drop_nulls([score, *extra])
    if answered_rows.height == 0:
        raise AnalyticsInputError(f"{what}: no answered {score!r}")
    for column in (score, *extra):
        series = frame.get_column(column)
        if not series.dtype.is_numeric():
            raise AnalyticsInputError(
                f"{what}: column {column!r} must be numeric, not {series.dtype}"
            )
        if series.dtype.is_float() and series.is_nan().any():
            raise AnalyticsInputError(f"{what}: column {column!r} has NaN value(s)")
        answered = series.drop_nulls()
        if answered.dtype.is_float() and (answered != answered.round()).any():
            raise AnalyticsInputError(f"{what}: column {column!r} must hold whole-number scores")
        if len(answered) and (answered.min() < low or answered.max() > high):  # type: ignore[operator]
            raise AnalyticsInputError(
                f"{what}: column {column!r} must be between {low} and {high}; "
                f"found {float(answered.min()):g} to {float(answered.max()):g}"  # type: ignore[arg-type]
            )
    return answered_rows


def _group(frame: pl.DataFrame, by: list[str]) -> pl.dataframe.group_by.GroupBy:
    return frame.group_by(by or pl.lit(0).alias("_all"), maintain_order=True)


def _ungroup(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    return frame if by else frame.drop("_all")


# --------------------------------------------------------------------------- NPS


def _nps_score_bounds(
    promoters: int, passives: int, detractors: int, z: float
) -> tuple[float, float]:
    """Score interval for P - D of a multinomial (the Wilson idea applied to a difference).

    The bounds are the values d where (d_hat - d)^2 equals z^2 times the
    variance of d_hat evaluated at the proportions that maximise the
    likelihood under P - D = d; unlike the Wald interval it does not collapse
    to a point when every answer is a promoter.
    """
    n = promoters + passives + detractors
    d_hat = (promoters - detractors) / n

    def constrained(d: float) -> tuple[float, float]:
        lo, hi = max(0.0, -d), (1.0 - d) / 2.0
        if hi - lo < 1e-15:
            t = lo
        else:

            def slope(t: float) -> float:
                out = 0.0
                if promoters:
                    out += promoters / (t + d) if t + d > 0 else np.inf
                if detractors:
                    out += detractors / t if t > 0 else np.inf
                if passives:
                    room = 1.0 - 2.0 * t - d
                    out -= 2.0 * passives / room if room > 0 else np.inf
                return out

            eps = 1e-13
            a, b = lo + eps * (hi - lo), hi - eps * (hi - lo)
            if slope(a) <= 0:
                t = lo
            elif slope(b) >= 0:
                t = hi
            else:
                t = optimize.brentq(slope, a, b, xtol=1e-15)
        return t + d, t  # promoters' and detractors' proportions

    def excess(d: float) -> float:
        p, q = constrained(d)
        variance = max(p + q - d * d, 0.0) / n
        return (d_hat - d) ** 2 - z * z * variance

    # excess is negative just inside the estimate (zero at it when every answer agrees)
    inner = 1e-9
    below, above = max(d_hat - inner, -1.0), min(d_hat + inner, 1.0)
    lower = -1.0 if excess(-1.0) <= 0 else optimize.brentq(excess, -1.0, below, xtol=1e-12)
    upper = 1.0 if excess(1.0) <= 0 else optimize.brentq(excess, above, 1.0, xtol=1e-12)
    return lower, upper


def nps(
    responses: pl.DataFrame,
    *,
    score: str = "score",
    by: str | Sequence[str] = (),
    confidence: float = 0.95,
    method: Literal["wald", "score"] = "score",
) -> pl.DataFrame:
    """Net Promoter Score (Reichheld 2003) per group, with a confidence interval.

    ``score``: the 0-10 "how likely are you to recommend" answer (integers).
    Promoters answer 9-10, detractors 0-6; NPS = 100 × (P - D) / n, in
    [-100, 100]. P - D is a difference of two proportions of one multinomial,
    with variance (p_P + p_D - (p_P - p_D)^2) / n.

    ``method="wald"``: NPS ± z × that standard error at the observed
    proportions (clipped to [-100, 100]); fine for large groups, too narrow
    for small ones and zero-width when all agree. ``method="score"`` (the
    default): the interval of NPS values not rejected by the score test,
    i.e. the variance evaluated at the constrained maximum-likelihood
    proportions (Wilson's interval generalised to a multinomial difference):
    better coverage in small groups.

    Returns the ``by`` columns, ``responses``, ``promoters``, ``passives``,
    ``detractors``, ``nps``, ``nps_low``, ``nps_high``.
    """
    columns = group_columns(by)
    z = _z(confidence)
    if method not in ("wald", "score"):
        raise AnalyticsInputError(f"method must be 'wald' or 'score', not {method!r}")
    rows = _scores(responses, score, columns, 0, 10, what="responses")
    table = _ungroup(
        _group(rows, columns)
        .agg(
            responses=pl.len().cast(pl.Int64),
            promoters=(pl.col(score) >= 9).sum().cast(pl.Int64),
            passives=pl.col(score).is_between(7, 8).sum().cast(pl.Int64),
            detractors=(pl.col(score) <= 6).sum().cast(pl.Int64),
        )
        .sort(columns or "_all"),
        columns,
    )
    n = table.get_column("responses").to_numpy().astype(np.float64)
    p = table.get_column("promoters").to_numpy() / n
    d = table.get_column("detractors").to_numpy() / n
    point = p - d
    if method == "wald":
        se = np.sqrt(np.maximum(p + d - point**2, 0.0) / n)
        low, high = np.clip(point - z * se, -1, 1), np.clip(point + z * se, -1, 1)
    elif table.height > MAX_SCORE_GROUPS:
        raise AnalyticsInputError(
            f"{table.height:,} groups are more than the {MAX_SCORE_GROUPS:,} the score interval "
            "handles; use method='wald' or fewer groups"
        )
    else:
        bounds = [
            _nps_score_bounds(pro, pas, det, z)
            for pro, pas, det in table.select("promoters", "passives", "detractors").iter_rows()
        ]
        low = np.array([b[0] for b in bounds])
        high = np.array([b[1] for b in bounds])
    return table.with_columns(
        nps=pl.Series(100.0 * point),
        nps_low=pl.Series(100.0 * low),
        nps_high=pl.Series(100.0 * high),
    )


# --------------------------------------------------------------------------- CSAT, CES


def _wilson(successes: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def csat(
    responses: pl.DataFrame,
    *,
    score: str = "score",
    by: str | Sequence[str] = (),
    scale: tuple[int, int] = (1, 5),
    satisfied_min: int = 4,
    confidence: float = 0.95,
) -> pl.DataFrame:
    """Customer satisfaction per group: the share of satisfied answers (top two boxes of five).

    ``score``: integers on ``scale``; satisfied means ``score >= satisfied_min``.
    CSAT = 100 × satisfied / responses with a Wilson score interval (it stays
    inside [0, 100] and keeps its coverage near 0 % and 100 %). Returns the
    ``by`` columns, ``responses``, ``satisfied``, ``csat``, ``csat_low``,
    ``csat_high`` and ``mean_score``.
    """
    columns = group_columns(by)
    z = _z(confidence)
    low, high = _scale(scale)
    if not low < satisfied_min <= high:
        raise AnalyticsInputError(f"satisfied_min must be within the scale {scale}")
    rows = _scores(responses, score, columns, low, high, what="responses")
    table = _ungroup(
        _group(rows, columns)
        .agg(
            responses=pl.len().cast(pl.Int64),
            satisfied=(pl.col(score) >= satisfied_min).sum().cast(pl.Int64),
            mean_score=pl.col(score).cast(pl.Float64).mean(),
        )
        .sort(columns or "_all"),
        columns,
    )
    n = table.get_column("responses").to_numpy().astype(np.float64)
    k = table.get_column("satisfied").to_numpy().astype(np.float64)
    lo, hi = _wilson(k, n, z)
    return table.select(
        *columns,
        "responses",
        "satisfied",
        csat=pl.Series(100.0 * k / n),
        csat_low=pl.Series(100.0 * lo),
        csat_high=pl.Series(100.0 * hi),
        mean_score=pl.col("mean_score"),
    )


def _scale(scale: tuple[int, int]) -> tuple[int, int]:
    if (
        not isinstance(scale, tuple)
        or len(scale) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in scale)
        or scale[0] >= scale[1]
    ):
        raise AnalyticsInputError(f"scale must be (lowest, highest) whole numbers, not {scale!r}")
    return scale


def _mean_interval(table: pl.DataFrame, z_confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Student-t interval of a mean from n, mean and sd columns (NaN when n < 2)."""
    n = table.get_column("n").to_numpy().astype(np.float64)
    mean = table.get_column("mean").to_numpy()
    sd = table.get_column("sd").fill_null(np.nan).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        t = stats.t.ppf(0.5 + z_confidence / 2.0, np.maximum(n - 1, 1))
        half = np.where(n >= 2, t * sd / np.sqrt(n), np.nan)
    return mean - half, mean + half


def ces(
    responses: pl.DataFrame,
    *,
    score: str = "score",
    by: str | Sequence[str] = (),
    scale: tuple[int, int] = (1, 7),
    easy_min: int = 5,
    confidence: float = 0.95,
) -> pl.DataFrame:
    """Customer effort score per group (CES 2.0: "the DMO made it easy to ..." on 1-7).

    Higher is easier. Returns the ``by`` columns, ``responses``, ``ces`` (the
    mean score) with a Student-t interval (``ces_low``, ``ces_high``; null
    for a single answer) and ``easy_share`` (answers ``>= easy_min``, %).
    """
    columns = group_columns(by)
    _z(confidence)
    low, high = _scale(scale)
    if not low < easy_min <= high:
        raise AnalyticsInputError(f"easy_min must be within the scale {scale}")
    rows = _scores(responses, score, columns, low, high, what="responses")
    table = _ungroup(
        _group(rows, columns)
        .agg(
            n=pl.len().cast(pl.Int64),
            mean=pl.col(score).cast(pl.Float64).mean(),
            sd=pl.col(score).cast(pl.Float64).std(),
            easy_share=100.0 * (pl.col(score) >= easy_min).mean(),
        )
        .sort(columns or "_all"),
        columns,
    )
    lo, hi = _mean_interval(table, confidence)
    return table.select(
        *columns,
        responses=pl.col("n"),
        ces=pl.col("mean"),
        ces_low=pl.Series(lo).fill_nan(None),
        ces_high=pl.Series(hi).fill_nan(None),
        easy_share=pl.col("easy_share"),
    )


# --------------------------------------------------------------------------- SERVQUAL


def servqual_gaps(
    answers: pl.DataFrame,
    *,
    by: str | Sequence[str] = (),
    scale: tuple[int, int] = (1, 7),
    weights: Mapping[str, float] | None = None,
    confidence: float = 0.95,
) -> pl.DataFrame:
    """SERVQUAL gaps per group and dimension (Parasuraman, Zeithaml and Berry 1988).

    ``answers``: one row per item answered, with ``dimension`` (one of
    reliability, responsiveness, assurance, empathy, tangibles),
    ``expectation`` and ``perception`` (integers on ``scale``). The gap is
    expectation minus perception: positive means the service fell short
    (Parasuraman's quality score P - E is its negative). Per dimension:
    ``items``, mean ``expectation``, ``perception`` and ``gap`` with a paired
    Student-t interval. An ``overall`` row per group averages the dimension
    gaps, weighted by ``weights`` (importance points per dimension, as in the
    weighted SERVQUAL) or equally.
    """
    columns = group_columns(by)
    _z(confidence)
    low, high = _scale(scale)
    require_columns(answers, ["dimension", *columns], what="answers")
    rows = _scores(
        answers, "expectation", columns, low, high, what="answers", extra=("perception",)
    )
    dims = rows.get_column("dimension").cast(pl.String)
    unknown = sorted(set(dims.drop_nulls()) - set(SERVQUAL_DIMENSIONS))
    if unknown or dims.null_count():
        raise AnalyticsInputError(
            f"answers: dimension must be one of {', '.join(SERVQUAL_DIMENSIONS)}; "
            f"found {unknown or 'null'}"
        )
    weight = dict.fromkeys(SERVQUAL_DIMENSIONS, 1.0)
    if weights is not None:
        if set(weights) - set(SERVQUAL_DIMENSIONS):
            raise AnalyticsInputError("weights must be keyed by SERVQUAL dimensions")
        for name, w in weights.items():
            require_parameter(f"weights[{name!r}]", w, low=0.0, high=1e6)
        weight = {d: float(weights.get(d, 0.0)) for d in SERVQUAL_DIMENSIONS}
        if sum(weight.values()) <= 0:
            raise AnalyticsInputError("weights must not all be zero")
    keys = [*columns, "dimension"]
    table = (
        rows.with_columns(
            pl.col("dimension").cast(pl.String),
            gap=(pl.col("expectation") - pl.col("perception")).cast(pl.Float64),
        )
        .group_by(keys, maintain_order=True)
        .agg(
            n=pl.len().cast(pl.Int64),
            expectation=pl.col("expectation").cast(pl.Float64).mean(),
            perception=pl.col("perception").cast(pl.Float64).mean(),
            mean=pl.col("gap").mean(),
            sd=pl.col("gap").std(),
        )
    )
    lo, hi = _mean_interval(table, confidence)
    table = table.with_columns(
        gap_low=pl.Series(lo).fill_nan(None), gap_high=pl.Series(hi).fill_nan(None)
    )
    overall = (
        table.with_columns(w=pl.col("dimension").replace_strict(weight, return_dtype=pl.Float64))
        .group_by(columns or pl.lit(0).alias("_all"), maintain_order=True)
        .agg(
            n=pl.col("n").sum(),
            expectation=(pl.col("expectation") * pl.col("w")).sum() / pl.col("w").sum(),
            perception=(pl.col("perception") * pl.col("w")).sum() / pl.col("w").sum(),
            mean=(pl.col("mean") * pl.col("w")).sum() / pl.col("w").sum(),
        )
        .with_columns(
            dimension=pl.lit("overall"),
            sd=pl.lit(None, dtype=pl.Float64),
            gap_low=pl.lit(None, dtype=pl.Float64),
            gap_high=pl.lit(None, dtype=pl.Float64),
        )
    )
    overall = _ungroup(overall, columns).select(table.columns)
    order = pl.Enum([*SERVQUAL_DIMENSIONS, "overall"])
    return (
        pl.concat([table, overall])
        .with_columns(pl.col("dimension").cast(order))
        .sort([*columns, "dimension"])
        .select(
            *keys,
            items=pl.col("n"),
            expectation=pl.col("expectation"),
            perception=pl.col("perception"),
            gap=pl.col("mean"),
            gap_low=pl.col("gap_low"),
            gap_high=pl.col("gap_high"),
        )
    )
