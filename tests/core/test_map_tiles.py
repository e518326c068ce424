"""The maps' base layer follows the settings: tiles the DMO chose, its own basemap, or none.

Settings are read here as production reads them, from the environment (the
settings module is run afresh with the variables set), and the pages are then
served with what it computed: the URL and attribution the browser gets, and the
Content-Security-Policy that lets exactly that tile origin in.
"""

from __future__ import annotations

import json
import re
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from tellus.config import settings as settings_module
from tellus.demo.basemap import write_basemap
from tellus.widgets.payloads import forget_recent

MAP_VARIABLES = (
    "TELLUS_MAP_TILES_URL",
    "TELLUS_MAP_TILES_ATTRIBUTION",
    "TELLUS_MAP_TILES_MAX_ZOOM",
    "TELLUS_MAP_BASEMAP",
    "TELLUS_MAP_BASEMAP_ATTRIBUTION",
)
APPLIED = (
    "TELLUS_MAP_TILES_URL",
    "TELLUS_MAP_TILES_ATTRIBUTION",
    "TELLUS_MAP_TILES_MAX_ZOOM",
    "TELLUS_MAP_BASEMAP",
    "TELLUS_MAP_BASEMAP_ATTRIBUTION",
    "CONTENT_SECURITY_POLICY",
)
SETTINGS_FILE = str(Path(settings_module.__file__))
MAP_PAGES = ("/map/", "/widgets/map")
CONFIG = re.compile(r'<script id="tellus-map-base" type="application/json">(.*?)</script>', re.S)


def read_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    """The settings module run afresh with these variables, as a server would start."""
    for name in MAP_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(SETTINGS_FILE, run_name="tellus_settings_probe")


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[Any]:
    """Start with these variables: the map settings and the CSP they give are put in force."""

    def apply(**env: str) -> dict[str, Any]:
        probe = read_settings(monkeypatch, **env)
        for name in APPLIED:
            setattr(settings, name, probe[name])
        forget_recent()  # the widget frame's bytes are kept in the process
        return probe

    yield apply
    forget_recent()


def policy(response: Any) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def base_layer(response: Any) -> dict[str, Any]:
    found = CONFIG.search(response.content.decode())
    assert found, "the page carries no base-layer settings for the map script"
    return json.loads(found.group(1))


@pytest.mark.django_db
@pytest.mark.parametrize("path", MAP_PAGES)
def test_a_configured_tile_server_is_used_and_is_the_only_image_origin_let_in(
    client: Client, configure: Any, path: str
) -> None:
    configure(
        TELLUS_MAP_TILES_URL="https://{s}.tiles.example.org/island/{z}/{x}/{y}.png",
        TELLUS_MAP_TILES_ATTRIBUTION="© Example Maps & OpenStreetMap contributors",
        TELLUS_MAP_TILES_MAX_ZOOM="17",
    )
    response = client.get(path)
    assert response.status_code == 200
    assert base_layer(response) == {
        "kind": "tiles",
        "url": "https://{s}.tiles.example.org/island/{z}/{x}/{y}.png",
        "attribution": "© Example Maps & OpenStreetMap contributors",
        "maxZoom": 17,
    }
    csp = policy(response)
    assert csp["img-src"] == ["'self'", "data:", "blob:", "https://*.tiles.example.org"]
    assert csp["connect-src"] == ["'self'"]  # tiles are images: no script talks to the server
    assert "openstreetmap.org" not in response["Content-Security-Policy"]
    assert "tile.openstreetmap" not in response.content.decode()


@pytest.mark.django_db
def test_a_fresh_install_calls_no_third_party(client: Client, configure: Any, tmp_path) -> None:
    configure(TELLUS_MAP_BASEMAP_ATTRIBUTION="")
    from django.conf import settings

    settings.TELLUS_MAP_BASEMAP = tmp_path / "not-written-yet.geojson"
    for path in MAP_PAGES:
        response = client.get(path)
        assert base_layer(response) == {"kind": "none", "maxZoom": 18}
        csp = policy(response)
        assert csp["img-src"] == ["'self'", "data:", "blob:"]
        assert csp["connect-src"] == ["'self'"]
    assert client.get("/map/basemap.geojson").status_code == 404


