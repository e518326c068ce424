from __future__ import annotations

import pytest

from tellus.people.models import Person
from tellus.people.services import api_token_create
from tests.content.conftest import _media_in_temp_folders  # noqa: F401  (autouse: media in tmp)


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def member_token(member: Person) -> str:
    return api_token_create(person=member, name="script").secret
