"""The demo's comments and reactions: on public content, through moderation, in the log."""

from __future__ import annotations

import pytest
from django.db.models import Count, F
from django.test import Client

from tellus.content.models import ContentItem
from tellus.engagement import kinds
from tellus.engagement.models import Event
from tellus.publishing.models import Comment, Reaction, State
from tellus.publishing.queries import public
from tests.demo.test_demo import demo_output  # noqa: F401 (the seeded demo, once per class)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_output")
class TestSeededComments:
    def test_public_items_have_comments_and_reactions(self) -> None:
        published = public(Comment.objects.all())
        assert published.count() > 20
        assert Comment.objects.filter(state=State.PENDING).exists()
        assert Comment.objects.filter(reply_to__isnull=False).exists()
        assert Reaction.objects.values("type").distinct().count() == len(Reaction.Type.values)
        items = set(public(ContentItem.objects.all()).values_list("pk", flat=True))
        assert set(Comment.objects.values_list("subject_id", flat=True)) <= items

    def test_no_one_comments_on_or_reacts_to_their_own_item_or_before_joining(self) -> None:
        owners = dict(ContentItem.objects.values_list("pk", "contributor_id"))
        for author, item in Comment.objects.values_list("contributor_id", "subject_id"):
            assert owners[item] != author
        for member, item in Reaction.objects.values_list("member_id", "subject_id"):
            assert owners[item] != member
        assert not Comment.objects.filter(created_at__lt=F("contributor__date_joined")).exists()
        assert not Comment.objects.filter(created_at__lt=F("reply_to__created_at")).exists()

    def test_each_comment_and_reaction_matches_an_act_of_the_log(self) -> None:
        about = Event.objects.filter(subject_type="content.contentitem")
        for comment in Comment.objects.all():
            assert about.filter(
                kind=kinds.COMMENT_POSTED,
                member_id=comment.contributor_id,
                subject_id=comment.subject_id,
                occurred_at=comment.created_at,
            ).exists()
        for reaction in Reaction.objects.all():
            assert about.filter(
                kind=kinds.REACTION_ADDED,
                member_id=reaction.member_id,
                subject_id=reaction.subject_id,
                occurred_at=reaction.created_at,
            ).exists()
        twice = Reaction.objects.values("subject_id", "member_id", "type").annotate(n=Count("pk"))
        assert not twice.filter(n__gt=1).exists()

    def test_an_item_page_shows_its_comments(self) -> None:
        comment = public(Comment.objects.all()).order_by("pk").first()
        assert comment is not None
        page = Client().get(f"/content/{comment.subject_id}/").content.decode()
        assert f'id="comment-{comment.pk}"' in page

    def test_waiting_comments_are_in_the_moderation_queue(self) -> None:
        from tellus.publishing.queries import moderation_queue

        waiting = set(
            pk for label, pk, _since in moderation_queue() if label == "publishing.comment"
        )
        assert waiting == set(
            Comment.objects.filter(state=State.PENDING).values_list("pk", flat=True)
        )
