"""The widget pages for an iframe: framable by any site, no inline script, no cookie."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tellus.content.services import content_set_consents
from tellus.people.models import Person
from tests.helpers import assert_queries
from tests.widgets.conftest import MakeItem

pytestmark = pytest.mark.django_db

HOSTILE = "<img src=x onerror=alert(1)>"


def policy(response: Any) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", ["/widgets/gallery", "/widgets/map"])
def test_any_site_may_frame_the_pages_but_no_inline_script_runs(
    client: Client, make_item: MakeItem, path: str
) -> None:
    make_item()
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    csp = policy(response)
    assert csp["frame-ancestors"] == ["*"]
    assert csp["script-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert "X-Frame-Options" not in response.headers
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()
    assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    body = response.content.decode()
    assert "<script>" not in body
    assert not re.search(r"\son[a-z]+=", body)  # no inline event handlers either


def test_the_rest_of_the_site_still_refuses_to_be_framed(client: Client) -> None:
    response = client.get("/gallery/")
    assert response["X-Frame-Options"] == "DENY"
    assert policy(response)["frame-ancestors"] == ["'none'"]


def test_the_gallery_page_shows_public_figures_with_credit(
    client: Client, make_item: MakeItem
) -> None:
    shown = make_item("Sunset over Famara", tags=("beach",))
    make_item("Not consented", consents=(), tags=("beach",))
    make_item("Pending", state="pending", tags=("beach",))
    make_item("A story", kind="story", renditions=[], tags=("beach",))
    make_item("Elsewhere", tags=("volcano",))
    body = client.get("/widgets/gallery", {"tag": "beach"}).content.decode()
    assert body.count("<figure>") == 2
    assert 'alt="Sunset over Famara"' in body
    assert f'href="http://127.0.0.1:8000/content/{shown.pk}/"' in body
    assert "by Ana Lanzarote" in body
    assert "A story" in body
    for hidden in ("Not consented", "Pending", "Elsewhere"):
        assert hidden not in body
    assert '<base target="_blank">' in body
    assert "<h1>Shared by visitors</h1>" in body


def test_the_page_speaks_the_asked_language(client: Client, make_item: MakeItem) -> None:
    make_item()
    english = client.get("/widgets/gallery")
    spanish = client.get("/widgets/gallery", {"lang": "es"})
    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="es">' in spanish.content.decode()
    assert english["ETag"] != spanish["ETag"]


def test_hostile_titles_are_escaped(client: Client, make_item: MakeItem) -> None:
    contributor = Person.objects.create(email="h@example.org", display_name=HOSTILE)
    make_item(HOSTILE, contributor=contributor)
    body = client.get("/widgets/gallery").content.decode()
    assert HOSTILE not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_the_map_page_loads_leaflet_from_our_files_and_lists_items(
    client: Client, make_item: MakeItem
) -> None:
    make_item("On the map")
    body = client.get("/widgets/map").content.decode()
    assert '<script src="/static/vendor/leaflet/leaflet.js" defer></script>' in body
    assert '<script src="/static/widgets/frame-map.js" defer></script>' in body
    assert 'data-clusters-url="/api/v1/map/clusters"' in body
    assert 'data-item-url="http://127.0.0.1:8000/content/0/"' in body
    assert 'alt="On the map"' in body


def test_pages_answer_304_and_change_when_the_public_content_does(
    client: Client, make_item: MakeItem, django_capture_on_commit_callbacks
) -> None:
    item = make_item("Soon gone")
    first = client.get("/widgets/gallery")
    assert client.get("/widgets/gallery", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        content_set_consents(item=item, purposes=[])
    after = client.get("/widgets/gallery", HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert "Soon gone" not in after.content.decode()


def test_bad_parameters_get_a_readable_400_page(client: Client) -> None:
    response = client.get("/widgets/gallery", {"limit": "500", "x": "<b>"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Unknown parameter" in body
    assert "<b>" not in body
    assert policy(response)["frame-ancestors"] == ["*"]  # visible where it is embedded
    response = client.get("/widgets/map", {"limit": "500"})
    assert response.status_code == 400
    assert "less than or equal to 48" in response.content.decode()


@pytest.mark.parametrize("path", ["/widgets/gallery", "/widgets/map"])
def test_pages_cost_two_queries_whatever_the_number_of_items(
    client: Client, make_item: MakeItem, path: str
) -> None:
    for _ in range(2):
        make_item(tags=("beach",))
    client.get(path, {"limit": "1"})  # the public version and the branding, cached once
    with assert_queries(2):
        client.get(path, {"limit": "48"})
    for _ in range(15):
        make_item(tags=("beach", "sunset"))
    with assert_queries(2):
        assert client.get(path, {"limit": "48", "tag": "beach"}).content.count(b"<figure>") == 17
    with assert_queries(0):
        client.get(path, {"limit": "48", "tag": "beach"})
