"""Cached loaders: what is read once per process and the views derived from a user's choices.

Heavy objects (registry, datasets, display layers) are loaded once per process;
views derived from the user's choices are kept per (dataset, parent, period,
settings, ...) with a bound on the entries (:func:`kept`). No computation lives
here: it calls :mod:`ucj_dash`.
"""

from __future__ import annotations

import functools
import gc
import inspect
import math
import threading
import time
from typing import NamedTuple

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components
import streamlit.config
import xstatic.pkg.leaflet

from ucj_dash import build, memory
from ucj_dash.analysis import indicators, priority, profile
from ucj_dash.analysis.indicators import METRICS
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets import composition, figures as figures_module, importer, store
from ucj_dash.datasets.figures import Figures
from ucj_dash.geography import boundaries
from ucj_dash.geography.regions import Level, Registry, level_of
from ucj_dash.text.i18n import t
from ucj_dash.views import leaflet_speed, mapview, tables

# Leaflet is installed from PyPI (XStatic-Leaflet) and served by this app through a
# component path, so the map needs no CDN. The component is never rendered.
leaflet_assets = components.declare_component("leaflet_assets", path=xstatic.pkg.leaflet.BASE_DIR)


ASSET_URLS = {
    # relative to streamlit-folium's iframe (/component/streamlit_folium.st_folium/index.html)
    "leaflet_js": f"../{leaflet_assets.name}/leaflet.js",
    "leaflet_css": f"../{leaflet_assets.name}/leaflet.css",
}


def ensure_built(lang: str) -> None:
    """On a fresh checkout, build boundaries and the demo dataset before any page runs.

    The build runs as a separate process (:func:`ucj_dash.build.start_in_background`), one at a
    time on the machine; meanwhile every visitor sees a progress message. A failed build shows
    its last words and what to do, and stops the page.
    """
    if build.is_built():
        _start_up_once()
        return
    child = build.start_in_background()
    box = st.empty()
    while (child is not None and child.poll() is None) or build.is_running():
        lines = build.progress_lines(1)
        with box.container():
            st.info(t("building.boundaries", lang), icon=":material/hourglass_top:")
            if lines:  # plain text: the log is not Markdown
                st.text(t("building.progress", lang, line=lines[0]))
        time.sleep(1)
    box.empty()
    if not build.is_built():
        st.error(t("building.failed", lang), icon=":material/error:")
        st.code("\n".join(build.progress_lines(8)) or "—", language=None)
        st.stop()


def kept(max_entries: int | None = None):
    """Keep a loader's results in this process per argument values (defaults filled in), the ``max_entries`` most
    recently used (all without a bound); a result several sessions ask for at once is made once. Callers never
    modify a result: it is shared, not copied.

    Instead of ``st.cache_data``/``st.cache_resource`` on what every rerun asks for: those inspect the function's
    signature, hash every argument and (cache_data) unpickle a copy of the result on each call, about 1.5 ms a call
    and a tenth of a map click's CPU (bench/bench_load.py). ``.clear()`` forgets everything.
    """

    def wrap(func):
        cache = figures_module.LRU(max_entries or 1 << 30)
        signature = inspect.signature(func)
        simple = all(p.default is inspect.Parameter.empty for p in signature.parameters.values())

        @functools.wraps(func)
        def cached(*args, **kwargs):
            if simple and not kwargs:
                key = args
            else:
                bound = signature.bind(*args, **kwargs)
                bound.apply_defaults()
                key = tuple(bound.arguments.values())
            return cache.get(key, lambda: func(*key))

        cached.clear = cache.clear
        return cached

    return wrap


_run = threading.local()


def new_run() -> None:
    """At the start of every run of the app: what is read once per run (the store's state) is read again."""
    _run.__dict__.clear()


@st.cache_resource(show_spinner=False)
def _start_up_once() -> None:
    """Once per process: freed memory goes back to the system (:mod:`ucj_dash.memory`), folium renders
    maps without lexing their data (:mod:`ucj_dash.views.leaflet_speed`), temporary folders
    of dataset writes that were killed are removed, and the server refuses an upload larger than the
    importer takes before reading it into memory."""
    memory.return_freed_memory()
    leaflet_speed.install()
    store.remove_leftovers()
    streamlit.config.set_option("server.maxUploadSize", upload_limit_mb(), "UCJ_MAX_UPLOAD_MB")


