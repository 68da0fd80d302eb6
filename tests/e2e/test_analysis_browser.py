"""From the analysis views to a region's profile, in a real browser (issue 4).

Three ways in: the profile link shown after a click on the coverage map, a
click on a point of the priority scatter, and a click on the priority page's
two-variable map. Each test checks the URL (path and ``region``) and what the
user sees on the profile: the region's name as title and its key figures.
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.leaflet_probe import (
    DRAWN_CODES_JS,
    HIT_POINT_JS,
    MAP_DRAWN_JS,
    MAP_IFRAME,
    MAP_PATH,
)
from ucj_dash.geography import boundaries
from ucj_dash.geography.regions import Registry

PROVINCE = "53"  # Nusa Tenggara Timur
KABUPATEN = "53.11"  # Kabupaten Sumba Timur: the largest kabupaten of NTT on the map
PAGE_TIMEOUT_MS = 60_000  # first render of a page (the server is shared with other test runs)
SCATTER = ".st-key-prscatter .js-plotly-plot"
COVERAGE_FIGURE = "Cakupan (cakupan aktif)"

# Every marker of the scatter with what it stands for, and the free room around it.
# Plotly binds calcdata to the SVG: each trace's <g class="trace"> holds the trace
# (its index in gd.data), each marker's <path class="point"> its point number i;
# the figure's gd.data[trace].customdata[i] is the region code, .text[i] its name.
# room: distance to the nearest other marker's edge minus the marker's own radius
# (> 0: no other marker overlaps it). Coordinates are the viewport's.
SCATTER_POINTS_JS = """(gd) => {
  const plot = gd.querySelector('.nsewdrag').getBoundingClientRect();
  const pts = [...gd.querySelectorAll('.scatterlayer .trace path.point')].map(p => {
    const r = p.getBoundingClientRect(), i = p.__data__.i, trace = gd.data[p.closest('g.trace').__data__[0].trace.index];
    return {code: trace.customdata[i], name: trace.text[i], x: r.left + r.width / 2, y: r.top + r.height / 2, r: r.width / 2};
  });
  return pts.map(p => ({...p,
    inside: p.x - p.r > plot.left && p.x + p.r < plot.right && p.y - p.r > plot.top && p.y + p.r < plot.bottom,
    room: Math.min(...pts.filter(q => q !== p).map(q => Math.hypot(p.x - q.x, p.y - q.y) - q.r)) - p.r}));
}"""


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load(boundaries.layers_dir() / "regions.parquet")


# ---- helpers


def query(page: Page) -> dict[str, str]:
    """The page's query parameters (``page.url`` misses history updates, ``location.href`` does not)."""
    return {k: v[0] for k, v in parse_qs(urlsplit(page.evaluate("location.href")).query).items()}


def wait_for_location(page: Page, path: str, region: str) -> None:
    """Wait until the URL's path ends with ``path`` and its ``region`` parameter is ``region``."""
    try:
        page.wait_for_function(
            "([path, region]) => { const u = new URL(location.href);"
            " return u.pathname.endsWith(path) && u.searchParams.get('region') === region; }",
            arg=[path, region], timeout=PAGE_TIMEOUT_MS,
        )
    except PlaywrightTimeout:
        pytest.fail(f"expected {path}?region={region}, the browser is at {page.evaluate('location.href')}")


def map_frame(page: Page) -> Frame:
    return page.locator(MAP_IFRAME).element_handle(timeout=PAGE_TIMEOUT_MS).content_frame()


def wait_for_map(page: Page, codes: list[str]) -> None:
    """Wait until the (only) map of the page draws exactly the regions ``codes`` and is at rest."""
    want = sorted(codes)
    try:
        map_frame(page).wait_for_function(MAP_DRAWN_JS, arg=want, timeout=PAGE_TIMEOUT_MS)
    except PlaywrightTimeout:
        got = map_frame(page).evaluate(DRAWN_CODES_JS)
        pytest.fail(f"map drew {len(got)} regions (first {got[:5]}), expected {len(want)} (first {want[:5]})")


def stable_hit(page: Page, code: str) -> dict:
    """A clickable point of region ``code`` (see HIT_POINT_JS) that stays put for a moment.

    Right after a page's first render the map can still move or be redrawn (a rerun
    of the page), which makes a point computed at that instant miss its region.
    """
    iframe = page.locator(MAP_IFRAME)
    deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        try:
            first = (map_frame(page).evaluate(HIT_POINT_JS, code), iframe.bounding_box())
            page.wait_for_timeout(300)
            again = (map_frame(page).evaluate(HIT_POINT_JS, code), iframe.bounding_box())
        except PlaywrightError:  # the iframe was replaced while we looked
            page.wait_for_timeout(300)
            continue
        if first[0] and first == again:
            return first[0]
    pytest.fail(f"region {code} is not drawn on the map, no point of it is clickable, or the map never settles")


