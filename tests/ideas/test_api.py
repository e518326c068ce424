"""The idea board's API: list, propose, endorse (201 once, then 409), withdraw."""

from __future__ import annotations

import pytest

from tellus.engagement import kinds
from tellus.engagement.models import Event
from tellus.ideas.models import Endorsement, Idea
from tellus.people.services import api_token_create
from tests.api.conftest import bearer
from tests.helpers import assert_queries
from tests.ideas.factories import make_idea

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_token(member) -> str:
    return api_token_create(person=member, name="script").secret


@pytest.fixture
def other_token(other_member) -> str:
    return api_token_create(person=other_member, name="script").secret


def test_the_list_is_open_filtered_and_costs_the_same_whatever_its_length(client, member):
    make_idea(member, title="Wine route", season="autumn")
    make_idea(member, title="Hidden one", state="pending")
    make_idea(member, title="Stargazing", audience="families")
    body = client.get("/api/v1/ideas").json()
    assert [i["title"] for i in body["items"]] == ["Stargazing", "Wine route"]
    assert body["items"][0]["endorsed_by_me"] is None and body["items"][0]["state"] is None
    assert [i["title"] for i in client.get("/api/v1/ideas?season=autumn").json()["items"]] == [
        "Wine route"
    ]
    assert client.get("/api/v1/ideas?q=star").json()["items"][0]["title"] == "Stargazing"
    assert client.get("/api/v1/ideas?season=monsoon").status_code == 422
    assert client.get("/api/v1/ideas?limit=1000").status_code == 422
    bad = client.get("/api/v1/ideas?cursor=%%%")
    assert bad.status_code == 400 and bad.json()["field"] == "cursor"
    with assert_queries(1):
        client.get("/api/v1/ideas")
    for n in range(30):
        make_idea(member, title=f"More {n}")
    with assert_queries(1):
        assert len(client.get("/api/v1/ideas?limit=30&order=trending").json()["items"]) == 30


def test_the_cursor_walks_every_idea_once(client):
    ideas = [make_idea(title=f"Idea {n}") for n in range(7)]
    seen, cursor = [], ""
    while True:
        page = client.get(f"/api/v1/ideas?limit=3&cursor={cursor}").json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(i.pk for i in ideas)


def test_a_member_proposes_by_api(client, member, member_token):
    answer = client.post(
        "/api/v1/ideas",
        {"title": "Cliff picnic", "description": "Baskets at the lighthouse.", "season": "spring"},
        content_type="application/json",
        **bearer(member_token),
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["state"] == "pending" and body["status"] == "open"
    assert Event.objects.filter(kind=kinds.IDEA_SUBMITTED, member=member).count() == 1
    for hostile in (
        {"title": "x", "description": "y" * 1_000_000},
        {"title": "bell\x07", "description": "y"},
        {"title": "", "description": "y"},
        {"title": "x", "description": "y", "audience": "robots"},
    ):
        refused = client.post(
            "/api/v1/ideas", hostile, content_type="application/json", **bearer(member_token)
        )
        assert refused.status_code == 422, hostile
    unknown = client.post(
        "/api/v1/ideas",
        {"title": "x", "description": "y", "place": "atlantis"},
        content_type="application/json",
        **bearer(member_token),
    )
    assert unknown.status_code == 400 and unknown.json()["field"] == "place"
    anonymous = client.post(
        "/api/v1/ideas", {"title": "x", "description": "y"}, content_type="application/json"
    )
    assert anonymous.status_code == 401
    assert Idea.objects.count() == 1


def test_endorsing_by_api_is_201_once_then_409_and_404_for_a_hidden_idea(
    client, member, other_token
):
    idea = make_idea(member)
    url = f"/api/v1/ideas/{idea.pk}/endorsement"
    first = client.post(url, **bearer(other_token))
    assert first.status_code == 201 and first.json() == {
        "idea": idea.pk,
        "endorsements": 1,
        "endorsed": True,
    }
    second = client.post(url, **bearer(other_token))
    assert second.status_code == 409 and second.json()["code"] == "duplicate"
    assert Endorsement.objects.count() == 1
    listed = client.get("/api/v1/ideas", **bearer(other_token)).json()["items"][0]
    assert listed["endorsed_by_me"] is True and listed["endorsements"] == 1
    withdrawn = client.delete(url, **bearer(other_token))
    assert withdrawn.status_code == 200 and withdrawn.json()["endorsed"] is False
    assert client.delete(url, **bearer(other_token)).status_code == 404
    pending = make_idea(member, state="pending")
    unconsented = make_idea(member, website=False)
    for hidden in (pending, unconsented):
        assert (
            client.post(f"/api/v1/ideas/{hidden.pk}/endorsement", **bearer(other_token)).status_code
            == 404
        )
    assert client.post("/api/v1/ideas/999999/endorsement", **bearer(other_token)).status_code == 404
    assert client.post(url).status_code == 401


def test_the_openapi_document_lists_the_error_statuses(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    endorsement = paths["/api/v1/ideas/{idea_id}/endorsement"]
    assert {"201", "401", "404", "409", "422"} <= set(endorsement["post"]["responses"])
    assert {"200", "401", "404"} <= set(endorsement["delete"]["responses"])
    assert {"200", "400", "422"} <= set(paths["/api/v1/ideas"]["get"]["responses"])
    assert {"201", "400", "401", "422"} <= set(paths["/api/v1/ideas"]["post"]["responses"])
