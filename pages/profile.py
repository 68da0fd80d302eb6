"""Region profile: headline figures, trend, children and siblings, and the cost of closing the gap."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ucj_dash.analysis import cost, profile
from ucj_dash.analysis.indicators import COVERAGES, DEFAULT_COVERAGE
from ucj_dash.datasets.dataset import PAIR_BY_KEY
from ucj_dash.datasets.figures import basis_text
from ucj_dash.errors import UserError
from ucj_dash.geography.regions import NATION_CODE, Level, distinct_names, parent_of
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t
from ucj_dash.text.markup import html, markdown as md
from ucj_dash.views import mapview, tables
from ui import entry, exports, loaders, state, widgets

entry.through_app(__file__)

view, notices, reg, ds, settings, period = state.page_setup()
lang = view.lang
code = view.region
name = reg.name(code)

coverages = loaders.coverages_cached(ds.key, period)
cov_key = st.query_params.get("cov", DEFAULT_COVERAGE)
if cov_key not in coverages:
    if cov_key != DEFAULT_COVERAGE:
        notices.append(UserError("notice.bad_param", name="cov", value=str(cov_key)[:40]))
    cov_key = DEFAULT_COVERAGE
cov = COVERAGES[cov_key]
measure = t("coverage.short." + cov_key, lang)


def go_to(**changes) -> None:
    state.set_view(replace(state.current_view()[0], **changes), **state.page_params())


def pick_coverage() -> None:
    state.set_view(state.current_view()[0], **{**state.page_params(), "cov": st.session_state["cov_w"]})


widgets.language_switch(view)
widgets.settings_notice(lang)
st.title(md(name))  # registry names and periods are shown as text, never as Markdown (nor as a chart's HTML)
kind = t("kind." + reg.kind(code), lang)
st.caption(t("profile.kind_path", lang, kind=kind, path=md(reg.path_label(code)), code=code))
widgets.simulated_banner(ds, lang)
for notice in notices:
    st.info(notice.markdown(lang), icon="ℹ️")

# ---- breadcrumb, search, period, denominator
with st.container(horizontal=True, gap="small", key="profile_crumbs"):
    for c in [NATION_CODE, *reg.ancestors(code)[1:]] if code != NATION_CODE else []:
        st.button(md(reg.name(c)), key=f"pcrumb_{c}", on_click=go_to, kwargs={"region": c}, type="tertiary")
c_search, c_period, c_cov = st.columns([3, 1, 2])
with c_search:
    widgets.region_search(lang, lambda picked: go_to(region=picked), key="psearch")
with c_period:
    st.session_state["pperiod_w"] = period
    st.selectbox(t("map.period", lang), ds.periods, key="pperiod_w", on_change=lambda: go_to(period=st.session_state["pperiod_w"]))
with c_cov:
    st.session_state["cov_w"] = cov_key
    st.selectbox(t("coverage.measure", lang), coverages, key="cov_w", format_func=lambda k: t("coverage." + k, lang), on_change=pick_coverage)
    if "employed_registered" not in coverages:
        st.caption(t("coverage.unavailable", lang, what=t("coverage.short.employed_registered", lang)))

# ---- headline figures
profile_cache = loaders.profile_cached(ds.key, code, period, settings.key())
row = mapview.region_row(ds, code, period, settings)
figures = profile.coverage_figures(row, cov_key)
nation = mapview.region_row(ds, NATION_CODE, period, settings)
parent = parent_of(code) or NATION_CODE if code != NATION_CODE else None
parent_row = mapview.region_row(ds, parent, period, settings) if parent else None
target = settings.item("ucj_target_pct")
baseline = settings.item("extreme_poverty_baseline_pct")


def source_line(key: str) -> str:
    """Where one figure's numerator and denominator come from (and why it is missing or partial), for a caption."""
    pair = PAIR_BY_KEY[key]
    parts = [md(ds.rate_provenance(pair, period, lang))]
    if pd.isna(row[pair.column("whole")]):
        parts.append(md(t("legend.no_data", lang) + ": " + ds.missing_text(pair, int(reg.level(code)), period, lang)))
    else:
        basis = basis_text(row[pair.column("used")], row[pair.column("units")], row[pair.column("unit_level")], lang)
        if basis:
            parts.append(md(basis))
    return " · ".join(parts)


target_text = fmt.percent(figures.target_pct, lang, 2)

if not mapview.has_data(row):
    st.info(t("kpi.no_data", lang, region=md(name), period=md(period)))
if bool(row["coverage_over_100"]):
    st.warning(t("profile.over_100", lang), icon="⚠️")

k1, k2, k3 = st.columns(3)
k4, k5, _ = st.columns(3)
with k1:
    delta = None
    if figures.target_met is not None:
        delta = (t("profile.target_met", lang, target=target_text) if figures.target_met
                 else t("profile.vs_target", lang, delta=fmt.points(figures.pct - figures.target_pct, lang, 1), target=target_text))
    st.metric(t("profile.coverage", lang, measure=measure), fmt.percent(figures.pct, lang), delta=delta,
              **widgets.delta_style(1 if figures.target_met else (figures.pct - figures.target_pct)),
              help=f"{t('coverage.' + cov_key, lang)}. {t('coverage.target_note', lang)} {target.source} ({target.as_of})")
    st.caption(source_line(cov.pair))
