"""The kinds of subject that go through moderation and may be shared: a registry.

A feature app registers each kind it publishes in its ``ready()``, as it
registers its personal data; the moderation queue, reports, share links and
the public filter then serve it without knowing the app. Each kind brings
what only it knows: how to load a page of its subjects for moderators, the
template that previews one, where its public page is, and what approving it
records in the engagement log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class SubjectKind:
    """One kind of subject, as the shared blocks need to know it.

    ``slug`` names the kind in staff URLs (``/console/moderation/<slug>/<id>/``).
    ``load`` returns the subjects with these ids, with whatever their preview
    needs, in a fixed number of queries. ``preview_context`` adds what the
    preview template shows beside the subject (warnings, excerpts), for a
    whole page of subjects at once. ``public_url`` is the page a share link
    leads to. ``on_change`` runs after commit when a decision changes what the
    public sees (a cache to bump, an index to refresh).
    """

    model: type[Model]
    slug: str
    preview_template: str
    public_url: Callable[[int], str]
    load: Callable[[Iterable[int]], dict[int, Any]]
    preview_context: Callable[[list[Any]], dict[int, dict[str, Any]]] = field(
        default=lambda subjects: {}
    )
    detail_context: Callable[[Any], dict[str, Any]] = field(default=lambda subject: {})
    approved_event: str = ""
    event_prefix: str = ""
    contributor_field: str = "contributor"
    on_change: Callable[[], None] = field(default=lambda: None)

    @property
    def label(self) -> str:
        """The model label that names this kind in subject_type columns."""
        return self.model._meta.label_lower

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    def objects(self) -> QuerySet[Any]:
        return self.model._default_manager.all()


_kinds: dict[str, SubjectKind] = {}


def register(kind: SubjectKind) -> SubjectKind:
    """Add a kind (idempotent: registering the same model again replaces it)."""
    for other in _kinds.values():
        if other.slug == kind.slug and other.label != kind.label:
            raise ValueError(f"Two subject kinds use the slug {kind.slug!r}.")
    _kinds[kind.label] = kind
    return kind


def kinds() -> list[SubjectKind]:
    return list(_kinds.values())


def kind_for_label(label: str) -> SubjectKind | None:
    return _kinds.get(label)


def kind_for_slug(slug: str) -> SubjectKind | None:
    return next((kind for kind in _kinds.values() if kind.slug == slug), None)


def kind_of(subject: Model) -> SubjectKind:
    kind = _kinds.get(subject._meta.label_lower)
    if kind is None:
        raise LookupError(f"{subject._meta.label} is not registered as a publishing subject.")
    return kind


def subject_key(subject: Model) -> tuple[str, int]:
    """How rows here name a subject: its model label and primary key."""
    return subject._meta.label_lower, int(subject.pk)
