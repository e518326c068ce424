"""Polls in the API: open reads with results as the rule allows, votes 201 then 200, 409/422."""

from __future__ import annotations

import datetime as dt

import pytest

from tellus.community.polls.models import Vote
from tellus.community.polls.services import poll_vote
from tellus.engagement import kinds
from tellus.engagement.models import Event
from tellus.people.services import api_token_create
from tests.api.conftest import bearer
from tests.community.poll_factories import closed_poll, make_poll, option_ids
from tests.factories import PersonFactory
from tests.helpers import assert_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(member) -> str:
    return api_token_create(person=member, name="script").secret


def test_the_list_is_open_and_costs_the_same_whatever_its_length(client, member, token):
    poll = make_poll(question="Open one?")
    done = closed_poll(question="Closed one?")
    make_poll(question="Hidden?", state="hidden")
    body = client.get("/api/v1/polls").json()
    assert [p["question"] for p in body["items"]] == ["Open one?"]
    item = body["items"][0]
    assert item["my_vote"] is None and item["results"] is None and len(item["options"]) == 3
    closed = client.get("/api/v1/polls?status=closed").json()["items"]
    assert [p["id"] for p in closed] == [done.pk] and closed[0]["results"] is not None
    assert client.get("/api/v1/polls?status=maybe").status_code == 422
    assert client.get("/api/v1/polls?limit=1000").status_code == 422
    poll_vote(poll=poll, member=member, option_ids=option_ids(poll)[:1])
    mine = client.get("/api/v1/polls", **bearer(token)).json()["items"][0]
    assert mine["my_vote"] == option_ids(poll)[:1] and mine["results"][0]["share"] == 100.0
    with assert_queries(5):  # token, polls, options, choices of the caller, counts
        client.get("/api/v1/polls", **bearer(token))
    for n in range(10):
        other = make_poll(question=f"More {n}?")
        poll_vote(poll=other, member=member, option_ids=option_ids(other)[:2][-1:])
    with assert_queries(5):
        assert len(client.get("/api/v1/polls?limit=50", **bearer(token)).json()["items"]) == 11
    with assert_queries(3):
        client.get("/api/v1/polls")


def test_one_poll_with_its_results_only_when_the_rule_allows(client, member, token):
    poll = make_poll(show_results="after_close")
    poll_vote(poll=poll, member=member, option_ids=option_ids(poll)[:1])
    body = client.get(f"/api/v1/polls/{poll.pk}", **bearer(token)).json()
    assert body["results"] is None and body["my_vote"] == option_ids(poll)[:1]
    assert body["voters"] == 1 and body["is_open"] is True
    after_vote = make_poll()
    assert client.get(f"/api/v1/polls/{after_vote.pk}").json()["results"] is None
    assert client.get("/api/v1/polls/999999").status_code == 404
    assert client.get(f"/api/v1/polls/{make_poll(state='hidden').pk}").status_code == 404
    with assert_queries(7):  # token, poll, options, your vote, permissions (2), counts
        client.get(f"/api/v1/polls/{poll.pk}", **bearer(token))
    for person in PersonFactory.create_batch(10):
        poll_vote(poll=poll, member=person, option_ids=option_ids(poll)[1:2])
    with assert_queries(7):  # token, poll, options, your vote, permissions (2), counts
        client.get(f"/api/v1/polls/{poll.pk}", **bearer(token))


def test_a_vote_is_201_then_200_when_changed_and_counted_once(client, member, token):
    poll = make_poll(kind="multiple", max_choices=2)
    first, second, third = option_ids(poll)
    url = f"/api/v1/polls/{poll.pk}/vote"
    created = client.post(url, {"options": [first, second]}, "application/json", **bearer(token))
    assert created.status_code == 201, created.content
    assert created.json()["my_vote"] == [first, second]
    assert created.json()["results"] is not None
    changed = client.post(url, {"options": [third]}, "application/json", **bearer(token))
    assert changed.status_code == 200 and changed.json()["my_vote"] == [third]
    same = client.post(url, {"options": [third]}, "application/json", **bearer(token))
    assert same.status_code == 200
    assert Event.objects.filter(kind=kinds.POLL_VOTED, member=member).count() == 1
    assert Event.objects.get(kind=kinds.POLL_VOTED).channel == "api"


@pytest.mark.parametrize(
    ("ballot", "status", "code"),
    [
        ([], 422, "no_choice"),
        ("all", 422, "too_many"),
        ("other", 422, "wrong_option"),
        ([2**62], 422, "wrong_option"),
    ],
)
def test_a_ballot_the_poll_does_not_allow_has_a_reason(client, token, ballot, status, code):
    poll = make_poll()
    other = make_poll(question="Other?")
    if isinstance(ballot, str):
        ballot = {"all": option_ids(poll), "other": option_ids(other)[:1]}[ballot]
    answer = client.post(
        f"/api/v1/polls/{poll.pk}/vote", {"options": ballot}, "application/json", **bearer(token)
    )
    assert answer.status_code == status and answer.json()["code"] == code
    assert answer.json()["detail"]
    assert not Vote.objects.exists()


def test_a_vote_after_closing_is_409_and_a_visitor_401(client, token):
    poll = closed_poll()
    answer = client.post(
        f"/api/v1/polls/{poll.pk}/vote",
        {"options": option_ids(poll)[:1]},
        "application/json",
        **bearer(token),
    )
    assert answer.status_code == 409 and answer.json()["code"] == "closed"
    future = make_poll(opened_ago=dt.timedelta(days=-1))
    assert (
        client.post(
            f"/api/v1/polls/{future.pk}/vote", {"options": [1]}, "application/json", **bearer(token)
        ).status_code
        == 404
    )
    open_one = make_poll()
    anonymous = client.post(
        f"/api/v1/polls/{open_one.pk}/vote",
        {"options": option_ids(open_one)[:1]},
        "application/json",
    )
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    "body", ['{"options": "1"}', '{"options": [1.5]}', "{", '{"options": [' + "1," * 60 + "1]}"]
)
def test_a_malformed_body_is_a_4xx_never_a_500(client, token, body):
    poll = make_poll()
    answer = client.post(f"/api/v1/polls/{poll.pk}/vote", body, "application/json", **bearer(token))
    assert answer.status_code in {400, 422}


def test_the_openapi_document_lists_every_error_of_a_vote(client):
    schema = client.get("/api/openapi.json").json()
    responses = schema["paths"]["/api/v1/polls/{poll_id}/vote"]["post"]["responses"]
    assert {"200", "201", "401", "404", "409", "422"} <= set(responses)
    assert "401" in schema["paths"]["/api/v1/polls"]["get"]["responses"]
