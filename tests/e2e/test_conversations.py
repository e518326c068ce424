"""A member asks the destination with the keyboard; a moderator answers from the inbox with a
saved reply; the member reads the named answer and allows an FAQ entry; every page accessible."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tellus.community.conversations.models import Conversation, SavedReply
from tellus.people.models import Person
from tests.e2e.conftest import Visit
from tests.e2e.test_member_flow import log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_member_asks_and_a_moderator_answers(
    page: Page, visit: Visit, member: Person, moderator: Person
) -> None:
    SavedReply.objects.create(title="Buses", body="Line 60 leaves the harbour every hour.")
    log_in(page, visit, member.email, PASSWORD)
    visit.check()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Ask us").click()
    expect(page.get_by_role("heading", name="Ask us")).to_be_visible()
    visit.check()
    page.get_by_label("Subject").focus()
    page.keyboard.type("Bus to the beach")
    page.get_by_label("Your question").focus()
    page.keyboard.type("Is there a bus from the harbour to Playa Blanca?")
    page.get_by_role("button", name="Send my question").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Bus to the beach")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Our team will answer you here")
    visit.check()
    conversation = Conversation.objects.get()

    # An empty reply is refused with an error the screen reader announces.
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("This field is required.")
    visit.check()

    page.get_by_role("button", name="Log out").click()
    log_in(page, visit, moderator.email, PASSWORD)
    visit.check()
    page.goto("/console/conversations/")
    expect(page.get_by_role("heading", name="Conversations")).to_be_visible()
    visit.check()
    page.get_by_role("link", name="Bus to the beach").click()
    expect(page.get_by_role("heading", name=re.compile("Bus to the beach"))).to_be_visible()
    visit.check()
    page.get_by_label("Saved reply", exact=True).select_option(label="Buses")
    page.get_by_role("button", name="Put it in the answer box").click()
    expect(page.get_by_role("textbox", name="Answer")).to_have_value(
        "Line 60 leaves the harbour every hour."
    )
    visit.check()
    page.get_by_role("textbox", name="Answer").focus()
    page.keyboard.press("End")
    page.keyboard.type(" The stop is by the church.")
    page.get_by_role("button", name="Send the answer").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your answer is sent")
    visit.check()
    assert [m.to for m in mail.outbox if "We answered" in m.subject] == [[member.email]]

    page.get_by_role("button", name="Log out").click()
    log_in(page, visit, member.email, PASSWORD)
    visit.check()
    page.goto("/my/questions/")
    visit.check()
    page.get_by_role("link", name="Bus to the beach").click()
    expect(page.get_by_text("Moderator, for the destination")).to_be_visible()
    expect(page.get_by_text("The stop is by the church.")).to_be_visible()
    visit.check()
    page.get_by_label("Yes, without my name").check()
    page.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_role("status")).to_contain_text("your answer is recorded")
    visit.check()
    conversation.refresh_from_db()
    assert conversation.faq_consent == "given" and conversation.status == "waiting_visitor"
