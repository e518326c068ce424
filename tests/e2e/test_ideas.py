"""A member proposes an idea with the keyboard; another endorses it; every page is accessible."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tellus.ideas.models import Endorsement, Idea
from tellus.people.models import Person
from tellus.publishing.services import moderation_decide
from tests.e2e.conftest import Visit
from tests.e2e.test_member_flow import log_in
from tests.factories import PASSWORD
from tests.ideas.factories import make_idea

pytestmark = pytest.mark.browser


def test_a_member_proposes_an_idea_and_another_endorses_it(
    page: Page, visit: Visit, member: Person, other_member: Person, moderator: Person
) -> None:
    make_idea(title="Night kayak tour of the sea caves")
    log_in(page, visit, member.email, PASSWORD)
    visit.check()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Ideas").click()
    expect(page.get_by_role("heading", name="Ideas for the island")).to_be_visible()
    visit.check()
    page.get_by_role("link", name="Propose an idea").click()
    expect(page.get_by_role("heading", name="Propose an idea")).to_be_visible()
    visit.check()

    # Typing the title suggests the idea that may be the same, in a live region.
    page.get_by_label("Your idea in a few words").focus()
    page.keyboard.type("Kayak tour at sunset")
    suggestions = page.locator("#similar-ideas")
    expect(suggestions).to_have_attribute("aria-live", "polite")
    expect(
        suggestions.get_by_role("link", name="Night kayak tour of the sea caves")
    ).to_be_visible()
    visit.check()
    page.get_by_label("Describe it").focus()
    page.keyboard.type("Paddle along the west coast as the sun goes down.")
    page.get_by_label("Season").select_option("summer")
    page.get_by_label("Who it is for").select_option("couples")
    page.get_by_role("button", name="Send my idea").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/my/ideas/$"))
    expect(page.get_by_role("status")).to_contain_text("is waiting for moderation")
    visit.check()
    idea = Idea.objects.get(title="Kayak tour at sunset")
    assert idea.state == "pending" and idea.season == "summer"
    moderation_decide(subject=idea, moderator=moderator, action="approve")

    # Another member endorses it, with the keyboard, and hears the new count.
    page.get_by_role("button", name="Log out").click()
    log_in(page, visit, other_member.email, PASSWORD)
    visit.check()
    page.goto(f"/ideas/{idea.pk}/")
    expect(page.get_by_role("heading", name="Kayak tour at sunset")).to_be_visible()
    visit.check()
    page.get_by_role("button", name="Endorse this idea").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 member endorses this idea.")).to_contain_text(
        "Your endorsement is recorded."
    )
    expect(page.get_by_role("button", name="Withdraw my endorsement")).to_be_visible()
    visit.check()
    assert Endorsement.objects.filter(idea=idea, member=other_member).count() == 1
