"""The report's dashboard in a real browser: Debian's Chromium driven by Playwright, with
axe-core's rules injected into the page. At 1, 20 and 500 hotfixes, 1280 and 390 px wide,
light and dark: no horizontal scroll at 1280 px (neither the page nor a table's region), no
rendered text under 11 px, no serious or critical axe violation, no console error, and no
network request at all (the page is one self-contained file). Full-page screenshots go to
``artifacts/browser/`` (``HOTFIX_HOOKS_ARTIFACTS`` moves ``artifacts/``): CI keeps them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from benchmarks import dashboard_screenshots as shots
from tests import realtools

pytestmark = [pytest.mark.slow, pytest.mark.needs("chromium", "playwright", "axe-core")]

SHOTS = realtools.ARTIFACTS / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Every visible text node: its rendered font size (an SVG text scaled by its chart), and
# how far the page and each scrolling region overflow sideways.
MEASURE = """() => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || el.closest("title, style, script")) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || style.visibility === "hidden") continue;
    let size = parseFloat(style.fontSize);
    if (el instanceof SVGElement) {
      const m = el.getScreenCTM();
      size *= Math.hypot(m.a, m.b);
    }
    if (size < 11) small.push(`${el.tagName} ${JSON.stringify(node.textContent.trim().slice(0, 40))} at ${size.toFixed(1)} px`);
  }
  const root = document.documentElement;
  const regions = [...document.querySelectorAll(".scroll")].map(
    e => e.scrollWidth - e.clientWidth);
  return {small, page: root.scrollWidth - root.clientWidth, regions,
          charts: [...document.querySelectorAll("svg.chart")].filter(
            s => s.getBoundingClientRect().width > 0).map(s => s.id)};
}"""
AXE = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations.map(
  v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length}))"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        found = playwright.chromium.launch(
            executable_path=str(realtools.path_of("chromium")), args=CHROMIUM_ARGS
        )
        yield found
        found.close()


@pytest.fixture(scope="module")
def pages() -> dict[int, str]:
    return {n: shots.page(n) for n in (1, 20, 500)}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("n", [1, 20, 500])
def test_dashboard_in_chromium(
    browser: Any, pages: dict[int, str], n: int, width: int, scheme: str
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route("**/*", lambda route: (requests.append(route.request.url), route.abort()))
        page.set_content(pages[n], wait_until="load")
        measured = page.evaluate(MEASURE)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"dashboard-{n}-{width}px-{scheme}.png"), full_page=True)
        page.add_script_tag(path=str(realtools.path_of("axe-core")))  # inline: no request
        violations = page.evaluate(AXE)
    finally:
        context.close()

    assert requests == [], requests
    assert errors == [], errors
    assert measured["small"] == [], measured["small"]
    # the charts laid out for the width (narrow ones below 760 px), each shown once
    narrow = width < 760
    assert len(measured["charts"]) == 3, measured["charts"]
    assert all(c.endswith("-narrow") == narrow for c in measured["charts"]), measured["charts"]
    if width == 1280:
        assert measured["page"] == 0
        assert measured["regions"] == [0] * len(measured["regions"]), measured["regions"]
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert bad == [], bad
