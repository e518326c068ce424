"""FAQ entries as a publishing subject: shared, reported and moderated like any other.

Registered in ``ConversationsConfig.ready()``. Entries are written by staff
and published at once; they reach the moderation queue only when reported,
and a moderator can hide one there. Conversations themselves are private:
they are not a publishing subject.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from tellus.community.conversations import queries
from tellus.community.conversations.models import FaqEntry
from tellus.publishing.subjects import SubjectKind, register


def load(ids: Iterable[int]) -> dict[int, FaqEntry]:
    return {entry.pk: entry for entry in queries.faq_for_moderation(ids)}


def preview_context(entries: list[FaqEntry]) -> dict[int, dict[str, Any]]:
    return {
        entry.pk: {"preview_lines": [line for line in entry.answer.splitlines() if line][:4]}
        for entry in entries
    }


FAQ = SubjectKind(
    model=FaqEntry,
    slug="faq",
    preview_template="conversations/staff/_faq_preview.html",
    public_url=lambda pk: reverse("conversations:faq_entry", args=[pk]),
    load=load,
    preview_context=preview_context,
    event_prefix="faq",
)


def register_faq() -> None:
    register(FAQ)
