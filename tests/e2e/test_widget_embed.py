"""The widgets on another site, in a real browser.

A plain HTML page is served from another port (another origin) and embeds the
gallery and the map with the one-line snippet and with iframes. The widgets
must render there, show a hostile title as text (no dialog may ever open), set
no cookie, and pass axe-core.
"""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, expect

from tellus.content.map import forget_index
from tellus.content.models import ContentItem, Place, Tag
from tellus.content.services import content_set_consents
from tellus.people.models import Person
from tellus.widgets.payloads import forget_recent
from tests.e2e.conftest import AXE_SCRIPT, FAILING_IMPACTS, format_violations
from tests.factories import PersonFactory

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script>"
PHOTOS = ("Sunrise at Famara", "Papagayo at noon", "Black sand, white foam")
TILES = "**/*.tile.openstreetmap.org/**"


def host_page(tellus: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Visit the island</title></head>
<body>
<header><p>The island's tourism board</p></header>
<main>
<h1>Beaches of the island</h1>
{body.replace("TELLUS", tellus)}
</main>
</body>
</html>
"""


SNIPPETS = """
<script src="TELLUS/widgets/embed.js" data-tellus-widget="gallery" data-tag="beach"
        data-limit="12" async></script>
<script src="TELLUS/widgets/embed.js" data-tellus-widget="map" async></script>
"""
FRAMES = """
<iframe src="TELLUS/widgets/gallery?tag=beach" title="Visitors' beach photos"
        width="800" height="600"></iframe>
<iframe src="TELLUS/widgets/map" title="Map of visitors' content" width="800" height="700"></iframe>
"""


class _HostHandler(SimpleHTTPRequestHandler):
    """Serves the folder; /strict.html comes with a strict CSP naming only the widget's origin."""

    strict_policy = ""

    def end_headers(self) -> None:
        if self.path.startswith("/strict.html"):
            self.send_header("Content-Security-Policy", self.strict_policy)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def host_site(tmp_path: Path, live_server: Any) -> Iterator[str]:
    """The DMO's own site: static pages on another port, embedding the live server's widgets."""
    folder = tmp_path / "site"
    folder.mkdir()
    tellus = live_server.url
    (folder / "index.html").write_text(host_page(tellus, SNIPPETS))
    (folder / "strict.html").write_text(host_page(tellus, SNIPPETS))
    (folder / "frames.html").write_text(host_page(tellus, FRAMES))
    handler = type("Handler", (_HostHandler,), {"strict_policy": strict_policy(tellus)})
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def strict_policy(tellus: str) -> str:
    return (
        f"default-src 'none'; script-src {tellus}; style-src {tellus}; "
        f"img-src {tellus} data:; connect-src {tellus}"
    )


def write_webp(path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "WEBP")
    path.write_bytes(out.getvalue())


@pytest.fixture
def content(settings: Any, tmp_path: Path, live_server: Any) -> dict[str, ContentItem]:
    """Three public beach photos (with real image files), a hostile story, and hidden items."""
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"
    forget_index()
    forget_recent()
    contributor: Person = PersonFactory(display_name="Ana")  # type: ignore[assignment]
    beach, _ = Tag.objects.get_or_create(slug="beach", defaults={"name": "Beach"})
    Place.objects.create(name="Famara", slug="famara", latitude=29.115, longitude=-13.56)
    made: dict[str, ContentItem] = {}

    def make(
        title: str,
        *,
        kind: str = "photo",
        state: str = "published",
        consents: tuple[str, ...] = ("website",),
    ) -> ContentItem:
        n = len(made) + 1
        renditions = []
        if kind == "photo":
            for width, height in ((320, 240), (640, 480)):
                name = f"content/{n}/photo-{width}.webp"
                write_webp(settings.MEDIA_ROOT / name, (width, height), (30 * n, 120, 160))
                renditions.append({"width": width, "height": height, "name": name})
        item = ContentItem.objects.create(
            contributor=contributor,
            kind=kind,
            title=title,
            body="" if kind == "photo" else "A line of the sea.",
            state=state,
            renditions=renditions,
            latitude=29.115,
            longitude=-13.561,
            location_source="map",
            published_at=timezone.now(),
        )
        item.tags.set([beach])
        content_set_consents(item=item, purposes=list(consents))
        made[title] = item
        return item

    for title in PHOTOS:
        make(title)
    make(HOSTILE, kind="story")
    make("Waiting for a moderator", state="pending")
    make("No website consent", consents=())
    return made


def fail_on_dialogs(page: Page, seen: list[str]) -> None:
    def dialog(d: Dialog) -> None:
        seen.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    page.on("pageerror", lambda error: seen.append(f"page error: {error}"))


@pytest.fixture
def widget_context(browser: Browser) -> Iterator[BrowserContext]:
    """A browser that honours every CSP (no bypass here), with no way out to map tiles."""
    ctx = browser.new_context(locale="en-GB")
    ctx.route(TILES, lambda route: route.abort())
    yield ctx
    ctx.close()


def test_the_script_snippet_renders_on_another_origin(
    widget_context: BrowserContext,
    host_site: str,
    content: dict[str, ContentItem],
    live_server: Any,
) -> None:
    page = widget_context.new_page()
    page.set_default_timeout(10_000)
    trouble: list[str] = []
    fail_on_dialogs(page, trouble)
    page.goto(f"{host_site}/index.html")

    gallery = page.locator("[data-tellus-widget-host=gallery]")
    expect(gallery.get_by_role("heading", name="Shared by visitors")).to_be_visible()
    expect(gallery.locator("figure")).to_have_count(4)  # three photos and the story
    alts = gallery.locator("img").evaluate_all("(nodes) => nodes.map((n) => n.alt)")
    assert sorted(alts) == sorted(PHOTOS)
    for title in ("Waiting for a moderator", "No website consent"):
        expect(page.get_by_text(title)).to_have_count(0)
    expect(gallery.get_by_text("by Ana").first).to_be_visible()

    # The hostile title is shown as text; nothing in it became an element.
    expect(gallery.get_by_text(HOSTILE)).to_be_visible()
    injected = page.evaluate(
        """() => [...document.querySelectorAll('[data-tellus-widget-host]')]
              .map((h) => h.shadowRoot.querySelectorAll('script, img[src="x"]').length)
              .reduce((a, b) => a + b, 0) + document.querySelectorAll('img[src="x"]').length"""
    )
    assert injected == 0

    # The pictures came from Tellus's origin, across origins.
    first = gallery.locator("img").first
    expect(first).to_have_js_property("complete", True)
    assert first.evaluate("(img) => img.naturalWidth") > 0
    assert first.evaluate("(img) => img.currentSrc").startswith(f"{live_server.url}/media/")

    # Keyboard: the first Tab lands on the first item's link, to its page on Tellus.
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const h = document.activeElement; return h.shadowRoot"
        " ? h.shadowRoot.activeElement.href : h.href; }"
    )
    assert focused.startswith(f"{live_server.url}/content/")

    # The map widget, with no map library on the page: a heading and the places listed.
    map_widget = page.locator("[data-tellus-widget-host=map]")
    expect(map_widget.get_by_role("heading", name="Where visitors shared from")).to_be_visible()
    expect(map_widget.locator(".clusters li").first).to_contain_text("near Famara")
    expect(map_widget.locator("figure")).to_have_count(4)

    # Styles are the widget's own: the host page's rules do not reach inside.
    assert page.evaluate("() => document.querySelectorAll('figure').length") == 0
    assert widget_context.cookies() == []
    assert trouble == []


