"""The figures a composition gives: counts from several datasets, aligned by period, rates matched.

For a period P shown, each count is taken from its group's dataset
(:mod:`ucj_dash.datasets.composition`):

- a **stock** count (population, employed workers, vulnerable workers, ...:
  :data:`~ucj_dash.datasets.dataset.STOCK_COLUMNS`) from that dataset's latest
  period at or before P that holds it, if it is at most ``max_age_months`` older
  (Sakernas is published once a year, for August);
- every other count (participants, covered workers) from period P itself.

Each rate then rests on matched sums (:mod:`ucj_dash.analysis.matched`): where
its part and whole come from different datasets they are matched here, where from
the same dataset and period the sums stored with that period are used. Every
count and rate names its source and period (:meth:`Figures.provenance`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ucj_dash.analysis import matched
from ucj_dash.datasets import store
from ucj_dash.datasets.composition import GROUP_OF, Composition
from ucj_dash.datasets.dataset import COUNT_COLUMNS, PAIR_BY_KEY, PAIRS, STOCK_COLUMNS, DatasetMeta, Pair, column_label
from ucj_dash.geography.regions import Level, level_of
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t

DEFAULT_MAX_AGE_MONTHS = 12
#: the figures whose sources views and exports name by default
SHOWN_PAIRS = ("ucj", "extreme_poverty", "vulnerable", "village_officials")
_PAIR_DEFAULTS = {"part": np.nan, "whole": np.nan, "used": 0, "units": 0, "unit_level": -1}


def months_between(earlier: str, later: str) -> int:
    """Whole months from period ``earlier`` to ``later`` (``YYYY-MM``)."""
    return (int(later[:4]) - int(earlier[:4])) * 12 + int(later[5:7]) - int(earlier[5:7])


@dataclass(frozen=True)
class Source:
    """Where one count of one period comes from: a dataset and the period of it that is used."""

    dataset_id: str
    name: str
    period: str
    as_of: str
    simulated: bool

    def text(self, lang: str) -> str:
        """``<dataset name>, <month year>`` (plus "simulasi" for simulated data)."""
        sim = f" ({t('prov.simulated', lang)})" if self.simulated and "simula" not in self.name.lower() else ""
        return f"{self.name}, {fmt.period(self.period, lang)}{sim}"


@dataclass(frozen=True)
class Reason:
    """Why a figure is missing (an i18n key and its parameters)."""

    key: str
    params: tuple = ()

    def text(self, lang: str) -> str:
        return t(self.key, lang, **{k: (v(lang) if callable(v) else v) for k, v in self.params})


class _LRU:
    """A small thread-safe least-recently-used cache (figures frames are tens of MB each)."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key, make):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = make()
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value

    def clear(self):
        with self.lock:
            self.items.clear()


#: composed national frames per (figures, period): a map, profile or priority view only slices them
_FRAMES = _LRU(4)
#: a region's every-period rows per (figures, region)
_TRENDS = _LRU(64)


