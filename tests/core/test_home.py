"""The home page: the destination's front door shows what visitors shared, and only that."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from tellus.content.services import content_set_consents
from tellus.engagement.models import Initiative
from tests.content.factories import ContentItemFactory
from tests.factories import InitiativeFactory, PersonFactory
from tests.helpers import assert_queries

pytestmark = pytest.mark.django_db


def section(body: str, title_id: str) -> str:
    """The HTML of the home page's section labelled by ``title_id`` ("" when absent)."""
    start = body.find(f'aria-labelledby="{title_id}"')
    return "" if start < 0 else body[start : body.index("</section>", start)]


def titles(html: str) -> list[str]:
    return re.findall(r'<span class="item-title">([^<]*)</span>', html)


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def test_only_public_items_appear_on_the_home_page(client):
    ContentItemFactory(title="Shown photo", view_count=3)
    ContentItemFactory(title="Shown story", kind="story", renditions=[], body_html="<p>Hi</p>")
    ContentItemFactory(title="Waiting", state="pending", view_count=50)
    ContentItemFactory(title="Hidden", state="hidden", view_count=50)
    ContentItemFactory(title="Rejected", state="rejected")
    ContentItemFactory(title="No consent", consents=[], view_count=50)
    ContentItemFactory(title="Print only", consents=["print"], view_count=50)
    ContentItemFactory(title="Social only", consents=["social"], view_count=50)
    withdrawn = ContentItemFactory(title="Withdrawn", view_count=50)
    content_set_consents(item=withdrawn, purposes=[])

    body = client.get("/").content.decode()

    shown = titles(section(body, "featured-title")) + titles(section(body, "recent-title"))
    assert sorted(shown) == ["Shown photo", "Shown story"]
    for hidden in ("Waiting", "Hidden", "Rejected", "No consent", "Print only", "Withdrawn"):
        assert hidden not in body


def test_featured_are_the_most_viewed_of_the_last_ninety_days(client):
    ContentItemFactory(title="Old favourite", view_count=900, published_at=days_ago(120))
    ContentItemFactory(title="Popular now", view_count=40, published_at=days_ago(10))
    ContentItemFactory(title="Liked too", view_count=12, published_at=days_ago(89))
    ContentItemFactory(title="Unseen", view_count=0, published_at=days_ago(1))
    for n in range(5):
        ContentItemFactory(title=f"Also seen {n}", view_count=5, published_at=days_ago(20 + n))

    body = client.get("/").content.decode()
    featured = titles(section(body, "featured-title"))
    recent = titles(section(body, "recent-title"))

    assert featured == ["Popular now", "Liked too", "Also seen 0", "Also seen 1"]
    assert "Old favourite" not in featured and "Unseen" not in featured
    assert recent == ["Unseen", "Also seen 2", "Also seen 3", "Also seen 4", "Old favourite"]
    assert not set(featured) & set(recent), "an item shows once"


def test_recent_shows_the_eight_newest_and_links_to_the_gallery(client):
    for n in range(12):
        ContentItemFactory(title=f"Item {n:02}", published_at=days_ago(12 - n))
    body = client.get("/").content.decode()
    assert section(body, "featured-title") == "", "nothing viewed yet: no featured section"
    recent = section(body, "recent-title")
    assert titles(recent) == [f"Item {n:02}" for n in range(11, 3, -1)]
    assert 'href="/gallery/"' in recent


def test_without_public_content_the_page_says_so_and_shows_no_map(client, member):
    ContentItemFactory(title="Not yet", state="pending")
    body = client.get("/").content.decode()
    assert "Nothing has been shared yet." in body
    assert 'id="content-map"' not in body and "leaflet.js" not in body
    client.force_login(member)
    assert 'href="/share/">Share the first photo' in client.get("/").content.decode()


def test_a_small_map_of_the_content_links_to_the_full_map(client):
    ContentItemFactory(title="On the map")
    body = client.get("/").content.decode()
    where = section(body, "map-title")
    assert 'id="content-map"' in where and 'data-clusters-url="/api/v1/map/clusters"' in where
    assert 'aria-label="Map of shared content"' in where
    assert 'href="/map/"' in where
    assert "vendor/leaflet/leaflet.js" in body and "tellus/map.js" in body


def test_each_initiative_card_leads_to_where_a_member_answers_it(client, member):
    beaches = InitiativeFactory(name="Hidden beaches", slug="hidden-beaches")
    ContentItemFactory(title="Beach photo", initiative=beaches)
    ContentItemFactory(title="Other photo")

    body = client.get("/").content.decode()
    card = section(body, "initiatives-title")
    links = dict(
        (text, href)
        for href, text in re.findall(
            r'<a (?:class="button" )?href="([^"]+)"[^>]*>([^<]+)</a>', card
        )
    )
    assert links == {
        "Share a photo or video": "/share/?initiative=hidden-beaches",
        "Write a story or poem": "/write/?initiative=hidden-beaches",
        "See what visitors shared": "/gallery/?initiative=hidden-beaches",
    }
    heading = re.search(r'<h3 id="(initiative-\d+)">Hidden beaches</h3>', card)
    assert heading and card.count(f'aria-describedby="{heading.group(1)}"') == 3

    # A visitor is asked to log in first, and comes back to the same page.
    login = client.get(links["Share a photo or video"])
    assert login.status_code == 302
    next_page = parse_qs(urlsplit(login["Location"]).query)["next"][0]
    assert next_page == "/share/?initiative=hidden-beaches"

    client.force_login(member)
    for page in ("Share a photo or video", "Write a story or poem"):
        form = client.get(links[page]).content.decode()
        assert '<option value="hidden-beaches" selected>Hidden beaches</option>' in form

    gallery = client.get(links["See what visitors shared"]).content.decode()
    assert "Beach photo" in gallery and "Other photo" not in gallery


