"""Rates from matched sums: a rate's part and whole are summed only where both are known.

A kecamatan with village A (100 employed, 50 active) and village B (employed
unknown, 40 active) is covered 50 % "based on 1 of 2 villages with data", not
90 %. For one pair (part, whole), region by region from the villages up:

1. **own row**: the region's own row is given for both (in the source of each)
   and both are known: its own figures, 1 unit;
2. **matched children**: some child has a matched pair: the sums over the
   children with a matched pair (units: every child unit with any data);
3. **meeting point**: both are known at the region (e.g. participants summed
   from villages, employed workers given for the kabupaten): its figures, 1 unit;
4. otherwise no rate (part and whole NaN, never 0).

``used`` counts the units the matched sums rest on, ``units`` the units with any
of the two figures, ``unit_level`` the finest level of those units (-1: none).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ucj_dash.geography.regions import NATION_CODE

#: length of the parent's code for a code of each level (codes have fixed-width segments)
_PARENT_LEN = {2: 2, 3: 5, 4: 8}
SUFFIXES = ("part", "whole", "used", "units", "unit_level")


def parent_codes(codes: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """The parent's code of each code at its level (the nation's own entry is the nation's code too:
    callers leave level 0 out)."""
    parents = np.full(len(codes), NATION_CODE, dtype=object)
    for lv, width in _PARENT_LEN.items():
        at = levels == lv
        if at.any():
            parents[at] = pd.Series(codes[at]).str[:width].to_numpy(dtype=object)
    return parents


def parent_positions(rows: pd.DataFrame, by: tuple[str, ...] = ()) -> np.ndarray:
    """For each row, the position in ``rows`` of its parent's row with the same ``by`` values (-1: none)."""
    codes = rows["region_code"].astype(object).to_numpy()
    levels = rows["level"].to_numpy()
    parents = parent_codes(codes, levels)
    # integer keys: the code's number times the number of ``by`` combinations, plus the combination's number
    code_ids, uniques = pd.factorize(codes)
    parent_ids = pd.Index(uniques).get_indexer(parents)
    group = np.zeros(len(rows), dtype="int64")
    if by:
        group, _ = pd.factorize(pd.MultiIndex.from_frame(rows[list(by)])) if len(by) > 1 else pd.factorize(rows[by[0]])
    n_groups = int(group.max()) + 1 if len(group) else 1
    found = pd.Index(code_ids.astype("int64") * n_groups + group).get_indexer(parent_ids.astype("int64") * n_groups + group)
    found[(levels == 0) | (parent_ids < 0)] = -1
    return found


def match(
    rows: pd.DataFrame, part: str, whole: str, given_part: str = "given", given_whole: str = "given", by: tuple[str, ...] = (),
    parents: np.ndarray | None = None,
) -> pd.DataFrame:
    """Matched ``part``/``whole`` sums for every row of ``rows``.

    ``rows`` holds regions of any levels (columns ``region_code``, ``level``, the
    two counts rolled up, two boolean "given explicitly" columns and the ``by``
    columns, e.g. ``period``); a region's children must be in ``rows`` for their
    sums to count. ``parents`` (from :func:`parent_positions`) may be passed when
    several pairs are matched on the same rows. Returns a frame on ``rows.index``
    with ``part``, ``whole`` (persons, NaN: no rate), ``used``, ``units`` and ``unit_level``.
    """
    n = len(rows)
    parent = parent_positions(rows, by) if parents is None else parents
    p = rows[part].to_numpy(dtype="float64")
    w = rows[whole].to_numpy(dtype="float64")
    both = ~np.isnan(p) & ~np.isnan(w)
    any_ = ~np.isnan(p) | ~np.isnan(w)
    own = both & rows[given_part].to_numpy(dtype=bool) & rows[given_whole].to_numpy(dtype=bool)
    levels = rows["level"].to_numpy()
    out_part, out_whole = np.full(n, np.nan), np.full(n, np.nan)
    used, units = np.zeros(n, dtype="int64"), np.zeros(n, dtype="int64")
    unit_level = np.full(n, -1, dtype="int64")
    # sums of the children of each row (filled from the level below before a level is decided)
    c_part, c_whole = np.zeros(n), np.zeros(n)
    c_used, c_units = np.zeros(n, dtype="int64"), np.zeros(n, dtype="int64")
    c_level = np.full(n, -1, dtype="int64")
    for lv in range(4, -1, -1):
        at = np.flatnonzero(levels == lv)
        if len(at) == 0:
            continue
        case_own = own[at]
        case_children = ~case_own & (c_used[at] > 0)
        single = case_own | (~case_own & ~case_children & both[at])
        out_part[at] = np.where(single, p[at], np.where(case_children, c_part[at], np.nan))
        out_whole[at] = np.where(single, w[at], np.where(case_children, c_whole[at], np.nan))
        used[at] = np.where(single, 1, np.where(case_children, c_used[at], 0))
        units[at] = np.where(single, 1, np.where(c_units[at] > 0, c_units[at], any_[at].astype("int64")))
        unit_level[at] = np.where(single, lv, np.where(c_units[at] > 0, c_level[at], np.where(any_[at], lv, -1)))
        up = parent[at]
        has = up >= 0
        child, up = at[has], up[has]
        matched_child = used[child] > 0
        np.add.at(c_part, up[matched_child], out_part[child][matched_child])
        np.add.at(c_whole, up[matched_child], out_whole[child][matched_child])
        np.add.at(c_used, up, used[child])
        np.add.at(c_units, up, units[child])
        np.maximum.at(c_level, up, unit_level[child])
    return pd.DataFrame(
        {"part": out_part, "whole": out_whole, "used": used, "units": units, "unit_level": unit_level}, index=rows.index
    )


def pair_columns(rows: pd.DataFrame, pairs, given=lambda column: "given", by: tuple[str, ...] = ()) -> pd.DataFrame:
    """``<key>__part``, ``__whole``, ``__used``, ``__units`` and ``__unit_level`` for each pair of ``pairs``
    (:class:`~ucj_dash.datasets.dataset.Pair`) on ``rows.index``; ``given(column)`` names the column
    saying whether that count's row was given explicitly."""
    out = {}
    parents = parent_positions(rows, by)
    for pair in pairs:
        matched = match(rows, pair.part, pair.whole, given(pair.part), given(pair.whole), by, parents)
        for suffix in SUFFIXES:
            out[pair.column(suffix)] = matched[suffix].to_numpy()
    return pd.DataFrame(out, index=rows.index)
