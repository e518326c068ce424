"""The comments and reactions API: every status it answers, and fixed query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tellus.publishing.comments.models import Comment
from tests.content.factories import ContentItemFactory
from tests.helpers import assert_queries
from tests.publishing.comment_helpers import bearer_for, published_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(other_member):
    return ContentItemFactory(contributor=other_member, title="Los Hervideros")


@pytest.fixture(autouse=True)
def _trusted(settings):
    settings.TELLUS_COMMENTS_TRUSTED_AFTER = 0
    settings.TELLUS_COMMENT_LINKS_TRUSTED_AFTER = 0


def comments_url(item) -> str:
    return f"/api/v1/subjects/content/{item.pk}/comments"


def post(client: Client, url: str, data: dict, auth: dict) -> object:
    return client.post(url, data, content_type="application/json", **auth)


def test_anyone_reads_the_public_comments(client, member, item):
    published_comment(member, item, "Waves! https://example.org")
    response = client.get(comments_url(item))
    assert response.status_code == 200
    [comment] = response.json()["items"]
    assert comment["author"] == "Marta" and comment["editable"] is False
    assert 'rel="nofollow ugc noopener"' in comment["body_html"]


def test_a_member_comments_by_token(client, member, item):
    auth = bearer_for(member)
    response = post(client, comments_url(item), {"body": "<b>Loud</b> sea"}, auth)
    assert response.status_code == 201
    data = response.json()
    assert data["state"] == "published" and data["editable"] is True
    assert data["body_html"] == "&lt;b&gt;Loud&lt;/b&gt; sea"


@pytest.mark.parametrize(
    "body,status,code",
    [
        ("", 422, "empty"),
        ("a\u200bb", 422, "characters"),
        ("y" * 5001, 422, "too_long"),
    ],
)
def test_refused_text_answers_its_code(client, member, item, body, status, code):
    response = post(client, comments_url(item), {"body": body}, bearer_for(member))
    assert response.status_code == status and response.json()["code"] == code
    assert response.json()["field"] == "body"


def test_a_megabyte_is_refused_before_any_work(client, member, item):
    response = post(client, comments_url(item), {"body": "x" * 1_000_000}, bearer_for(member))
    assert response.status_code == 422 and "errors" in response.json()
    assert not Comment.objects.exists()


def test_flood_and_duplicate_statuses(client, member, item):
    auth = bearer_for(member)
    assert post(client, comments_url(item), {"body": "Same"}, auth).status_code == 201
    duplicate = post(client, comments_url(item), {"body": "Same"}, auth)
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "duplicate"
    statuses = [
        post(client, comments_url(item), {"body": f"n{i}"}, auth).status_code for i in range(50)
    ]
    assert statuses.count(201) == 4 and statuses.count(429) == 46
    assert post(client, comments_url(item), {"body": "more"}, auth).json()["code"] == "flood"


def test_visitors_cannot_write_and_non_public_subjects_are_404(client, member, other_member):
    hidden = ContentItemFactory(contributor=other_member, state="pending")
    public = ContentItemFactory(contributor=other_member)
    assert post(client, comments_url(public), {"body": "hi"}, {}).status_code == 401
    auth = bearer_for(member)
    assert post(client, comments_url(hidden), {"body": "hi"}, auth).status_code == 404
    assert client.get(comments_url(hidden)).status_code == 404
    assert client.get("/api/v1/subjects/nothing/1/comments").status_code == 404
    assert client.get("/api/v1/subjects/content/x/comments").status_code == 422
    reply = post(client, comments_url(public), {"body": "hi", "reply_to": 999999}, auth)
    assert reply.status_code == 422 and reply.json()["field"] == "reply_to"


def test_edit_and_delete_ones_own_comment(client, member, other_member, item):
    comment = published_comment(member, item, "Frist")
    auth, other = bearer_for(member), bearer_for(other_member)
    url = f"/api/v1/comments/{comment.pk}"
    patch = client.patch(url, {"body": "First"}, content_type="application/json", **auth)
    assert patch.status_code == 200 and patch.json()["edited_at"] is not None
    assert (
        client.patch(url, {"body": "Mine"}, content_type="application/json", **other).status_code
        == 404
    )
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=20)
    )
    late = client.patch(url, {"body": "Late"}, content_type="application/json", **auth)
    assert late.status_code == 403 and late.json()["code"] == "edit_window"
    assert client.delete(url, **other).status_code == 404
    assert client.delete(url, **auth).status_code == 204
    assert client.delete(url, **auth).status_code == 404


def test_reactions_by_api(client, member, other_member, item):
    auth = bearer_for(member)
    url = f"/api/v1/subjects/content/{item.pk}/reactions"
    assert client.post(f"{url}/love", **auth).status_code == 201
    again = client.post(f"{url}/love", **auth)
    assert again.status_code == 200
    love = next(r for r in again.json()["reactions"] if r["type"] == "love")
    assert love == {"type": "love", "label": "Love it", "count": 1, "mine": True}
    read = client.get(url).json()["reactions"]
    assert next(r for r in read if r["type"] == "love")["mine"] is False
    assert client.post(f"{url}/angry", **auth).status_code == 422
    assert client.post(f"{url}/love").status_code == 401
    own = client.post(f"{url}/love", **bearer_for(other_member))
    assert own.status_code == 403 and own.json()["code"] == "own_contribution"
    assert client.delete(f"{url}/love", **auth).status_code == 200
    assert client.post("/api/v1/subjects/content/999999/reactions/love", **auth).status_code == 404


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_costs_the_same_whatever_its_length(client, member, item, count, settings):
    settings.TELLUS_COMMENTS_PER_MINUTE = 100
    for i in range(count):
        published_comment(member, item, f"Comment {i}")
    with assert_queries(2):  # the subject, the comments with their authors
        response = client.get(comments_url(item))
    assert len(response.json()["items"]) == count


def test_the_openapi_document_lists_every_status(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    create = paths["/api/v1/subjects/{kind}/{subject_id}/comments"]["post"]["responses"]
    assert {"201", "401", "403", "404", "409", "422", "429"} <= set(create)
    react = paths["/api/v1/subjects/{kind}/{subject_id}/reactions/{type}"]
    assert {"200", "201", "401", "403", "404"} <= set(react["post"]["responses"])
    assert "204" in paths["/api/v1/comments/{comment_id}"]["delete"]["responses"]