with k2:
    st.metric(t("profile.gap", lang), fmt.value(figures.gap_to_target, "orang", lang),
              help=t("profile.gap.help", lang, measure=measure, target=target_text))
    st.caption(t("profile.setting_line", lang, name="Target", value=target_text, source=target.source, as_of=target.as_of))
with k3:
    st.metric(t("profile.vulnerable", lang),
              f"{fmt.number(row['vulnerable_covered'], lang)} / {fmt.number(row['uncovered_vulnerable_workers'], lang)}",
              help=t("metric.vulnerable_coverage.explain", lang))
    st.caption(f"{fmt.percent(row['vulnerable_coverage_pct'], lang)} · {source_line('vulnerable')}")
with k4:
    rate = row["extreme_poverty_rate_pct"]
    st.metric(t("profile.extreme_poverty", lang), fmt.percent(rate, lang, 2),
              delta=t("kpi.vs_baseline", lang, delta=fmt.points(row["extreme_poverty_vs_baseline_pp"], lang)) if not pd.isna(rate) else None,
              **widgets.delta_style(row["extreme_poverty_vs_baseline_pp"], higher_is_better=False),
              help=t("kpi.extreme_poverty.help", lang, baseline=fmt.percent(baseline.value, lang, 2), source=baseline.source, as_of=baseline.as_of, note=baseline.note))
    if parent_row is not None and parent == NATION_CODE:
        st.caption(t("profile.vs_nation", lang, nation_rate=fmt.percent(nation["extreme_poverty_rate_pct"], lang, 2)))
    elif parent_row is not None:
        st.caption(t("profile.vs_parent_nation", lang, parent=md(reg.name(parent)),
                     parent_rate=fmt.percent(parent_row["extreme_poverty_rate_pct"], lang, 2),
                     nation_rate=fmt.percent(nation["extreme_poverty_rate_pct"], lang, 2)))
    st.caption(t("profile.setting_line", lang, name="Baseline", value=fmt.percent(baseline.value, lang, 2), source=baseline.source, as_of=baseline.as_of))
    st.caption(source_line("extreme_poverty"))
with k5:
    officials = profile_cache[1]
    st.metric(t("profile.officials", lang),
              t("profile.officials.value", lang, enrolled=fmt.number(officials.enrolled, lang), total=fmt.number(officials.officials, lang)))
    st.caption(t("profile.officials.villages", lang, pct=fmt.percent(officials.villages_all_enrolled_pct, lang),
                 n=fmt.number(officials.villages_all_enrolled, lang), reporting=fmt.number(officials.villages_reporting, lang))
               if officials.villages_reporting else t("profile.officials.none", lang))
    st.caption(source_line("village_officials"))

exports.export_buttons(ds, reg, replace(view, period=period), settings, lang, state.priority_rule(), key_prefix="profile_export")
with st.container(horizontal=True, key="profile_links"):
    state.view_link("pages/map.py", view, t("map.open_map", lang), icon=":material/map:")
    if code != NATION_CODE and reg.level(code) < Level.VILLAGE:
        state.view_link("pages/priority.py", view, t("map.open_priority", lang), icon=":material/flag:")


# ---- trend
def _simulated_note(fig: go.Figure) -> None:
    if ds.meta.simulated:
        fig.add_annotation(text=t("simulated.label", lang), xref="paper", yref="paper", x=1, y=1.12, showarrow=False,
                           bgcolor="#fff3cd", bordercolor="#c9a227", font=dict(size=12))


def _no_data_note(fig: go.Figure, values: pd.Series) -> None:
    """Write "no data" across a chart whose every value is missing (else it is an empty frame)."""
    if values.isna().all():
        fig.add_annotation(text=t("legend.no_data", lang), xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                           font=dict(size=16))


trend = profile_cache[0]
t_left, t_right = st.columns(2)
with t_left:
    fig = go.Figure(go.Scatter(x=trend.index, y=trend[cov.column], mode="lines+markers", name=measure, line=dict(color="#225ea8", width=3)))
    fig.add_hline(y=figures.target_pct, line_dash="dash", line_color="#b2182b",
                  annotation_text=t("profile.target_line", lang, value=target_text), annotation_position="top left")
    fig.update_layout(title=f"{t('profile.trend', lang, measure=t('coverage.' + cov_key, lang))} — {html(name)}", yaxis_title="%",
                      yaxis_rangemode="tozero", height=340, margin=dict(t=70, b=30, l=10, r=10), showlegend=False)
    _simulated_note(fig)
    _no_data_note(fig, trend[cov.column])
    st.plotly_chart(fig, key="trend_cov", config={"displaylogo": False})
