"""An idea answers the initiative that asked for it, and its acts are counted for it."""

from __future__ import annotations

import pytest

from tellus.engagement import kinds
from tellus.engagement.models import Event
from tellus.ideas.models import Idea
from tellus.ideas.services import idea_endorse
from tellus.people.services import api_token_create
from tests.factories import InitiativeFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def greener():
    return InitiativeFactory(name="Greener island", slug="greener", contribution="idea")


def _form(client, **fields):
    data = {
        "title": "Solar ferry to the islet",
        "description": "A quiet ferry run on sunshine.",
        "season": "summer",
        "audience": "everyone",
        "consents": ["website"],
    }
    return client.post("/ideas/new/", data | fields)


def test_the_home_pages_link_preselects_the_initiative_and_the_idea_answers_it(
    client, member, greener
):
    InitiativeFactory(name="Photo hunt", slug="photos", contribution="content")
    client.force_login(member)
    page = client.get("/ideas/new/?initiative=greener").content.decode()
    assert '<option value="greener" selected>Greener island</option>' in page
    assert 'value="photos"' not in page, "only initiatives that ask for ideas are offered"
    assert _form(client, initiative="greener").status_code == 302
    idea = Idea.objects.get()
    assert idea.initiative == greener
    submitted = Event.objects.get(kind=kinds.IDEA_SUBMITTED)
    assert submitted.initiative == greener
    idea_endorse(idea=idea, member=PersonFactory())
    assert Event.objects.get(kind=kinds.IDEA_ENDORSED).initiative == greener


@pytest.mark.parametrize("value", ["photos", "ended", '"><script>', "x" * 500])
def test_an_initiative_that_does_not_ask_for_ideas_is_refused_and_nothing_is_written(
    client, member, greener, value
):
    InitiativeFactory(slug="photos", contribution="content")
    InitiativeFactory(slug="ended", contribution="idea", is_active=False)
    client.force_login(member)
    response = _form(client, initiative=value)
    assert response.status_code == 200
    assert response.context["form"].errors["initiative"]
    assert not Idea.objects.exists() and not Event.objects.exists()


def test_without_idea_initiatives_the_form_asks_nothing_about_them(client, member):
    client.force_login(member)
    assert 'name="initiative"' not in client.get("/ideas/new/").content.decode()
    assert _form(client).status_code == 302
    assert Idea.objects.get().initiative is None


def test_the_api_takes_an_initiatives_slug_and_refuses_an_unknown_one(client, member, greener):
    token = api_token_create(person=member, name="script").secret
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {"title": "Night sky walks", "description": "Stars without street lights."}
    refused = client.post(
        "/api/v1/ideas", body | {"initiative": "nope"}, content_type="application/json", **headers
    )
    assert refused.status_code == 400 and refused.json()["field"] == "initiative"
    assert not Idea.objects.exists()
    made = client.post(
        "/api/v1/ideas",
        body | {"initiative": "greener"},
        content_type="application/json",
        **headers,
    )
    assert made.status_code == 201
    assert Idea.objects.get().initiative == greener
