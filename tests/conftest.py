from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from tellus.people.models import Person
from tellus.people.roles import person_set_roles
from tests.factories import PersonFactory
from tests.personas import PERSONAS  # noqa: F401 (the shared set, re-exported for old imports)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate-limit counters and cached branding must not leak from one test to the next."""
    cache.clear()


@pytest.fixture(autouse=True)
def _no_language_left_active() -> Iterator[None]:
    """A test that renders in Spanish must not leave Spanish on for the next one."""
    yield
    translation.deactivate()


@pytest.fixture
def member(db: None) -> Person:
    return PersonFactory(email="member@example.org", display_name="Marta")


@pytest.fixture
def other_member(db: None) -> Person:
    return PersonFactory(email="other@example.org", display_name="Olav")


def _staff(role: str) -> Person:
    person = PersonFactory(email=f"{role}@example.org", display_name=role.title())
    return person_set_roles(person=person, roles=[role])


@pytest.fixture
def moderator(db: None) -> Person:
    return _staff("moderator")


@pytest.fixture
def marketer(db: None) -> Person:
    return _staff("marketer")


@pytest.fixture
def analyst(db: None) -> Person:
    return _staff("analyst")


@pytest.fixture
def admin_person(db: None) -> Person:
    return _staff("admin")


@pytest.fixture
def persona(request: pytest.FixtureRequest, db: None):  # type: ignore[no-untyped-def]
    """A function giving the person behind a persona name (visitor: None, anonymous)."""

    def get(name: str) -> Person | None:
        if name == "visitor":
            return None
        return request.getfixturevalue("admin_person" if name == "admin" else name)

    return get


@pytest.fixture
def persona_client(request: pytest.FixtureRequest, db: None):  # type: ignore[no-untyped-def]
    """A function giving a logged-in client for a persona name (visitor: anonymous)."""

    def make(name: str) -> Client:
        client = Client()
        if name == "visitor":
            return client
        fixture = "admin_person" if name == "admin" else name
        client.force_login(request.getfixturevalue(fixture))
        return client

    return make
