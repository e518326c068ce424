"""A member's votes in their archive; erasure keeps them as counts without saying whose."""

from __future__ import annotations

import pytest

from tellus.community.polls.models import Vote
from tellus.community.polls.queries import counts_of
from tellus.community.polls.services import poll_vote
from tellus.people.privacy import person_erase, person_export
from tests.community.poll_factories import make_poll, option_ids

pytestmark = pytest.mark.django_db


def test_the_archive_holds_the_members_votes(member, other_member):
    poll = make_poll(kind="multiple", max_choices=2)
    poll_vote(poll=poll, member=member, option_ids=option_ids(poll)[:2])
    poll_vote(poll=poll, member=other_member, option_ids=option_ids(poll)[2:])
    [vote] = person_export(person=member)["polls"]["poll_votes"]
    assert vote["poll"] == poll.pk and vote["question"] == poll.question
    assert vote["choices"] == ["Sea caves by kayak", "A food market"]


@pytest.mark.parametrize("keep", [True, False])
def test_erasure_keeps_the_counts_and_forgets_whose(member, other_member, keep):
    poll = make_poll()
    poll_vote(poll=poll, member=member, option_ids=option_ids(poll)[:1])
    poll_vote(poll=poll, member=other_member, option_ids=option_ids(poll)[:1])
    before = counts_of([poll])
    person_erase(person=member, keep_consented_contributions=keep)
    assert counts_of([poll]) == before
    assert Vote.objects.filter(poll=poll).count() == 2
    assert not Vote.objects.filter(member=member).exists()
    assert person_export(person=member)["polls"]["poll_votes"] == []
