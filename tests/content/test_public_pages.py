"""What visitors see: only published items their contributors allowed, at a fixed cost."""

from __future__ import annotations

import pytest
from django.core import mail

from tellus.content.models import ContentItem
from tellus.content.services import content_set_consents
from tellus.engagement.models import Event
from tellus.people.models import Person
from tellus.people.privacy import person_erase
from tellus.publishing.models import ModerationDecision, Share
from tellus.publishing.queries import reports_of
from tests.content.factories import ContentItemFactory
from tests.helpers import assert_queries

pytestmark = pytest.mark.django_db


def test_gallery_shows_only_published_items_with_website_consent(client):
    shown = ContentItemFactory(title="Shown")
    ContentItemFactory(title="Pending one", state="pending")
    ContentItemFactory(title="No consent", consents=[])
    ContentItemFactory(title="Only print", consents=["print"])
    body = client.get("/gallery/").content.decode()
    assert "Shown" in body
    for hidden in ("Pending one", "No consent", "Only print"):
        assert hidden not in body
    assert client.get(f"/content/{shown.pk}/").status_code == 200


def test_a_withdrawn_consent_takes_the_item_off_every_surface_at_once(client):
    item = ContentItemFactory(title="Withdraw me")
    assert "Withdraw me" in client.get("/gallery/").content.decode()
    assert client.get("/api/v1/content").json()["items"][0]["title"] == "Withdraw me"
    content_set_consents(item=item, purposes=[])
    assert "Withdraw me" not in client.get("/gallery/").content.decode()
    assert client.get(f"/content/{item.pk}/").status_code == 404
    assert client.get("/api/v1/content").json()["items"] == []
    assert client.get(f"/api/v1/content/{item.pk}").status_code == 404


def test_gallery_and_api_cost_the_same_whatever_the_number_of_items(client):
    ContentItemFactory.create_batch(3)
    client.get("/gallery/")
    with assert_queries(5):
        client.get("/gallery/")
    with assert_queries(2):
        client.get("/api/v1/content")
    ContentItemFactory.create_batch(30)
    with assert_queries(5):
        client.get("/gallery/?order=most_viewed")
    with assert_queries(2):
        assert len(client.get("/api/v1/content?limit=30").json()["items"]) == 30


def test_api_cursor_pagination_walks_every_item_once(client):
    items = ContentItemFactory.create_batch(7)
    seen, cursor = [], ""
    while True:
        page = client.get(f"/api/v1/content?limit=3&cursor={cursor}").json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(i.pk for i in items) and len(seen) == 7
    bad = client.get("/api/v1/content?cursor=%%%not-base64")
    assert bad.status_code == 400 and "cursor" in bad.json()["detail"]


def test_gallery_filters(client):
    ContentItemFactory(title="A poem", kind="poem", renditions=[])
    ContentItemFactory(title="A photo")
    body = client.get("/gallery/?kind=poem").content.decode()
    assert "A poem" in body and "A photo" not in body
    api = client.get("/api/v1/content?kind=photo").json()
    assert [i["title"] for i in api["items"]] == ["A photo"]
    assert client.get("/api/v1/content?kind=hologram").status_code == 422


def test_item_page_has_open_graph_tags_and_escapes_hostile_text(client):
    item = ContentItemFactory(title='<img src=x onerror="alert(1)">', caption="<script>x</script>")
    body = client.get(f"/content/{item.pk}/").content.decode()
    assert (
        '<meta property="og:title" content="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;">'
        in body
    )
    assert 'property="og:image"' in body and "twitter:card" in body
    assert "<script>x</script>" not in body and 'onerror="alert' not in body


def test_item_page_counts_people_not_robots(client):
    item = ContentItemFactory()
    client.get(f"/content/{item.pk}/", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux) Firefox/130.0")
    client.get(f"/content/{item.pk}/", HTTP_USER_AGENT="facebookexternalhit/1.1")
    item.refresh_from_db()
    assert item.view_count == 1


def test_share_link_counts_a_click_once_and_credits_the_sharer_for_a_sign_up(client, member):
    item = ContentItemFactory()
    client.force_login(member)
    response = client.post(f"/content/{item.pk}/share/", {"channel": "whatsapp"})
    assert response.status_code == 302 and response["Location"].startswith("https://wa.me/?")
    share = Share.objects.get()
    assert share.sharer == member
    client.logout()

    browser = {"HTTP_USER_AGENT": "Mozilla/5.0 Firefox/130.0"}
    for _ in range(3):
        assert client.get(f"/s/{share.code}", **browser).status_code == 302
    client.get(f"/s/{share.code}", HTTP_USER_AGENT="Twitterbot/1.0")
    share.refresh_from_db()
    assert share.click_count == 1
    clicks = Event.objects.filter(kind="share.clicked")
    assert clicks.count() == 1 and clicks.get().attributed_to == member

    client.post(
        "/accounts/signup/",
        {
            "email": "friend@example.org",
            "password1": "lava-fields-at-dawn",
            "password2": "lava-fields-at-dawn",
        },
    )
    friend = Person.objects.get(email="friend@example.org")
    signup = Event.objects.get(kind="member.signed_up", member=friend)
    assert signup.attributed_to == member and signup.channel == "whatsapp"
    assert len(mail.outbox) == 1


