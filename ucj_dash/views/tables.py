"""Tables of regions as the screens and exports show them: columns declared once, one builder.

A table is declared as a sequence of :class:`Column` (a column of the rows, its
header's translation key, its :class:`Unit`). :func:`build` takes the rows (the
children table of :func:`ucj_dash.views.mapview.children_table`, which stays the
one data join, with any derived columns added), sorts them, localises headers
and labels, and returns the units per header. From the units come the Streamlit
column config (``ui.widgets.column_config``), the PDF cell text
(:func:`cell_text`) and the XLSX number formats (:attr:`Unit.excel`).

The screens' tables are declared here (:func:`map_table`, :func:`profile_table`,
:func:`priority_table`); the exports declare theirs beside their layout.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from ucj_dash.analysis import cost, profile
from ucj_dash.analysis.indicators import COVERAGES, Metric
from ucj_dash.analysis.settings import Settings
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t


@dataclass(frozen=True)
class Unit:
    """How the values of a column read.

    ``name``: "text", "prose" (long text), "rank", "%" (percent, 0–100),
    "pp" (percentage points), "ratio", "persons", "count" (of regions), "Rp"
    (rupiah) or "flag" (true/false). ``decimals``: shown on screen and paper.
    ``bar``: a 0–100 share drawn as a bar on screen. ``excel``: the XLSX number format.
    """

    name: str
    decimals: int = 0
    bar: bool = False
    excel: str = "General"


TEXT = Unit("text")
PROSE = Unit("prose")
RANK = Unit("rank", excel="0")
#: a coverage: the share of a whole that is covered (%, 0–100)
SHARE = Unit("%", 1, bar=True, excel="0.00")
#: a target share (%), set with two decimals
TARGET = Unit("%", 2, excel="0.00")
#: a small rate (%), e.g. extreme poverty
RATE = Unit("%", 2, excel="0.000")
POINTS = Unit("pp", 2, excel="0.000")
RATIO = Unit("ratio", 2, excel="0.00")
PERSONS = Unit("persons", excel="#,##0")
COUNT = Unit("count", excel="#,##0")
RUPIAH = Unit("Rp", excel="#,##0")
FLAG = Unit("flag")

#: the unit of every indicator of :func:`ucj_dash.analysis.indicators.compute`, in the order exports list them
INDICATOR_UNITS: dict[str, Unit] = {
    "ucj_coverage_pct": SHARE,
    "registered_coverage_pct": SHARE,
    "vulnerable_coverage_pct": SHARE,
    "extreme_poor_worker_coverage_pct": SHARE,
    "target_pct": TARGET,
    "target_met": FLAG,
    "gap_to_target_workers": PERSONS,
    "uncovered_workers": PERSONS,
    "unregistered_workers": PERSONS,
    "uncovered_vulnerable_workers": PERSONS,
    "uncovered_extreme_poor_workers": PERSONS,
    "extreme_poverty_rate_pct": RATE,
    "extreme_poverty_vs_baseline_pp": POINTS,
    "extreme_poverty_ratio_to_baseline": RATIO,
    "village_official_coverage_pct": SHARE,
    "coverage_over_100": FLAG,
    "ucj_coverage_change_pp": POINTS,
}


@dataclass(frozen=True)
class Column:
    """One column of a table: ``key`` in the rows, its header, its unit.

    ``header`` is a translation key, or a function of the language for headers
    the catalogue does not hold whole (e.g. "Cakupan (%) — cakupan aktif").
    With ``labels``, a value ``v`` is shown as the text of key ``labels + v``
    (e.g. ``"kind."``: "kabupaten" → "Kabupaten").
    """

    key: str
    header: str | Callable[[str], str]
    unit: Unit = TEXT
    labels: str | None = None

    def header_text(self, lang: str) -> str:
        return self.header(lang) if callable(self.header) else t(self.header, lang)


def indicator(key: str, header: str) -> Column:
    """The column of indicator ``key`` (of :data:`INDICATOR_UNITS`) with its unit, under the header of key ``header``."""
    return Column(key, header, INDICATOR_UNITS[key])


@dataclass(frozen=True)
class Table:
    """A built table: ``frame`` has the localised headers in declared order; ``units`` maps header → unit;
    ``codes`` is the region code of each row, in the frame's order (for clicks and links)."""

    frame: pd.DataFrame
    units: dict[str, Unit]
    codes: list[str]

    @functools.cached_property
    def arrow(self) -> pa.Table:
        """The frame as an Arrow table (what a screen's table sends), made once: a table kept for a view is shown on
        every rerun, and converting it took ~1.5 ms each time."""
        return pa.Table.from_pandas(self.frame, preserve_index=False)


