"""Retention and churn cohorts, and acquisition cost: known answers and refusals."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tellus.analytics.retention import acquisition_cost, cohort_retention
from tellus.analytics.validation import AnalyticsInputError
from tests.analytics.engagement_log import day, log

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
