"""Engagement value analytics: a pure library that knows nothing of Django.

Input and output are columnar (Polars DataFrames); NumPy and SciPy inside.
Loading from the database and writing scores back live in ``tellus.engagement``.
"""

from tellus.analytics._events import EVENT_SCHEMA

__all__ = ["EVENT_SCHEMA"]
