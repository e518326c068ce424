"""The console's overview and engagement page read the daily roll-up, not the whole log."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from tellus.engagement import kinds
from tellus.engagement.models import Event, EventCount, RollupState
from tellus.engagement.rollups import local_today, rollup_events
from tests.factories import InitiativeFactory, TripFactory
from tests.helpers import assert_queries

pytestmark = pytest.mark.django_db

QUEUE = "tellus.engagement.tasks.rollup_events_later.delay"


def noon(days_ago: int) -> dt.datetime:
    day = local_today() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def log(kind: str, days_ago: int, times: int = 1, **fields) -> None:
    Event.objects.bulk_create(
        [Event(kind=kind, occurred_at=noon(days_ago), **fields) for _ in range(times)]
    )


def history(scale: int) -> None:
    """A year of log, ``scale`` times as much of it."""
    beaches = InitiativeFactory()
    for days_ago in (0, 1, 6, 29, 30, 100, 300, 400):
        log(kinds.COMMENT_POSTED, days_ago, times=scale)
        log(kinds.CONTENT_VIEWED, days_ago, times=2 * scale, initiative=beaches)


def weekly_total(response) -> int:
    return sum(row["count"] for row in response.context["weekly"])


def test_overview_counts_the_roll_up_and_today_from_the_log(persona_client):
    history(1)
    TripFactory.create_batch(2)
    rollup_events()
    log(kinds.POLL_VOTED, 0, times=4)  # today, after the run
    response = persona_client("marketer").get("/console/")
    assert response.status_code == 200
    text = response.content.decode()
    # Days 0, 1, 6 and 29 are in the last 30 days: 3 events each, and today's 4 votes.
    assert response.context["activity"].recent == 16
    assert '<span class="stat-value">16</span> <span class="stat-label">contributions' in text
    weekly = response.context["weekly"]
    assert len(weekly) == 26, "every week, the empty ones as zeros"
    assert dt.date.fromisoformat(weekly[-1]["week"]).weekday() == 0
    assert weekly_total(response) == 3 * 6 + 4  # days 0, 1, 6, 29, 30 and 100
    assert "Show the numbers" in text


def test_the_figures_are_right_whether_or_not_the_roll_up_ran(
    persona_client, django_capture_on_commit_callbacks
):
    history(2)
    client = persona_client("analyst")
    # With a broker the page queues the run and does not wait for it.
    with mock.patch(QUEUE) as queued, django_capture_on_commit_callbacks(execute=True):
        before = client.get("/console/engagement/")
    assert queued.call_count == 1
    assert not EventCount.objects.exists()
    rollup_events()
    after = client.get("/console/engagement/")
    assert before.context["by_kind"] == after.context["by_kind"]
    assert before.context["weekly"] == after.context["weekly"]
    assert after.context["by_kind"] == [
        {"kind": kinds.CONTENT_VIEWED, "count": 16, "label": "Content viewed"},
        {"kind": kinds.COMMENT_POSTED, "count": 8, "label": "Comment posted"},
    ]
    assert len(after.context["weekly"]) == 52
    assert weekly_total(after) == 6 * 7  # all but day 400
    text = after.content.decode()
    assert "<td>Content viewed</td><td>16</td>" in text


def test_the_first_view_fills_the_roll_up_in_the_embedded_setup(
    persona_client, django_capture_on_commit_callbacks
):
    history(1)
    with django_capture_on_commit_callbacks(execute=True) as jobs:
        response = persona_client("admin").get("/console/")
    assert len(jobs) == 1
    assert response.status_code == 200
    state = RollupState.objects.get()
    assert state.filled_until == local_today() - dt.timedelta(days=1)
    # Seven whole days, each with two totals and one initiative's share.
    assert EventCount.objects.filter(day__lt=local_today()).count() == 21
    assert not EventCount.objects.filter(day=local_today()).exists()


def test_views_in_the_same_hour_queue_one_run(persona_client, django_capture_on_commit_callbacks):
    history(1)
    client = persona_client("admin")
    with mock.patch(QUEUE) as queued, django_capture_on_commit_callbacks(execute=True):
        for url in ("/console/", "/console/engagement/", "/console/"):
            assert client.get(url).status_code == 200
    assert queued.call_count == 1
    rollup_events()
    with mock.patch(QUEUE) as queued, django_capture_on_commit_callbacks(execute=True):
        client.get("/console/")
    assert queued.call_count == 0, "fresh counts need no run"


@pytest.mark.parametrize(("url", "expected"), [("/console/", 11), ("/console/engagement/", 7)])
def test_the_pages_cost_the_same_whatever_the_size_of_the_log(persona_client, url, expected):
    client = persona_client("admin")
    history(1)
    rollup_events()
    client.get(url)  # warm the session and branding caches
    with assert_queries(expected):
        small = client.get(url)
    history(50)
    rollup_events()
    with assert_queries(expected):
        large = client.get(url)
    assert weekly_total(large) == 51 * weekly_total(small)


def test_a_stale_page_costs_one_query_more_to_queue_the_run(persona_client):
    client = persona_client("analyst")
    client.get("/console/engagement/")
    for scale in (1, 30):
        history(scale)
        rollup_events()
        hours_ago = timezone.now() - dt.timedelta(hours=2)
        RollupState.objects.update(requested_at=None, updated_at=hours_ago)
        with mock.patch(QUEUE), assert_queries(8) as queries:
            client.get("/console/engagement/")
        assert queries.captured_queries[-1]["sql"].startswith("UPDATE")


def test_the_initiatives_page_counts_each_initiatives_acts_from_the_roll_up_and_today(
    persona_client,
):
    beaches = InitiativeFactory(name="Hidden beaches")
    InitiativeFactory(name="Quiet one")
    for days_ago in (1, 5, 40):
        log(kinds.CONTENT_SUBMITTED, days_ago, times=2, initiative=beaches)
    log(kinds.COMMENT_POSTED, 3)  # in no initiative
    rollup_events()
    log(kinds.CONTENT_SUBMITTED, 0, times=3, initiative=beaches)  # today, not rolled up yet
    client = persona_client("marketer")
    client.get("/console/initiatives/")
    with assert_queries(6):
        response = client.get("/console/initiatives/")
    counts = {i.name: i.event_count for i in response.context["initiatives"]}
    assert counts == {"Hidden beaches": 9, "Quiet one": 0}
    # Before any roll-up, the log alone gives the same figures.
    EventCount.objects.all().delete()
    RollupState.objects.all().delete()
    with assert_queries(6):
        response = client.get("/console/initiatives/")
    assert {i.name: i.event_count for i in response.context["initiatives"]} == counts
