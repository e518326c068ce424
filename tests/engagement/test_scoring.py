"""Scoring: every member's engagement value computed from trips and the log, stored,
replaced whole on each run, and never half-written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from tellus.analytics.validation import AnalyticsInputError
from tellus.engagement import kinds
from tellus.engagement.models import EngagementValue, ScoringRun
from tellus.engagement.services import (
    record_event,
    request_scoring,
    score_members,
    trip_record,
)
from tellus.engagement.tasks import score_members_later
from tellus.people.privacy import person_erase, person_export
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.datetime(2026, 6, 30, 23, 0, tzinfo=dt.UTC)
START = dt.date(2024, 7, 1)


def _destination() -> dict[str, object]:
    """Members who travel (some often, some once), one who refers a friend, one who
    answers surveys, and one who does nothing."""
    people = {
        name: PersonFactory(display_name=name) for name in ("ana", "ben", "cleo", "dev", "eli")
    }
    spend = {"ana": Decimal("900"), "ben": Decimal("300"), "cleo": Decimal("1500")}
    visits = {"ana": [0, 120, 300, 480, 600], "ben": [30, 400], "cleo": [200]}
    for n in range(12):  # more travellers, so that the models can be fitted
        extra = PersonFactory()
        visits[extra.display_name] = [10 * n, 10 * n + 90 + 7 * n] if n % 3 else [15 * n]
        spend[extra.display_name] = Decimal(200 + 37 * n)
        people[extra.display_name] = extra
    for name, days in visits.items():
        for k, day in enumerate(days):
            arrival = START + dt.timedelta(days=day)
            trip_record(
                member=people[name],
                arrival=arrival,
                departure=arrival + dt.timedelta(days=4),
                spend=spend[name] + k,
            )
    joined = START + dt.timedelta(days=700)
    record_event(
        kind=kinds.REFERRAL_INVITED,
        member=people["dev"],
        occurred_at=dt.datetime.combine(joined, dt.time(9), tzinfo=dt.UTC),
    )
    record_event(
        kind=kinds.MEMBER_SIGNED_UP,
        member=people["eli"],
        attributed_to=people["dev"],
        channel="referral",
        occurred_at=dt.datetime.combine(joined, dt.time(12), tzinfo=dt.UTC),
    )
    for day in (705, 720):  # Eli travels after joining: what Dev brought has a value
        arrival = START + dt.timedelta(days=day)
        trip_record(
            member=people["eli"],
            arrival=arrival,
            departure=arrival,
            spend=Decimal("700"),
            referred_by=people["dev"],
        )
    for day in (550, 580, 610):
        record_event(
            kind=kinds.SURVEY_RESPONDED,
            member=people["cleo"],
            occurred_at=dt.datetime.combine(
                START + dt.timedelta(days=day), dt.time(10), tzinfo=dt.UTC
            ),
        )
    return people


def test_every_member_gets_each_part_and_the_sum():
    people = _destination()
    PersonFactory(display_name="idle")
    run = score_members(as_of=AS_OF)
    assert run.status == ScoringRun.Status.DONE
    assert run.progress == 100
    assert run.members == EngagementValue.objects.count() == len(people) + 1
    assert set(run.parameters["bgnbd"]) == {"r", "alpha", "a", "b"}
    values = {v.member.display_name: v for v in EngagementValue.objects.select_related("member")}
    for value in values.values():
        assert value.cev == pytest.approx(value.clv + value.crv + value.civ + value.ckv)
    # The frequent traveller is worth more in trips than the one-off one.
    assert values["ana"].expected_trips > values["cleo"].expected_trips
    assert values["ana"].clv > values["cleo"].clv > 0
    # Dev brought Eli: referral value, and an advocate's segment.
    assert values["dev"].crv > values["idle"].crv
    assert values["dev"].segment == "advocate"
    # Cleo taught the DMO through surveys.
    assert values["cleo"].ckv > values["ana"].ckv
    assert values["idle"].clv == 0 and values["idle"].segment == "passive_receiver"


def test_a_second_run_replaces_the_values():
    _destination()
    first = score_members(as_of=AS_OF)
    second = score_members(as_of=AS_OF)
    assert EngagementValue.objects.count() == first.members == second.members
    assert set(EngagementValue.objects.values_list("run", flat=True)) == {second.pk}
    # A finished run handed in again is not recomputed.
    with mock.patch("tellus.engagement.services._engagement_values") as compute:
        assert score_members(run=second).status == ScoringRun.Status.DONE
        score_members_later(run_id=second.pk)
    compute.assert_not_called()


def test_without_trips_or_events_everyone_is_scored_at_zero():
    PersonFactory.create_batch(3)
    run = score_members(as_of=AS_OF)
    assert run.status == ScoringRun.Status.DONE
    assert run.parameters["clv_note"] == "no trips yet"
    assert list(EngagementValue.objects.values_list("cev", "segment").distinct()) == [
        (0.0, "passive_receiver")
    ]


def test_too_few_repeat_trips_leave_lifetime_value_at_zero_and_say_why():
    for member in PersonFactory.create_batch(3):
        trip_record(member=member, arrival=START, departure=START, spend=Decimal("100"))
    run = score_members(as_of=AS_OF)
    assert run.status == ScoringRun.Status.DONE
    assert "repeat trip" in run.parameters["clv_note"]
    assert set(EngagementValue.objects.values_list("clv", flat=True)) == {0.0}


def test_a_failed_run_keeps_the_previous_values_and_says_why():
    _destination()
    good = score_members(as_of=AS_OF)
    before = dict(EngagementValue.objects.values_list("member_id", "cev"))
    with mock.patch(
        "tellus.engagement.services.engagement_segments",
        side_effect=AnalyticsInputError("events: column 'kind' has null(s)"),
    ):
        failed = score_members(as_of=AS_OF)
    assert failed.status == ScoringRun.Status.FAILED
    assert "null" in failed.error
    assert dict(EngagementValue.objects.values_list("member_id", "cev")) == before
    assert set(EngagementValue.objects.values_list("run", flat=True)) == {good.pk}
    with (
        mock.patch(
            "tellus.engagement.services.engagement_segments", side_effect=RuntimeError("disk full")
        ),
        pytest.raises(RuntimeError),
    ):
        score_members(as_of=AS_OF)
    crashed = ScoringRun.objects.first()
    assert crashed.status == ScoringRun.Status.FAILED
    assert "server log" in crashed.error and "disk full" not in crashed.error


def test_erased_members_are_not_scored_and_their_value_goes_with_them():
    people = _destination()
    score_members(as_of=AS_OF)
    archive = person_export(person=people["ana"])
    assert archive["engagement_value"]["lifetime_value"] > 0
    assert archive["engagement_value"]["segment"]
    assert person_export(person=PersonFactory())["engagement_value"] is None
    person_erase(person=people["ana"])
    assert not EngagementValue.objects.filter(member=people["ana"]).exists()
    score_members(as_of=AS_OF)
    assert not EngagementValue.objects.filter(member=people["ana"]).exists()


def test_a_requested_run_works_after_the_commit_and_only_once(django_capture_on_commit_callbacks):
    _destination()
    staff = PersonFactory()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        run = request_scoring(requested_by=staff)
        again = request_scoring(requested_by=staff)
    assert again.pk == run.pk and run.status == ScoringRun.Status.QUEUED
    assert ScoringRun.objects.count() == 1
    for callback in queued:
        callback()  # the Celery job (eager in tests)
    run.refresh_from_db()
    assert run.status == ScoringRun.Status.DONE
    assert run.requested_by == staff
    assert EngagementValue.objects.filter(run=run).count() == run.members
    with django_capture_on_commit_callbacks(execute=True):
        assert request_scoring(requested_by=staff).pk != run.pk


def test_the_score_command(capsys):
    _destination()
    call_command("score", "--quiet", "--as-of", "2026-06-30")
    out = capsys.readouterr().out
    assert "Scored 17 members as of 2026-06-30" in out
    assert ScoringRun.objects.get().as_of.date() == dt.date(2026, 6, 30)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("score", "--as-of", "30/06/2026")
    tomorrow = (timezone.now() + dt.timedelta(days=2)).date().isoformat()
    with pytest.raises(CommandError, match="future"):
        call_command("score", "--as-of", tomorrow)


def test_two_requests_at_the_same_moment_queue_one_run(django_capture_on_commit_callbacks):
    first = ScoringRun.objects.create(as_of=AS_OF)  # queued by the other request
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoringRun.objects.create(as_of=AS_OF)
    # This request looked before the other one wrote: it still gets the one run.
    with (
        mock.patch("django.db.models.query.QuerySet.first", return_value=None),
        django_capture_on_commit_callbacks(execute=False) as queued,
    ):
        assert request_scoring().pk == first.pk
    assert queued == [] and ScoringRun.objects.count() == 1
