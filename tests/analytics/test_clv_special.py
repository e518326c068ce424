"""Our special functions against SciPy's, and against 40-digit references where
SciPy's own log-beta loses digits (large and small arguments together)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from tellus.analytics.clv import _special

log_uniform = st.floats(min_value=-18.0, max_value=20.0).map(np.exp)


@settings(max_examples=300, deadline=None)
@given(st.lists(log_uniform, min_size=1, max_size=20))
def test_gamma_family_agrees_with_scipy(values: list[float]) -> None:
    x = np.array(values)
    scale = np.maximum(1.0, np.abs(special.gammaln(x)))
    assert np.all(np.abs(_special.gammaln(x) - special.gammaln(x)) <= 1e-13 * scale)
    scale = np.maximum(1.0, np.abs(special.psi(x)))
    assert np.all(np.abs(_special.digamma(x) - special.psi(x)) <= 1e-13 * scale)
    ref = special.polygamma(1, x)
    assert np.all(np.abs(_special.trigamma(x) - ref) <= 1e-13 * ref)


@settings(max_examples=300, deadline=None)
@given(
    st.floats(min_value=1e-4, max_value=1e3),
    st.floats(min_value=1e-4, max_value=1e3),
)
def test_betaln_agrees_with_scipy_and_its_recurrence(a: float, b: float) -> None:
    # SciPy's own log-beta is off by ~1e-12 where the arguments differ widely (see below).
    ref = special.betaln(a, b)
    assert _special.betaln(a, b) == pytest.approx(ref, rel=1e-10, abs=1e-10)
    assert _special.betaln(b, a) == _special.betaln(a, b)
    # B(a, b + 1) = B(a, b) b / (a + b), whichever way each side is computed.
    # (to the rounding of the two values subtracted: 1e-15 of their size)
    here, next_one = float(_special.betaln(a, b)), float(_special.betaln(a, b + 1.0))
    scale = max(1.0, abs(here), abs(next_one))
    assert next_one - here == pytest.approx(np.log(b / (a + b)), rel=1e-12, abs=1e-14 * scale)


@pytest.mark.parametrize(
    ("a", "b", "reference"),
    [
        # log B(a, b) to 20 digits, computed with mpmath at 40 digits.
        (702816.3501355199, 0.13784313860851216, 0.060978599080022067617),
        (0.6, 1.0e6, -7.8910723567093332219),
        (3.5, 250.0, -18.141570015697508627),
        (1e-5, 40.0, 11.512882929620819522),
    ],
)
def test_betaln_keeps_its_digits_where_arguments_differ_widely(
    a: float, b: float, reference: float
) -> None:
    assert float(_special.betaln(a, b)) == pytest.approx(reference, rel=1e-14)


def test_shapes_logistic_and_domain() -> None:
    assert np.shape(_special.gammaln(2.5)) == ()
    assert _special.digamma(np.ones((2, 3))).shape == (2, 3)
    x = np.array([-800.0, -30.0, 0.0, 30.0, 800.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert np.allclose(_special.expit(x), special.expit(x), rtol=1e-15, atol=0)
    for f in (_special.gammaln, _special.digamma, _special.trigamma):
        assert np.all(np.isnan(f(np.array([0.0, -1.5, np.nan]))))


def test_the_clv_command_does_not_load_scipy() -> None:
    """SciPy's import is a sixteenth of a whole `clv predict` run (benchmarks/clv)."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, tellus.analytics.cli; print('scipy' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert loaded == "False"
