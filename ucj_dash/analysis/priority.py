"""Where to act first: four groups by poverty and coverage, and a ranked priority list with reasons.

Two questions place each region in a group (quadrant):
is its extreme-poverty rate **above the baseline** (0.83%, a setting), and is its
coverage **below its target** (a setting, national or per region)? A rate exactly
on the baseline is not above it; coverage exactly on the target has met it.
Regions lacking either figure are in the "no data" group, ranked last.

The ranking rule (:class:`Rule`) is explicit: optionally the "act first" group
before the others, then a score = weighted sum of uncovered extreme-poor
workers, uncovered vulnerable workers and the gap to target (persons). Missing
terms are skipped (and named in the reason), never counted as zero people.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ucj_dash.analysis.indicators import COVERAGES, DEFAULT_COVERAGE
from ucj_dash.analysis.settings import Settings
from ucj_dash.geography.regions import Level, level_of
from ucj_dash.text import fmt, markup
from ucj_dash.text.i18n import t

#: groups in priority order; the first is where poverty is high and coverage low
QUADRANTS = ("act_first", "poor_on_target", "low_coverage", "on_track", "no_data")
#: 2×2 bivariate palette (Stevens' corners): poverty above baseline = red axis, coverage below target = blue axis.
#: Lightness differs per group so the map still reads in grayscale.
QUADRANT_COLORS = {
    "act_first": "#3b2f5b",  # both: darkest
    "poor_on_target": "#c85a5a",
    "low_coverage": "#64acbe",
    "on_track": "#e8e8e8",
}
#: (poverty above baseline?, coverage below target?) → group
_GROUP_OF = {(True, True): "act_first", (True, False): "poor_on_target", (False, True): "low_coverage", (False, False): "on_track"}


@dataclass(frozen=True)
class Rule:
    """The ranking rule: inputs a user may adjust on the priority page.

    Weights multiply persons: ``score = w_ep × uncovered extreme-poor workers +
    w_vul × uncovered vulnerable workers + w_gap × gap to target``.
    """

    act_first_group_first: bool = True
    weight_extreme_poor: float = 2.0
    weight_vulnerable: float = 1.0
    weight_gap: float = 0.0
    coverage: str = DEFAULT_COVERAGE

    def within(self, coverages: list[str]) -> "Rule":
        """This rule, measuring coverage by the first of ``coverages`` (those the data gives) when its own is not among them.

        With no coverage given at all the rule stays as it is: every region is then in the "no data" group.
        """
        return self if self.coverage in coverages or not coverages else replace(self, coverage=coverages[0])

    def terms(self) -> list[tuple[str, float]]:
        return [
            ("uncovered_extreme_poor_workers", self.weight_extreme_poor),
            ("uncovered_vulnerable_workers", self.weight_vulnerable),
            ("gap_to_target_workers", self.weight_gap),
        ]


def levels_within(parent: str) -> list[Level]:
    """Levels that can be ranked inside ``parent``: its children's, then its grandchildren's (villages at most)."""
    return [Level(lv) for lv in (level_of(parent) + 1, level_of(parent) + 2) if lv <= Level.VILLAGE]


def pick_level(parent: str, key: str | None) -> tuple[Level, bool]:
    """The level to rank inside ``parent``: the one ``key`` names ("kab", "kec", ...), else its children's.

    The flag is True when ``key`` is given but names none of :func:`levels_within` (the page says so).
    """
    levels = levels_within(parent)
    if not key:
        return levels[0], False
    try:
        level = Level.from_key(key)
    except KeyError:
        return levels[0], True
    return (level, False) if level in levels else (levels[0], True)


def quadrants(table: pd.DataFrame, settings: Settings, coverage: str = DEFAULT_COVERAGE) -> pd.Series:
    """Group key per row of an indicator table (``no_data`` where poverty or coverage is missing)."""
    poverty = table["extreme_poverty_rate_pct"].astype("float64")
    cov = table[COVERAGES[coverage].column].astype("float64")
    above = (poverty > settings.baseline_pct).to_numpy()
    below = (cov < table["target_pct"]).to_numpy()
    missing = (poverty.isna() | cov.isna()).to_numpy()
    keys = np.array([_GROUP_OF[(a, b)] for a, b in zip(above, below)], dtype=object) if len(table) else np.array([], dtype=object)
    keys[missing] = "no_data"
    return pd.Series(keys, index=table.index, name="quadrant")


def score(table: pd.DataFrame, rule: Rule) -> pd.Series:
    """The rule's score (persons, weighted); NaN when every weighted input is missing."""
    parts = [table[col].astype("float64") * w for col, w in rule.terms() if w]
    if not parts:
        return pd.Series(np.nan, index=table.index)
    return pd.concat(parts, axis=1).sum(axis=1, min_count=1)


