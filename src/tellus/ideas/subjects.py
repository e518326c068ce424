"""Ideas as a publishing subject: what the shared moderation queue and share links need of them.

Registered in ``IdeasConfig.ready()``. The preview shows the idea's first
lines and facts; approving it records nothing more (its submission is in the
engagement log already).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from tellus.ideas import queries
from tellus.ideas.models import Idea
from tellus.publishing.subjects import SubjectKind, register


def load(ids: Iterable[int]) -> dict[int, Idea]:
    return {idea.pk: idea for idea in queries.items_for_moderation(ids)}


def preview_context(ideas: list[Idea]) -> dict[int, dict[str, Any]]:
    return {
        idea.pk: {"preview_lines": [line for line in idea.description.splitlines() if line][:4]}
        for idea in ideas
    }


def detail_context(idea: Idea) -> dict[str, Any]:
    return {
        "template": "ideas/staff/_moderation_body.html",
        "facts_template": "ideas/staff/_moderation_facts.html",
        "public_url": reverse("ideas:idea", args=[idea.pk]),
    }


IDEA = SubjectKind(
    model=Idea,
    slug="idea",
    preview_template="ideas/staff/_moderation_preview.html",
    public_url=lambda pk: reverse("ideas:idea", args=[pk]),
    load=load,
    preview_context=preview_context,
    detail_context=detail_context,
    event_prefix="idea",
)


def register_ideas() -> None:
    register(IDEA)
