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
            raise AnalyticsInputError(
                f"{what}: column {column!r} has {series.null_count()} null(s)"
            )
        if series.dtype.is_float() and series.is_nan().any():
            raise AnalyticsInputError(f"{what}: column {column!r} has NaN value(s)")
        if non_negative and len(series) and series.min() < 0:  # type: ignore[operator]
            raise AnalyticsInputError(f"{what}: column {column!r} has negative value(s)")


def require_datetime(frame: pl.DataFrame, columns: Iterable[str], *, what: str = "input") -> None:
    """Fail when a column is not a Datetime or holds nulls (times are compared, never guessed)."""
    for column in columns:
        series = frame.get_column(column)
        if not isinstance(series.dtype, pl.Datetime):
            raise AnalyticsInputError(
                f"{what}: column {column!r} must be a Datetime, not {series.dtype}"
            )
        if nulls := series.null_count():
            raise AnalyticsInputError(f"{what}: column {column!r} has {nulls} null(s)")


def require_text(
    frame: pl.DataFrame, columns: Iterable[str], *, what: str = "input", nullable: bool = True
) -> None:
    """Fail when a column is not a string (String, Categorical or Enum) column."""
    for column in columns:
        series = frame.get_column(column)
        if not (series.dtype == pl.String or isinstance(series.dtype, pl.Categorical | pl.Enum)):
            raise AnalyticsInputError(
                f"{what}: column {column!r} must hold text, not {series.dtype}"
            )
        if not nullable and (nulls := series.null_count()):
            raise AnalyticsInputError(f"{what}: column {column!r} has {nulls} null(s)")


def require_parameter(
    name: str,
    value: float,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    integer: bool = False,
) -> None:
    """Fail when a parameter is not a finite number within its documented range."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = type(value).__name__
        raise AnalyticsInputError(f"parameter {name!r} must be a number, not {kind}")
    if integer and not isinstance(value, int):
        raise AnalyticsInputError(f"parameter {name!r} must be a whole number, not {value!r}")
    if value != value or value in (float("inf"), float("-inf")):
        raise AnalyticsInputError(f"parameter {name!r} must be finite, not {value!r}")
    if low is not None and (value <= low if low_open else value < low):
        bound = ">" if low_open else ">="
        raise AnalyticsInputError(f"parameter {name!r} must be {bound} {low}, not {value!r}")
    if high is not None and value > high:
        raise AnalyticsInputError(f"parameter {name!r} must be <= {high}, not {value!r}")
