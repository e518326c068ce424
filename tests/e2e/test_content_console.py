"""A moderator decides in the queue with the keyboard, in place, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tellus.content.models import ContentItem
from tellus.people.models import Person
from tests.e2e.conftest import Visit
from tests.e2e.test_member_flow import log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_moderator_decides_in_place_after_a_missing_reason(
    page: Page, visit: Visit, moderator: Person, member: Person
) -> None:
    first = ContentItem.objects.create(
        contributor=member, kind="poem", state="pending", title="Lava fields", body="black\nsilent"
    )
    second = ContentItem.objects.create(
        contributor=member, kind="story", state="pending", title="Harbour", body="Boats."
    )
    log_in(page, visit, moderator.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/console/$"))
    visit.check()
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Moderation").click()
    expect(page.get_by_role("heading", name="Moderation", level=1)).to_be_visible()
    visit.check()

    decision = page.get_by_role("form", name="Decision on “Lava fields”")
    decision.get_by_role("button", name="Reject").click()
    expect(decision.get_by_role("alert")).to_have_text("Give the contributor a reason.")
    first.refresh_from_db()
    assert first.state == "pending"

    reason = page.get_by_role("textbox", name="Reason for the contributor").first
    reason.fill("Please add where it was written.")
    reason.press("Enter")  # a new line in the reason, never a decision
    expect(reason).to_have_value("Please add where it was written.\n")
    page.get_by_role("form", name="Decision on “Lava fields”").get_by_role(
        "button", name="Ask for an edit"
    ).focus()
    page.keyboard.press("Enter")
    status = page.get_by_role("status")
    expect(status).to_contain_text("“Lava fields” is now “Asked to edit”")
    expect(status).to_be_focused()
    first.refresh_from_db()
    assert first.state == "needs_edit" and first.moderation_note.startswith("Please add")
    visit.check()

    # The page never reloaded: the other item's form is still there, and works.
    page.get_by_role("form", name="Decision on “Harbour”").get_by_role(
        "button", name="Approve"
    ).click()
    expect(page.get_by_role("status").nth(1)).to_contain_text("“Harbour” is now “Published”")
    second.refresh_from_db()
    assert second.state == "published"
    visit.check()
