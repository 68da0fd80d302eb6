"""Funding plan: who pays to enrol a region's uncovered workers, year by year; Jambi's BKBK as a model; saved scenarios.

The whole plan lives in the URL (:func:`ucj_dash.analysis.funding.plan_to_query`): every input writes it,
and a link opens the same plan. A link's bad value gives a notice naming the field and the default used.
"""

from __future__ import annotations

import shlex
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ucj_dash import audit
from ucj_dash.analysis import bkbk, cost, funding, scenarios
from ucj_dash.datasets.dataset import PAIR_BY_KEY
from ucj_dash.errors import UserError
from ucj_dash.geography.regions import NATION_CODE
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t
from ucj_dash.text.markup import markdown as md
from ucj_dash.views import drill, tables
from ui import admin_session, entry, planning, state, widgets

entry.through_app(__file__)

_address = st.context.ip_address
ORIGIN = _address if isinstance(_address, str) and _address else "unknown"  # who saves a scenario, for its provenance

view, notices, reg, ds, settings, period = state.page_setup()
lang = view.lang
code = view.region
name = reg.name(code)
params = state.page_params()
inputs, plan_notices = funding.plan_from_query(params, period)
notices += plan_notices
may_manage = admin_session.may_manage_data()


def go_to(**changes) -> None:
    state.set_view(replace(state.current_view()[0], **changes), **state.page_params())


def write(**changes) -> None:
    """Put the plan with ``changes`` into the URL (the next run reads it back, and checks it)."""
    state.set_view(state.current_view()[0], **funding.plan_to_query(replace(inputs, **changes)))


def rp(value, compact: bool = True) -> str:
    return fmt.rupiah(value, lang, compact=compact)


def pct_text(value: float) -> str:
    """A share as typed: whole percentages without decimals (50%), others with two (33,33%)."""
    return fmt.percent(value, lang, 0 if float(value).is_integer() else 2)


widgets.language_switch(view)
widgets.settings_notice(lang)
st.title(t("plan.title", lang, region=md(name)))  # registry names as text, never Markdown
st.caption(t("profile.kind_path", lang, kind=t("kind." + reg.kind(code), lang), path=md(reg.path_label(code)), code=code))
widgets.simulated_banner(ds, lang)
for notice in notices:
    st.info(notice.markdown(lang), icon="ℹ️")
st.markdown(t("plan.intro", lang))

# ---- where and when
with st.container(horizontal=True, gap="small", key="plan_crumbs"):
    for c in [NATION_CODE, *reg.ancestors(code)[1:]] if code != NATION_CODE else []:
        st.button(md(reg.name(c)), key=f"plcrumb_{c}", on_click=go_to, kwargs={"region": c}, type="tertiary")
c_search, c_period = st.columns([3, 1])
with c_search:
    widgets.region_search(lang, lambda picked: go_to(region=picked), key="plsearch")
with c_period:
    st.session_state["plperiod_w"] = period
    st.selectbox(t("map.period", lang), ds.periods, key="plperiod_w", on_change=lambda: go_to(period=st.session_state["plperiod_w"]))

