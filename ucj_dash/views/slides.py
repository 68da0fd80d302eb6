"""Presentation mode: the slide sequence for one region and what each slide shows.

Pure functions, no Streamlit. A deck is a list of :class:`Slide`; every slide
has a stable ``key`` ("title", "map", "figures", "priority", "cost",
"child-53.02"), so a link to a slide keeps working when the sequence around
it changes (e.g. the presenter turns the child-region walk-through on or off).

URL parameters, next to the view's (region, metric, period, lang, classes):
``slide=<key>``, ``children=1`` (one slide per child region) and ``plan=1`` (the funding-plan slide,
after the cost slide). The plan slide shows the plan of the URL's plan parameters
(:data:`ucj_dash.analysis.funding.PLAN_PARAMS`, as the planner page writes them), else a default plan
(:data:`DEFAULT_PLAN`); a link with plan parameters or ``slide=plan`` turns the plan slide on.

Every slide ends with the source of what it shows (:func:`source_lines`): for
each figure, the dataset and period of its numerator and of its denominator.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ucj_dash.analysis import cost, funding, priority
from ucj_dash.analysis.indicators import COVERAGES
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets.figures import SHOWN_PAIRS, Figures
from ucj_dash.errors import UserError
from ucj_dash.geography.regions import Level, Registry, level_of
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t

SLIDE_PARAM = "slide"
CHILDREN_PARAM = "children"
PLAN_PARAM = "plan"
#: the slides every deck starts with, in order (a village has no priority slide: it has no children to rank)
BASE_SLIDES = ("title", "map", "figures", "priority", "cost")
#: the funding-plan slide, after the base slides when the link asks for it (``plan=1``, plan parameters or ``slide=plan``)
PLAN_SLIDE = "plan"
CHILD_PREFIX = "child-"
PRIORITY_TOP = 8


@dataclass(frozen=True)
class Slide:
    """One slide: ``kind`` says what it shows, ``region`` which region it is about."""

    key: str
    kind: str  # one of BASE_SLIDES or "child"
    region: str


def child_key(code: str) -> str:
    return CHILD_PREFIX + code


def deck(registry: Registry, region: str, include_children: bool = False, include_plan: bool = False) -> list[Slide]:
    """The slides for ``region``: title, map, key figures, priority list, cost; the funding plan if asked;
    then one per child if asked.

    A village has no children: no priority slide and no child slides.
    """
    village = level_of(region) == Level.VILLAGE
    slides = [Slide(kind, kind, region) for kind in BASE_SLIDES if not (village and kind == "priority")]
    if include_plan:
        slides.append(Slide(PLAN_SLIDE, PLAN_SLIDE, region))
    if include_children and not village:
        slides += [Slide(child_key(code), "child", code) for code in registry.children(region)]
    return slides


def index_of(slides: list[Slide], key: str | None) -> int | None:
    """Position of the slide ``key`` in ``slides`` (None when it is not there)."""
    for i, slide in enumerate(slides):
        if slide.key == key:
            return i
    return None


def next_key(slides: list[Slide], key: str) -> str | None:
    """Key of the slide after ``key`` (None on the last slide or for an unknown key)."""
    i = index_of(slides, key)
    return slides[i + 1].key if i is not None and i + 1 < len(slides) else None


def prev_key(slides: list[Slide], key: str) -> str | None:
    """Key of the slide before ``key`` (None on the first slide or for an unknown key)."""
    i = index_of(slides, key)
    return slides[i - 1].key if i else None


def step(slides: list[Slide], index: int, action: str) -> str:
    """Key of the slide ``action`` ("first", "prev", "next", "last") leads to from position ``index``.

    Stepping past either end stays on the end slide.
    """
    target = {"first": 0, "prev": index - 1, "next": index + 1, "last": len(slides) - 1}[action]
    return slides[max(0, min(target, len(slides) - 1))].key


def wants_children(params: dict) -> bool:
    return str(params.get(CHILDREN_PARAM, "")).strip().lower() in ("1", "true", "yes", "ya")


def plan_keys() -> tuple[str, ...]:
    """The URL parameters of a plan: the planner's (:data:`ucj_dash.analysis.funding.PLAN_PARAMS`), else ``goal``."""
    return tuple(getattr(funding, "PLAN_PARAMS", ("goal",)))


