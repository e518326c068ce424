"""Sharing through POST /api/v1/content, as an app or the upload page does, and what it makes."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from tellus.content.models import ContentItem
from tellus.content.queries import public_items
from tellus.engagement.models import Event
from tellus.people.queries import has_consent
from tellus.publishing.services import moderation_decide
from tests.content.media_samples import encode, exif_bytes, gps_entries, photo

pytestmark = pytest.mark.django_db

LANZAROTE = (29.0469, -13.5899)


def jpeg(
    seed: int = 1, *, gps: tuple[float, float] | None = LANZAROTE, comment: bytes = b""
) -> bytes:
    params: dict[str, object] = {"quality": 90}
    if gps:
        params["exif"] = exif_bytes(gps=gps_entries(*gps))
    if comment:
        params["comment"] = comment
    return encode(photo(800, 600, seed=seed), "JPEG", **params)


def upload(client, data: bytes, name: str = "beach.jpg", **fields: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    payload = {"title": "Playa de Papagayo", "consents": "website", **fields}
    payload["file"] = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return client.post("/api/v1/content", payload)


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def test_a_photo_is_stored_processed_and_waits_for_moderation(
    member_client, member, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            member_client,
            jpeg(comment=b"<script>alert(1)</script>"),
            caption="Sunset",
            tags="beach, sunset , beach",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "photo" and body["title"] == "Playa de Papagayo"
    assert sorted(body["tags"]) == ["beach", "sunset"]
    item = ContentItem.objects.get()
    assert item.state == "pending"
    assert item.location_source == "exif"
    assert abs(item.latitude - LANZAROTE[0]) < 1e-4
    # The public position is coarse: exact location was not allowed.
    assert item.public_latitude != item.latitude
    assert [r["width"] for r in item.renditions] == [320, 640, 800], "never upscaled"
    for rendition in item.renditions:
        data = default_storage.open(rendition["name"]).read()
        assert data[:4] == b"RIFF" and b"Exif" not in data and b"<script>" not in data
    assert item.original and not item.original.name.startswith("content/")
    assert has_consent(member, "website", item) and not has_consent(member, "print", item)
    assert Event.objects.filter(kind="content.submitted", member=member).count() == 1
    assert not public_items().exists(), "nothing is public before moderation"

    moderation_decide(subject=item, moderator=moderator, action="approve")
    assert list(public_items()) == [item]
    assert Event.objects.filter(kind="content.approved").count() == 1


def test_exact_location_is_shown_only_with_consent(
    member_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(member_client, jpeg(), consents="website,exact_location")
    item = ContentItem.objects.get()
    assert (item.public_latitude, item.public_longitude) == (item.latitude, item.longitude)


def test_a_picked_point_wins_over_exif(member_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(member_client, jpeg(), latitude="28.9", longitude="-13.7")
    item = ContentItem.objects.get()
    assert (item.latitude, item.longitude, item.location_source) == (28.9, -13.7, "map")


def test_absurd_gps_is_accepted_without_location_and_the_contributor_is_told(
    member_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(member_client, jpeg(gps=(95.0, 200.0)))
    assert response.status_code == 201
    item = ContentItem.objects.get()
    assert item.state == "pending" and item.latitude is None
    detail = member_client.get(f"/api/v1/content/{item.pk}").json()
    assert detail["state"] == "pending"
    assert any("location" in n for n in detail["notices"])


def test_the_same_photo_twice_is_refused_clearly(member_client, django_capture_on_commit_callbacks):
    data = jpeg(seed=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(member_client, data).status_code == 201
    second = upload(member_client, data, title="Again")
    assert second.status_code == 400
    assert "already shared" in second.json()["detail"]
    assert ContentItem.objects.count() == 1


def test_a_near_duplicate_from_someone_else_is_flagged(
    client, member, other_member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, encode(photo(800, 600, seed=5), "JPEG", quality=95))
    client.force_login(other_member)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, encode(photo(800, 600, seed=5).resize((640, 480)), "JPEG", quality=70))
    first, second = ContentItem.objects.order_by("pk")
    assert "near_duplicate" in second.flags and f"duplicate_of:{first.pk}" in second.flags


@pytest.mark.parametrize(
    ("data", "name", "status", "message"),
    [
        (b"", "empty.jpg", 400, "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "cv.jpg", 415, "not accepted"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
            "x.svg",
            415,
            "not accepted",
        ),
        (b"GIF89a/*\x01\x00\x01\x00*/=alert(1)//;", "poly.gif", 415, "not accepted"),
        (b"<html><script>alert(1)</script></html>", "page.jpg", 415, "not accepted"),
    ],
)
def test_files_we_do_not_accept_are_refused_and_nothing_is_stored(
    member_client, data, name, status, message
):
    response = upload(member_client, data, name=name)
    assert response.status_code == status
    assert message in response.json()["detail"]
    assert ContentItem.objects.count() == 0
    assert Event.objects.count() == 0


def test_a_truncated_jpeg_fails_with_a_reason_the_contributor_can_read(
    member_client, django_capture_on_commit_callbacks
):
    data = jpeg(seed=7)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(member_client, data[: len(data) // 2])
    assert response.status_code == 201
    item = ContentItem.objects.get()
    assert item.state == "failed"
    detail = member_client.get(f"/api/v1/content/{item.pk}").json()
    assert detail["state"] == "failed" and "incomplete" in detail["state_reason"]
    assert not item.renditions


def test_a_png_claiming_sixty_thousand_pixels_square_is_refused(
    member_client, django_capture_on_commit_callbacks
):
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    bomb = b"\x89PNG\r\n\x1a\n" + chunk(
        b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    )
    bomb += chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(member_client, bomb, name="bomb.png")
    assert response.status_code == 413  # from its header, before anything is stored
    assert response.json()["code"] == "too_many_pixels"
    assert ContentItem.objects.count() == 0


def test_oversized_file_is_refused_before_reading(member_client, settings):
    settings.TELLUS_MEDIA_MAX_IMAGE_BYTES = settings.TELLUS_MEDIA_MAX_VIDEO_BYTES = 1000
    response = upload(member_client, jpeg())
    assert response.status_code == 413
    assert "too big" in response.json()["detail"]
    assert ContentItem.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"title": "x" * 10_000}, "title"),
        ({"title": ""}, "title"),
        ({"title": "bell\x07"}, "title"),
        ({"latitude": "91", "longitude": "0"}, "latitude"),
        ({"latitude": "10"}, "longitude"),
        ({"latitude": "north", "longitude": "west"}, "latitude"),
        ({"consents": "website,sell"}, "sell"),
        ({"initiative": "no-such-thing"}, "initiative"),
    ],
)
def test_bad_fields_get_a_json_error_that_says_what_is_wrong(member_client, fields, where):
    response = upload(member_client, jpeg(), **fields)
    assert 400 <= response.status_code < 500
    assert where in response.content.decode()
    assert ContentItem.objects.count() == 0


def test_stories_are_sanitised_and_poems_keep_their_lines(member_client, member):
    story = member_client.post(
        "/api/v1/content",
        {
            "kind": "story",
            "title": "<b>Dunes</b> 🌋 مرحبا",
            "consents": "website",
            "body": "# Day one\n\n- sand\n- wind\n\n<script>alert(1)</script> "
            "[site](javascript:alert(1)) "
            "[ok](https://example.org)\n\n![me](content:999)",
        },
    )
    assert story.status_code == 201, story.content
    item = ContentItem.objects.get(kind="story")
    assert item.title == "<b>Dunes</b> 🌋 مرحبا", "stored as typed; escaped on output"
    assert "<h2>Day one</h2>" in item.body_html and "<li>sand</li>" in item.body_html
    assert "<script" not in item.body_html and 'href="javascript' not in item.body_html
    assert 'href="https://example.org"' in item.body_html
    assert "content:999" not in item.body_html and "<img" not in item.body_html
    poem = member_client.post(
        "/api/v1/content",
        {"kind": "poem", "title": "Lava", "body": "black stone\nwhite foam\n\nsilence"},
    )
    assert poem.status_code == 201
    assert ContentItem.objects.get(kind="poem").body == "black stone\nwhite foam\n\nsilence"


def test_submitting_needs_an_account(client):
    response = upload(client, jpeg())
    assert response.status_code == 401
    assert ContentItem.objects.count() == 0
