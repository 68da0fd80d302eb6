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

import bisect
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
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
#: the composed frames' types of the pair columns (regions counted fit int32, levels int8: ~8 MB less a frame)
_PAIR_DTYPES = {"part": "float64", "whole": "float64", "used": "int32", "units": "int32", "unit_level": "int8"}


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


class LRU:
    """A small thread-safe least-recently-used cache (figures frames are tens of MB each).

    A value being made is made once: other threads asking for the same key wait for it. ``gate``
    (a semaphore) bounds how many values are made at once (composing a national frame holds a few
    times its size while it runs).
    """

    def __init__(self, size: int, gate: threading.Semaphore | None = None):
        self.size, self.items, self.lock, self.gate = size, OrderedDict(), threading.Lock(), gate
        self.making: dict = {}  # key -> Event set when its value is in ``items`` (or its making failed)

    def get(self, key, make):
        while True:
            with self.lock:
                if key in self.items:
                    self.items.move_to_end(key)
                    return self.items[key]
                done = self.making.get(key)
                if done is None:
                    done = self.making[key] = threading.Event()
                    break
            done.wait()  # another thread makes it; if that failed, try to make it here
        try:
            if self.gate is not None:
                with self.gate:
                    value = make()
            else:
                value = make()
            with self.lock:
                self.items[key] = value
                self.items.move_to_end(key)
                while len(self.items) > self.size:
                    self.items.popitem(last=False)
            return value
        finally:
            with self.lock:
                self.making.pop(key, None)
            done.set()

    def clear(self):
        with self.lock:
            self.items.clear()


