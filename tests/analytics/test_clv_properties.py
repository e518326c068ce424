"""Properties every valid input must have (hypothesis), and the maths checked
against independent evaluations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import hyp2f1

from tellus.analytics.clv import bgnbd, gamma_gamma, pnbd
from tellus.analytics.clv._hyp2f1 import series_1cz, series_general

positive = st.floats(min_value=0.01, max_value=50.0)
BG = st.fixed_dictionaries({"r": positive, "alpha": positive, "a": positive, "b": positive})
PN = st.fixed_dictionaries({"r": positive, "alpha": positive, "s": positive, "beta": positive})
GG = st.fixed_dictionaries(
    {"p": positive, "q": st.floats(min_value=1.05, max_value=50.0), "gamma": positive}
)


@st.composite
def customer(draw: st.DrawFn, max_x: int = 2000) -> tuple[float, float, float]:
    """A valid summary: frequency, recency <= T, recency 0 when frequency 0."""
    T = draw(st.floats(min_value=0.0, max_value=500.0))
    x = draw(st.integers(min_value=0, max_value=max_x))
    if x == 0 or T == 0:
        return 0.0, 0.0, T
    tx = draw(st.floats(min_value=1e-6, max_value=1.0)) * T
    return float(x), tx, T


def arrays(c: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.array([c[0]]), np.array([c[1]]), np.array([c[2]])


@settings(max_examples=150, deadline=None)
@given(BG, customer())
def test_bgnbd_likelihood_is_finite(
    params: dict[str, float], c: tuple[float, float, float]
) -> None:
    assert np.isfinite(bgnbd.log_likelihood(params, *arrays(c))).all()


@settings(max_examples=150, deadline=None)
@given(PN, customer())
def test_pnbd_likelihood_is_finite(params: dict[str, float], c: tuple[float, float, float]) -> None:
    assert np.isfinite(pnbd.log_likelihood(params, *arrays(c))).all()


@settings(max_examples=100, deadline=None)
@given(GG, st.integers(min_value=1, max_value=5000), st.floats(min_value=0.01, max_value=1e6))
def test_gamma_gamma_likelihood_is_finite(params: dict[str, float], x: int, m: float) -> None:
    assert np.isfinite(gamma_gamma.log_likelihood(params, np.array([x]), np.array([m]))).all()


@settings(max_examples=120, deadline=None)
@given(
    st.sampled_from(["bgnbd", "pnbd"]),
    st.data(),
    customer(max_x=500),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_more_recent_activity_never_lowers_p_alive(
    model: str, data: st.DataObject, c: tuple[float, float, float], later: float
) -> None:
    params = data.draw(BG if model == "bgnbd" else PN)
    x, tx, T = c
    if x == 0:
        return
    module = bgnbd if model == "bgnbd" else pnbd
    recent = tx + later * (T - tx)
    p_old = module.p_alive(params, np.array([x]), np.array([tx]), np.array([T]))[0]
    p_new = module.p_alive(params, np.array([x]), np.array([recent]), np.array([T]))[0]
    assert p_new >= p_old * (1 - 1e-9) - 1e-12


@settings(max_examples=120, deadline=None)
@given(
    st.sampled_from(["bgnbd", "pnbd"]),
    st.data(),
    st.integers(min_value=1, max_value=300),
    st.integers(min_value=1, max_value=50),
    st.floats(min_value=0.1, max_value=300.0),
    st.floats(min_value=0.1, max_value=200.0),
)
def test_more_trips_never_lower_expected_trips(
    model: str, data: st.DataObject, x: int, more: int, T: float, horizon: float
) -> None:
    """Among visitors who are active now (last trip at the end of the calibration
    period), more trips mean more expected trips. With the last trip long ago the
    models rightly say otherwise: a visitor who used to come often and stopped is
    more likely to have dropped out than one who always came rarely."""
    params = data.draw(BG if model == "bgnbd" else PN)
    module = bgnbd if model == "bgnbd" else pnbd

    def trips(n: int) -> float:
        xa, ta = np.array([float(n)]), np.array([T])
        alive = module.p_alive(params, xa, ta, ta)[0]
        return float(alive * module.alive_trips_factor(params, xa, ta, horizon)[0])

    low, high = trips(x), trips(x + more)
    assert np.isfinite(low) and np.isfinite(high)
    assert high >= low * (1 - 1e-9)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["bgnbd", "pnbd"]), st.data(), customer(max_x=300), st.floats(0.1, 100.0))
def test_expected_trips_grow_with_the_horizon(
    model: str, data: st.DataObject, c: tuple[float, float, float], horizon: float
) -> None:
    params = data.draw(BG if model == "bgnbd" else PN)
    module = bgnbd if model == "bgnbd" else pnbd
    x, _, T = arrays(c)
    short = module.alive_trips_factor(params, x, T, horizon)[0]
    long = module.alive_trips_factor(params, x, T, 2 * horizon)[0]
    assert 0 <= short <= long * (1 + 1e-9)


@pytest.mark.parametrize(
    ("c0", "m1", "z"),
    [(0.5, 2.0, 0.3), (3.2, 5.0, 0.9), (50.0, 60.0, 0.99), (0.7, 300.0, 0.5), (250.0, 251.6, 0.2)],
)
def test_series_matches_scipy_where_scipy_is_reliable(c0: float, m1: float, z: float) -> None:
    log_s, d_c, d_m, d_z = series_1cz(np.array([c0]), np.array([m1]), np.array([z]))
    assert np.exp(log_s[0]) == pytest.approx(hyp2f1(1.0, c0, m1, z), rel=1e-12)
    h = 1e-6
    for got, delta in ((d_c, (h, 0, 0)), (d_m, (0, h, 0)), (d_z, (0, 0, h))):
        up = series_1cz(
            np.array([c0 + delta[0]]), np.array([m1 + delta[1]]), np.array([z + delta[2]])
        )[0]
        down = series_1cz(
            np.array([c0 - delta[0]]), np.array([m1 - delta[1]]), np.array([z - delta[2]])
        )[0]
        assert got[0] == pytest.approx((up[0] - down[0]) / (2 * h), rel=1e-5, abs=1e-9)
    assert series_general(np.array([0.3]), np.array([-0.2]), np.array([3.0]), np.array([z]))[
        0
    ] == pytest.approx(hyp2f1(0.3, -0.2, 3.0, z), rel=1e-12)


def test_pnbd_survives_heavy_buyers_where_scipy_fails() -> None:
    # Frequent buyers with a long history: scipy's hyp2f1 gives inf/NaN here.
    params = {"r": 0.5143, "alpha": 2.8845, "s": 0.2856, "beta": 14.1087}
    x = np.array([221.0, 254.0, 161.0, 204.0, 3000.0])
    tx = np.array([103.42857, 97.14286, 94.71429, 98.57143, 50.0])
    T = np.array([103.57143, 97.28571, 98.0, 99.42857, 400.0])
    ll = pnbd.log_likelihood(params, x, tx, T)
    alive = pnbd.p_alive(params, x, tx, T)
    assert np.isfinite(ll).all()
    assert ((alive >= 0) & (alive <= 1)).all()
    assert alive[4] < 1e-6  # 3000 trips, then silence for 350 weeks: gone
    assert alive[0] > 0.9  # a trip a few days ago


def test_bgnbd_conditional_expectation_agrees_with_the_paper_formula() -> None:
    """FHL 2005 eq. 10 evaluated directly with scipy (fine for these modest values)."""
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    r, alpha, a, b = params.values()
    x = np.array([0.0, 1.0, 2.0, 7.0, 15.0])
    tx = np.array([0.0, 1.7, 30.4, 35.0, 38.0])
    T = np.array([38.86, 38.86, 38.86, 38.86, 38.86])
    t = 39.0
    z = t / (alpha + T + t)
    f = hyp2f1(r + x, b + x, a + b + x - 1, z)
    num = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * f)
    den = 1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x)
    ours = bgnbd.p_alive(params, x, tx, T) * bgnbd.alive_trips_factor(params, x, T, t)
    assert ours == pytest.approx(num / den, rel=1e-10)


@pytest.mark.parametrize(
    "params",
    [
        {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},  # CDNOW: Euler's form
        {"r": 0.897, "alpha": 33.28, "a": 3339.0, "b": 6.9e-7},  # a fit on little data: as written
        {"r": 2.0, "alpha": 10.0, "a": 40.0, "b": 80.0},  # each form for some frequencies
    ],
)
def test_expected_trips_of_the_alive_agree_with_the_paper_formula(
    params: dict[str, float],
) -> None:
    """Both ways of summing the series give FHL 2005 eq. 10, and neither overflows."""
    r, alpha, a, b = params.values()
    x = np.array([0.0, 1.0, 2.0, 5.0, 30.0, 200.0])
    T = np.array([1.0, 10.0, 38.0, 52.0, 80.0, 104.0])
    t = 52.0
    z = t / (alpha + T + t)
    expected = (
        (a + b + x - 1)
        / (a - 1)
        * (1 - (1 - z) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z))
    )
    with np.errstate(all="raise"):
        ours = bgnbd.alive_trips_factor(params, x, T, t)
    assert ours == pytest.approx(expected, rel=1e-9)


def test_pnbd_p_alive_agrees_with_the_closed_form() -> None:
    """Fader and Hardie's note eq. 18 with scipy's hyp2f1, for modest values."""
    params = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
    r, alpha, s, beta = params.values()
    x = np.array([1.0, 2.0, 5.0])
    tx = np.array([5.0, 20.0, 37.0])
    T = np.array([38.86, 38.86, 38.86])
    m = r + s + x
    z = lambda t: (beta - alpha) / (beta + t)  # noqa: E731  (alpha < beta here)
    a0 = (
        hyp2f1(m, r + x, m + 1, z(tx)) / (beta + tx) ** m
        - hyp2f1(m, r + x, m + 1, z(T)) / (beta + T) ** m
    )
    expected = 1 / (1 + s / m * (alpha + T) ** (r + x) * (beta + T) ** s * a0)
    assert pnbd.p_alive(params, x, tx, T) == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("module", [bgnbd, pnbd, gamma_gamma])
def test_analytic_gradient_matches_finite_differences(module: object) -> None:
    rng = np.random.default_rng(3)
    x = rng.integers(0, 30, 400).astype(float)
    T = rng.uniform(1, 60, 400)
    tx = np.where(x > 0, rng.uniform(0.05, 1, 400) * T, 0.0)
    if module is gamma_gamma:
        data = module._prepare(
            x[x > 0], rng.uniform(5, 80, int((x > 0).sum())), np.ones(int((x > 0).sum()))
        )
        theta = np.array([4.0, 3.0, 12.0])
    else:
        data = module._prepare(x, tx, T)
        theta = (
            np.array([0.4, 6.0, 0.8, 2.5]) if module is bgnbd else np.array([0.5, 9.0, 0.7, 13.0])
        )
    objective = module._objective(data)
    _, grad, hess = objective(theta, True)
    for j in range(theta.size):
        step = np.zeros(theta.size)
        step[j] = 1e-6 * theta[j]
        numeric = (objective(theta + step, False)[0] - objective(theta - step, False)[0]) / (
            2 * step[j]
        )
        assert grad[j] == pytest.approx(numeric, rel=1e-5, abs=1e-6)
    if hess is not None:
        for j in range(theta.size):
            step = np.zeros(theta.size)
            step[j] = 1e-6 * theta[j]
            numeric = (objective(theta + step, False)[1] - objective(theta - step, False)[1]) / (
                2 * step[j]
            )
            assert hess[:, j] == pytest.approx(numeric, rel=1e-4, abs=1e-4)
