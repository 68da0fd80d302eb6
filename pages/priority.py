"""Priority analysis: which regions to push first, by extreme poverty vs baseline and coverage vs target."""

from __future__ import annotations

from dataclasses import asdict, replace

import plotly.graph_objects as go
import streamlit as st

from ucj_dash.analysis import priority
from ucj_dash.analysis.indicators import COVERAGES
from ucj_dash.errors import UserError
from ucj_dash.exports import workbook
from ucj_dash.exports.filenames import export_filename
from ucj_dash.geography.regions import NATION_CODE
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t
from ucj_dash.text.markup import html, markdown as md
from ucj_dash.views import mapview, tables
from ui import entry, loaders, map_component, state, widgets

entry.through_app(__file__)

PROFILE = "pages/profile.py"

view, notices, reg, ds, settings, period = state.page_setup()
if st.session_state.get("open_profile"):  # a click on the map, the chart or the list
    state.open_page(PROFILE, replace(view, region=st.session_state.pop("open_profile")))
lang = view.lang
parent = view.map_parent
parent_name = reg.name(parent)

# ---- level inside the parent: its children or grandchildren
levels = priority.levels_within(parent)
level_param = st.query_params.get("plevel")
level, bad_level = priority.pick_level(parent, level_param)
if bad_level:
    notices.append(UserError("priority.bad_level", value=str(level_param)[:20], region=parent_name,
                             level=t("level." + level.key, lang)))

coverages = loaders.coverages_cached(ds.key, period)
rule = state.priority_rule().within(coverages)
measure = t("coverage.short." + rule.coverage, lang)


def go_to(**changes) -> None:
    state.set_view(replace(state.current_view()[0], **changes), **state.page_params())


def set_level() -> None:
    state.set_view(state.current_view()[0], **{**state.page_params(), "plevel": st.session_state["plevel_w"]})


def set_rule(**changes) -> None:
    st.session_state[state.RULE_KEY] = asdict(replace(state.priority_rule(), **changes))


widgets.language_switch(view)
widgets.settings_notice(lang)
level_name = t("level." + level.key, lang)
st.title(t("priority.title", lang, level=level_name, region=md(parent_name)))  # names as text, never Markdown
widgets.simulated_banner(ds, lang)
for notice in notices:
    st.info(notice.markdown(lang), icon="ℹ️")
st.markdown(t("priority.intro", lang, baseline=fmt.percent(settings.baseline_pct, lang, 2), measure=measure))

# ---- where, which level, which coverage
with st.container(horizontal=True, gap="small", key="priority_crumbs"):
    for c in [NATION_CODE, *(reg.ancestors(parent)[1:] if parent != NATION_CODE else [])] + ([parent] if parent != NATION_CODE else []):
        st.button(t("priority.nation", lang) if c == NATION_CODE else md(reg.name(c)), key=f"prcrumb_{c}", on_click=go_to,
                  kwargs={"region": c}, disabled=c == parent, type="tertiary")
c_search, c_level, c_cov, c_period = st.columns([3, 2, 2, 1])
with c_search:
    widgets.region_search(lang, lambda picked: go_to(region=picked), key="prsearch")
with c_level:
    st.session_state["plevel_w"] = level.key
    st.selectbox(t("priority.level", lang), [lv.key for lv in levels], key="plevel_w",
                 format_func=lambda k: t("level." + k, lang), on_change=set_level)
with c_cov:
    st.session_state["prcov_w"] = rule.coverage
    st.selectbox(t("coverage.measure", lang), coverages, key="prcov_w", format_func=lambda k: t("coverage." + k, lang),
                 on_change=lambda: set_rule(coverage=st.session_state["prcov_w"]))
with c_period:
    st.session_state["prperiod_w"] = period
    st.selectbox(t("map.period", lang), ds.periods, key="prperiod_w", on_change=lambda: go_to(period=st.session_state["prperiod_w"]))

with st.expander(t("priority.rule", lang)):
    r1, r2, r3, r4 = st.columns(4)
    r1.checkbox(t("priority.rule.act_first", lang), value=rule.act_first_group_first, key="rule_first",
                on_change=lambda: set_rule(act_first_group_first=st.session_state["rule_first"]))
    for col, field, label in ((r2, "weight_extreme_poor", "w_ep"), (r3, "weight_vulnerable", "w_vul"), (r4, "weight_gap", "w_gap")):
        st.session_state[f"rule_{field}"] = float(getattr(rule, field))
        col.number_input(t("priority.rule." + label, lang), min_value=0.0, max_value=100.0, step=0.5, key=f"rule_{field}",
                         on_change=lambda f=field: set_rule(**{f: st.session_state[f"rule_{f}"]}))
    st.button(t("priority.rule.reset", lang), on_click=lambda: st.session_state.pop(state.RULE_KEY, None))
st.markdown(t("priority.rule.text", lang, first=t("priority.rule.first", lang) if rule.act_first_group_first else "",
              w_ep=fmt.number(rule.weight_extreme_poor, lang, 1), w_vul=fmt.number(rule.weight_vulnerable, lang, 1),
              w_gap=fmt.number(rule.weight_gap, lang, 1)))

