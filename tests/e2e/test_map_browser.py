"""The map page in a real browser: offline drawing, drill-down, shared and broken links, mobile.

Which regions the map drew is read from Leaflet itself (each drawn layer
carries its GeoJSON feature, whose ``code`` property is the region code), so
waits end when exactly the expected regions are on the map, not merely when
something changed.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
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
from ucj_dash.geography.regions import Level, Registry, level_of

LOCAL_HOSTS = {"localhost", "127.0.0.1"}
PROVINCE = "61"  # Kalimantan Barat: large polygons, easy to hit
KABUPATEN = "61.08"  # Kabupaten Landak
SIMULATED = {"id": "Data simulasi / simulated data", "en": "Simulated data / data simulasi"}

@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load(boundaries.layers_dir() / "regions.parquet")


def display_children(code: str) -> set[str]:
    """Codes of the children of ``code`` that have a display boundary (what the map can draw)."""
    level = Level(level_of(code) + 1)
    return set(boundaries.read_layer(level, display=True, parent=code)["code"])


def map_frame(page: Page) -> Frame:
    return page.locator(MAP_IFRAME).element_handle().content_frame()


def map_paths(page: Page):
    return page.frame_locator(MAP_IFRAME).locator(MAP_PATH)


def query(page: Page) -> dict[str, str]:
    """The page's query parameters (``page.url`` misses history updates, ``location.href`` does not)."""
    return {k: v[0] for k, v in parse_qs(urlsplit(page.evaluate("location.href")).query).items()}


def wait_for_region_param(page: Page, region: str | None) -> None:
    page.wait_for_function("(want) => new URL(location.href).searchParams.get('region') === want", arg=region)


def wait_for_map(page: Page, codes: set[str]) -> None:
    """Wait until the map draws exactly the regions ``codes``, one path each."""
    want = sorted(codes)
    try:
        map_frame(page).wait_for_function(MAP_DRAWN_JS, arg=want)
    except PlaywrightTimeout:
        got = map_frame(page).evaluate(DRAWN_CODES_JS)
        pytest.fail(f"map drew {len(got)} regions (first {got[:5]}), expected {len(want)} (first {want[:5]})")
    expect(map_paths(page)).to_have_count(len(want))


def click_region(page: Page, code: str) -> None:
    """Click region ``code`` on the map, at a point where its polygon is on top.

    The map is not scrolled into view first: a click on a partly hidden map
    must work (Leaflet's focus-on-mousedown used to scroll the page and lose it).
    """
    try:
        hit = map_frame(page).wait_for_function(HIT_POINT_JS, arg=code).json_value()
    except PlaywrightTimeout:
        pytest.fail(f"region {code} is not drawn on the map, or no point of it is clickable")
    map_paths(page).nth(hit["index"]).click(position={"x": hit["x"], "y": hit["y"]})


def key_figures(page: Page, text: str):
    """The right-hand subheader, e.g. ``Angka kunci: Kalimantan Barat (2024-12)``."""
    return page.locator("h3").filter(has_text=re.compile("^" + re.escape(text) + r" \(\d{4}-\d{2}\)"))


