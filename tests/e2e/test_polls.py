"""A member finds the Question of the month from the home page, votes with the keyboard, sees
the results, changes the vote; a refused ballot is announced; every page is accessible."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tellus.community.polls.models import Vote
from tellus.people.models import Person
from tests.community.poll_factories import closed_poll, make_poll
from tests.e2e.conftest import Visit
from tests.e2e.test_member_flow import log_in
from tests.factories import PASSWORD, InitiativeFactory

pytestmark = pytest.mark.browser


def test_a_member_votes_with_the_keyboard_and_sees_the_results(
    page: Page, visit: Visit, member: Person
) -> None:
    initiative = InitiativeFactory(
        name="Question of the month", slug="question-of-the-month", contribution="poll"
    )
    poll = make_poll(question="What should the island offer next summer?", initiative=initiative)
    several = make_poll(question="Which two treats?", kind="multiple", max_choices=2)
    closed_poll(question="Best market day?", options=("Saturday", "Sunday"))
    log_in(page, visit, member.email, PASSWORD)
    visit.check()
    page.goto("/")
    expect(page.get_by_role("link", name="Answer the question")).to_be_visible()
    visit.check()
    page.get_by_role("link", name="Answer the question").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/polls/{poll.pk}/$"))
    expect(page.get_by_role("heading", name=poll.question)).to_be_visible()
    expect(page.get_by_text("Vote to see the results.")).to_be_visible()
    visit.check()

    # The ballot is a group of radio buttons named by its legend; arrows move the choice.
    group = page.get_by_role("group", name="Choose one option")
    group.get_by_role("radio", name="Sea caves by kayak").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(group.get_by_role("radio", name="A food market")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Vote")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("your vote is counted")
    results = page.get_by_role("table", name=re.compile("Results of"))
    expect(results.get_by_role("row", name=re.compile("A food market"))).to_contain_text("100%")
    visit.check()
    assert Vote.objects.get(poll=poll).choices.get().option.text == "A food market"

    # Changing the vote, still with the keyboard.
    page.get_by_role("radio", name="Stargazing nights").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Change my vote").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your vote is changed.")
    visit.check()
    expect(results.get_by_role("row", name=re.compile("Stargazing nights"))).to_contain_text("100%")
    assert Vote.objects.filter(poll=poll).count() == 1

    # Three boxes ticked where two are allowed: the reason is announced, nothing is counted.
    page.goto(f"/polls/{several.pk}/")
    visit.check()
    boxes = page.get_by_role("group", name="Choose at most 2 options").get_by_role("checkbox")
    for n in range(3):
        boxes.nth(n).focus()
        page.keyboard.press("Space")
    page.get_by_role("button", name="Vote").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Choose at most 2 options.")
    visit.check()
    assert not Vote.objects.filter(poll=several).exists()

    page.goto("/polls/")
    expect(page.get_by_role("heading", name="Closed polls and their results")).to_be_visible()
    expect(page.get_by_text("You voted")).to_be_visible()
    visit.check()