# ---- the plan's inputs
st.subheader(t("plan.inputs", lang))
left, right = st.columns(2, gap="large")
with left:
    st.session_state["pl_goal"] = inputs.goal
    st.selectbox(t("plan.goal", lang), list(funding.GOALS), key="pl_goal",
                 format_func=lambda g: t("plan.goal." + g.replace("-", "_"), lang),
                 on_change=lambda: write(goal=st.session_state["pl_goal"]))
    if inputs.goal == "target":
        target_item = settings.item("ucj_target_pct")
        st.caption(t("plan.goal.target_note", lang, target=fmt.percent(settings.target_for(code), lang, 2),
                     source=md(target_item.source), as_of=md(target_item.as_of)))
    st.session_state["pl_pkg"] = inputs.package
    st.radio(t("plan.package", lang), list(funding.PACKAGES), key="pl_pkg", horizontal=True,
             format_func=lambda p: t("plan.package." + p.replace("-", "_"), lang,
                                     rate=rp(cost.per_worker_monthly_rp(settings, funding.PACKAGES[p]), compact=False)),
             on_change=lambda: write(package=st.session_state["pl_pkg"]))
    first, last = (int(y) for y in inputs.years.split("-"))
    y0, y1 = st.columns(2)
    st.session_state["pl_y0"], st.session_state["pl_y1"] = first, last

    def set_years() -> None:
        start, end = int(st.session_state["pl_y0"]), int(st.session_state["pl_y1"])
        changes = {"years": f"{start}-{end}"}
        if inputs.phasing not in funding.PHASINGS and 0 < end - start + 1 <= funding.MAX_YEARS:  # custom shares: one per year
            changes["phasing"] = ",".join(str(s) for s in funding.largest_remainder(100, [1] * (end - start + 1)))
        write(**changes)

    y0.number_input(t("plan.year_from", lang), step=1, format="%d", key="pl_y0", on_change=set_years)
    y1.number_input(t("plan.year_to", lang), step=1, format="%d", key="pl_y1", on_change=set_years)
    phase_kind = inputs.phasing if inputs.phasing in funding.PHASINGS else "custom"
    st.session_state["pl_phase"] = phase_kind
    n_years = last - first + 1

    def set_phase() -> None:
        kind = st.session_state["pl_phase"]
        if kind == "custom":
            shares = funding.largest_remainder(100, [1] * n_years)
            write(phasing=",".join(str(s) for s in shares))
        else:
            write(phasing=kind)

    st.radio(t("plan.phasing", lang), [*funding.PHASINGS, "custom"], key="pl_phase", horizontal=True,
             format_func=lambda k: t("plan.phasing." + k.replace("-", "_"), lang), on_change=set_phase)
    if phase_kind == "custom":
        st.session_state["pl_phase_custom"] = str(params.get("phase", inputs.phasing))[:200]
        st.text_input(t("plan.phasing.custom_shares", lang, n=n_years), key="pl_phase_custom",
                      help=t("plan.phasing.custom_help", lang, first=first, last=last),
                      on_change=lambda: write(phasing=st.session_state["pl_phase_custom"].strip()))

with right:
    st.markdown(f"**{t('plan.split', lang)}**")
    st.caption(t("plan.split.help", lang))
    given = dict(inputs.split)

    def set_split() -> None:
        split = tuple((s, st.session_state.get(f"pl_src_{s}", "").strip()) for s in funding.SOURCES)
        write(split=tuple((s, v) for s, v in split if v))

    cols = st.columns(2)
    for i, source in enumerate(funding.SOURCES):
        value = given.get(source)  # as checked; else what the link says, shown beside its notice
        st.session_state[f"pl_src_{source}"] = (
            str(params.get(source, "")).strip()[:60] if value is None
            else f"Rp{fmt.number(int(value[2:]), lang)}" if value.startswith("Rp") else value)
        cols[i % 2].text_input(t("plan.source." + source, lang), key=f"pl_src_{source}", on_change=set_split,
                               placeholder=t("plan.split.placeholder", lang))
    shares_total = sum(float(v) for v in given.values() if not v.startswith("Rp"))
    amounts_total = sum(int(v[2:]) for v in given.values() if v.startswith("Rp"))
    st.caption(t("plan.split.total", lang, shares=pct_text(shares_total),
                 amounts=rp(amounts_total, compact=False)))

with st.expander(t("plan.village_budget", lang), expanded=inputs.village_budget_rp is not None or "vbudget" in params):
    st.caption(t("plan.village_budget.help", lang))
    b1, b2, b3 = st.columns([1, 2, 1])
    st.session_state["pl_vbudget"] = (str(params.get("vbudget", ""))[:40] if inputs.village_budget_rp is None
                                      else fmt.number(inputs.village_budget_rp, lang))
    st.session_state["pl_vbsrc"] = inputs.village_budget_source or str(params.get("vbsrc", ""))[:funding.MAX_TEXT]
    st.session_state["pl_bshare"] = float(inputs.budget_share_pct)

    def set_budget() -> None:
        write(village_budget_rp=st.session_state["pl_vbudget"].strip() or None, village_budget_source=st.session_state["pl_vbsrc"],
              budget_share_pct=st.session_state["pl_bshare"])

    b1.text_input(t("plan.village_budget.amount", lang), key="pl_vbudget", on_change=set_budget, placeholder="Rp1.000.000.000")
    b2.text_input(t("plan.village_budget.source", lang), key="pl_vbsrc", on_change=set_budget,
                  placeholder=t("plan.village_budget.source_placeholder", lang))
    b3.number_input(t("plan.village_budget.share", lang), min_value=0.0, max_value=100.0, step=5.0, key="pl_bshare",
                    on_change=set_budget)