@pytest.mark.django_db
def test_every_page_with_a_map_gets_the_setting(
    client: Client, configure: Any, member: Any
) -> None:
    configure(
        TELLUS_MAP_TILES_URL="https://tiles.example.org/{z}/{x}/{y}.png",
        TELLUS_MAP_TILES_ATTRIBUTION="Example Maps",
    )
    client.force_login(member)
    # The content map, and the maps where a member picks the place of a photo or a story.
    for path in ("/map/", "/share/", "/write/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert base_layer(response)["url"] == "https://tiles.example.org/{z}/{x}/{y}.png", path


@pytest.mark.django_db
def test_hostile_attribution_reaches_the_page_as_inert_text(client: Client, configure: Any) -> None:
    configure(
        TELLUS_MAP_TILES_URL="https://tiles.example.org/{z}/{x}/{y}.png",
        TELLUS_MAP_TILES_ATTRIBUTION="</script><img src=x onerror=alert(1)>",
    )
    for path in MAP_PAGES:
        body = client.get(path).content.decode()
        assert "<img src=x" not in body
        assert "</script><img" not in body
        config = base_layer(client.get(path))
        assert config["attribution"] == "</script><img src=x onerror=alert(1)>"


# --- The self-hosted basemap ----------------------------------------------------


@pytest.fixture
def island(configure: Any, tmp_path: Path) -> Path:
    path = write_basemap(tmp_path / "island.geojson")
    configure(TELLUS_MAP_BASEMAP=str(path), TELLUS_MAP_BASEMAP_ATTRIBUTION="Island survey")
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("path", MAP_PAGES)
def test_the_pages_draw_the_basemap_tellus_serves(client: Client, island: Path, path: str) -> None:
    response = client.get(path)
    config = base_layer(response)
    assert config["kind"] == "basemap"
    assert re.fullmatch(r"/map/basemap\.geojson\?v=[0-9a-f]{16}", config["url"])
    assert config["attribution"] == "Island survey"
    csp = policy(response)
    assert csp["img-src"] == ["'self'", "data:", "blob:"]  # nothing from elsewhere
    assert csp["connect-src"] == ["'self'"]


@pytest.mark.django_db
def test_the_basemap_is_valid_geojson_with_cache_headers(client: Client, island: Path) -> None:
    url = base_layer(client.get("/map/"))["url"]
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response["ETag"].startswith('"') and response["Last-Modified"]
    assert not response.cookies
    body = response.getvalue()
    assert body == island.read_bytes()
    data = json.loads(body)
    assert data["type"] == "FeatureCollection"
    kinds = {f["geometry"]["type"] for f in data["features"]}
    assert {"Polygon", "LineString", "Point"} <= kinds
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["properties"], dict)
    # Asked again with its version, it costs nothing but a 304.
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


@pytest.mark.django_db
def test_a_rewritten_basemap_gets_a_new_version(client: Client, island: Path) -> None:
    before = base_layer(client.get("/map/"))["url"]
    island.write_text('{"type":"FeatureCollection","features":[]}')
    after = base_layer(client.get("/map/"))["url"]
    assert after != before
    assert json.loads(client.get(after).getvalue()) == {
        "type": "FeatureCollection",
        "features": [],
    }


@pytest.mark.django_db
def test_the_basemap_is_not_served_when_the_map_uses_tiles(
    client: Client, configure: Any, tmp_path: Path
) -> None:
    from django.conf import settings

    configure(
        TELLUS_MAP_TILES_URL="https://tiles.example.org/{z}/{x}/{y}.png",
        TELLUS_MAP_TILES_ATTRIBUTION="Example Maps",
    )
    assert settings.TELLUS_MAP_BASEMAP is None
    assert client.get("/map/basemap.geojson").status_code == 404