def test_three_reports_hide_an_item_until_a_moderator_looks(client, settings):
    settings.TELLUS_REPORTS_TO_HIDE = 3
    item = ContentItemFactory()
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.2", "10.0.0.3"):
        client.post(
            f"/content/{item.pk}/report/",
            {"reason": "spam"},
            REMOTE_ADDR=address,
            HTTP_USER_AGENT="Mozilla/5.0",
        )
    item.refresh_from_db()
    assert reports_of(item).count() == 3, "one report per visitor"
    assert item.state == "hidden"
    assert ModerationDecision.objects.get().action == "auto_hide"
    assert client.get(f"/content/{item.pk}/").status_code == 404


def test_report_needs_a_reason(client):
    item = ContentItemFactory()
    response = client.post(f"/content/{item.pk}/report/", {"reason": "because"})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert reports_of(item).count() == 0


def test_erasure_keeps_consented_content_as_anonymous(client, member):
    kept = ContentItemFactory(
        contributor=member, title="Keep me", consents=["website", "exact_location"]
    )
    ContentItemFactory(contributor=member, title="Private one", consents=[])
    person_erase(person=member, keep_consented_contributions=True)
    assert list(ContentItem.objects.values_list("title", flat=True)) == ["Keep me"]
    kept.refresh_from_db()
    assert (kept.latitude, kept.longitude) == (kept.public_latitude, kept.public_longitude)
    assert kept.latitude != 29.03, "the exact position is gone with the person"
    page = client.get(f"/content/{kept.pk}/").content.decode()
    assert "Anonymous visitor" in page and "Traveller" not in page


def test_erasure_can_remove_everything(member):
    ContentItemFactory(contributor=member)
    person_erase(person=member, keep_consented_contributions=False)
    assert ContentItem.objects.count() == 0


def test_contributor_page_and_map_page(client, member):
    ContentItemFactory(contributor=member, title="Mine")
    assert "Mine" in client.get(f"/contributors/{member.pk}/").content.decode()
    body = client.get("/map/").content.decode()
    assert 'id="content-map"' in body and "/api/v1/map/clusters" in body


def test_map_clusters_show_public_items_and_follow_changes(
    client, django_capture_on_commit_callbacks
):
    near = ContentItemFactory.create_batch(5, latitude=29.03, longitude=-13.63)
    ContentItemFactory(state="pending", latitude=29.0, longitude=-13.6)
    world = client.get("/api/v1/map/clusters?bbox=-180,-85,180,85&zoom=3")
    assert world.status_code == 200
    body = world.json()
    assert sum(c["count"] for c in body["clusters"]) + len(body["points"]) == 5
    assert world["Cache-Control"] == "public, max-age=30"
    again = client.get(
        "/api/v1/map/clusters?bbox=-180,-85,180,85&zoom=3", HTTP_IF_NONE_MATCH=world["ETag"]
    )
    assert again.status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        content_set_consents(item=near[0], purposes=[])
    changed = client.get(
        "/api/v1/map/clusters?bbox=-180,-85,180,85&zoom=3", HTTP_IF_NONE_MATCH=world["ETag"]
    )
    assert changed.status_code == 200
    body = changed.json()
    assert sum(c["count"] for c in body["clusters"]) + len(body["points"]) == 4


@pytest.mark.parametrize(
    "query",
    [
        "bbox=1,2,3&zoom=5",
        "bbox=a,b,c,d&zoom=5",
        "bbox=0,0,1,1&zoom=99",
        "zoom=5",
        "bbox=0,100,1,1&zoom=4",
    ],
)
def test_map_clusters_refuse_bad_views(client, query):
    response = client.get(f"/api/v1/map/clusters?{query}")
    assert response.status_code in {400, 422}
    assert "detail" in response.json()


def test_map_clusters_cost_no_query_once_built(client):
    ContentItemFactory.create_batch(3)
    client.get("/api/v1/map/clusters?bbox=-20,20,0,40&zoom=8")
    with assert_queries(0):
        client.get("/api/v1/map/clusters?bbox=-20,20,0,40&zoom=9")


def test_gallery_by_contributor(client, member, other_member):
    ContentItemFactory(contributor=member, title="Marta's")
    ContentItemFactory(contributor=other_member, title="Olav's")
    body = client.get(f"/gallery/?contributor={member.pk}").content.decode()
    assert "Marta" in body and "Olav&#x27;s" not in body and "Olav's" not in body
    assert client.get("/gallery/?contributor=abc").status_code == 200


def test_map_page_costs_no_query_whatever_the_content(client):
    client.get("/map/")
    with assert_queries(0):
        assert client.get("/map/").status_code == 200
    ContentItemFactory.create_batch(10)
    with assert_queries(0):
        client.get("/map/")
