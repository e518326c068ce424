from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import count
from typing import Any

import pytest
from django.utils import timezone

from tellus.content.map import forget_index
from tellus.content.models import ContentItem, Place, Tag
from tellus.content.services import content_set_consents
from tellus.people.models import Person
from tellus.widgets.payloads import forget_recent
from tests.factories import PersonFactory

_numbers = count(1)


@pytest.fixture(autouse=True)
def _fresh_process_state() -> Iterator[None]:
    """The map's index and recent answers live in the process: no test may see another's."""
    forget_index()
    forget_recent()
    yield
    forget_index()
    forget_recent()


@pytest.fixture
def contributor(db: None) -> Person:
    person: Person = PersonFactory(display_name="Ana Lanzarote")  # type: ignore[assignment]
    return person


MakeItem = Callable[..., ContentItem]


@pytest.fixture
def make_item(contributor: Person) -> MakeItem:
    """A content item made with the ORM, published with website consent unless told otherwise."""
    default_contributor = contributor

    def make(
        title: str = "",
        *,
        state: str = ContentItem.State.PUBLISHED,
        consents: tuple[str, ...] = ("website",),
        tags: tuple[str, ...] = (),
        place: Place | None = None,
        contributor: Person | None = None,
        **fields: Any,
    ) -> ContentItem:
        n = next(_numbers)
        defaults: dict[str, Any] = {
            "kind": ContentItem.Kind.PHOTO,
            "latitude": 29.03,
            "longitude": -13.63,
            "public_latitude": 29.03,
            "public_longitude": -13.63,
            "location_source": "map",
            "renditions": [
                {"width": 320, "height": 240, "name": f"content/{n}/x-320.webp"},
                {"width": 640, "height": 480, "name": f"content/{n}/x-640.webp"},
            ],
            "published_at": timezone.now() if state == ContentItem.State.PUBLISHED else None,
        }
        item = ContentItem.objects.create(
            contributor=contributor or default_contributor,
            title=title or f"Volcano view {n}",
            state=state,
            place=place,
            **(defaults | fields),
        )
        if tags:
            item.tags.set(
                [Tag.objects.get_or_create(slug=t, defaults={"name": t.title()})[0] for t in tags]
            )
        content_set_consents(item=item, purposes=list(consents))
        return item

    return make
