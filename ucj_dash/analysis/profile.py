"""One region's profile: headline figures, its trend, its siblings and its village officials.

Every figure comes from :mod:`ucj_dash.analysis.indicators` on the rolled-up dataset;
missing data stays NaN ("no data"), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ucj_dash.analysis import indicators
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets.figures import Figures
from ucj_dash.geography.regions import NATION_CODE, Level, Registry, level_of, parent_of
from ucj_dash.views import mapview


def trend(figures: Figures, code: str, settings: Settings) -> pd.DataFrame:
    """Counts, matched sums and indicators of ``code`` for every period of the figures, indexed by period.

    Periods the data lacks for this region are rows of NaN, so a chart shows a gap, not a drop to 0.
    """
    rows = figures.region(code).reindex(figures.periods)
    counts = rows.drop(columns=["level"]).astype("float64")
    counts.index = pd.Index([code] * len(counts), name="region_code")
    out = pd.concat([counts, indicators.compute(counts, settings)], axis=1)
    out.index = pd.Index(figures.periods, name="period")
    return out


@dataclass(frozen=True)
class SiblingRank:
    """Where a region ranks among its parent's children on one indicator (1 = highest)."""

    rank: int | None  # None when the region has no value
    with_data: int  # siblings (itself included) that have a value
    total: int  # every sibling, with or without data


def sibling_rank(dataset: Figures, registry: Registry, code: str, period: str, settings: Settings, column: str) -> SiblingRank:
    """Rank of ``code`` among its siblings by ``column``, highest first (ties share the better rank)."""
    if code == NATION_CODE:
        return SiblingRank(1, 1, 1)
    siblings = registry.children(parent_of(code) or NATION_CODE)
    values = mapview.indicator_rows(dataset, siblings, period, settings)[column]
    own = values.get(code, np.nan)
    with_data = int(values.notna().sum())
    if pd.isna(own):
        return SiblingRank(None, with_data, len(siblings))
    return SiblingRank(int((values > own).sum()) + 1, with_data, len(siblings))


@dataclass(frozen=True)
class VillageOfficials:
    """Kepala desa and perangkat desa in the villages of a region (persons; NaN: no data)."""

    officials: float
    enrolled: float
    villages_reporting: int  # villages with a known number of officials (> 0)
    villages_all_enrolled: int  # of those, villages where every official is enrolled

    @property
    def enrolled_pct(self) -> float:
        return indicators.pct(self.enrolled, self.officials)

    @property
    def villages_all_enrolled_pct(self) -> float:
        return indicators.pct(self.villages_all_enrolled, self.villages_reporting)


def village_officials(dataset: Figures, code: str, period: str) -> VillageOfficials:
    """Officials enrolled in ``code`` and the share of its villages where all of them are enrolled.

    For a village itself the share is 0 or 100%. Villages whose official count
    is missing or zero are left out of the share (not counted as "not all").
    """
    rows = dataset.at(period)
    villages = rows[rows["level"] == int(Level.VILLAGE)]
    if code != NATION_CODE:
        index = villages.index
        if level_of(code) == Level.VILLAGE:
            villages = villages[index == code]
        else:
            villages = villages[index.str.startswith(code + ".")]
    own = rows.loc[code] if code in rows.index else None
    officials = float(own["village_officials"]) if own is not None else float("nan")
    enrolled = float(own["village_officials_enrolled"]) if own is not None else float("nan")
    known = villages[(villages["village_officials"] > 0) & villages["village_officials_enrolled"].notna()]
    full = int((known["village_officials_enrolled"] >= known["village_officials"]).sum())
    return VillageOfficials(officials, enrolled, len(known), full)


def versus(row: pd.Series, other: pd.Series, column: str) -> float:
    """``row[column] − other[column]`` (percentage points for rates; NaN if either is missing)."""
    return float(row[column]) - float(other[column])


@dataclass(frozen=True)
class CoverageFigures:
    """One coverage measure for one region (persons and %; NaN: no data)."""

    covered: float
    denominator: float
    pct: float
    uncovered: float
    target_pct: float
    gap_to_target: float  # persons to enrol to reach the target; 0 once it is met

    @property
    def target_met(self) -> bool | None:
        return None if np.isnan(self.pct) else bool(self.pct >= self.target_pct)


def coverage_figures(row: pd.Series, coverage: str) -> CoverageFigures:
    """Coverage of one indicator row by measure ``coverage`` (a key of ``indicators.COVERAGES``).

    The target is the region's UCJ target, used as the yardstick for every denominator.
    """
    c = indicators.COVERAGES[coverage]
    frame = row.to_frame().T
    gap = float(gap_to_target(frame, coverage).iloc[0])
    covered, whole = (float(s.iloc[0]) for s in c.sums(frame))
    return CoverageFigures(covered, whole, float(row[c.column]), float(row[c.uncovered_column]), float(row["target_pct"]), gap)


def gap_to_target(table: pd.DataFrame, coverage: str) -> pd.Series:
    """Persons to enrol per row for ``coverage`` to reach the row's target (0 once met, NaN without a
    matched numerator and denominator)."""
    covered, whole = indicators.COVERAGES[coverage].sums(table)
    return (whole * table["target_pct"].astype("float64") / 100 - covered).clip(lower=0)