with t_right:
    fig = go.Figure(go.Scatter(x=trend.index, y=trend["extreme_poverty_rate_pct"], mode="lines+markers", line=dict(color="#8c2d04", width=3)))
    fig.add_hline(y=baseline.value, line_dash="dash", line_color="#333333",
                  annotation_text=t("profile.baseline_line", lang, value=fmt.percent(baseline.value, lang, 2)), annotation_position="top left")
    fig.update_layout(title=f"{t('profile.trend_poverty', lang)} — {html(name)}", yaxis_title="%", yaxis_rangemode="tozero",
                      height=340, margin=dict(t=70, b=30, l=10, r=10), showlegend=False)
    _simulated_note(fig)
    _no_data_note(fig, trend["extreme_poverty_rate_pct"])
    st.plotly_chart(fig, key="trend_poverty", config={"displaylogo": False})
widgets.provenance_caption(ds, [cov.pair, "extreme_poverty"], period, lang)


def _bar(table: pd.DataFrame, highlight: str | None, title: str, key: str) -> None:
    """Sorted horizontal bars of the chosen coverage; no data is labelled, not drawn as 0."""
    data = table.sort_values(cov.column, ascending=True, na_position="first")
    values = data[cov.column]
    colors = ["#b2182b" if c == highlight else "#225ea8" for c in data["code"]]
    labels = [fmt.percent(v, lang) if not pd.isna(v) else t("legend.no_data", lang) for v in values]
    names = [html(label) for label in distinct_names(data["name"], data["code"])]  # one bar each; HTML to Plotly
    fig = go.Figure(go.Bar(x=values, y=names, orientation="h", marker_color=colors,
                           text=labels, textposition="outside", customdata=data["code"], cliponaxis=False))
    fig.add_vline(x=figures.target_pct, line_dash="dash", line_color="#b2182b",
                  annotation_text=t("profile.target_line", lang, value=target_text), annotation_position="top")
    fig.update_layout(title=title, height=max(260, 22 * len(data) + 110), margin=dict(t=70, b=30, l=10, r=40),
                      xaxis_title=f"{t('coverage.' + cov_key, lang)} (%)", yaxis=dict(automargin=True, tickfont=dict(size=11)))
    _simulated_note(fig)
    st.plotly_chart(fig, key=key, config={"displaylogo": False})


# ---- children
if code == NATION_CODE or reg.level(code) < Level.VILLAGE:
    child_level = Level(reg.level(code) + 1) if code != NATION_CODE else Level.PROVINCE
    children = loaders.children_table_cached(ds.key, code, period, settings.key())
    level_name = t("level." + child_level.key, lang)
    st.subheader(t("profile.children", lang, level=level_name, region=md(name), measure=measure))
    c_chart, c_table = st.columns([1, 1])
    with c_chart:
        _bar(children, None, t("profile.children", lang, level=level_name, region=html(name), measure=measure), "children_bar")
    with c_table:
        shown = tables.profile_table(children, cov_key, settings, lang)
        st.markdown(f"**{t('profile.children_table', lang, level=level_name, n=len(children))}** — {t('profile.pick_child', lang)}")
        widgets.region_table(shown, "pchildren", on_pick=lambda picked: go_to(region=picked), max_height=560)
else:
    st.info(t("profile.no_children", lang))

# ---- siblings
if code != NATION_CODE:
    st.subheader(t("profile.siblings", lang))
    rank = profile.sibling_rank(ds, reg, code, period, settings, cov.column)
    parent_name = reg.name(parent)
    level_name = t("level." + reg.level(code).key, lang)
    if rank.rank is None:
        st.markdown(t("profile.rank_none", lang, measure=measure))
    else:
        st.markdown(t("profile.rank", lang, rank=rank.rank, with_data=rank.with_data, level=level_name, parent=md(parent_name), measure=measure))
    if rank.with_data < rank.total:
        st.caption(t("profile.rank_partial", lang, n=rank.total - rank.with_data))
    siblings = loaders.children_table_cached(ds.key, parent, period, settings.key())
    if len(siblings) <= 120:
        _bar(siblings, code, t("profile.children", lang, level=level_name, region=html(parent_name), measure=measure), "siblings_bar")

# ---- cost of closing the gap
st.subheader(t("cost.title", lang))
c_opts, c_figs = st.columns([1, 2])
with c_opts:
    group = st.radio(t("cost.group", lang), list(cost.GROUPS), format_func=lambda g: t("cost.group." + g, lang), key="cost_group")
    with_jht = st.checkbox(t("cost.with_jht", lang), key="cost_jht")
gap = cost.gap_cost(row, group, settings, with_jht)
with c_figs:
    if pd.isna(gap.workers):
        st.info(cost.no_data_text(group, lang))
    else:
        m1, m2, m3 = st.columns(3)
        m1.metric(t("cost.workers", lang), fmt.value(gap.workers, "orang", lang))
        m2.metric(t("cost.monthly", lang), fmt.rupiah(gap.monthly_rp, lang), help=fmt.rupiah(gap.monthly_rp, lang, compact=False))
        m3.metric(t("cost.yearly", lang), fmt.rupiah(gap.yearly_rp, lang), help=fmt.rupiah(gap.yearly_rp, lang, compact=False))
    st.caption(cost.rate_text(settings, lang, with_jht))
    st.caption(t("cost.note", lang) + " " + source_line(cost.PAIRS[group]))
