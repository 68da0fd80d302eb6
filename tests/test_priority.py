"""Priority groups and ranking with hand-computed expectations."""

import numpy as np
import pandas as pd

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