def wants_plan(params: dict) -> bool:
    """Whether the deck has the funding-plan slide: ``plan=1``, any plan parameter, or a link to ``slide=plan``."""
    if str(params.get(PLAN_PARAM, "")).strip().lower() in ("1", "true", "yes", "ya"):
        return True
    if str(params.get(SLIDE_PARAM, "") or "").strip() == PLAN_SLIDE:
        return True
    return any(str(params.get(k, "") or "").strip() for k in plan_keys())


def plan_params(params: dict) -> dict[str, str]:
    """The plan parameters of a URL that travel from slide to slide (and ``plan=1`` when the plan slide is on)."""
    out = {k: str(params[k]) for k in plan_keys() if str(params.get(k, "") or "").strip()}
    if wants_plan(params):
        out[PLAN_PARAM] = "1"
    return out


def resolve(registry: Registry, region: str, params: dict) -> tuple[list[Slide], int, bool, list[UserError]]:
    """The deck a URL describes and the position of its slide: ``(deck, index, include_children, notices)``.

    No ``slide`` parameter opens the first slide; an unknown one opens the first
    slide with a notice. A link straight to a child slide turns the
    child-region walk-through on, so a prepared link opens even without ``children=1``.
    """
    include = wants_children(params)
    with_plan = wants_plan(params)
    key = params.get(SLIDE_PARAM) or None
    if key is not None:
        key = str(key).strip()
    notices: list[UserError] = []
    slides = deck(registry, region, include, with_plan)
    if key is None:
        return slides, 0, include, notices
    i = index_of(slides, key)
    if i is None and not include and key.startswith(CHILD_PREFIX):
        with_children = deck(registry, region, True, with_plan)
        j = index_of(with_children, key)
        if j is not None:
            return with_children, j, True, notices
    if i is None:
        notices.append(UserError("present.notice.unknown_slide", value=key[:60]))
        i = 0
    return slides, i, include, notices


def query(view_params: dict[str, str], key: str, include_children: bool,
          plan: dict[str, str] | None = None) -> dict[str, str]:
    """URL parameters of one slide: the view's, then ``slide``, (if on) ``children=1`` and the plan's (:func:`plan_params`)."""
    params = {**view_params, SLIDE_PARAM: key}
    if include_children:
        params[CHILDREN_PARAM] = "1"
    params.update(plan or {})
    return params


# ---- what the slides show

#: the pairs (:data:`~ucj_dash.datasets.dataset.PAIRS`) whose figures each kind of slide shows; the map
#: slide shows its metric's, the priority slide the rule's coverage first
SLIDE_PAIRS: dict[str, tuple[str, ...]] = {
    "title": SHOWN_PAIRS,
    "figures": ("ucj", "extreme_poverty", "vulnerable"),
    "priority": ("extreme_poverty", "extreme_poor_workers", "vulnerable"),
    "cost": ("vulnerable", "extreme_poor_workers"),
    "child": ("ucj", "extreme_poverty", "vulnerable"),
    # the default plan's goal (vulnerable workers) and the UCJ coverage the plan reaches; see :func:`slide_pairs`
    "plan": ("vulnerable", "ucj"),
}


def slide_pairs(kind: str, metric_pair: str = "ucj", coverage: str = "employed_active",
                goal: str | None = None) -> tuple[str, ...]:
    """The pairs a slide of ``kind`` shows: ``metric_pair`` on the map, the pair of ``coverage`` (a
    :data:`~ucj_dash.analysis.indicators.COVERAGES` key, the ranking rule's) first on the priority slide,
    the pair of the plan's ``goal`` (persons to enrol) and UCJ coverage on the plan slide."""
    if kind == "map":
        return (metric_pair,)
    if kind == PLAN_SLIDE and goal in funding.GOALS:
        return tuple(dict.fromkeys((funding.GOALS[goal][1], "ucj")))
    pairs = SLIDE_PAIRS[kind]
    if kind == "priority":
        pairs = (COVERAGES[coverage].pair, *pairs)
    return tuple(dict.fromkeys(pairs))