def build(rows: pd.DataFrame, columns: Sequence[Column], lang: str, sort_by: str | None = None,
          ascending: bool = False, extra: dict[str, Sequence] | None = None, at: np.ndarray | None = None) -> Table:
    """The table of ``rows`` (one per region, with ``code``) showing ``columns`` in ``lang``.

    With ``sort_by``, rows are ordered by that column, largest first unless
    ``ascending``; rows without a value ("no data", NaN) come last either way,
    and ties keep code order. Without it, rows keep their order. The ordered
    rows get ``position`` (1 = first), which a column may show. ``extra``: more
    columns (one value per row, in the rows' order) for ``columns`` to show. ``at``: the
    positions of the rows to show (all without it). Values
    stay as they are (NaN stays NaN: no data is never 0). Raises ``ValueError``
    when two headers read the same.

    Only the shown columns are taken from ``rows`` (a children table has ~70): ~1 ms for a view's table.
    """
    headers = [c.header_text(lang) for c in columns]
    if len(set(headers)) < len(headers):
        raise ValueError(f"two columns share a header: {headers}")
    extra = {key: pd.array(values) for key, values in (extra or {}).items()}

    def column(key: str):
        return extra[key] if key in extra else rows[key].array

    at = np.arange(len(rows)) if at is None else np.asarray(at, dtype=np.intp)
    order = at if sort_by is None else at[_order(column(sort_by).take(at), rows["code"].to_numpy()[at], ascending)]
    data = {}
    for col, header in zip(columns, headers):
        shown = pd.array(np.arange(1, len(order) + 1)) if col.key == "position" else column(col.key).take(order)
        data[header] = shown if col.labels is None else [t(col.labels + str(v), lang) for v in shown]
    frame = pd.DataFrame(data, columns=headers)
    return Table(frame, {h: c.unit for h, c in zip(headers, columns)}, rows["code"].to_numpy()[order].tolist())


def _order(values, codes: np.ndarray, ascending: bool) -> np.ndarray:
    """Positions of rows ordered by ``values`` (largest first unless ``ascending``), missing values last, ties in
    code order. Numbers are ordered with numpy (pandas' sort of a small frame costs ~1 ms); other values as pandas
    orders them."""
    by_code = np.argsort(codes, kind="stable")
    try:
        numbers = np.asarray(values.to_numpy(dtype=float, na_value=np.nan), dtype=float)[by_code]
    except (TypeError, ValueError):
        keys = pd.DataFrame({"value": values, "code": codes})
        return keys.sort_values(["value", "code"], ascending=[ascending, True], na_position="last",
                                kind="mergesort").index.to_numpy()
    missing = np.isnan(numbers)
    key = np.where(missing, 0.0, numbers if ascending else -numbers)
    return by_code[np.lexsort((key, missing))]  # stable: by missing, then the value, then (before) the code


def cell_text(value, unit: Unit, lang: str) -> str:
    """One value as text in its unit ("35,9%", "1.234", "Rp1,2 miliar"); "—" for no data (never 0)."""
    if unit.name in ("text", "prose"):
        return "" if pd.isna(value) else str(value)
    if unit.name == "%":
        return fmt.percent(value, lang, unit.decimals)
    if unit.name == "pp":
        return fmt.points(value, lang, unit.decimals)
    if unit.name == "Rp":
        return fmt.rupiah(value, lang)
    if unit.name == "flag":
        if pd.isna(value):
            return fmt.NO_DATA
        return t("export.yes", lang) if value else t("export.no", lang)
    return fmt.number(value, lang, unit.decimals)


