"""The engagement log rolled up into daily counts: whole days, idempotent, late events found."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from tellus.engagement import kinds, rollups
from tellus.engagement.models import Event, EventCount, RollupState
from tellus.engagement.rollups import rollup_events
from tellus.engagement.services import record_event
from tellus.engagement.tasks import rollup_events_later
from tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 10, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


def at(days_ago: int, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(
        NOW.date() - dt.timedelta(days=days_ago), dt.time(hour), tzinfo=dt.UTC
    )


def log(kind: str, days_ago: int, times: int = 1, **fields) -> None:
    Event.objects.bulk_create(
        [Event(kind=kind, occurred_at=at(days_ago), **fields) for _ in range(times)]
    )


def table() -> set[tuple[dt.date, str, int | None, int]]:
    return set(EventCount.objects.values_list("day", "kind", "initiative_id", "count"))


def day(days_ago: int) -> dt.date:
    return NOW.date() - dt.timedelta(days=days_ago)


def test_whole_days_before_today_by_day_kind_and_initiative():
    beaches = InitiativeFactory()
    log(kinds.COMMENT_POSTED, 3, times=2)
    log(kinds.COMMENT_POSTED, 3, initiative=beaches)
    log(kinds.POLL_VOTED, 1, times=4)
    log(kinds.POLL_VOTED, 0, times=5)  # today: still happening, not counted
    result = rollup_events()
    # The row without an initiative is the day's total; the other, the initiative's share.
    assert table() == {
        (day(3), kinds.COMMENT_POSTED, None, 3),
        (day(3), kinds.COMMENT_POSTED, beaches.pk, 1),
        (day(1), kinds.POLL_VOTED, None, 4),
    }
    assert result.filled_until == day(1) and result.days == 3
    state = RollupState.objects.get()
    assert state.filled_until == day(1) and state.updated_at == NOW
    assert state.last_event_id == Event.objects.latest("pk").pk


def test_running_again_changes_nothing():
    log(kinds.COMMENT_POSTED, 40, times=3)
    log(kinds.SHARE_CLICKED, 2, times=7)
    rollup_events()
    first = table()
    again = rollup_events()
    assert table() == first
    assert again.days == rollups.RECOUNT_DAYS, "only the last days are counted again"


def test_an_event_recorded_late_for_a_counted_day_is_counted_at_the_next_run():
    log(kinds.COMMENT_POSTED, 30)
    rollup_events()
    # A trip reported weeks after it happened, and an act whose transaction ended late.
    log(kinds.TRIP_RECORDED, 20)
    log(kinds.COMMENT_POSTED, 30)
    log(kinds.COMMENT_POSTED, 1)
    result = rollup_events()
    assert table() == {
        (day(30), kinds.COMMENT_POSTED, None, 2),
        (day(20), kinds.TRIP_RECORDED, None, 1),
        (day(1), kinds.COMMENT_POSTED, None, 1),
    }
    assert result.days == 2 + rollups.RECOUNT_DAYS


def test_a_history_imported_after_the_first_run_is_counted():
    rollup_events()  # nothing yet: filled until yesterday
    assert RollupState.objects.get().filled_until == day(1)
    log(kinds.CONTENT_VIEWED, 400, times=2)
    log(kinds.CONTENT_VIEWED, 90)
    rollup_events()
    assert table() == {
        (day(400), kinds.CONTENT_VIEWED, None, 2),
        (day(90), kinds.CONTENT_VIEWED, None, 1),
    }


def test_days_are_counted_in_the_servers_time_zone():
    # 23:30 UTC is already the next morning in Bangkok (UTC+7).
    Event.objects.create(
        kind=kinds.POLL_VOTED, occurred_at=dt.datetime.combine(day(3), dt.time(23, 30), dt.UTC)
    )
    with override_settings(TIME_ZONE="Asia/Bangkok"):
        rollup_events()
    assert table() == {(day(2), kinds.POLL_VOTED, None, 1)}


def test_each_batch_of_days_is_one_transaction_and_a_run_cut_short_resumes():
    for days_ago in (100, 60, 10):
        log(kinds.COMMENT_POSTED, days_ago)
    real = rollups._count_days
    calls = []

    def failing_second(first, last):
        calls.append(first)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(first, last)

    with mock.patch.object(rollups, "_count_days", failing_second), pytest.raises(RuntimeError):
        rollup_events()
    state = RollupState.objects.get()
    assert state.filled_until == day(100) + dt.timedelta(days=rollups.BATCH_DAYS - 1)
    assert table() == {(day(100), kinds.COMMENT_POSTED, None, 1)}
    rollup_events()
    assert {row[:2] for row in table()} == {(day(n), kinds.COMMENT_POSTED) for n in (100, 60, 10)}
    assert RollupState.objects.get().filled_until == day(1)


def test_until_counts_only_earlier_days_and_cannot_be_in_the_future():
    log(kinds.COMMENT_POSTED, 10)
    log(kinds.COMMENT_POSTED, 3)
    rollup_events(until=day(5))
    assert table() == {(day(10), kinds.COMMENT_POSTED, None, 1)}
    assert RollupState.objects.get().filled_until == day(6)
    rollup_events()
    assert len(table()) == 2
    with pytest.raises(ValueError, match="after today"):
        rollup_events(until=day(-1))


def test_rebuild_counts_the_whole_log_again():
    log(kinds.COMMENT_POSTED, 10, times=2)
    rollup_events()
    EventCount.objects.update(count=99)  # a table gone wrong (a restore, say)
    rollup_events(rebuild=True)
    assert table() == {(day(10), kinds.COMMENT_POSTED, None, 2)}


def test_deleting_an_initiative_keeps_the_totals():
    beaches = InitiativeFactory()
    log(kinds.CONTEST_ENTERED, 5, times=2, initiative=beaches)
    log(kinds.CONTEST_ENTERED, 5)
    rollup_events()
    assert table() == {
        (day(5), kinds.CONTEST_ENTERED, None, 3),
        (day(5), kinds.CONTEST_ENTERED, beaches.pk, 2),
    }
    beaches.delete()
    assert table() == {(day(5), kinds.CONTEST_ENTERED, None, 3)}
    rollup_events(rebuild=True)
    assert table() == {(day(5), kinds.CONTEST_ENTERED, None, 3)}


def test_events_recorded_through_the_service_are_counted():
    record_event(kind=kinds.IDEA_SUBMITTED, occurred_at=at(2))
    record_event(kind=kinds.IDEA_SUBMITTED, occurred_at=at(2), idempotency_key="idea:1")
    record_event(kind=kinds.IDEA_SUBMITTED, occurred_at=at(2), idempotency_key="idea:1")
    rollup_events_later()
    assert table() == {(day(2), kinds.IDEA_SUBMITTED, None, 2)}


def test_the_command():
    log(kinds.COMMENT_POSTED, 3, times=2)
    out = StringIO()
    call_command("rollup", stdout=out)
    assert "Counted 3 days into 1 rows" in out.getvalue()
    assert f"filled until {day(1).isoformat()}" in out.getvalue()
    call_command("rollup", "--rebuild", stdout=StringIO())
    assert table() == {(day(3), kinds.COMMENT_POSTED, None, 2)}
    for bad in ("yesterday", "2026-02-30", "'; DROP TABLE x; --", "9" * 500):
        with pytest.raises(CommandError, match="must be a date"):
            call_command("rollup", "--until", bad)
    with pytest.raises(CommandError, match="after today"):
        call_command("rollup", "--until", day(-3).isoformat())


def test_stale_means_a_missing_day_or_an_hour_old():
    assert rollups.rollup_is_stale(None)
    state = RollupState(name="event_counts", filled_until=day(1), updated_at=NOW)
    assert not rollups.rollup_is_stale(state)
    state.updated_at = NOW - dt.timedelta(minutes=61)
    assert rollups.rollup_is_stale(state)
    state.updated_at, state.filled_until = NOW, day(2)
    assert rollups.rollup_is_stale(state)
    assert timezone.now() == NOW
