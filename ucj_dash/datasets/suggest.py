"""Closest registry codes and names, for the importer's suggestions on unknown codes and wrong names.

Scanning the 83,762 village codes with :mod:`difflib` for every unknown code
costs over a second each; these indexes answer in well under a millisecond.
:func:`for_registry` builds them once per registry (codes at once, names on
the first name query: about a second).

- :meth:`Suggester.closest_codes`: the registry codes of the same level most
  like a code under its deepest known ancestor that has codes of that level
  (its kecamatan, else its kabupaten, else its province, else the whole
  level), ranked exactly as
  :func:`difflib.get_close_matches` ranks them (same ratio, cutoff 0.5, ties
  to the larger code). A bit-parallel longest-common-subsequence length,
  computed over the whole pool with numpy, bounds each code's ratio from
  above, so difflib only compares the few codes that can still make the top.
- :meth:`Suggester.names_like`: the regions of one level whose name matches a
  name as :meth:`~ucj_dash.geography.regions.Registry.search` matches it
  (exact name, then names starting with it, then names containing it, then
  names containing all its words; by code within each rank).
"""

from __future__ import annotations

import difflib
import functools
import heapq
import weakref
from functools import cached_property

import numpy as np
import pandas as pd

from ucj_dash.errors import InvalidRegionCode
from ucj_dash.geography.regions import (
    NATION_CODE,
    Level,
    Registry,
    ancestors_of,
    level_of,
    name_key,
    normalize_code,
)

#: Ratio below which difflib offers no match (as :func:`difflib.get_close_matches`).
CUTOFF = 0.5
#: Distinct codes and names whose answers are kept per registry.
CACHE_SIZE = 4096

_SUGGESTERS: "weakref.WeakKeyDictionary[Registry, Suggester]" = weakref.WeakKeyDictionary()


def for_registry(registry: Registry) -> "Suggester":
    """The suggester of ``registry``, built on first use and kept as long as the registry."""
    if registry not in _SUGGESTERS:
        _SUGGESTERS[registry] = Suggester(registry.table)  # not the registry itself: it would never be let go
    return _SUGGESTERS[registry]


class _Level:
    """The codes of one level, sorted, as text and as a (width × codes) matrix of bytes."""

    def __init__(self, codes: list[str]):
        self.codes = np.array(sorted(codes))
        width = len(self.codes[0])
        self.chars = np.frombuffer("".join(self.codes).encode("ascii"), np.uint8).reshape(-1, width).T.copy()

    def under(self, ancestor: str) -> slice:
        """Positions of the codes inside ``ancestor`` (all of them for the nation)."""
        if ancestor == NATION_CODE:
            return slice(0, len(self.codes))
        lo, hi = np.searchsorted(self.codes, [ancestor + ".", ancestor + "/"])  # "/" sorts right after "."
        return slice(int(lo), int(hi))


def lcs_lengths(word: str, chars: np.ndarray) -> np.ndarray:
    """Length of the longest common subsequence of ``word`` and each column of ``chars`` (bytes, one code a column).

    Hyyrö's bit-parallel algorithm: one pass per character, all codes at once;
    ``word`` has at most 15 characters (a village code has 13).
    """
    masks = np.zeros(256, dtype=np.uint16)
    for j, byte in enumerate(word.encode("ascii")):
        masks[byte] |= np.uint16(1 << j)
    full = np.uint16((1 << len(word)) - 1)
    v = np.full(chars.shape[1], full, dtype=np.uint16)
    u, w = np.empty_like(v), np.empty_like(v)
    for row in chars:
        masks.take(row, out=u)
        u &= v
        np.subtract(v, u, out=w)
        v += u
        v |= w
        v &= full
    return len(word) - np.bitwise_count(v).astype(np.int64)


