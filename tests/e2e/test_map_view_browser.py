"""The coverage map as a meeting sees it (issue 14): on a 1920×1080 projector the map is the largest thing on
the page and the region fills it, the title is not hidden by Streamlit's top bar; the map comes on screen before
the figures, which follow (also when the map cannot say it is drawn); a server serves the map as soon as it is up;
and a click on a region right after a drill drills (it used to land on whatever the zoom animation had moved under
the pointer)."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import streamlit_server
from tests.e2e.leaflet_probe import DRAWN_AT_INIT_JS, DRAWN_CODES_JS, DRAWN_EXTENT_JS, HIT_POINT_JS, MAP_IFRAME
from tests.e2e.test_map_browser import click_region, display_children, key_figures, map_frame, wait_for_map, wait_for_region_param
from ui.state import REST_FALLBACK_S
from ucj_dash.text.i18n import t

PROJECTOR = {"width": 1920, "height": 1080}
#: province clicked on the national map, then a kabupaten of it clicked as soon as the province's map is drawn
DRILLS = (("61", "61.08"), ("53", "53.02"), ("35", "35.07"), ("11", "11.04"), ("63", "63.71"), ("18", "18.11"))

# Points along the top of the title's letters that are the title's own (not covered by the top bar).
TITLE_VISIBLE_JS = """(text) => {
  const h = [...document.querySelectorAll('h3')].find(e => e.textContent.trim() === text);
  if (!h) return 'no title';
  const range = document.createRange(); range.selectNodeContents(h);
  const r = range.getBoundingClientRect();
  if (r.top < 0 || r.bottom > innerHeight) return `title text at ${r.top}–${r.bottom}`;
  for (let i = 0; i < 5; i++) {
    const x = r.left + (i + 0.5) * Math.min(r.width, 200) / 5, y = r.top + 3;
    const el = document.elementFromPoint(x, y);
    if (!el || !h.contains(el)) return `(${x}, ${y}) shows ${el && (el.dataset.testid || el.tagName)}`;
  }
  return 'visible';
}"""


def fill(page: Page) -> dict[str, float]:
    """How much of the map's width and height the drawn regions take, and whether they are all inside it."""
    e = map_frame(page).evaluate(DRAWN_EXTENT_JS)
    assert e, "no region drawn"
    inside = e["left"] >= -1 and e["top"] >= -1 and e["right"] <= e["width"] + 1 and e["bottom"] <= e["height"] + 1
    return {"width": (e["right"] - e["left"]) / e["width"], "height": (e["bottom"] - e["top"]) / e["height"], "inside": inside}


def test_on_a_projector_the_map_is_the_largest_thing_and_the_region_fills_it(new_context, app_url: str):
    page = new_context(viewport=PROJECTOR).new_page()
    page.goto(app_url)
    wait_for_map(page, display_children("ID"))

    assert page.evaluate(TITLE_VISIBLE_JS, t("app.title", "id")) == "visible"
    iframe = page.locator(MAP_IFRAME).bounding_box()
    figures = key_figures(page, "Angka kunci: Indonesia").locator("xpath=ancestor::*[@data-testid='stColumn'][1]")
    expect(figures).to_be_visible()
    column = figures.bounding_box()
    assert iframe["width"] > 0.6 * PROJECTOR["width"], f"the map is {iframe['width']:.0f}px wide on a 1920px screen"
    assert iframe["width"] > column["width"] and iframe["x"] + iframe["width"] <= column["x"], (iframe, column)
    assert iframe["y"] + iframe["height"] <= PROJECTOR["height"], "the map does not fit on the screen"
    national = fill(page)
    assert national["inside"] and national["width"] >= 0.95, f"Indonesia takes {national['width']:.0%} of the map's width"

    click_region(page, "53")  # Nusa Tenggara Timur: wider than tall, it fills the width
    wait_for_region_param(page, "53")
    wait_for_map(page, display_children("53"))
    ntt = fill(page)
    assert ntt["inside"] and max(ntt["width"], ntt["height"]) >= 0.95, f"NTT takes {ntt} of the map"
    assert page.evaluate(TITLE_VISIBLE_JS, t("app.title", "id")) == "visible"