class Figures:
    """What every page shows: the counts of a composition at each period, with matched rates.

    ``datasets`` maps each id the composition uses to its stored :class:`~ucj_dash.datasets.store.Dataset`.
    """

    def __init__(self, composition: Composition, datasets: dict[str, store.Dataset], max_age_months: int = DEFAULT_MAX_AGE_MONTHS):
        self.composition = composition
        self.datasets = datasets
        self.max_age_months = int(max_age_months)
        self._sources = {}
        for column in COUNT_COLUMNS:
            dataset = datasets.get(composition.source(GROUP_OF[column]))
            self._sources[column] = dataset if dataset is not None and dataset.periods_with(column) else None
        flows = [c for c in COUNT_COLUMNS if c not in STOCK_COLUMNS and self._sources[c] is not None]
        basis = flows or [c for c in COUNT_COLUMNS if self._sources[c] is not None]
        self.periods = sorted({p for c in basis for p in self._sources[c].periods_with(c)})
        self.key = (composition.sources, tuple(sorted(d.key for d in datasets.values())), self.max_age_months)
        self.meta = self._meta()

    # ---- what comes from where

    @property
    def latest_period(self) -> str | None:
        return self.periods[-1] if self.periods else None

    def source(self, column: str) -> store.Dataset | None:
        return self._sources[column]

    def source_period(self, column: str, period: str) -> tuple[str | None, Reason | None]:
        """The period of its source that ``column`` takes at ``period``, or None and why."""
        dataset = self._sources[column]
        if dataset is None:
            return None, Reason("reason.no_source", (("what", lambda lang, c=column: column_label(c, lang).lower()),))
        have = dataset.periods_with(column)
        if column not in STOCK_COLUMNS:
            return (period, None) if period in have else (None, Reason("reason.not_this_period", (("period", lambda lang: fmt.period(period, lang)),)))
        earlier = [p for p in have if p <= period]
        if not earlier:
            return None, Reason("reason.none_before", (("period", lambda lang: fmt.period(period, lang)),))
        if months_between(earlier[-1], period) > self.max_age_months:
            return None, Reason("reason.too_old", (("latest", lambda lang, p=earlier[-1]: fmt.period(p, lang)), ("months", self.max_age_months)))
        return earlier[-1], None

    def provenance(self, column: str, period: str) -> Source | None:
        """Source and period of ``column``'s figures at ``period`` (None: no data for that period)."""
        used, _ = self.source_period(column, period)
        if used is None:
            return None
        dataset = self._sources[column]
        entry = dataset.entry(used)
        return Source(dataset.meta.id, dataset.meta.name, used, entry.as_of, dataset.meta.simulated)

    def finest_level(self, column: str, period: str) -> int | None:
        used, _ = self.source_period(column, period)
        return None if used is None else self._sources[column].entry(used).finest.get(column)

    def rate_reason(self, pair: Pair, level: int, period: str) -> Reason | None:
        """Why ``pair``'s rate can be missing for regions at ``level`` in ``period`` as a whole
        (no source, no period in range, or only coarser regions given); None: it may exist there."""
        for role, column in (("part", pair.part), ("whole", pair.whole)):
            used, why = self.source_period(column, period)
            if used is None:
                return Reason(f"reason.{role}", (("why", why.text),))
            finest = self.finest_level(column, period)
            if finest is not None and level > finest:
                return Reason(f"reason.{role}.coarser", (("level", lambda lang, lv=finest: t("level." + Level(lv).key, lang).lower()),))
        return None

    def missing_text(self, pair: Pair, level: int, period: str, lang: str) -> str:
        """Why a region at ``level`` has no ``pair`` rate: the reason for its whole level, else "no data for this region"."""
        reason = self.rate_reason(pair, level, period)
        return reason.text(lang) if reason is not None else t("reason.region", lang)

    def rate_provenance(self, pair: Pair, period: str, lang: str) -> str:
        """``pembilang: <source>, <month> · penyebut: <source>, <month>`` (or why one is missing)."""
        sides = []
        for role, column in (("part", pair.part), ("whole", pair.whole)):
            src = self.provenance(column, period)
            if src is None:
                sides.append(t(f"prov.{role}", lang, source=self.source_period(column, period)[1].text(lang)))
            else:
                sides.append(t(f"prov.{role}", lang, source=src.text(lang)))
        return " · ".join(sides)

    def source_lines(self, period: str, lang: str, pairs: tuple[str, ...] = SHOWN_PAIRS) -> list[str]:
        """One line per figure (``Cakupan UCJ — pembilang: …, Des 2024 · penyebut: …, Agu 2024``): what
        every view and export prints under its numbers. Plain text (escape it for Markdown or HTML)."""
        return [f"{t('pair.' + key, lang)} — {self.rate_provenance(PAIR_BY_KEY[key], period, lang)}" for key in pairs]

    def used_datasets(self) -> list[store.Dataset]:
        """The stored datasets the composition uses, in group order."""
        return [self.datasets[i] for i in self.composition.dataset_ids() if i in self.datasets]

    def _meta(self) -> DatasetMeta:
        """One summary record for places that name the data as a whole (file names, simulated labels)."""
        used = self.used_datasets()
        return DatasetMeta(
            id=self.composition.to_query() or "-",
            name=" + ".join(d.meta.name for d in used) or "-",
            source="; ".join(dict.fromkeys(d.meta.source for d in used)) or "-",
            as_of=self.latest_period or "-",
            simulated=any(d.meta.simulated for d in used),
        )

    # ---- the figures

    def at(self, period: str) -> pd.DataFrame:
        """Every region's counts and matched pair sums at ``period``, indexed by region code (do not modify).

        Columns: ``level``, ``reporting``, every count (NaN: no data), and for each pair
        ``<key>__part/whole/used/units/unit_level``.
        """
        return _FRAMES.get((self.key, period), lambda: self._compose([period], self._period_rows).droplevel("period"))

    def region(self, code: str) -> pd.DataFrame:
        """One region's row in every period (index ``period``, the same columns as :meth:`at`)."""
        return _TRENDS.get((self.key, code), lambda: self._trend(code))

    def _trend(self, code: str) -> pd.DataFrame:
        if not self.periods:
            return pd.DataFrame(columns=_columns()).rename_axis("period")
        own = int(level_of(code))
        deepest = own
        for pair in self._cross_pairs(self.periods):
            levels = [self._finest_any(pair.part), self._finest_any(pair.whole)]
            if None not in levels:
                deepest = max(deepest, min(levels))
        columns = [*COUNT_COLUMNS, *[p.column(s) for p in PAIRS for s in matched.SUFFIXES], "reporting"]

        histories: dict[str, pd.DataFrame] = {}

        def rows(dataset_id: str, periods: list[str]) -> pd.DataFrame:
            if dataset_id not in histories:
                histories[dataset_id] = self.datasets[dataset_id].history(code, deepest, columns)
            history = histories[dataset_id]
            return history[history["period"].isin(periods)].rename(columns={"period": "q"})

        frame = self._compose(self.periods, rows)
        try:
            out = frame.xs(code, level="region_code")
        except KeyError:
            out = pd.DataFrame(index=pd.Index([], name="period"), columns=frame.columns)
        return out.reindex(pd.Index(self.periods, name="period"))

    def _finest_any(self, column: str) -> int | None:
        dataset = self._sources[column]
        if dataset is None:
            return None
        levels = [dataset.entry(p).finest.get(column) for p in dataset.periods_with(column)]
        levels = [lv for lv in levels if lv is not None]
        return max(levels) if levels else None

    def _period_rows(self, dataset_id: str, periods: list[str]) -> pd.DataFrame:
        dataset = self.datasets[dataset_id]
        return pd.concat([dataset.at(q).reset_index().assign(q=q) for q in periods], ignore_index=True)

    def _aligned(self, periods: list[str]) -> dict[tuple[str, tuple], list[str]]:
        """Columns grouped by (dataset, period of it used at each of ``periods``)."""
        groups: dict[tuple[str, tuple], list[str]] = {}
        for column in COUNT_COLUMNS:
            dataset = self._sources[column]
            if dataset is None:
                continue
            used = tuple(self.source_period(column, p)[0] for p in periods)
            if any(u is not None for u in used):
                groups.setdefault((dataset.meta.id, used), []).append(column)
        return groups

    def _stored(self, pair: Pair, periods: list[str]) -> bool:
        """Whether ``pair``'s matched sums stored with its dataset's periods serve every one of ``periods``:
        part and whole from one dataset, and from the same period of it wherever both have one."""
        if self._sources[pair.part] is None or self._sources[pair.part] is not self._sources[pair.whole]:
            return False
        for period in periods:
            part, whole = self.source_period(pair.part, period)[0], self.source_period(pair.whole, period)[0]
            if part is not None and whole is not None and part != whole:
                return False
        return True

    def _cross_pairs(self, periods: list[str]) -> list[Pair]:
        """Pairs whose part and whole are both given somewhere but not stored matched together (matched here)."""
        return [p for p in PAIRS if self._sources[p.part] and self._sources[p.whole] and not self._stored(p, periods)]

    def _compose(self, periods: list[str], rows_of) -> pd.DataFrame:
        """The long frame of ``periods`` × regions; ``rows_of(dataset_id, periods of it)`` gives its rows
        (``q``: the dataset's period, ``region_code``, ``level``, ``given``, ``reporting``, counts, pair columns)."""
        pieces, given_of, level_cols, reporting_col = [], {}, [], None
        stored = [p for p in PAIRS if self._stored(p, periods)]
        for i, ((dataset_id, used), columns) in enumerate(self._aligned(periods).items()):
            mapping = pd.DataFrame({"period": periods, "q": used}).dropna()
            rows = rows_of(dataset_id, sorted(set(mapping["q"])))
            pair_cols = [p.column(s) for p in stored if p.part in columns and p.column("part") in rows for s in matched.SUFFIXES]
            piece = mapping.merge(rows[["q", "region_code", "level", "given", "reporting", *columns, *pair_cols]], on="q")
            piece = piece.drop(columns="q").rename(columns={"given": f"given@{i}", "level": f"level@{i}", "reporting": f"reporting@{i}"})
            pieces.append(piece.set_index(["period", "region_code"]))
            given_of.update({c: f"given@{i}" for c in columns})
            level_cols.append(f"level@{i}")
            if reporting_col is None or "active_participants" in columns:
                reporting_col = f"reporting@{i}"
        if not pieces:
            empty = pd.MultiIndex.from_arrays([[], []], names=["period", "region_code"])
            return pd.DataFrame(index=empty, columns=_columns())
        out = pd.concat(pieces, axis=1, join="outer", copy=False) if len(pieces) > 1 else pieces[0]
        level = out[level_cols[0]]
        for col in level_cols[1:]:
            level = level.fillna(out[col])
        out["level"] = level.astype("int64")
        out["reporting"] = out[reporting_col]
        for col in given_of.values():
            out[col] = out[col].fillna(False).astype(bool)
        for column in COUNT_COLUMNS:
            if column not in out:
                out[column] = np.nan
        flat, parents = None, None
        for pair in PAIRS:
            if pair.column("part") in out:
                for suffix, default in _PAIR_DEFAULTS.items():
                    out[pair.column(suffix)] = out[pair.column(suffix)].fillna(default)
                continue
            if pair.part in given_of and pair.whole in given_of and pair not in stored:
                if flat is None:
                    flat = out.reset_index()
                    parents = matched.parent_positions(flat, ("period",))
                found = matched.match(flat, pair.part, pair.whole, given_of[pair.part], given_of[pair.whole], ("period",), parents)
                for suffix in matched.SUFFIXES:
                    out[pair.column(suffix)] = found[suffix].to_numpy()
            else:
                for suffix, default in _PAIR_DEFAULTS.items():
                    out[pair.column(suffix)] = default
        return out[_columns()]


