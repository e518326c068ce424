"""Voting: once per member and poll, changeable until closing, refused with a reason otherwise."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tellus.community.polls.models import Choice, Poll, Vote
from tellus.community.polls.services import PollDetails, PollError, poll_close, poll_open, poll_vote
from tellus.engagement import kinds
from tellus.engagement.models import Event
from tests.community.poll_factories import closed_poll, make_poll, option_ids
from tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def events_of(member) -> list[Event]:
    return list(Event.objects.filter(kind=kinds.POLL_VOTED, member=member))


def test_a_single_choice_vote_counts_once_with_the_polls_initiative(member):
    initiative = InitiativeFactory(slug="question-of-the-month", contribution="poll")
    poll = make_poll(initiative=initiative)
    first, *_ = option_ids(poll)
    vote, outcome = poll_vote(poll=poll, member=member, option_ids=[first])
    assert outcome == "created"
    assert list(vote.choices.values_list("option_id", flat=True)) == [first]
    [event] = events_of(member)
    assert event.initiative == initiative and event.subject_id == poll.pk
    assert event.subject_type == "polls.poll"


def test_a_changed_vote_replaces_the_choice_and_does_not_count_twice(member):
    poll = make_poll()
    first, second, _third = option_ids(poll)
    poll_vote(poll=poll, member=member, option_ids=[first])
    _vote, outcome = poll_vote(poll=poll, member=member, option_ids=[second])
    assert outcome == "changed"
    assert list(Choice.objects.filter(poll=poll).values_list("option_id", flat=True)) == [second]
    assert Vote.objects.get(poll=poll, member=member).changed_at is not None
    assert poll_vote(poll=poll, member=member, option_ids=[second])[1] == "unchanged"
    assert len(events_of(member)) == 1


def test_two_votes_at_the_same_moment_are_recorded_once(member):
    """The second call finds the row the first made (the unique constraint's path)."""
    poll = make_poll()
    first, second, _ = option_ids(poll)
    poll_vote(poll=poll, member=member, option_ids=[first])
    poll_vote(poll=poll, member=member, option_ids=[second])
    assert Vote.objects.filter(poll=poll, member=member).count() == 1
    assert len(events_of(member)) == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(poll=poll, member=member)


def test_a_multiple_choice_vote_keeps_its_options_up_to_the_maximum(member):
    poll = make_poll(kind="multiple", max_choices=2)
    first, second, third = option_ids(poll)
    poll_vote(poll=poll, member=member, option_ids=[first, third, first])
    assert set(Choice.objects.filter(poll=poll).values_list("option_id", flat=True)) == {
        first,
        third,
    }
    with pytest.raises(PollError) as refused:
        poll_vote(poll=poll, member=member, option_ids=[first, second, third])
    assert refused.value.code == "too_many" and "at most 2" in refused.value.message
    _vote, outcome = poll_vote(poll=poll, member=member, option_ids=[second])
    assert outcome == "changed" and len(events_of(member)) == 1


@pytest.mark.parametrize(
    ("ballot", "code"),
    [
        ([], "no_choice"),
        ("two", "too_many"),
        ("other", "wrong_option"),
        ([999_999], "wrong_option"),
    ],
)
def test_a_ballot_the_poll_does_not_allow_is_refused_and_nothing_is_written(member, ballot, code):
    poll = make_poll()
    other = make_poll(question="Another question?")
    if ballot == "two":
        ballot = option_ids(poll)[:2]
    elif ballot == "other":
        ballot = option_ids(other)[:1]
    with pytest.raises(PollError) as refused:
        poll_vote(poll=poll, member=member, option_ids=ballot)
    assert refused.value.code == code and refused.value.message
    assert not Vote.objects.exists() and not events_of(member)


def test_a_vote_after_closing_or_before_opening_is_refused(member):
    poll = closed_poll()
    with pytest.raises(PollError) as refused:
        poll_vote(poll=poll, member=member, option_ids=option_ids(poll)[:1])
    assert refused.value.code == "closed" and "no longer" in refused.value.message
    later = make_poll(opened_ago=dt.timedelta(days=-1))
    with pytest.raises(PollError) as early:
        poll_vote(poll=later, member=member, option_ids=option_ids(later)[:1])
    assert early.value.code == "not_open"
    assert not Vote.objects.exists()


def test_a_vote_cannot_be_changed_once_the_poll_closed(member):
    poll = make_poll()
    first, second, _ = option_ids(poll)
    poll_vote(poll=poll, member=member, option_ids=[first])
    with pytest.raises(PollError):
        poll_vote(
            poll=poll,
            member=member,
            option_ids=[second],
            now=poll.closes_at + dt.timedelta(seconds=1),
        )
    assert list(Choice.objects.values_list("option_id", flat=True)) == [first]


def test_a_suspended_member_or_a_hidden_poll_takes_no_vote(member):
    poll = make_poll()
    member.is_active = False
    member.save()
    with pytest.raises(PollError) as refused:
        poll_vote(poll=poll, member=member, option_ids=option_ids(poll)[:1])
    assert refused.value.code == "not_allowed"
    member.is_active = True
    member.save()
    Poll.objects.filter(pk=poll.pk).update(state=Poll.State.HIDDEN)
    poll.refresh_from_db()
    with pytest.raises(PollError):
        poll_vote(poll=poll, member=member, option_ids=option_ids(poll)[:1])


def test_staff_open_a_published_poll_with_two_to_twelve_options(marketer):
    closes = timezone.now() + dt.timedelta(days=3)
    poll = poll_open(
        staff=marketer,
        details=PollDetails(
            question=" Best beach? ", options=["North", " South  bay ", ""], closes_at=closes
        ),
    )
    assert poll.state == Poll.State.PUBLISHED and poll.question == "Best beach?"
    assert list(poll.options.values_list("text", flat=True)) == ["North", "South bay"]
    for options in (["Only one"], [f"Option {n}" for n in range(13)], ["Same", "same"]):
        with pytest.raises(PollError) as refused:
            poll_open(
                staff=marketer,
                details=PollDetails(question="Q?", options=options, closes_at=closes),
            )
        assert refused.value.field == "options"
    with pytest.raises(PollError) as past:
        poll_open(
            staff=marketer,
            details=PollDetails(
                question="Q?", options=["A", "B"], closes_at=timezone.now() - dt.timedelta(days=1)
            ),
        )
    assert past.value.field == "closes_at"
    with pytest.raises(PollError) as many:
        poll_open(
            staff=marketer,
            details=PollDetails(
                question="Q?", options=["A", "B"], closes_at=closes, kind="multiple", max_choices=3
            ),
        )
    assert many.value.field == "max_choices"


def test_closing_early_makes_a_poll_closed(marketer, member):
    poll = make_poll()
    poll_close(poll=poll, staff=marketer)
    with pytest.raises(PollError) as refused:
        poll_vote(poll=poll, member=member, option_ids=option_ids(poll)[:1])
    assert refused.value.code == "closed"
    with pytest.raises(PollError):
        poll_close(poll=poll, staff=marketer)