# ---- the screens' tables

MAP_COLUMNS = (
    Column("position", lambda _lang: "#", RANK),
    Column("name", "col.name"),
    Column("kind", "col.kind", labels="kind."),
    Column("code", "col.code"),
    indicator("ucj_coverage_pct", "col.ucj_coverage_pct"),
    indicator("vulnerable_coverage_pct", "col.vulnerable_coverage_pct"),
    indicator("uncovered_workers", "col.uncovered_workers"),
    indicator("extreme_poverty_rate_pct", "col.extreme_poverty_rate_pct"),
    indicator("village_official_coverage_pct", "col.village_official_coverage_pct"),
    indicator("ucj_coverage_change_pp", "col.ucj_coverage_change_pp"),
    Column("note", "col.note"),
)
IMPROVED_COLUMNS = (
    Column("position", lambda _lang: "#", RANK),
    Column("name", "col.name"),
    indicator("ucj_coverage_change_pp", "col.ucj_coverage_change_pp"),
    indicator("ucj_coverage_pct", "col.ucj_coverage_pct"),
)


def map_table(children: pd.DataFrame, metric: Metric, on_map: set[str], lang: str) -> Table:
    """The map page's table: ranked by ``metric`` (largest first, no data last), a note where a region has no boundary."""
    extra = {"note": ["" if code in on_map else t("map.no_boundary.cell", lang) for code in children["code"]]}
    if "ucj_coverage_change_pp" not in children:  # a table made without a period to compare with
        extra["ucj_coverage_change_pp"] = np.full(len(children), np.nan)
    return build(children, MAP_COLUMNS, lang, sort_by=metric.column, extra=extra)


def improved_table(children: pd.DataFrame, lang: str, n: int = 5) -> Table:
    """The ``n`` children whose UCJ coverage rose most since the period compared with (no data left out)."""
    change = children["ucj_coverage_change_pp"].to_numpy(dtype=float, na_value=np.nan)
    known = np.flatnonzero(~np.isnan(change))
    top = known[np.argsort(-change[known], kind="stable")[:n]]  # the first of equals, as ``nlargest``
    return build(children, IMPROVED_COLUMNS, lang, sort_by="ucj_coverage_change_pp", at=top)


def profile_columns(coverage: str) -> tuple[Column, ...]:
    """The profile's children table for coverage measure ``coverage`` (a key of ``indicators.COVERAGES``)."""
    return (
        Column("name", "col.name"),
        Column("code", "col.code"),
        Column(COVERAGES[coverage].column,
               lambda lang: f"{t('col.coverage_measure', lang)} — {t('coverage.short.' + coverage, lang)}", SHARE),
        indicator("target_pct", "col.target_pct"),
        Column("gap_to_target", "col.gap_to_target", PERSONS),
        indicator("uncovered_vulnerable_workers", "col.uncovered_vulnerable_workers"),
        indicator("extreme_poverty_rate_pct", "col.extreme_poverty_rate_pct"),
        Column("cost_yearly_rp", "col.cost_yearly_rp", RUPIAH),
    )


def profile_table(children: pd.DataFrame, coverage: str, settings: Settings, lang: str) -> Table:
    """The profile's children table: coverage by ``coverage`` (largest first, no data last), its target,
    the gap to it (persons), uncovered vulnerable workers, extreme poverty, and the yearly cost
    (rupiah) of enrolling the uncovered vulnerable workers."""
    rows = children.assign(
        gap_to_target=profile.gap_to_target(children, coverage),
        cost_yearly_rp=cost.cost_columns(children, "vulnerable", settings)["cost_yearly_rp"],
    )
    return build(rows, profile_columns(coverage), lang, sort_by=COVERAGES[coverage].column)


