"""Staff in the console, in a real browser: each role sees its own part, and only that."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tellus.engagement import kinds
from tellus.engagement.services import record_event
from tellus.people.models import Person
from tests.e2e.conftest import Visit
from tests.e2e.test_member_flow import log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_admin_sees_the_overview_with_its_chart(
    page: Page, visit: Visit, admin_person: Person, member: Person
) -> None:
    for n in range(3):
        record_event(kind=kinds.CONTENT_SUBMITTED, member=member, idempotency_key=f"e2e-{n}")

    log_in(page, visit, admin_person.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/console/$"))
    visit.check()
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    console_nav = page.get_by_role("navigation", name="Console")
    expect(console_nav.get_by_role("link", name="Staff roles")).to_be_visible()

    chart = page.locator("canvas[data-chart='weekly-events']")
    expect(chart).to_be_visible()
    # Chart.js drew the bars from the page's data: this week holds the three events.
    counts = page.evaluate(
        "() => Chart.getChart(document.querySelector(\"canvas[data-chart='weekly-events']\"))"
        ".data.datasets[0].data"
    )
    assert sum(counts) == 3, counts
    box = chart.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 50

    console_nav.get_by_role("link", name="Staff roles").click()
    expect(page.get_by_role("heading", name="Staff roles", level=1)).to_be_visible()
    visit.check()


def test_marketer_does_not_see_staff_roles(page: Page, visit: Visit, marketer: Person) -> None:
    log_in(page, visit, marketer.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/console/$"))
    visit.check()
    console_nav = page.get_by_role("navigation", name="Console")
    expect(console_nav.get_by_role("link", name="Initiatives")).to_be_visible()
    expect(page.get_by_role("link", name="Staff roles")).to_have_count(0)
    expect(page.get_by_role("link", name="Members")).to_have_count(0)

    # Typing the address does not help either.
    response = page.goto("/console/staff/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    visit.check()