def click_region(page: Page, code: str) -> None:
    """Click region ``code`` on the map, at a point where its own polygon is on top.

    Playwright clicks only once the path is what receives the click at that point, so
    if the map moved after the point was found the click times out unsent, and is
    retried at a fresh point (unless the URL changed meanwhile: then the click went through).
    """
    before = page.evaluate("location.href")
    for _ in range(4):
        hit = stable_hit(page, code)
        try:
            page.frame_locator(MAP_IFRAME).locator(MAP_PATH).nth(hit["index"]).click(
                position={"x": hit["x"], "y": hit["y"]}, timeout=8_000)
            return
        except PlaywrightTimeout:
            if page.evaluate("location.href") != before:
                return
    pytest.fail(f"could not click region {code}: the map kept moving under the pointer")


def assert_profile(page: Page, code: str, name: str) -> None:
    """The profile of ``code`` is on screen: URL /profil?region=code, title ``name``, its key figures, no error.

    The generous timeouts are for the first, cold render of a profile on a busy machine.
    """
    wait_for_location(page, "/profil", code)
    expect(page.locator("h1")).to_have_text(name, timeout=PAGE_TIMEOUT_MS)
    caption = page.get_by_text(re.compile(rf" · kode {re.escape(code)}$"))  # kind · path · kode <code>
    expect(caption).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    figure = page.locator('[data-testid="stMetricLabel"]').filter(has_text=COVERAGE_FIGURE)
    expect(figure).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert query(page)["region"] == code


# ---- tests


def test_map_click_then_profile_link(page: Page, app_url: str, registry: Registry):
    name = registry.name(PROVINCE)
    page.goto(app_url)  # the map is the default page: it lives at "/" (a typed /peta is "Page not found")
    wait_for_map(page, registry.children("ID"))
    click_region(page, PROVINCE)
    try:
        page.wait_for_function("(want) => new URL(location.href).searchParams.get('region') === want", arg=PROVINCE)
    except PlaywrightTimeout:
        pytest.fail(f"the click on {name} did not drill down: the browser is at {page.evaluate('location.href')}")

    link = page.get_by_role("link", name=re.compile(rf"Profil {re.escape(name)}$"))
    expect(link).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    assert parse_qs(urlsplit(link.get_attribute("href")).query).get("region") == [PROVINCE]
    link.click()
    assert_profile(page, PROVINCE, name)
    assert urlsplit(page.evaluate("location.href")).path.endswith("/profil")


def test_scatter_point_opens_profile(page: Page, app_url: str, registry: Registry):
    page.goto(f"{app_url}/prioritas?region={PROVINCE}")
    plot = page.locator(SCATTER)
    points = plot.locator(".scatterlayer path.point")
    expect(points.first).to_be_attached(timeout=PAGE_TIMEOUT_MS)
    expect(points).to_have_count(len(registry.children(PROVINCE)))  # NTT's kabupaten all have data
    plot.scroll_into_view_if_needed()
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=PAGE_TIMEOUT_MS)

    # The most isolated marker lying wholly inside the plot: a click there is a click on it and nothing else.
    candidates = [p for p in plot.evaluate(SCATTER_POINTS_JS) if p["inside"] and p["room"] > 0]
    assert candidates, "every marker of the scatter overlaps another one or the plot's edge"
    point = max(candidates, key=lambda p: p["room"])
    code, name = point["code"], point["name"]
    assert registry.name(code) == name and code in registry.children(PROVINCE), point

    page.mouse.move(point["x"], point["y"])
    expect(plot.locator(".hoverlayer .hovertext")).to_contain_text(f"{name} ({code})")  # the user sees which one
    page.mouse.click(point["x"], point["y"])
    assert_profile(page, code, name)


def test_bivariate_map_click_opens_profile(page: Page, app_url: str, registry: Registry):
    name = registry.name(KABUPATEN)
    page.goto(f"{app_url}/prioritas?region={PROVINCE}")
    # MAP_IFRAME matches every st_folium iframe (its key gives no st-key-prmap class): this page has one, prmap.
    expect(page.locator(MAP_IFRAME)).to_have_count(1, timeout=PAGE_TIMEOUT_MS)
    wait_for_map(page, registry.children(PROVINCE))
    click_region(page, KABUPATEN)
    assert_profile(page, KABUPATEN, name)
