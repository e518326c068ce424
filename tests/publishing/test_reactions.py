"""Reactions: a small fixed set, one of each per member and subject, toggled in place."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.test import Client

from tellus.engagement import kinds
from tellus.engagement.models import Event
from tellus.people.privacy import person_erase
from tellus.publishing.comments.models import Reaction
from tellus.publishing.comments.services import reaction_add, reaction_toggle
from tellus.publishing.services import PublishingError
from tests.content.factories import ContentItemFactory
from tests.factories import PersonFactory
from tests.publishing.comment_helpers import published_comment

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def item(other_member):
    return ContentItemFactory(contributor=other_member, title="Papagayo beach")


@pytest.fixture
def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def react(client: Client, item, type: str, **headers):
    return client.post(f"/reactions/content/{item.pk}/", {"type": type}, **headers)


def test_the_item_page_shows_every_reaction_with_its_count(client, item):
    for person in PersonFactory.create_batch(2):
        reaction_add(member=person, subject=item, type="want_to_go")
    body = client.get(f"/content/{item.pk}/").content.decode()
    for label in ("Like", "Love it", "I want to go", "Helpful"):
        assert label in body
    assert (
        f'id="reaction-content-{item.pk}-want_to_go" class="small" aria-pressed="false">'
        'I want to go <span class="reaction-count">2</span>' in body
    )


def test_htmx_toggles_a_reaction_in_place(member_client, item):
    response = react(member_client, item, "love", **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and body.startswith('<div id="reactions-content-')
    assert 'aria-pressed="true">Love it <span class="reaction-count">1' in body
    assert "<html" not in body
    body = react(member_client, item, "love", **HTMX).content.decode()
    assert 'aria-pressed="false">Love it <span class="reaction-count">0' in body
    assert not Reaction.objects.exists()


def test_a_plain_form_post_reacts_and_goes_back_to_the_page(member_client, item):
    response = react(member_client, item, "helpful")
    assert response.status_code == 302 and response["Location"] == f"/content/{item.pk}/"
    page = member_client.get(f"/content/{item.pk}/").content.decode()
    assert '-helpful" class="small" aria-pressed="true">' in page


def test_a_visitor_is_sent_to_log_in(client, item):
    assert react(client, item, "like")["Location"].startswith("/accounts/login/")
    response = react(client, item, "like", **HTMX)
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/accounts/login/")
    assert not Reaction.objects.exists()


def test_an_unknown_reaction_is_refused_with_a_message(member_client, item):
    body = react(member_client, item, "<script>", **HTMX).content.decode()
    assert "Unknown reaction." in body and "<script>" not in body
    assert not Reaction.objects.exists()


def test_a_reaction_to_a_non_public_item_is_refused(member_client, other_member):
    hidden = ContentItemFactory(contributor=other_member, state="hidden")
    assert react(member_client, hidden, "like").status_code == 404
    assert member_client.post("/reactions/nothing/1/", {"type": "like"}).status_code == 404


def test_members_cannot_react_to_their_own_contribution(member, other_member, item):
    with pytest.raises(PublishingError) as refused:
        reaction_add(member=other_member, subject=item, type="love")
    assert refused.value.code == "own_contribution"


def test_the_database_keeps_one_reaction_of_each_type_per_member(member, item):
    assert reaction_add(member=member, subject=item, type="like") is True
    assert reaction_add(member=member, subject=item, type="like") is False
    assert reaction_add(member=member, subject=item, type="love") is True
    with pytest.raises(IntegrityError):
        Reaction.objects.create(
            subject_type="content.contentitem", subject_id=item.pk, member=member, type="like"
        )


def test_the_engagement_log_records_a_reaction_once_per_member_subject_and_type(member, item):
    for _ in range(3):
        reaction_toggle(member=member, subject=item, type="like")  # on, off, on
    reaction_add(member=member, subject=item, type="love")
    events = Event.objects.filter(kind=kinds.REACTION_ADDED, member=member)
    assert events.count() == 2
    assert set(events.values_list("subject_id", flat=True)) == {item.pk}


def test_comments_take_reactions_too(member, other_member, item, settings):
    settings.TELLUS_COMMENTS_TRUSTED_AFTER = 0
    comment = published_comment(other_member, item, "Go at low tide.")
    client = Client()
    client.force_login(member)
    response = client.post(f"/reactions/comment/{comment.pk}/", {"type": "helpful"}, **HTMX)
    assert 'aria-pressed="true">Helpful <span class="reaction-count">1' in response.content.decode()


def test_erasure_keeps_the_counts_without_saying_whose(member, item):
    reaction_add(member=member, subject=item, type="love")
    person_erase(person=member, keep_consented_contributions=False)
    reaction = Reaction.objects.get()
    assert reaction.member is None and reaction.type == "love"
