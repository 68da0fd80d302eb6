"""Widgets every page shares: region search, language switch, banners, metric arrows, table column config."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dataclasses import replace

from ucj_dash.datasets import composition
from ucj_dash.datasets.dataset import PAIR_BY_KEY
from ucj_dash.datasets.figures import Figures
from ucj_dash.text.i18n import t
from ucj_dash.text.markup import markdown as md
from ucj_dash.views import drill, tables
from ui import loaders
from ui.loaders import registry
from ui.state import current_view, page_params, session_composition, set_view, settings


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
            st.caption(t("map.search.none", lang, query=md(query.strip())))


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


def simulated_banner(ds: Figures, lang: str) -> None:
    if ds.meta.simulated:
        st.warning(f"**{t('simulated.label', lang)}** — {t('simulated.short', lang)}", icon="⚠️")


def sources_sidebar(lang: str) -> None:
    """In the sidebar: which stored dataset gives each group of figures for this session (the link keeps
    the choice; "default" goes back to the admin's composition)."""
    view = current_view()[0]

    def pick(group: str) -> None:
        current = current_view()[0]
        chosen = session_composition(current.sources)[0].with_source(group, st.session_state[f"src_{group}"])
        sources = "" if chosen == loaders.default_composition() else chosen.to_query()
        set_view(replace(current, sources=sources, period=None), **page_params())

    def reset() -> None:
        set_view(replace(current_view()[0], sources="", period=None), **page_params())

    box = st.sidebar.expander(t("sources.title", lang), expanded=bool(view.sources), icon=":material/database:",
                              key="sources_box", on_change="rerun")
    if not box.open:  # its selectboxes only once opened: five of them on every rerun cost ~4% of a map click's CPU
        return
    comp = session_composition(view.sources)[0]
    candidates = loaders.source_candidates()
    with box:
        st.caption(t("sources.help", lang))
        for group in composition.GROUPS:
            options = [i for i, _, _ in candidates[group]]
            names = {i: name + (f" · {t('prov.simulated', lang)}" if sim and "simula" not in name.lower() else "")
                     for i, name, sim in candidates[group]}
            if not options:
                st.caption(f"{t('sources.group.' + group, lang)}: {t('sources.none', lang)}")
                continue
            st.session_state[f"src_{group}"] = comp.source(group) if comp.source(group) in options else options[0]
            st.selectbox(t("sources.group." + group, lang), options, format_func=lambda i, n=names: n[i],
                         key=f"src_{group}", on_change=pick, args=(group,))
        if view.sources:
            st.button(t("sources.reset", lang), on_click=reset, key="src_reset")


def provenance_caption(figures: Figures, pairs: list[str], period: str, lang: str) -> None:
    """Under a view: for each figure shown, where its numerator and denominator come from and for which months."""
    lines = [f"**{t('pair.' + key, lang)}** — {md(figures.rate_provenance(PAIR_BY_KEY[key], period, lang))}" for key in pairs]
    st.caption("  \n".join(lines))


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


def region_table(shown: tables.Table, key: str, on_pick, height: int | None = None, max_height: int = 520) -> None:
    """A built table of regions where picking a row calls ``on_pick(code)``; ``height`` fixed, else fitted to the
    rows up to ``max_height`` px.

    The row's code comes from the table this run drew (the callback holds its codes), not from the session state:
    a key per table there (the map's is one per region shown) would pile up over a session, and Streamlit's
    selectboxes and radios read every key of it on each run."""
    codes = shown.codes

    def picked() -> None:
        selection = st.session_state.get(key)
        if selection and selection.selection.rows:
            on_pick(codes[selection.selection.rows[0]])

    st.dataframe(shown.arrow, hide_index=True, width="stretch", height=height or min(35 * len(shown.frame) + 40, max_height),
                 key=key, on_select=picked, selection_mode="single-row", column_config=column_config(shown.units))


def column_config(units: dict[str, tables.Unit]) -> dict:
    """Streamlit's column config for a built table, from its units: shares as 0–100 bars, percentages with
    their decimals, persons, counts and rupiah with thousands separators, long text wide."""
    config = {}
    for header, unit in units.items():
        if unit.bar:
            config[header] = st.column_config.ProgressColumn(header, min_value=0, max_value=100, format=f"%.{unit.decimals}f%%")
        elif unit.name == "%":
            config[header] = st.column_config.NumberColumn(format=f"%.{unit.decimals}f%%")
        elif unit.name in ("persons", "count", "Rp"):
            config[header] = st.column_config.NumberColumn(format="localized")
        elif unit.name == "prose":
            config[header] = st.column_config.TextColumn(width="large")
    return config
