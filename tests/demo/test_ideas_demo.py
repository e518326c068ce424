"""The demo's idea board: ideas in every state, endorsements, answers, a merge, an adoption,
all agreeing with the engagement log."""

from __future__ import annotations

import numpy as np
import pytest
from django.db.models import Count
from django.test import Client

from tellus.demo import plan
from tellus.demo.plan.ideas import plan_ideas
from tellus.engagement import kinds
from tellus.engagement.models import Event
from tellus.ideas.models import Endorsement, Idea
from tellus.ideas.queries import BoardFilters, board
from tellus.publishing.models import State
from tests.demo.test_demo import demo_output  # noqa: F401 (the seeded demo, once per class)


def test_the_idea_plan_is_the_same_twice_and_needs_no_database() -> None:
    world = plan.simulate(300, 5)
    first, again = (plan_ideas(world, size="small", seed=5, first_id=1) for _ in range(2))
    assert first.ideas == again.ideas
    np.testing.assert_array_equal(first.subject, again.subject)
    other = plan_ideas(plan.simulate(300, 6), size="small", seed=6, first_id=1)
    assert first.ideas != other.ideas
    assert [i.pk for i in first.ideas] == list(range(1, len(first.ideas) + 1))


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_output")
class TestSeededIdeaBoard:
    def test_ideas_in_every_state_and_status(self) -> None:
        states = set(Idea.objects.values_list("state", flat=True))
        assert {State.PUBLISHED, State.PENDING, State.HIDDEN, State.REJECTED} <= states
        statuses = set(Idea.objects.values_list("status", flat=True))
        assert set(Idea.Status.values) <= statuses
        declined = Idea.objects.filter(status="declined")
        assert all(i.status_reason and i.response for i in declined)
        assert Idea.objects.filter(status="adopted").exclude(outcome="").exists()
        assert Idea.objects.exclude(status="open").filter(responded_by__isnull=True).count() == 0
        merged = Idea.objects.get(status="merged")
        assert merged.merged_into is not None and merged.merged_into.state == "published"
        assert not Endorsement.objects.filter(idea=merged).exists()

    def test_the_log_agrees_with_the_board(self) -> None:
        for idea in Idea.objects.all():
            submitted = Event.objects.get(
                kind=kinds.IDEA_SUBMITTED, subject_type="ideas.idea", subject_id=idea.pk
            )
            assert submitted.member_id == idea.contributor_id
            assert submitted.occurred_at == idea.created_at
            assert submitted.initiative_id == idea.initiative_id
        endorsements = list(Endorsement.objects.all())
        assert endorsements
        events = {
            (e.subject_id, e.member_id): e.occurred_at
            for e in Event.objects.filter(kind=kinds.IDEA_ENDORSED, subject_type="ideas.idea")
        }
        assert len(events) == len(endorsements)
        for endorsement in endorsements:
            assert events[(endorsement.idea_id, endorsement.member_id)] == endorsement.created_at
            assert endorsement.created_at > endorsement.idea.created_at
            assert endorsement.member_id != endorsement.idea.contributor_id
        adopted = set(Idea.objects.filter(status="adopted").values_list("pk", flat=True))
        credited = set(
            Event.objects.filter(kind=kinds.IDEA_ADOPTED, subject_type="ideas.idea").values_list(
                "subject_id", flat=True
            )
        )
        assert adopted and credited == adopted
        assert Idea.objects.filter(initiative__slug="greener-island").exists()

    def test_the_board_and_an_idea_page_show_the_seeded_ideas(self) -> None:
        public = list(board(BoardFilters(order="endorsed")))
        assert len(public) >= 10
        client = Client()
        body = client.get("/ideas/?order=endorsed").content.decode()
        assert public[0].title in body
        idea = Idea.objects.filter(status="adopted").exclude(outcome="").first()
        assert idea is not None
        page = client.get(f"/ideas/{idea.pk}/").content.decode()
        assert idea.outcome in page and idea.response in page
        merged = Idea.objects.get(status="merged")
        assert client.get(f"/ideas/{merged.pk}/")["Location"] == f"/ideas/{merged.merged_into_id}/"
        popular = Idea.objects.annotate(n=Count("endorsements")).order_by("-n").first()
        assert popular is not None and popular.n >= 2
