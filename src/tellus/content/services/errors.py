"""What the content hub refuses, with a message for the person who asked."""

from __future__ import annotations

from tellus.publishing.services import PublishingError


class ContentError(PublishingError):
    """A request the content hub refuses, with a message for the person who made it.

    A kind of :class:`~tellus.publishing.services.PublishingError`, so that a
    caller handling both (the API, a form) catches one type.
    """