with st.container(horizontal=True, gap="small", key="plan_bkbk_buttons"):
    st.button(t("plan.bkbk.preset", lang), key="pl_bkbk", icon=":material/account_balance:", help=t("plan.bkbk.preset_help", lang),
              on_click=lambda: state.set_view(state.current_view()[0], **funding.plan_to_query(funding.with_bkbk(inputs))))
    if inputs.model == "bkbk":
        st.button(t("plan.bkbk.off", lang), key="pl_bkbk_off", on_click=write, kwargs={"model": ""})

# ---- the plan
result = planning.plan(ds.key, code, period, settings.key(), inputs)
target = settings.target_for(code)
st.subheader(t("plan.result", lang, region=md(name), years=inputs.years.replace("-", "–")))


def simulated_note(fig: go.Figure) -> None:
    if ds.meta.simulated:
        fig.add_annotation(text=t("simulated.label", lang), xref="paper", yref="paper", x=1, y=1.12, showarrow=False,
                           bgcolor="#fff3cd", bordercolor="#c9a227", font=dict(size=12))


def show_plan(p: funding.Plan) -> None:
    years = p.by_year
    last = years[-1]
    m1, m2, m3 = st.columns(3)
    m4, m5, _ = st.columns(3)
    m1.metric(t("plan.m.workers", lang), fmt.value(p.workers_to_enrol, "orang", lang))
    m2.metric(t("plan.m.cost_total", lang, years=inputs.years.replace("-", "–")), rp(p.cost_total_rupiah),
              help=rp(p.cost_total_rupiah, compact=False))
    m3.metric(t("plan.m.cost_year", lang, year=last.year), rp(last.cost_rupiah), help=rp(last.cost_rupiah, compact=False))
    m4.metric(t("plan.m.unfunded", lang), rp(p.unfunded_rupiah), help=rp(p.unfunded_rupiah, compact=False))
    if last.coverage_pct is None:
        m5.metric(t("plan.m.coverage_end", lang, year=last.year), fmt.NO_DATA)
    else:
        gap_pp = last.coverage_pct - target
        m5.metric(t("plan.m.coverage_end", lang, year=last.year), fmt.percent(last.coverage_pct, lang),
                  delta=t("plan.m.vs_target", lang, delta=fmt.points(gap_pp, lang, 1), target=fmt.percent(target, lang, 2)),
                  **widgets.delta_style(gap_pp))
    shares = [part for part in p.inputs["split"] if part["share_pct"] is not None]
    only_shares = bool(shares) and not any(part["amount_rp"] is not None for part in p.inputs["split"])
    share_total = sum(part["share_pct"] for part in shares)
    if only_shares and abs(share_total - 100) > 1e-9:  # says the same as the core's unfunded note, and why
        st.warning(t("plan.split.not_100", lang, total=pct_text(share_total), rupiah=rp(p.unfunded_rupiah, compact=False)), icon="⚠️")
    elif not p.inputs["split"]:
        st.info(t("plan.split.none", lang), icon="ℹ️")
    for note in p.notes:
        if not (only_shares and note["key"] == "plan.note.unfunded") and not (not p.inputs["split"] and note["key"] == "plan.note.unfunded"):
            st.warning(note[lang], icon="⚠️")

    chart_left, chart_right = st.columns(2)
    with chart_left:
        start = coverage_now is not None and all(y.coverage_pct is not None for y in years)
        fig = go.Figure()
        if start:
            fig.add_trace(go.Scatter(x=[fmt.period(period, lang)] + [str(y.year) for y in years],
                                     y=[coverage_now] + [y.coverage_pct for y in years], mode="lines+markers",
                                     line=dict(color="#225ea8", width=3), name=t("plan.chart.coverage", lang)))
        fig.add_hline(y=target, line_dash="dash", line_color="#b2182b",
                      annotation_text=t("profile.target_line", lang, value=fmt.percent(target, lang, 2)), annotation_position="top left")
        fig.update_layout(title=t("plan.chart.coverage_title", lang), yaxis_title="%", yaxis_rangemode="tozero",
                          height=340, margin=dict(t=70, b=30, l=10, r=10), showlegend=False, xaxis_type="category")
        if not start:
            fig.add_annotation(text=t("legend.no_data", lang), xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                               font=dict(size=16))
        simulated_note(fig)
        st.plotly_chart(fig, key="pl_chart_coverage", config={"displaylogo": False})
        if not start:
            st.caption(t("plan.chart.no_coverage", lang, reason=md(ds.missing_text(PAIR_BY_KEY["ucj"], int(reg.level(code)), period, lang))))
    with chart_right:
        fig = go.Figure()
        xs = [str(y.year) for y in years]
        for source in p.by_source:
            fig.add_trace(go.Bar(x=xs, y=[y.by_source[source] for y in years], name=t("plan.source." + source, lang)))
        fig.add_trace(go.Bar(x=xs, y=[y.unfunded_rupiah for y in years], name=t("plan.unfunded", lang), marker_color="#bdbdbd"))
        fig.update_layout(barmode="stack", title=t("plan.chart.cost_title", lang), yaxis_title="Rp", height=340,
                          margin=dict(t=70, b=30, l=10, r=10), legend=dict(orientation="h", y=-0.15), xaxis_type="category")
        simulated_note(fig)
        st.plotly_chart(fig, key="pl_chart_cost", config={"displaylogo": False})

    st.markdown(f"**{t('plan.by_year', lang)}**")
    shown = tables.plan_year_table(p, target, lang)
    st.dataframe(shown.frame, hide_index=True, width="stretch", key="pl_years", column_config=widgets.column_config(shown.units))
    st.markdown(f"**{t('plan.by_source', lang)}**")
    shown = tables.plan_source_table(p, lang)
    st.dataframe(shown.frame, hide_index=True, width="stretch", key="pl_sources", column_config=widgets.column_config(shown.units))
    st.caption(t("plan.cost_rule", lang) + " " + cost.rate_text(settings, lang, funding.PACKAGES[inputs.package]))

    for source, burden in p.burden.items():
        st.markdown(f"**{t('plan.burden.title', lang, source=t('plan.source.' + source, lang))}**")
        b1, b2, b3 = st.columns(3)
        b1.metric(t("plan.burden.mean", lang), rp(burden.mean_rupiah), help=t("plan.burden.mean_help", lang, n=len(burden.villages)))
        b2.metric(t("plan.burden.max", lang), rp(burden.max_rupiah),
                  help=md(reg.name(burden.max_village)) + f" ({burden.max_village})" if burden.max_village else None)
        if burden.over_budget is None:
            b3.metric(t("plan.burden.over", lang, share=pct_text(inputs.budget_share_pct)), fmt.NO_DATA)
        else:
            b3.metric(t("plan.burden.over", lang, share=pct_text(burden.budget_share_pct)),
                      fmt.number(len(burden.over_budget), lang))
            st.caption(t("plan.burden.budget_line", lang, budget=rp(burden.budget_rupiah, compact=False), source=md(burden.budget_source),
                         share=pct_text(burden.budget_share_pct),
                         limit=rp(burden.budget_rupiah * burden.budget_share_pct / 100, compact=False)))
        for note in burden.notes:
            st.caption(note[lang])
        if burden.excluded_kinds:
            st.caption(t("plan.burden.excluded", lang, n=sum(burden.excluded_kinds.values()),
                         kinds=", ".join(t("kind." + k, lang) for k in burden.excluded_kinds)))
        if burden.villages:
            with st.expander(t("plan.burden.villages", lang, n=len(burden.villages))):
                shown = tables.burden_table(burden.villages, lang)
                st.dataframe(shown.frame, hide_index=True, width="stretch", height=min(35 * len(shown.frame) + 40, 420),
                             key=f"pl_burden_{source}", column_config=widgets.column_config(shown.units))