def rank(table: pd.DataFrame, settings: Settings, rule: Rule = Rule()) -> pd.DataFrame:
    """The table sorted into priority order with ``quadrant``, ``score`` and ``rank`` (1 = act first).

    Order: the "act first" group first (if the rule says so), then score,
    largest first; rows without a score or group come last. Ties keep the
    region code order, so the ranking is stable.
    """
    out = table.copy()
    out["quadrant"] = quadrants(table, settings, rule.coverage)
    out["score"] = score(table, rule)
    group_order = {q: i for i, q in enumerate(QUADRANTS)}
    def block(q: str) -> int:  # 0: act first (if the rule says so), 1: the other groups, 2: no data
        if q == "no_data":
            return 2
        return 0 if rule.act_first_group_first and q == "act_first" else 1

    out["_g"] = out["quadrant"].map(block)
    out["_ns"] = out["score"].isna()
    out["_gi"] = out["quadrant"].map(group_order)
    sort_code = out["code"] if "code" in out else pd.Series(out.index, index=out.index)
    out["_code"] = sort_code
    out = out.sort_values(["_g", "_ns", "score", "_gi", "_code"], ascending=[True, True, False, True, True], kind="mergesort")
    out = out.drop(columns=["_g", "_ns", "_gi", "_code"])
    out["rank"] = np.arange(1, len(out) + 1)
    return out


