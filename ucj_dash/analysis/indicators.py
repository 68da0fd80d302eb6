"""Every computed indicator, from counts to the figures the dashboard shows.

Rates are in percent (0-100, may exceed 100 for bad data: flagged, not hidden),
counts in persons, money in rupiah. A rate with a zero or missing denominator
is NaN ("no data"), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ucj_dash.analysis.settings import Settings


def pct(part, whole):
    """``part / whole × 100``; NaN where ``whole`` is 0 or missing (scalars or Series)."""
    if isinstance(whole, pd.Series):
        return part.astype("float64") / whole.astype("float64").where(whole > 0) * 100
    if whole is None or part is None or not np.isfinite(whole) or whole <= 0:
        return float("nan")
    return float(part) / float(whole) * 100


def compute(counts: pd.DataFrame, settings: Settings | None = None) -> pd.DataFrame:
    """Indicator columns for a table of counts (one row per region, any levels).

    Adds: ucj_coverage_pct, registered_coverage_pct, vulnerable_coverage_pct,
    extreme_poor_worker_coverage_pct, uncovered_workers, unregistered_workers,
    uncovered_vulnerable_workers, uncovered_extreme_poor_workers, target_pct (the
    region's own target when the index holds region codes, else the national one),
    gap_to_target_workers (0 once the target is met), target_met, extreme_poverty_rate_pct,
    extreme_poverty_vs_baseline_pp, extreme_poverty_ratio_to_baseline,
    village_official_coverage_pct, coverage_over_100 (a data-quality flag: any
    covered count above its whole).
    """
    s = settings or Settings()
    c = counts
    out = pd.DataFrame(index=c.index)
    codes = c.index.get_level_values(0) if isinstance(c.index, pd.MultiIndex) else c.index
    out["ucj_coverage_pct"] = pct(c["active_participants"], c["employed_workers"])
    out["registered_coverage_pct"] = pct(c["registered_participants"], c["employed_workers"])
    out["vulnerable_coverage_pct"] = pct(c["vulnerable_covered"], c["vulnerable_workers"])
    out["extreme_poor_worker_coverage_pct"] = pct(c["extreme_poor_workers_covered"], c["extreme_poor_workers"])
    out["uncovered_workers"] = (c["employed_workers"] - c["active_participants"]).clip(lower=0)
    out["unregistered_workers"] = (c["employed_workers"] - c["registered_participants"]).clip(lower=0)
    out["uncovered_vulnerable_workers"] = (c["vulnerable_workers"] - c["vulnerable_covered"]).clip(lower=0)
    out["uncovered_extreme_poor_workers"] = (c["extreme_poor_workers"] - c["extreme_poor_workers_covered"]).clip(lower=0)
    out["target_pct"] = np.asarray(s.targets_for(codes), dtype="float64")
    out["gap_to_target_workers"] = (c["employed_workers"] * out["target_pct"] / 100 - c["active_participants"]).clip(lower=0)
    out["target_met"] = (out["ucj_coverage_pct"] >= out["target_pct"]).where(out["ucj_coverage_pct"].notna())
    out["extreme_poverty_rate_pct"] = pct(c["extreme_poor_population"], c["population"])
    out["extreme_poverty_vs_baseline_pp"] = out["extreme_poverty_rate_pct"] - s.baseline_pct
    out["extreme_poverty_ratio_to_baseline"] = out["extreme_poverty_rate_pct"] / s.baseline_pct
    out["village_official_coverage_pct"] = pct(c["village_officials_enrolled"], c["village_officials"])
    out["coverage_over_100"] = (
        (out["ucj_coverage_pct"] > 100)
        | (out["registered_coverage_pct"] > 100)
        | (out["vulnerable_coverage_pct"] > 100)
        | (out["extreme_poor_worker_coverage_pct"] > 100)
        | (out["village_official_coverage_pct"] > 100)
    )
    return out


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


COVERAGES: dict[str, Coverage] = {
    c.key: c
    for c in (
        Coverage("employed_active", "active_participants", "employed_workers", "ucj_coverage_pct", "uncovered_workers"),
        Coverage(
            "employed_registered", "registered_participants", "employed_workers", "registered_coverage_pct", "unregistered_workers"
        ),
        Coverage("vulnerable", "vulnerable_covered", "vulnerable_workers", "vulnerable_coverage_pct", "uncovered_vulnerable_workers"),
        Coverage(
            "extreme_poor",
            "extreme_poor_workers_covered",
            "extreme_poor_workers",
            "extreme_poor_worker_coverage_pct",
            "uncovered_extreme_poor_workers",
        ),
    )
}
DEFAULT_COVERAGE = "employed_active"


def available_coverages(counts: pd.DataFrame) -> list[str]:
    """Coverage measures the data can give (numerator and denominator both present somewhere).

    "employed_registered" is only offered where registered participants are given.
    """
    return [k for k, c in COVERAGES.items() if counts[c.numerator].notna().any() and counts[c.denominator].notna().any()]


@dataclass(frozen=True)
class Metric:
    """A map metric: which indicator, its unit, and how to colour it."""

    key: str
    column: str
    unit: str  # "%" or "orang"
    scheme: str  # ColorBrewer scheme name
    diverging_around: str | None = None  # setting key of the centre of a diverging scale


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric("ucj_coverage", "ucj_coverage_pct", "%", "YlGnBu"),
        Metric("vulnerable_coverage", "vulnerable_coverage_pct", "%", "PuBuGn"),
        Metric("uncovered_workers", "uncovered_workers", "orang", "OrRd"),
        Metric(
            "extreme_poverty",
            "extreme_poverty_rate_pct",
            "%",
            "RdBu_r",
            diverging_around="extreme_poverty_baseline_pct",
        ),
        Metric("village_officials", "village_official_coverage_pct", "%", "BuPu"),
    )
}