ucj_row = ds.at(period).reindex([code])
ucj_pair = PAIR_BY_KEY["ucj"]
_part, _whole = ucj_row[ucj_pair.column("part")].iloc[0], ucj_row[ucj_pair.column("whole")].iloc[0]
coverage_now = float(_part) / float(_whole) * 100 if pd.notna(_whole) and _whole > 0 and pd.notna(_part) else None

if isinstance(result, UserError):
    st.error(result.markdown(lang), icon="⛔")
elif result.no_data is not None:
    st.info(t("plan.no_data_for", lang, region=md(name), reason=md(result.no_data["reason"][lang])), icon="ℹ️")
else:
    show_plan(result)

goal_pair = funding.GOALS[inputs.goal][1]
widgets.provenance_caption(ds, list(dict.fromkeys([goal_pair, "ucj"])), period, lang)

# ---- where a rupiah buys the most coverage
if reg.children(code):
    st.subheader(t("plan.rank.title", lang, region=md(name)))
    ranked = planning.ranking(ds.key, code, inputs.goal, period, settings.key(), inputs.package, lang)
    st.caption(t("plan.rank.pick", lang) + " " + t("plan.rank.help", lang, goal=t("plan.goal." + inputs.goal.replace("-", "_"), lang), coverage=t("pair." + goal_pair, lang)))
    shown = tables.plan_rank_table(ranked, lang)
    widgets.region_table(shown, "pl_rank", on_pick=lambda picked: go_to(region=picked))


