"""NPS, CSAT, CES, SERVQUAL, cohorts and CAC: known answers, properties and refusals."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from tellus.analytics.cx import (
    acquisition_cost,
    ces,
    cohort_retention,
    csat,
    nps,
    servqual_gaps,
)
from tellus.analytics.validation import AnalyticsInputError
from tests.analytics.engagement_log import day, log

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


# --------------------------------------------------------------------------- cohorts


TRIPS = log(
    [
        {"day": 0, "member_id": 1, "kind": "trip.recorded", "channel": "web"},
        {"day": 40, "member_id": 1, "kind": "trip.recorded", "channel": "app"},
        {"day": 5, "member_id": 2, "kind": "trip.recorded", "channel": "app"},
        {"day": 70, "member_id": 2, "kind": "trip.recorded", "channel": "web"},
        {"day": 35, "member_id": 3, "kind": "trip.recorded", "channel": "web"},
        {"day": 36, "member_id": 3, "kind": "poll.voted"},
        {"day": 120, "member_id": 3, "kind": "trip.recorded", "channel": "web"},
    ]
)


def test_cohort_retention_by_hand() -> None:
    table = cohort_retention(TRIPS, as_of=day(90))
    rows = [
        (r["cohort"], r["period"], r["cohort_size"], r["active"], r["churn_from_previous"])
        for r in table.iter_rows(named=True)
    ]
    jan, feb = dt.date(2024, 1, 1), dt.date(2024, 2, 1)
    # January: members 1 and 2; 1 returns in February, 2 in March. February: member 3.
    assert rows == [
        (jan, 0, 2, 2, None),
        (jan, 1, 2, 1, 0.5),
        (jan, 2, 2, 1, 1.0),
        (feb, 0, 1, 1, None),
        (feb, 1, 1, 0, 1.0),
    ]
    assert table.get_column("retention").to_list() == pytest.approx([1, 0.5, 0.5, 1, 0])
    assert table.get_column("churn").to_list() == pytest.approx([0, 0.5, 0.5, 0, 1])


def test_cohorts_by_group_of_the_first_trip_and_by_first_contribution() -> None:
    table = cohort_retention(TRIPS, as_of=day(90), by="channel")
    groups = table.filter(pl.col("period") == 0).select("channel", "cohort", "cohort_size")
    assert groups.rows() == [
        ("app", dt.date(2024, 1, 1), 1),
        ("web", dt.date(2024, 1, 1), 1),
        ("web", dt.date(2024, 2, 1), 1),
    ]
    contributors = cohort_retention(TRIPS, as_of=day(90), cohort="first_contribution")
    assert contributors.select("cohort", "period", "active").rows() == [
        (dt.date(2024, 2, 1), 0, 1),
        (dt.date(2024, 2, 1), 1, 0),
    ]


def test_cohorts_refuse_unknown_cohorts_and_bad_logs() -> None:
    with pytest.raises(AnalyticsInputError, match="cohort must be"):
        cohort_retention(TRIPS, as_of=day(90), cohort="first_visit")  # type: ignore[arg-type]
    with pytest.raises(AnalyticsInputError, match="missing column"):
        cohort_retention(TRIPS.drop("kind"), as_of=day(90))
    with pytest.raises(AnalyticsInputError, match="timezone-aware"):
        cohort_retention(TRIPS, as_of=dt.datetime(2024, 3, 1))


# --------------------------------------------------------------------------- CAC


SIGN_UPS = log(
    [
        {"day": 0, "member_id": 1, "kind": "member.signed_up", "channel": "facebook",
         "initiative_id": 1},
        {"day": 1, "member_id": 2, "kind": "member.signed_up", "channel": "facebook",
         "initiative_id": 2},
        {"day": 1, "member_id": 2, "kind": "member.signed_up", "channel": "email",
         "initiative_id": 2},
        {"day": 2, "member_id": 3, "kind": "member.signed_up", "channel": "referral"},
        {"day": 50, "member_id": 4, "kind": "member.signed_up", "channel": "facebook"},
    ]
)  # fmt: skip


def test_cac_is_spend_over_first_sign_ups_per_channel() -> None:
    spend = pl.DataFrame({"channel": ["facebook", "facebook", "x"], "spend": [100.0, 50.0, 20.0]})
    table = acquisition_cost(SIGN_UPS, spend, until=day(10))
    rows = {r["channel"]: r for r in table.iter_rows(named=True)}
    assert rows["facebook"]["acquisitions"] == 2  # member 2's second sign-up is not a second one
    assert rows["facebook"]["cac"] == pytest.approx(75.0)
    assert rows["referral"]["spend"] is None and rows["referral"]["cac"] is None
    assert rows["x"]["acquisitions"] == 0 and rows["x"]["cac"] is None
    assert "email" not in rows


def test_cac_by_channel_and_initiative() -> None:
    spend = pl.DataFrame(
        {"channel": ["facebook", "facebook"], "initiative_id": [1, 2], "spend": [30, 90]}
    )
    table = acquisition_cost(SIGN_UPS, spend, by=["channel", "initiative_id"], until=day(10))
    cac = {(r["channel"], r["initiative_id"]): r["cac"] for r in table.iter_rows(named=True)}
    assert cac[("facebook", 1)] == 30.0
    assert cac[("facebook", 2)] == 90.0


def test_cac_refuses_negative_or_missing_spend() -> None:
    with pytest.raises(AnalyticsInputError, match="negative"):
        acquisition_cost(SIGN_UPS, pl.DataFrame({"channel": ["x"], "spend": [-1.0]}))
    with pytest.raises(AnalyticsInputError, match="null or NaN"):
        acquisition_cost(SIGN_UPS, pl.DataFrame({"channel": ["x"], "spend": [float("nan")]}))
    with pytest.raises(AnalyticsInputError, match="missing column"):
        acquisition_cost(SIGN_UPS, pl.DataFrame({"channel": ["x"], "cost": [1.0]}))
    with pytest.raises(AnalyticsInputError, match="is String in events but Int64"):
        acquisition_cost(SIGN_UPS, pl.DataFrame({"channel": [1], "spend": [1.0]}))


def test_nps_score_interval_refuses_too_many_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    import tellus.analytics.cx as cx

    monkeypatch.setattr(cx, "MAX_SCORE_GROUPS", 2)
    frame = answers(9, 9, 9, touchpoint=["a", "b", "c"])
    with pytest.raises(AnalyticsInputError, match="use method='wald'"):
        nps(frame, by="touchpoint")
    assert nps(frame, by="touchpoint", method="wald").height == 3
