"""Presentation mode: the slide sequence for one region and what each slide shows.

Pure functions, no Streamlit. A deck is a list of :class:`Slide`; every slide
has a stable ``key`` ("title", "map", "figures", "priority", "cost",
"child-53.02"), so a link to a slide keeps working when the sequence around
it changes (e.g. the presenter turns the child-region walk-through on or off).

URL parameters, next to the view's (region, metric, period, lang, classes):
``slide=<key>`` and ``children=1`` (one slide per child region).

Every slide ends with the source of what it shows (:func:`source_lines`): for
each figure, the dataset and period of its numerator and of its denominator.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ucj_dash.analysis import cost, priority
from ucj_dash.analysis.indicators import COVERAGES
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets.figures import SHOWN_PAIRS, Figures
from ucj_dash.errors import UserError
from ucj_dash.geography.regions import Level, Registry, level_of
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t

SLIDE_PARAM = "slide"
CHILDREN_PARAM = "children"
#: the slides every deck starts with, in order (a village has no priority slide: it has no children to rank)
BASE_SLIDES = ("title", "map", "figures", "priority", "cost")
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


def deck(registry: Registry, region: str, include_children: bool = False) -> list[Slide]:
    """The slides for ``region``: title, map, key figures, priority list, cost; then one per child if asked.

    A village has no children: no priority slide and no child slides.
    """
    village = level_of(region) == Level.VILLAGE
    slides = [Slide(kind, kind, region) for kind in BASE_SLIDES if not (village and kind == "priority")]
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


def resolve(registry: Registry, region: str, params: dict) -> tuple[list[Slide], int, bool, list[UserError]]:
    """The deck a URL describes and the position of its slide: ``(deck, index, include_children, notices)``.

    No ``slide`` parameter opens the first slide; an unknown one opens the first
    slide with a notice. A link straight to a child slide turns the
    child-region walk-through on, so a prepared link opens even without ``children=1``.
    """
    include = wants_children(params)
    key = params.get(SLIDE_PARAM) or None
    if key is not None:
        key = str(key).strip()
    notices: list[UserError] = []
    slides = deck(registry, region, include)
    if key is None:
        return slides, 0, include, notices
    i = index_of(slides, key)
    if i is None and not include and key.startswith(CHILD_PREFIX):
        with_children = deck(registry, region, True)
        j = index_of(with_children, key)
        if j is not None:
            return with_children, j, True, notices
    if i is None:
        notices.append(UserError("present.notice.unknown_slide", value=key[:60]))
        i = 0
    return slides, i, include, notices


def query(view_params: dict[str, str], key: str, include_children: bool) -> dict[str, str]:
    """URL parameters of one slide: the view's, then ``slide`` and (if on) ``children=1``."""
    params = {**view_params, SLIDE_PARAM: key}
    if include_children:
        params[CHILDREN_PARAM] = "1"
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
}


def slide_pairs(kind: str, metric_pair: str = "ucj", coverage: str = "employed_active") -> tuple[str, ...]:
    """The pairs a slide of ``kind`` shows: ``metric_pair`` on the map, the pair of ``coverage`` (a
    :data:`~ucj_dash.analysis.indicators.COVERAGES` key, the ranking rule's) first on the priority slide."""
    if kind == "map":
        return (metric_pair,)
    pairs = SLIDE_PAIRS[kind]
    if kind == "priority":
        pairs = (COVERAGES[coverage].pair, *pairs)
    return tuple(dict.fromkeys(pairs))


def source_lines(figures: Figures, kind: str, period: str, lang: str, metric_pair: str = "ucj",
                 coverage: str = "employed_active") -> list[str]:
    """Where the figures of a slide of ``kind`` come from: one plain-text line per figure
    ("Cakupan UCJ — pembilang: <dataset>, Des 2024 · penyebut: <dataset>, Agu 2024")."""
    return figures.source_lines(period, lang, pairs=slide_pairs(kind, metric_pair, coverage))



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

