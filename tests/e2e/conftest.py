"""The browser pass: Playwright drives Debian's Chromium against a live server.

Every page a test visits must be checked with axe-core (``Visit.check``): a
page that was navigated to and not checked fails the test at teardown, so a
new step cannot slip past the accessibility check.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

# The live server runs in a thread beside Playwright's event loop; Django would
# otherwise refuse ORM calls made from the test while a page is open.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The impacts that fail the pass; "moderate" and "minor" findings are printed only.
FAILING_IMPACTS = ("serious", "critical")


def chromium_executable() -> str:
    """Debian's Chromium (TELLUS_CHROMIUM overrides); Playwright downloads no browser of its own."""
    configured = os.environ.get("TELLUS_CHROMIUM")
    candidates = (configured,) if configured else CHROMIUM_CANDIDATES
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("chromium")
    if found and not configured:
        return found
    raise pytest.UsageError(
        f"No Chromium found (looked at {', '.join(c for c in candidates if c)}): "
        "install Debian's chromium package (.ci/run does) or set TELLUS_CHROMIUM."
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": chromium_executable(),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], live_server: Any) -> dict[str, Any]:
    # bypass_csp lets the test inject axe-core, an inline script the site's CSP
    # (rightly) blocks; it is set here, on the test's browser, and nowhere else.
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "bypass_csp": True,
        "locale": "en-GB",
        "accept_downloads": True,
    }


@pytest.fixture(autouse=True)
def _live(live_server: Any) -> None:
    """Every browser test needs the live server, and with it a transactional database."""


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} serious or critical accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            target = " ".join(
                json.dumps(t) if not isinstance(t, str) else t for t in node["target"]
            )
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


class Visit:
    """A page under test that knows which of its navigations were checked with axe-core."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.unchecked: list[str] = []
        self.checked: list[str] = []
        # "load" fires once per document: a jump to #main or a download is no new page.
        page.on("load", self._loaded)

    def _loaded(self, page: Page) -> None:
        if page.url != "about:blank":
            self.unchecked.append(page.url)

    def check(self) -> None:
        """Run axe-core on the current page; fail on serious or critical violations."""
        page = self.page
        page.wait_for_load_state("load")
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.add_script_tag(path=str(AXE_SCRIPT))
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        failing = [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]
        self.checked.append(page.url)
        self.unchecked = [url for url in self.unchecked if url != page.url]
        if failing:
            pytest.fail(format_violations(page.url, failing), pytrace=False)


@pytest.fixture
def visit(page: Page) -> Iterator[Visit]:
    if not AXE_SCRIPT.is_file():
        pytest.fail(
            f"axe-core is missing ({AXE_SCRIPT.relative_to(ROOT)}): run `make setup` first.",
            pytrace=False,
        )
    page.set_default_timeout(10_000)
    tracker = Visit(page)
    yield tracker
    if tracker.unchecked:
        pytest.fail(
            "Pages visited without an accessibility check: " + ", ".join(tracker.unchecked),
            pytrace=False,
        )