# ---- the BKBK model
def show_bkbk() -> None:
    st.subheader(t("plan.bkbk.title", lang, region=md(name)))
    st.markdown(t("plan.bkbk.intro", lang))
    with st.expander(t("plan.bkbk.parameters", lang)):
        q1, q2, q3, q4 = st.columns(4)
        st.session_state["pl_q_ep"], st.session_state["pl_q_vul"] = inputs.quota_extreme_poor, inputs.quota_vulnerable
        st.session_state["pl_grant"] = fmt.number(inputs.grant_rp, lang)
        st.session_state["pl_gshare"] = float(inputs.grant_share_pct)

        def set_model() -> None:
            write(quota_extreme_poor=int(st.session_state["pl_q_ep"]), quota_vulnerable=int(st.session_state["pl_q_vul"]),
                  grant_rp=st.session_state["pl_grant"].strip(), grant_share_pct=st.session_state["pl_gshare"])

        q1.number_input(t("plan.bkbk.quota_extreme_poor", lang), min_value=0, step=5, key="pl_q_ep", on_change=set_model)
        q2.number_input(t("plan.bkbk.quota_vulnerable", lang), min_value=0, step=5, key="pl_q_vul", on_change=set_model)
        q3.text_input(t("plan.bkbk.grant", lang), key="pl_grant", on_change=set_model)
        q4.number_input(t("plan.bkbk.grant_share", lang), min_value=0.0, max_value=100.0, step=1.0, key="pl_gshare", on_change=set_model)
        st.button(t("plan.bkbk.jambi_defaults", lang), key="pl_bkbk_reset", on_click=write, kwargs=bkbk.default_quota())
        for item in bkbk.JAMBI.values():
            st.caption(t("plan.bkbk.setting_line", lang, name=t("plan.bkbk.setting." + item.key.removeprefix("bkbk_"), lang),
                         value=fmt.number(item.value, lang), unit=md(item.unit), source=md(item.source), as_of=md(item.as_of)))
    model = planning.bkbk_model(ds.key, code, period, settings.key(), inputs)
    if isinstance(model, UserError):
        st.error(model.markdown(lang), icon="⛔")
        return
    k1, k2, k3, k4 = st.columns(4)
    k1.metric(t("plan.bkbk.m.workers", lang), fmt.value(model.workers, "orang", lang),
              help=t("plan.bkbk.m.workers_help", lang, places=fmt.number(model.places, lang), villages=fmt.number(model.n_villages, lang)))
    k2.metric(t("plan.bkbk.m.cost", lang), rp(model.cost_rupiah), help=rp(model.cost_rupiah, compact=False))
    k3.metric(t("plan.bkbk.m.earmark", lang), rp(model.earmark_rupiah),
              help=t("plan.bkbk.m.earmark_help", lang, villages=fmt.number(model.n_villages, lang),
                     earmark=rp(model.earmark_per_village_rupiah, compact=False)))
    k4.metric(t("plan.bkbk.m.coverage", lang), fmt.percent(model.coverage_after_pct, lang),
              delta=t("plan.bkbk.m.from", lang, now=fmt.percent(model.coverage_now_pct, lang)) if model.coverage_now_pct is not None else None,
              delta_color="off", delta_arrow="off")
    g1, g2, g3 = st.columns(3)
    for col, key in ((g1, "extreme_poor"), (g2, "vulnerable"), (g3, "target")):
        gap = model.gap[key]
        col.metric(t("plan.bkbk.gap." + key, lang), fmt.percent(gap["share_pct"], lang) if gap else fmt.NO_DATA,
                   help=t("plan.bkbk.gap_help", lang, closed=fmt.number(gap["closed"], lang), gap=fmt.number(gap["gap"], lang))
                   if gap else None)
    counts = model.status_counts
    st.markdown(t("plan.bkbk.statuses", lang, under=fmt.number(counts["under"], lang), over=fmt.number(counts["over"], lang),
                  exact=fmt.number(counts["exact"], lang), no_data=fmt.number(counts["no_data"], lang),
                  left_out=fmt.number(model.left_out, lang), unused=fmt.number(model.unused_places, lang)))
    for note in model.notes:
        st.caption(note[lang])
    st.markdown(f"**{t('plan.bkbk.by_kabupaten', lang)}**")
    shown = tables.bkbk_kabupaten_table(model.kabupaten, lang)
    st.dataframe(shown.frame, hide_index=True, width="stretch", height=min(35 * len(shown.frame) + 40, 480), key="pl_bkbk_kab",
                 column_config=widgets.column_config(shown.units))
    v1, v2 = st.columns(2)
    for col, status, by, key in ((v1, "under", "left_out", "pl_bkbk_under"), (v2, "over", "unused_places", "pl_bkbk_over")):
        part = model.villages[model.villages["status"] == status]
        with col:
            st.markdown(f"**{t('plan.bkbk.villages.' + status, lang, n=fmt.number(len(part), lang))}**")
            shown = tables.bkbk_village_table(part.head(5000), lang, by=by)
            st.dataframe(shown.frame.head(50), hide_index=True, width="stretch", key=key, column_config=widgets.column_config(shown.units))
    with st.expander(t("plan.bkbk.jambi", lang)):
        for item in bkbk.REPORTED:
            st.caption(t("plan.bkbk.reported", lang, year=item["year"], rule=md(item["rule"]), workers=fmt.number(item["quota_workers"], lang),
                         rupiah=rp(item["rupiah"]), source=md(item["source"])))
        st.caption(t("plan.bkbk.jambi_check", lang, villages=fmt.number(bkbk.JAMBI["villages"].value, lang),
                     rate=rp(model.rate_year_rupiah, compact=False)))
    widgets.provenance_caption(ds, ["extreme_poor_workers", "vulnerable", "ucj"], period, lang)