def source_lines(figures: Figures, kind: str, period: str, lang: str, metric_pair: str = "ucj",
                 coverage: str = "employed_active", goal: str | None = None) -> list[str]:
    """Where the figures of a slide of ``kind`` come from: one plain-text line per figure
    ("Cakupan UCJ — pembilang: <dataset>, Des 2024 · penyebut: <dataset>, Agu 2024")."""
    return figures.source_lines(period, lang, pairs=slide_pairs(kind, metric_pair, coverage, goal))



@dataclass(frozen=True)
class Figure:
    """A key figure as shown: label, the value in large type, what it is compared with and where that comes from."""

    key: str
    label: str
    value: str
    detail: str


def key_figures(row: pd.Series, code: str, settings: Settings, lang: str) -> list[Figure]:
    """UCJ coverage vs target, uncovered workers, extreme poverty vs baseline, vulnerable-worker coverage.

    Missing values are "—" (never 0); each comparison names its constant's source and date.
    """
    target = settings.item("ucj_target_pct")
    base = settings.item("extreme_poverty_baseline_pct")
    target_value = row["target_pct"]
    if settings.target_region(code) is not None:
        target_source = t("present.target.own", lang)
    else:
        target_source = f"{target.source}, {target.as_of}"
    cov = row["ucj_coverage_pct"]
    rate = row["extreme_poverty_rate_pct"]
    return [
        Figure(
            "coverage",
            t("kpi.coverage", lang),
            fmt.percent(cov, lang),
            t("present.fig.coverage.detail", lang, target=fmt.percent(target_value, lang, 2), source=target_source,
              gap=fmt.points(cov - target_value, lang, 1) if pd.notna(cov) else fmt.NO_DATA),
        ),
        Figure(
            "uncovered",
            t("kpi.uncovered", lang),
            fmt.number(row["uncovered_workers"], lang),
            t("present.fig.uncovered.detail", lang),
        ),
        Figure(
            "extreme_poverty",
            t("kpi.extreme_poverty", lang),
            fmt.percent(rate, lang, 2),
            t("present.fig.poverty.detail", lang, baseline=fmt.percent(base.value, lang, 2), source=base.source,
              as_of=base.as_of, delta=fmt.points(rate - base.value, lang) if pd.notna(rate) else fmt.NO_DATA),
        ),
        Figure(
            "vulnerable",
            t("kpi.vulnerable", lang),
            fmt.percent(row["vulnerable_coverage_pct"], lang),
            t("present.fig.vulnerable.detail", lang,
              n=fmt.number(row["uncovered_vulnerable_workers"], lang), count=row["uncovered_vulnerable_workers"]),
        ),
    ]


@dataclass(frozen=True)
class PriorityItem:
    rank: int
    code: str
    name: str
    kind: str
    quadrant: str
    reason: str


def priority_items(table: pd.DataFrame, settings: Settings, rule: priority.Rule, lang: str,
                   top: int = PRIORITY_TOP) -> list[PriorityItem]:
    """The first ``top`` children in the rule's priority order, each with its reason in words.

    Children without any figure the rule uses are left out (:func:`priority.rankable`): none may be left.
    """
    ranked = priority.rankable(priority.rank(table, settings, rule)).head(top)
    return [
        PriorityItem(int(row["rank"]), row["code"], row["name"], row["kind"], row["quadrant"],
                     priority.reason(row, settings, lang, rule.coverage))
        for _, row in ranked.iterrows()
    ]


