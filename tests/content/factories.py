from __future__ import annotations

import factory
from django.utils import timezone

from tellus.content.models import ContentItem
from tellus.content.services import content_set_consents
from tests.factories import PersonFactory


class ContentItemFactory(factory.django.DjangoModelFactory):
    """A published photo with website consent unless told otherwise."""

    class Meta:
        model = ContentItem
        skip_postgeneration_save = True

    contributor = factory.SubFactory(PersonFactory)
    kind = ContentItem.Kind.PHOTO
    state = ContentItem.State.PUBLISHED
    title = factory.Sequence(lambda n: f"Volcano view {n}")
    published_at = factory.LazyFunction(timezone.now)
    latitude = 29.03
    longitude = -13.63
    location_source = "map"
    renditions = factory.Sequence(
        lambda n: [{"width": 320, "height": 240, "name": f"content/{n}/a-320.webp"}]
    )

    @factory.post_generation
    def consents(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create:
            content_set_consents(
                item=self, purposes=["website"] if extracted is None else extracted
            )
