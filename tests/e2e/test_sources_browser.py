"""Figures from several datasets in a real browser: a link with its sources shows the same figures in a
new session, and the map's tooltip names the source and month of each figure's numerator and denominator."""

from __future__ import annotations

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import streamlit_server
from tests.e2e.leaflet_probe import HIT_POINT_JS, MAP_IFRAME, MAP_PATH
from tests.stores import link_demo_sources
from ucj_dash.datasets import store
from ucj_dash.datasets.dataset import DatasetMeta
from ucj_dash.geography import boundaries
from ucj_dash.geography.regions import Registry

TTS = "53.02"
NAME = "Sakernas uji TTS"


@pytest.fixture(scope="module")
def sources_url(browser, tmp_path_factory):
    """A server on its own store: the demo sources, and employed workers of every TTS village (1,000 each)."""
    root = tmp_path_factory.mktemp("sources")
    link_demo_sources(root / "data")
    villages = Registry.load(boundaries.layers_dir() / "regions.parquet").descendants(TTS, 4)
    figures = pd.DataFrame({"region_code": villages, "period": "2024-12", "employed_workers": 1000.0})
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UCJ_DATA_DIR", str(root / "data"))
        store.save(DatasetMeta("sakernas-tts", NAME, "Uji", "2024-12-31", False), figures)
    with streamlit_server(root / "server.log", env={"UCJ_DATA_DIR": str(root / "data")}) as url:
        yield url, villages


def coverage_metric(page: Page) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Cakupan UCJ").first
    expect(metric).to_be_visible(timeout=60_000)
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def test_a_link_with_its_sources_shows_the_same_figures_and_the_tooltip_names_them(new_context, sources_url):
    url, villages = sources_url
    link = f"{url}/?region={TTS}&src=w:sakernas-tts"
    first = new_context().new_page()
    first.goto(link)
    value = coverage_metric(first)
    # the participants of the demo over 1,000 employed in each village of TTS, matched village by village
    participants = store.load("demo-peserta")  # read from the built store: the links point there
    rows = participants.at("2024-12").reindex(villages)
    expected = rows["active_participants"].sum() / (1000.0 * rows["active_participants"].notna().sum()) * 100
    assert value == f"{expected:.1f}".replace(".", ",") + "%"

    again = new_context().new_page()  # a new session from the same link: the same sources, the same figure
    again.goto(link)
    assert coverage_metric(again) == value
    default = new_context().new_page()
    default.goto(f"{url}/?region={TTS}")
    assert coverage_metric(default) != value  # the default sources give Sakernas by kabupaten

    frame = first.frame_locator(MAP_IFRAME)
    expect(frame.locator(MAP_PATH).first).to_be_visible(timeout=60_000)
    kecamatan = sorted({v[:8] for v in villages})[0]
    hit = first.locator(MAP_IFRAME).element_handle().content_frame().wait_for_function(HIT_POINT_JS, arg=kecamatan).json_value()
    frame.locator(MAP_PATH).nth(hit["index"]).hover(position={"x": hit["x"], "y": hit["y"]})
    tooltip = frame.locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text(f"penyebut: {NAME}, Des 2024")
    expect(tooltip).to_contain_text("pembilang: Simulasi peserta BPJS Ketenagakerjaan")


def test_a_link_naming_a_deleted_dataset_says_so_and_shows_the_default(new_context, sources_url):
    url, _ = sources_url
    page = new_context().new_page()
    page.goto(f"{url}/?region={TTS}&src=w:sudah-dihapus")
    expect(page.get_by_text("sudah-dihapus", exact=False).first).to_be_visible(timeout=60_000)
    default = new_context().new_page()
    default.goto(f"{url}/?region={TTS}")
    assert coverage_metric(page) == coverage_metric(default)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
