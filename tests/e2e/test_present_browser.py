"""Presentation mode in a real browser: open a slide from its URL and step through the deck with the keyboard."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.leaflet_probe import MAP_IFRAME, MAP_PATH
from tests.e2e.test_map_browser import display_children, map_frame, wait_for_map
from ucj_dash.analysis.settings import Settings
from ucj_dash.text import fmt
from ucj_dash.views import mapview, slides

NTT = "53"
SIMULATED = "Data simulasi / simulated data"


def query(page: Page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.evaluate("location.href")).query).items()}


def counter(page: Page):
    return page.get_by_test_id("ucj-slide-counter")


def heading(page: Page, tag: str, text: str):
    return page.locator(f'[data-testid="ucj-slide"] {tag}').filter(has_text=re.compile("^" + re.escape(text) + "$"))


def keys_ready(page: Page) -> None:
    """Wait until the slide keys are listened to (the page's script has run)."""
    page.locator("html[data-ucj-present-keys]").wait_for(state="attached")


def press(page: Page, key: str, slide: str) -> float:
    """Press ``key`` and wait until the URL names ``slide``; the seconds it took."""
    keys_ready(page)
    start = time.monotonic()
    page.keyboard.press(key)
    try:
        page.wait_for_function("(k) => new URL(location.href).searchParams.get('slide') === k", arg=slide)
    except PlaywrightTimeout:
        pytest.fail(f"after {key!r} the URL names slide {query(page).get('slide')!r}, expected {slide!r}")
    return time.monotonic() - start


def wait_for_slide_map(page: Page, codes: set[str]) -> None:
    """Wait for the map slide to draw exactly ``codes``.

    The map's iframe is created blank and then loads the map: wait until a path is drawn (the
    frame locator follows that navigation) before asking Leaflet which regions it drew.
    """
    page.frame_locator(MAP_IFRAME).locator(MAP_PATH).first.wait_for(state="attached")
    wait_for_map(page, codes)


def assert_slide_sound(page: Page) -> None:
    """Every slide: the simulated label is on it, no Streamlit exception, no Streamlit chrome."""
    expect(page.get_by_test_id("ucj-slide-sim")).to_have_text(SIMULATED)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    for chrome in ('header[data-testid="stHeader"]', '[data-testid="stSidebar"]', '[data-testid="stToolbar"]'):
        expect(page.locator(chrome)).to_be_hidden()


def test_open_a_slide_from_its_url_and_step_with_the_keyboard(page: Page, app_url: str, registry, demo_dataset):
    n = len(slides.deck(registry, NTT))
    page.goto(f"{app_url}/presentasi?region={NTT}&slide=title")
    expect(heading(page, "h1", "Nusa Tenggara Timur")).to_be_visible(timeout=60_000)
    expect(counter(page)).to_have_text(f"1 / {n}")
    expect(page.get_by_test_id("ucj-sim-big")).to_contain_text(SIMULATED)
    assert_slide_sound(page)

    took = [press(page, "ArrowRight", "map")]
    expect(counter(page)).to_have_text(f"2 / {n}")
    expect(heading(page, "h2", "Cakupan UCJ (%): Kabupaten/Kota di Nusa Tenggara Timur")).to_be_visible()
    wait_for_slide_map(page, display_children(NTT))
    expect(page.get_by_test_id("ucj-legend")).to_contain_text("Tidak ada data")
    assert query(page) == {"region": NTT, "slide": "map"}
    assert_slide_sound(page)

    took.append(press(page, "ArrowRight", "figures"))
    expect(counter(page)).to_have_text(f"3 / {n}")
    expect(heading(page, "h2", "Angka kunci — Nusa Tenggara Timur")).to_be_visible()
    row = mapview.region_row(demo_dataset, NTT, demo_dataset.latest_period, Settings())
    coverage = page.locator('[data-figure="coverage"] .ucj-fig-value')
    expect(coverage).to_have_text(fmt.percent(row["ucj_coverage_pct"], "id"))
    assert query(page) == {"region": NTT, "slide": "figures"}
    assert_slide_sound(page)

    took.append(press(page, "ArrowLeft", "map"))
    expect(counter(page)).to_have_text(f"2 / {n}")
    wait_for_slide_map(page, display_children(NTT))

    took.append(press(page, "PageDown", "figures"))  # a presentation clicker's "next"
    expect(counter(page)).to_have_text(f"3 / {n}")
    took.append(press(page, "PageDown", "priority"))
    expect(heading(page, "h2", "Prioritas: Kabupaten/Kota di Nusa Tenggara Timur")).to_be_visible()
    expect(page.locator('[data-testid="ucj-slide"] tr[data-code]')).to_have_count(8)
    took.append(press(page, "PageUp", "figures"))  # and its "previous"
    expect(counter(page)).to_have_text(f"3 / {n}")
    took.append(press(page, " ", "priority"))
    took.append(press(page, " ", "cost"))
    expect(heading(page, "h2", "Biaya menutup kesenjangan — Nusa Tenggara Timur")).to_be_visible()
    expect(counter(page)).to_have_text(f"{n} / {n}")
    page.keyboard.press("ArrowRight")  # the last slide: nothing further
    page.wait_for_timeout(500)
    assert query(page)["slide"] == "cost"
    took.append(press(page, "Home", "title"))
    expect(counter(page)).to_have_text(f"1 / {n}")
    assert_slide_sound(page)
    print(f"slide changes took {', '.join(f'{s:.2f}' for s in took)} s (URL updated)")


def test_keys_work_after_clicking_the_map_and_escape_leaves(page: Page, app_url: str, registry):
    page.goto(f"{app_url}/presentasi?region={NTT}&slide=map")
    wait_for_slide_map(page, display_children(NTT))
    page.locator(MAP_IFRAME).click(position={"x": 30, "y": 300})
    assert map_frame(page).evaluate("document.hasFocus()")  # the keys now go to the map's document
    map_frame(page).wait_for_function("() => document.documentElement.hasAttribute('data-ucj-present-keys')")
    press(page, "ArrowRight", "figures")
    expect(counter(page)).to_have_text(re.compile(r"^3 / \d+$"))

    keys_ready(page)
    page.keyboard.press("Escape")
    page.wait_for_function("() => !new URL(location.href).searchParams.has('slide')", timeout=40_000)
    expect(page.locator("h3").filter(has_text=re.compile(r"^Angka kunci: Nusa Tenggara Timur"))).to_be_visible()
    assert query(page) == {"region": NTT}
    wait_for_slide_map(page, display_children(NTT))
    page.keyboard.press("ArrowRight")  # outside presentation mode the keys do nothing
    page.wait_for_timeout(500)
    assert query(page) == {"region": NTT}


def test_walk_through_child_regions(page: Page, app_url: str, registry):
    children = registry.children(NTT)
    n = len(slides.BASE_SLIDES) + len(children)
    page.goto(f"{app_url}/presentasi?region={NTT}&slide=cost&children=1")
    expect(counter(page)).to_have_text(f"5 / {n}", timeout=60_000)
    press(page, "ArrowRight", slides.child_key(children[0]))
    expect(heading(page, "h1", registry.name(children[0]))).to_be_visible()
    expect(counter(page)).to_have_text(f"6 / {n}")
    assert query(page) == {"region": NTT, "slide": slides.child_key(children[0]), "children": "1"}
    press(page, "PageDown", slides.child_key(children[1]))  # a presentation clicker's "next"
    press(page, "PageDown", slides.child_key(children[2]))
    expect(heading(page, "h1", registry.name(children[2]))).to_be_visible()
    expect(counter(page)).to_have_text(f"8 / {n}")
    press(page, "End", slides.child_key(children[-1]))
    expect(heading(page, "h1", registry.name(children[-1]))).to_be_visible()
    expect(counter(page)).to_have_text(f"{n} / {n}")
    assert_slide_sound(page)


def test_a_key_pressed_before_the_buttons_are_drawn_is_not_lost(page: Page, app_url: str, registry):
    """The cause of a flake: a key pressed while the script run had drawn the counter but not yet the
    slide buttons was dropped. Take the buttons off the page, press, put them back: the slide moves."""
    children = registry.children(NTT)
    n = len(slides.BASE_SLIDES) + len(children)
    page.goto(f"{app_url}/presentasi?region={NTT}&slide=cost&children=1")
    expect(counter(page)).to_have_text(f"5 / {n}", timeout=60_000)
    page.locator(".st-key-present_next button").wait_for()
    page.evaluate("""() => {
        const controls = document.querySelector('.st-key-present_controls');
        window.__ucjControls = [controls, controls.parentNode, controls.nextSibling];
        controls.remove();
    }""")
    keys_ready(page)
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    assert query(page)["slide"] == "cost"  # nothing to click yet
    page.evaluate("() => { const [c, parent, next] = window.__ucjControls; parent.insertBefore(c, next); }")
    page.wait_for_function("(k) => new URL(location.href).searchParams.get('slide') === k", arg=slides.child_key(children[0]))
    expect(counter(page)).to_have_text(f"6 / {n}")
