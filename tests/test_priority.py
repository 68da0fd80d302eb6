"""Priority groups and ranking with hand-computed expectations."""

import numpy as np
import pandas as pd
import pytest

from ucj_dash.analysis import priority
from ucj_dash.analysis.settings import Settings


def _table(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    base = {
        "code": [f"53.{i + 1:02d}" for i in range(n)],
        "name": [f"Kab {i + 1}" for i in range(n)],
        "target_pct": [52.15] * n,
        "ucj_coverage_pct": [30.0] * n,
        "extreme_poverty_rate_pct": [1.0] * n,
        "uncovered_extreme_poor_workers": [0.0] * n,
        "uncovered_vulnerable_workers": [0.0] * n,
        "gap_to_target_workers": [0.0] * n,
    }
    base.update(cols)
    return pd.DataFrame(base)


def test_quadrants_with_edges_on_the_lines():
    table = _table(
        extreme_poverty_rate_pct=[3.1, 3.1, 0.5, 0.83, np.nan, 1.0],
        ucj_coverage_pct=[18.0, 60.0, 18.0, 52.15, 20.0, np.nan],
    )
    groups = priority.quadrants(table, Settings()).tolist()
    # exactly on the baseline is not above it; exactly on the target has met it
    assert groups == ["act_first", "poor_on_target", "low_coverage", "on_track", "no_data", "no_data"]


def test_rank_puts_act_first_group_first_then_score():
    table = _table(
        extreme_poverty_rate_pct=[0.5, 3.1, 2.0, np.nan],
        ucj_coverage_pct=[10.0, 18.0, 20.0, 5.0],
        uncovered_extreme_poor_workers=[0.0, 100.0, 50.0, 9999.0],
        uncovered_vulnerable_workers=[100_000.0, 1000.0, 5000.0, 9999.0],
    )
    ranked = priority.rank(table, Settings())
    # scores: 2×ep + vul → 100000, 1200, 5100; group first: the two act-first ones by score, then the rest
    assert ranked["code"].tolist() == ["53.03", "53.02", "53.01", "53.04"]
    assert ranked["rank"].tolist() == [1, 2, 3, 4]
    assert ranked["score"].tolist()[:3] == [5100.0, 1200.0, 100_000.0]
    flat = priority.rank(table, Settings(), priority.Rule(act_first_group_first=False))
    assert flat["code"].tolist() == ["53.01", "53.03", "53.02", "53.04"]  # no-data group still last


def test_missing_terms_are_skipped_not_zero_and_all_missing_ranks_last():
    table = _table(
        extreme_poverty_rate_pct=[2.0, 2.0],
        uncovered_extreme_poor_workers=[np.nan, np.nan],
        uncovered_vulnerable_workers=[10.0, np.nan],
    )
    scores = priority.score(table, priority.Rule())
    assert scores.iloc[0] == 10.0 and np.isnan(scores.iloc[1])
    assert priority.rank(table, Settings())["code"].tolist() == ["53.01", "53.02"]


def test_reason_in_words_both_languages():
    row = _table(
        extreme_poverty_rate_pct=[3.1], ucj_coverage_pct=[18.0], uncovered_extreme_poor_workers=[2_500.0],
        uncovered_vulnerable_workers=[41_200.0],
    ).iloc[0]
    assert priority.reason(row, Settings(), "id") == (
        "kemiskinan ekstrem 3,10% — 3,7× baseline 0,83%; cakupan 18,0% vs target 52,15%; "
        "2.500 pekerja miskin ekstrem belum terlindungi; 41.200 pekerja rentan belum terlindungi"
    )
    assert priority.reason(row, Settings(), "en") == (
        "extreme poverty 3.10% — 3.7× the 0.83% baseline; coverage 18.0% vs target 52.15%; "
        "2,500 extreme-poor workers uncovered; 41,200 vulnerable workers uncovered"
    )


def test_reason_names_missing_data_and_flags_over_100():
    row = _table(extreme_poverty_rate_pct=[np.nan], ucj_coverage_pct=[112.0], uncovered_vulnerable_workers=[np.nan]).iloc[0]
    text = priority.reason(row, Settings(), "id")
    assert "data kemiskinan ekstrem tidak tersedia" in text
    assert "112,0%" in text and "periksa data" in text
    assert "data pekerja rentan tidak tersedia" in text


def test_moving_the_baseline_moves_regions_between_groups():
    table = _table(extreme_poverty_rate_pct=[0.9])
    assert priority.quadrants(table, Settings()).iloc[0] == "act_first"
    assert priority.quadrants(table, Settings({"extreme_poverty_baseline_pct": 1.0})).iloc[0] == "low_coverage"


def test_real_provinces_every_region_in_exactly_one_group(demo_dataset, registry):
    from ucj_dash.views import mapview

    table = mapview.children_table(demo_dataset, registry, "ID", demo_dataset.latest_period, Settings())
    ranked = priority.rank(table, Settings())
    counts = priority.group_counts(ranked)
    assert sum(counts.values()) == 38
    assert ranked["rank"].tolist() == list(range(1, 39))
    assert set(ranked.loc[ranked["code"].isin(["91", "95"]), "quadrant"]) == {"act_first"}  # Papua: poor, low coverage
    classes = priority.quadrant_classes(ranked["quadrant"])
    assert len(classes.colors) == 4 and (classes.index >= 0).all()


def test_levels_within_a_parent_and_the_level_a_link_names():
    from ucj_dash.geography.regions import Level

    assert priority.levels_within("ID") == [Level.PROVINCE, Level.REGENCY]
    assert priority.levels_within("53.02") == [Level.DISTRICT, Level.VILLAGE]
    assert priority.levels_within("53.02.02") == [Level.VILLAGE]
    assert priority.pick_level("53", None) == (Level.REGENCY, False)
    assert priority.pick_level("53", "kec") == (Level.DISTRICT, False)
    assert priority.pick_level("53", "desa") == (Level.REGENCY, True)  # too deep: the children's, and say so
    assert priority.pick_level("53", "nope") == (Level.REGENCY, True)


def test_rule_falls_back_to_a_coverage_the_data_gives():
    rule = priority.Rule(coverage="employed_registered", weight_gap=1.0)
    assert rule.within(["employed_active", "employed_registered"]) is rule
    fallback = rule.within(["employed_active", "vulnerable"])
    assert fallback.coverage == "employed_active" and fallback.weight_gap == 1.0
    assert rule.within([]) is rule  # no coverage in the data at all: every region is "no data"


def test_scatter_leaves_out_no_data_and_survives_an_empty_selection():
    ranked = priority.rank(_table(extreme_poverty_rate_pct=[3.1, np.nan, 1.0],
                                  uncovered_workers=[400.0, 900.0, np.nan]), Settings())
    bubbles = priority.scatter(ranked)
    assert sorted(bubbles.points["code"]) == ["53.01", "53.03"] and bubbles.missing == 1
    assert bubbles.size_column == "uncovered_workers"
    assert bubbles.sizeref == pytest.approx(2 * 400 / priority.BUBBLE_MAX_PX**2)  # the largest bubble drawn
    empty = priority.scatter(priority.rank(_table(extreme_poverty_rate_pct=[np.nan, np.nan],
                                                  uncovered_workers=[5.0, 6.0]), Settings()))
    assert empty.points.empty and empty.missing == 2 and empty.sizeref == 2 / priority.BUBBLE_MAX_PX**2


def test_rankable_rows_rest_on_a_group_or_a_score():
    ranked = priority.rank(_table(
        extreme_poverty_rate_pct=[np.nan, np.nan, 1.0],
        uncovered_extreme_poor_workers=[np.nan, 10.0, np.nan],
        uncovered_vulnerable_workers=[np.nan, np.nan, np.nan],
    ), Settings())
    assert sorted(priority.rankable(ranked)["code"]) == ["53.02", "53.03"]
    assert priority.rankable(ranked.iloc[:0]).empty


def test_below_the_denominators_level_every_region_is_no_data(demo_figures, registry):
    """The demo's poverty and employed workers are given by kabupaten: kecamatan have neither rate and
    are all "no data" (never "on track"), while kabupaten are placed by figures computed from them."""
    from ucj_dash.analysis import indicators
    from ucj_dash.views import mapview

    period = demo_figures.latest_period
    kec = mapview.children_table(demo_figures, registry, "53.02", period, Settings())
    ranked = priority.rank(kec, Settings())
    assert set(ranked["quadrant"]) == {"no_data"}
    assert priority.group_counts(ranked)["no_data"] == len(registry.children("53.02"))
    kab = mapview.children_table(demo_figures, registry, "53", period, Settings()).set_index("code")
    at = demo_figures.at(period).loc[kab.index]
    poor = at["extreme_poor_population"] / at["population"] * 100 > Settings().baseline_pct
    low = at["active_participants"] / at["employed_workers"] * 100 < Settings().target_pct
    names = {(True, True): "act_first", (True, False): "poor_on_target", (False, True): "low_coverage",
             (False, False): "on_track"}
    expected = [names[(bool(p), bool(c))] for p, c in zip(poor, low)]
    assert priority.quadrants(kab.reset_index(), Settings()).tolist() == expected
    assert indicators.compute(at)["extreme_poverty_rate_pct"].notna().all()
