"""The session's state: the view in the URL (region, metric, period, language), settings and rule.

The URL is the single source of truth for the view; a URL without one (the page
menu drops it) restores the session's last view.
"""

from __future__ import annotations

import streamlit as st

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
