"""NPS, CSAT, CES and SERVQUAL: known answers, properties and refusals."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from tellus.analytics import surveys
from tellus.analytics.surveys import ces, csat, nps, servqual_gaps
from tellus.analytics.validation import AnalyticsInputError

Z95 = 1.959963984540054


def answers(*scores: int | None, **groups: list) -> pl.DataFrame:
    return pl.DataFrame({"score": list(scores), **groups}, schema_overrides={"score": pl.Int64})


# --------------------------------------------------------------------------- NPS


def test_nps_wald_interval_by_hand() -> None:
    frame = answers(*([10] * 50 + [7] * 30 + [6] * 20))
    result = nps(frame, method="wald").row(0, named=True)
    assert (result["promoters"], result["passives"], result["detractors"]) == (50, 30, 20)
    assert result["nps"] == pytest.approx(30.0)
    # var = (0.5 + 0.2 - 0.3^2) / 100 = 0.0061
    half = 100 * Z95 * math.sqrt(0.0061)
    assert result["nps_low"] == pytest.approx(30 - half)
    assert result["nps_high"] == pytest.approx(30 + half)


def test_nps_score_interval_matches_wilson_when_everyone_promotes() -> None:
    # With only promoters the constrained MLE puts (1 - d) / 2 on detractors and the
    # bound solves (1 - d) = z^2 (1 + d) / n: Wilson's lower bound for 100 %.
    for n in (3, 100):
        result = nps(answers(*([9] * n))).row(0, named=True)
        assert result["nps_low"] == pytest.approx(100 * (n - Z95**2) / (n + Z95**2), abs=1e-6)
        assert result["nps_high"] == 100.0
    wald = nps(answers(*([9] * 100)), method="wald").row(0, named=True)
    assert wald["nps_low"] == wald["nps_high"] == 100.0  # what the score method avoids


def test_nps_by_group_and_ignores_unanswered() -> None:
    frame = answers(10, 9, 0, 8, None, 3, touchpoint=["a", "a", "a", "b", "b", "b"])
    table = nps(frame, by="touchpoint")
    assert table.get_column("touchpoint").to_list() == ["a", "b"]
    assert table.get_column("responses").to_list() == [3, 2]
    assert table.get_column("nps").to_list() == pytest.approx([100 / 3, -50.0])


def test_nps_score_interval_covers_about_as_promised_in_small_groups() -> None:
    rng = np.random.default_rng(7)
    reps, n = 400, 20
    truth = 100 * (0.5 - 0.2)
    draws = rng.choice([10, 8, 2], p=[0.5, 0.3, 0.2], size=(reps, n))
    frame = pl.DataFrame({"score": draws.ravel(), "rep": np.repeat(np.arange(reps), n)})
    score = nps(frame, by="rep")
    wald = nps(frame, by="rep", method="wald")

    def coverage(t: pl.DataFrame) -> float:
        return float(((t["nps_low"] <= truth) & (t["nps_high"] >= truth)).mean())  # type: ignore[arg-type]

    assert coverage(score) >= 0.93
    assert coverage(score) >= coverage(wald)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 40),
    st.integers(0, 40),
    st.integers(0, 40),
    st.sampled_from(["wald", "score"]),
)
def test_nps_interval_holds_the_estimate_and_stays_in_range(
    promoters: int, passives: int, detractors: int, method: str
) -> None:
    scores = [10] * promoters + [7] * passives + [0] * detractors
    if not scores:
        return
    r = nps(answers(*scores), method=method).row(0, named=True)  # type: ignore[arg-type]
    assert -100 <= r["nps_low"] <= r["nps"] + 1e-6
    assert r["nps"] - 1e-6 <= r["nps_high"] <= 100


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ([10, 11], "between 0 and 10"),
        ([-1, 5], "between 0 and 10"),
        ([7.5, 9.0], "whole-number"),
        ([float("nan"), 9.0], "NaN"),
        (["9", "10"], "numeric"),
        ([None, None], "no answered"),
    ],
)
def test_nps_refuses_malformed_scores(scores: list, message: str) -> None:
    with pytest.raises(AnalyticsInputError, match=message):
        nps(pl.DataFrame({"score": scores}))


def test_nps_refuses_a_missing_column_and_a_bad_method() -> None:
    with pytest.raises(AnalyticsInputError, match="missing column"):
        nps(answers(9, 10), by="touchpoint")
    with pytest.raises(AnalyticsInputError, match="method"):
        nps(answers(9), method="bayes")  # type: ignore[arg-type]
    with pytest.raises(AnalyticsInputError, match="confidence"):
        nps(answers(9), confidence=1.5)


def test_nps_score_interval_refuses_too_many_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(surveys, "MAX_SCORE_GROUPS", 2)
    frame = answers(9, 9, 9, touchpoint=["a", "b", "c"])
    with pytest.raises(AnalyticsInputError, match="use method='wald'"):
        nps(frame, by="touchpoint")
    assert nps(frame, by="touchpoint", method="wald").height == 3


# --------------------------------------------------------------------------- CSAT, CES


def test_csat_is_the_top_two_box_share_with_wilson_interval() -> None:
    result = csat(answers(5, 5, 5, 5, 4, 4, 4, 4, 2, 1)).row(0, named=True)
    low, high = stats.binomtest(8, 10).proportion_ci(confidence_level=0.95, method="wilson")
    assert result["csat"] == 80.0
    assert result["csat_low"] == pytest.approx(100 * low)
    assert result["csat_high"] == pytest.approx(100 * high)
    assert result["mean_score"] == pytest.approx(3.9)


def test_csat_refuses_scores_off_its_scale() -> None:
    with pytest.raises(AnalyticsInputError, match="between 1 and 5"):
        csat(answers(6, 5))
    with pytest.raises(AnalyticsInputError, match="satisfied_min"):
        csat(answers(5), satisfied_min=9)
    with pytest.raises(AnalyticsInputError, match="scale"):
        csat(answers(5), scale=(5, 1))


def test_ces_mean_with_student_interval_per_group() -> None:
    frame = answers(7, 6, 5, 3, stage=["trip", "trip", "trip", "booking"])
    table = ces(frame, by="stage")
    booking, trip = table.row(0, named=True), table.row(1, named=True)
    low, high = stats.t.interval(0.95, 2, loc=6.0, scale=1.0 / math.sqrt(3))
    assert trip["ces"] == 6.0
    assert trip["ces_low"] == pytest.approx(low)
    assert trip["ces_high"] == pytest.approx(high)
    assert trip["easy_share"] == 100.0
    assert booking["ces_low"] is None  # one answer has no spread
    assert booking["easy_share"] == 0.0


# --------------------------------------------------------------------------- SERVQUAL


SERVQUAL = pl.DataFrame(
    {
        "dimension": ["reliability", "reliability", "empathy", "empathy", "tangibles"],
        "expectation": [7, 6, 5, 5, 4],
        "perception": [5, 5, 5, 3, 6],
        "region": ["n", "n", "n", "s", "s"],
    }
)


def test_servqual_gap_is_expectation_minus_perception() -> None:
    table = servqual_gaps(SERVQUAL)
    gap = dict(zip(table["dimension"].cast(pl.String), table["gap"], strict=True))
    assert gap == pytest.approx(
        {"reliability": 1.5, "empathy": 1.0, "tangibles": -2.0, "overall": 0.5 / 3}
    )
    reliability = table.row(0, named=True)
    # paired gaps 2 and 1: mean 1.5, sd 0.7071, t(1) interval
    low, high = stats.t.interval(0.95, 1, loc=1.5, scale=math.sqrt(0.5) / math.sqrt(2))
    assert (reliability["gap_low"], reliability["gap_high"]) == pytest.approx((low, high))


def test_servqual_weights_and_groups() -> None:
    weighted = servqual_gaps(SERVQUAL, weights={"reliability": 3, "empathy": 1})
    overall = weighted.filter(pl.col("dimension") == "overall").row(0, named=True)
    assert overall["gap"] == pytest.approx((3 * 1.5 + 1 * 1.0) / 4)
    by_region = servqual_gaps(SERVQUAL, by="region")
    south = by_region.filter(pl.col("region") == "s")
    assert south["dimension"].cast(pl.String).to_list() == ["empathy", "tangibles", "overall"]
    assert south["gap"].to_list() == pytest.approx([2.0, -2.0, 0.0])


def test_servqual_refuses_unknown_dimensions_and_out_of_scale_answers() -> None:
    bad = SERVQUAL.with_columns(pl.lit("price").alias("dimension"))
    with pytest.raises(AnalyticsInputError, match="dimension must be one of"):
        servqual_gaps(bad)
    with pytest.raises(AnalyticsInputError, match="'perception' must be between 1 and 7"):
        servqual_gaps(SERVQUAL.with_columns(pl.lit(9).alias("perception")))
    with pytest.raises(AnalyticsInputError, match="missing column"):
        servqual_gaps(SERVQUAL.drop("perception"))
    with pytest.raises(AnalyticsInputError, match="weights"):
        servqual_gaps(SERVQUAL, weights={"price": 1.0})
