"""Shared CDNOW data for the CLV tests (a plain module: the tests import it)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import polars as pl

from tellus.analytics.clv import summarize_transactions

CDNOW = Path(__file__).parent / "fixtures" / "cdnow_transactions.csv"
CALIBRATION_END = dt.date(1997, 9, 30)
OBSERVATION_END = dt.date(1998, 6, 30)


@cache
def cdnow_log() -> pl.DataFrame:
    return pl.read_csv(CDNOW, try_parse_dates=True)


@cache
def cdnow_summary() -> pl.DataFrame:
    """The 39-week calibration summary, with the 39-week holdout."""
    return summarize_transactions(
        cdnow_log(),
        customer="customer",
        date="date",
        amount="amount",
        calibration_end=CALIBRATION_END,
        observation_end=OBSERVATION_END,
        time_unit="week",
    ).sort("customer")
