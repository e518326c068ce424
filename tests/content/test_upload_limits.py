"""Uploads whose header already shows them too large are refused while the contributor waits.

Nothing of a refused upload is kept: no item, no file among the private
originals, no engagement event. What only decoding can find fails in the
background job: the contributor reads why on their page and through the API,
and the original is deleted.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path
from typing import cast

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tellus.content.media import (
    GeoPoint,
    MediaFormat,
    PhotoMetadata,
    ProcessedMedia,
)
from tellus.content.models import ContentItem, Place
from tellus.content.services import content_processed, content_processing_failed
from tellus.content.services.processing import StoredRendition
from tellus.content.tasks import process_content_item
from tellus.engagement.models import Event
from tests.content.factories import ContentItemFactory
from tests.content.media_samples import (
    animation,
    encode,
    exif_bytes,
    gps_entries,
    photo,
    png_claiming,
    video,
)

pytestmark = pytest.mark.django_db

LANZAROTE = (29.0469, -13.5899)
TEGUISE = (29.0606, -13.5640)


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture(autouse=True)
def originals(tmp_path, monkeypatch) -> FileSystemStorage:
    """Originals in this test's own folder, so that "no file stored" means something.

    The field took its storage when the model was loaded: a settings override
    alone does not reach it.
    """
    storage = FileSystemStorage(location=tmp_path / "originals")
    monkeypatch.setattr(ContentItem._meta.get_field("original"), "storage", storage)
    return storage


def files_under(location: object) -> list[Path]:
    root = Path(str(location))
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def private_files(storage: FileSystemStorage) -> list[Path]:
    return files_under(storage.location)


def assert_nothing_stored(settings, originals: FileSystemStorage) -> None:
    assert ContentItem.objects.count() == 0
    assert Event.objects.count() == 0
    assert private_files(originals) == []
    assert files_under(settings.MEDIA_ROOT) == []


def api_upload(client, data: bytes, name: str, content_type: str = "image/png"):
    return client.post(
        "/api/v1/content",
        {
            "title": "Sunset at Famara",
            "consents": "website",
            "file": SimpleUploadedFile(name, data, content_type=content_type),
        },
    )


# --- Refused from the header, in the request ------------------------------------------


BOMBS = {
    # 10 gigapixels claimed in 0.1 KB: Pillow's own guard trips first.
    "png-100000x100000": (lambda: png_claiming(100_000, 100_000), "bomb.png", "too_many_pixels"),
    # 400 megapixels.
    "png-20000x20000": (lambda: png_claiming(20_000, 20_000), "big.png", "too_many_pixels"),
    # 72 megapixels: under Pillow's limit (it would only warn), over ours.
    "png-9000x8000": (lambda: png_claiming(9000, 8000), "wide.png", "too_many_pixels"),
    # An APNG whose header claims a million 1000 x 1000 frames.
    "apng-a-million-frames": (
        lambda: png_claiming(1000, 1000, frames=1_000_000),
        "anim.png",
        "too_many_pixels",
    ),
    "png-30000x10": (lambda: png_claiming(30_000, 10), "strip.png", "too_wide"),
}


@pytest.mark.parametrize("case", BOMBS.values(), ids=BOMBS.keys())
def test_the_api_refuses_a_header_over_the_caps_at_once_and_stores_nothing(
    member_client, settings, originals, django_capture_on_commit_callbacks, case
):
    make, name, code = case
    data = make()
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api_upload(member_client, data, name)
    elapsed = time.perf_counter() - started
    assert response.status_code == 413, response.content
    body = response.json()
    assert body["code"] == code and body["field"] == "file"
    assert "limit" in body["detail"] and "Traceback" not in body["detail"]
    assert callbacks == [], "no job was queued"
    assert elapsed < 2.0
    assert_nothing_stored(settings, originals)


def test_the_message_gives_the_pictures_size_and_the_limit_in_plain_words(member_client):
    body = api_upload(member_client, png_claiming(9000, 8000), "wide.png").json()
    assert body["detail"] == (
        "The picture is 9,000 × 8,000 pixels, 72 megapixels; the limit is 60 megapixels. "
        "Make it smaller and share it again."
    )
    body = api_upload(member_client, png_claiming(1000, 1000, frames=100), "anim.png").json()
    assert body["detail"].startswith("The animation is 1,000 × 1,000 pixels in 101 frames")


@pytest.mark.parametrize("fmt", ["WEBP", "PNG"])
def test_an_animation_over_the_cap_counting_its_frames_is_refused(
    member_client, settings, originals, fmt
):
    settings.TELLUS_MEDIA_MAX_PIXELS = 100_000  # 100 x 100 x 12 frames is 120,000
    response = api_upload(member_client, animation(fmt, 12), "anim.webp")
    assert response.status_code == 413
    assert response.json()["code"] == "too_many_pixels"
    assert "12 frames" in response.json()["detail"]
    assert_nothing_stored(settings, originals)


def test_the_same_animation_under_the_cap_is_accepted(
    member_client, settings, django_capture_on_commit_callbacks
):
    settings.TELLUS_MEDIA_MAX_PIXELS = 200_000
    with django_capture_on_commit_callbacks(execute=True):
        response = api_upload(member_client, animation("WEBP", 12), "anim.webp")
    assert response.status_code == 201
    assert ContentItem.objects.get().state == "pending"


def test_an_animated_gif_is_refused_as_a_type_we_do_not_take(member_client, settings, originals):
    response = api_upload(member_client, animation("GIF", 12, (400, 400)), "a.gif", "image/gif")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_type"
    assert_nothing_stored(settings, originals)


def test_a_video_whose_header_gives_a_length_over_the_limit_is_refused(
    member_client, settings, originals
):
    settings.TELLUS_MEDIA_MAX_VIDEO_SECONDS = 1
    response = api_upload(member_client, video(seconds=2.0), "clip.mp4", "video/mp4")
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "video_too_long" and body["field"] == "file"
    assert (
        body["detail"] == "The video lasts 0:02; the limit is 0:01. Shorten it and share it again."
    )
    assert_nothing_stored(settings, originals)


def test_a_photo_over_the_photo_size_limit_is_refused_though_a_video_could_be_that_big(
    member_client, settings, originals
):
    settings.TELLUS_MEDIA_MAX_IMAGE_BYTES = 10_000
    response = api_upload(member_client, encode(photo(400, 300), "PNG"), "p.png")
    assert response.status_code == 413
    assert response.json()["code"] == "too_big"
    assert "the limit is 9.8" in response.json()["detail"]
    assert_nothing_stored(settings, originals)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR",  # the header itself is cut off
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"RIFF\x1c\x00\x00\x00WEBPVP8 " + b"\x00" * 20,
        png_claiming(0, 0),
        video(seconds=1.0)[:400],  # an MP4 whose index never arrived
    ],
    ids=["png", "jpeg", "webp", "png-zero-size", "mp4"],
)
def test_a_header_that_cannot_be_read_is_refused_without_a_500(
    member_client, settings, originals, data
):
    response = api_upload(member_client, data, "cut.bin")
    assert response.status_code == 422  # a type we take, that cannot be read
    assert response.json()["code"] in {"truncated", "undecodable"}
    assert_nothing_stored(settings, originals)


def test_the_share_page_without_javascript_shows_the_refusal_and_stores_nothing(
    member_client, settings, originals
):
    response = member_client.post(
        "/share/",
        {
            "title": "Bomb",
            "consents": ["website"],
            "file": SimpleUploadedFile("bomb.png", png_claiming(100_000, 100_000)),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "too many pixels" in page and "60 megapixels" in page
    assert_nothing_stored(settings, originals)


def test_the_share_page_sends_each_file_to_the_api_and_can_say_a_proxy_refused_it(member_client):
    page = member_client.get("/share/").content.decode()
    assert 'data-upload-url="/api/v1/content"' in page
    assert 'data-too-big-text="The file is too big."' in page


# --- Found only by decoding: fails in the job, the reason is shown, the original deleted ---


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (encode(photo(800, 600, seed=3), "JPEG", quality=90)[:20_000], "cut.jpg"),
        (encode(photo(320, 240, seed=4), "PNG")[:100_000], "cut.png"),
    ],
    ids=["jpeg", "png"],
)
def test_a_truncated_file_fails_in_processing_and_its_original_is_deleted(
    member_client,
    member,
    other_member,
    settings,
    originals,
    django_capture_on_commit_callbacks,
    data,
    name,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_upload(member_client, data, name)
    assert response.status_code == 201, response.content
    item = ContentItem.objects.get()
    assert item.state == "failed"
    assert item.failure in {"truncated", "undecodable"}
    assert not item.original and not item.renditions
    assert private_files(originals) == [], "the original is deleted"

    detail = member_client.get(f"/api/v1/content/{item.pk}").json()
    assert detail["state"] == "failed"
    assert detail["state_reason"] and "file" in detail["state_reason"]
    page = member_client.get("/my/content/").content.decode()
    assert detail["state_reason"] in page.replace("&#x27;", "'")
    assert "The file was not kept" in page

    someone_else = Client()
    someone_else.force_login(other_member)
    assert someone_else.get(f"/api/v1/content/{item.pk}").status_code == 404

    process_content_item(item.pk)  # a retry: nothing left to do
    item.refresh_from_db()
    assert item.state == "failed"


# --- The service, directly --------------------------------------------------------------


def _result(*, location: GeoPoint | None = None, taken_at: datetime | None = None):
    return ProcessedMedia(
        format=MediaFormat.JPEG,
        width=800,
        height=600,
        size_bytes=1234,
        renditions=(),
        placeholder="data:image/webp;base64,AAAA",
        perceptual_hash=None,
        flags=frozenset({"few_colours"}),
        metadata=PhotoMetadata(location=location, taken_at=taken_at),
        notices=(),
    )


def _processing(member, **fields: object) -> ContentItem:
    """An item as an upload leaves it: processing, with no location unless given one."""
    defaults: dict[str, object] = {
        "latitude": None, "longitude": None, "location_source": "", "renditions": []
    }  # fmt: skip
    return cast(
        ContentItem,
        ContentItemFactory(
            contributor=member, state="processing", published_at=None, **{**defaults, **fields}
        ),
    )


RENDITIONS: list[StoredRendition] = [{"width": 320, "height": 240, "name": "content/x/a-320.webp"}]


def test_the_files_gps_and_date_fill_what_the_contributor_left_empty(member):
    item = _processing(member)
    taken = datetime(2023, 5, 1, 18, 30)
    assert content_processed(
        item_id=item.pk, result=_result(location=GeoPoint(*LANZAROTE), taken_at=taken),
        renditions=RENDITIONS,
    )  # fmt: skip
    item.refresh_from_db()
    assert item.state == "pending"
    assert (item.latitude, item.longitude, item.location_source) == (*LANZAROTE, "exif")
    assert item.taken_on == date(2023, 5, 1)
    assert item.renditions == RENDITIONS and item.flags == ["few_colours"]
    assert item.public_latitude is not None and item.public_latitude != item.latitude


def test_the_contributors_point_beats_the_files_gps_and_their_date_beats_the_files(member):
    item = _processing(
        member, latitude=TEGUISE[0], longitude=TEGUISE[1], location_source="map",
        taken_on=date(2020, 1, 2),
    )  # fmt: skip
    content_processed(
        item_id=item.pk,
        result=_result(location=GeoPoint(*LANZAROTE), taken_at=datetime(2023, 5, 1)),
        renditions=RENDITIONS,
    )
    item.refresh_from_db()
    assert (item.latitude, item.longitude, item.location_source) == (*TEGUISE, "map")
    assert item.taken_on == date(2020, 1, 2)


def test_a_named_place_beats_the_files_gps(member):
    place = Place.objects.create(
        name="Teguise", slug="teguise", latitude=TEGUISE[0], longitude=TEGUISE[1]
    )
    item = _processing(
        member, place=place, latitude=TEGUISE[0], longitude=TEGUISE[1], location_source="place"
    )
    content_processed(
        item_id=item.pk, result=_result(location=GeoPoint(*LANZAROTE)), renditions=RENDITIONS
    )
    item.refresh_from_db()
    assert (item.latitude, item.location_source) == (TEGUISE[0], "place")
    assert item.public_latitude == TEGUISE[0], "a named place is public knowledge"


def test_processing_a_finished_item_again_changes_nothing(member):
    item = _processing(member)
    assert content_processed(item_id=item.pk, result=_result(), renditions=RENDITIONS)
    item.refresh_from_db()
    before = (item.state, item.renditions, item.updated_at)
    again: list[StoredRendition] = [{"width": 1, "height": 1, "name": "content/x/other.webp"}]
    assert not content_processed(item_id=item.pk, result=_result(), renditions=again)
    assert not content_processing_failed(item_id=item.pk, code="truncated")
    item.refresh_from_db()
    assert (item.state, item.renditions, item.updated_at) == before
    assert not content_processed(item_id=999_999, result=_result(), renditions=RENDITIONS)


def test_a_failure_deletes_the_original_only_after_commit_and_only_once(
    member, settings, django_capture_on_commit_callbacks, monkeypatch
):
    item = _processing(member)
    item.original.save("1-original.jpeg", ContentFile(b"\xff\xd8\xff broken"), save=True)
    storage = item.original.storage
    name = item.original.name
    deleted: list[str] = []
    real_delete = storage.delete

    def counted_delete(to_delete: str) -> None:
        deleted.append(to_delete)
        real_delete(to_delete)

    monkeypatch.setattr(storage, "delete", counted_delete)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert content_processing_failed(item_id=item.pk, code="truncated")
    assert storage.exists(name), "kept until the state change is committed"
    item.refresh_from_db()
    assert (item.state, item.failure, item.original.name) == ("failed", "truncated", "")
    for callback in callbacks:
        callback()
    assert not storage.exists(name) and deleted == [name]

    with django_capture_on_commit_callbacks(execute=True):
        assert not content_processing_failed(item_id=item.pk, code="undecodable")
    item.refresh_from_db()
    assert item.failure == "truncated" and deleted == [name], "nothing is deleted twice"


def test_a_failure_whose_file_is_already_gone_still_records_the_reason(
    member, django_capture_on_commit_callbacks
):
    item = _processing(member)
    item.original.save("2-original.jpeg", ContentFile(b"x"), save=True)
    item.original.storage.delete(item.original.name)
    with django_capture_on_commit_callbacks(execute=True):
        assert content_processing_failed(item_id=item.pk, code="undecodable")
    item.refresh_from_db()
    assert item.state == "failed" and item.failure == "undecodable"


def test_an_unknown_failure_code_is_a_programming_error(member):
    item = _processing(member)
    with pytest.raises(ValueError, match="unknown rejection code"):
        content_processing_failed(item_id=item.pk, code="gremlins")
    item.refresh_from_db()
    assert item.state == "processing"


def test_the_job_with_a_photo_that_names_gps_uses_the_service(
    member_client, django_capture_on_commit_callbacks
):
    data = encode(photo(640, 480, seed=5), "JPEG", exif=exif_bytes(gps=gps_entries(*LANZAROTE)))
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            "/api/v1/content",
            {
                "title": "Papagayo",
                "latitude": str(TEGUISE[0]),
                "longitude": str(TEGUISE[1]),
                "file": SimpleUploadedFile("p.jpg", data, content_type="image/jpeg"),
            },
        )
    assert response.status_code == 201
    item = ContentItem.objects.get()
    assert item.state == "pending" and item.location_source == "map"
    assert item.original, "an accepted original is kept for moderation"


def test_a_file_that_failed_in_processing_may_be_shared_again(member, member_client, originals):
    """Its original was deleted, so the same bytes are not "already shared"."""
    import hashlib

    data = encode(photo(64, 48))
    ContentItemFactory(
        contributor=member,
        kind="photo",
        state="failed",
        failure="truncated",
        original_sha256=hashlib.sha256(data).hexdigest(),
    )
    response = api_upload(member_client, data, "again.jpg", "image/jpeg")
    assert response.status_code == 201, response.content
    assert ContentItem.objects.filter(contributor=member).count() == 2