def test_the_snippet_works_under_a_strict_host_policy(
    widget_context: BrowserContext, host_site: str, content: dict[str, ContentItem]
) -> None:
    page = widget_context.new_page()
    page.set_default_timeout(10_000)
    trouble: list[str] = []
    fail_on_dialogs(page, trouble)
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{host_site}/strict.html")
    gallery = page.locator("[data-tellus-widget-host=gallery]")
    expect(gallery.locator("figure")).to_have_count(4)
    expect(gallery.locator("img").first).to_have_js_property("complete", True)
    assert violations == []
    assert trouble == []


def test_the_iframes_render_on_another_origin(
    widget_context: BrowserContext, host_site: str, content: dict[str, ContentItem]
) -> None:
    page = widget_context.new_page()
    page.set_default_timeout(10_000)
    trouble: list[str] = []
    fail_on_dialogs(page, trouble)
    page.goto(f"{host_site}/frames.html")

    gallery = page.frame_locator('iframe[title="Visitors\' beach photos"]')
    expect(gallery.get_by_role("heading", name="Shared by visitors")).to_be_visible()
    expect(gallery.locator("figure")).to_have_count(4)
    expect(gallery.get_by_text(HOSTILE)).to_be_visible()
    expect(gallery.locator('img[src="x"]')).to_have_count(0)

    # The map page loads Leaflet from Tellus's own files and draws the API's clusters.
    map_frame = page.frame_locator('iframe[title="Map of visitors\' content"]')
    expect(map_frame.locator(".leaflet-container")).to_be_visible()
    expect(map_frame.locator(".cluster-icon")).to_have_text("4")
    expect(map_frame.locator("figure")).to_have_count(4)
    assert widget_context.cookies() == []
    assert trouble == []


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]


def test_the_widgets_pass_axe_core(
    browser: Browser, host_site: str, content: dict[str, ContentItem], live_server: Any
) -> None:
    # bypass_csp only here: axe-core is injected as an inline script.
    ctx = browser.new_context(locale="en-GB", bypass_csp=True)
    ctx.route(TILES, lambda route: route.abort())
    try:
        page = ctx.new_page()
        page.set_default_timeout(10_000)
        checks = [
            (f"{host_site}/index.html", "[data-tellus-widget-host=map] figure"),
            (f"{live_server.url}/widgets/gallery?tag=beach", "figure"),
            (f"{live_server.url}/widgets/map", ".cluster-icon"),
        ]
        for url, ready in checks:
            page.goto(url)
            expect(page.locator(ready).first).to_be_visible()
            failing = axe_violations(page)
            if failing:
                pytest.fail(format_violations(url, failing), pytrace=False)
    finally:
        ctx.close()