@dataclass(frozen=True)
class CostLine:
    """What covering one group's uncovered workers would cost, formatted."""

    group: str
    label: str
    workers: str
    monthly: str
    yearly: str
    known: bool  # whether the group's uncovered workers are known (else every figure is "—")


def cost_lines(row: pd.Series, settings: Settings, lang: str) -> list[CostLine]:
    """Vulnerable and extreme-poor workers: persons, rupiah per month and per year ("—" without data)."""
    out = []
    for group in cost.GROUPS:
        gc = cost.gap_cost(row, group, settings)
        out.append(
            CostLine(group, t("present.cost.group." + group, lang), fmt.number(gc.workers, lang),
                     fmt.rupiah(gc.monthly_rp, lang), fmt.rupiah(gc.yearly_rp, lang), bool(pd.notna(gc.workers)))
        )
    return out


def cost_rate_note(settings: Settings, lang: str) -> str:
    """The contribution rate used, with its regulation and date."""
    rate = settings.item("bpu_min_package_rp")
    return t("present.cost.rate", lang, rate=fmt.rupiah(cost.per_worker_monthly_rp(settings), lang, compact=False),
             source=rate.source, as_of=rate.as_of)



# ---- the funding-plan slide

#: the plan the slide shows when the link has no plan parameters (or the planner's codec is not there):
#: the vulnerable workers (or the link's ``goal``), 2026–2029, JKK + JKM, paid wholly by the APBD kabupaten/kota
DEFAULT_PLAN = {"goal": "vulnerable", "years": "2026-2029", "package": "jkk-jkm", "split": "apbd_kab=100",
                "phasing": "linear"}


def _default_years(period: str | None) -> str:
    """2026–2029, moved on when the data's period is later than 2026 (a plan cannot start before its data)."""
    if hasattr(funding, "default_years"):
        return funding.default_years(period)
    first = max(2026, int(period[:4])) if period else 2026
    return f"{first}-{first + 3}"


def plan_request(params: dict, period: str | None) -> tuple[dict, list[UserError], bool]:
    """What the plan slide plans: keyword arguments of :func:`ucj_dash.analysis.funding.plan` (besides figures,
    registry, region, period and settings), a notice per plan parameter that could not be used, and whether
    the plan comes from the link's parameters (False: :data:`DEFAULT_PLAN`)."""
    codec = getattr(funding, "plan_from_query", None)
    given = [k for k in plan_keys() if str(params.get(k, "") or "").strip()]
    if codec is not None and given:
        inputs, notices = codec(params, period)
        return inputs.plan_kwargs(), list(notices), True
    request = {**DEFAULT_PLAN, "years": _default_years(period)}
    notices: list[UserError] = []
    goal = str(params.get("goal", "") or "").strip()
    if goal in funding.GOALS:
        request["goal"] = goal
    elif goal:
        notices.append(UserError("plan.error.goal", field="goal", value=goal[:40], choices=", ".join(funding.GOALS)))
    return request, notices, bool(goal in funding.GOALS)


def plan_for_slide(figures: Figures, registry: Registry, code: str, period: str, settings: Settings,
                   params: dict) -> tuple[funding.Plan | None, list[UserError], bool]:
    """The plan the slide shows for ``code``: (plan or None when its inputs are refused, notices, from the link).

    A refused input (a year before the data, say) is one more notice, never an exception.
    """
    request, notices, from_link = plan_request(params, period)
    try:
        return funding.plan(figures, registry, code, period=period, settings=settings, **request), notices, from_link
    except UserError as exc:
        return None, [*notices, exc], from_link


@dataclass(frozen=True)
class PlanYearLine:
    """One year of the plan as shown: persons, rupiah (compact), coverage."""

    year: int
    new_workers: str
    workers: str
    cost: str
    coverage: str
    unfunded: str


@dataclass(frozen=True)
class PlanSourceLine:
    """One funding source (or the unfunded remainder) as shown: who, how, how much over all years, what share."""

    key: str
    label: str
    how: str
    total: str
    share: str


