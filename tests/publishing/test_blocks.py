"""The shared publishing blocks with three kinds of subject: content, posts and comments.

Posts and comments are the test app's (tests/publishing_kinds), standing for
the community hub's; content is the content hub's own.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tellus.content.models import ContentItem
from tellus.engagement import kinds
from tellus.engagement.models import Event
from tellus.people.services import consent_grant, consent_withdraw
from tellus.publishing.models import ModerationDecision, Report, Share
from tellus.publishing.queries import decisions_of_subject, public, reports_of
from tellus.publishing.services import (
    PublishingError,
    report_create,
    share_click,
    share_create,
)
from tellus.publishing.subjects import SubjectKind, register
from tests.factories import PersonFactory
from tests.helpers import assert_queries
from tests.publishing_kinds.models import Comment, Post

pytestmark = pytest.mark.django_db


def _content(contributor, *, state="pending", title="Lava", minutes_ago=0):
    return ContentItem.objects.create(
        contributor=contributor,
        kind="story",
        title=title,
        body="A **line**\nanother",
        state=state,
        created_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        published_at=timezone.now() if state == "published" else None,
    )


def _post(contributor, *, state="pending", title="Where to eat?", minutes_ago=0):
    return Post.objects.create(
        contributor=contributor,
        title=title,
        body="Any tips for the north?",
        state=state,
        created_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )


def _comment(contributor, post, *, state="pending", body="Try the harbour", minutes_ago=0):
    return Comment.objects.create(
        contributor=contributor,
        post=post,
        body=body,
        state=state,
        created_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )


def _report(subject, n, start=0):
    for i in range(start, start + n):
        report_create(
            subject=subject,
            reason="spam",
            details="",
            reporter=None,
            address_key=f"visitor-{i}",
            hide_after=3,
        )


def test_one_queue_lists_every_kind_longest_waiting_first(persona_client, member, other_member):
    post = _post(member, title="Oldest: a post", minutes_ago=30)
    _content(other_member, title="Then a story", minutes_ago=20)
    _comment(other_member, post, body="Newest: a comment", minutes_ago=10)
    reported = _post(member, state="published", title="Reported post", minutes_ago=60)
    _report(reported, 1)  # waits from its report, now: last
    _post(member, state="published", title="Quiet post")

    response = persona_client("moderator").get("/console/moderation/")
    assert response.status_code == 200
    entries = response.context["entries"]
    assert [str(e.subject) for e in entries] == [
        "Oldest: a post",
        "Then a story",
        "Newest: a comment",
        "Reported post",
    ]
    assert [e.kind.slug for e in entries] == ["post", "content", "reply", "post"]
    body = response.content.decode()
    assert "4 items to review" in body
    # Each kind previews itself; every kind gets the same decisions and links.
    assert '<blockquote class="text-preview">Any tips for the north?</blockquote>' in body
    assert '<blockquote class="text-preview">Newest: a comment</blockquote>' in body
    assert '<span class="badge">Post</span>' in body and '<span class="badge">Story</span>' in body
    assert '<blockquote class="text-preview">A line another</blockquote>' in body
    assert f'href="/console/moderation/post/{post.pk}/"' in body
    assert 'action="/console/moderation/reply/' in body
    assert "Published, reported 1 time" in body


def _fill_queue(n, people):
    original = _content(people[0], title="Original", state="published")
    for i in range(n):
        person = people[i % len(people)]
        post = _post(person, title=f"Post {i}", minutes_ago=3 * i)
        _comment(person, post, body=f"Comment {i}", minutes_ago=3 * i + 1)
        item = _content(person, title=f"Story {i}", minutes_ago=3 * i + 2)
        item.flags = ["near_duplicate", f"duplicate_of:{original.pk}"]
        item.save(update_fields=["flags"])


def test_the_queue_with_three_kinds_costs_the_same_whatever_its_length(persona_client):
    client = persona_client("moderator")
    people = PersonFactory.create_batch(3)
    _fill_queue(1, people)
    client.get("/console/moderation/")  # session and branding caches
    # 4 for the session and permissions; the queue's count and its page of
    # (kind, id) rows; one query per kind on the page (3); all open reports
    # (1); content's near-duplicates (1).
    with assert_queries(11):
        response = client.get("/console/moderation/")
    assert len(response.context["entries"]) == 3
    _fill_queue(12, people)
    with assert_queries(11):
        response = client.get("/console/moderation/?page=1")
    assert len(response.context["entries"]) == 20
    assert {e.kind.slug for e in response.context["entries"]} == {"post", "reply", "content"}
    with assert_queries(11):
        response = client.get("/console/moderation/?page=2")
    assert {e.kind.slug for e in response.context["entries"]} == {"post", "reply", "content"}


def test_a_decision_on_a_post_goes_through_the_same_endpoint_and_audit_log(
    persona_client, moderator, member
):
    post = _post(member)
    client = persona_client("moderator")
    refused = client.post(f"/console/moderation/post/{post.pk}/decide/", {"action": "reject"})
    assert (
        refused.status_code == 200 and "Give the contributor a reason." in refused.content.decode()
    )
    post.refresh_from_db()
    assert post.state == "pending" and not ModerationDecision.objects.exists()

    done = client.post(
        f"/console/moderation/post/{post.pk}/decide/",
        {"action": "reject", "reason": "Off topic"},
    )
    assert done.status_code == 302
    post.refresh_from_db()
    assert (post.state, post.moderation_note) == ("rejected", "Off topic")
    decision = decisions_of_subject(post).get()
    assert (decision.subject_type, decision.moderator, decision.action) == (
        "publishing_kinds.post",
        moderator,
        "reject",
    )
    page = client.get(f"/console/moderation/post/{post.pk}/").content.decode()
    assert "Audit log" in page and "Off topic" in page
    # A kind nobody registered, or an id of another kind, is not found.
    assert client.get(f"/console/moderation/idea/{post.pk}/").status_code == 404
    assert client.get("/console/moderation/reply/999999/").status_code == 404


def test_old_addresses_of_the_queue_lead_to_the_content_item(persona_client, member):
    item = _content(member)
    response = persona_client("moderator").get(f"/console/moderation/{item.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/console/moderation/content/{item.pk}/"


@pytest.mark.parametrize("persona", ["visitor", "member", "marketer", "analyst"])
def test_only_moderators_see_and_decide(persona_client, persona, member):
    post = _post(member)
    client = persona_client(persona)
    for response in (
        client.get("/console/moderation/"),
        client.get(f"/console/moderation/post/{post.pk}/"),
        client.post(f"/console/moderation/post/{post.pk}/decide/", {"action": "approve"}),
    ):
        assert response.status_code == (302 if persona == "visitor" else 403)
    post.refresh_from_db()
    assert post.state == "pending"


def test_reports_count_once_per_member_and_per_visitor_a_day_and_hide_after_enough(
    member, other_member, settings
):
    post = _post(member, state="published")
    comment = _comment(member, post, state="published")
    for _ in range(3):  # the same member three times is one report
        report_create(
            subject=comment, reason="spam", details="", reporter=other_member,
            address_key="x", hide_after=3,
        )  # fmt: skip
    for _ in range(2):  # the same visitor (one daily address hash) twice is one report
        report_create(
            subject=comment, reason="offensive", details="", reporter=None,
            address_key="hash-a", hide_after=3,
        )  # fmt: skip
    comment.refresh_from_db()
    assert reports_of(comment).count() == 2 and comment.state == "published"
    # The same visitor reporting the post counts for the post, not the comment.
    report_create(
        subject=post, reason="spam", details="", reporter=None, address_key="hash-a", hide_after=3
    )
    assert reports_of(post).count() == 1
    report_create(
        subject=comment, reason="privacy", details="me", reporter=None,
        address_key="hash-b", hide_after=3,
    )  # fmt: skip
    comment.refresh_from_db()
    post.refresh_from_db()
    assert comment.state == "hidden" and post.state == "published"
    assert decisions_of_subject(comment).get().action == "auto_hide"
    with pytest.raises(PublishingError):
        report_create(
            subject=post, reason="because", details="", reporter=None,
            address_key="c", hide_after=3,
        )  # fmt: skip


def test_the_public_filter_applies_moderation_and_the_website_consent_to_any_kind(member):
    allowed = _post(member, state="published", title="Allowed")
    unconsented = _post(member, state="published", title="Not allowed")
    waiting = _post(member, title="Waiting")
    for post in (allowed, waiting):
        consent_grant(person=member, purpose="website", subject=post)
    consent_grant(person=member, purpose="social", subject=unconsented)
    assert list(public(Post.objects.all())) == [allowed]
    consent_withdraw(person=member, purpose="website", subject=allowed)
    assert list(public(Post.objects.all())) == []
    # A grant for a content item with the same id does not open the post.
    item = ContentItem.objects.create(
        pk=allowed.pk, contributor=member, kind="poem", title="Same id", body="x"
    )
    consent_grant(person=member, purpose="website", subject=item)
    assert list(public(Post.objects.all())) == []


def test_a_share_link_of_any_kind_counts_clicks_once_a_day_and_credits_sign_ups(member):
    post = _post(member, state="published")
    share = share_create(subject=post, sharer=member, channel="whatsapp")
    assert (share.subject_type, share.subject_id) == ("publishing_kinds.post", post.pk)
    created = Event.objects.get(kind=kinds.SHARE_CREATED)
    assert (created.subject_type, created.subject_id) == ("publishing_kinds.post", post.pk)

    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64)")
    response = client.get(f"/s/{share.code}")
    assert response.status_code == 302 and response["Location"] == f"/posts/{post.pk}/"
    assert response.cookies["tellus_ref"].value.startswith(f"{member.pk}:whatsapp:")
    client.get(f"/s/{share.code}")
    share.refresh_from_db()
    assert share.click_count == 1
    assert share_click(share=share, visitor_key="same", day="2026-12-08") is True
    assert share_click(share=share, visitor_key="same", day="2026-12-08") is False
    clicks = Event.objects.filter(kind=kinds.SHARE_CLICKED)
    assert clicks.count() == 2 and {c.subject_type for c in clicks} == {"publishing_kinds.post"}
    assert all(c.attributed_to_id == member.pk for c in clicks)
    # Robots are not counted; an unknown code is not found.
    Client(HTTP_USER_AGENT="facebookexternalhit/1.1").get(f"/s/{share.code}")
    share.refresh_from_db()
    assert share.click_count == 2
    assert Client().get("/s/nope").status_code == 404


def test_an_unknown_channel_is_refused_and_writes_nothing(member):
    post = _post(member, state="published")
    with pytest.raises(PublishingError):
        share_create(subject=post, sharer=member, channel="myspace")
    assert not Share.objects.exists() and not Event.objects.exists()


def test_two_kinds_cannot_share_a_slug():
    with pytest.raises(ValueError, match="slug"):
        register(
            SubjectKind(
                model=Report,
                slug="post",
                preview_template="x.html",
                public_url=str,
                load=lambda ids: {},
            )
        )
