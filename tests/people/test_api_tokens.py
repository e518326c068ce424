"""Personal API tokens: created three ways, stored hashed, sent as a Bearer token."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from tellus.people.models import ApiToken
from tellus.people.queries import token_digest
from tellus.people.services import api_token_create, api_token_revoke
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_me_with_a_token_from_the_command_line(client, member):
    out = io.StringIO()
    call_command("token", "create", "--email", "MEMBER@example.org", "--name", "laptop", stdout=out)
    secret = out.getvalue().strip()
    assert secret.startswith("tls_")
    stored = ApiToken.objects.get()
    assert stored.digest == token_digest(secret) and secret not in (stored.digest, stored.prefix)

    response = client.get("/api/v1/me", **bearer(secret))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "member@example.org"
    assert body["public_name"] == "Marta"
    assert body["roles"] == []


def test_token_command_refuses_an_unknown_address():
    with pytest.raises(CommandError, match="No active person"):
        call_command("token", "create", "--email", "nobody@example.org")


def test_me_with_the_browser_session(client, analyst):
    client.force_login(analyst)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["roles"] == ["analyst"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer tls_unknown-token",
        "Bearer ",
        "Bearer " + "x" * 5000,
        "Bearer tls_\u00e9\u00e9",
        "Basic dXNlcjpwYXNz",
        "tls_no-scheme",
    ],
)
def test_unknown_or_malformed_tokens_get_401(client, member, header):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert "Authentication required" in response.json()["detail"]


def test_no_credentials_get_401(client):
    assert client.get("/api/v1/me").status_code == 401


def test_revoked_token_gets_401(client, member):
    new = api_token_create(person=member, name="old")
    assert client.get("/api/v1/me", **bearer(new.secret)).status_code == 200
    api_token_revoke(token=new.token)
    assert client.get("/api/v1/me", **bearer(new.secret)).status_code == 401


def test_a_deactivated_persons_token_gets_401(client):
    person = PersonFactory(is_active=False)
    new = api_token_create(person=person, name="x")
    assert client.get("/api/v1/me", **bearer(new.secret)).status_code == 401


def test_tokens_are_created_and_revoked_in_the_account_page(client, member, other_member):
    client.force_login(member)
    response = client.post("/account/tokens/", {"name": "Home assistant"})
    assert response.status_code == 200
    secret = response.context["new_secret"]
    assert secret and secret.encode() in response.content
    token = ApiToken.objects.get(person=member)
    # The page lists it afterwards without the secret.
    assert secret.encode() not in client.get("/account/tokens/").content

    other = api_token_create(person=other_member, name="theirs")
    assert client.post(f"/account/tokens/{other.token.pk}/revoke/").status_code == 404
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


@override_settings(
    TELLUS_RATE_LIMITS={
        "api_member": "3/m",
        "api_anonymous": "2/m",
        "write_member": "60/m",
        "write_address": "120/m",
    }
)
def test_api_calls_are_rate_limited_per_member(client, member, other_member):
    new = api_token_create(person=member, name="x")
    statuses = [client.get("/api/v1/me", **bearer(new.secret)).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    # Another member has their own allowance.
    theirs = api_token_create(person=other_member, name="y")
    assert client.get("/api/v1/me", **bearer(theirs.secret)).status_code == 200
