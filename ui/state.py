"""The session's state: the view in the URL (region, metric, period, language), settings and rule.

The URL is the single source of truth for the view; a URL without one (the page
menu drops it) restores the session's last view.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from dataclasses import replace

from ucj_dash.analysis import priority
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets import composition
from ucj_dash.datasets.figures import Figures
from ucj_dash.errors import UserError
from ucj_dash.geography.regions import Registry
from ucj_dash.views import drill
from ui import loaders
from ui.loaders import registry

SETTINGS_KEY = "settings_overrides"
REGION_TARGETS_KEY = "region_targets"


def forget_stale_widgets() -> int:
    """Drop what Streamlit keeps of widgets no longer on the page; returns how many. Called at the start of every run.

    Streamlit (1.67) drops a stale widget's value when a run ends but keeps its metadata, which holds its callbacks,
    and through them the globals of the page run that made it: the map, its layer and its tables. Widgets whose key
    names a region (a breadcrumb's ``crumb_53.02``, a table's ``table_53``) pile up one per region visited, so a
    session kept every map it had shown: the server grew ~1.7 MB/s under load (bench/bench_load.py). A widget on
    the page has a value, so only metadata without one goes.
    """
    ctx = get_script_run_ctx()
    if ctx is None or ctx.session_state is None:
        return 0
    safe = ctx.session_state
    with safe._lock:  # noqa: SLF001 - no public way to forget a widget
        widgets = safe._state._new_widget_state  # noqa: SLF001
        stale = [wid for wid in widgets.widget_metadata if wid not in widgets.states]
        for wid in stale:
            del widgets.widget_metadata[wid]
    return len(stale)


def settings() -> Settings:
    """The session's settings (defaults plus any edits made on the methodology page); every page uses these."""
    return Settings(st.session_state.get(SETTINGS_KEY), st.session_state.get(REGION_TARGETS_KEY))


def current_lang() -> str:
    lang = st.query_params.get("lang", "id")
    return lang if lang in ("id", "en") else "id"


def session_composition(sources: str) -> tuple[composition.Composition, list[UserError]]:
    """The composition a view's ``src`` names on top of the admin's default, with a notice per ignored part."""
    return composition.from_query(sources, loaders.default_composition())


def figures_for(comp: composition.Composition) -> Figures:
    """The figures of ``comp`` at its datasets' current versions, with this session's period-alignment setting."""
    return loaders.figures(loaders.source_key(comp, int(settings()["denominator_max_age_months"])))


def current_figures() -> Figures:
    """The figures every page shows (the composition of the URL, else the default)."""
    return _view_and_figures()[2]


RULE_KEY = "priority_rule"


def priority_rule() -> priority.Rule:
    """The session's ranking rule (set on the priority page; exports and slides use the same)."""
    return priority.Rule(**st.session_state.get(RULE_KEY, {}))


VIEW_KEY = "view_params"


def current_view() -> tuple[drill.View, list[UserError]]:
    """The view in the URL; a URL without one (the page menu drops it) keeps the session's last view.

    Its ``sources`` are the URL's composition made canonical (empty when it is the default); a
    dataset the link names that is gone gives a notice and the default source for its group.
    """
    view, notices, _ = _view_and_figures()
    return view, notices


def _view_and_figures() -> tuple[drill.View, list[UserError], Figures]:
    """:func:`current_view` and the figures its composition gives (read once per call)."""
    params = st.query_params.to_dict()
    if not params and st.session_state.get(VIEW_KEY):
        params = dict(st.session_state[VIEW_KEY])
        st.query_params.update(params)
    comp, notices = session_composition(str(params.get("src", ""))[:600])
    figures = figures_for(comp)
    view, view_notices = drill.from_query(params, registry(), figures.periods)
    view = replace(view, sources="" if comp == loaders.default_composition() else comp.to_query())
    st.session_state[VIEW_KEY] = drill.to_query(view)
    return view, notices + view_notices, figures


def page_setup() -> tuple[drill.View, list[UserError], Registry, Figures, Settings, str]:
    """What every page starts from: the view (and URL notices), registry, figures, settings and period shown."""
    view, notices, figures = _view_and_figures()
    return view, notices, registry(), figures, settings(), view.period or figures.latest_period


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


# ---- the map page's first run in a browser (issue 14)

MAP_DRAWN_KEY = "map_drawn"
_REST_PENDING_KEY = "map_rest_pending"
#: the rest of the map page comes this long after a :func:`map_first` run even when the map never reports it is drawn
REST_FALLBACK_S = 4.0


def map_first() -> bool:
    """Whether this run of the map page sends only what is above and under the map (title, breadcrumb, the map and
    its legend): the runs in a web browser's session until the map reports it is drawn (:func:`map_drawn`); the
    sidebar's controls, the search and the figures come in the run that report starts.

    The browser creates the map's frame only once it has loaded and drawn every kind of element that came with it
    (a script each, six requests at a time): on a first visit, the sidebar's controls and the figures held the map
    back by about 0.6 s (bench/bench_map.py). A client that draws no map gets the whole page in one run (AppTest,
    the headless client of bench/streamlit_client.py: no web browser's user agent).
    """
    if st.session_state.get(MAP_DRAWN_KEY):
        return False
    return (st.context.headers.get("User-Agent") or "").startswith("Mozilla/")


_REPORT_RERUN_KEY = "map_report_rerun"
_NOTICES_KEY = "map_link_notices"


def map_drawn(report: bool = False) -> None:
    """The map sent a value, so it is on screen: from now on the map page is sent whole. ``report``: the value is
    only the map's report that it is drawn (the rerun it starts shows the same view: :func:`kept_notices`)."""
    st.session_state[MAP_DRAWN_KEY] = True
    if report:
        st.session_state[_REPORT_RERUN_KEY] = True


def kept_notices(view: drill.View, notices: list[UserError]) -> list[UserError]:
    """The notices to show about the link: this run's; in the rerun the map's report starts, the run's before (the
    link was repaired in it, so this run finds nothing wrong, but the user has not seen the notices go by)."""
    report_rerun = st.session_state.pop(_REPORT_RERUN_KEY, False)
    if notices:
        st.session_state[_NOTICES_KEY] = (drill.to_query(view), notices)
        return notices
    kept = st.session_state.pop(_NOTICES_KEY, None)
    if report_rerun and kept and kept[0] == drill.to_query(view):
        return kept[1]
    return []


def rest_of_map_page_later() -> None:
    """In a :func:`map_first` run: should the map never report (its script failed to load), the rest of the page
    comes after :data:`REST_FALLBACK_S` all the same."""
    st.session_state[_REST_PENDING_KEY] = False

    @st.fragment(run_every=REST_FALLBACK_S)
    def fallback() -> None:
        if st.session_state.get(_REST_PENDING_KEY):  # a timed rerun: the report did not come
            map_drawn()
            st.rerun(scope="app")
        st.session_state[_REST_PENDING_KEY] = True

    fallback()