def _columns() -> list[str]:
    return ["level", "reporting", *COUNT_COLUMNS, *[p.column(s) for p in PAIRS for s in matched.SUFFIXES]]


def forget() -> None:
    """Drop every composed frame (tests; a deleted dataset's id may be reused)."""
    _FRAMES.clear()
    _TRENDS.clear()


def load(composition: Composition, max_age_months: int = DEFAULT_MAX_AGE_MONTHS) -> Figures:
    """The figures of ``composition`` with each dataset at its current version (a dataset gone since is left out)."""
    datasets = {}
    for dataset_id in composition.dataset_ids():
        if store.exists(dataset_id):
            datasets[dataset_id] = store.load(dataset_id)
    return Figures(composition, datasets, max_age_months)



def basis_text(used, units, unit_level, lang: str) -> str:
    """"berdasarkan 1 dari 2 desa berdata" when a rate rests on only some of the units with data; "" when
    on all of them or when there is no rate (counts of regions; ``unit_level`` the level of those units)."""
    if any(pd.isna(x) for x in (used, units, unit_level)) or int(used) <= 0 or int(used) >= int(units) or int(unit_level) < 0:
        return ""
    unit = t("level." + Level(int(unit_level)).key, lang).lower()
    return t("basis.partial", lang, used=fmt.number(used, lang), units=fmt.number(units, lang), unit=unit)