# ---- the groups
ranked, geojson = loaders.priority_view_cached(ds.key, parent, int(level), period, settings.key(), tuple(asdict(rule).items()), lang)
counts = priority.group_counts(ranked)
cov_col = COVERAGES[rule.coverage].column

left, right = st.columns([1, 1], gap="medium")
with left:
    st.subheader(t("priority.map", lang))
    geoms = loaders.children_geoms(parent, level)

    def on_map_click() -> None:
        drawn = (st.session_state.get("prmap") or {}).get("last_active_drawing") or {}
        code = (drawn.get("properties") or {}).get("code")
        if code in reg:
            st.session_state["open_profile"] = code

    map_component.folium_map(geojson, "bivariate", mapview.tooltip_labels(lang), key="prmap", height=460,
                             returned_objects=["last_active_drawing"], on_change=on_map_click)
    st.markdown(priority.bivariate_legend_html(counts, settings, lang, ds.meta.simulated), unsafe_allow_html=True)
    missing = mapview.without_boundary(ranked, geoms)
    if missing:
        st.caption(t("priority.no_boundary", lang, n=missing))
    st.caption(t("priority.map_hint", lang))

with right:
    st.subheader(t("priority.scatter", lang, measure=measure))
    bubbles = priority.scatter(ranked, rule.coverage)
    fig = go.Figure()
    for q in priority.QUADRANTS[:-1]:
        part = bubbles.points[bubbles.points["quadrant"] == q]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["extreme_poverty_rate_pct"], y=part[cov_col], mode="markers", name=t("priority.group." + q, lang),
            customdata=part["code"], text=part["name"].map(html),  # the hover label is HTML
            marker=dict(color=priority.QUADRANT_COLORS[q], size=part[bubbles.size_column], sizemode="area", sizeref=bubbles.sizeref,
                        sizemin=5, line=dict(color="#222222", width=1)),
            hovertemplate="<b>%{text}</b> (%{customdata})<br>" + t("priority.scatter.x", lang) + ": %{x:.2f}<br>"
            + t("priority.scatter.y", lang, measure=measure) + ": %{y:.1f}<extra></extra>",
        ))
    fig.add_vline(x=settings.baseline_pct, line_dash="dash", line_color="#b2182b",
                  annotation_text=t("profile.baseline_line", lang, value=fmt.percent(settings.baseline_pct, lang, 2)))
    fig.add_hline(y=settings.target_pct, line_dash="dash", line_color="#225ea8",
                  annotation_text=t("profile.target_line", lang, value=fmt.percent(settings.target_pct, lang, 2)),
                  annotation_position="bottom right")
    fig.update_layout(height=520, xaxis_title=t("priority.scatter.x", lang), yaxis_title=t("priority.scatter.y", lang, measure=measure),
                      legend=dict(orientation="h", y=-0.18), margin=dict(t=40, b=10, l=10, r=10), clickmode="event+select")
    if ds.meta.simulated:
        fig.add_annotation(text=t("simulated.label", lang), xref="paper", yref="paper", x=1, y=1.07, showarrow=False,
                           bgcolor="#fff3cd", bordercolor="#c9a227")

    def on_point() -> None:
        points = st.session_state["prscatter"].selection.points
        if points and points[0].get("customdata"):
            data = points[0]["customdata"]
            st.session_state["open_profile"] = data[0] if isinstance(data, list) else data

    if bubbles.points.empty:
        st.info(t("priority.scatter.none", lang, level=level_name, measure=measure), icon="ℹ️")
    else:
        st.plotly_chart(fig, key="prscatter", on_select=on_point, selection_mode="points", config={"displaylogo": False})
        st.caption(t("priority.scatter.size", lang) + f" ({t('coverage.short.' + rule.coverage, lang)}). "
                   + (t("priority.scatter.missing", lang, n=bubbles.missing) if bubbles.missing else ""))

# ---- the ranked list
st.subheader(t("priority.list", lang))
shown = tables.priority_table(ranked, lang)
widgets.region_table(shown, "prlist", on_pick=lambda code: st.session_state.__setitem__("open_profile", code))
list_name = f"{t('page.priority', lang)} {level_name} {parent_name}"
with st.container(horizontal=True):
    st.download_button(
        t("priority.download_csv", lang),
        lambda: workbook.csv_bytes(shown.frame, ds, period, lang),
        file_name=export_filename(parent, list_name, period, "csv", ds.meta.simulated),
        mime="text/csv",
        on_click="ignore",
    )
    st.download_button(
        t("priority.download_xlsx", lang),
        lambda: workbook.priority_xlsx(ds, reg, parent, level, period, settings, lang, rule),
        file_name=export_filename(parent, list_name, period, "xlsx", ds.meta.simulated),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
    )
widgets.provenance_caption(ds, [COVERAGES[rule.coverage].pair, "extreme_poverty"], period, lang)
