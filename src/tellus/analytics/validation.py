"""Input checks shared by the analytics functions.

Every public function refuses malformed input with a clear message rather than
returning nonsense; these helpers keep those messages consistent.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl


class AnalyticsInputError(ValueError):
    """Input data does not have the shape, types or values a function documents."""


def require_columns(frame: pl.DataFrame, columns: Iterable[str], *, what: str = "input") -> None:
    """Fail with the names of the columns that are missing."""
    if not isinstance(frame, pl.DataFrame):
        raise AnalyticsInputError(f"{what} must be a polars DataFrame, not {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AnalyticsInputError(
            f"{what} is missing column(s) {', '.join(repr(c) for c in missing)}; "
            f"it has {', '.join(repr(c) for c in frame.columns) or 'none'}"
        )


def require_numeric(
    frame: pl.DataFrame,
    columns: Iterable[str],
    *,
    what: str = "input",
    non_negative: bool = False,
) -> None:
    """Fail when a column is not numeric, holds nulls or NaN, or (optionally) a negative value."""
    for column in columns:
        series = frame.get_column(column)
        if not series.dtype.is_numeric():
            raise AnalyticsInputError(
                f"{what}: column {column!r} must be numeric, not {series.dtype}"
            )
        if series.null_count():
            raise AnalyticsInputError(f"{what}: column {column!r} has {series.null_count()} null(s)")
        if series.dtype.is_float() and series.is_nan().any():
            raise AnalyticsInputError(f"{what}: column {column!r} has NaN value(s)")
        if non_negative and len(series) and series.min() < 0:  # type: ignore[operator]
            raise AnalyticsInputError(f"{what}: column {column!r} has negative value(s)")
