"""Malformed input is refused with a message that names the problem."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tellus.analytics.clv import (
    fit_spend,
    fit_trips,
    holdout_table,
    predict,
    simulate_transactions,
    summarize_transactions,
)
from tellus.analytics.validation import AnalyticsInputError

from .clv_data import cdnow_summary

GOOD = pl.DataFrame(
    {
        "frequency": [0, 2, 5, 1],
        "recency": [0.0, 10.0, 30.0, 3.0],
        "T": [20.0, 30.0, 31.0, 40.0],
        "monetary_value": [0.0, 12.5, 40.0, 8.0],
    }
)


def refused(frame: object, match: str, *, spend: bool = False) -> None:
    with pytest.raises(AnalyticsInputError, match=match):
        if spend:
            fit_spend(frame)  # type: ignore[arg-type]
        else:
            fit_trips(frame)  # type: ignore[arg-type]


def test_missing_column() -> None:
    refused(GOOD.drop("recency"), "missing column.*'recency'")
    refused(GOOD.drop("monetary_value"), "missing column.*'monetary_value'", spend=True)


def test_not_a_dataframe() -> None:
    refused({"frequency": [1]}, "must be a polars DataFrame")


def test_wrong_type() -> None:
    refused(GOOD.with_columns(pl.col("T").cast(pl.String)), "'T' must be numeric")


def test_negative_durations() -> None:
    refused(GOOD.with_columns(pl.Series("T", [20.0, -1.0, 31.0, 40.0])), "'T' has negative")
    refused(
        GOOD.with_columns(pl.Series("recency", [0.0, -2.0, 30.0, 3.0])), "'recency' has negative"
    )


def test_recency_greater_than_age() -> None:
    refused(
        GOOD.with_columns(pl.Series("recency", [0.0, 10.0, 32.0, 3.0])),
        "'recency' is greater than 'T'",
    )


def test_nan_and_null() -> None:
    refused(GOOD.with_columns(pl.Series("T", [20.0, float("nan"), 31.0, 40.0])), "NaN")
    refused(GOOD.with_columns(pl.Series("recency", [0.0, None, 30.0, 3.0])), "null")
    refused(GOOD.with_columns(pl.Series("T", [20.0, float("inf"), 31.0, 40.0])), "infinite")


def test_frequency_zero_with_recency() -> None:
    refused(
        GOOD.with_columns(pl.Series("recency", [5.0, 10.0, 30.0, 3.0])),
        "frequency 0 but recency > 0",
    )


def test_repeat_trips_with_zero_recency() -> None:
    refused(GOOD.with_columns(pl.Series("recency", [0.0, 0.0, 30.0, 3.0])), "recency 0")


def test_fractional_frequency() -> None:
    refused(GOOD.with_columns(pl.Series("frequency", [0.0, 2.5, 5.0, 1.0])), "whole number")


def test_empty_and_no_repeat() -> None:
    refused(GOOD.head(0), "no rows")
    refused(GOOD.filter(pl.col("frequency") == 0), "no customer has a repeat trip")


def test_non_positive_spend() -> None:
    refused(
        GOOD.with_columns(pl.Series("monetary_value", [0.0, 0.0, 40.0, 8.0])),
        "monetary_value <= 0",
        spend=True,
    )


def test_unknown_model() -> None:
    with pytest.raises(AnalyticsInputError, match="model must be one of"):
        fit_trips(GOOD, "weibull")


def test_transaction_log_checks() -> None:
    log = pl.DataFrame(
        {
            "who": [1, 1, 2],
            "day": [dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 1, 5)],
            "spend": [5.0, 7.0, 3.0],
        }
    )
    with pytest.raises(AnalyticsInputError, match=r"missing column.*'customer_id'"):
        summarize_transactions(log)
    with pytest.raises(AnalyticsInputError, match="must hold dates"):
        summarize_transactions(
            log.with_columns(pl.col("day").cast(pl.String)), customer="who", date="day"
        )
    with pytest.raises(AnalyticsInputError, match="negative"):
        summarize_transactions(
            log.with_columns(pl.Series("spend", [5.0, -7.0, 3.0])),
            customer="who",
            date="day",
            amount="spend",
        )
    with pytest.raises(AnalyticsInputError, match="NaN"):
        summarize_transactions(
            log.with_columns(pl.Series("spend", [5.0, float("nan"), 3.0])),
            customer="who",
            date="day",
            amount="spend",
        )
    with pytest.raises(AnalyticsInputError, match="null customer"):
        summarize_transactions(
            log.with_columns(pl.Series("who", [1, None, 2])), customer="who", date="day"
        )
    with pytest.raises(AnalyticsInputError, match="null dates"):
        summarize_transactions(
            log.with_columns(pl.Series("day", [dt.date(2024, 1, 1), None, None])),
            customer="who",
            date="day",
        )
    with pytest.raises(AnalyticsInputError, match="before the first transaction"):
        summarize_transactions(log, customer="who", date="day", calibration_end=dt.date(2023, 1, 1))
    with pytest.raises(AnalyticsInputError, match="must be before the observation end"):
        summarize_transactions(log, customer="who", date="day", calibration_end=dt.date(2024, 3, 1))
    with pytest.raises(AnalyticsInputError, match="time_unit"):
        summarize_transactions(log, customer="who", date="day", time_unit="month")  # type: ignore[arg-type]
    with pytest.raises(AnalyticsInputError, match="empty"):
        summarize_transactions(log.head(0), customer="who", date="day")


def test_summary_of_a_small_log() -> None:
    log = pl.DataFrame(
        {
            "who": ["a", "a", "a", "a", "b", "c"],
            "day": [
                dt.datetime(2024, 1, 1, 9),
                dt.datetime(2024, 1, 1, 18),
                dt.datetime(2024, 1, 15),
                dt.datetime(2024, 3, 1),
                dt.datetime(2024, 1, 29),
                dt.datetime(2024, 2, 26),
            ],
            "spend": [10.0, 5.0, 20.0, 30.0, 8.0, 9.0],
        }
    )
    s = summarize_transactions(
        log, customer="who", date="day", amount="spend", calibration_end=dt.date(2024, 2, 26)
    ).sort("who")
    a, b, c = s.rows(named=True)
    # Two trips on 1 January are one trip; the first day's spend is not a repeat's.
    assert (a["frequency"], a["recency"], a["T"], a["monetary_value"]) == (1, 2.0, 8.0, 20.0)
    assert (a["frequency_holdout"], a["monetary_value_holdout"], a["duration_holdout"]) == (
        1,
        30.0,
        4 / 7,
    )  # 2024 is a leap year
    assert (b["frequency"], b["recency"], b["T"], b["monetary_value"]) == (0, 0.0, 4.0, 0.0)
    assert (c["frequency"], c["T"]) == (0, 0.0)
    days = summarize_transactions(log, customer="who", date="day", time_unit="day").sort("who")
    assert days.row(0, named=True)["T"] == 60.0  # 1 January to 1 March 2024


def test_prediction_arguments() -> None:
    trips = fit_trips(cdnow_summary(), time_unit="week")
    summary = cdnow_summary()
    with pytest.raises(AnalyticsInputError, match="horizon"):
        predict(summary, trips, horizon=0)
    with pytest.raises(AnalyticsInputError, match="horizon"):
        predict(summary, trips, horizon=float("nan"))
    with pytest.raises(AnalyticsInputError, match="discount_rate"):
        predict(summary, trips, horizon=10, discount_rate=-0.1)
    with pytest.raises(AnalyticsInputError, match="fitted in weeks"):
        predict(summary, trips, horizon=10, time_unit="day")
    with pytest.raises(AnalyticsInputError, match="steps"):
        predict(summary, trips, horizon=1e9)
    with pytest.raises(AnalyticsInputError, match="spend model must be 'gg'"):
        predict(summary, trips, trips, horizon=10)
    with pytest.raises(AnalyticsInputError, match="frequency_holdout"):
        holdout_table(summary.drop("frequency_holdout"), trips)


def test_simulator_arguments() -> None:
    with pytest.raises(AnalyticsInputError, match="n_customers"):
        simulate_transactions(0, r=1, alpha=1, a=1, b=1)
    with pytest.raises(AnalyticsInputError, match="alpha must be a positive"):
        simulate_transactions(10, r=1, alpha=-1, a=1, b=1)
    with pytest.raises(AnalyticsInputError, match="p, q and gamma"):
        simulate_transactions(10, r=1, alpha=1, a=1, b=1, p=2.0)
    assert np.all(
        simulate_transactions(50, r=1, alpha=1, a=1, b=1, seed=1)["customer_id"].unique().len()
        == 50
    )


def test_lazy_log_gives_the_same_summary() -> None:
    from .clv_data import CDNOW

    lazy = pl.scan_csv(CDNOW, schema_overrides={"date": pl.Date})
    eager = pl.read_csv(CDNOW, try_parse_dates=True)
    kwargs = {"customer": "customer", "date": "date", "amount": "amount"}
    one = summarize_transactions(lazy, **kwargs).sort("customer")
    two = summarize_transactions(eager, **kwargs).sort("customer")
    assert one.equals(two)
    # With a calibration end the lazy log is collected and summarised the same way.
    cal = {"calibration_end": dt.date(1997, 9, 30)}
    assert (
        summarize_transactions(lazy, **kwargs, **cal)
        .sort("customer")
        .equals(summarize_transactions(eager, **kwargs, **cal).sort("customer"))
    )


def test_lazy_log_checks() -> None:
    log = pl.DataFrame(
        {"who": [1, 1, 2], "day": [dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 1, 5)]}
    )
    cases = [
        (log.with_columns(spend=pl.Series([5.0, -7.0, 3.0])), "negative"),
        (log.with_columns(spend=pl.Series([5.0, float("nan"), 3.0])), "NaN"),
        (log.with_columns(spend=pl.Series([5.0, None, 3.0])), "null"),
        (log.with_columns(who=pl.Series([1, None, 2]), spend=pl.lit(1.0)), "null customer"),
        (log.with_columns(spend=pl.lit("x")), "must be numeric"),
        (log.with_columns(spend=pl.lit(1.0)).head(0), "empty"),
        (log.with_columns(spend=pl.lit(1.0)).drop("day"), "missing column"),
    ]
    for frame, message in cases:
        with pytest.raises(AnalyticsInputError, match=message):
            summarize_transactions(frame.lazy(), customer="who", date="day", amount="spend")


def _summary_by_hand(rows: list[tuple[object, dt.date, float]], end: dt.date) -> dict:
    """Each customer's frequency, recency and T in days and mean repeat spend,
    computed the slow, obvious way: a dict of trip days per customer."""
    trips: dict[object, dict[dt.date, float]] = {}
    for who, day, spend in rows:
        days = trips.setdefault(who, {})
        days[day] = days.get(day, 0.0) + spend
    out = {}
    for who, days in trips.items():
        ordered = sorted(days)
        repeat = [days[d] for d in ordered[1:]]
        out[who] = (
            len(ordered) - 1,
            float((ordered[-1] - ordered[0]).days),
            float((end - ordered[0]).days),
            sum(repeat) / len(repeat) if repeat else 0.0,
        )
    return out


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=6),
            st.integers(min_value=0, max_value=40),
            st.integers(min_value=0, max_value=5000),
        ),
        min_size=1,
        max_size=60,
    ),
    st.sampled_from(["int", "str"]),
    st.sampled_from(["as given", "sorted", "reversed"]),
    st.booleans(),
)
def test_summary_matches_a_summary_by_hand(
    raw: list[tuple[int, int, int]], key_type: str, order: str, lazy: bool
) -> None:
    """Sorted or not, with several transactions on one day, integer or text keys,
    eager or lazy: the summary is the one counted by hand."""
    start = dt.date(2024, 1, 1)
    rows = [
        (who if key_type == "int" else f"c{who}", start + dt.timedelta(days=d), cents / 100)
        for who, d, cents in raw
    ]
    if order != "as given":
        rows.sort(key=lambda r: (str(r[0]), r[1]), reverse=order == "reversed")
    log = pl.DataFrame(rows, schema=["who", "day", "spend"], orient="row")
    source = log.lazy() if lazy else log
    summary = summarize_transactions(
        source, customer="who", date="day", amount="spend", time_unit="day"
    )
    expected = _summary_by_hand(rows, max(r[1] for r in rows))
    assert summary.height == len(expected)
    for who, frequency, recency, age, spend in summary.iter_rows():
        x, tx, T, m = expected[who]
        assert (frequency, recency, T) == (x, tx, age)
        assert spend == pytest.approx(m, rel=1e-12, abs=1e-12)