def rankable(ranked: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`rank`'s table that rest on a figure the rule uses: in a group, or with a score.

    The others (no poverty rate or coverage and no weighted count) rank last only
    for lack of data; top-N lists (slides, brief) leave them out. May be empty.
    """
    return ranked[(ranked["quadrant"] != "no_data") | ranked["score"].notna()]


def reason(row: pd.Series, settings: Settings, lang: str = "id", coverage: str = DEFAULT_COVERAGE) -> str:
    """The rank's reason in words, e.g. "kemiskinan ekstrem 3,10% — 3,7× baseline; cakupan 18,0% vs target 52,2%;
    41.200 pekerja rentan belum terlindungi". Missing figures are said to be missing."""
    parts = []
    rate = row["extreme_poverty_rate_pct"]
    if pd.isna(rate):
        parts.append(t("priority.reason.poverty_missing", lang))
    else:
        parts.append(
            t(
                "priority.reason.poverty",
                lang,
                rate=fmt.percent(rate, lang, 2),
                ratio=fmt.number(rate / settings.baseline_pct, lang, 1),
                baseline=fmt.percent(settings.baseline_pct, lang, 2),
            )
        )
    cov = row[COVERAGES[coverage].column]
    if pd.isna(cov):
        parts.append(t("priority.reason.coverage_missing", lang))
    else:
        parts.append(
            t(
                "priority.reason.coverage",
                lang,
                coverage=fmt.percent(cov, lang),
                target=fmt.percent(row["target_pct"], lang, 2),
                flag=t("priority.reason.over_100", lang) if cov > 100 else "",
            )
        )
    for col in ("uncovered_extreme_poor_workers", "uncovered_vulnerable_workers"):
        value = row[col]
        key = "priority.reason." + col
        parts.append(t(f"{key}_missing", lang) if pd.isna(value) else t(key, lang, n=fmt.number(value, lang), count=value))
    return "; ".join(parts)


def reasons(ranked: pd.DataFrame, settings: Settings, lang: str = "id", coverage: str = DEFAULT_COVERAGE) -> list[str]:
    return [reason(row, settings, lang, coverage) for _, row in ranked.iterrows()]


def map_text(ranked: pd.DataFrame, lang: str = "id", coverage: str = DEFAULT_COVERAGE) -> pd.Series:
    """Tooltip value per region: its group, extreme-poverty rate and coverage."""
    column = COVERAGES[coverage].column
    return pd.Series(
        [
            f"{t('priority.group.' + q, lang)} — {fmt.percent(p, lang, 2)} / {fmt.percent(c, lang)}"
            for q, p, c in zip(ranked["quadrant"], ranked["extreme_poverty_rate_pct"], ranked[column])
        ],
        index=ranked.index,
    )


def group_counts(ranked: pd.DataFrame) -> dict[str, int]:
    """Number of regions per group (every group present, zero included)."""
    counts = ranked["quadrant"].value_counts()
    return {q: int(counts.get(q, 0)) for q in QUADRANTS}


#: diameter (px) of the scatter's largest bubble
BUBBLE_MAX_PX = 38


@dataclass(frozen=True)
class Scatter:
    """What the priority scatter draws: one bubble per region with both figures, its area the persons not covered."""

    points: pd.DataFrame  # rows of the ranked table outside the "no data" group, in rank order (may be empty)
    size_column: str  # persons not covered by the measure
    sizeref: float  # Plotly's ``sizeref`` for ``sizemode="area"``
    missing: int  # regions left out for lack of a figure


def scatter(ranked: pd.DataFrame, coverage: str = DEFAULT_COVERAGE) -> Scatter:
    """The scatter of :func:`rank`'s table for ``coverage``: regions of the "no data" group are left out (and counted).

    The largest bubble is :data:`BUBBLE_MAX_PX` across; with no region to draw
    or no one uncovered, the scale is that of a 1-person bubble.
    """
    points = ranked[ranked["quadrant"] != "no_data"]
    size_column = COVERAGES[coverage].uncovered_column
    largest = points[size_column].max()  # NaN for no points
    sizeref = 2.0 * max(float(largest) if pd.notna(largest) else 0.0, 1.0) / BUBBLE_MAX_PX**2
    return Scatter(points, size_column, sizeref, len(ranked) - len(points))


def quadrant_classes(quadrant: pd.Series, lang: str = "id"):
    """The groups as map classes (colour per group, no-data hatched) for :func:`mapview.layer_geojson`."""
    from ucj_dash.views.mapview import Classes

    drawn = QUADRANTS[:-1]
    index = np.array([drawn.index(q) if q in drawn else -1 for q in quadrant], dtype=int)
    return Classes(
        bins=list(range(len(drawn))),
        colors=[QUADRANT_COLORS[q] for q in drawn],
        labels=[t("priority.group." + q, lang) for q in drawn],
        index=index,
        method="bivariate",
    )


def bivariate_legend_html(counts: dict[str, int], settings: Settings, lang: str, simulated: bool) -> str:
    """The 2×2 legend: columns = poverty at/below vs above the baseline, rows = coverage at/above vs below target."""

    def cell(q: str) -> str:
        dark = q in ("act_first", "poor_on_target")
        return (
            f'<td style="background:{QUADRANT_COLORS[q]};color:{"#fff" if dark else "#111"};padding:6px 8px;'
            f'border:1px solid #555;width:50%"><b>{markup.html(t("priority.group." + q, lang))}</b>'
            f'<br>{markup.html(t("priority.regions", lang, n=counts.get(q, 0)))}</td>'
        )

    baseline = fmt.percent(settings.baseline_pct, lang, 2)
    head = (
        f'<tr><td></td><th style="font-weight:600;padding:2px 6px">{markup.html(t("priority.axis.poverty_low", lang, baseline=baseline))}</th>'
        f'<th style="font-weight:600;padding:2px 6px">{markup.html(t("priority.axis.poverty_high", lang, baseline=baseline))}</th></tr>'
    )
    row_low = f'<tr><th style="font-weight:600;text-align:right;padding:2px 6px">{markup.html(t("priority.axis.coverage_low", lang))}</th>{cell("low_coverage")}{cell("act_first")}</tr>'
    row_ok = f'<tr><th style="font-weight:600;text-align:right;padding:2px 6px">{markup.html(t("priority.axis.coverage_ok", lang))}</th>{cell("on_track")}{cell("poor_on_target")}</tr>'
    nodata = (
        f'<div style="margin-top:4px"><span style="display:inline-block;width:18px;height:12px;border:1px solid #777;'
        f'background:repeating-linear-gradient(45deg,#f2f2f2 0 3px,#9e9e9e 3px 5px);vertical-align:middle"></span> '
        f'{markup.html(t("legend.no_data", lang))}: {markup.html(t("priority.regions", lang, n=counts.get("no_data", 0)))}</div>'
    )
    sim = (
        f'<div style="display:inline-block;background:#fff3cd;border:1px solid #c9a227;padding:0 6px;border-radius:4px;'
        f'font-weight:600;margin-top:4px">{markup.html(t("simulated.label", lang))}</div>'
        if simulated
        else ""
    )
    return (
        f'<div data-testid="ucj-bivariate-legend" style="font-size:0.9rem"><table style="border-collapse:collapse">'
        f"{head}{row_low}{row_ok}</table>{nodata}{sim}</div>"
    )