PRIORITY_COLUMNS = (
    Column("rank", "col.rank", RANK),
    Column("name", "col.name"),
    Column("code", "col.code"),
    Column("quadrant", "col.quadrant", labels="priority.group."),
    Column("reason", "col.reason", PROSE),
    indicator("uncovered_extreme_poor_workers", "col.uncovered_extreme_poor_workers"),
    indicator("uncovered_vulnerable_workers", "col.uncovered_vulnerable_workers"),
    indicator("gap_to_target_workers", "col.gap_to_target"),
)


def priority_table(ranked: pd.DataFrame, lang: str) -> Table:
    """The priority page's list: ``ranked`` from :func:`ucj_dash.analysis.priority.rank` with a ``reason`` column, in rank order."""
    return build(ranked, PRIORITY_COLUMNS, lang)


# ---- the funding planner's tables (pages/planner.py)

PLAN_RANK_COLUMNS = (
    Column("rank", "col.rank", RANK),
    Column("name", "col.name"),
    Column("code", "col.code"),
    Column("cost_per_pp_rupiah", "col.plan.cost_per_pp", RUPIAH),
    Column("workers", "col.plan.workers", PERSONS),
    Column("cost_rupiah", "col.plan.cost_year", RUPIAH),
    Column("coverage_pct", "col.plan.goal_coverage", SHARE),
    Column("gain_pp", "col.plan.gain_pp", POINTS),
    Column("note", "col.note", PROSE),
)


def plan_rank_table(ranked: pd.DataFrame, lang: str) -> Table:
    """The children of a plan's region, cheapest percentage point of the goal's coverage first
    (:func:`ucj_dash.analysis.funding.rank_children`, already in order; no figure last)."""
    return build(ranked, PLAN_RANK_COLUMNS, lang)


def plan_year_columns(sources: Sequence[str]) -> tuple[Column, ...]:
    """A plan's table per year: persons, rupiah for the year (in total, per source, unfunded), coverage reached."""
    return (
        Column("year", "col.plan.year", TEXT),
        Column("new_workers", "col.plan.new_workers", PERSONS),
        Column("workers", "col.plan.workers_cumulative", PERSONS),
        Column("cost_rupiah", "col.plan.cost_year", RUPIAH),
        *[Column(f"source_{s}", "plan.source." + s, RUPIAH) for s in sources],
        Column("unfunded_rupiah", "col.plan.unfunded", RUPIAH),
        Column("coverage_pct", "col.plan.coverage", SHARE),
        Column("target_pct", "col.target_pct", TARGET),
    )


def plan_year_table(plan, target_pct: float, lang: str) -> Table:
    """One row per year of a :class:`~ucj_dash.analysis.funding.Plan` (NaN coverage where the data has none)."""
    sources = list(plan.by_source)
    rows = pd.DataFrame([{
        "code": str(y.year), "year": str(y.year), "new_workers": y.new_workers, "workers": y.workers, "cost_rupiah": y.cost_rupiah,
        **{f"source_{s}": y.by_source[s] for s in sources}, "unfunded_rupiah": y.unfunded_rupiah,
        "coverage_pct": float("nan") if y.coverage_pct is None else y.coverage_pct, "target_pct": target_pct,
    } for y in plan.by_year])
    return build(rows, plan_year_columns(sources), lang)


PLAN_SOURCE_COLUMNS = (
    Column("label", "col.plan.source", TEXT),
    Column("part", "col.plan.part", TEXT),
    Column("total_rupiah", "col.plan.total", RUPIAH),
    Column("share_pct", "col.plan.share_of_cost", TARGET),
)


