"""The demo's "Question of the month": one open poll, closed monthly ones with results, all
agreeing with the engagement log's poll votes."""

from __future__ import annotations

import pytest
from django.db.models import Count, F
from django.test import Client
from django.utils import timezone

from tellus.community.polls.models import Choice, Poll, Vote
from tellus.demo import plan
from tellus.demo.plan.polls import plan_polls
from tellus.engagement import kinds
from tellus.engagement.models import Event
from tests.demo.test_demo import demo_output  # noqa: F401 (the seeded demo, once per class)


def test_the_poll_plan_is_the_same_twice_and_needs_no_database() -> None:
    world = plan.simulate(300, 5)
    first, again = (plan_polls(world, size="small", seed=5, first_id=1) for _ in range(2))
    assert first.polls == again.polls
    other = plan_polls(plan.simulate(300, 6), size="small", seed=6, first_id=1)
    assert first.polls != other.polls
    assert [p.pk for p in first.polls] == list(range(1, len(first.polls) + 1))
    assert [p.is_open for p in first.polls].count(True) == 1
    for poll in first.polls:
        members = [member for member, _s, _c in poll.votes]
        assert len(members) == len(set(members))
        assert all(poll.opens <= s < poll.closes for _m, s, _c in poll.votes)
        assert all(1 <= len(c) <= poll.max_choices for _m, _s, c in poll.votes)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_output")
class TestSeededPolls:
    def test_one_open_question_of_the_month_and_closed_ones_with_votes(self) -> None:
        now = timezone.now()
        polls = list(Poll.objects.annotate(voters=Count("votes")).order_by("opens_at"))
        assert len(polls) >= 4
        assert [p.closes_at > now for p in polls] == [False] * (len(polls) - 1) + [True]
        assert all(p.initiative and p.initiative.slug == "question-of-the-month" for p in polls)
        assert all(p.voters > 0 for p in polls[:-1])
        assert Poll.objects.filter(kind="multiple").exists()
        assert not Choice.objects.exclude(option__poll_id=F("poll_id")).exists()

    def test_every_vote_is_a_poll_voted_event_of_the_same_member_and_moment(self) -> None:
        events = {
            (e.subject_id, e.member_id): e
            for e in Event.objects.filter(kind=kinds.POLL_VOTED, subject_type="polls.poll")
        }
        votes = list(Vote.objects.select_related("poll"))
        assert votes and len(events) == len(votes)
        for vote in votes:
            event = events[(vote.poll_id, vote.member_id)]
            assert event.occurred_at == vote.created_at
            assert vote.poll.opens_at <= vote.created_at < vote.poll.closes_at
            assert event.initiative_id == vote.poll.initiative_id

    def test_the_polls_page_shows_the_open_question_and_closed_results(self) -> None:
        body = Client().get("/polls/").content.decode()
        latest = Poll.objects.order_by("-opens_at").first()
        assert latest is not None and latest.question in body
        assert "<table" in body and "%" in body
        home = Client().get("/").content.decode()
        assert 'href="/polls/initiative/question-of-the-month/"' in home