class _Names:
    """The folded names of one level's regions: by name, sorted for prefixes, and by trigram for substrings."""

    def __init__(self, keys: list[str]):
        self.keys = keys  # folded name of each code, in code order
        self.exact: dict[str, list[int]] = {}
        grams: dict[str, list[int]] = {}
        for pos, key in enumerate(keys):
            self.exact.setdefault(key, []).append(pos)
            for gram in {key[i : i + 3] for i in range(len(key) - 2)}:
                grams.setdefault(gram, []).append(pos)
        self.grams = {gram: np.array(at, dtype=np.int32) for gram, at in grams.items()}
        self.order = np.argsort(np.array(keys), kind="stable")
        self.sorted_keys = np.array(keys)[self.order]

    def starting(self, q: str) -> np.ndarray:
        """Positions of the names starting with ``q``, ascending."""
        lo, hi = np.searchsorted(self.sorted_keys, [q, q + "\x7f"])  # folded names hold no character above "z"
        return np.sort(self.order[lo:hi])

    def containing(self, word: str) -> np.ndarray:
        """Positions of the names containing ``word``, ascending."""
        if len(word) < 3:
            return np.flatnonzero([word in key for key in self.keys])
        lists = sorted((self.grams.get(word[i : i + 3], np.empty(0, np.int32)) for i in range(len(word) - 2)), key=len)
        at = lists[0]
        for other in lists[1:3]:  # the rarest trigrams narrow enough; the text check below is exact
            at = np.intersect1d(at, other, assume_unique=True)
        return np.array([p for p in at.tolist() if word in self.keys[p]], dtype=np.int64)


class Suggester:
    """Indexes of a registry table's codes (per level) and names (per level, built on first use)."""

    def __init__(self, table: pd.DataFrame):
        self._table = table
        levels = table["level"].to_numpy()
        codes = table.index.to_numpy(dtype=object)
        self._levels = {lv: _Level(codes[levels == int(lv)].tolist()) for lv in Level if lv != Level.NATION}
        self.closest_codes = functools.lru_cache(maxsize=CACHE_SIZE)(self._closest_codes)
        self.names_like = functools.lru_cache(maxsize=CACHE_SIZE)(self._names_like)

    def _closest_codes(self, code: str, n: int = 3) -> tuple[str, ...]:
        """Up to ``n`` codes most like canonical ``code`` (not in the registry), best first; () for the nation."""
        level = level_of(code)
        if level == Level.NATION:
            return ()
        index = self._levels[level]
        pool = next(p for a in reversed(ancestors_of(code))  # the nation's pool, the whole level, is never empty
                    if a in self._table.index and (p := index.under(a)).stop > p.start)
        candidates = index.codes[pool]
        bound = lcs_lengths(code, index.chars[:, pool])
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(code)
        total = 2 * len(code)  # every code of a level has the same length
        best: list[tuple[float, str]] = []  # heap of the n best (ratio, code)
        for length in range(int(bound.max(initial=0)), -1, -1):  # best bound first
            most = 2.0 * length / total  # no code of this bound has a higher ratio
            if most < CUTOFF or (len(best) == n and most < best[0][0]):
                break
            for i in np.flatnonzero(bound == length)[::-1]:  # the larger code first, as difflib breaks ties
                candidate = str(candidates[i])
                if len(best) == n and (most, candidate) < best[0]:
                    break  # neither it nor any smaller code of this bound can displace the n-th best
                matcher.set_seq1(candidate)
                ratio = matcher.ratio()
                if ratio >= CUTOFF:
                    if len(best) < n:
                        heapq.heappush(best, (ratio, candidate))
                    else:
                        heapq.heappushpop(best, (ratio, candidate))
        return tuple(c for _, c in sorted(best, reverse=True))

    @cached_property
    def _names(self) -> dict[Level, _Names]:
        """The names of each level, indexed (on the first name query: about a second)."""
        names = self._table["name"]
        return {level: _Names(names.loc[index.codes].map(name_key).tolist()) for level, index in self._levels.items()}

    def _names_like(self, name: str, level: Level, n: int = 3) -> tuple[str, ...]:
        """Up to ``n`` codes of ``level`` whose name matches ``name``, best first ("" or no match: ())."""
        query = (name or "").strip()
        try:
            code = normalize_code(query)
        except InvalidRegionCode:
            code = None
        if code and code in self._table.index:
            return (code,) if level_of(code) == level else ()
        q = name_key(query)
        if not q:
            return ()
        names = self._names[level]
        found = names.exact.get(q, [])[:n]
        if len(found) < n:  # names starting with the query
            found += [p for p in names.starting(q).tolist() if names.keys[p] != q][: n - len(found)]
        if len(found) < n:  # names containing the query, then names containing all its words
            words = sorted(q.split(), key=len, reverse=True)
            within = [(q not in names.keys[p], p) for p in names.containing(words[0]).tolist()
                      if all(w in names.keys[p] for w in words[1:]) and not names.keys[p].startswith(q)]
            found += [p for _, p in sorted(within)[: n - len(found)]]
        codes = self._levels[level].codes
        return tuple(str(codes[p]) for p in found)
