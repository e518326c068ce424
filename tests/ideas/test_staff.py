"""Staff answer ideas, set their status, merge duplicates and credit adopted ideas."""

from __future__ import annotations

import pytest

from tellus.engagement import kinds
from tellus.engagement.models import Event
from tellus.ideas.models import Endorsement, Idea
from tellus.ideas.services import IdeaError, idea_endorse, idea_merge, idea_respond
from tellus.publishing.models import Report
from tests.factories import PersonFactory
from tests.helpers import assert_queries
from tests.ideas.factories import make_idea

pytestmark = pytest.mark.django_db


def test_only_those_who_answer_ideas_reach_the_staff_pages(persona_client, member):
    idea = make_idea(member)
    for name, status in (
        ("visitor", 302),
        ("member", 403),
        ("moderator", 403),
        ("analyst", 403),
        ("marketer", 200),
        ("admin", 200),
    ):
        client = persona_client(name)
        assert client.get("/console/ideas/").status_code == status, name
        assert client.get(f"/console/ideas/{idea.pk}/").status_code == status, name


def test_a_marketer_answers_publicly_and_declining_needs_a_reason(client, marketer, member):
    idea = make_idea(member)
    client.force_login(marketer)
    refused = client.post(
        f"/console/ideas/{idea.pk}/respond/", {"status": "declined", "response": "No."}
    )
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    with pytest.raises(IdeaError):
        idea_respond(idea=idea, staff=marketer, status="declined", response="", reason=" ")
    answer = client.post(
        f"/console/ideas/{idea.pk}/respond/",
        {"status": "under_review", "response": "We are looking at boats <b>now</b>."},
    )
    assert answer.status_code == 302
    page = client.get(f"/ideas/{idea.pk}/").content.decode()
    assert "We are looking at boats &lt;b&gt;now&lt;/b&gt;." in page
    assert "Under review" in page and marketer.public_name in page
    client.post(
        f"/console/ideas/{idea.pk}/respond/",
        {"status": "declined", "response": "", "reason": "The caves are protected."},
    )
    idea.refresh_from_db()
    assert idea.status == "declined" and idea.status_reason == "The caves are protected."
    assert "The caves are protected." in client.get(f"/ideas/{idea.pk}/").content.decode()


def test_adopting_credits_contributor_and_endorsers_once(client, marketer, member):
    idea = make_idea(member)
    backers = PersonFactory.create_batch(2)
    for person in backers:
        idea_endorse(idea=idea, member=person)
    for _attempt in range(2):  # a retried request
        idea_respond(idea=idea, staff=marketer, status="adopted", response="Yes!")
    adopted = Event.objects.filter(kind=kinds.IDEA_ADOPTED, subject_id=idea.pk)
    own = adopted.get()  # one adopted idea, the contributor's: counts stay true
    assert own.member_id == member.pk
    assert own.value is None  # valued at the DMO's figure for an adopted idea
    credits = Event.objects.filter(kind=kinds.IDEA_ADOPTION_CREDITED, subject_id=idea.pk)
    assert {e.member_id for e in credits} == {p.pk for p in backers}
    assert all(e.value == 0 and e.attributed_to_id == member.pk for e in credits)
    client.force_login(marketer)
    assert (
        client.post(
            f"/console/ideas/{idea.pk}/outcome/",
            {"outcome": "Tours start in June.", "url": "https://example.org/tours"},
        ).status_code
        == 302
    )
    page = client.get(f"/ideas/{idea.pk}/").content.decode()
    assert "Tours start in June." in page and "https://example.org/tours" in page


def test_an_outcome_is_only_for_an_adopted_idea(client, marketer, member):
    idea = make_idea(member)
    client.force_login(marketer)
    answer = client.post(f"/console/ideas/{idea.pk}/outcome/", {"outcome": "Done"})
    assert answer.status_code == 400
    assert Idea.objects.get(pk=idea.pk).outcome == ""


def test_merging_carries_endorsements_over_counted_once(client, marketer, member, other_member):
    original = make_idea(member, title="Night kayak tour")
    duplicate = make_idea(other_member, title="Kayaking at night")
    both, only_duplicate, only_original = PersonFactory.create_batch(3)
    for person in (both, only_original):
        Endorsement.objects.create(idea=original, member=person)
    for person in (both, only_duplicate):
        Endorsement.objects.create(idea=duplicate, member=person)
    Endorsement.objects.create(idea=duplicate, member=member)  # the target's own contributor
    client.force_login(marketer)
    staff_page = client.get(f"/console/ideas/{duplicate.pk}/").content.decode()
    assert "Night kayak tour" in staff_page  # offered as the likely original
    answer = client.post(f"/console/ideas/{duplicate.pk}/merge/", {"into": original.pk})
    assert answer.status_code == 302
    backers = set(Endorsement.objects.filter(idea=original).values_list("member_id", flat=True))
    assert backers == {both.pk, only_duplicate.pk, only_original.pk, other_member.pk}
    assert not Endorsement.objects.filter(idea=duplicate).exists()
    duplicate.refresh_from_db()
    assert duplicate.status == "merged" and duplicate.merged_into == original
    page = client.get(f"/ideas/{duplicate.pk}/", follow=True)
    assert page.redirect_chain[-1][0] == f"/ideas/{original.pk}/"
    assert "“Kayaking at night” was merged into this idea." in page.content.decode()
    assert "Kayaking at night" not in client.get("/ideas/").content.decode()
    with pytest.raises(IdeaError):
        idea_merge(duplicate=original, into=duplicate, staff=marketer)  # into a merged one
    with pytest.raises(IdeaError):
        idea_merge(duplicate=original, into=original, staff=marketer)
    assert client.post(f"/console/ideas/{original.pk}/merge/", {"into": 999999}).status_code == 400


def test_the_staff_list_costs_the_same_whatever_its_length(client, marketer):
    make_idea()
    client.force_login(marketer)
    client.get("/console/ideas/")
    with assert_queries(6):
        client.get("/console/ideas/")
    for _n in range(12):
        make_idea(state="pending")
    with assert_queries(6):
        client.get("/console/ideas/?state=pending")


def test_ideas_wait_in_the_one_moderation_queue_and_can_be_reported(client, moderator, member):
    pending = make_idea(member, title="Waiting idea", state="pending")
    client.force_login(moderator)
    queue = client.get("/console/moderation/").content.decode()
    assert "Waiting idea" in queue
    detail = client.get(f"/console/moderation/idea/{pending.pk}/")
    assert detail.status_code == 200 and "Paddle by moonlight" in detail.content.decode()
    client.post(f"/console/moderation/idea/{pending.pk}/decide/", {"action": "approve"})
    pending.refresh_from_db()
    assert pending.state == "published"
    client.logout()
    assert client.get(f"/ideas/{pending.pk}/").status_code == 200
    report = client.post(f"/ideas/{pending.pk}/report/", {"reason": "spam", "details": "ad"})
    assert report.status_code == 302
    assert Report.objects.filter(subject_type="ideas.idea", subject_id=pending.pk).count() == 1
    share = client.post(f"/ideas/{pending.pk}/share/", {"channel": "link"})
    assert share.status_code == 200
    code = share.content.decode().split("/s/", 1)[1].split('"', 1)[0].split("<", 1)[0]
    followed = client.get(f"/s/{code}")
    assert followed.status_code == 302 and followed["Location"] == f"/ideas/{pending.pk}/"