def assert_page_sound(page: Page, lang: str = "id") -> None:
    """Every page: the simulated-data warning is shown and no Streamlit exception is."""
    expect(page.locator('[data-testid="stAlertContentWarning"]').filter(has_text=SIMULATED[lang])).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_national_map_draws_offline(page: Page, app_url: str, registry: Registry):
    off_host: list[str] = []

    def local_only(route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            off_host.append(route.request.url)
            route.abort()

    def note_websocket(ws):
        if urlsplit(ws.url).hostname not in LOCAL_HOSTS:
            off_host.append(ws.url)

    page.context.route("**/*", local_only)
    page.on("websocket", note_websocket)
    page.goto(app_url)
    wait_for_map(page, set(registry.children("ID")))
    expect(map_paths(page)).to_have_count(38)
    legend = page.locator('[data-testid="ucj-legend"]')
    expect(legend).to_contain_text("Tidak ada data")
    expect(legend).to_have_text(re.compile(re.escape(SIMULATED["id"]) + r"\s*$"))
    page.wait_for_load_state("networkidle")
    assert off_host == [], f"the page tried to reach other hosts: {off_host}"
    assert_page_sound(page)


def test_drill_down_and_back_to_indonesia(page: Page, app_url: str, registry: Registry):
    page.goto(app_url)
    wait_for_map(page, set(registry.children("ID")))

    click_region(page, PROVINCE)
    wait_for_region_param(page, PROVINCE)
    assert query(page) == {"region": PROVINCE}
    expect(key_figures(page, f"Angka kunci: {registry.name(PROVINCE)}")).to_be_visible()
    kabs = set(registry.children(PROVINCE))
    wait_for_map(page, kabs)
    expect(page.get_by_text(re.compile(r"^Peringkat .* — diurutkan menurut"))).to_be_visible()
    expect(page.get_by_role("button", name="Unduh tabel (CSV)", exact=True)).to_be_visible()

    click_region(page, KABUPATEN)
    wait_for_region_param(page, KABUPATEN)
    expect(key_figures(page, f"Angka kunci: {registry.name(KABUPATEN)}")).to_be_visible()
    wait_for_map(page, display_children(KABUPATEN))
    crumbs = page.locator('[class*="st-key-crumb_"]')
    expect(crumbs).to_have_text(["Indonesia", f"› {registry.name(PROVINCE)}", f"› {registry.name(KABUPATEN)}",
                                 "↑ Naik satu tingkat"])

    page.locator(".st-key-crumb_ID button").click()
    wait_for_region_param(page, None)
    assert "region" not in query(page)
    expect(key_figures(page, "Angka kunci: Indonesia")).to_be_visible()
    wait_for_map(page, set(registry.children("ID")))
    expect(map_paths(page)).to_have_count(38)
    assert_page_sound(page)


def test_shared_link_opens_english_kabupaten_view(page: Page, app_url: str, registry: Registry):
    page.goto(f"{app_url}/?region=53.02&metric=extreme_poverty&lang=en")
    kecamatan = display_children("53.02")
    wait_for_map(page, kecamatan)
    expect(key_figures(page, "Key figures: Kabupaten Timor Tengah Selatan")).to_be_visible()
    legend = page.locator('[data-testid="ucj-legend"]')
    expect(legend).to_contain_text("Legend: Extreme poverty vs baseline (%)")
    expect(legend).to_contain_text("No data")
    expect(legend).to_have_text(re.compile(re.escape(SIMULATED["en"]) + r"\s*$"))
    expect(page.get_by_role("button", name="Download table (CSV)", exact=True)).to_be_visible()
    assert query(page) == {"region": "53.02", "metric": "extreme_poverty", "lang": "en"}
    assert_page_sound(page, "en")


def test_broken_link_falls_back_to_national_view(page: Page, app_url: str, registry: Registry):
    page.goto(f"{app_url}/?region=99.99&metric=nope&period=1900-01")
    wait_for_map(page, set(registry.children("ID")))
    expect(map_paths(page)).to_have_count(38)
    expect(key_figures(page, "Angka kunci: Indonesia")).to_be_visible()
    notices = page.locator('[data-testid="stAlertContentInfo"]')
    for bad in ("99.99", "nope", "1900-01"):
        expect(notices.filter(has_text=bad)).to_have_count(1)
    assert_page_sound(page)


def test_mobile_layout_fits_the_screen(new_context, app_url: str, registry: Registry):
    page = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    page.goto(app_url)
    wait_for_map(page, set(registry.children("ID")))
    frame = page.locator(MAP_IFRAME)
    expect(frame).to_be_visible()
    box = frame.bounding_box()
    assert box and box["width"] <= 390, f"map iframe is {box and box['width']}px wide on a 390px screen"
    expect(key_figures(page, "Angka kunci: Indonesia")).to_be_visible()
    assert_page_sound(page)


def test_first_click_on_a_partly_hidden_map_drills(new_context, app_url: str, registry: Registry):
    """On a laptop screen with the map partly below the fold, one click is enough.

    (Leaflet focuses the map on mousedown; without ``preventScroll`` that scrolled the
    page, the release landed elsewhere and the first click was lost.)
    """
    page = new_context(viewport={"width": 1366, "height": 768}).new_page()
    page.goto(app_url)
    wait_for_map(page, display_children("ID"))
    iframe = page.locator(MAP_IFRAME)
    visible_px = 300
    page.evaluate(
        "(dy) => document.querySelector('[data-testid=stMain]').scrollBy(0, dy)",
        iframe.bounding_box()["y"] - (768 - visible_px),
    )
    box = iframe.bounding_box()
    assert box["y"] + box["height"] > 768, "the map should be partly hidden for this test"
    point = map_frame(page).evaluate(
        """(maxY) => { for (let y = 20; y < maxY; y += 5) for (let x = 20; x < innerWidth - 20; x += 5) {
            const el = document.elementFromPoint(x, y);
            if (el && el.matches('path.leaflet-interactive')) return {x, y}; } return null; }""",
        768 - box["y"] - 5,
    )
    assert point, "no region visible above the fold"
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_function("() => /^\\d\\d$/.test(new URL(location.href).searchParams.get('region') || '')")
    assert iframe.bounding_box()["y"] == pytest.approx(box["y"], abs=2)  # the page did not jump
    assert registry.level(query(page)["region"]) == Level.PROVINCE