def test_an_idea_initiative_leads_to_the_idea_board(client):
    InitiativeFactory(name="Greener island", slug="greener", contribution="idea")
    card = section(client.get("/").content.decode(), "initiatives-title")
    assert 'href="/ideas/new/?initiative=greener"' in card and 'href="/ideas/"' in card
    assert "/share/?initiative=greener" not in card


@pytest.mark.parametrize("contribution", ["poll", "survey", "referral"])
def test_a_card_that_asks_for_no_content_offers_no_upload(client, contribution):
    """A poll, a survey or a referral is not answered by sharing a photo; a poll's card leads
    to the initiative's open poll (or every poll)."""
    InitiativeFactory(name="Question of the month", slug="question", contribution=contribution)
    card = section(client.get("/").content.decode(), "initiatives-title")
    assert "Question of the month" in card
    assert "/share/?initiative=question" not in card and "/write/" not in card
    assert ('href="/polls/initiative/question/"' in card) is (contribution == "poll")
    assert ('href="/polls/"' in card) is (contribution == "poll")


@pytest.mark.parametrize(
    "value",
    ['"><script>alert(1)</script>', "x" * 10_000, "ended", "%00", "hidden-beaches'--"],
)
def test_a_strange_preselected_initiative_selects_nothing(client, member, value):
    InitiativeFactory(slug="ended", is_active=False)
    client.force_login(member)
    for page in ("/share/", "/write/"):
        response = client.get(page, {"initiative": value})
        assert response.status_code == 200
        html = response.content.decode()
        assert "<script>alert(1)" not in html
        assert not re.search(
            r'<option value="[^"]*" selected>',
            html.split('name="initiative"')[1].split("</select>")[0],
        )


def test_the_initiative_is_kept_when_a_member_writes_through_the_link(client, member):
    InitiativeFactory(name="Poems of the sea", slug="poems-of-the-sea")
    client.force_login(member)
    response = client.post(
        "/write/?initiative=poems-of-the-sea",
        {
            "kind": "poem",
            "title": "Tide",
            "body": "Salt on the wind",
            "initiative": "poems-of-the-sea",
            "consents": ["website"],
        },
    )
    assert response.status_code == 302
    item = member.content_items.get()
    assert item.initiative == Initiative.objects.get(slug="poems-of-the-sea")


def test_the_home_page_costs_three_queries_whatever_the_number_of_items(client, member):
    InitiativeFactory.create_batch(2)
    ContentItemFactory.create_batch(2, view_count=1)
    ContentItemFactory.create_batch(2)
    client.get("/")
    with assert_queries(3):  # initiatives, featured, recent
        client.get("/")
    InitiativeFactory.create_batch(10)
    ContentItemFactory.create_batch(20, view_count=4)
    ContentItemFactory.create_batch(20)
    with assert_queries(3):
        body = client.get("/").content.decode()
    assert len(titles(body)) == 4 + 8
    client.force_login(member)
    client.get("/")
    with assert_queries(7):  # and the session, the member and the member's permissions
        client.get("/")


class Outline(HTMLParser):
    """Landmarks, headings and images, as a screen reader lists them."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.images_without_alt = 0
        self.landmarks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "img" and not found.get("alt") and found.get("alt") != "":
            self.images_without_alt += 1
        if tag in {"main", "nav", "header", "footer"}:
            self.landmarks.append(tag)
        if tag == "section" and found.get("aria-labelledby"):
            self.landmarks.append(f"region:{found['aria-labelledby']}")


def test_the_home_page_reads_well_with_a_screen_reader(client):
    InitiativeFactory(name="Hidden beaches")
    ContentItemFactory(title="Lava at dusk", view_count=9)
    ContentItemFactory(title="Fresh photo")
    body = client.get("/").content.decode()
    outline = Outline()
    outline.feed(body)
    assert outline.headings[0] == 1 and outline.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(outline.headings, outline.headings[1:], strict=False))
    assert outline.images_without_alt == 0
    assert 'alt="Lava at dusk"' in body
    for landmark in ("main", "nav", "region:featured-title", "region:recent-title"):
        assert landmark in outline.landmarks
    assert "region:map-title" in outline.landmarks


def test_the_home_page_is_in_spanish_with_content(client):
    InitiativeFactory(name="Playas escondidas")
    ContentItemFactory(title="Lava", view_count=2)
    ContentItemFactory(title="Nueva")
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    body = client.get("/").content.decode()
    for english in (
        "Most viewed lately",
        "Recently shared",
        "Share a photo or video",
        "Write a story or poem",
        "See what visitors shared",
        "See everything in the gallery",
        "Open the full map",
    ):
        assert english not in body
    assert "Lo más visto últimamente" in body and "Abrir el mapa completo" in body


def test_a_hostile_title_is_shown_as_text_on_the_home_page(client):
    ContentItemFactory(title='<img src=x onerror="alert(1)">', view_count=1)
    ContentItemFactory(title="<script>alert(2)</script>")
    body = client.get("/").content.decode()
    assert "<script>alert(2)" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in body


def test_an_erased_contributor_is_shown_without_a_link(client):
    person = PersonFactory(display_name="Gone")
    ContentItemFactory(title="Kept photo", contributor=person)
    person.erased_at = timezone.now()
    person.save(update_fields=["erased_at"])
    body = section(client.get("/").content.decode(), "recent-title")
    assert "Kept photo" in body and f"/contributors/{person.pk}/" not in body