def click_now(page: Page, code: str) -> None:
    """Click region ``code`` where it is drawn at this moment: no waiting for the map to come to rest, as a
    user clicks (Playwright's own click would wait until the region stops moving)."""
    hit = map_frame(page).evaluate(HIT_POINT_JS, code)
    assert hit, f"region {code} is drawn but no point of it is clickable"
    box = page.locator(MAP_IFRAME).bounding_box()
    page.mouse.click(box["x"] + hit["vx"], box["y"] + hit["vy"])


def test_a_click_as_soon_as_a_drill_is_drawn_drills(page: Page, app_url: str):
    page.goto(app_url)
    national = sorted(display_children("ID"))
    wait_for_map(page, set(national))
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    for province, kabupaten in DRILLS:
        if page.locator(".st-key-crumb_ID button").is_enabled():
            page.locator(".st-key-crumb_ID button").click()
            wait_for_region_param(page, None)
            wait_for_map(page, set(national))
        click_region(page, province)
        # the province's kabupaten are drawn (checked on every frame; the map may still be moving) and the app is idle
        map_frame(page).wait_for_function(f"(want) => JSON.stringify(({DRAWN_CODES_JS})()) === JSON.stringify(want)",
                                          arg=sorted(display_children(province)), polling="raf")
        page.wait_for_function("() => document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'notRunning'",
                               polling="raf")
        click_now(page, kabupaten)
        try:
            wait_for_region_param(page, kabupaten)
        except PlaywrightTimeout:
            pytest.fail(f"the click on {kabupaten} right after the drill to {province} was lost "
                        f"(region is now {page.evaluate('new URL(location.href).searchParams.get(`region`)')})")
        wait_for_map(page, display_children(kabupaten))


# In the top page from its start: when the key figures' heading first appears (ms since navigation started).
FIGURES_AT_INIT_JS = """(() => {
  if (window.top !== window) return;
  new MutationObserver((_, observer) => {
    if ([...document.querySelectorAll('h3')].some(h => h.textContent.startsWith('Angka kunci'))) {
      window.__ucjFiguresAt = performance.now(); observer.disconnect();
    }
  }).observe(document, {childList: true, subtree: true});
})();"""


def test_the_map_comes_before_the_figures_and_the_sidebar_follows(new_context, app_url: str):
    context = new_context(viewport=PROJECTOR)
    context.add_init_script(DRAWN_AT_INIT_JS % {"want": json.dumps(sorted(display_children("ID")))})
    context.add_init_script(FIGURES_AT_INIT_JS)
    page = context.new_page()
    page.goto(app_url)
    expect(key_figures(page, "Angka kunci: Indonesia")).to_be_visible()
    drawn, figures = page.evaluate("() => [window.__ucjDrawnAt, window.__ucjFiguresAt]")
    assert drawn is not None and figures is not None and drawn < figures, f"map drawn at {drawn} ms, figures at {figures} ms"
    sidebar = page.get_by_test_id("stSidebar")
    for label in ("Sumber data", "Bahasa", "Klasifikasi warna"):
        expect(sidebar.get_by_text(label, exact=True)).to_be_visible()
    expect(page.get_by_role("textbox", name="Cari wilayah (nama atau kode)")).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_the_figures_come_even_when_the_map_cannot_say_it_is_drawn(new_context, app_url: str):
    context = new_context(viewport=PROJECTOR)
    context.route("**/leaflet.js", lambda route: route.abort())  # no Leaflet: no map, no report that it is drawn
    page = context.new_page()
    page.goto(app_url)
    expect(page.get_by_role("heading", name=t("app.title", "id"), exact=True)).to_be_visible()
    expect(key_figures(page, "Angka kunci: Indonesia")).to_be_visible(timeout=(REST_FALLBACK_S + 15) * 1000)
    expect(page.get_by_test_id("stSidebar").get_by_text("Klasifikasi warna", exact=True)).to_be_visible()


def test_a_server_that_is_up_serves_the_map_before_any_visit(tmp_path):
    """The server warms the map page as it starts (ui/warmup.py): the map's component and Leaflet are served at once
    (they are registered although no session has run), and the warm-up did not fail."""
    log = tmp_path / "server.log"
    with streamlit_server(log) as url:
        for path in ("component/streamlit_folium.st_folium/index.html", "component/ui.loaders.leaflet_assets/leaflet.js"):
            with urllib.request.urlopen(f"{url}/{path}", timeout=10) as resp:
                assert resp.status == 200, path
    text = log.read_text(errors="replace")
    assert "warming up the map page failed" not in text and "Traceback" not in text, text[-2000:]
