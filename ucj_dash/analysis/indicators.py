"""Every computed indicator, from counts to the figures the dashboard shows.

Rates are in percent (0-100, may exceed 100 for bad data: flagged, not hidden),
counts in persons, money in rupiah. A rate with a zero or missing denominator
is NaN ("no data"), never 0. Every rate, "uncovered" count and gap rests on its
pair's matched sums (:mod:`ucj_dash.analysis.matched`), never on a part and a
whole summed over different regions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets.dataset import PAIR_BY_KEY, PAIRS


def pct(part, whole):
    """``part / whole × 100``; NaN where ``whole`` is 0 or missing (scalars or Series)."""
    if isinstance(whole, pd.Series):
        return part.astype("float64") / whole.astype("float64").where(whole > 0) * 100
    if whole is None or part is None or not np.isfinite(whole) or whole <= 0:
        return float("nan")
    return float(part) / float(whole) * 100


def pair_sums(counts: pd.DataFrame, key: str) -> tuple[pd.Series, pd.Series]:
    """Pair ``key``'s (part, whole) matched sums from ``counts``' ``<key>__part``/``__whole`` columns; a table
    without them (one row per region, nothing summed) matches row by row: both known, or neither used."""
    pair = PAIR_BY_KEY[key]
    if pair.column("part") in counts:
        return counts[pair.column("part")].astype("float64"), counts[pair.column("whole")].astype("float64")
    both = counts[pair.part].notna() & counts[pair.whole].notna()
    return counts[pair.part].where(both).astype("float64"), counts[pair.whole].where(both).astype("float64")


def matched_sums(counts: pd.DataFrame) -> dict[str, tuple[pd.Series, pd.Series]]:
    """Every pair's matched sums (:func:`pair_sums`), by pair key."""
    return {pair.key: pair_sums(counts, pair.key) for pair in PAIRS}


def compute(counts: pd.DataFrame, settings: Settings | None = None) -> pd.DataFrame:
    """Indicator columns for a table of counts (one row per region, any levels).

    Adds: ucj_coverage_pct, registered_coverage_pct, vulnerable_coverage_pct,
    extreme_poor_worker_coverage_pct, uncovered_workers, unregistered_workers,
    uncovered_vulnerable_workers, uncovered_extreme_poor_workers, target_pct (the
    region's own target when the index holds region codes, else the national one),
    gap_to_target_workers (0 once the target is met), target_met, extreme_poverty_rate_pct,
    extreme_poverty_vs_baseline_pp, extreme_poverty_ratio_to_baseline,
    village_official_coverage_pct, coverage_over_100 (a data-quality flag: any
    covered count above its whole). Where a pair has no matched sums (only one of
    its counts known) its rate, uncovered count and gap are NaN.
    """
    s = settings or Settings()
    codes = counts.index.get_level_values(0) if isinstance(counts.index, pd.MultiIndex) else counts.index
    # plain arrays: a table of one region costs as little as a table of many (pandas column operations cost
    # ~0.1 ms each whatever the size, and a page asks for a region's row on every rerun)
    m = {key: (part.to_numpy(dtype="float64"), whole.to_numpy(dtype="float64")) for key, (part, whole) in matched_sums(counts).items()}
    rate = {key: _pct(part, whole) for key, (part, whole) in m.items()}
    target = np.asarray(s.targets_for(codes), dtype="float64")
    ucj_part, ucj_whole = m["ucj"]
    cov = rate["ucj"]
    with np.errstate(invalid="ignore"):
        target_met = cov >= target
        if np.isnan(cov).any():  # True/False, NaN without a rate
            target_met = np.where(np.isnan(cov), np.nan, target_met.astype(object))
        over_100 = np.zeros(len(codes), dtype=bool)
        for key in ("ucj", "registered", "vulnerable", "extreme_poor_workers", "village_officials"):
            over_100 |= rate[key] > 100
        columns = {
            "ucj_coverage_pct": cov,
            "registered_coverage_pct": rate["registered"],
            "vulnerable_coverage_pct": rate["vulnerable"],
            "extreme_poor_worker_coverage_pct": rate["extreme_poor_workers"],
            "uncovered_workers": _clip0(ucj_whole - ucj_part),
            "unregistered_workers": _clip0(m["registered"][1] - m["registered"][0]),
            "uncovered_vulnerable_workers": _clip0(m["vulnerable"][1] - m["vulnerable"][0]),
            "uncovered_extreme_poor_workers": _clip0(m["extreme_poor_workers"][1] - m["extreme_poor_workers"][0]),
            "target_pct": target,
            "gap_to_target_workers": _clip0(ucj_whole * target / 100 - ucj_part),
            "target_met": target_met,
            "extreme_poverty_rate_pct": rate["extreme_poverty"],
            "extreme_poverty_vs_baseline_pp": rate["extreme_poverty"] - s.baseline_pct,
            "extreme_poverty_ratio_to_baseline": rate["extreme_poverty"] / s.baseline_pct,
            "village_official_coverage_pct": rate["village_officials"],
            "coverage_over_100": over_100,
        }
    return pd.DataFrame(columns, index=counts.index)


