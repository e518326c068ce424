"""An analyst recomputes engagement value by keyboard and reads it, in a real browser."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tellus.engagement.models import ScoringRun
from tellus.people.models import Person
from tests.console.test_value_console import _destination
from tests.e2e.conftest import Visit
from tests.e2e.test_member_flow import log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_analyst_recomputes_by_keyboard_and_sees_the_values(
    page: Page, visit: Visit, analyst: Person
) -> None:
    _destination()
    log_in(page, visit, analyst.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/console/$"))
    visit.check()
    page.get_by_role("navigation", name="Console").get_by_role(
        "link", name="Engagement value"
    ).click()
    expect(page.get_by_role("heading", name="Engagement value", level=1)).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("never been computed")
    visit.check()

    recompute = page.get_by_role("button", name="Recompute")
    recompute.focus()
    page.keyboard.press("Enter")
    # Without a broker the job runs as the request commits: the page comes back done.
    expect(page.get_by_text("The engagement value is recomputed.")).to_be_visible()
    visit.check()
    assert ScoringRun.objects.get().status == ScoringRun.Status.DONE
    top = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Member"))
    expect(top.get_by_role("rowheader", name="Dev")).to_be_visible()
    expect(page.get_by_role("progressbar", name="Progress")).to_have_attribute("value", "100")

    # The stacked chart holds the four parts; its numbers open by keyboard.
    parts = page.evaluate(
        "() => Chart.getChart(document.querySelector(\"canvas[data-chart='value-deciles']\"))"
        ".data.datasets.map(d => d.label)"
    )
    assert parts == [
        "Lifetime value (CLV)",
        "Referral value (CRV)",
        "Influence value (CIV)",
        "Knowledge value (CKV)",
    ]
    page.get_by_text("Show the numbers").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("columnheader", name="CLV decile")).to_be_visible()
    visit.check()


def test_a_working_run_updates_itself_until_it_is_done(
    page: Page, visit: Visit, analyst: Person
) -> None:
    run = ScoringRun.objects.create(
        status=ScoringRun.Status.RUNNING,
        as_of=timezone.now(),
        progress=25,
        stage="Reading the engagement log",
    )
    log_in(page, visit, analyst.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/console/$"))
    visit.check()
    page.goto("/console/value/")
    status = page.get_by_role("status").filter(has=page.get_by_role("progressbar"))
    expect(status).to_contain_text("Reading the engagement log")
    visit.check()

    ScoringRun.objects.filter(pk=run.pk).update(progress=70, stage="Finding segments")
    expect(status).to_contain_text("Finding segments")
    expect(page.get_by_role("progressbar", name="Progress")).to_have_attribute("value", "70")
    ScoringRun.objects.filter(pk=run.pk).update(
        status=ScoringRun.Status.DONE, progress=100, stage="", finished_at=timezone.now()
    )
    status.get_by_role("link", name="Show the new values").click()
    expect(page.get_by_role("heading", name="Engagement value", level=1)).to_be_visible()
    visit.check()
