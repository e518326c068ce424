"""A member's side of the content hub: share, write, see states, edit, answer rights requests."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tellus.content.models import ContentItem, RightsRequest
from tellus.content.services import rights_request_create
from tellus.people.queries import has_consent
from tests.content.factories import ContentItemFactory
from tests.content.media_samples import encode, photo
from tests.helpers import assert_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def test_pages_need_a_login(client):
    for url in ("/share/", "/write/", "/my/content/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_share_page_works_without_javascript(
    member_client, member, django_capture_on_commit_callbacks
):
    page = member_client.get("/share/").content.decode()
    assert 'type="file"' in page and "data-upload-url" in page
    data = encode(photo(400, 300, seed=9), "JPEG")
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            "/share/",
            {
                "title": "Timanfaya",
                "consents": ["website", "print"],
                "file": SimpleUploadedFile("t.jpg", data, content_type="image/jpeg"),
            },
        )
    assert response.status_code == 302
    item = ContentItem.objects.get()
    assert item.state == "pending" and has_consent(member, "print", item)


def test_share_page_shows_a_clear_error_for_a_refused_file(member_client):
    response = member_client.post(
        "/share/",
        {
            "title": "Doc",
            "file": SimpleUploadedFile("doc.jpg", b"%PDF-1.4 x", content_type="image/jpeg"),
        },
    )
    assert response.status_code == 200
    # Beside the file it is about, announced to screen readers.
    assert "not accepted" in response.context["file_error"]
    body = response.content.decode()
    assert 'id="id_file_error" role="alert"' in body and 'aria-invalid="true"' in body
    assert ContentItem.objects.count() == 0


def test_write_a_poem(member_client):
    response = member_client.post(
        "/write/",
        {"kind": "poem", "title": "Jameos", "body": "cave\nwater\nlight", "consents": ["website"]},
    )
    assert response.status_code == 302
    assert ContentItem.objects.get().state == "pending"


def test_my_contributions_show_each_state_with_its_reason(member_client, member):
    ContentItemFactory(contributor=member, title="Published one")
    ContentItemFactory(
        contributor=member, title="Asked", state="needs_edit", moderation_note="Add a caption"
    )
    ContentItemFactory(contributor=member, title="Broken", state="failed", failure="truncated")
    member_client.get("/")  # the destination's branding is cached from here on
    with assert_queries(8):
        body = member_client.get("/my/content/").content.decode()
    assert "Add a caption" in body and "incomplete" in body and "Published" in body
    ContentItemFactory.create_batch(10, contributor=member)
    with assert_queries(8):
        member_client.get("/my/content/")


def test_editing_a_published_item_sends_it_back_to_moderation(member_client, member):
    item = ContentItemFactory(contributor=member, title="Old title")
    response = member_client.post(
        f"/my/content/{item.pk}/edit/", {"title": "New title", "consents": ["website"]}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.state) == ("New title", "pending")


def test_edit_withdraws_a_use(member_client, member):
    item = ContentItemFactory(contributor=member, consents=["website", "social"])
    member_client.post(
        f"/my/content/{item.pk}/edit/", {"title": item.title, "consents": ["social"]}
    )
    assert not has_consent(member, "website", item) and has_consent(member, "social", item)


def test_nobody_edits_or_deletes_someone_elses_item(member_client, other_member):
    item = ContentItemFactory(contributor=other_member)
    assert member_client.get(f"/my/content/{item.pk}/edit/").status_code == 404
    assert member_client.post(f"/my/content/{item.pk}/delete/").status_code == 404
    assert ContentItem.objects.filter(pk=item.pk).exists()


def test_delete_own_item(member_client, member):
    item = ContentItemFactory(contributor=member)
    assert member_client.post(f"/my/content/{item.pk}/delete/").status_code == 302
    assert not ContentItem.objects.filter(pk=item.pk).exists()


def test_answering_a_rights_request_records_consent(member_client, member, marketer):
    item = ContentItemFactory(contributor=member)
    request = rights_request_create(
        item=item, requested_by=marketer, purpose="print", message="Spring brochure?"
    )
    assert "Spring brochure?" in member_client.get("/my/content/").content.decode()
    member_client.post(f"/my/rights/{request.pk}/", {"answer": "accept"})
    request.refresh_from_db()
    assert request.state == RightsRequest.State.ACCEPTED
    assert has_consent(member, "print", item)
    # Answering twice changes nothing.
    member_client.post(f"/my/rights/{request.pk}/", {"answer": "decline"})
    assert member_client.post(f"/my/rights/{request.pk}/", {"answer": "decline"}).status_code == 404


def test_deleting_an_item_keeps_files_another_item_shows(
    member, other_member, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    owner = ContentItemFactory(contributor=other_member)
    shared = default_storage.save(f"content/{owner.pk}/a-320.webp", ContentFile(b"RIFFxxxxWEBP"))
    owner.renditions = [{"width": 320, "height": 240, "name": shared}]
    owner.save()
    borrower = ContentItemFactory(contributor=member, renditions=owner.renditions)
    own = ContentItemFactory(contributor=member)
    mine = default_storage.save(f"content/{own.pk}/b-320.webp", ContentFile(b"RIFFxxxxWEBP"))
    own.renditions = [{"width": 320, "height": 240, "name": mine}]
    own.save()
    from tellus.content.services import content_delete

    with django_capture_on_commit_callbacks(execute=True):
        content_delete(item=borrower)
        content_delete(item=own)
    assert default_storage.exists(shared), "another item still shows it"
    assert not default_storage.exists(mine), "the item's own files go with it"
