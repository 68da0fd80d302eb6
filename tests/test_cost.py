"""The cost of closing the gap, by hand: uncovered workers × the minimum BPU package."""

import numpy as np
import pandas as pd

from ucj_dash.analysis import cost
from ucj_dash.analysis.settings import DEFAULTS, Settings
from ucj_dash.text import fmt


def test_package_rates_are_named_settings_with_their_regulation():
    for key in ("jkk_bpu_min_rp", "jkm_bpu_rp", "bpu_min_package_rp", "jht_bpu_min_rp"):
        assert "PP" in DEFAULTS[key].source and DEFAULTS[key].as_of
    assert cost.per_worker_monthly_rp() == 16_800
    assert cost.per_worker_monthly_rp(with_jht=True) == 36_800


def test_gap_cost_per_month_and_year():
    row = pd.Series({"uncovered_vulnerable_workers": 41_200.0, "uncovered_extreme_poor_workers": np.nan})
    vul = cost.gap_cost(row, "vulnerable")
    assert vul.monthly_rp == 41_200 * 16_800 == 692_160_000
    assert vul.yearly_rp == 692_160_000 * 12
    assert fmt.rupiah(vul.monthly_rp) == "Rp692,2 juta"
    assert fmt.rupiah(vul.yearly_rp) == "Rp8,3 miliar"
    assert fmt.rupiah(vul.per_worker_rp, compact=False) == "Rp 16.800"
    with_jht = cost.gap_cost(row, "vulnerable", with_jht=True)
    assert with_jht.monthly_rp == 41_200 * 36_800
    missing = cost.gap_cost(row, "extreme_poor")
    assert np.isnan(missing.monthly_rp) and fmt.rupiah(missing.yearly_rp) == "—"  # no data is not Rp0


def test_edited_rates_change_the_cost():
    row = pd.Series({"uncovered_vulnerable_workers": 1000.0})
    assert cost.gap_cost(row, "vulnerable", Settings({"jkm_bpu_rp": 7_000})).monthly_rp == 17_000_000


def test_cost_columns_keep_missing_as_missing():
    table = pd.DataFrame({"uncovered_vulnerable_workers": [10.0, np.nan]})
    out = cost.cost_columns(table, "vulnerable")
    assert out["cost_monthly_rp"].iloc[0] == 168_000 and out["cost_yearly_rp"].iloc[0] == 2_016_000
    assert np.isnan(out["cost_yearly_rp"].iloc[1])
    assert cost.monthly_contribution_rp(float("nan")) != cost.monthly_contribution_rp(0)


def test_uncovered_workers_rest_on_the_matched_sums_of_each_groups_pair():
    """Village A: 100 vulnerable, 30 covered; village B: vulnerable unknown, 50 covered. The kecamatan's
    uncovered vulnerable workers are 70 (A only), not 100 − 80 = 20; its cost is theirs."""
    from ucj_dash.analysis import indicators
    from ucj_dash.datasets.dataset import PAIR_BY_KEY

    assert set(cost.PAIRS) == set(cost.GROUPS)
    for group, key in cost.PAIRS.items():
        pair = PAIR_BY_KEY[key]
        coverage = next(c for c in indicators.COVERAGES.values() if c.pair == key)
        assert coverage.uncovered_column == cost.GROUPS[group] and pair.whole == coverage.denominator
    counts = pd.DataFrame({"vulnerable_workers": [100.0], "vulnerable_covered": [80.0], "vulnerable__part": [30.0],
                           "vulnerable__whole": [100.0]}, index=["53.02.05"])
    for column in ("employed_workers", "active_participants", "registered_participants", "extreme_poor_workers",
                   "extreme_poor_workers_covered", "population", "extreme_poor_population", "village_officials",
                   "village_officials_enrolled"):
        counts[column] = np.nan
    row = indicators.compute(counts).iloc[0]
    assert row["uncovered_vulnerable_workers"] == 70
    assert cost.gap_cost(row, "vulnerable").monthly_rp == 70 * 16_800
    assert np.isnan(cost.gap_cost(row, "extreme_poor").monthly_rp)  # no figures: no cost, not Rp0