#: composed national frames per (figures, period): a map, profile or priority view only slices them;
#: composed one at a time (sessions asking at once for other periods or sources wait, not pile up memory)
_FRAMES = LRU(4, gate=threading.BoundedSemaphore(1))
#: a region's every-period rows per (figures, region)
_TRENDS = LRU(64)
#: every cache of figures (and of views made from them, which register here): :func:`forget` clears them all
CACHES: list[LRU] = [_FRAMES, _TRENDS]
#: threads that read the year files of a trend's datasets side by side
_READERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ucj-history")


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
        latest = bisect.bisect_right(have, period)  # how many of ``have`` are at or before ``period``
        if column not in STOCK_COLUMNS:
            if latest and have[latest - 1] == period:
                return period, None
            return None, Reason("reason.not_this_period", (("period", lambda lang: fmt.period(period, lang)),))
        if not latest:
            return None, Reason("reason.none_before", (("period", lambda lang: fmt.period(period, lang)),))
        used = have[latest - 1]
        if months_between(used, period) > self.max_age_months:
            return None, Reason("reason.too_old", (("latest", lambda lang, p=used: fmt.period(p, lang)), ("months", self.max_age_months)))
        return used, None

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
        # a dataset giving a count of a pair matched here is read down to where that pair's counts meet;
        # every other dataset only at the region's own level
        own = int(level_of(code))
        depth: dict[str, int] = {}
        for pair in self._cross_pairs(self.periods):
            levels = [self._finest_any(pair.part), self._finest_any(pair.whole)]
            if None not in levels:
                for column in (pair.part, pair.whole):
                    dataset_id = self._sources[column].meta.id
                    depth[dataset_id] = max(depth.get(dataset_id, own), min(levels))
        # of each dataset only the counts taken from it (and their stored pair sums); the datasets' year files
        # are read side by side (Arrow decodes without the GIL)
        taken: dict[str, list[str]] = {}
        for column, dataset in self._sources.items():
            if dataset is not None:
                taken.setdefault(dataset.meta.id, []).append(column)
        histories = {}
        for dataset_id, counts in taken.items():
            pairs = [p.column(s) for p in PAIRS if p.part in counts and p.whole in counts for s in matched.SUFFIXES]
            histories[dataset_id] = _READERS.submit(
                self.datasets[dataset_id].history, code, depth.get(dataset_id, own), [*counts, *pairs, "reporting"])

        def rows(dataset_id: str, periods: list[str]) -> pd.DataFrame:
            history = histories[dataset_id].result()
            history = history[history["period"].isin(periods)]
            return history, history["region_code"].to_numpy(dtype=object), history["period"].to_numpy(dtype=object)

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

    def _period_rows(self, dataset_id: str, periods: list[str]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        """The stored rows of ``periods`` (one for :meth:`at`): the frame, its region codes and periods
        (the frame itself when one period: no copy of a national table)."""
        dataset = self.datasets[dataset_id]
        frames = [dataset.at(q) for q in periods]
        frame = frames[0] if len(frames) == 1 else pd.concat(frames)
        return frame, frame.index.to_numpy(dtype=object), np.repeat(np.array(periods, dtype=object), [len(f) for f in frames])

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
        (``level``, ``given``, ``reporting``, counts, pair columns), their region codes and their periods.

        Each dataset's rows are placed on a grid of periods × regions (one position per pair, a row
        serving every period that uses it); the frame holds the positions some dataset has a row for.
        """
        stored = [p for p in PAIRS if self._stored(p, periods)]
        fetched = []
        for (dataset_id, used), columns in self._aligned(periods).items():
            serves: dict[str, list[int]] = {}  # period of the dataset -> positions in ``periods``
            for position, q in enumerate(used):
                if q is not None:
                    serves.setdefault(q, []).append(position)
            rows, row_codes, row_periods = rows_of(dataset_id, sorted(serves))
            pair_cols = [p.column(s) for p in stored if p.part in columns and p.column("part") in rows for s in matched.SUFFIXES]
            fetched.append((rows, row_codes, row_periods, serves, columns, pair_cols))
        if not fetched:
            empty = pd.MultiIndex.from_arrays([[], []], names=["period", "region_code"])
            return pd.DataFrame(index=empty, columns=_columns())
        codes = pd.Index(pd.unique(np.concatenate([row_codes for _, row_codes, *_ in fetched])))
        n_regions, size = len(codes), len(periods) * len(codes)
        present = np.zeros(size, dtype=bool)
        level = np.full(size, -1, dtype="int64")
        grid: dict[str, np.ndarray] = {}
        given_of: dict[str, np.ndarray] = {}
        reporting = None
        for rows, row_codes, row_periods, serves, columns, pair_cols in fetched:
            region = codes.get_indexer(row_codes)
            q_ids, q_values = pd.factorize(row_periods)
            source, target = [], []
            for k, q in enumerate(q_values):
                at = np.flatnonzero(q_ids == k)
                for position in serves[q]:
                    source.append(at)
                    target.append(position * n_regions + region[at])
            source, target = (np.concatenate(source), np.concatenate(target)) if source else (np.zeros(0, dtype="int64"),) * 2
            present[target] = True
            unset = level[target] < 0
            level[target[unset]] = rows["level"].to_numpy(dtype="int64")[source][unset]
            given = np.zeros(size, dtype=bool)
            given[target] = rows["given"].to_numpy(dtype=bool)[source]
            given_of.update({c: given for c in columns})
            for column in (*columns, *pair_cols):
                suffix = column.rsplit("__", 1)[1] if "__" in column else "part"  # a count: NaN-filled floats as a part
                values = np.full(size, _PAIR_DEFAULTS[suffix], dtype=_PAIR_DTYPES[suffix])
                values[target] = rows[column].to_numpy(dtype=values.dtype, na_value=_PAIR_DEFAULTS[suffix])[source]
                grid[column] = values
            if reporting is None or "active_participants" in columns:
                reporting = np.full(size, np.nan)
                reporting[target] = rows["reporting"].to_numpy(dtype="float64", na_value=np.nan)[source]
        keep = np.flatnonzero(present)
        period_pos, region_pos = keep // n_regions, keep % n_regions
        index = pd.MultiIndex(levels=[pd.Index(periods), codes], codes=[period_pos, region_pos],
                              names=["period", "region_code"], verify_integrity=False)
        out = {"level": level[keep], "reporting": reporting[keep]}
        for column in COUNT_COLUMNS:
            out[column] = grid[column][keep] if column in grid else np.full(len(keep), np.nan)
        cross = [p for p in PAIRS if p.column("part") not in grid and p.part in given_of and p.whole in given_of and p not in stored]
        parents = self._grid_parents(codes, level, keep, n_regions) if cross else None
        for pair in PAIRS:
            if pair.column("part") in grid:
                for suffix in matched.SUFFIXES:
                    out[pair.column(suffix)] = grid[pair.column(suffix)][keep]
            elif pair in cross:
                flat = pd.DataFrame({"level": out["level"], "part": out[pair.part], "whole": out[pair.whole],
                                     "given_part": given_of[pair.part][keep], "given_whole": given_of[pair.whole][keep]})
                found = matched.match(flat, "part", "whole", "given_part", "given_whole", parents=parents)
                for suffix in matched.SUFFIXES:
                    out[pair.column(suffix)] = found[suffix].to_numpy(dtype=_PAIR_DTYPES[suffix])
            else:
                for suffix, default in _PAIR_DEFAULTS.items():
                    out[pair.column(suffix)] = np.full(len(keep), default, dtype=_PAIR_DTYPES[suffix])
        return pd.DataFrame(out, index=index, columns=_columns(), copy=False)

    @staticmethod
    def _grid_parents(codes: pd.Index, level: np.ndarray, keep: np.ndarray, n_regions: int) -> np.ndarray:
        """For each kept grid position, the kept position of its parent's row in the same period (-1: none)."""
        code_level = level.reshape(-1, n_regions).max(axis=0)
        parent = codes.get_indexer(matched.parent_codes(codes.to_numpy(dtype=object), code_level))
        parent[code_level <= 0] = -1
        row_of = np.full(len(level), -1, dtype="int64")
        row_of[keep] = np.arange(len(keep))
        up = parent[keep % n_regions]
        found = np.full(len(keep), -1, dtype="int64")
        has = up >= 0
        found[has] = row_of[(keep[has] // n_regions) * n_regions + up[has]]
        return found


def _columns() -> list[str]:
    return ["level", "reporting", *COUNT_COLUMNS, *[p.column(s) for p in PAIRS for s in matched.SUFFIXES]]


def forget() -> None:
    """Drop every composed frame and what was made from them (tests; a deleted dataset's id may be reused)."""
    for cache in CACHES:
        cache.clear()


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
