"""The CDNOW estimates published with each model, to the digits printed there.

BG/NBD: Fader, Hardie and Lee (2005), "Counting your customers the easy way",
Marketing Science 24(2): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.
Pareto/NBD on the same data (reported beside it, and in Fader and Hardie's
implementation note): r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669, LL = -9595.0.
Gamma-Gamma: Fader and Hardie (2013), "The Gamma-Gamma Model of Monetary Value",
946 repeat customers: p = 6.25, q = 3.74, gamma = 15.44.
"""

from __future__ import annotations

import pytest

from tellus.analytics.clv import fit_spend, fit_trips

from .clv_data import cdnow_summary


def printed(value: float, digits: int) -> float:
    return round(value, digits)


def test_summary_matches_the_published_cdnow_summary() -> None:
    summary = cdnow_summary()
    assert summary.height == 2357
    assert (summary["frequency"] > 0).sum() == 946
    assert summary["T"].max() == pytest.approx(38.86, abs=0.005)  # 272 days / 7
    first = summary.row(0, named=True)  # customer 1: x = 2, t_x = 30.43, T = 38.86, zbar = 22.35
    assert (first["frequency"], round(first["recency"], 2), round(first["T"], 2)) == (
        2,
        30.43,
        38.86,
    )
    assert first["monetary_value"] == pytest.approx(22.345)
    assert summary["duration_holdout"][0] == 39.0


def test_bgnbd_matches_fader_hardie_lee_2005() -> None:
    fit = fit_trips(cdnow_summary(), "bgnbd", time_unit="week")
    got = {k: printed(v, 3) for k, v in fit.params.items()}
    assert got == {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert printed(fit.log_likelihood, 1) == -9582.4
    assert fit.converged
    assert fit.n_customers == 2357
    assert fit.n_patterns < 2357  # identical summaries fitted once


def test_pnbd_matches_the_published_estimates() -> None:
    fit = fit_trips(cdnow_summary(), "pnbd", time_unit="week")
    got = {k: printed(v, 3) for k, v in fit.params.items()}
    assert got == {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
    assert printed(fit.log_likelihood, 1) == -9595.0
    assert fit.converged


def test_gamma_gamma_matches_fader_hardie_2013() -> None:
    fit = fit_spend(cdnow_summary())
    got = {k: printed(v, 2) for k, v in fit.params.items()}
    assert got == {"p": 6.25, "q": 3.74, "gamma": 15.44}
    assert fit.n_customers == 946


def test_standard_errors_are_those_of_the_inverse_hessian() -> None:
    # As the R package CLVTools reports them for the same fit:
    # r 0.0476, alpha 0.843, s 0.187, beta 6.21.
    fit = fit_trips(cdnow_summary(), "pnbd")
    se = {k: round(v, 3) for k, v in fit.standard_errors.items()}
    assert se["r"] == pytest.approx(0.048, abs=0.001)
    assert se["alpha"] == pytest.approx(0.843, abs=0.001)
    assert se["s"] == pytest.approx(0.187, abs=0.001)
    assert se["beta"] == pytest.approx(6.21, abs=0.01)
