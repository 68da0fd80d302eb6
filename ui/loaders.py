"""Cached loaders: what is read once per process and the views derived from a user's choices.

Heavy objects (registry, datasets, display layers) are loaded once per process
(``st.cache_resource``); views derived from the user's choices are cached per
(dataset, parent, period, settings, ...) with a bound on the entries. No
computation lives here: it calls :mod:`ucj_dash`.
"""

from __future__ import annotations

import gc

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components
import xstatic.pkg.leaflet

from ucj_dash import cli
from ucj_dash.analysis import priority, profile
from ucj_dash.analysis.indicators import METRICS
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets import store
from ucj_dash.datasets.dataset import Dataset
from ucj_dash.errors import UserError
from ucj_dash.geography import boundaries
from ucj_dash.geography.regions import Level, Registry, level_of
from ucj_dash.text.i18n import t
from ucj_dash.views import mapview

# Leaflet is installed from PyPI (XStatic-Leaflet) and served by this app through a
# component path, so the map needs no CDN. The component is never rendered.
_leaflet_assets = components.declare_component("leaflet_assets", path=xstatic.pkg.leaflet.BASE_DIR)


ASSET_URLS = {
    # relative to streamlit-folium's iframe (/component/streamlit_folium.st_folium/index.html)
    "leaflet_js": f"../{_leaflet_assets.name}/leaflet.js",
    "leaflet_css": f"../{_leaflet_assets.name}/leaflet.css",
}


def ensure_built(lang: str) -> None:
    """Build boundaries and the demo dataset on the first run (once per machine)."""
    if boundaries.read_manifest() is None or not store.exists(store.DEMO_ID):
        with st.spinner(t("building.boundaries", lang)):
            try:
                cli.build_all()
            except UserError as exc:
                st.error(exc.message(lang))
                st.stop()


def _freeze_heap() -> None:
    """Move the long-lived objects just loaded out of the garbage collector's sight.

    Without this, full collections keep re-scanning the registry and the
    dataset and stall reruns by 100–250 ms at random (measured on the priority page).
    """
    gc.collect()
    gc.freeze()


@st.cache_resource(show_spinner=False)
def registry() -> Registry:
    reg = cli.registry()
    _freeze_heap()
    return reg


@st.cache_resource(show_spinner=False)
def dataset(dataset_id: str = store.DEMO_ID) -> Dataset:
    ds = store.load(dataset_id)
    _freeze_heap()
    return ds


@st.cache_resource(show_spinner=False, max_entries=48)
def display_layer(level: int, parent: str | None = None):
    """Display geometry of one level (villages per kabupaten, the 48 most recent kept), read once per process."""
    lv = Level(level)
    if lv == Level.VILLAGE:
        return boundaries.read_layer(lv, display=True, parent=parent[:5])
    return boundaries.read_layer(lv, display=True)


def children_geoms(parent: str, level: Level):
    """Display geometry of the regions at ``level`` inside ``parent`` (code, name, geometry).

    Villages need a ``parent`` at kabupaten level or below (they are stored per kabupaten).
    """
    layer = display_layer(int(level), parent if level == Level.VILLAGE else None)
    if parent == "ID":
        return layer
    prefix = parent + "."
    return layer[layer["code"].str.startswith(prefix)]


@st.cache_resource(show_spinner=False)
def manifest() -> dict:
    return boundaries.read_manifest() or {}


@st.cache_data(show_spinner=False, max_entries=256)
def children_table_cached(dataset_id: str, parent: str, period: str, settings_key: tuple, level: int | None = None) -> pd.DataFrame:
    """:func:`mapview.children_table` (descendants at ``level`` when given), cached per view."""
    return mapview.children_table(
        dataset(dataset_id), registry(), parent, period, Settings.from_key(settings_key), None if level is None else Level(level)
    )


@st.cache_data(show_spinner=False, max_entries=64)
def layer_geojson_cached(dataset_id, parent, period, metric_key, classification, lang, selected, settings_key) -> str:
    settings_ = Settings.from_key(settings_key)
    table = children_table_cached(dataset_id, parent, period, settings_key)
    metric = METRICS[metric_key]
    classes = mapview.classify(table[metric.column], metric, classification, settings_, lang)
    geoms = children_geoms(parent, Level(level_of(parent) + 1))
    return mapview.layer_geojson(table, geoms, metric, classes, period, dataset(dataset_id), lang, selected)


@st.cache_data(show_spinner=False, max_entries=128)
def profile_cached(dataset_id: str, code: str, period: str, settings_key: tuple):
    """A region's trend over every period and its village officials in ``period`` (the profile's slow parts)."""
    ds, settings_ = dataset(dataset_id), Settings.from_key(settings_key)
    return profile.trend(ds, code, settings_), profile.village_officials(ds, code, period)


@st.cache_data(show_spinner=False, max_entries=32)
def priority_view_cached(dataset_id, parent, level: int, period, settings_key, rule_items: tuple, lang) -> tuple[pd.DataFrame, str]:
    """The ranked regions (with a ``reason`` column) and the bivariate map's GeoJSON, cached per view and rule."""
    settings_ = Settings.from_key(settings_key)
    rule = priority.Rule(**dict(rule_items))
    table = children_table_cached(dataset_id, parent, period, settings_key, level)
    ranked = priority.rank(table, settings_, rule)
    ranked["reason"] = priority.reasons(ranked, settings_, lang, rule.coverage)
    geoms = children_geoms(parent, Level(level))
    classes = priority.quadrant_classes(ranked["quadrant"], lang)
    geojson = mapview.layer_geojson(
        ranked, geoms, None, classes, period, dataset(dataset_id), lang, value_text=priority.map_text(ranked, lang, rule.coverage)
    )
    return ranked, geojson
