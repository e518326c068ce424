"""Every object fetched with its permission checked, tried once against every persona.

Views and API handlers reach items, rights requests, campaign picks and
moderated subjects only through the ``get_<thing>_for(person, ...)``
functions; this is where who may have what is pinned down.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tellus.community.polls.queries import get_poll_for
from tellus.content import queries as content_queries
from tellus.content.models import CampaignPick, ContentItem, RightsRequest
from tellus.ideas.queries import get_idea_for
from tellus.people.services import consent_grant
from tellus.publishing.comments.models import Comment
from tellus.publishing.comments.queries import get_comment_for, get_subject_for
from tellus.publishing.comments.services import comment_post
from tellus.publishing.queries import get_subject_for_moderator
from tellus.publishing.subjects import kind_for_slug
from tests.community.poll_factories import closed_poll, make_poll
from tests.ideas.factories import make_idea
from tests.personas import PERSONAS

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(member):
    public = ContentItem.objects.create(
        contributor=member, kind="poem", title="Public", body="x", state="published"
    )
    consent_grant(person=member, purpose="website", subject=public)
    consent_grant(person=member, purpose="print", subject=public)
    pending = ContentItem.objects.create(
        contributor=member, kind="poem", title="Pending", body="x", state="pending"
    )
    unconsented = ContentItem.objects.create(
        contributor=member, kind="poem", title="No consent", body="x", state="published"
    )
    return {"public": public, "pending": pending, "unconsented": unconsented}


# Who gets each item for each action: the member owns all three items.
EXPECTED = {
    "view": {"public": set(PERSONAS), "pending": set(), "unconsented": set()},
    "share": {"public": set(PERSONAS), "pending": set(), "unconsented": set()},
    "report": {"public": set(PERSONAS), "pending": set(), "unconsented": set()},
    "read": {
        "public": set(PERSONAS),
        "pending": {"member"},
        "unconsented": {"member"},
    },
    "edit": {"public": {"member"}, "pending": {"member"}, "unconsented": {"member"}},
}


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("name", PERSONAS)
def test_content_items_by_persona_and_action(persona, items, action, name):
    person = persona(name)
    for label, item in items.items():
        found = content_queries.get_content_item_for(person, item.pk, action=action)
        allowed = name in EXPECTED[action][label]
        assert (found == item) is allowed, (name, action, label)


def test_an_unknown_action_is_a_programming_error(items, member):
    with pytest.raises(ValueError):
        content_queries.get_content_item_for(member, items["public"].pk, action="delete")


@pytest.mark.parametrize("name", PERSONAS)
def test_rights_requests_reach_only_the_contributor(persona, items, marketer, name):
    request = RightsRequest.objects.create(
        item=items["public"], requested_by=marketer, purpose="social", message="May we?"
    )
    found = content_queries.get_rights_request_for(persona(name), request.pk)
    assert (found == request) is (name == "member")


@pytest.mark.parametrize("name", PERSONAS)
def test_published_items_for_staff_pages_follow_each_pages_permission(persona, items, name):
    person = persona(name)
    for permission, allowed in (
        ("content.request_rights", {"marketer", "admin"}),
        ("content.pick_for_campaign", {"marketer", "admin"}),
    ):
        found = content_queries.get_published_item_for_staff(
            person, items["public"].pk, permission=permission
        )
        assert (found == items["public"]) is (name in allowed), (name, permission)
        # Never an unpublished item, whoever asks.
        assert (
            content_queries.get_published_item_for_staff(
                person, items["pending"].pk, permission=permission
            )
            is None
        )


@pytest.mark.parametrize("name", PERSONAS)
def test_campaign_picks_reach_those_who_pick(persona, items, marketer, name):
    pick = CampaignPick.objects.create(
        item=items["public"], purpose="print", campaign="Spring", picked_by=marketer
    )
    found = content_queries.get_campaign_pick_for(persona(name), pick.pk)
    assert (found == pick) is (name in {"marketer", "admin"})


@pytest.mark.parametrize("name", PERSONAS)
def test_subjects_in_any_state_reach_only_moderators(persona, items, name):
    kind = kind_for_slug("content")
    assert kind is not None
    found = get_subject_for_moderator(persona(name), kind, items["pending"].pk)
    assert (found == items["pending"]) is (name in {"moderator", "admin"})


# --- The idea board -----------------------------------------------------------


@pytest.fixture
def ideas(member):
    public = make_idea(member, title="Public idea")
    pending = make_idea(member, title="Pending idea", state="pending")
    unconsented = make_idea(member, title="No consent", website=False)
    merged = make_idea(member, title="Merged idea", status="merged", merged_into=public)
    return {"public": public, "pending": pending, "unconsented": unconsented, "merged": merged}


EVERYONE = set(PERSONAS)
MEMBERS = EVERYONE - {"visitor"}
RESPONDERS = {"marketer", "admin"}
IDEA_EXPECTED = {
    "view": {"public": EVERYONE, "pending": set(), "unconsented": set(), "merged": EVERYONE},
    "share": {"public": EVERYONE, "pending": set(), "unconsented": set(), "merged": EVERYONE},
    "report": {"public": EVERYONE, "pending": set(), "unconsented": set(), "merged": EVERYONE},
    "endorse": {"public": MEMBERS, "pending": set(), "unconsented": set(), "merged": set()},
    "read": {
        "public": EVERYONE,
        "pending": {"member"},
        "unconsented": {"member"},
        "merged": EVERYONE,
    },
    "respond": {
        "public": RESPONDERS,
        "pending": RESPONDERS,
        "unconsented": RESPONDERS,
        "merged": RESPONDERS,
    },
}


@pytest.mark.parametrize("action", list(IDEA_EXPECTED))
@pytest.mark.parametrize("name", PERSONAS)
def test_ideas_by_persona_and_action(persona, ideas, action, name):
    person = persona(name)
    for label, idea in ideas.items():
        found = get_idea_for(person, idea.pk, action=action)
        allowed = name in IDEA_EXPECTED[action][label]
        assert (found == idea) is allowed, (name, action, label)


def test_an_unknown_idea_action_is_a_programming_error(ideas, member):
    with pytest.raises(ValueError):
        get_idea_for(member, ideas["public"].pk, action="delete")


@pytest.mark.parametrize("name", PERSONAS)
def test_ideas_in_any_state_reach_only_moderators(persona, ideas, name):
    kind = kind_for_slug("idea")
    assert kind is not None
    found = get_subject_for_moderator(persona(name), kind, ideas["pending"].pk)
    assert (found == ideas["pending"]) is (name in {"moderator", "admin"})


# --- Comments and the subjects they are about --------------------------------


@pytest.fixture
def comments(member, other_member, items, settings):
    settings.TELLUS_COMMENTS_TRUSTED_AFTER = 0
    public = comment_post(author=member, subject=items["public"], body="Public comment")
    pending = comment_post(author=member, subject=items["public"], body="Waiting comment")
    Comment.objects.filter(pk=pending.pk).update(state="pending")
    on_hidden = comment_post(author=member, subject=items["public"], body="On a hidden item")
    hidden_item = ContentItem.objects.create(
        contributor=other_member, kind="poem", title="Later hidden", body="x", state="published"
    )
    consent_grant(person=other_member, purpose="website", subject=hidden_item)
    Comment.objects.filter(pk=on_hidden.pk).update(
        subject_id=hidden_item.pk, subject_type="content.contentitem"
    )
    ContentItem.objects.filter(pk=hidden_item.pk).update(state="hidden")
    return {"public": public, "pending": pending, "on_hidden": on_hidden}


# The member wrote all three comments.
COMMENT_EXPECTED = {
    "view": {"public": EVERYONE, "pending": set(), "on_hidden": set()},
    "report": {"public": EVERYONE, "pending": set(), "on_hidden": set()},
    "react": {"public": EVERYONE, "pending": set(), "on_hidden": set()},
    "edit": {"public": {"member"}, "pending": {"member"}, "on_hidden": {"member"}},
    "delete": {"public": {"member"}, "pending": {"member"}, "on_hidden": {"member"}},
}


@pytest.mark.parametrize("action", list(COMMENT_EXPECTED))
@pytest.mark.parametrize("name", PERSONAS)
def test_comments_by_persona_and_action(persona, comments, action, name):
    for label, comment in comments.items():
        found = get_comment_for(persona(name), comment.pk, action=action)
        assert (found == comment) is (name in COMMENT_EXPECTED[action][label]), (action, label)


@pytest.mark.parametrize("action", ["view", "comment", "react"])
@pytest.mark.parametrize("name", PERSONAS)
def test_subjects_to_comment_on_are_public_ones_for_everyone(persona, items, action, name):
    for label, item in items.items():
        found = get_subject_for(persona(name), "content", item.pk, action=action)
        assert (found == item) is (label == "public"), (action, label)
    assert get_subject_for(persona(name), "no-such-kind", items["public"].pk) is None


def test_a_comment_takes_reactions_but_not_comments(member, comments):
    pk = comments["public"].pk
    assert get_subject_for(member, "comment", pk, action="react") == comments["public"]
    assert get_subject_for(member, "comment", pk, action="comment") is None
    with pytest.raises(ValueError):
        get_subject_for(member, "comment", pk, action="delete")


# --- Polls --------------------------------------------------------------------


@pytest.fixture
def polls(db):
    return {
        "open": make_poll(),
        "closed": closed_poll(),
        "hidden": make_poll(state="hidden"),
        "future": make_poll(opened_ago=dt.timedelta(days=-1)),
    }


MANAGERS = {"marketer", "admin"}
ALL_POLLS = {"open": MANAGERS, "closed": MANAGERS, "hidden": MANAGERS, "future": MANAGERS}
POLL_EXPECTED = {
    "view": {"open": EVERYONE, "closed": EVERYONE, "hidden": set(), "future": set()},
    "share": {"open": EVERYONE, "closed": EVERYONE, "hidden": set(), "future": set()},
    "report": {"open": EVERYONE, "closed": EVERYONE, "hidden": set(), "future": set()},
    # A closed poll is still found for a vote: the service refuses it with its reason.
    "vote": {"open": MEMBERS, "closed": MEMBERS, "hidden": set(), "future": set()},
    "manage": ALL_POLLS,
}


@pytest.mark.parametrize("action", list(POLL_EXPECTED))
@pytest.mark.parametrize("name", PERSONAS)
def test_polls_by_persona_and_action(persona, polls, action, name):
    for label, poll in polls.items():
        found = get_poll_for(persona(name), poll.pk, action=action)
        assert (found == poll) is (name in POLL_EXPECTED[action][label]), (action, label)


def test_an_unknown_poll_action_is_a_programming_error(polls, member):
    with pytest.raises(ValueError):
        get_poll_for(member, polls["open"].pk, action="delete")


# --- Conversations with the destination -------------------------------------------


@pytest.fixture
def conversations(member, other_member):
    from tests.community.conversation_factories import ask

    return {
        "own": ask(member, subject="Mine"),
        "others": ask(other_member, subject="Another's"),
        "visitors": ask(None, email="walk-in@example.net", subject="A visitor's"),
    }


CONVERSATION_ACCESS = {
    # action: persona -> which conversations it may have
    "read": {"member": {"own"}, "other_member": {"others"}},
    "reply": {"member": {"own"}, "other_member": {"others"}},
    "answer": {name: {"own", "others", "visitors"} for name in ("moderator", "marketer", "admin")},
}


@pytest.mark.parametrize("action", sorted(CONVERSATION_ACCESS))
@pytest.mark.parametrize("name", PERSONAS)
def test_conversations_by_persona_and_action(persona, conversations, action, name):
    from tellus.community.conversations.queries import get_conversation_for

    person = persona(name)
    allowed = CONVERSATION_ACCESS[action].get(name, set())
    for label, conversation in conversations.items():
        found = get_conversation_for(person, conversation.pk, action=action)
        assert (found == conversation) is (label in allowed), (name, action, label)


def test_a_visitors_conversation_is_reached_only_with_its_own_token(conversations):
    from tellus.community.conversations import tokens
    from tellus.community.conversations.queries import get_conversation_by_token

    visitors, own = conversations["visitors"], conversations["own"]
    good = tokens.make_token(visitors.pk, visitors.access_key)
    assert get_conversation_by_token(good).conversation == visitors
    assert get_conversation_by_token(tokens.make_token(own.pk, own.access_key)).conversation is None
    assert get_conversation_by_token(tokens.make_token(visitors.pk, "x")).conversation is None


def test_an_unknown_conversation_action_is_a_programming_error(conversations, member):
    from tellus.community.conversations.queries import get_conversation_for

    with pytest.raises(ValueError):
        get_conversation_for(member, conversations["own"].pk, action="delete")
