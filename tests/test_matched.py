"""Matched roll-ups (:mod:`ucj_dash.analysis.matched`): a rate's part and whole are summed only where both are known.

The property tests compare the library with an independent reference written here:
a plain dict-based recursion over a small code tree, following the four rules of the
module docstring (own row / matched children / meeting point / none), that computes
each source's rolled value itself (never calling ``roll_up`` or ``match``).

The store is pointed at a temporary folder (``UCJ_DATA_DIR``): the real ``data/`` is never touched.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ucj_dash.analysis import indicators, matched
from ucj_dash.datasets import figures, store
from ucj_dash.datasets.composition import Composition
from ucj_dash.datasets.dataset import PAIR_BY_KEY, DatasetMeta, roll_up

NAN = float("nan")
PART, WHOLE = "active_participants", "employed_workers"
UCJ = PAIR_BY_KEY["ucj"]
PERIOD = "2024-12"


def level(code: str) -> int:
    return 0 if code == "ID" else code.count(".") + 1


def same(a, b) -> bool:
    """Equal numbers, or both missing."""
    a, b = float(a), float(b)
    return (math.isnan(a) and math.isnan(b)) or a == b


# ---- the issue's example


def issue_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": ["53.71.01.1001", "53.71.01.1002"],
            "period": [PERIOD, PERIOD],
            WHOLE: [100.0, NAN],
            PART: [50.0, 40.0],
        }
    )


def test_issue_example_kecamatan_is_50_percent_on_1_of_2_villages():
    rolled = roll_up(issue_rows())
    # the plain roll-up sums every known figure: 90 participants over 100 workers
    plain = rolled.set_index("region_code")
    assert plain.loc["53.71.01", PART] == 90 and plain.loc["53.71.01", WHOLE] == 100
    pairs = matched.pair_columns(rolled, [UCJ])
    table = pd.concat([rolled, pairs], axis=1).set_index("region_code")
    rates = indicators.compute(table)
    for code in ("53.71.01", "53.71", "53", "ID"):
        row = table.loc[code]
        assert row["ucj__part"] == 50 and row["ucj__whole"] == 100, code
        assert (row["ucj__used"], row["ucj__units"], row["ucj__unit_level"]) == (1, 2, 4), code
        assert rates.loc[code, "ucj_coverage_pct"] == 50.0, code
        assert rates.loc[code, "uncovered_workers"] == 50, code
    # the villages themselves: A has its own rate, B none (never 0)
    assert rates.loc["53.71.01.1001", "ucj_coverage_pct"] == 50.0
    assert np.isnan(rates.loc["53.71.01.1002", "ucj_coverage_pct"])
    assert np.isnan(rates.loc["53.71.01.1002", "uncovered_workers"])
    assert (table.loc["53.71.01.1002", "ucj__used"], table.loc["53.71.01.1002", "ucj__units"]) == (0, 1)


def test_issue_example_through_the_store_and_figures(data_dir):
    store.save(DatasetMeta("desa-uji", "Desa uji", "uji", PERIOD, False), issue_rows())
    fig = figures.load(Composition.of({"participants": "desa-uji", "workers": "desa-uji"}))
    frame = fig.at(PERIOD)
    rates = indicators.compute(frame)
    for code in ("53.71.01", "53.71", "53", "ID"):
        assert rates.loc[code, "ucj_coverage_pct"] == 50.0, code
        assert rates.loc[code, "uncovered_workers"] == 50, code
        assert (frame.loc[code, "ucj__used"], frame.loc[code, "ucj__units"], frame.loc[code, "ucj__unit_level"]) == (1, 2, 4)


# ---- an independent reference


class Tree:
    """A small code tree: ``children[code]`` lists the code's children (the nation is ``ID``)."""

    def __init__(self, children: dict[str, list[str]]):
        self.children = children
        self.codes = list(children)

    def descendants_or_self(self, code: str) -> list[str]:
        out = [code]
        for child in self.children[code]:
            out.extend(self.descendants_or_self(child))
        return out


def ref_rolled(tree: Tree, given: dict[str, float]) -> dict[str, float]:
    """One source's rolled value per region present in its table (given, or with a given descendant):
    its own given value (even a missing one) wins, else the sum of its present children's values
    (missing if every one of them is missing)."""
    out: dict[str, float] = {}

    def visit(code: str) -> bool:
        present_children = [c for c in tree.children[code] if visit(c)]
        if code in given:
            out[code] = given[code]
            return True
        if not present_children:
            return False
        known = [out[c] for c in present_children if not math.isnan(out[c])]
        out[code] = sum(known) if known else NAN
        return True

    visit("ID")
    return out


