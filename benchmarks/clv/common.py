"""Settings shared by the CLV benchmark scripts (ours and the peers')."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / ".bench" / "clv"
DATA = BENCH / "data"
LIFETIMES_PY = BENCH / "lifetimes-venv" / "bin" / "python"
PYMC_PY = BENCH / "pymc-venv" / "bin" / "python"

# True parameters of the simulated log, in weeks (close to the CDNOW estimates in
# shape, with more trips per customer so that 1,000,000 customers make > 10M rows).
TRUE = {"r": 1.0, "alpha": 4.5, "a": 0.6, "b": 6.0, "p": 6.0, "q": 4.0, "gamma": 16.0}
SPAN_WEEKS = 104.0
BIRTH_SPAN_WEEKS = 52.0
SIZES = (100_000, 300_000, 1_000_000)

# Prediction settings used by every job: one year ahead, 10 % a year.
HORIZON_WEEKS = 52.0
ANNUAL_DISCOUNT = 0.10
MONTHLY_DISCOUNT = (1 + ANNUAL_DISCOUNT) ** (1 / 12) - 1


def log_path(n: int) -> Path:
    return DATA / f"log_{n}.csv"


def summary_path(n: int) -> Path:
    return DATA / f"summary_{n}.csv"