def _pct(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """:func:`pct` of arrays: NaN where ``whole`` is 0, negative or missing."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(whole > 0, part / np.where(whole > 0, whole, 1.0) * 100, np.nan)


def _clip0(values: np.ndarray) -> np.ndarray:
    """``values`` below 0 set to 0; NaN stays NaN."""
    with np.errstate(invalid="ignore"):
        return np.where(values < 0, 0.0, values)


#: UCJ coverage now minus at an earlier period (percentage points; NaN unless both have a rate)
CHANGE_COLUMN = "ucj_coverage_change_pp"


def coverage_change(now: pd.Series, then: pd.Series) -> pd.Series:
    """``now − then`` in percentage points, per region; NaN where either has no rate (never a change from 0)."""
    return now.astype("float64") - then.reindex(now.index).astype("float64")


def coverage_class(coverage_pct: float, settings: Settings | None = None) -> str | None:
    """Kemendagri-style class key: very_low / low / medium / high (None for no data).

    A value exactly on a threshold belongs to the higher class.
    """
    if coverage_pct is None or (isinstance(coverage_pct, float) and np.isnan(coverage_pct)):
        return None
    very_low, low, medium = (settings or Settings()).coverage_class_breaks
    if coverage_pct < very_low:
        return "very_low"
    if coverage_pct < low:
        return "low"
    if coverage_pct < medium:
        return "medium"
    return "high"


@dataclass(frozen=True)
class Coverage:
    """One way to measure coverage: who counts as covered, out of whom.

    ``column`` is the rate (%), ``uncovered_column`` the persons not covered.
    """

    key: str
    numerator: str
    denominator: str
    column: str
    uncovered_column: str
    pair: str  # the key of its :class:`~ucj_dash.datasets.dataset.Pair`

    def sums(self, table: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        """Matched (covered, whole) persons per row of ``table`` (NaN where no rate)."""
        return pair_sums(table, self.pair)


COVERAGES: dict[str, Coverage] = {
    c.key: c
    for c in (
        Coverage("employed_active", "active_participants", "employed_workers", "ucj_coverage_pct", "uncovered_workers", "ucj"),
        Coverage(
            "employed_registered", "registered_participants", "employed_workers", "registered_coverage_pct",
            "unregistered_workers", "registered",
        ),
        Coverage(
            "vulnerable", "vulnerable_covered", "vulnerable_workers", "vulnerable_coverage_pct", "uncovered_vulnerable_workers",
            "vulnerable",
        ),
        Coverage(
            "extreme_poor",
            "extreme_poor_workers_covered",
            "extreme_poor_workers",
            "extreme_poor_worker_coverage_pct",
            "uncovered_extreme_poor_workers",
            "extreme_poor_workers",
        ),
    )
}
DEFAULT_COVERAGE = "employed_active"


def available_coverages(counts: pd.DataFrame) -> list[str]:
    """Coverage measures the data can give (a matched numerator and denominator somewhere).

    "employed_registered" is only offered where registered participants are given.
    """
    sums = matched_sums(counts)
    return [k for k, c in COVERAGES.items() if sums[c.pair][1].notna().any()]


@dataclass(frozen=True)
class Metric:
    """A map metric: which indicator, its unit, and how to colour it."""

    key: str
    column: str
    unit: str  # "%" or "orang"
    scheme: str  # ColorBrewer scheme name
    pair: str  # the key of the :class:`~ucj_dash.datasets.dataset.Pair` it rests on
    diverging_around: str | None = None  # setting key of the centre of a diverging scale
    change: bool = False  # a change since an earlier period (percentage points, diverging around 0)


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric("ucj_coverage", "ucj_coverage_pct", "%", "YlGnBu", "ucj"),
        Metric("vulnerable_coverage", "vulnerable_coverage_pct", "%", "PuBuGn", "vulnerable"),
        Metric("uncovered_workers", "uncovered_workers", "orang", "OrRd", "ucj"),
        Metric(
            "extreme_poverty",
            "extreme_poverty_rate_pct",
            "%",
            "RdBu_r",
            "extreme_poverty",
            diverging_around="extreme_poverty_baseline_pct",
        ),
        Metric("village_officials", "village_official_coverage_pct", "%", "BuPu", "village_officials"),
        Metric("ucj_change", "ucj_coverage_change_pp", "pp", "PiYG", "ucj", change=True),
    )
}
