"""Each role sees and may do only its own part of the console."""

from __future__ import annotations

import pytest

from tellus.engagement.models import Initiative
from tellus.people.models import Person
from tests.factories import InitiativeFactory, PersonFactory
from tests.helpers import assert_queries
from tests.personas import PERSONAS

pytestmark = pytest.mark.django_db

PAGES = {
    "/console/": {"moderator", "marketer", "analyst", "admin"},
    "/console/members/": {"moderator", "admin"},
    "/console/initiatives/": {"marketer", "analyst", "admin"},
    "/console/initiatives/new/": {"marketer", "admin"},
    "/console/engagement/": {"analyst", "admin"},
    "/console/staff/": {"admin"},
    "/console/tokens/": {"admin"},
    "/console/destination/": {"admin"},
    "/django-admin/": {"admin"},
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", list(PAGES))
def test_console_pages_by_role(persona_client, persona, url):
    response = persona_client(persona).get(url)
    if persona == "visitor":
        assert response.status_code == 302 and "login" in response["Location"]
    elif persona in PAGES[url]:
        assert response.status_code == 200
    elif url == "/django-admin/":
        assert response.status_code == 302, "the Django admin sends non-admins to its login"
    else:
        assert response.status_code == 403
        assert b"Not allowed" in response.content


def test_navigation_shows_only_the_roles_part(persona_client):
    body = persona_client("marketer").get("/console/").content.decode()
    assert "Initiatives" in body and "Staff roles" not in body and "Members" not in body
    body = persona_client("admin").get("/console/").content.decode()
    assert all(label in body for label in ["Members", "Staff roles", "Django admin"])


def test_members_list_costs_the_same_whatever_its_length(persona_client):
    client = persona_client("moderator")
    PersonFactory.create_batch(3)
    client.get("/console/members/")  # warm the session and branding caches
    with assert_queries(6):
        assert client.get("/console/members/").status_code == 200
    PersonFactory.create_batch(60)
    with assert_queries(6):
        response = client.get("/console/members/?page=2")
    assert response.status_code == 200
    assert len(response.context["page"]) == Person.objects.count() - 50


def test_members_search(persona_client):
    PersonFactory(email="ines@example.org", display_name="Inés")
    body = persona_client("moderator").get("/console/members/?q=INES@Example").content.decode()
    assert "ines@example.org" in body and "member@" not in body


def test_marketer_creates_an_initiative(persona_client):
    client = persona_client("marketer")
    response = client.post(
        "/console/initiatives/new/",
        {
            "name": "Three hidden beaches",
            "slug": "hidden-beaches",
            "kind": "task_based",
            "interaction": "continuous",
            "tools": "lean",
            "initiated_by": "firm",
            "contribution": "idea",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Initiative.objects.get().name == "Three hidden beaches"
    assert Initiative.objects.get().contribution == "idea"
    assert "Three hidden beaches" in client.get("/console/initiatives/").content.decode()


def test_initiative_form_errors_write_nothing(persona_client):
    response = persona_client("marketer").post(
        "/console/initiatives/new/",
        {
            "name": "x" * 500,
            "slug": "not a slug!",
            "kind": "lottery",
            "interaction": "spot",
            "tools": "lean",
            "initiated_by": "firm",
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-01",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"name", "slug", "kind"} <= set(errors)
    assert Initiative.objects.count() == 0


def test_analyst_cannot_change_initiatives(persona_client):
    initiative = InitiativeFactory()
    client = persona_client("analyst")
    assert client.post(f"/console/initiatives/{initiative.pk}/", {"name": "x"}).status_code == 403


def test_admin_assigns_roles_and_only_admins_reach_django_admin(persona_client):
    newcomer = PersonFactory(email="new.staff@example.org")
    client = persona_client("admin")
    response = client.post(
        "/console/staff/", {"email": "NEW.staff@example.org", "roles": ["analyst"]}
    )
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert [g.name for g in newcomer.groups.all()] == ["analyst"] and not newcomer.is_staff
    client.post("/console/staff/", {"email": "new.staff@example.org", "roles": ["admin"]})
    newcomer.refresh_from_db()
    assert newcomer.is_staff


def test_admin_cannot_drop_their_own_admin_role(persona_client, admin_person):
    response = persona_client("admin").post(
        "/console/staff/", {"email": admin_person.email, "roles": ["analyst"]}
    )
    assert response.status_code == 200
    assert "roles" in response.context["form"].errors


def test_admin_creates_an_integration_token(persona_client, member):
    client = persona_client("admin")
    response = client.post("/console/tokens/", {"email": member.email, "name": "Website sync"})
    secret = response.context["new_secret"]
    from django.test import Client

    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").json()["email"] == (
        member.email
    )


def test_destination_branding_changes_the_public_pages(persona_client, client):
    response = persona_client("admin").post(
        "/console/destination/",
        {
            "name": "Isla Clara",
            "tagline": "Volcanoes and quiet coves",
            "primary_colour": "#123456",
            "accent_colour": "#abcdef",
            "languages": "en,es",
            "currency": "EUR",
            "latitude": "29.0",
            "longitude": "-13.6",
            "zoom": "10",
        },
    )
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert "Isla Clara" in home and "Volcanoes and quiet coves" in home
    assert "#123456" in client.get("/brand.css").content.decode()


def test_destination_refuses_a_bad_colour(persona_client):
    response = persona_client("admin").post(
        "/console/destination/",
        {
            "name": "X",
            "primary_colour": "red;}body{display:none",
            "accent_colour": "#abcdef",
            "currency": "EUR",
            "latitude": "29",
            "longitude": "-13",
            "zoom": "10",
        },
    )
    assert response.status_code == 200
    assert "primary_colour" in response.context["form"].errors
    assert not Person.objects.filter(email="x").exists()
