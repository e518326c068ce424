"""The ``by`` argument every grouped metric takes: one column name or several."""

from __future__ import annotations

from collections.abc import Sequence

from tellus.analytics.validation import AnalyticsInputError


def group_columns(by: str | Sequence[str]) -> list[str]:
    """The columns named by ``by``, refusing anything that is not a non-empty name."""
    columns = [by] if isinstance(by, str) else list(by)
    if not all(isinstance(c, str) and c for c in columns):
        raise AnalyticsInputError("parameter 'by' must name columns")
    return columns
