"""Streamlit glue shared by every page: cached loaders, the URL-backed view, the sidebar.

Heavy objects are loaded once per process (``st.cache_resource``); views
derived from the user's choices are cached per (parent, period, ...) with
``st.cache_data``/``st.cache_resource``. No computation lives here: it calls
:mod:`ucj_dash`.
"""

from __future__ import annotations

import gc

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components
import xstatic.pkg.leaflet

from ucj_dash import boundaries, cli, drill, mapview, priority, profile, store
from ucj_dash.dataset import Dataset
from ucj_dash.errors import UserError
from ucj_dash.i18n import t
from ucj_dash.indicators import METRICS
from ucj_dash.regions import Level, Registry, level_of
from ucj_dash.settings import Settings

# Leaflet is installed from PyPI (XStatic-Leaflet) and served by this app through a
# component path, so the map needs no CDN. The component is never rendered.
_leaflet_assets = components.declare_component("leaflet_assets", path=xstatic.pkg.leaflet.BASE_DIR)
ASSET_URLS = {
    # relative to streamlit-folium's iframe (/component/streamlit_folium.st_folium/index.html)
    "leaflet_js": f"../{_leaflet_assets.name}/leaflet.js",
    "leaflet_css": f"../{_leaflet_assets.name}/leaflet.css",
}


def ensure_built() -> None:
    """Build boundaries and the demo dataset on the first run (once per machine)."""
    if boundaries.read_manifest() is None or not store.exists(store.DEMO_ID):
        with st.spinner(t("building.boundaries", current_lang())):
            try:
                cli.build_all()
            except UserError as exc:
                st.error(exc.message(current_lang()))
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


SETTINGS_KEY = "settings_overrides"
REGION_TARGETS_KEY = "region_targets"


def settings() -> Settings:
    """The session's settings (defaults plus any edits made on the methodology page); every page uses these."""
    return Settings(st.session_state.get(SETTINGS_KEY), st.session_state.get(REGION_TARGETS_KEY))


def current_lang() -> str:
    lang = st.query_params.get("lang", "id")
    return lang if lang in ("id", "en") else "id"


def active_dataset_id() -> str:
    """The dataset every page shows: this session's pick, else the stored default, else the demo.

    A pick whose dataset has been deleted since falls back the same way.
    """
    chosen = st.session_state.get("dataset_id")
    if chosen and (chosen == store.DEMO_ID or store.exists(chosen)):
        return chosen
    return store.active_id()


RULE_KEY = "priority_rule"


def priority_rule() -> priority.Rule:
    """The session's ranking rule (set on the priority page; exports and slides use the same)."""
    return priority.Rule(**st.session_state.get(RULE_KEY, {}))


VIEW_KEY = "view_params"


def current_view() -> tuple[drill.View, list[UserError]]:
    """The view in the URL; a URL without one (the page menu drops it) keeps the session's last view."""
    ds = dataset(active_dataset_id())
    params = st.query_params.to_dict()
    if not params and st.session_state.get(VIEW_KEY):
        params = dict(st.session_state[VIEW_KEY])
        st.query_params.update(params)
    view, notices = drill.from_query(params, registry(), ds.periods)
    st.session_state[VIEW_KEY] = drill.to_query(view)
    return view, notices


def page_setup() -> tuple[drill.View, list[UserError], Registry, Dataset, Settings, str]:
    """What every page starts from: the view (and URL notices), registry, dataset, settings and period shown."""
    view, notices = current_view()
    ds = dataset(active_dataset_id())
    return view, notices, registry(), ds, settings(), view.period or ds.latest_period


def set_view(view: drill.View, **extra: str) -> None:
    """Write ``view`` (and page-specific ``extra`` parameters) to the URL, the single source of truth."""
    params = {**drill.to_query(view), **{k: str(v) for k, v in extra.items() if v is not None}}
    st.session_state[VIEW_KEY] = drill.to_query(view)
    st.query_params.clear()
    st.query_params.update(params)


def page_params() -> dict[str, str]:
    """The URL's page-specific parameters (everything that is not part of the shared view)."""
    return {k: v for k, v in st.query_params.to_dict().items() if k not in drill.QUERY_KEYS}


def view_link(page: str, view: drill.View, label: str, **kwargs) -> None:
    """A link to another page showing the same region, metric, period and language."""
    st.page_link(page, label=label, query_params=drill.to_query(view), **kwargs)


def open_page(page: str, view: drill.View) -> None:
    """Switch to another page on ``view`` (e.g. a region's profile after a click)."""
    st.session_state[VIEW_KEY] = drill.to_query(view)
    st.switch_page(page, query_params=drill.to_query(view))


