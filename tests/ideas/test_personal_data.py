"""A member's ideas and endorsements in their archive; erasure keeps only consented public ideas."""

from __future__ import annotations

import pytest

from tellus.ideas.models import Endorsement, Idea
from tellus.people.privacy import person_erase, person_export
from tests.ideas.factories import make_idea

pytestmark = pytest.mark.django_db


def test_the_archive_holds_the_members_ideas_and_endorsements(member, other_member):
    own = make_idea(member, title="My idea")
    theirs = make_idea(other_member, title="Their idea")
    Endorsement.objects.create(idea=theirs, member=member)
    archive = person_export(person=member)["ideas"]
    assert [i["title"] for i in archive["ideas"]] == ["My idea"]
    assert archive["ideas"][0]["id"] == own.pk
    assert [e["idea"] for e in archive["endorsements"]] == [theirs.pk]


def test_erasure_keeps_public_consented_ideas_and_endorsement_counts(member, other_member):
    kept = make_idea(member, title="Public idea")
    make_idea(member, title="Pending idea", state="pending")
    make_idea(member, title="Unconsented idea", website=False)
    theirs = make_idea(other_member)
    Endorsement.objects.create(idea=theirs, member=member)
    person_erase(person=member)
    assert list(Idea.objects.filter(contributor=member)) == [kept]
    assert Endorsement.objects.filter(idea=theirs).count() == 1


def test_erasure_without_keeping_removes_every_idea(member):
    make_idea(member)
    person_erase(person=member, keep_consented_contributions=False)
    assert not Idea.objects.filter(contributor=member).exists()
