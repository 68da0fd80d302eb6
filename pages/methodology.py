"""Methodology and settings: every indicator's formula and source; the session's editable settings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ucj_dash.analysis.settings import EDITABLE, RANGES
from ucj_dash.analysis.settings import edit as settings_edit
from ucj_dash.analysis.settings import table as settings_table
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t
from ui import entry, loaders, state, widgets

entry.through_app(__file__)

view, _ = state.current_view()
lang = view.lang
reg = loaders.registry()
widgets.language_switch(view)
current = state.settings()

st.title(t("page.methodology", lang))
widgets.simulated_banner(state.current_figures(), lang)

# ---- the session's settings
st.header(t("settings.title", lang))
st.caption(t("settings.intro", lang))
for problem in st.session_state.pop("settings_problems", []):
    st.error(problem, icon="⛔")
if st.session_state.pop("settings_applied", False):
    st.success(t("settings.applied", lang), icon="✅")


def apply() -> None:
    values = {k: float(st.session_state[f"set_{k}"]) for k in EDITABLE}
    edited = st.session_state.get("set_targets_df")
    rows = zip(edited.get("code", []), edited.get("target", [])) if edited is not None else []
    result = settings_edit(values, rows, reg)
    if result.problems:  # nothing changes: the previous settings stay in use
        st.session_state["settings_problems"] = [p.markdown(lang) for p in result.problems]
        return
    st.session_state[state.SETTINGS_KEY] = result.overrides
    st.session_state[state.REGION_TARGETS_KEY] = result.region_targets
    st.session_state["settings_applied"] = True


def reset() -> None:
    st.session_state.pop(state.SETTINGS_KEY, None)
    st.session_state.pop(state.REGION_TARGETS_KEY, None)
    for k in EDITABLE:
        st.session_state.pop(f"set_{k}", None)
    st.session_state.pop("set_targets", None)


with st.form("settings_form"):
    cols = st.columns(2)
    for i, key in enumerate(EDITABLE):
        item = current.item(key)
        lo, hi = RANGES[key]
        is_rp, whole = item.unit.startswith("Rp"), item.unit == "bulan"
        cols[i % 2].number_input(
            t("setting." + key, lang),
            min_value=lo,
            max_value=hi,
            value=float(item.value),
            step=100.0 if is_rp else 1.0 if whole else 0.01,
            format="%.0f" if is_rp or whole else "%.2f",
            key=f"set_{key}",
            help=f"{item.source} ({item.as_of}). {item.note}".strip(),
        )
    st.markdown(f"**{t('settings.region_targets', lang)}** — {t('settings.region_targets.help', lang)}")
    targets_df = pd.DataFrame(
        {"code": list(current.region_targets), "target": list(current.region_targets.values())},
    ).astype({"code": str, "target": float})
    edited = st.data_editor(
        targets_df,
        num_rows="dynamic",
        key="set_targets",
        column_config={
            "code": st.column_config.TextColumn(t("settings.code", lang), help="53 · 53.02 · 53.02.01"),
            "target": st.column_config.NumberColumn(t("settings.target", lang), min_value=0.0, max_value=100.0, format="%.2f"),
        },
        hide_index=True,
    )
    st.session_state["set_targets_df"] = edited
    st.form_submit_button(t("settings.apply", lang), type="primary", on_click=apply)
st.button(t("settings.reset", lang), on_click=reset)

st.dataframe(settings_table(current, lang), hide_index=True, width="stretch", key="settings_table")

# ---- methodology
st.header(t("method.title", lang))
target, baseline = current.item("ucj_target_pct"), current.item("extreme_poverty_baseline_pct")
st.markdown(t(
    "method.text", lang,
    target=fmt.percent(target.value, lang, 2), target_source=target.source, target_as_of=target.as_of,
    baseline=fmt.percent(baseline.value, lang, 2), baseline_source=baseline.source, baseline_as_of=baseline.as_of,
    baseline_note=baseline.note,
    jkk=fmt.rupiah(current["jkk_bpu_min_rp"], lang, compact=False), jkm=fmt.rupiah(current["jkm_bpu_rp"], lang, compact=False),
    package=fmt.rupiah(current["bpu_min_package_rp"], lang, compact=False), jht=fmt.rupiah(current["jht_bpu_min_rp"], lang, compact=False),
))
st.subheader(t("method.sources.title", lang))
st.markdown(t("method.sources", lang, months=fmt.number(current["denominator_max_age_months"], lang)))
