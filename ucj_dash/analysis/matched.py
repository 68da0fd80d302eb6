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


def parent_codes(codes: pd.Series, level: int) -> pd.Series:
    """Parent code of each code at ``level`` (provinces' parent is the nation)."""
    if level == 1:
        return pd.Series(NATION_CODE, index=codes.index)
    return codes.str[: _PARENT_LEN[level]]


def match(
    rows: pd.DataFrame, part: str, whole: str, given_part: str = "given", given_whole: str = "given", by: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Matched ``part``/``whole`` sums for every row of ``rows``.

    ``rows`` holds regions of any levels (columns ``region_code``, ``level``, the
    two counts rolled up, two boolean "given explicitly" columns and the ``by``
    columns, e.g. ``period``); a region's children must be in ``rows`` for their
    sums to count. Returns a frame on ``rows.index`` with ``part``, ``whole``
    (persons, NaN: no rate), ``used``, ``units`` and ``unit_level``.
    """
    by = list(by)
    p = rows[part].to_numpy(dtype="float64")
    w = rows[whole].to_numpy(dtype="float64")
    both = ~np.isnan(p) & ~np.isnan(w)
    any_ = ~np.isnan(p) | ~np.isnan(w)
    own = both & rows[given_part].to_numpy(dtype=bool) & rows[given_whole].to_numpy(dtype=bool)
    levels = rows["level"].to_numpy()
    n = len(rows)
    out_part = np.full(n, np.nan)
    out_whole = np.full(n, np.nan)
    used = np.zeros(n, dtype="int64")
    units = np.zeros(n, dtype="int64")
    unit_level = np.full(n, -1, dtype="int64")
    children: pd.DataFrame | None = None  # stats of the level below, keyed by (parent code, *by)
    for lv in range(4, -1, -1):
        at = np.flatnonzero(levels == lv)
        if len(at) == 0:
            children = None
            continue
        if children is not None and not children.empty:
            keys = pd.MultiIndex.from_frame(rows.iloc[at][["region_code", *by]]) if by else pd.Index(rows["region_code"].iloc[at])
            c = children.reindex(keys)
            c_part, c_whole = c["part"].to_numpy(), c["whole"].to_numpy()
            c_used = c["used"].fillna(0).to_numpy(dtype="int64")
            c_units = c["units"].fillna(0).to_numpy(dtype="int64")
            c_level = c["unit_level"].fillna(-1).to_numpy(dtype="int64")
        else:
            c_part = c_whole = np.full(len(at), np.nan)
            c_used = c_units = np.zeros(len(at), dtype="int64")
            c_level = np.full(len(at), -1, dtype="int64")
        case_own = own[at]
        case_children = ~case_own & (c_used > 0)
        case_meet = ~case_own & ~case_children & both[at]
        single = case_own | case_meet
        out_part[at] = np.where(single, p[at], np.where(case_children, c_part, np.nan))
        out_whole[at] = np.where(single, w[at], np.where(case_children, c_whole, np.nan))
        used[at] = np.where(single, 1, np.where(case_children, c_used, 0))
        units[at] = np.where(single, 1, np.where(c_units > 0, c_units, any_[at].astype("int64")))
        unit_level[at] = np.where(single, lv, np.where(c_units > 0, c_level, np.where(any_[at], lv, -1)))
        if lv == 0:
            break
        stats = pd.DataFrame(
            {
                "parent": parent_codes(rows["region_code"].iloc[at], lv).to_numpy(),
                **{col: rows[col].iloc[at].to_numpy() for col in by},
                "part": np.where(used[at] > 0, out_part[at], np.nan),
                "whole": np.where(used[at] > 0, out_whole[at], np.nan),
                "used": used[at],
                "units": units[at],
                "unit_level": unit_level[at],
            }
        )
        children = stats.groupby(["parent", *by], sort=False).agg(
            part=("part", "sum"),
            whole=("whole", "sum"),
            used=("used", "sum"),
            units=("units", "sum"),
            unit_level=("unit_level", "max"),
        )
        # unmatched children add NaN (skipped); a parent without a matched child never uses these sums
        children.index = children.index.set_names(["region_code", *by])
    return pd.DataFrame(
        {"part": out_part, "whole": out_whole, "used": used, "units": units, "unit_level": unit_level}, index=rows.index
    )


def pair_columns(rows: pd.DataFrame, pairs, given=lambda column: "given", by: tuple[str, ...] = ()) -> pd.DataFrame:
    """``<key>__part``, ``__whole``, ``__used``, ``__units`` and ``__unit_level`` for each pair of ``pairs``
    (:class:`~ucj_dash.datasets.dataset.Pair`) on ``rows.index``; ``given(column)`` names the column
    saying whether that count's row was given explicitly."""
    out = {}
    for pair in pairs:
        matched = match(rows, pair.part, pair.whole, given(pair.part), given(pair.whole), by)
        for suffix in SUFFIXES:
            out[pair.column(suffix)] = matched[suffix].to_numpy()
    return pd.DataFrame(out, index=rows.index)
