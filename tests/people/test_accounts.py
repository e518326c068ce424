"""Sign-up, email confirmation, login and its lockout, as a visitor meets them."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from tellus.people.models import Person
from tellus.people.queries import has_consent
from tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db

STRONG = "sea-salt-and-volcanic-sand"


def signup(client: Client, **overrides: str):
    data = {
        "email": "new@example.org",
        "password1": STRONG,
        "password2": STRONG,
        "display_name": "Nadia",
        "marketing": "on",
    }
    data.update(overrides)
    return client.post("/accounts/signup/", data)


def test_sign_up_confirm_and_log_in(client):
    response = signup(client, email="New.Visitor@Example.ORG")
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.email == "new.visitor@example.org"
    assert person.display_name == "Nadia"
    assert has_consent(person, "marketing")
    assert not EmailAddress.objects.get(user=person).verified

    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    assert client.get(link.group(1)).status_code == 200
    client.post(link.group(1))
    assert EmailAddress.objects.get(user=person).verified

    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "NEW.visitor@example.org", "password": STRONG}
    )
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200


def test_login_before_confirming_asks_for_confirmation(client):
    signup(client)
    client.logout()
    response = client.post("/accounts/login/", {"login": "new@example.org", "password": STRONG})
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert client.get("/account/").status_code == 302


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"email": "a@b@c.org"}, "email", "valid email"),
        ({"email": "x" * 250 + "@example.org"}, "email", "254 characters"),
        ({"email": "bad\x00@example.org"}, "email", ""),
        ({"password1": "123456", "password2": "123456"}, "password1", "too short"),
        ({"password1": "password123", "password2": "password123"}, "password1", "common"),
        ({"password2": "something-else-entirely"}, "password2", "same password"),
        ({"display_name": "n" * 81}, "display_name", "at most 80"),
        ({"display_name": "bell\x07name"}, "display_name", "control characters"),
    ],
)
def test_bad_sign_up_gets_a_form_error_and_writes_nothing(client, overrides, field, message):
    response = signup(client, **overrides)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message.lower() in " ".join(errors[field]).lower()
    assert Person.objects.count() == 0
    assert EmailAddress.objects.count() == 0
    assert len(mail.outbox) == 0


def test_duplicate_email_in_any_case_makes_no_account_and_tells_only_its_owner(client):
    """No form error here on purpose: it would tell anyone which addresses have accounts.

    The visitor sees the usual "check your mail" page; the address's owner gets a
    mail saying an account exists already.
    """
    PersonFactory(email="taken@example.org")
    response = signup(client, email="TAKEN@Example.org")
    assert response.status_code == 302
    assert Person.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["taken@example.org"]
    assert "already" in mail.outbox[0].body.lower()


def test_login_locks_out_after_repeated_failures(client):
    PersonFactory(email="target@example.org")
    statuses = [
        client.post(
            "/accounts/login/", {"login": "target@example.org", "password": f"wrong{i}"}
        ).status_code
        for i in range(20)
    ]
    assert set(statuses) == {200}, "each failure is a form error, never a server error"
    # After five failures for this account, even the right password is refused for a while.
    response = client.post(
        "/accounts/login/", {"login": "target@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in " ".join(response.context["form"].non_field_errors())
    assert "_auth_user_id" not in client.session


def test_a_sixth_failure_locks_the_account_but_five_do_not(client):
    PersonFactory(email="target@example.org")
    for i in range(4):
        client.post("/accounts/login/", {"login": "target@example.org", "password": f"wrong{i}"})
    response = client.post(
        "/accounts/login/", {"login": "target@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302, "four failures do not lock a member out"


def test_forged_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/signup/")
    response = client.post(
        "/accounts/signup/",
        {
            "email": "x@example.org",
            "password1": STRONG,
            "password2": STRONG,
            "csrfmiddlewaretoken": "forged" * 8,
        },
    )
    assert response.status_code == 403
    assert Person.objects.count() == 0


def test_host_header_not_allowed_gets_400(client):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert b"Traceback" not in response.content


def test_profile_edit(client, member):
    client.force_login(member)
    response = client.post(
        "/account/",
        {"display_name": "Marta G.", "home_country": "ES", "preferred_language": "es"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.display_name, member.home_country.code, member.preferred_language) == (
        "Marta G.",
        "ES",
        "es",
    )
    assert response.cookies["django_language"].value == "es"


def test_profile_refuses_a_bad_country_and_saves_nothing(client, member):
    client.force_login(member)
    response = client.post(
        "/account/", {"display_name": "<script>x</script>", "home_country": "XX"}
    )
    assert response.status_code == 200
    assert "home_country" in response.context["form"].errors
    member.refresh_from_db()
    assert member.display_name == "Marta"


def test_avatar_that_is_not_an_image_is_refused(client, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(member)
    fake = SimpleUploadedFile("me.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = client.post("/account/", {"display_name": "Marta", "avatar": fake})
    assert response.status_code == 200
    assert "avatar" in response.context["form"].errors