def ref_match(tree: Tree, given_part: dict[str, float], given_whole: dict[str, float]) -> dict[str, tuple]:
    """(part, whole, used, units, unit_level) for every region of the tree, by the docstring's rules."""
    rolled_p, rolled_w = ref_rolled(tree, given_part), ref_rolled(tree, given_whole)
    out: dict[str, tuple] = {}

    def visit(code: str) -> tuple:
        kids = [visit(c) for c in tree.children[code]]
        p, w = rolled_p.get(code, NAN), rolled_w.get(code, NAN)
        both = not math.isnan(p) and not math.isnan(w)
        any_ = not math.isnan(p) or not math.isnan(w)
        lv = level(code)
        matched_kids = [k for k in kids if k[2] > 0]
        child_units = sum(k[3] for k in kids)
        child_level = max([k[4] for k in kids], default=-1)
        if both and code in given_part and code in given_whole:  # 1. own row
            result = (p, w, 1, 1, lv)
        elif matched_kids:  # 2. matched children
            result = (
                sum(k[0] for k in matched_kids),
                sum(k[1] for k in matched_kids),
                sum(k[2] for k in matched_kids),
                child_units,
                child_level,
            )
        elif both:  # 3. meeting point
            result = (p, w, 1, 1, lv)
        elif child_units:  # 4. no rate, but units with some data below
            result = (NAN, NAN, 0, child_units, child_level)
        else:
            result = (NAN, NAN, 0, 1 if any_ else 0, lv if any_ else -1)
        out[code] = result
        return result

    visit("ID")
    return out


def test_reference_on_the_issue_example():
    tree = Tree({"ID": ["53"], "53": ["53.71"], "53.71": ["53.71.01"], "53.71.01": ["53.71.01.1001", "53.71.01.1002"],
                 "53.71.01.1001": [], "53.71.01.1002": []})
    ref = ref_match(tree, {"53.71.01.1001": 50.0, "53.71.01.1002": 40.0}, {"53.71.01.1001": 100.0, "53.71.01.1002": NAN})
    assert ref["ID"] == (50.0, 100.0, 1, 2, 4)
    assert ref["53.71.01.1002"][2:] == (0, 1, 4)


# ---- strategies


@st.composite
def trees(draw) -> Tree:
    children: dict[str, list[str]] = {"ID": []}
    for i in range(draw(st.integers(1, 2))):
        prov = f"{51 + i}"
        children["ID"].append(prov)
        children[prov] = []
        for j in range(draw(st.integers(1, 3))):
            kab = f"{prov}.{71 + j:02d}"
            children[prov].append(kab)
            children[kab] = []
            for k in range(draw(st.integers(1, 3))):
                kec = f"{kab}.{k + 1:02d}"
                children[kab].append(kec)
                children[kec] = []
                for m in range(draw(st.integers(1, 4))):
                    village = f"{kec}.{2001 + m}"
                    children[kec].append(village)
                    children[village] = []
    return Tree(children)


values = st.one_of(st.just(NAN), st.integers(0, 1000).map(float))


@st.composite
def given_rows(draw, tree: Tree) -> dict[str, float]:
    """A source's given rows: some villages and/or some coarser regions (a region and some of its
    descendants may both be given), each with a value or missing."""
    villages = [c for c in tree.codes if level(c) == 4]
    coarser = [c for c in tree.codes if level(c) < 4]
    chosen = draw(st.lists(st.sampled_from(villages), unique=True))
    chosen += draw(st.lists(st.sampled_from(coarser), unique=True, max_size=4))
    return {code: draw(values) for code in chosen}


def rolled_side(given_by_period: dict[str, dict[str, float]], column: str, tag: str) -> pd.DataFrame:
    """One source's table rolled up by the library (``roll_up``), with its own level and given flag."""
    rows = [(code, period, value) for period, given in given_by_period.items() for code, value in given.items()]
    columns = ["region_code", "period", f"level_{tag}", f"given_{tag}", column]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in zip(columns, (str, str, "float64", bool, "float64"))})
    frame = pd.DataFrame(rows, columns=["region_code", "period", column])
    rolled = roll_up(frame)[["region_code", "period", "level", "given", column]]
    return rolled.rename(columns={"level": f"level_{tag}", "given": f"given_{tag}"})


def compose(sides: list[pd.DataFrame]) -> pd.DataFrame:
    """Outer join of the sources' rolled tables on (region, period), each keeping its own given flag."""
    out = sides[0].merge(sides[1], on=["region_code", "period"], how="outer")
    out["level"] = out["level_p"].fillna(out["level_w"]).astype("int64")
    for tag in ("p", "w"):
        out[f"given_{tag}"] = out[f"given_{tag}"].astype("boolean").fillna(False).astype(bool)
    return out


