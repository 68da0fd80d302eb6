"""The cost of closing a coverage gap: contributions to enrol the uncovered at the minimum BPU package.

Regional governments pay JKK + JKM for vulnerable workers (Rp16,800 per worker
per month by default; optionally plus the minimum JHT, Rp20,000). The rates are
named settings with their regulation (:mod:`ucj_dash.analysis.settings`). Money is in
rupiah; missing worker counts give NaN, never Rp0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ucj_dash.analysis.settings import Settings
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t

#: who the regional government would enrol → the column of uncovered persons
GROUPS = {
    "vulnerable": "uncovered_vulnerable_workers",
    "extreme_poor": "uncovered_extreme_poor_workers",
}
#: the pair each group's uncovered workers rest on
PAIRS = {"vulnerable": "vulnerable", "extreme_poor": "extreme_poor_workers"}
MONTHS_PER_YEAR = 12


def per_worker_monthly_rp(settings: Settings | None = None, with_jht: bool = False) -> float:
    """Contribution per worker per month (rupiah): JKK + JKM, plus the minimum JHT if asked."""
    s = settings or Settings()
    return s["bpu_min_package_rp"] + (s["jht_bpu_min_rp"] if with_jht else 0.0)


def rate_text(settings: Settings, lang: str = "id", with_jht: bool = False) -> str:
    """The rate per worker per month in words: JKK + JKM (+ JHT) = total, with the regulations and dates."""
    package, jht = settings.item("bpu_min_package_rp"), settings.item("jht_bpu_min_rp")
    rp = lambda value: fmt.rupiah(value, lang, compact=False)  # noqa: E731
    return t(
        "cost.rate_line",
        lang,
        jkk=rp(settings["jkk_bpu_min_rp"]),
        jkm=rp(settings["jkm_bpu_rp"]),
        jht=t("cost.jht_part", lang, jht=rp(jht.value), source=f"{jht.source}, {jht.as_of}") if with_jht else "",
        total=rp(per_worker_monthly_rp(settings, with_jht)),
        source=f"{package.source}, {package.as_of}",
    )


def no_data_text(group: str, lang: str = "id") -> str:
    """Why the cost of ``group`` is not given: its uncovered workers are not in the data."""
    return t("cost.no_data", lang, group=t("cost.group." + group, lang).lower())


def monthly_contribution_rp(workers: float, settings: Settings | None = None, with_jht: bool = False) -> float:
    """Contributions in rupiah per month to enrol ``workers`` persons (NaN workers give NaN)."""
    if workers is None or (isinstance(workers, float) and math.isnan(workers)):
        return float("nan")
    return float(workers) * per_worker_monthly_rp(settings, with_jht)


@dataclass(frozen=True)
class GapCost:
    """What enrolling one group's uncovered workers would cost."""

    group: str
    workers: float  # persons not yet covered (NaN: no data)
    per_worker_rp: float  # rupiah per worker per month
    with_jht: bool

    @property
    def monthly_rp(self) -> float:
        return self.workers * self.per_worker_rp

    @property
    def yearly_rp(self) -> float:
        return self.monthly_rp * MONTHS_PER_YEAR


def gap_cost(row: pd.Series, group: str, settings: Settings | None = None, with_jht: bool = False) -> GapCost:
    """The cost of covering ``group`` ("vulnerable" or "extreme_poor") in one region's indicator row."""
    workers = row[GROUPS[group]]
    return GapCost(group, float(workers) if pd.notna(workers) else float("nan"), per_worker_monthly_rp(settings, with_jht), with_jht)


def cost_columns(table: pd.DataFrame, group: str, settings: Settings | None = None, with_jht: bool = False) -> pd.DataFrame:
    """``cost_monthly_rp`` and ``cost_yearly_rp`` for every row of an indicator table (NaN where no data)."""
    monthly = table[GROUPS[group]].astype("float64") * per_worker_monthly_rp(settings, with_jht)
    return pd.DataFrame({"cost_monthly_rp": monthly, "cost_yearly_rp": monthly * MONTHS_PER_YEAR}, index=table.index)