def region_search(lang: str, on_pick, key: str = "search") -> None:
    """Search box for a region by name or code; ``on_pick(code)`` runs when a hit is chosen."""
    reg = registry()

    def picked() -> None:
        code = st.session_state.get(f"{key}_pick")
        if code:
            st.session_state[f"{key}_q"] = ""
            on_pick(code)

    query = st.text_input(t("map.search", lang), key=f"{key}_q", placeholder=t("map.search.placeholder", lang))
    if query.strip():
        hits = reg.search(query, limit=12)
        if hits:
            st.selectbox(
                t("map.search.pick", lang),
                [h.code for h in hits],
                index=None,
                format_func=lambda c: f"{reg.name(c)} — {t('kind.' + reg.kind(c), lang)} · {reg.path_label(c)} ({c})",
                key=f"{key}_pick",
                on_change=picked,
            )
        else:
            st.caption(t("map.search.none", lang, query=query.strip()))


def settings_notice(lang: str) -> None:
    """In the sidebar: say when this session's settings differ from the defaults."""
    current = settings()
    if current.overrides() or current.region_targets:
        st.sidebar.info(t("settings.edited_notice", lang, n=len(current.overrides()) + len(current.region_targets)), icon="⚙️")


def delta_style(change: float, higher_is_better: bool = True) -> dict:
    """``st.metric`` arrow and colour for a signed change shown as text.

    Streamlit reads the sign from the text, and our text starts with a true minus
    sign ("−"), so the arrow and colour are set here from the number itself.
    """
    if change is None or pd.isna(change) or change == 0:
        return {"delta_arrow": "off", "delta_color": "off"}
    good = (change > 0) == higher_is_better
    return {"delta_arrow": "up" if change > 0 else "down", "delta_color": "green" if good else "red"}


def simulated_banner(ds: Dataset, lang: str) -> None:
    if ds.meta.simulated:
        st.warning(f"**{t('simulated.label', lang)}** — {t('simulated.short', lang)}", icon="⚠️")


def language_switch(view: drill.View) -> None:
    options = ["id", "en"]

    def on_change():
        from dataclasses import replace

        set_view(replace(current_view()[0], lang=st.session_state["lang_switch"]), **page_params())

    st.session_state["lang_switch"] = view.lang
    st.sidebar.radio(
        t("app.language", view.lang),
        options,
        format_func=lambda x: {"id": "Bahasa Indonesia", "en": "English"}[x],
        key="lang_switch",
        horizontal=True,
        on_change=on_change,
    )


# ---- derived views, cached per (dataset, parent, period, ...)


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


def ranked_table(table: pd.DataFrame, metric, on_map: set, lang: str) -> pd.DataFrame:
    """The children table as shown: ranked by the metric, largest first (no data last), localised headers."""
    ranked = table.sort_values(metric.column, ascending=False, na_position="last")
    out = pd.DataFrame(
        {
            "#": range(1, len(ranked) + 1),
            t("col.name", lang): ranked["name"].to_numpy(),
            t("col.kind", lang): [t("kind." + k, lang) for k in ranked["kind"]],
            t("col.code", lang): ranked["code"].to_numpy(),
            t("col.ucj_coverage_pct", lang): ranked["ucj_coverage_pct"].to_numpy(),
            t("col.vulnerable_coverage_pct", lang): ranked["vulnerable_coverage_pct"].to_numpy(),
            t("col.uncovered_workers", lang): ranked["uncovered_workers"].to_numpy(),
            t("col.extreme_poverty_rate_pct", lang): ranked["extreme_poverty_rate_pct"].to_numpy(),
            t("col.village_official_coverage_pct", lang): ranked["village_official_coverage_pct"].to_numpy(),
            t("col.note", lang): ["" if c in on_map else t("map.no_boundary.cell", lang) for c in ranked["code"]],
        }
    )
    out["_code"] = ranked["code"].to_numpy()
    out["_on_map"] = [c in on_map for c in ranked["code"]]
    return out


def table_column_config(lang: str) -> dict:
    pct_bar = dict(min_value=0, max_value=100, format="%.1f%%")
    return {
        t("col.ucj_coverage_pct", lang): st.column_config.ProgressColumn(t("col.ucj_coverage_pct", lang), **pct_bar),
        t("col.vulnerable_coverage_pct", lang): st.column_config.ProgressColumn(t("col.vulnerable_coverage_pct", lang), **pct_bar),
        t("col.village_official_coverage_pct", lang): st.column_config.ProgressColumn(
            t("col.village_official_coverage_pct", lang), **pct_bar
        ),
        t("col.uncovered_workers", lang): st.column_config.NumberColumn(format="localized"),
        t("col.extreme_poverty_rate_pct", lang): st.column_config.NumberColumn(format="%.2f%%"),
    }
