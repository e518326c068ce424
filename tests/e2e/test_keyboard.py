"""Keyboard use: the first Tab lands on the skip link, which moves focus to the content."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Visit, format_violations

pytestmark = pytest.mark.browser


def test_first_tab_reaches_the_skip_link_and_it_moves_focus_to_main(
    page: Page, visit: Visit
) -> None:
    page.goto("/")
    visit.check()

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    box = skip.bounding_box()
    assert box and box["width"] > 1 and box["height"] > 1, "the focused skip link is hidden"

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_focused()

    # The next Tab continues inside the content, not back in the header.
    page.keyboard.press("Tab")
    in_main = page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    assert in_main


def test_the_accessibility_check_names_what_fails(page: Page, visit: Visit) -> None:
    """The check itself: a page with known faults fails with a readable list."""
    page.set_content(
        "<!DOCTYPE html><html><head><title>Faults</title></head><body><main>"
        "<img src='data:image/gif;base64,R0lGODlhAQABAAAAACw=' id='no-alt'>"
        "<input type='text' id='no-label'>"
        "</main></body></html>"
    )
    with pytest.raises(pytest.fail.Exception) as failure:
        visit.check()
    message = str(failure.value)
    assert "image-alt (critical)" in message
    assert "#no-alt" in message
    assert "label (critical)" in message
    assert "#no-label" in message


def test_format_lists_rule_help_and_targets() -> None:
    text = format_violations(
        "http://testserver/x",
        [
            {
                "id": "color-contrast",
                "impact": "serious",
                "help": "Enough contrast",
                "helpUrl": "https://example.org/rule",
                "nodes": [{"target": [".muted"]}],
            }
        ],
    )
    assert "color-contrast (serious): Enough contrast" in text
    assert "at .muted" in text