if inputs.model == "bkbk":
    show_bkbk()

# ---- exports (XLSX plan, PDF brief, JSON): the buttons come from ui.exports; the page works without them
with st.container(key="plan_exports"):
    def plan_exports() -> None:
        try:
            from ui.exports import plan_export_buttons
        except ImportError:
            return
        if isinstance(result, funding.Plan):
            plan_export_buttons(result, ds, reg, lang)

    plan_exports()

with st.container(horizontal=True, key="plan_links"):
    query = {**drill.to_query(replace(view, period=period)), **funding.plan_to_query(inputs)}
    st.page_link("pages/present.py", label=t("plan.present", lang), icon=":material/slideshow:", query_params={**query, "slide": "plan"})
    state.view_link("pages/profile.py", view, t("plan.open_profile", lang), icon=":material/description:")
with st.expander(t("plan.cli", lang)):
    st.caption(t("plan.cli.help", lang))
    st.code(shlex.join(["python", "-m", "ucj_dash", "plan", *inputs.cli_args(code, period)]), language="bash")


# ---- scenarios
st.subheader(t("scenario.title", lang))
flash = st.session_state.pop("pl_flash", None)
if flash:
    st.success(flash)
if may_manage and isinstance(result, funding.Plan):
    with st.form("pl_save", clear_on_submit=False):
        st.text_input(t("scenario.name", lang), key="pl_sc_name", max_chars=scenarios.NAME_MAX)
        st.checkbox(t("scenario.replace", lang), key="pl_sc_replace")
        submitted = st.form_submit_button(t("scenario.save", lang))
    if submitted:
        try:
            model = planning.bkbk_model(ds.key, code, period, settings.key(), inputs) if inputs.model == "bkbk" else None
            saved = scenarios.save(st.session_state.get("pl_sc_name", ""), query, result, ds, ORIGIN,
                                   model=model if isinstance(model, bkbk.Model) else None,
                                   replace=bool(st.session_state.get("pl_sc_replace")))
        except UserError as exc:
            audit.record("scenario_save", "refused", ORIGIN, reason=exc.key)
            st.error(exc.markdown(lang), icon="⛔")
        else:
            audit.record("scenario_save", "ok", ORIGIN, scenario=saved.id)
            st.session_state["pl_flash"] = t("scenario.saved", lang, name=md(saved.name))
            st.rerun()
