"""Coverage map: Indonesia → province → kabupaten/kota → kecamatan → desa/kelurahan."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from ucj_dash.analysis.indicators import CHANGE_COLUMN, METRICS
from ucj_dash.exports import workbook
from ucj_dash.exports.filenames import export_filename
from ucj_dash.geography.regions import Level
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t
from ucj_dash.text.markup import markdown as md
from ucj_dash.views import drill, mapview
from ui import entry, exports, loaders, map_component, state, widgets
from ui.assets import MAP_CSS

entry.through_app(__file__)

view, notices, reg, ds, settings, period = state.page_setup()
lang = view.lang
metric = METRICS[view.metric]
since = view.since_for(ds.periods)  # where progress is measured from
# A browser's first visit gets what is above and under the map first, the sidebar's controls, the search and the
# figures once the map reports it is drawn (issue 14: the browser creates the map only after every kind of element
# sent with it).
map_first = state.map_first()

# the title below Streamlit's top bar, the width for the map (a 1920×1080 projector first)
st.markdown(f"<style>{MAP_CSS}</style><h3 style='margin:0 0 .1rem 0'>{t('app.title', lang)}</h3>", unsafe_allow_html=True)
st.caption(t("app.subtitle", lang))
widgets.simulated_banner(ds, lang)
for notice in state.kept_notices(view, notices):
    st.info(f"{notice.markdown(lang)} {t('notice.fallback', lang) if notice.key.startswith('error.') else ''}", icon="ℹ️")
if notices:  # the link is repaired, so reloading or sharing it shows the valid view
    state.set_view(view)


def go(**changes) -> None:
    state.set_view(replace(state.current_view()[0], **changes))


def on_map_click() -> None:
    value = st.session_state.get("map") or {}
    state.map_drawn(report=bool(value.get("drawn")))  # any value from the map (a click, or its report) says it is drawn
    drawn = value.get("last_active_drawing") or {}
    code = (drawn.get("properties") or {}).get("code")
    if code:
        current = state.current_view()[0]
        state.set_view(drill.click(current, code, loaders.registry()))


# ---- breadcrumb
with st.container(horizontal=True, gap="small", key="breadcrumb"):
    crumbs = drill.breadcrumb(view, reg)
    for i, (code, name) in enumerate(crumbs):
        st.button(
            ("› " if i else "") + md(name),
            key=f"crumb_{code}",
            on_click=go,
            kwargs={"region": code},
            disabled=code == view.region,
            type="tertiary",
        )
    if view.region != "ID":
        st.button(t("map.up", lang), key="crumb_up", on_click=lambda: state.set_view(drill.up(state.current_view()[0])))

# ---- data for this view
parent = view.map_parent
child_level = view.child_level
table = loaders.children_table_cached(ds.key, parent, period, settings.key(), None, since)
classes = loaders.classes_cached(ds.key, parent, period, metric.key, view.classification, lang, settings.key(), since)

# the map takes three quarters of the width (static/map.css gives the figures more on narrower screens)
left, right = st.container(key="map_body").columns([3, 1], gap="small")
with left:
    region_label = reg.name(parent)
    st.subheader(t("map.children_of", lang, level=t("level." + child_level.key, lang), region=md(region_label)))
    geojson = loaders.layer_geojson_cached(
        ds.key, parent, period, metric.key, view.classification, lang, view.selected_village,
        settings.key(), since,
    )
    map_component.folium_map(  # no center/zoom: the map fits the regions drawn itself, without a zoom animation
        geojson, "choropleth", mapview.tooltip_labels(lang), key="map", height=600,
        returned_objects=["last_active_drawing", "last_object_clicked"], on_change=on_map_click,
        basemap=st.session_state.get("basemap", False), report_drawn=True,
    )
    method_label = mapview.method_label(classes, settings, lang)
    st.markdown(mapview.legend_html(classes, t("metric." + metric.key, lang), method_label, lang, ds.meta.simulated), unsafe_allow_html=True)
    spread = mapview.spread_alternative(classes) if mapview.one_class(classes) else None
    if spread:  # one click to the classification that shows the spread
        st.button(t("legend.one_class.switch", lang, method=t("map.classification." + spread, lang).lower()),
                  key="show_spread", on_click=go, kwargs={"classification": spread}, icon=":material/palette:")
    hint = "map.village_hint" if child_level == Level.VILLAGE else "map.click_hint"
    st.caption(mapview.metric_explain(metric, settings, lang))  # under the map: the map comes first on a projector
    st.caption(t(hint, lang, child=t("level." + (child_level.child or child_level).key, lang)))

if map_first:  # the rest once the map reports it is drawn (or after a while, should it not)
    state.rest_of_map_page_later()
    st.stop()

# beside the map: its tables and the counts of its regions (after the map, on a first visit)
beside = loaders.map_tables_cached(ds.key, parent, period, settings.key(), since, metric.key, lang)

widgets.language_switch(view)
with st.sidebar:
    if len(ds.periods) > 1:
        st.session_state["period_w"] = period
        st.select_slider(
            t("map.period", lang), ds.periods, key="period_w", on_change=lambda: go(period=st.session_state["period_w"])
        )
    else:
        st.markdown(f"**{t('map.period', lang)}:** {md(period)}")
    st.session_state["class_w"] = view.classification
    st.selectbox(
        t("map.classification", lang),
        list(drill.CLASSIFICATIONS),
        format_func=lambda k: t("map.classification." + k, lang),
        key="class_w",
        on_change=lambda: go(classification=st.session_state["class_w"]),
        disabled=metric.diverging_around is not None,
    )
    earlier = [p for p in ds.periods if p < period]
    if earlier:
        st.session_state["since_w"] = since if since in earlier else earlier[0]
        st.selectbox(t("map.since", lang), earlier, key="since_w", on_change=lambda: go(since=st.session_state["since_w"]),
                     help=t("map.since.help", lang))
    st.checkbox(t("map.basemap", lang), key="basemap")

with right:  # what to find and what to show on top (display options in the sidebar), then the figures
    widgets.region_search(lang, lambda code: go(region=code))
    st.session_state["metric_w"] = view.metric
    st.selectbox(
        t("map.metric", lang),
        list(METRICS),
        format_func=lambda k: t("metric." + k, lang),
        key="metric_w",
        on_change=lambda: go(metric=st.session_state["metric_w"]),
    )
    focus = view.region
    focus_name = md(reg.name(focus))  # registry names and periods are shown as text, never as Markdown
    st.subheader(t("kpi.figures_for", lang, region=focus_name, period=md(period)))
    row = mapview.region_row(ds, focus, period, settings, since)
    if not mapview.has_data(row):
        st.info(t("kpi.no_data", lang, region=focus_name, period=md(period)))
    elif focus == parent:
        with_data = beside.with_data
        if not with_data:
            st.info(t("kpi.children_none", lang, level=t("level." + child_level.key, lang), region=focus_name))
        elif with_data < len(table):
            st.caption(t("kpi.partial", lang, n=with_data, total=len(table), level=t("level." + child_level.key, lang), region=focus_name))
    target = settings.item("ucj_target_pct")
    base = settings.item("extreme_poverty_baseline_pct")
    k1, k2 = st.columns(2)
    k1.metric(
        t("kpi.coverage", lang),
        fmt.percent(row["ucj_coverage_pct"], lang),
        delta=t("kpi.since", lang, delta=fmt.points(row[CHANGE_COLUMN], lang, 1), first=since)
        if since and not pd.isna(row[CHANGE_COLUMN]) else None,
        help=t("kpi.coverage.help", lang, target=fmt.percent(target.value, lang, 2), target_source=target.source,
               target_as_of=target.as_of, first=md(since or period)),
        **widgets.delta_style(round(row[CHANGE_COLUMN], 1) if not pd.isna(row[CHANGE_COLUMN]) else None),
    )
    k2.metric(
        t("kpi.uncovered", lang),
        fmt.number(row["uncovered_workers"], lang),
        help=t("kpi.uncovered.help", lang),
    )
    k3, k4 = st.columns(2)
    k3.metric(
        t("kpi.extreme_poverty", lang),
        fmt.percent(row["extreme_poverty_rate_pct"], lang, 2),
        delta=t("kpi.vs_baseline", lang, delta=fmt.points(row["extreme_poverty_vs_baseline_pp"], lang))
        if not pd.isna(row["extreme_poverty_rate_pct"]) else None,
        **widgets.delta_style(row["extreme_poverty_vs_baseline_pp"], higher_is_better=False),
        help=t("kpi.extreme_poverty.help", lang, baseline=fmt.percent(base.value, lang, 2), source=base.source, as_of=base.as_of, note=base.note),
    )
    k4.metric(t("kpi.vulnerable", lang), fmt.percent(row["vulnerable_coverage_pct"], lang))
    notes = mapview.kpi_notes(row, ds, focus, period, lang)
    if notes:
        st.caption("  \n".join(md(n) for n in notes))
    exports.export_buttons(ds, reg, replace(view, period=period), settings, lang, state.priority_rule(), key_prefix="map_export")
    with st.container(horizontal=True, key="page_links"):
        state.view_link("pages/profile.py", view, t("map.open_profile", lang, region=focus_name), icon=":material/description:")
        state.view_link("pages/priority.py", replace(view, region=parent), t("map.open_priority", lang), icon=":material/flag:")

    st.markdown(f"**{t('map.table_title', lang, level=t('level.' + child_level.key, lang))}** — "
                f"{t('map.rank_by', lang, metric=t('metric.' + metric.key, lang))}")
    shown, improved = beside.shown, beside.improved
    if beside.without_boundary:
        st.caption(t("map.no_boundary", lang, n=beside.without_boundary))
    widgets.region_table(shown, f"table_{parent}", height=380,
                         on_pick=lambda code: state.set_view(drill.click(state.current_view()[0], code, loaders.registry())))
    st.download_button(
        t("map.download_csv", lang),
        lambda: workbook.csv_bytes(shown.frame, ds, period, lang),
        file_name=export_filename(parent, region_label, period, "csv", ds.meta.simulated),
        mime="text/csv",
    )
    if improved is not None and len(improved.frame):
        st.markdown(f"**{t('map.most_improved', lang, level=t('level.' + child_level.key, lang), since=md(since))}**")
        st.dataframe(improved.arrow, hide_index=True, width="stretch", key="most_improved",
                     column_config=widgets.column_config(improved.units))
    widgets.provenance_caption(ds, list(dict.fromkeys([metric.pair, "ucj", "extreme_poverty", "vulnerable"])), period, lang)
    st.caption(t("map.boundary_source", lang))
