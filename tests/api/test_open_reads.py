"""Open reads answer anyone, and still know a member by token exactly as by session."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from tellus.content.models import ContentItem
from tellus.people.services import api_token_create, api_token_revoke
from tests.api.conftest import bearer
from tests.content.factories import ContentItemFactory
from tests.factories import PersonFactory
from tests.helpers import assert_queries

pytestmark = pytest.mark.django_db

OPEN_READS = [
    "/api/v1/content",
    "/api/v1/content?contributor={member}",
    "/api/v1/content/{published}",
    "/api/v1/content/{pending}",
    "/api/v1/map/clusters?bbox=-20,20,0,40&zoom=8",
]


@pytest.fixture
def items(member, other_member):
    published = ContentItemFactory(contributor=member, title="Lava field")
    published.notices = [{"code": "gps_out_of_range"}]
    published.save(update_fields=["notices"])
    pending = ContentItemFactory(
        contributor=member, title="Waiting", state=ContentItem.State.PENDING, published_at=None
    )
    ContentItemFactory(contributor=other_member, title="Someone else's")
    return {"member": member.pk, "published": published.pk, "pending": pending.pk}


def session_client(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.mark.parametrize("path", OPEN_READS)
def test_a_token_and_a_session_read_the_same_thing(items, member, member_token, path):
    url = path.format(**items)
    by_session = session_client(member).get(url)
    by_token = Client().get(url, **bearer(member_token))
    assert by_session.status_code == by_token.status_code == 200
    assert by_session.json() == by_token.json()


def test_the_contributor_sees_a_pending_item_by_token_and_no_one_else_does(
    items, member_token, other_member
):
    url = f"/api/v1/content/{items['pending']}"
    own = Client().get(url, **bearer(member_token)).json()
    assert own["state"] == "pending" and own["title"] == "Waiting"
    theirs = api_token_create(person=other_member, name="x").secret
    assert Client().get(url, **bearer(theirs)).status_code == 404
    assert Client().get(url).status_code == 404


def test_the_list_shows_state_and_notices_on_the_callers_own_items_only(items, member_token):
    listed = Client().get("/api/v1/content", **bearer(member_token)).json()["items"]
    by_title = {item["title"]: item for item in listed}
    assert by_title["Lava field"]["state"] == "published"
    assert any("location" in notice for notice in by_title["Lava field"]["notices"])
    assert by_title["Someone else's"]["state"] is None
    anonymous = Client().get("/api/v1/content").json()["items"]
    assert all(item["state"] is None and item["notices"] is None for item in anonymous)


def test_the_map_answers_everyone_alike(items, member_token):
    url = "/api/v1/map/clusters?bbox=-20,20,0,40&zoom=8"
    anonymous = Client().get(url)
    by_token = Client().get(url, **bearer(member_token))
    assert anonymous.json() == by_token.json() and anonymous["ETag"] == by_token["ETag"]


BAD_TOKENS = [
    "tls_unknown-token",
    "",
    "x" * 5000,
    "tls_\u00e9\u00e9\u00e9",
    "tls_" + "\u202e" * 10,
    "tls_a b c",
    "\x00\x01",
]


@pytest.mark.parametrize("path", OPEN_READS)
@pytest.mark.parametrize("token", BAD_TOKENS, ids=range(len(BAD_TOKENS)))
def test_a_bad_token_on_an_open_read_is_refused_clearly(items, path, token):
    response = Client().get(path.format(**items), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    body = response.json()
    assert body["code"] == "invalid_token" and "Authentication required" in body["detail"]


def test_a_revoked_token_and_a_deactivated_holder_are_refused_on_open_reads(member, items):
    new = api_token_create(person=member, name="old")
    url = f"/api/v1/content/{items['published']}"
    assert Client().get(url, **bearer(new.secret)).status_code == 200
    api_token_revoke(token=new.token)
    assert Client().get(url, **bearer(new.secret)).status_code == 401
    gone = PersonFactory(is_active=False)
    assert (
        Client().get(url, **bearer(api_token_create(person=gone, name="x").secret)).status_code
        == 401
    )


def test_a_bad_token_is_refused_even_with_a_valid_session(items, member):
    response = session_client(member).get(
        f"/api/v1/content/{items['pending']}", HTTP_AUTHORIZATION="Bearer tls_wrong"
    )
    assert response.status_code == 401


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "tls_no-scheme", "Digest x"])
def test_other_authorization_schemes_read_as_a_visitor(items, header):
    """A site behind HTTP basic auth (a staging proxy) still shows its map and gallery."""
    response = Client().get(f"/api/v1/content/{items['published']}", HTTP_AUTHORIZATION=header)
    assert response.status_code == 200 and response.json()["state"] is None
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=header).status_code == 401


def test_reading_by_token_costs_a_fixed_number_of_queries(items, member, member_token):
    client = Client()
    url = f"/api/v1/content/{items['pending']}"
    client.get(url, **bearer(member_token))  # marks the token used
    with assert_queries(4):  # the token, the owner's item, its tags, its consents
        assert client.get(url, **bearer(member_token)).status_code == 200
    with assert_queries(3):  # the token, then the list and its tags
        client.get("/api/v1/content", **bearer(member_token))


LIMITS = {
    "api_member": "3/m",
    "api_anonymous": "5/m",
    "write_member": "60/m",
    "write_address": "120/m",
}


@override_settings(TELLUS_RATE_LIMITS=LIMITS)
@pytest.mark.parametrize("by", ["token", "session"])
def test_members_on_open_reads_are_counted_as_members(items, member, member_token, by):
    client = Client() if by == "token" else session_client(member)
    extra = bearer(member_token) if by == "token" else {}
    statuses = [client.get("/api/v1/content", **extra).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/map/clusters?bbox=-20,20,0,40&zoom=8", **extra)
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Their calls did not use up the allowance of visitors at the same address.
    assert [Client().get("/api/v1/content").status_code for _ in range(5)] == [200] * 5
    assert Client().get("/api/v1/content").status_code == 429