def plan_source_table(plan, lang: str) -> Table:
    """Who pays: each source's part as given (share or amount a year), its total over the years (rupiah) and its
    share of the whole cost (%); then the unfunded remainder (and what is over-funded, if any)."""
    total = plan.cost_total_rupiah or 0
    rows = []
    for part in plan.inputs["split"]:
        source = part["source"]
        given = (fmt.percent(part["share_pct"], lang, 0 if float(part["share_pct"]).is_integer() else 2) if part["share_pct"] is not None
                 else t("plan.amount_a_year", lang, rupiah=fmt.rupiah(part["amount_rp"], lang, compact=False)))
        rows.append({"code": source, "label": t("plan.source." + source, lang), "part": given,
                     "total_rupiah": plan.by_source[source], "share_pct": plan.by_source[source] / total * 100 if total else float("nan")})
    rows.append({"code": "unfunded", "label": t("plan.unfunded", lang), "part": "", "total_rupiah": plan.unfunded_rupiah,
                 "share_pct": plan.unfunded_rupiah / total * 100 if total else float("nan")})
    if plan.overfunded_rupiah:
        rows.append({"code": "overfunded", "label": t("plan.overfunded", lang), "part": "", "total_rupiah": plan.overfunded_rupiah,
                     "share_pct": plan.overfunded_rupiah / total * 100 if total else float("nan")})
    return build(pd.DataFrame(rows), PLAN_SOURCE_COLUMNS, lang)


BURDEN_COLUMNS = (
    Column("name", "col.name"),
    Column("code", "col.code"),
    Column("kind", "col.kind", labels="kind."),
    Column("workers", "col.plan.workers", PERSONS),
    Column("burden_rupiah", "col.plan.burden", RUPIAH),
)


def burden_table(villages: list[dict], lang: str) -> Table:
    """A source's villages with the most to pay first: workers to enrol and the yearly amount (rupiah)."""
    rows = pd.DataFrame(villages, columns=["code", "name", "kind", "workers", "burden_rupiah"])
    return build(rows, BURDEN_COLUMNS, lang, sort_by="burden_rupiah")


BKBK_KABUPATEN_COLUMNS = (
    Column("name", "col.name"),
    Column("code", "col.code"),
    Column("villages", "col.bkbk.villages", COUNT),
    Column("under", "col.bkbk.under", COUNT),
    Column("over", "col.bkbk.over", COUNT),
    Column("no_data", "col.bkbk.no_data", COUNT),
    Column("covered", "col.bkbk.covered", PERSONS),
    Column("left_out", "col.bkbk.left_out", PERSONS),
    Column("unused_places", "col.bkbk.unused", PERSONS),
    Column("covered_pct", "col.bkbk.covered_pct", SHARE),
    Column("cost_rupiah", "col.plan.cost_year", RUPIAH),
    Column("balance_rupiah", "col.bkbk.balance", RUPIAH),
)


def bkbk_kabupaten_table(kabupaten: pd.DataFrame, lang: str) -> Table:
    """The BKBK model per kabupaten/kota, most eligible workers left out first (no data last)."""
    return build(kabupaten, BKBK_KABUPATEN_COLUMNS, lang, sort_by="left_out")


BKBK_VILLAGE_COLUMNS = (
    Column("name", "col.name"),
    Column("code", "col.code"),
    Column("kabupaten_name", "col.bkbk.kabupaten"),
    Column("status", "col.bkbk.status", labels="plan.bkbk.status."),
    Column("eligible", "col.bkbk.eligible", PERSONS),
    Column("covered", "col.bkbk.covered", PERSONS),
    Column("left_out", "col.bkbk.left_out", PERSONS),
    Column("unused_places", "col.bkbk.unused", PERSONS),
    Column("balance_rupiah", "col.bkbk.balance", RUPIAH),
)


def bkbk_village_table(villages: pd.DataFrame, lang: str, by: str = "left_out") -> Table:
    """The BKBK model's villages, most ``by`` first ("left_out": under-served; "unused_places": over-served)."""
    return build(villages, BKBK_VILLAGE_COLUMNS, lang, sort_by=by)


SCENARIO_COLUMNS = (
    Column("item", "col.scenario.item", TEXT),
    Column("a", lambda lang: "A", TEXT),
    Column("b", lambda lang: "B", TEXT),
    Column("difference", "col.scenario.difference", TEXT),
)


def scenario_table(rows: pd.DataFrame, lang: str) -> Table:
    """Two saved scenarios side by side (:func:`ucj_dash.analysis.scenarios.comparison_rows`), figures as text in
    their units, with the difference B − A."""
    return build(rows, SCENARIO_COLUMNS, lang)
