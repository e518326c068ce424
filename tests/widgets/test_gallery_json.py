"""The gallery widget's JSON: public items only, cacheable by anyone, cheap to answer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tellus.content.models import Place
from tellus.content.services import content_set_consents
from tellus.people.models import Person
from tests.helpers import assert_queries
from tests.widgets.conftest import MakeItem

pytestmark = pytest.mark.django_db

URL = "/widgets/gallery.json"
HOSTILE = "<img src=x onerror=alert(1)></script><script>alert(2)</script>&amp;"


def titles(response: Any) -> list[str]:
    return [item["title"] for item in response.json()["items"]]


def test_items_have_the_widget_shape_with_absolute_addresses(
    client: Client, make_item: MakeItem, settings
) -> None:
    settings.SITE_URL = "https://tellus.example.org"
    place = Place.objects.create(
        name="Playa Blanca", slug="playa-blanca", latitude=28.86, longitude=-13.83
    )
    item = make_item("Sunrise at Famara", tags=("beach",), place=place)
    response = client.get(URL, {"tag": "beach"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["items"] == [
        {
            "id": item.pk,
            "kind": "photo",
            "title": "Sunrise at Famara",
            "contributor": "Ana Lanzarote",
            "place": "Playa Blanca",
            "url": f"https://tellus.example.org/content/{item.pk}/",
            "renditions": [
                {
                    "width": 320,
                    "height": 240,
                    "url": f"https://tellus.example.org/media/{item.renditions[0]['name']}",
                },
                {
                    "width": 640,
                    "height": 480,
                    "url": f"https://tellus.example.org/media/{item.renditions[1]['name']}",
                },
            ],
            "placeholder": "",
        }
    ]
    assert data["gallery_url"] == "https://tellus.example.org/gallery/?tag=beach"
    assert data["lang"] == "en"
    assert data["labels"]["heading"] == "Shared by visitors"
    assert data["labels"]["credit"] == "by {name}"


def test_labels_come_in_the_asked_language(client: Client, make_item: MakeItem) -> None:
    make_item()
    assert client.get(URL, {"lang": "es-ES"}).json()["lang"] == "es"
    # A language the site does not speak falls back to its default rather than failing.
    assert client.get(URL, {"lang": "fr"}).json()["lang"] == "en"


def test_filters_by_tag_kind_place_initiative_and_limit(
    client: Client, make_item: MakeItem
) -> None:
    place = Place.objects.create(name="Haría", slug="haria", latitude=29.14, longitude=-13.5)
    make_item("Beach one", tags=("beach",))
    make_item("Beach two", tags=("beach", "sunset"), place=place)
    make_item("A poem of the sea", kind="poem", renditions=[], tags=("beach",))
    make_item("Volcano", tags=("volcano",))
    assert sorted(titles(client.get(URL, {"tag": "beach"}))) == [
        "A poem of the sea",
        "Beach one",
        "Beach two",
    ]
    assert titles(client.get(URL, {"tag": "beach", "kind": "poem"})) == ["A poem of the sea"]
    assert titles(client.get(URL, {"place": "haria"})) == ["Beach two"]
    assert titles(client.get(URL, {"tag": "no-such-tag"})) == []
    assert len(titles(client.get(URL, {"limit": "2"}))) == 2
    assert len(titles(client.get(URL))) == 4


def test_only_public_items_appear(client: Client, make_item: MakeItem) -> None:
    make_item("Public")
    make_item("Waiting for moderation", state="pending")
    make_item("Published without website consent", consents=())
    make_item("Allowed for print only", consents=("print",))
    make_item("Rejected", state="rejected")
    assert titles(client.get(URL)) == ["Public"]


def test_a_withdrawn_consent_leaves_the_widget_on_the_next_request(
    client: Client, make_item: MakeItem, django_capture_on_commit_callbacks
) -> None:
    item = make_item("Withdraw me")
    make_item("Stays")
    first = client.get(URL)
    assert sorted(titles(first)) == ["Stays", "Withdraw me"]
    assert sorted(titles(client.get(URL))) == ["Stays", "Withdraw me"]  # now from the cache
    with django_capture_on_commit_callbacks(execute=True):
        content_set_consents(item=item, purposes=[])
    second = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert titles(second) == ["Stays"]
    assert second["ETag"] != first["ETag"]


def test_answers_if_none_match_with_304(client: Client, make_item: MakeItem) -> None:
    make_item()
    first = client.get(URL, {"tag": "", "limit": "12"})
    etag = first["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get(URL, {"limit": "12"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    assert again["Access-Control-Allow-Origin"] == "*"
    # Weak forms and lists of tags match too; another query's tag does not.
    assert client.get(URL, HTTP_IF_NONE_MATCH=f'"x", W/{etag}').status_code == 304
    assert client.get(URL, {"limit": "3"}, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.get(URL, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_parameter_order_and_defaults_share_one_answer(client: Client, make_item: MakeItem) -> None:
    make_item(tags=("beach",))
    a = client.get(f"{URL}?tag=beach&limit=12")
    b = client.get(f"{URL}?limit=12&tag=beach")
    c = client.get(f"{URL}?tag=beach")
    assert a["ETag"] == b["ETag"] == c["ETag"]


def test_public_headers_and_no_cookie_even_for_a_logged_in_member(
    client: Client, make_item: MakeItem, member: Person
) -> None:
    make_item()
    client.force_login(member)
    for response in (client.get(URL), client.get(URL, HTTP_IF_NONE_MATCH=client.get(URL)["ETag"])):
        assert response.status_code in (200, 304)
        assert not response.cookies  # no Set-Cookie: no session, no CSRF token
        assert "cookie" not in response.get("Vary", "").lower()
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
        assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("limit=0", "limit", "greater than or equal to 1"),
        ("limit=49", "limit", "less than or equal to 48"),
        ("limit=ten", "limit", "whole number"),
        ("kind=album", "kind", "not one of the available choices"),
        ("tag=<script>", "tag", "slug"),
        ("tag=" + "a" * 61, "tag", "at most 60 characters"),
        ("place=two words", "place", "slug"),
        ("tag=a&tag=b", "tag", "once"),
        ("colour=red", "colour", "Unknown parameter"),
        ("lang=<b>", "lang", "language tag"),
    ],
)
def test_bad_parameters_get_a_clear_400(client: Client, query: str, field: str, words: str) -> None:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["field"] == field
    assert words in data["detail"]
    assert "<script>" not in response.content.decode()


def test_hostile_text_comes_out_as_inert_data(client: Client, make_item: MakeItem) -> None:
    hostile_contributor = Person.objects.create(email="h@example.org", display_name=HOSTILE)
    make_item(HOSTILE, contributor=hostile_contributor)
    response = client.get(URL)
    raw = response.content.decode()
    assert "<" not in raw and ">" not in raw
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in raw
    item = json.loads(raw)["items"][0]
    assert item["title"] == HOSTILE
    assert item["contributor"] == HOSTILE
    assert response["X-Content-Type-Options"] == "nosniff"


def test_other_methods_are_refused(client: Client) -> None:
    assert client.post(URL).status_code == 405
    assert client.head(URL).status_code == 200


def test_two_queries_whatever_the_number_of_items_and_none_from_the_cache(
    client: Client, make_item: MakeItem
) -> None:
    for _ in range(3):
        make_item(tags=("beach", "sunset"))
    client.get("/widgets/gallery.json?limit=2")  # the public version is set once per cache
    with assert_queries(2):
        assert len(titles(client.get(URL, {"limit": "48"}))) == 3
    for _ in range(20):
        make_item(tags=("beach", "sunset", "volcano"))
    with assert_queries(2):
        assert len(titles(client.get(URL, {"limit": "48", "tag": "beach"}))) == 23
    with assert_queries(0):
        assert len(titles(client.get(URL, {"limit": "48", "tag": "beach"}))) == 23
    etag = client.get(URL, {"limit": "48", "tag": "beach"})["ETag"]
    with assert_queries(0):
        response = client.get(URL, {"limit": "48", "tag": "beach"}, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