def upload_limit_mb() -> int:
    """The importer's file-size limit in whole megabytes (Streamlit's unit for upload limits), rounded up."""
    return max(1, math.ceil(importer.MAX_FILE_BYTES / (1024 * 1024)))


def _freeze_heap() -> None:
    """Move the long-lived objects just loaded out of the garbage collector's sight.

    Without this, full collections keep re-scanning the registry and the
    dataset and stall reruns by 100–250 ms at random (measured on the priority page).
    """
    gc.collect()
    gc.freeze()


@kept()
def registry() -> Registry:
    reg = build.registry()
    _freeze_heap()
    return reg


def store_state() -> tuple:
    """What the stored datasets and the default composition are now (each dataset's current version and
    the default's stamp): read once per run (:func:`new_run`; pages ask several times), so an import from the
    command line or another replica shows on the next."""
    state = getattr(_run, "store_state", None)
    if state is None:
        state = _run.store_state = (store.state(), composition.default_stamp())
    return state


@kept(8)
def _default_composition(state: tuple) -> composition.Composition:
    return composition.default()


def default_composition() -> composition.Composition:
    """The admin's default composition, read again whenever the store changes."""
    return _default_composition(store_state())


@kept(8)
def _candidates(state: tuple) -> dict[str, list[tuple[str, str, bool]]]:
    return {g: [(i, store.read_meta(i).name, store.read_meta(i).simulated) for i in composition.candidates(g)] for g in composition.GROUPS}


def source_candidates() -> dict[str, list[tuple[str, str, bool]]]:
    """Per indicator group: (id, name, simulated) of every stored dataset that holds its counts."""
    return _candidates(store_state())


def source_key(comp: composition.Composition, max_age_months: int) -> tuple:
    """What identifies a composition's figures: its sources, their current versions and the alignment setting."""
    current = dict(store_state()[0])
    versions = tuple(sorted((i, current[i]) for i in comp.dataset_ids() if i in current))
    return comp.sources, versions, int(max_age_months)  # the same as that Figures' ``key``


@kept(8)
def figures(key: tuple) -> Figures:
    """The figures of a composition (light: metadata and version manifests; period tables are read on
    demand and a few kept, see :mod:`ucj_dash.datasets.figures`)."""
    sources, _, max_age = key
    return figures_module.load(composition.Composition(sources), max_age)


@kept(16)
def display_layer(level: int, parent: str | None = None) -> pd.DataFrame:
    """Display geometry of one level (villages per kabupaten, the 16 most recent kept: ~1.2 MB each), read once per
    process (:func:`boundaries.read_display`)."""
    lv = Level(level)
    return boundaries.read_display(lv, parent[:5] if lv == Level.VILLAGE else None)


@kept(64)
def children_geoms(parent: str, level: Level) -> pd.DataFrame:
    """Display geometry of the regions at ``level`` inside ``parent`` (code, name, geometry; do not modify), kept
    for the 64 most recent views (a kecamatan's villages are picked out of the kabupaten's layer).

    Villages need a ``parent`` at kabupaten level or below (they are stored per kabupaten).
    """
    layer = display_layer(int(level), parent if level == Level.VILLAGE else None)
    if parent == "ID" or (level == Level.VILLAGE and level_of(parent) == Level.REGENCY):  # the layer is its regions
        return layer
    prefix = parent + "."
    return layer[layer["code"].str.startswith(prefix)]


@kept()
def manifest() -> dict:
    return boundaries.read_manifest() or {}


@kept(256)
def children_table_cached(key: tuple, parent: str, period: str, settings_key: tuple, level: int | None = None,
                          since: str | None = None) -> pd.DataFrame:
    """:func:`mapview.children_table` (descendants at ``level`` when given; change since ``since``), cached per
    view and data version."""
    return mapview.children_table(
        figures(key), registry(), parent, period, Settings.from_key(settings_key), None if level is None else Level(level), since
    )


