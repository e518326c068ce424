"""Export everything, erase on request: by the member, or by staff for them."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress

from tellus.engagement import kinds
from tellus.engagement.models import Event, Trip
from tellus.engagement.services import record_event, trip_record
from tellus.people.models import ApiToken, Consent, Person, PrivacyRequest
from tellus.people.privacy import ErasureRefused, person_erase
from tellus.people.services import api_token_create, consent_grant
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def active_member(member, other_member):
    consent_grant(person=member, purpose="marketing")
    trip_record(
        member=member,
        arrival=dt.date(2026, 3, 1),
        departure=dt.date(2026, 3, 9),
        spend=Decimal("980.50"),
        referred_by=other_member,
    )
    record_event(kind=kinds.COMMENT_POSTED, member=member, channel="web")
    api_token_create(person=member, name="phone")
    return member


def test_member_downloads_everything_held_about_them(client, active_member, other_member):
    client.force_login(active_member)
    response = client.post("/account/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    archive = json.loads(response.content)
    assert archive["profile"]["email"] == "member@example.org"
    assert archive["profile"]["display_name"] == "Marta"
    assert [c["purpose"] for c in archive["consents"]] == ["marketing"]
    assert archive["trips"][0]["spend"] == "980.50"
    assert {e["kind"] for e in archive["engagement_events"]} == {
        kinds.TRIP_RECORDED,
        kinds.COMMENT_POSTED,
    }
    assert archive["api_tokens"][0]["name"] == "phone"
    assert "digest" not in json.dumps(archive["api_tokens"])
    assert "other@example.org" not in response.content.decode()
    assert PrivacyRequest.objects.filter(kind="export").count() == 1


def test_export_needs_a_post_and_a_login(client, member):
    assert client.get("/account/export/").status_code == 302
    client.force_login(member)
    assert client.get("/account/export/").status_code == 405


def test_member_erases_their_account(client, active_member, other_member):
    client.force_login(active_member)
    response = client.post("/account/erase/", {"keep_contributions": "1", "confirm": "ERASE"})
    assert response.status_code == 302
    person = Person.objects.get(pk=active_member.pk)
    assert person.erased_at is not None
    assert person.email.endswith("@erased.invalid") and "member" not in person.email
    assert person.display_name == "" and not person.is_active
    assert str(person) == "Anonymous visitor"
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not ApiToken.objects.filter(person=person).exists()
    assert not Trip.objects.filter(member=person).exists()
    assert not Consent.objects.filter(person=person, withdrawn_at__isnull=True).exists()
    # The log keeps the counts, no longer saying whose they were.
    assert Event.objects.filter(kind=kinds.COMMENT_POSTED, member__isnull=True).count() == 1
    assert not Event.objects.filter(member=person).exists()
    # The session ended and the old password no longer works.
    assert client.get("/account/").status_code == 302
    assert not client.login(username="member@example.org", password=PASSWORD)
    # Someone else's data is untouched.
    other_member.refresh_from_db()
    assert other_member.is_active and other_member.email == "other@example.org"


def test_erasure_needs_the_confirmation_word(client, member):
    client.force_login(member)
    response = client.post("/account/erase/", {"keep_contributions": "1", "confirm": "yes"})
    assert response.status_code == 200
    assert "confirm" in response.context["form"].errors
    member.refresh_from_db()
    assert member.erased_at is None


def test_staff_export_and_erase_on_request(client, admin_person, active_member):
    client.force_login(admin_person)
    response = client.post(f"/console/members/{active_member.pk}/export/")
    assert response.status_code == 200
    assert json.loads(response.content)["profile"]["email"] == "member@example.org"
    assert PrivacyRequest.objects.get(kind="export").requested_by == admin_person

    response = client.post(
        f"/console/members/{active_member.pk}/erase/", {"keep_contributions": "0"}
    )
    assert response.status_code == 302
    active_member.refresh_from_db()
    assert active_member.erased_at is None, "erasure needs the confirmation box"

    client.post(
        f"/console/members/{active_member.pk}/erase/",
        {"keep_contributions": "0", "confirm": "on"},
    )
    active_member.refresh_from_db()
    assert active_member.erased_at is not None
    request = PrivacyRequest.objects.get(kind="erasure")
    assert request.requested_by == admin_person
    assert request.note == "contributions removed"


@pytest.mark.parametrize("persona", ["member", "moderator", "marketer", "analyst"])
def test_only_admins_handle_privacy_requests(persona_client, other_member, persona):
    client = persona_client(persona)
    assert client.post(f"/console/members/{other_member.pk}/export/").status_code == 403
    assert (
        client.post(
            f"/console/members/{other_member.pk}/erase/",
            {"keep_contributions": "0", "confirm": "on"},
        ).status_code
        == 403
    )
    other_member.refresh_from_db()
    assert other_member.erased_at is None


def test_staff_cannot_erase_themselves_through_the_console(client, admin_person, other_member):
    client.force_login(admin_person)
    response = client.post(
        f"/console/members/{admin_person.pk}/erase/",
        {"keep_contributions": "0", "confirm": "on"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Erase your own account from your account page." in response.content.decode()
    admin_person.refresh_from_db()
    assert admin_person.erased_at is None and admin_person.is_active
    assert admin_person.email == "admin@example.org"
    assert not PrivacyRequest.objects.filter(kind="erasure").exists()
    # Another member's erasure still works, by the same admin.
    client.post(
        f"/console/members/{other_member.pk}/erase/",
        {"keep_contributions": "1", "confirm": "on"},
    )
    other_member.refresh_from_db()
    assert other_member.erased_at is not None
    assert PrivacyRequest.objects.get(kind="erasure").requested_by == admin_person


def test_the_privacy_service_refuses_staff_handling_their_own_erasure(admin_person):
    with pytest.raises(ErasureRefused, match="your account page"):
        person_erase(person=admin_person, requested_by=admin_person)
    admin_person.refresh_from_db()
    assert admin_person.erased_at is None
    # Through their own account page (no one handling it for them) it works.
    person_erase(person=admin_person)
    admin_person.refresh_from_db()
    assert admin_person.erased_at is not None
    assert PrivacyRequest.objects.get(kind="erasure").requested_by is None


def test_the_refusal_speaks_the_staff_members_language(client, admin_person):
    client.force_login(admin_person)
    response = client.post(
        f"/console/members/{admin_person.pk}/erase/",
        {"keep_contributions": "0", "confirm": "on"},
        follow=True,
        headers={"accept-language": "es"},
    )
    admin_person.refresh_from_db()
    assert admin_person.erased_at is None
    assert "Borra tu propia cuenta desde la página de tu cuenta." in response.content.decode()
