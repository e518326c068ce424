"""The console's sections: each app's staff pages, registered into one navigation.

An app with staff pages has a ``staff.py`` that calls :func:`register` with
its URL patterns and navigation entries; the console imports every installed
app's ``staff`` module once (as the Django admin discovers ``admin.py``), so
the console knows no app above it and an app plugs in without editing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class NavEntry:
    """A link in the console's navigation, shown to those with ``permission``.

    ``order`` places it: the console's own entries use tens (Overview 10,
    Members 20, Initiatives 60, ...), so an app slots its pages between them.
    """

    url_name: str
    permission: str
    label: str | Promise
    order: int


_patterns: list[URLPattern | URLResolver] = []
_navigation: dict[str, NavEntry] = {}
_discovered = False


def register(
    *,
    urlpatterns: Sequence[URLPattern | URLResolver] = (),
    navigation: Sequence[NavEntry] = (),
) -> None:
    """Add an app's staff pages (URL names live in the ``console`` namespace)."""
    known = {getattr(p, "name", None) for p in _patterns}
    _patterns.extend(p for p in urlpatterns if getattr(p, "name", None) not in known)
    for entry in navigation:
        _navigation[entry.url_name] = entry


def discover() -> None:
    """Import every installed app's ``staff`` module, once."""
    global _discovered
    if not _discovered:
        autodiscover_modules("staff")
        _discovered = True


def urlpatterns() -> list[URLPattern | URLResolver]:
    discover()
    return list(_patterns)


def navigation() -> list[NavEntry]:
    discover()
    return sorted(_navigation.values(), key=lambda entry: (entry.order, entry.url_name))
