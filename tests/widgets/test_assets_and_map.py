"""The embed script and style at fixed addresses, and the map widget's JSON."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from tellus.content.models import Place
from tests.helpers import assert_queries
from tests.widgets.conftest import MakeItem

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "src/tellus/widgets/static/widgets"


@pytest.mark.parametrize(
    ("path", "content_type", "file"),
    [
        ("/widgets/embed.js", "text/javascript; charset=utf-8", "embed.js"),
        ("/widgets/embed.css", "text/css; charset=utf-8", "embed.css"),
    ],
)
def test_the_script_and_style_are_served_to_any_site(
    client: Client, path: str, content_type: str, file: str
) -> None:
    with assert_queries(0):
        response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content == (STATIC / file).read_bytes()
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response["Cache-Control"].startswith("public, max-age=3600")
    assert not response.cookies
    assert client.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_the_script_stays_small_and_never_parses_data_as_html() -> None:
    source = (STATIC / "embed.js").read_text()
    assert len(source.encode()) < 10_000
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source
    assert not re.search(r"\bimport\b|require\(", source)  # no framework, no modules


def test_map_json_lists_clusters_with_words_and_points_with_links(
    client: Client, make_item: MakeItem, settings
) -> None:
    settings.SITE_URL = "https://tellus.example.org"
    Place.objects.create(name="Famara", slug="famara", latitude=29.115, longitude=-13.56)
    for _ in range(4):  # the default view's zoom 10 clusters these together
        make_item(latitude=29.116, longitude=-13.561, public_latitude=None)
    lone = make_item(latitude=28.95, longitude=-13.85)
    make_item("Not public", state="pending", latitude=29.2, longitude=-13.4)
    response = client.get("/widgets/map.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.cookies
    data = response.json()
    assert [(c["count"], c["label"]) for c in data["clusters"]] == [(4, "4 items near Famara")]
    assert data["points"] == [
        {
            "id": lone.pk,
            "longitude": pytest.approx(lone.public_longitude),
            "latitude": pytest.approx(lone.public_latitude),
            "label": "1 item",
            "url": f"https://tellus.example.org/content/{lone.pk}/",
        }
    ]
    assert data["view"]["zoom"] == 10
    assert data["view"]["west"] < -13.63 < data["view"]["east"]
    assert data["view"]["south"] < 29.03 < data["view"]["north"]
    assert data["map_url"] == "https://tellus.example.org/map/"
    assert client.get("/widgets/map.json", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    with assert_queries(0):
        client.get("/widgets/map.json")


def test_map_json_refuses_parameters_it_does_not_take(client: Client) -> None:
    response = client.get("/widgets/map.json", {"bbox": "1,2,3,4"})
    assert response.status_code == 400
    assert response.json()["field"] == "bbox"
    assert "the widget takes lang" in response.json()["detail"]
