"""What the content hub refuses, with a message for the person who asked."""

from __future__ import annotations


class ContentError(Exception):
    """A request the content hub refuses, with a message for the person who made it."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
