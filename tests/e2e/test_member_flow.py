"""A visitor becomes a member in a real browser, and every page they see is accessible."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tellus.people.models import Person
from tests.e2e.conftest import Visit

pytestmark = pytest.mark.browser

EMAIL = "Ines.Traveller@Example.org"
PASSWORD = "sea-salt-and-volcanic-sand"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)")


def log_in(page: Page, visit: Visit, email: str, password: str) -> None:
    page.goto("/")
    visit.check()
    page.get_by_role("link", name="Log in").click()
    visit.check()
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_role("button", name="Sign In").click()


def test_sign_up_confirm_log_in_consent_download_and_switch_language(
    page: Page, visit: Visit, tmp_path: Path
) -> None:
    # Sign up from the home page.
    page.goto("/")
    visit.check()
    page.get_by_role("link", name="Join the community").click()
    visit.check()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password \(again\):?$")).fill(PASSWORD)
    page.get_by_label("Display name").fill("Inés")
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    visit.check()

    # The confirmation mail, then its link.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [EMAIL.lower()]
    link = CONFIRM_LINK.search(str(message.body))
    assert link, message.body
    page.goto(link.group(1))
    visit.check()
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/account/$"))
    visit.check()
    expect(page.get_by_text(f"You log in as {EMAIL.lower()}")).to_be_visible()

    # Log out, and back in with the confirmed address.
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    visit.check()
    log_in(page, visit, EMAIL, PASSWORD)
    expect(page).to_have_url(re.compile(r"/account/$"))
    visit.check()

    # Allow marketing messages, and see it in the history.
    page.get_by_role("navigation", name="My account").get_by_role("link", name="Consents").click()
    visit.check()
    history = page.get_by_role("region", name="History")
    expect(page.get_by_text("You have not given any consent yet.")).to_be_visible()
    page.get_by_label("Marketing messages to me").check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_role("status")).to_contain_text("Your choices are saved.")
    visit.check()
    row = history.get_by_role("row").filter(has_text="Marketing messages to me")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Active")
    expect(page.get_by_label("Marketing messages to me")).to_be_checked()

    # Download the archive.
    page.get_by_role("navigation", name="My account").get_by_role("link", name="My data").click()
    visit.check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".json")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    archive = json.loads(saved.read_text(encoding="utf-8"))
    assert archive["profile"]["email"] == EMAIL.lower()
    assert archive["profile"]["display_name"] == "Inés"
    marketing = [c for c in archive["consents"] if c["purpose"] == "marketing"]
    assert len(marketing) == 1
    assert marketing[0]["withdrawn_at"] is None

    # Switch to Spanish with the header's selector.
    page.get_by_label("Language").select_option("es")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    visit.check()
    person = Person.objects.get(email=EMAIL.lower())
    assert person.display_name == "Inés"

    # The login page speaks Spanish too (allauth's own translation).
    page.locator("form[action='/accounts/logout/'] button").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    visit.check()
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")
    expect(page.get_by_label("Contraseña")).to_be_visible()
    visit.check()
