"""The demo's own basemap in a real browser, with every other origin cut off.

The map page and the widget's map frame must draw the island (its coast as an
SVG path, its roads, its place names) from the file Tellus serves, and must
not send a single request anywhere but Tellus: no tile server, nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Route, expect

from tellus.demo import catalogue as cat
from tellus.demo.basemap import write_basemap
from tellus.widgets.payloads import forget_recent
from tests.e2e.conftest import Visit

pytestmark = pytest.mark.browser

PANE = ".leaflet-tellusBasemap-pane"
SEA = "rgb(170, 211, 223)"
VILLAGES = [p.name for p in cat.PLACES if p.kind == "village"]


@pytest.fixture
def demo_basemap(settings: Any, tmp_path: Path) -> Path:
    """The demo's basemap written and set, as `tellus demo` leaves it; no tile server."""
    path = write_basemap(tmp_path / "basemap.geojson")
    settings.TELLUS_MAP_TILES_URL = ""
    settings.TELLUS_MAP_BASEMAP = path
    forget_recent()
    return path


class Outside:
    """Every request to another origin than Tellus's: refused, and written down."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.refused: list[str] = []

    def __call__(self, route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" == self.origin or parts.scheme in {"data", "blob"}:
            route.continue_()
        else:
            self.refused.append(url)
            route.abort()


@pytest.fixture
def strict(browser: Browser, live_server: Any) -> Iterator[tuple[BrowserContext, Outside]]:
    """A browser that honours the CSP (no bypass) and reaches no origin but Tellus's."""
    outside = Outside(live_server.url)
    ctx = browser.new_context(locale="en-GB")
    ctx.route("**/*", outside)
    yield ctx, outside
    ctx.close()


def watch(page: Page) -> list[str]:
    """Page errors, failed loads and the CSP refusing an image or a fetch: all must stay empty."""
    trouble: list[str] = []
    page.on("pageerror", lambda error: trouble.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: trouble.append(f"failed: {request.url}"))

    def console(message: ConsoleMessage) -> None:
        if any(directive in message.text for directive in ("img-src", "connect-src")):
            trouble.append(f"console: {message.text}")

    page.on("console", console)
    return trouble


def assert_island_drawn(page: Page) -> None:
    pane = page.locator(PANE)
    # The coast, the lava fields and villages, and the roads: SVG paths with real shapes.
    expect(pane.locator("path").first).to_be_attached()
    shapes = pane.locator("path").evaluate_all(
        "(paths) => paths.map((p) => ({d: (p.getAttribute('d') || '').length,"
        " fill: p.getAttribute('fill'), w: p.getBBox().width}))"
    )
    assert len(shapes) > 10
    land = max(shapes, key=lambda s: s["w"])
    assert land["d"] > 500 and land["w"] > 200, "the coast is one large shape on screen"
    colour = page.locator(".leaflet-container").evaluate(
        "(el) => getComputedStyle(el).backgroundColor"
    )
    assert colour == SEA, "the sea around the island, not Leaflet's grey"


def test_the_map_page_draws_the_island_from_tellus_alone(
    strict: tuple[BrowserContext, Outside], demo_basemap: Path, live_server: Any
) -> None:
    ctx, outside = strict
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    trouble = watch(page)
    with page.expect_response(lambda r: "/map/basemap.geojson" in r.url) as answer:
        page.goto(f"{live_server.url}/map/")
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/geo+json"
    assert_island_drawn(page)
    # Villages are named from the first view (zoom 10); the island's name always.
    for name in [*VILLAGES, str(cat.DESTINATION["name"])]:
        expect(page.locator(".tellus-basemap-label", has_text=name)).to_be_visible()
    assert page.locator(".leaflet-tile").count() == 0, "no tiles were asked for"

    # Zoomed in, the smaller places are named too.
    page.locator("#content-map").focus()
    page.keyboard.press("Equal")
    expect(page.locator(".tellus-basemap-label", has_text="Playa Larga")).to_be_visible()
    assert outside.refused == []
    assert trouble == []


def test_the_widget_map_frame_draws_it_too(
    strict: tuple[BrowserContext, Outside], demo_basemap: Path, live_server: Any
) -> None:
    ctx, outside = strict
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    trouble = watch(page)
    page.goto(f"{live_server.url}/widgets/map")
    assert_island_drawn(page)
    assert outside.refused == []
    assert trouble == []


def test_the_map_with_its_basemap_passes_axe_core(
    page: Page, visit: Visit, demo_basemap: Path, live_server: Any
) -> None:
    outside = Outside(live_server.url)
    page.route("**/*", outside)
    page.goto("/map/")
    expect(page.locator(f"{PANE} path").first).to_be_attached()
    visit.check()
    assert outside.refused == []
