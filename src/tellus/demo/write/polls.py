"""Writes the monthly polls (:mod:`tellus.demo.plan.polls`): polls, options, votes, choices.

Written after the event log: each vote's ``poll.voted`` event (the same
member and moment) then names its poll as subject and the "Question of the
month" initiative, as a vote cast through the site would. The open poll
closes a week after the seeding at the earliest, so that a demo seeded up
to a past day still has a question to answer.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from tellus.community.polls.models import Choice, Option, Poll, Vote
from tellus.demo.plan.polls import PollPlan
from tellus.demo.write.bulk import after, move_sequences_past, next_id
from tellus.engagement import kinds as K
from tellus.engagement.models import Event, Initiative
from tellus.people.models import Person

INITIATIVE = "question-of-the-month"
LABEL = Poll._meta.label_lower


def write_polls(plan: PollPlan, *, start: dt.datetime, base: int, marketer: Person) -> None:
    """Every planned poll with its options and votes; the log's vote events name their poll."""
    initiative = Initiative.objects.filter(slug=INITIATIVE).first()
    soonest = timezone.now() + dt.timedelta(days=7)
    polls, options, votes, choices = [], [], [], []
    option_pk, vote_pk = next_id(Option), next_id(Vote)
    for planned in plan.polls:
        opens = after(start, planned.opens)
        closes = after(start, planned.closes)
        polls.append(
            Poll(
                pk=planned.pk,
                created_by=marketer,
                question=planned.question,
                kind=planned.kind,
                max_choices=planned.max_choices,
                show_results=planned.show_results,
                opens_at=opens,
                closes_at=max(closes, soonest) if planned.is_open else closes,
                initiative=initiative,
                state=Poll.State.PUBLISHED,
                created_at=opens - dt.timedelta(days=2),
                published_at=opens,
            )
        )
        ids = []
        for position, text in enumerate(planned.options):
            options.append(Option(pk=option_pk, poll_id=planned.pk, text=text, position=position))
            ids.append(option_pk)
            option_pk += 1
        for member, seconds, chosen in planned.votes:
            votes.append(
                Vote(
                    pk=vote_pk,
                    poll_id=planned.pk,
                    member_id=base + member,
                    created_at=after(start, seconds),
                )
            )
            choices += [
                Choice(vote_id=vote_pk, option_id=ids[c], poll_id=planned.pk) for c in chosen
            ]
            vote_pk += 1
    Poll.objects.bulk_create(polls)
    Option.objects.bulk_create(options, batch_size=1000)
    Vote.objects.bulk_create(votes, batch_size=1000)
    Choice.objects.bulk_create(choices, batch_size=1000)
    _name_the_events(plan, start=start, base=base, initiative=initiative)
    if connection.vendor == "postgresql":
        move_sequences_past([Poll, Option, Vote, Choice])


def _name_the_events(
    plan: PollPlan, *, start: dt.datetime, base: int, initiative: Initiative | None
) -> None:
    poll_of: dict[tuple[int | None, dt.datetime], int] = {
        (base + member, after(start, seconds)): planned.pk
        for planned in plan.polls
        for member, seconds, _chosen in planned.votes
    }
    if not poll_of:
        return
    events = Event.objects.filter(
        kind=K.POLL_VOTED,
        subject_type="",
        occurred_at__gte=after(start, plan.polls[0].opens),
    ).only("pk", "member_id", "occurred_at")
    renamed = []
    for event in events:
        pk = poll_of.pop((event.member_id, event.occurred_at), None)
        if pk is not None:
            event.subject_type, event.subject_id = LABEL, pk
            event.initiative = initiative
            renamed.append(event)
    Event.objects.bulk_update(renamed, ["subject_type", "subject_id", "initiative"], batch_size=500)
