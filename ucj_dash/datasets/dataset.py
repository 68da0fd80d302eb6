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

from ucj_dash.geography.regions import NATION_CODE, level_of


@dataclass(frozen=True)
class Column:
    """One count column of the model (unit: persons). No count is required: a dataset holds any subset
    of them (e.g. only employed workers by kabupaten), composed with others per indicator group."""

    name: str
    label_id: str
    label_en: str
    village_only: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("population", "Jumlah penduduk", "Population"),
    Column("employed_workers", "Penduduk bekerja (penyebut UCJ)", "Employed workers (UCJ denominator)"),
    Column("active_participants", "Peserta aktif BPJS Ketenagakerjaan", "Active BPJS Ketenagakerjaan participants"),
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


@dataclass(frozen=True)
class Pair:
    """A rate's numerator (``part``) and denominator (``whole``), both counts of persons.

    The rate rests on matched sums (:mod:`ucj_dash.analysis.matched`): its columns
    in a figures table are ``<key>__part``, ``<key>__whole``, ``<key>__used``,
    ``<key>__units`` and ``<key>__unit_level``.
    """

    key: str
    part: str
    whole: str

    def column(self, suffix: str) -> str:
        return f"{self.key}__{suffix}"


PAIRS: tuple[Pair, ...] = (
    Pair("ucj", "active_participants", "employed_workers"),
    Pair("registered", "registered_participants", "employed_workers"),
    Pair("vulnerable", "vulnerable_covered", "vulnerable_workers"),
    Pair("extreme_poor_workers", "extreme_poor_workers_covered", "extreme_poor_workers"),
    Pair("extreme_poverty", "extreme_poor_population", "population"),
    Pair("village_officials", "village_officials_enrolled", "village_officials"),
)
PAIR_BY_KEY = {p.key: p for p in PAIRS}
#: stock figures (who should be covered, and the population): a figure of an earlier period stands
#: for a later one for up to ``denominator_max_age_months``; every other count is used for its own period only
STOCK_COLUMNS = (
    "population", "employed_workers", "vulnerable_workers", "extreme_poor_population", "extreme_poor_workers", "village_officials",
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
    ``reporting`` is the number of input rows the figures rest on and ``given``
    says whether the row was in the input (its own figures, not a sum).
    """
    figures = conform(figures)
    figures["level"] = [int(level_of(c)) for c in figures["region_code"]]
    figures["reporting"] = 1.0
    figures["given"] = True
    by_level = {lv: figures[figures["level"] == lv].drop(columns="level") for lv in range(5)}
    sum_cols = [*COUNT_COLUMNS, "reporting"]
    for lv in range(4, 0, -1):
        rows = by_level[lv]
        if rows.empty:
            continue
        parent = rows["region_code"].str.rsplit(".", n=1).str[0] if lv > 1 else pd.Series(NATION_CODE, index=rows.index)
        summed = rows[sum_cols].groupby([parent.rename("region_code"), rows["period"]], sort=False).sum(min_count=1)
        summed = summed.reset_index().assign(given=False)
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
    return out[["region_code", "period", "level", "given", "reporting", *COUNT_COLUMNS]].sort_values(
        ["period", "level", "region_code"], ignore_index=True
    )


_LABELS = {c.name: c for c in COLUMNS}


def column_label(name: str, lang: str = "id") -> str:
    """A count column's name for people (Bahasa Indonesia, or English for any other ``lang``)."""
    column = _LABELS[name]
    return column.label_id if lang == "id" else column.label_en
