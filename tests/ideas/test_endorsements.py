"""Endorsing once, whatever the timing; withdrawing; the engagement log."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from tellus.engagement import kinds
from tellus.engagement.models import Event
from tellus.ideas.models import Endorsement
from tellus.ideas.services import IdeaError, idea_endorse
from tests.ideas.factories import make_idea

pytestmark = pytest.mark.django_db


def test_endorsing_twice_records_one_endorsement_and_one_event(member, other_member):
    idea = make_idea(member)
    first, created = idea_endorse(idea=idea, member=other_member)
    again, created_again = idea_endorse(idea=idea, member=other_member)
    assert created and not created_again and first == again
    assert Endorsement.objects.filter(idea=idea).count() == 1
    assert Event.objects.filter(kind=kinds.IDEA_ENDORSED, member=other_member).count() == 1


def test_the_database_refuses_a_second_row_even_when_the_code_is_bypassed(member, other_member):
    """What two requests at the same moment meet: the constraint, inside and outside a
    transaction; the service answers the loser with the existing endorsement."""
    idea = make_idea(member)
    Endorsement.objects.create(idea=idea, member=other_member)  # the request that won
    with pytest.raises(IntegrityError), transaction.atomic():
        Endorsement.objects.create(idea=idea, member=other_member)
    with transaction.atomic():  # the service, inside the caller's transaction
        _endorsement, created = idea_endorse(idea=idea, member=other_member)
        assert not created
    _endorsement, created = idea_endorse(idea=idea, member=other_member)  # and outside any
    assert not created
    assert Endorsement.objects.filter(idea=idea).count() == 1


def test_the_web_button_endorses_and_withdraws_with_htmx(client, member, other_member):
    idea = make_idea(member)
    client.force_login(other_member)
    url = f"/ideas/{idea.pk}/endorsement/"
    answer = client.post(url, HTTP_HX_REQUEST="true")
    body = answer.content.decode()
    assert answer.status_code == 200 and "Your endorsement is recorded." in body
    assert "1 member endorses this idea." in body and 'aria-live="polite"' in body
    client.post(url, HTTP_HX_REQUEST="true")  # a double click
    assert Endorsement.objects.filter(idea=idea).count() == 1
    answer = client.post(url, {"withdraw": "1"})
    assert answer.status_code == 302
    assert not Endorsement.objects.filter(idea=idea).exists()
    assert "0 members endorse this idea." in client.get(f"/ideas/{idea.pk}/").content.decode()


def test_one_cannot_endorse_ones_own_or_a_hidden_idea(client, member, other_member):
    idea = make_idea(member)
    with pytest.raises(IdeaError):
        idea_endorse(idea=idea, member=member)
    pending = make_idea(member, state="pending")
    client.force_login(other_member)
    assert client.post(f"/ideas/{pending.pk}/endorsement/").status_code == 404
    client.logout()
    assert client.post(f"/ideas/{idea.pk}/endorsement/").status_code == 302  # to the login
    assert not Endorsement.objects.exists()
