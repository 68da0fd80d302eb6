"""The session's state: the view in the URL (region, metric, period, language), settings and rule.

The URL is the single source of truth for the view; a URL without one (the page
menu drops it) restores the session's last view.
"""

from __future__ import annotations

import streamlit as st

from ucj_dash.analysis import priority
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets import store
from ucj_dash.datasets.dataset import Dataset
from ucj_dash.errors import UserError
from ucj_dash.geography.regions import Registry
from ucj_dash.views import drill
from ui.loaders import dataset, registry

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
