"""A visitor logs in to comment; the comment waits, is approved, a reply follows; reactions toggle
in place with the keyboard; every page is accessible."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tellus.people.models import Person
from tellus.publishing.comments.models import Comment, Reaction
from tellus.publishing.services import moderation_decide
from tests.content.factories import ContentItemFactory
from tests.e2e.conftest import Visit
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_member_comments_replies_and_reacts_with_the_keyboard(
    page: Page, visit: Visit, member: Person, other_member: Person, moderator: Person
) -> None:
    item = ContentItemFactory(
        contributor=other_member,
        kind="poem",
        title="Wind over the salt flats",
        body="White fields\nand the sea behind",
        renditions=[],
        latitude=None,
        longitude=None,
        location_source="",
    )
    page.goto(f"/content/{item.pk}/")
    expect(page.get_by_role("heading", name="0 comments")).to_be_visible()
    visit.check()
    page.get_by_role("link", name="Log in to comment").click()
    visit.check()
    page.get_by_label("Email").fill(member.email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(rf"/content/{item.pk}/#comments$"))
    visit.check()

    # A first comment, with a line break and markup that must stay text.
    box = page.get_by_label("Your comment")
    box.focus()
    page.keyboard.type("<b>Windy</b> in the afternoon.")
    page.keyboard.press("Enter")
    page.keyboard.type("Go early: https://example.org/tides")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Post comment")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("once a moderator has read it")
    visit.check()
    comment = Comment.objects.get()
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text(
        "Waiting for a moderator: only you see it"
    )
    moderation_decide(subject=comment, moderator=moderator, action="approve")

    page.reload()
    shown = page.locator(f"#comment-{comment.pk}")
    expect(shown).to_contain_text("<b>Windy</b> in the afternoon.")
    expect(shown.get_by_role("link", name="https://example.org/tides")).to_have_attribute(
        "rel", "nofollow ugc noopener"
    )
    visit.check()

    # A reaction, toggled in place: focus stays on the button, its state is announced.
    love = page.get_by_role("button", name=re.compile(r"^Love it 0 reactions$"))
    love.focus()
    page.keyboard.press("Enter")
    pressed = page.get_by_role("button", name=re.compile(r"^Love it 1 reaction$"))
    expect(pressed).to_have_attribute("aria-pressed", "true")
    expect(pressed).to_be_focused()
    assert Reaction.objects.filter(member=member, type="love").count() == 1
    visit.check()

    # A reply, now that the member is trusted: published at once, and marked as a reply.
    shown.get_by_role("link", name=re.compile("^Reply")).click()
    expect(page.get_by_text("Replying to Marta")).to_be_visible()
    visit.check()
    page.get_by_label("Your comment").fill("Update: calmer in the evening.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_contain_text("Your comment is published.")
    reply = Comment.objects.latest("pk")
    expect(page.locator(f"#comment-{reply.pk}")).to_contain_text("in reply to Marta")
    visit.check()
