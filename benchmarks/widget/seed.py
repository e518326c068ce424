"""Fill a throwaway Tellus data folder with published, consented photos for the benchmark."""

from __future__ import annotations

import argparse
import os
import random

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=500)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")
    django.setup()

    from django.db import transaction
    from django.utils import timezone
    from tqdm import tqdm

    from tellus.content.models import ContentItem, Place, Tag
    from tellus.content.services import content_set_consents
    from tellus.people.models import Person

    rng = random.Random(4)
    tags = [
        Tag.objects.get_or_create(slug=s, defaults={"name": s.title()})[0]
        for s in ("beach", "volcano", "food", "sunset")
    ]
    place = Place.objects.get_or_create(
        slug="famara", defaults={"name": "Famara", "latitude": 29.115, "longitude": -13.56}
    )[0]
    contributors = [
        Person.objects.create(email=f"bench{n}@example.org", display_name=f"Traveller {n}")
        for n in range(50)
    ]
    with transaction.atomic():
        for n in tqdm(range(args.items), desc="published items", unit="item"):
            item = ContentItem.objects.create(
                contributor=contributors[n % len(contributors)],
                kind=ContentItem.Kind.PHOTO,
                state=ContentItem.State.PUBLISHED,
                title=f"Photo {n} of the island",
                caption="Seen from the cliff path.",
                latitude=29.03 + rng.uniform(-0.15, 0.15),
                longitude=-13.63 + rng.uniform(-0.3, 0.3),
                location_source="map",
                place=place if n % 3 == 0 else None,
                published_at=timezone.now(),
                renditions=[
                    {"width": w, "height": w * 3 // 4, "name": f"content/{n}/photo-{w}.webp"}
                    for w in (320, 640, 1280)
                ],
                placeholder="data:image/webp;base64,UklGRiQAAABXRUJQVlA4IBgAAAAwAQCdASoBAAEAAwA0JaQAA3AA/vuUAAA=",
            )
            item.tags.set([tags[0], tags[n % len(tags)]])
            content_set_consents(item=item, purposes=["website"])


if __name__ == "__main__":
    main()
