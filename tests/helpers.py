"""Test helpers shared by every app's tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextmanager
def assert_queries(expected: int) -> Iterator[CaptureQueriesContext]:
    """Assert the exact number of SQL queries in the block; print them all on a mismatch.

    Used for every page and API list, at two sizes, so that a list's cost
    cannot grow with its length.
    """
    with CaptureQueriesContext(connection) as context:
        yield context
    executed = len(context.captured_queries)
    if executed != expected:
        statements = "\n".join(
            f"{i}. {q['sql']}" for i, q in enumerate(context.captured_queries, start=1)
        )
        raise AssertionError(f"{executed} queries, expected {expected}:\n{statements}")