@kept(64)
def classes_cached(key: tuple, parent: str, period: str, metric_key: str, classification: str, lang: str,
                   settings_key: tuple, since: str | None = None) -> mapview.Classes:
    """The map's classes of ``parent``'s children (those of its colours and of its legend), cached per view."""
    table = children_table_cached(key, parent, period, settings_key, None, since)
    metric = METRICS[metric_key]
    return mapview.classify(table[metric.column], metric, classification, Settings.from_key(settings_key), lang, parent)


@kept(64)
def layer_geojson_cached(key: tuple, parent, period, metric_key, classification, lang, selected, settings_key,
                         since: str | None = None) -> str:
    table = children_table_cached(key, parent, period, settings_key, None, since)
    classes = classes_cached(key, parent, period, metric_key, classification, lang, settings_key, since)
    geoms = children_geoms(parent, Level(level_of(parent) + 1))
    return mapview.layer_geojson(table, geoms, METRICS[metric_key], classes, period, figures(key), lang, selected)


class MapTables(NamedTuple):
    """What the map page shows of ``parent``'s children beside the map."""

    shown: tables.Table  # ranked by the metric
    improved: tables.Table | None  # the most improved since the period compared with (None without one)
    without_boundary: int  # children listed but not drawn
    with_data: int  # children with any figures


@kept(64)
def map_tables_cached(key: tuple, parent: str, period: str, settings_key: tuple, since: str | None, metric_key: str,
                      lang: str) -> MapTables:
    """The map page's tables and counts of ``parent``'s children, cached per view and data version."""
    table = children_table_cached(key, parent, period, settings_key, None, since)
    geoms = children_geoms(parent, Level(level_of(parent) + 1))
    shown = tables.map_table(table, METRICS[metric_key], set(geoms["code"]), lang)
    improved = tables.improved_table(table, lang) if since else None
    return MapTables(shown, improved, mapview.without_boundary(table, geoms), mapview.regions_with_data(table))


@kept(64)
def coverages_cached(key: tuple, period: str) -> list[str]:
    """:func:`indicators.available_coverages` of a composition's figures in ``period`` (it reads every region)."""
    return indicators.available_coverages(figures(key).at(period))


@kept(128)
def profile_cached(key: tuple, code: str, period: str, settings_key: tuple):
    """A region's trend over every period and its village officials in ``period`` (the profile's slow parts)."""
    figs, settings_ = figures(key), Settings.from_key(settings_key)
    return profile.trend(figs, code, settings_), profile.village_officials(figs, code, period)


@kept(32)
def priority_view_cached(key: tuple, parent, level: int, period, settings_key, rule_items: tuple, lang) -> tuple[pd.DataFrame, str]:
    """The ranked regions (with a ``reason`` column) and the bivariate map's GeoJSON, cached per view and rule."""
    settings_ = Settings.from_key(settings_key)
    rule = priority.Rule(**dict(rule_items))
    table = children_table_cached(key, parent, period, settings_key, level)
    ranked = priority.rank(table, settings_, rule)
    ranked["reason"] = priority.reasons(ranked, settings_, lang, rule.coverage)
    geoms = children_geoms(parent, Level(level))
    classes = priority.quadrant_classes(ranked["quadrant"], lang)
    coverage_pair = indicators.COVERAGES[rule.coverage].pair
    geojson = mapview.layer_geojson(
        ranked, geoms, None, classes, period, figures(key), lang, value_text=priority.map_text(ranked, lang, rule.coverage),
        pairs=(coverage_pair, "extreme_poverty"),
    )
    return ranked, geojson


def forget_views() -> None:
    """Forget what was made for the views visitors asked for (tables, map layers and their code, village
    geometry, composed frames); the registry, the sources' figures and the national layers stay."""
    figures_module.forget()
    leaflet_speed.forget()
    for cached in (children_table_cached, classes_cached, layer_geojson_cached, map_tables_cached, coverages_cached,
                   profile_cached, priority_view_cached, display_layer, children_geoms):
        cached.clear()


def forget_datasets() -> None:
    """Forget cached figures and the views made from them: an id freed by a delete may be reused by a later import."""
    forget_views()
    figures.clear()
    for cached in (_default_composition, _candidates):
        cached.clear()
