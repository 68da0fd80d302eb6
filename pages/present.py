"""Presentation mode: one region as slides for meetings and FGDs.

Every slide has a stable URL (``/presentasi?region=53&slide=figures``, plus
``children=1`` for one slide per child region, and ``plan=1`` or the planner's plan
parameters for the funding-plan slide, ``slide=plan``). Next/previous work with the
buttons, the keyboard and presentation clickers (PageDown/PageUp); Streamlit's
chrome is hidden and the type is large and high-contrast for a projector.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from ucj_dash.analysis import cost, priority
from ucj_dash.analysis.indicators import METRICS
from ucj_dash.geography.regions import NATION_CODE, Level
from ucj_dash.text import markup
from ucj_dash.text.i18n import t
from ucj_dash.views import drill, mapview, slides
from ui import entry, loaders, map_component, state
from ui.assets import PRESENT_KEYS_URL, STATIC_DIR

entry.through_app(__file__)

view, notices, reg, ds, settings, period = state.page_setup()
lang = view.lang
metric = METRICS[view.metric]
params = st.query_params.to_dict()
deck, index, include_children, slide_notices = slides.resolve(reg, view.region, params)
slide = deck[index]
POS_KEY = "present_pos"  # (region, slide key, children) last shown: where the buttons step from
PLAN_KEY = "present_plan"  # the plan parameters of the link (and plan=1): they travel from slide to slide
st.session_state[POS_KEY] = (view.region, slide.key, include_children)
plan_params = slides.plan_params(params)
st.session_state[PLAN_KEY] = plan_params
notices = [*notices, *slide_notices]
# the URL always names the slide shown (a broken or partial link is repaired, so reloading shows the same slide)
if (notices or params.get(slides.SLIDE_PARAM) != slide.key or include_children != slides.wants_children(params)
        or any(params.get(k) != v for k, v in plan_params.items())):
    state.set_view(view, slide=slide.key, children="1" if include_children else None, **plan_params)

E = markup.html
SIM = t("simulated.label", lang)

st.html(STATIC_DIR / "present.css")  # Streamlit's chrome hidden, large high-contrast type
# Keyboard and presentation clickers (static/present_keys.js): a hidden iframe runs the script, which
# listens on the app's document and clicks the slide buttons below.
with st.container(key="present_keys"):
    st.iframe(f'<script src="{PRESENT_KEYS_URL}"></script>', height=1, tab_index=-1)


# ---- navigation


def show(current: drill.View, key: str, children: bool) -> None:
    st.session_state[POS_KEY] = (current.region, key, children)
    state.set_view(current, slide=key, children="1" if children else None, **st.session_state.get(PLAN_KEY, {}))


def step(action: str) -> None:
    """Move one slide (or to either end) from the slide last shown or chosen in this session.

    Not from the URL: a second press of a clicker while the first is still being drawn comes with
    the browser's old URL, and must still move one slide further.
    """
    current = state.current_view()[0]
    region, key, children = st.session_state.get(POS_KEY) or (None, None, False)
    if region != current.region:
        params = st.query_params.to_dict()
        key, children = params.get(slides.SLIDE_PARAM), slides.wants_children(params)
    deck_now, i, children, _ = slides.resolve(loaders.registry(), current.region, {
        **st.session_state.get(PLAN_KEY, {}), slides.SLIDE_PARAM: key, slides.CHILDREN_PARAM: "1" if children else ""})
    show(current, slides.step(deck_now, i, action), children)


def on_children_toggle() -> None:
    current = state.current_view()[0]
    on = bool(st.session_state.get("present_children_w"))
    key = (st.session_state.get(POS_KEY) or (None, slides.BASE_SLIDES[0]))[1]
    if not on and key.startswith(slides.CHILD_PREFIX):  # the child slides go: stay on the last slide that remains
        with_plan = slides.wants_plan(st.session_state.get(PLAN_KEY, {}))
        key = slides.deck(loaders.registry(), current.region, False, with_plan)[-1].key
    show(current, key, on)


def kind_label(code: str) -> str:
    return t("kind." + reg.kind(code), lang)


focus_name = reg.name(view.region)
topbar_left = E(t("present.footer", lang, region=focus_name, period=period))
sim_badge = f'<span class="ucj-sim-badge" data-testid="ucj-slide-sim">{E(SIM)}</span>' if ds.meta.simulated else ""
st.markdown(
    f'<div class="ucj-slide ucj-topbar"><div>{topbar_left}</div><div>{sim_badge}</div>'
    f'<div class="ucj-counter" data-testid="ucj-slide-counter">{index + 1} / {len(deck)}</div></div>',
    unsafe_allow_html=True,
)
for notice in notices:
    st.info(notice.markdown(lang), icon="ℹ️")


def html_block(body: str, cls: str = "") -> None:
    st.markdown(f'<div class="ucj-slide {cls}" data-testid="ucj-slide" data-slide="{E(slide.key)}">{body}</div>',
                unsafe_allow_html=True)


def figures_html(code: str) -> str:
    row = mapview.region_row(ds, code, period, settings)
    if not mapview.has_data(row):
        return f'<p class="ucj-note">{E(t("kpi.no_data", lang, region=reg.name(code), period=period))}</p>'
    cards = "".join(
        f'<div class="ucj-fig" data-figure="{f.key}"><div class="ucj-fig-label">{E(f.label)}</div>'
        f'<div class="ucj-fig-value">{E(f.value)}</div><div class="ucj-fig-detail">{E(f.detail)}</div></div>'
        for f in slides.key_figures(row, code, settings, lang)
    )
    # a headline rate that is missing says why, one resting on only part of the region says on what
    notes = "".join(f'<p class="ucj-note">{E(note)}</p>' for note in mapview.kpi_notes(row, ds, code, period, lang))
    return f'<div class="ucj-figs">{cards}</div>{notes}'


def source_foot(kind: str, goal: str | None = None) -> str:
    """The period and, for each figure a slide of ``kind`` shows, where its numerator and denominator come from."""
    lines = slides.source_lines(ds, kind, period, lang, metric.pair, state.priority_rule().coverage, goal)
    sim = f" · <b>{E(SIM)}</b>" if ds.meta.simulated else ""
    return (f'<div class="ucj-foot" data-testid="ucj-slide-sources">{E(t("tooltip.period", lang))}: {E(period)}{sim}'
            + "".join(f"<br>{E(line)}" for line in lines) + "</div>")


# ---- the slide
parent = view.map_parent
child_level = view.child_level

if slide.kind == "title":
    code = view.region
    where = kind_label(code) if code == NATION_CODE or reg.level(code) == Level.PROVINCE else \
        f"{kind_label(code)} · {reg.path_label(reg.parent(code))}"
    sim = (f'<div class="ucj-sim-big" data-testid="ucj-sim-big">{E(SIM)} — {E(t("simulated.short", lang))}</div>'
           if ds.meta.simulated else "")
    html_block(
        f'<div class="ucj-kicker">{E(t("app.title", lang))}</div><h1>{E(focus_name)}</h1>'
        f'<div class="ucj-sub">{E(where)}</div>'
        f'<div class="ucj-meta">{E(t("present.title.period", lang, period=period))}</div>'
        f'<div class="ucj-meta">{E(t("present.title.dataset", lang, name=ds.meta.name))}</div>'
        f"{sim}{source_foot('title')}",
        "ucj-title-slide",
    )

elif slide.kind == "map":
    classes = loaders.classes_cached(ds.key, parent, period, metric.key, view.classification, lang, settings.key())
    html_block(
        "<h2>"
        + E(t("present.heading.map", lang, metric=t("metric." + metric.key, lang), level=t("level." + child_level.key, lang),
              region=reg.name(parent)))
        + "</h2>"
    )
    geojson = loaders.layer_geojson_cached(
        ds.key, parent, period, metric.key, view.classification, lang, view.selected_village, settings.key()
    )
    map_component.folium_map(geojson, "choropleth", mapview.tooltip_labels(lang), key="present_map", height=580)
    st.markdown(mapview.legend_html(classes, t("metric." + metric.key, lang), mapview.method_label(classes, settings, lang),
                                    lang, ds.meta.simulated),
                unsafe_allow_html=True)
    st.markdown(f'<div class="ucj-slide">{source_foot("map")}</div>', unsafe_allow_html=True)

elif slide.kind == "figures":
    html_block(
        f'<h2>{E(t("present.heading.figures", lang, region=focus_name))}</h2>{figures_html(view.region)}{source_foot("figures")}'
    )

elif slide.kind == "priority":
    table = loaders.children_table_cached(ds.key, parent, period, settings.key())
    items = slides.priority_items(table, settings, state.priority_rule(), lang)
    rows = "".join(
        f'<tr data-code="{E(item.code)}"><td class="ucj-rank">{item.rank}</td><td class="ucj-name">{E(item.name)}</td>'
        f'<td class="ucj-reason">{E(item.reason)}</td></tr>'
        for item in items
    )
    body = (f'<table class="ucj-table">{rows}</table>'
            f'<p class="ucj-note">{E(t("present.priority.top", lang, n=len(items), total=len(table)))}</p>'
            if items else f'<p class="ucj-note">{E(t("present.priority.none", lang))}</p>')
    html_block(
        "<h2>"
        + E(t("present.heading.priority", lang, level=t("level." + child_level.key, lang), region=reg.name(parent)))
        + f"</h2>{body}{source_foot('priority')}"
    )

elif slide.kind == "cost":
    row = mapview.region_row(ds, view.region, period, settings)
    lines = slides.cost_lines(row, settings, lang)
    head = "".join(
        f"<th>{E(t('present.cost.col.' + c, lang))}</th>" for c in ("group", "workers", "monthly", "yearly")
    )
    body = "".join(
        f'<tr data-group="{line.group}"><td class="ucj-name">{E(line.label)}</td><td class="ucj-num">{E(line.workers)}</td>'
        f'<td class="ucj-num">{E(line.monthly)}</td><td class="ucj-num">{E(line.yearly)}</td></tr>'
        for line in lines
    )
    no_data = "".join(f'<p class="ucj-note">{E(cost.no_data_text(line.group, lang))}</p>' for line in lines if not line.known)
    html_block(
        f'<h2>{E(t("present.heading.cost", lang, region=focus_name))}</h2>'
        f'<table class="ucj-table"><tr>{head}</tr>{body}</table>{no_data}'
        f'<p class="ucj-note">{E(t("present.cost.explain", lang))}</p>'
        f'<p class="ucj-note">{E(slides.cost_rate_note(settings, lang))}</p>{source_foot("cost")}'
    )

elif slide.kind == slides.PLAN_SLIDE:
    plan, plan_notices, from_link = slides.plan_for_slide(ds, reg, view.region, period, settings, params)
    for notice in plan_notices:
        st.info(notice.markdown(lang), icon="ℹ️")
    if plan is None:
        html_block(f'<h2>{E(t("present.heading.plan", lang, region=focus_name))}</h2>'
                   f'<p class="ucj-note" data-testid="ucj-plan-refused">{E(t("present.plan.refused", lang))}</p>'
                   f"{source_foot('plan')}")
    else:
        pv = slides.plan_view(plan, reg, lang)
        origin = t("present.plan.from_link", lang) if from_link else t("present.plan.default", lang)
        intro = (f'<div class="ucj-sub" data-testid="ucj-plan-goal">{E(pv.goal)} · {E(pv.years)}</div>'
                 f'<p class="ucj-note">{E(pv.package)} · {E(pv.phasing)} · {E(origin)}</p>')
        if pv.no_data is not None:
            body = f'<p class="ucj-note" data-testid="ucj-plan-no-data">{E(pv.no_data)}</p>'
        else:
            cards = "".join(
                f'<div class="ucj-fig" data-figure="{E(f.key)}"><div class="ucj-fig-label">{E(f.label)}</div>'
                f'<div class="ucj-fig-value">{E(f.value)}</div><div class="ucj-fig-detail">{E(f.detail)}</div></div>'
                for f in pv.figures
            )
            head = "".join(f"<th>{E(h)}</th>" for h in (
                t("planbook.col.year", lang), t("present.plan.col.new", lang), t("present.plan.col.workers", lang),
                t("present.plan.col.cost", lang), t("present.plan.col.coverage", lang), t("planbook.unfunded", lang)))
            years = "".join(
                f'<tr data-year="{y.year}"><td>{y.year}</td><td class="ucj-num">{E(y.new_workers)}</td>'
                f'<td class="ucj-num">{E(y.workers)}</td><td class="ucj-num">{E(y.cost)}</td>'
                f'<td class="ucj-num">{E(y.coverage)}</td><td class="ucj-num">{E(y.unfunded)}</td></tr>'
                for y in pv.by_year
            )
            split = "".join(
                f'<tr data-source="{E(line.key)}"><td class="ucj-name">{E(line.label)}</td><td>{E(line.how)}</td>'
                f'<td class="ucj-num">{E(line.total)}</td><td class="ucj-num">{E(line.share)}</td></tr>'
                for line in pv.sources
            )
            split_head = "".join(f"<th>{E(h)}</th>" for h in (
                t("planbook.col.source", lang), t("planbook.col.how", lang), t("present.plan.col.total", lang),
                t("present.plan.col.share", lang)))
            body = (f'<div class="ucj-figs">{cards}</div>'
                    f'<table class="ucj-table" data-testid="ucj-plan-years"><tr>{head}</tr>{years}</table>'
                    f'<table class="ucj-table" data-testid="ucj-plan-split"><tr>{split_head}</tr>{split}</table>')
        notes = "".join(f'<p class="ucj-note" data-testid="ucj-plan-note">{E(n)}</p>' for n in pv.notes)
        html_block(f"<h2>{E(pv.heading)}</h2>{intro}{body}{notes}{source_foot('plan', plan.inputs['goal'])}")

else:  # one child region
    code = slide.region
    siblings = reg.children(view.region)
    position = siblings.index(code) + 1 if code in siblings else 0
    row = mapview.region_row(ds, code, period, settings)
    extra = ""
    if mapview.has_data(row):
        vul = next(line for line in slides.cost_lines(row, settings, lang) if line.group == "vulnerable")
        vul_cost = t("present.child.cost", lang, n=vul.workers, count=row["uncovered_vulnerable_workers"],
                     monthly=vul.monthly, yearly=vul.yearly) if vul.known else cost.no_data_text(vul.group, lang)
        extra = (f'<p class="ucj-note">{E(priority.reason(row, settings, lang, state.priority_rule().coverage))}</p>'
                 f'<p class="ucj-note">{E(vul_cost)}'
                 f" {E(slides.cost_rate_note(settings, lang))}</p>")
    html_block(
        f"<h1>{E(reg.name(code))}</h1>"
        f'<div class="ucj-sub">{E(t("present.child.of", lang, kind=kind_label(code), parent=focus_name, n=position, total=len(siblings)))}</div>'
        f"{figures_html(code)}{extra}{source_foot('child')}"
    )

# ---- controls: buttons (also what the keyboard presses), the child walk-through, the way out
prev_key, next_key = slides.prev_key(deck, slide.key), slides.next_key(deck, slide.key)
with st.container(horizontal=True, gap="small", key="present_controls", vertical_alignment="center"):
    st.button(t("present.first", lang), key="present_first", icon=":material/first_page:", on_click=step,
              args=("first",), disabled=index == 0)
    st.button(t("present.prev", lang), key="present_prev", on_click=step, args=("prev",), disabled=prev_key is None)
    st.button(t("present.next", lang), key="present_next", on_click=step, args=("next",), disabled=next_key is None)
    st.button(t("present.last", lang), key="present_last", icon=":material/last_page:", on_click=step,
              args=("last",), disabled=index == len(deck) - 1)
    if view.level != Level.VILLAGE:
        st.session_state["present_children_w"] = include_children
        st.toggle(t("present.children", lang), key="present_children_w", on_change=on_children_toggle)
    if st.button(t("present.exit", lang), key="present_exit"):
        state.open_page("pages/map.py", view)

url = st.context.url or ""
link = f"{url.rstrip('/')}?" + urlencode(slides.query(drill.to_query(view), slide.key, include_children, plan_params))
st.markdown(f'<div class="ucj-hint">{E(t("present.keys", lang))}<br>'
            f'{E(t("present.link", lang, url=""))}<code data-testid="ucj-slide-link">{E(link)}</code></div>',
            unsafe_allow_html=True)
