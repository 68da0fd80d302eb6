"""The coverage dataset model: a tidy table of counts per region and period.

One row per (``region_code``, ``period``); ``period`` is ``YYYY-MM``. Every figure
is a count of persons (NaN where unknown: missing is never 0). Rates are not
stored: :mod:`ucj_dash.analysis.indicators` computes them from the counts, so that
figures given at one level roll up to every level above by summing counts and
rates are recomputed from the sums, never averaged.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from ucj_dash.geography.regions import NATION_CODE, Level, level_of


@dataclass(frozen=True)
class Column:
    """One count column of the model (unit: persons)."""

    name: str
    label_id: str
    label_en: str
    required: bool = False
    village_only: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("population", "Jumlah penduduk", "Population"),
    Column("employed_workers", "Penduduk bekerja (penyebut UCJ)", "Employed workers (UCJ denominator)", required=True),
    Column("active_participants", "Peserta aktif BPJS Ketenagakerjaan", "Active BPJS Ketenagakerjaan participants", required=True),
    Column("registered_participants", "Peserta terdaftar", "Registered participants"),
    Column("active_pu", "Peserta aktif PU (penerima upah)", "Active PU (wage earners)"),
    Column("active_bpu", "Peserta aktif BPU (bukan penerima upah)", "Active BPU (non-wage earners)"),
    Column("active_jakon", "Peserta aktif Jakon (jasa konstruksi)", "Active Jakon (construction)"),
    Column("vulnerable_workers", "Pekerja rentan", "Vulnerable workers"),
    Column("vulnerable_covered", "Pekerja rentan terlindungi", "Vulnerable workers covered"),
    Column("extreme_poor_population", "Penduduk miskin ekstrem", "Extreme-poor population"),
    Column("extreme_poor_workers", "Pekerja miskin ekstrem", "Extreme-poor workers"),
    Column("extreme_poor_workers_covered", "Pekerja miskin ekstrem terlindungi", "Extreme-poor workers covered"),
    Column("village_officials", "Kepala & perangkat desa", "Village heads and officials", village_only=True),
    Column("village_officials_enrolled", "Kepala & perangkat desa terdaftar", "Village officials enrolled", village_only=True),
)
COUNT_COLUMNS = tuple(c.name for c in COLUMNS)
#: pairs (part, whole) where the part can never exceed the whole in valid data
PART_OF = (
    ("active_participants", "employed_workers"),
    ("vulnerable_covered", "vulnerable_workers"),
    ("extreme_poor_workers_covered", "extreme_poor_workers"),
    ("village_officials_enrolled", "village_officials"),
)
PERIOD_RE = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")


@dataclass
class DatasetMeta:
    """Provenance of a dataset; shown with every figure drawn from it."""

    id: str
    name: str
    source: str
    as_of: str
    simulated: bool
    description: str = ""
    created_at: str = ""
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "DatasetMeta":
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


def empty_figures() -> pd.DataFrame:
    frame = pd.DataFrame({"region_code": pd.Series(dtype=str), "period": pd.Series(dtype=str)})
    for col in COUNT_COLUMNS:
        frame[col] = pd.Series(dtype="float64")
    return frame


def conform(figures: pd.DataFrame) -> pd.DataFrame:
    """The table with every model column present (absent counts as NaN) and float counts."""
    out = figures.copy()
    for col in COUNT_COLUMNS:
        out[col] = pd.to_numeric(out[col], errors="raise").astype("float64") if col in out else np.nan
    return out[["region_code", "period", *COUNT_COLUMNS]]


def roll_up(figures: pd.DataFrame) -> pd.DataFrame:
    """Counts for every level from the finest given up to the nation (code ``ID``).

    Counts of the children of a region are summed per period; a sum over only
    missing values stays NaN. Where the input gives a region explicitly, its
    own row wins over the sum of its children. The result has columns
    ``region_code, period, level, reporting`` and the counts, where
    ``reporting`` is the number of input rows the figures rest on.
    """
    figures = conform(figures)
    figures["level"] = [int(level_of(c)) for c in figures["region_code"]]
    figures["reporting"] = 1.0
    by_level = {lv: figures[figures["level"] == lv].drop(columns="level") for lv in range(5)}
    sum_cols = [*COUNT_COLUMNS, "reporting"]
    for lv in range(4, 0, -1):
        rows = by_level[lv]
        if rows.empty:
            continue
        parent = rows["region_code"].str.rsplit(".", n=1).str[0] if lv > 1 else pd.Series(NATION_CODE, index=rows.index)
        summed = rows[sum_cols].groupby([parent.rename("region_code"), rows["period"]], sort=False).sum(min_count=1)
        summed = summed.reset_index()
        given = by_level[lv - 1]
        if not given.empty:
            key = summed["region_code"] + "|" + summed["period"]
            given_key = set(given["region_code"] + "|" + given["period"])
            summed = summed[~key.isin(given_key)]
        by_level[lv - 1] = pd.concat([given, summed], ignore_index=True) if not given.empty else summed
    parts = []
    for lv, rows in by_level.items():
        if not rows.empty:
            parts.append(rows.assign(level=lv))
    out = pd.concat(parts, ignore_index=True)
    return out[["region_code", "period", "level", "reporting", *COUNT_COLUMNS]].sort_values(
        ["period", "level", "region_code"], ignore_index=True
    )


def periods_of(figures: pd.DataFrame) -> list[str]:
    return sorted(figures["period"].unique().tolist())


class Dataset:
    """A dataset: metadata plus its figures as given and rolled up to every level.

    ``figures`` may be given as a callable that loads them on first use (the
    app only needs the rolled-up table). The rolled-up table is held once,
    indexed by region code and sorted by period; :meth:`at` returns per-period
    slices of it without copying.
    """

    def __init__(self, meta: DatasetMeta, figures, rolled: pd.DataFrame | None = None):
        self.meta = meta
        self._figures = figures
        if rolled is None:
            rolled = roll_up(self.figures)
        rolled = rolled.sort_values(["period", "level", "region_code"], ignore_index=True)
        self.periods = periods_of(rolled)
        bounds = rolled["period"].searchsorted(self.periods + [chr(0x10FFFF)])
        indexed = rolled.drop(columns="period").set_index("region_code")
        self._by_period = {p: indexed.iloc[bounds[i] : bounds[i + 1]] for i, p in enumerate(self.periods)}

    @property
    def figures(self) -> pd.DataFrame:
        if callable(self._figures):
            self._figures = self._figures()
        return self._figures

    @property
    def rolled(self) -> pd.DataFrame:
        """The rolled-up table (region_code, period, level, reporting, counts)."""
        parts = [g.reset_index().assign(period=p) for p, g in self._by_period.items()]
        out = pd.concat(parts, ignore_index=True)
        return out[["region_code", "period", *[c for c in out.columns if c not in ("region_code", "period")]]]

    @property
    def latest_period(self) -> str:
        return self.periods[-1]

    def at(self, period: str) -> pd.DataFrame:
        """Rolled-up counts of one period, indexed by region code (every level)."""
        return self._by_period[period]

    def region(self, code: str) -> pd.DataFrame:
        """All periods of one region, indexed by period (empty if the data has none)."""
        rows = [g.loc[[code]].assign(period=p) for p, g in self._by_period.items() if code in g.index]
        if not rows:
            return pd.DataFrame(columns=["period", "level", "reporting", *COUNT_COLUMNS]).set_index("period")
        return pd.concat(rows).set_index("period")

    def levels_given(self) -> list[Level]:
        return sorted({level_of(c) for c in self.figures["region_code"].unique()})
