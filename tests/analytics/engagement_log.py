"""A tiny engagement log builder shared by the engagement value analytics tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl

from tellus.analytics import EVENT_SCHEMA

UTC = dt.UTC
START = dt.datetime(2024, 1, 1, tzinfo=UTC)

SCHEMA = EVENT_SCHEMA


def day(n: float) -> dt.datetime:
    """``n`` days after the first of January 2024, UTC."""
    return START + dt.timedelta(days=n)


def log(rows: Sequence[dict[str, Any]]) -> pl.DataFrame:
    """An engagement log with the exported schema; rows give ``day`` instead of ``occurred_at``."""
    records = []
    for i, row in enumerate(rows, start=1):
        record: dict[str, Any] = dict.fromkeys(SCHEMA)
        record["event_id"] = i
        record.update({k: v for k, v in row.items() if k != "day"})
        record["occurred_at"] = day(row["day"])
        records.append(record)
    return pl.DataFrame(records, schema=SCHEMA)