def check_against_reference(rows: pd.DataFrame, found: pd.DataFrame, tree: Tree, gp: dict, gw: dict, period: str):
    ref = ref_match(tree, gp, gw)
    rolled_p, rolled_w = ref_rolled(tree, gp), ref_rolled(tree, gw)
    at = rows["period"] == period
    codes = rows.loc[at, "region_code"].tolist()
    # the composed table holds exactly the regions either source has (given, or with a given descendant)
    assert sorted(codes) == sorted(set(rolled_p) | set(rolled_w))
    result = found[at.to_numpy()]
    rate = indicators.pct(result["part"], result["whole"])
    for i, code in enumerate(codes):
        got = result.iloc[i]
        want = ref[code]
        assert same(got["part"], want[0]) and same(got["whole"], want[1]), (code, period, got.to_dict(), want)
        assert (int(got["used"]), int(got["units"]), int(got["unit_level"])) == want[2:], (code, period, got.to_dict(), want)
        # rolled counts as the reference rolls them
        assert same(rows.loc[at, PART].iloc[i], rolled_p.get(code, NAN)), code
        assert same(rows.loc[at, WHOLE].iloc[i], rolled_w.get(code, NAN)), code
        # no data is never 0
        if math.isnan(want[0]):
            assert math.isnan(rate.iloc[i]), (code, rate.iloc[i])
        elif want[1] > 0:
            assert rate.iloc[i] == pytest.approx(want[0] / want[1] * 100)
        # the matched sums never exceed what was given in the subtree
        subtree = tree.descendants_or_self(code)
        if not math.isnan(got["part"]):
            assert got["part"] <= sum(gp[c] for c in subtree if c in gp and not math.isnan(gp[c]))
            assert got["whole"] <= sum(gw[c] for c in subtree if c in gw and not math.isnan(gw[c]))
        assert got["used"] <= got["units"]


@st.composite
def two_sources(draw):
    tree = draw(trees())
    periods = ["2024-11", "2024-12"][: draw(st.integers(1, 2))]
    part = {p: draw(given_rows(tree)) for p in periods}
    whole = {p: draw(given_rows(tree)) for p in periods}
    return tree, periods, part, whole


@settings(max_examples=60, deadline=None)
@given(two_sources())
def test_match_of_two_sources_agrees_with_the_reference(case):
    tree, periods, part, whole = case
    rows = compose([rolled_side(part, PART, "p"), rolled_side(whole, WHOLE, "w")])
    if rows.empty:
        return
    # all periods at once, matched per period
    found = matched.match(rows, PART, WHOLE, "given_p", "given_w", by=("period",))
    for period in periods:
        check_against_reference(rows, found, tree, part[period], whole[period], period)
    # each period alone, without ``by``
    for period in periods:
        alone = rows[rows["period"] == period].reset_index(drop=True)
        if not alone.empty:
            check_against_reference(alone, matched.match(alone, PART, WHOLE, "given_p", "given_w"), tree,
                                    part[period], whole[period], period)


# ---- through the real store


@st.composite
def village_data(draw):
    """Partial village data: some villages given (with either count possibly missing), at least one."""
    tree = draw(trees())
    villages = [c for c in tree.codes if level(c) == 4]
    chosen = draw(st.lists(st.sampled_from(villages), unique=True, min_size=1))
    rows = {code: (draw(values), draw(values)) for code in chosen}  # (active, employed)
    return tree, {c: a for c, (a, _) in rows.items()}, {c: e for c, (_, e) in rows.items()}


@st.composite
def two_datasets(draw):
    """Participants and employed workers from two datasets, each given at random levels."""
    tree = draw(trees())
    return tree, draw(given_rows(tree)), draw(given_rows(tree))


def save(dataset_id: str, given: dict[str, float], column: str) -> str | None:
    if not given:
        return None
    frame = pd.DataFrame({"region_code": list(given), "period": PERIOD, column: list(given.values())})
    store.save(DatasetMeta(dataset_id, dataset_id.title(), "uji", PERIOD, False), frame)
    return dataset_id


def check_coverage(composition: Composition, tree: Tree, gp: dict, gw: dict):
    figures.forget()
    fig = figures.load(composition)
    rates = indicators.compute(fig.at(PERIOD)).reindex(tree.codes)
    ref = ref_match(tree, gp, gw)
    for code in tree.codes:
        part, whole = ref[code][:2]
        want = part / whole * 100 if not math.isnan(whole) and whole > 0 else NAN
        got = rates.loc[code, "ucj_coverage_pct"]
        assert same(got, want) or got == pytest.approx(want), (code, got, want, ref[code])
        want_uncovered = max(whole - part, 0.0) if not math.isnan(whole) else NAN
        assert same(rates.loc[code, "uncovered_workers"], want_uncovered), (code, ref[code])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=village_data())
def test_coverage_of_one_dataset_through_store_and_figures_agrees_with_the_reference(data_dir, case):
    """Both counts in one dataset: the matched sums stored with its period."""
    tree, gp, gw = case
    frame = pd.DataFrame({"region_code": list(gp), "period": PERIOD, PART: list(gp.values()), WHOLE: list(gw.values())})
    store.save(DatasetMeta("uji-desa", "Desa uji", "uji", PERIOD, False), frame)
    check_coverage(Composition.of({"participants": "uji-desa", "workers": "uji-desa"}), tree, gp, gw)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=two_datasets())
def test_coverage_of_two_datasets_through_store_and_figures_agrees_with_the_reference(data_dir, case):
    """Participants and workers from two datasets (any levels): matched when composed."""
    tree, gp, gw = case
    for dataset_id in ("uji-peserta", "uji-pekerja"):
        if store.exists(dataset_id):
            store.delete(dataset_id)
    composition = Composition.of({"participants": save("uji-peserta", gp, PART), "workers": save("uji-pekerja", gw, WHOLE)})
    check_coverage(composition, tree, gp, gw)