@dataclass(frozen=True)
class PlanView:
    """The funding-plan slide's content, formatted (missing figures "—", never Rp0)."""

    heading: str
    goal: str
    package: str
    years: str
    phasing: str
    figures: list[Figure]
    by_year: list[PlanYearLine]
    sources: list[PlanSourceLine]
    notes: list[str]
    no_data: str | None


def plan_view(plan: funding.Plan, registry: Registry, lang: str) -> PlanView:
    """What the plan slide shows: workers to enrol, cost per year and in total, the split and what is unfunded."""
    from ucj_dash.exports import planbook  # the labels of goals, packages and sources, shared with the XLSX and PDF

    region = planbook.region_title(plan, registry, lang)
    heading = t("present.heading.plan", lang, region=region)
    years = planbook.years_text(plan)
    notes = [n[lang] for n in plan.notes]
    if plan.no_data is not None:
        return PlanView(heading, planbook.goal_label(plan, lang), planbook.package_label(plan, lang), years,
                        planbook.phasing_text(plan, lang), [], [], [], notes, plan.no_data["reason"][lang])
    last = plan.by_year[-1]
    n_years = len(plan.by_year)
    target = (plan.provenance.get("settings") or {}).get("ucj_target_pct", {}).get("value")
    cov_detail = (t("present.plan.vs_target", lang, target=fmt.percent(target, lang, 2)) if target is not None
                  else t("present.plan.coverage_detail", lang))
    unfunded = plan.unfunded_rupiah or 0
    figures = [
        Figure("workers", t("present.plan.workers", lang), fmt.number(plan.workers_to_enrol, lang),
               planbook.goal_label(plan, lang)),
        Figure("cost", t("present.plan.cost", lang, years=years), fmt.rupiah(plan.cost_total_rupiah, lang),
               t("present.plan.cost_detail", lang, rupiah=fmt.rupiah(plan.cost_total_rupiah / n_years, lang),
                 package=planbook.package_label(plan, lang))),
        Figure("unfunded", t("present.plan.unfunded", lang), fmt.rupiah(unfunded, lang),
               t("present.plan.unfunded_detail", lang, pct=fmt.percent(unfunded / plan.cost_total_rupiah * 100
                                                                       if plan.cost_total_rupiah else None, lang))),
        Figure("coverage", t("present.plan.coverage", lang, year=last.year), fmt.percent(last.coverage_pct, lang), cov_detail),
    ]
    by_year = [PlanYearLine(y.year, fmt.number(y.new_workers, lang), fmt.number(y.workers, lang), fmt.rupiah(y.cost_rupiah, lang),
                            fmt.percent(y.coverage_pct, lang), fmt.rupiah(y.unfunded_rupiah, lang)) for y in plan.by_year]
    cost_total = plan.cost_total_rupiah

    def share(value) -> str:
        return fmt.percent(value / cost_total * 100 if cost_total else None, lang)

    sources = []
    for part in plan.inputs.get("split") or []:
        total = plan.by_source.get(part["source"])
        how = (t("planbrief.how.amount", lang, rupiah=fmt.rupiah(part["amount_rp"], lang)) if part.get("amount_rp") is not None
               else t("planbrief.how.share", lang, share=fmt.percent(part["share_pct"], lang, 2)))
        sources.append(PlanSourceLine(part["source"], planbook.source_label(part["source"], lang), how,
                                      fmt.rupiah(total, lang), share(total)))
    sources.append(PlanSourceLine("unfunded", t("planbook.unfunded", lang), "", fmt.rupiah(unfunded, lang), share(unfunded)))
    if plan.overfunded_rupiah:
        sources.append(PlanSourceLine("overfunded", t("planbook.overfunded", lang), "", fmt.rupiah(plan.overfunded_rupiah, lang),
                                      share(plan.overfunded_rupiah)))
    return PlanView(heading, planbook.goal_label(plan, lang), planbook.package_label(plan, lang), years,
                    planbook.phasing_text(plan, lang), figures, by_year, sources, notes, None)
