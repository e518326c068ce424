"""What the content hub's staff-side tests share: items in every state, reports, decisions."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image

from tellus.content.models import (
    ContentItem,
)
from tellus.content.services import content_set_consents
from tellus.people.models import Person
from tellus.publishing.services import report_create

MODERATION = {"moderator", "admin"}
MARKETING = {"marketer", "admin"}
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def _media_in_a_temp_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_item(
    contributor: Person,
    *,
    state: str = "pending",
    kind: str = "photo",
    title: str = "Dunes at dawn",
    consents: tuple[str, ...] = (),
    **fields: Any,
) -> ContentItem:
    if kind in {"photo", "video"}:
        fields.setdefault(
            "renditions",
            [{"width": 320, "height": 240, "name": f"content/{slugify(title)}-320.webp"}],
        )
    if state == "published":
        fields.setdefault("published_at", timezone.now())
    item = ContentItem.objects.create(
        contributor=contributor, kind=kind, state=state, title=title, **fields
    )
    if consents:
        content_set_consents(item=item, purposes=consents)
    return item


def webp(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "WEBP")
    return buffer.getvalue()


def stored_photo(contributor: Person, *, title: str = "Salinas", **fields: Any) -> ContentItem:
    """A published photo whose two renditions are real WebP files in the media storage."""
    small = default_storage.save("content/test/a-320.webp", ContentFile(webp(320, 240, (9, 9, 9))))
    large = default_storage.save(
        "content/test/a-640.webp", ContentFile(webp(640, 480, (200, 9, 9)))
    )
    renditions = [
        {"width": 320, "height": 240, "name": small},
        {"width": 640, "height": 480, "name": large},
    ]
    return make_item(contributor, state="published", title=title, renditions=renditions, **fields)


def report(item: ContentItem, n: int, reason: str = "spam", details: str = "") -> None:
    for i in range(n):
        report_create(
            subject=item,
            reason=reason,
            details=details,
            reporter=None,
            address_key=f"{item.pk}-{i}",
            hide_after=3,
        )


def decide(client: Client, item: ContentItem, action: str, reason: str = "", **extra: Any):
    return client.post(
        f"/console/moderation/content/{item.pk}/decide/",
        {"action": action, "reason": reason},
        **extra,
    )
