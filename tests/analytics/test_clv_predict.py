"""Predictions, discounted CLV, the holdout check and recovery of known parameters."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import numpy as np
import polars as pl
import pytest

from tellus.analytics.clv import (
    expected_trips,
    fit_spend,
    fit_trips,
    holdout_chart_svg,
    holdout_table,
    predict,
    simulate_transactions,
    summarize_transactions,
)

from .clv_data import cdnow_summary


@pytest.fixture(scope="module")
def fitted() -> tuple[pl.DataFrame, object, object]:
    summary = cdnow_summary()
    return summary, fit_trips(summary, "bgnbd", time_unit="week"), fit_spend(summary)


def test_predictions_have_sensible_ranges(fitted: tuple) -> None:
    summary, trips, spend = fitted
    out = predict(summary, trips, spend, horizon=52, discount_rate=0.1)
    assert out.columns[: summary.width] == summary.columns  # the key and summary come along
    assert out["p_alive"].is_between(0, 1).all()
    assert (out["expected_trips"] >= 0).all()
    assert (out["expected_spend"] > 0).all()
    # No repeat trip yet: the spend forecast is the population mean p gamma / (q - 1).
    p, q, g = spend.params.values()
    newcomer = out.filter(pl.col("frequency") == 0)["expected_spend"]
    assert newcomer.to_numpy() == pytest.approx(p * g / (q - 1))
    # Shrinkage: heavy repeat spenders are pulled toward the mean, but stay above it.
    big = out.filter(pl.col("frequency") >= 5).sort("monetary_value").tail(1).row(0, named=True)
    assert p * g / (q - 1) < big["expected_spend"] < big["monetary_value"]


def test_undiscounted_clv_is_trips_times_spend(fitted: tuple) -> None:
    summary, trips, spend = fitted
    out = predict(summary, trips, spend, horizon=52, discount_rate=0.0)
    assert out["clv"].to_numpy() == pytest.approx(
        (out["expected_trips"] * out["expected_spend"]).to_numpy(), rel=1e-9
    )
    discounted = predict(summary, trips, spend, horizon=52, discount_rate=0.1)["clv"].to_numpy()
    ratio = discounted / out["clv"].to_numpy()
    assert ((ratio < 1) & (ratio > 1.1**-1)).all()  # every trip is less than a year away
    longer = predict(summary, trips, spend, horizon=104, discount_rate=0.1)["clv"].to_numpy()
    assert (longer > discounted).all()


def test_expected_trips_match_the_predictions(fitted: tuple) -> None:
    summary, trips, spend = fitted
    out = predict(summary, trips, spend, horizon=39, discount_rate=0.05)
    assert expected_trips(summary, trips, 39) == pytest.approx(out["expected_trips"].to_numpy())


def test_holdout_check_on_cdnow(fitted: tuple) -> None:
    summary, trips, _ = fitted
    table = holdout_table(summary, trips)
    assert table["frequency"].to_list() == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["customers"].sum() == 2357
    # Actual holdout trips add up to the data's; predictions follow them closely
    # (FHL 2005, figure 4: within a few tenths of a trip in every group).
    actual_total = float((table["actual"] * table["customers"]).sum())
    assert actual_total == summary["frequency_holdout"].sum()
    assert (table["predicted"] - table["actual"]).abs().max() < 0.4
    predicted_total = float((table["predicted"] * table["customers"]).sum())
    assert predicted_total == pytest.approx(actual_total, rel=0.15)
    svg = holdout_chart_svg(table)
    root = ET.fromstring(svg)  # noqa: S314  (our own output)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title") is not None
    assert len(root.findall(f"{ns}polyline")) == 2
    assert "7+ repeat trips: actual 6.36" in svg


def test_pnbd_predictions(fitted: tuple) -> None:
    summary, _, spend = fitted
    trips = fit_trips(summary, "pnbd", time_unit="week")
    out = predict(summary, trips, spend, horizon=39)
    assert out["p_alive"].is_between(0, 1).all()
    table = holdout_table(summary, trips)
    assert (table["predicted"] - table["actual"]).abs().max() < 0.4


def test_fit_recovers_simulated_parameters() -> None:
    truth = {"r": 0.8, "alpha": 5.0, "a": 0.7, "b": 4.0, "p": 6.0, "q": 4.0, "gamma": 16.0}
    log = simulate_transactions(20_000, seed=7, **truth)
    assert log.columns == ["customer_id", "date", "amount"]
    summary = summarize_transactions(log, amount="amount", time_unit="week")
    assert summary.height == 20_000
    trips = fit_trips(summary, "bgnbd")
    spend = fit_spend(summary)
    for name, value in {**trips.params, **spend.params}.items():
        se = {**trips.standard_errors, **spend.standard_errors}[name]
        # Trips are recorded by day: allow for that rounding beside sampling error.
        assert abs(value - truth[name]) < 4 * se + 0.05 * truth[name], name


def test_weights_equal_repeated_rows() -> None:
    summary = cdnow_summary().select("frequency", "recency", "T")
    counted = summary.group_by("frequency", "recency", "T").agg(pl.len().alias("n"))
    a = fit_trips(summary, "bgnbd")
    b = fit_trips(counted, "bgnbd", weights="n")
    assert b.n_customers == a.n_customers == 2357
    for name in a.params:
        assert b.params[name] == pytest.approx(a.params[name], rel=1e-7)
    assert b.log_likelihood == pytest.approx(a.log_likelihood, rel=1e-12)


def test_spend_weights_equal_repeated_rows() -> None:
    summary = cdnow_summary().select("frequency", "recency", "T", "monetary_value")
    doubled = pl.concat([summary, summary])
    a = fit_spend(summary, weights=None)
    b = fit_spend(doubled)
    c = fit_spend(summary.with_columns(n=pl.lit(2.0)), weights="n")
    assert b.n_patterns == a.n_patterns < 946  # copies, and equal summaries, are merged
    assert b.n_customers == c.n_customers == 2 * 946
    for name in a.params:
        assert b.params[name] == pytest.approx(a.params[name], rel=1e-7)
        assert c.params[name] == pytest.approx(a.params[name], rel=1e-7)
    assert b.log_likelihood == pytest.approx(2 * a.log_likelihood, rel=1e-12)


def test_simulated_log_is_reproducible() -> None:
    one = simulate_transactions(500, r=1, alpha=4, a=0.5, b=5, p=6, q=4, gamma=16, seed=3)
    two = simulate_transactions(500, r=1, alpha=4, a=0.5, b=5, p=6, q=4, gamma=16, seed=3)
    assert one.equals(two)
    assert np.all(one["amount"].to_numpy() > 0)