elif not may_manage:
    st.caption(t("scenario.admin_only", lang))

saved_list = scenarios.list_scenarios()
if not saved_list:
    st.caption(t("scenario.none", lang))
else:
    by_id = {s.id: s for s in saved_list}

    def label(scenario_id: str) -> str:
        s = by_id[scenario_id]
        return f"{s.name} · {s.region_name} · {s.saved_at[:10]}"

    ids = list(by_id)
    s1, s2 = st.columns(2)
    if st.session_state.get("pl_sc_a") not in ids:
        st.session_state["pl_sc_a"] = ids[0]
    if st.session_state.get("pl_sc_b") not in ids:
        st.session_state["pl_sc_b"] = ids[1] if len(ids) > 1 else ids[0]
    s1.selectbox(t("scenario.a", lang), ids, key="pl_sc_a", format_func=label)
    s2.selectbox(t("scenario.b", lang), ids, key="pl_sc_b", format_func=label)
    a, b = by_id[st.session_state["pl_sc_a"]], by_id[st.session_state["pl_sc_b"]]
    shown = tables.scenario_table(scenarios.comparison_rows(a, b, lang), lang)
    st.dataframe(shown.frame, hide_index=True, width="stretch", key="pl_sc_table", column_config=widgets.column_config(shown.units))
    with st.container(horizontal=True, key="pl_sc_links"):
        for which, s in (("A", a), ("B", b)):
            st.page_link("pages/planner.py", label=t("scenario.open", lang, which=which, name=md(s.name)), icon=":material/open_in_new:",
                         query_params=s.query)
    if may_manage:
        def remove(scenario_id: str) -> None:
            try:
                scenarios.delete(scenario_id)
            except UserError as exc:
                audit.record("scenario_delete", "refused", ORIGIN, reason=exc.key, scenario=scenario_id)
                return
            audit.record("scenario_delete", "ok", ORIGIN, scenario=scenario_id)
            st.session_state["pl_flash"] = t("scenario.deleted", lang, name=md(by_id[scenario_id].name))

        st.button(t("scenario.delete", lang, name=md(a.name)), key="pl_sc_delete", on_click=remove, args=(a.id,), type="secondary")
