"""The idea board's public pages: the board, an idea, proposing one, the duplicate suggestions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tellus.content.models import Place
from tellus.engagement import kinds
from tellus.engagement.models import Event
from tellus.ideas.models import Endorsement, Idea
from tellus.people.queries import has_consent
from tests.content.factories import ContentItemFactory
from tests.factories import PersonFactory
from tests.helpers import assert_queries
from tests.ideas.factories import make_idea

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    return Place.objects.create(
        name="Playa Blanca", slug="playa-blanca", latitude=29, longitude=-13
    )


def _propose(client, **fields):
    data = {
        "title": "Sunrise yoga on the dunes",
        "description": "Yoga at dawn, then breakfast.",
        "season": "summer",
        "audience": "couples",
        "consents": ["website"],
    }
    data.update(fields)
    return client.post("/ideas/new/", data)


def test_the_board_shows_only_public_ideas(client):
    make_idea(title="Shown idea")
    make_idea(title="Pending idea", state="pending")
    make_idea(title="Hidden idea", state="hidden")
    make_idea(title="Unconsented idea", website=False)
    body = client.get("/ideas/").content.decode()
    assert "Shown idea" in body
    for hidden in ("Pending idea", "Hidden idea", "Unconsented idea"):
        assert hidden not in body
    shown = Idea.objects.get(title="Shown idea")
    assert client.get(f"/ideas/{shown.pk}/").status_code == 200
    for title in ("Pending idea", "Unconsented idea"):
        assert client.get(f"/ideas/{Idea.objects.get(title=title).pk}/").status_code == 404


def test_the_board_filters_searches_and_sorts(client, place):
    old = make_idea(title="Wine route by bicycle", season="autumn", audience="couples")
    Idea.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=60))
    popular = make_idea(title="Cheese tasting", season="winter", place=place, status="planned")
    fresh = make_idea(title="Stargazing for families", audience="families")
    backers = PersonFactory.create_batch(3)
    for person in backers:
        Endorsement.objects.create(idea=popular, member=person)
    # Old endorsements count for "most endorsed", not for "trending".
    long_ago = timezone.now() - dt.timedelta(days=30)
    for person in PersonFactory.create_batch(4):
        Endorsement.objects.create(idea=old, member=person, created_at=long_ago)

    def titles(query: str) -> list[str]:
        body = client.get(f"/ideas/?{query}").content.decode()
        found = [(body.find(i.title), i.title) for i in (old, popular, fresh) if i.title in body]
        return [title for _pos, title in sorted(found)]

    assert titles("order=new") == [fresh.title, popular.title, old.title]
    assert titles("order=endorsed") == [old.title, popular.title, fresh.title]
    assert titles("order=trending") == [popular.title, old.title, fresh.title]
    assert titles("season=autumn") == [old.title]
    assert titles("audience=families") == [fresh.title]
    assert titles("place=playa-blanca") == [popular.title]
    assert titles("status=planned") == [popular.title]
    assert titles("q=STARGAZ") == [fresh.title]
    assert titles("q=glowing") == [fresh.title, popular.title, old.title]  # the description
    assert titles("order=nonsense&season=%00&audience=<script>") == [
        fresh.title,
        popular.title,
        old.title,
    ]
    assert client.get("/ideas/?after=not-a-cursor").status_code == 302


def test_the_board_pages_with_a_cursor(client):
    for n in range(23):
        make_idea(title=f"Idea number {n:02d}")
    first = client.get("/ideas/").content.decode()
    assert "Idea number 22" in first and "Idea number 02" not in first
    assert 'rel="next"' in first
    link = first.split('href="?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    second = client.get(f"/ideas/?{link}").content.decode()
    assert "Idea number 02" in second and "Idea number 22" not in second


def test_the_board_costs_the_same_whatever_its_length(client, member):
    ideas = [make_idea(title=f"Idea {n}") for n in range(3)]
    Endorsement.objects.create(idea=ideas[0], member=member)
    client.force_login(member)
    client.get("/ideas/")
    with assert_queries(7):
        client.get("/ideas/?order=trending")
    for n in range(25):
        idea = make_idea(title=f"More {n}")
        Endorsement.objects.create(idea=idea, member=member)
    with assert_queries(7):
        client.get("/ideas/?order=endorsed")
    client.logout()
    with assert_queries(2):
        client.get("/ideas/")


def test_an_idea_page_shows_its_answer_photos_and_escapes_everything(client, marketer):
    photo = ContentItemFactory(title="Cave at night")
    idea = make_idea(
        contributor=photo.contributor,
        title="<script>alert(1)</script> caves",
        description="Line one\n<img src=x onerror=alert(2)>",
        response="We love it.",
        responded_by=marketer,
        status="planned",
    )
    idea.photos.add(photo)
    body = client.get(f"/ideas/{idea.pk}/").content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body
    assert "<img src=x" not in body and "&lt;img src=x" in body
    assert "We love it." in body and marketer.public_name in body
    assert "Planned" in body
    assert "a-320.webp" in body


def test_a_member_proposes_an_idea_with_a_place_photo_and_consent(client, member, place):
    photo = ContentItemFactory(contributor=member, title="My dune photo")
    someone_elses = ContentItemFactory(title="Not mine")
    client.force_login(member)
    page = client.get("/ideas/new/").content.decode()
    assert "My dune photo" in page and "Not mine" not in page
    assert 'aria-live="polite"' in page
    response = _propose(client, place="playa-blanca", photos=[photo.pk])
    assert response.status_code == 302
    idea = Idea.objects.get(title="Sunrise yoga on the dunes")
    assert idea.state == "pending" and idea.status == "open"
    assert idea.place == place and list(idea.photos.all()) == [photo]
    assert has_consent(member, "website", idea)
    event = Event.objects.get(kind=kinds.IDEA_SUBMITTED)
    assert event.member == member and event.subject_id == idea.pk
    # Someone else's photo is refused by the form.
    refused = _propose(client, title="Another", photos=[someone_elses.pk])
    assert refused.status_code == 200 and not Idea.objects.filter(title="Another").exists()
    # The member sees their pending idea in their list; the public does not.
    assert "Sunrise yoga on the dunes" in client.get("/my/ideas/").content.decode()
    client.logout()
    assert client.get(f"/ideas/{idea.pk}/").status_code == 404


def test_hostile_and_oversized_proposals_are_refused(client, member):
    client.force_login(member)
    for fields in (
        {"description": "x" * 1_000_000},
        {"title": "y" * 500},
        {"title": "Bell\x07 tour"},
        {"description": "null\x00byte"},
        {"title": ""},
        {"season": "monsoon"},
        {"audience": "robots"},
        {"place": "atlantis"},
    ):
        response = _propose(client, **fields)
        assert response.status_code == 200, fields
        assert 'role="alert"' in response.content.decode()
    assert not Idea.objects.exists()
    # Scripts are kept as text and shown escaped.
    assert _propose(client, title="<script>x()</script>").status_code == 302
    idea = Idea.objects.get()
    assert idea.title == "<script>x()</script>"
    assert "<script>x()" not in client.get("/my/ideas/").content.decode()


def test_proposing_needs_a_login(client):
    response = client.get("/ideas/new/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_possible_duplicates_are_suggested_while_typing(client):
    make_idea(title="Night kayak tour of the sea caves")
    make_idea(title="Kayak rental at the harbour")
    make_idea(title="Cheese tasting")
    make_idea(title="Kayak by night, pending", state="pending")
    body = client.get("/ideas/similar/?title=night+kayak").content.decode()
    assert body.index("Night kayak tour") < body.index("Kayak rental")
    assert "Cheese" not in body and "pending" not in body
    assert "No similar idea" in client.get("/ideas/similar/?title=volcano+opera").content.decode()
    assert client.get("/ideas/similar/?title=a+of").content.decode().strip() == ""
    hostile = client.get("/ideas/similar/", {"title": "<script>" + "kayak " * 5000})
    assert hostile.status_code == 200 and "<script>" not in hostile.content.decode()
    with assert_queries(1):
        client.get("/ideas/similar/?title=kayak+caves+tour+night+harbour")


def test_an_idea_page_costs_the_same_whatever_its_endorsements_and_photos(client, member):
    idea = make_idea(member)
    client.force_login(member)
    client.get(f"/ideas/{idea.pk}/")
    with assert_queries(7):
        client.get(f"/ideas/{idea.pk}/")
    for person in PersonFactory.create_batch(5):
        Endorsement.objects.create(idea=idea, member=person)
    idea.photos.add(*[ContentItemFactory(contributor=member) for _n in range(3)])
    with assert_queries(7):
        body = client.get(f"/ideas/{idea.pk}/").content.decode()
    assert "5 members endorse this idea." in body and body.count("a-320.webp") == 3