def test_with_nothing_set_the_data_folders_basemap_is_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    probe = read_settings(monkeypatch)
    assert probe["TELLUS_MAP_BASEMAP"] == probe["DATA_DIR"] / "basemap.geojson"
    assert probe["TELLUS_MAP_TILES_URL"] == ""
    img_src = probe["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    assert not [source for source in img_src if "://" in str(source)]


# --- Values refused at start -----------------------------------------------------


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TELLUS_MAP_TILES_URL": "javascript:alert(1)//{z}/{x}/{y}"}, "only https"),
        ({"TELLUS_MAP_TILES_URL": "data:image/png;base64,{z}{x}{y}"}, "only https"),
        ({"TELLUS_MAP_TILES_URL": "https://tiles.example.org/tile.png"}, "needs {z}, {x} and {y}"),
        ({"TELLUS_MAP_TILES_URL": "https://tiles.example.org/{z}/{x}.png"}, "needs {z}"),
        ({"TELLUS_MAP_TILES_URL": "http://tiles.example.org/{z}/{x}/{y}.png"}, "use https"),
        (
            {"TELLUS_MAP_TILES_URL": "https://evil.example; script-src *;/{z}/{x}/{y}"},
            "plain name",
        ),
        ({"TELLUS_MAP_TILES_URL": "https://x.example/{z}/{x}/{y}'/>"}, "quotes"),
        ({"TELLUS_MAP_TILES_URL": "https://x.example/{z}/{x}/{y}?k={apikey}"}, "placeholder"),
        ({"TELLUS_MAP_TILES_URL": "https://me:pw@x.example/{z}/{x}/{y}"}, "user name"),
        ({"TELLUS_MAP_TILES_URL": "https://x.example:http/{z}/{x}/{y}"}, "port"),
        ({"TELLUS_MAP_TILES_URL": "https://x.example/" + "a" * 2100 + "/{z}/{x}/{y}"}, "long"),
    ],
)
def test_hostile_tile_urls_are_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    env = {"TELLUS_MAP_TILES_ATTRIBUTION": "Example Maps", **env}
    with pytest.raises(ImproperlyConfigured, match="TELLUS_MAP_TILES_URL") as refused:
        read_settings(monkeypatch, **env)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"TELLUS_MAP_TILES_URL": "https://tiles.example.org/{z}/{x}/{y}.png"},
            "TELLUS_MAP_TILES_ATTRIBUTION must say whose map",
        ),
        (
            {
                "TELLUS_MAP_TILES_URL": "https://tiles.example.org/{z}/{x}/{y}.png",
                "TELLUS_MAP_TILES_ATTRIBUTION": "Example\nMaps",
            },
            "TELLUS_MAP_TILES_ATTRIBUTION must be one line",
        ),
        ({"TELLUS_MAP_TILES_ATTRIBUTION": "x" * 301}, "at most 300"),
        ({"TELLUS_MAP_TILES_MAX_ZOOM": "40"}, "TELLUS_MAP_TILES_MAX_ZOOM must be from 1 to 22"),
        ({"TELLUS_MAP_BASEMAP": "/nonexistent/island.geojson"}, "is not a readable file"),
    ],
)
def test_other_bad_map_settings_are_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        read_settings(monkeypatch, **env)


def test_a_basemap_and_a_tile_server_together_are_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = write_basemap(tmp_path / "island.geojson")
    with pytest.raises(ImproperlyConfigured, match="not both"):
        read_settings(
            monkeypatch,
            TELLUS_MAP_BASEMAP=str(path),
            TELLUS_MAP_TILES_URL="https://tiles.example.org/{z}/{x}/{y}.png",
            TELLUS_MAP_TILES_ATTRIBUTION="Example Maps",
        )


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://tile.example.org/{z}/{x}/{y}.png", "https://tile.example.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{-y}@2x.png", "https://*.tile.example.org"),
        (
            "HTTPS://Tiles.Example.org:8443/{z}/{x}/{y}{r}.png?k=1&s=2",
            "https://tiles.example.org:8443",
        ),
        ("http://localhost:8080/{z}/{x}/{y}.png", "http://localhost:8080"),
    ],
)
def test_good_tile_urls_give_exactly_their_origin(
    monkeypatch: pytest.MonkeyPatch, url: str, origin: str
) -> None:
    probe = read_settings(
        monkeypatch, TELLUS_MAP_TILES_URL=url, TELLUS_MAP_TILES_ATTRIBUTION="Example Maps"
    )
    assert probe["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"][3:] == [origin]
