"""Indicators with hand-computed expectations and their edge cases."""

import numpy as np
import pandas as pd
import pytest

from ucj_dash.analysis import indicators
from ucj_dash.analysis.settings import DEFAULTS, Settings
from ucj_dash.text import fmt


def _counts(**cols):
    return pd.DataFrame({k: pd.Series(v, dtype="float64") for k, v in cols.items()}).reindex(
        columns=[
            "population", "employed_workers", "active_participants", "registered_participants", "vulnerable_workers",
            "vulnerable_covered", "extreme_poor_population", "extreme_poor_workers", "extreme_poor_workers_covered",
            "village_officials", "village_officials_enrolled",
        ]
    )


def test_coverage_and_gaps():
    c = _counts(employed_workers=[1000, 0, np.nan, 100], active_participants=[360, 0, 5, 120])
    out = indicators.compute(c)
    assert out["ucj_coverage_pct"].iloc[0] == pytest.approx(36.0)
    assert np.isnan(out["ucj_coverage_pct"].iloc[1])  # zero workers: no rate, not 0%
    assert np.isnan(out["ucj_coverage_pct"].iloc[2])
    assert out["ucj_coverage_pct"].iloc[3] == pytest.approx(120.0)  # bad data is shown...
    assert bool(out["coverage_over_100"].iloc[3])  # ...and flagged
    assert out["uncovered_workers"].iloc[0] == 640
    assert out["gap_to_target_workers"].iloc[0] == pytest.approx(1000 * 0.5215 - 360)


def test_extreme_poverty_against_baseline():
    out = indicators.compute(_counts(population=[10_000, 10_000, np.nan], extreme_poor_population=[83, 332, 5]))
    assert out["extreme_poverty_rate_pct"].iloc[0] == pytest.approx(0.83)
    assert out["extreme_poverty_vs_baseline_pp"].iloc[0] == pytest.approx(0.0)
    assert out["extreme_poverty_ratio_to_baseline"].iloc[1] == pytest.approx(4.0)
    assert np.isnan(out["extreme_poverty_rate_pct"].iloc[2])  # missing poverty data
    moved = indicators.compute(_counts(population=[10_000], extreme_poor_population=[83]), Settings({"extreme_poverty_baseline_pct": 0.85}))
    assert moved["extreme_poverty_vs_baseline_pp"].iloc[0] == pytest.approx(-0.02)


def test_coverage_classes_thresholds_belong_to_the_higher_class():
    assert indicators.coverage_class(24.99) == "very_low"
    assert indicators.coverage_class(25.0) == "low"
    assert indicators.coverage_class(40.0) == "medium"
    assert indicators.coverage_class(60.0) == "high"
    assert indicators.coverage_class(float("nan")) is None


def test_every_setting_has_source_and_date():
    for setting in DEFAULTS.values():
        assert setting.source and setting.as_of and setting.unit, setting.key
    assert DEFAULTS["extreme_poverty_baseline_pct"].value == 0.83
    assert "Maret 2024" in DEFAULTS["extreme_poverty_baseline_pct"].as_of
    assert "2,15" in DEFAULTS["extreme_poverty_baseline_pct"].note  # the new-line caveat


def test_formatting_is_indonesian_and_never_prints_missing_as_zero():
    assert fmt.number(1234567) == "1.234.567"
    assert fmt.number(1234567, "en") == "1,234,567"
    assert fmt.percent(35.86) == "35,9%"
    assert fmt.rupiah(1_234_000_000) == "Rp1,2 miliar"
    assert fmt.rupiah(1_234_567, compact=False) == "Rp 1.234.567"
    assert fmt.points(-0.54) == "−0,54 poin"
    assert fmt.percent(float("nan")) == fmt.NO_DATA == fmt.number(None)


def test_target_exactly_met_has_no_gap_and_counts_as_met():
    out = indicators.compute(_counts(employed_workers=[10_000, 10_000], active_participants=[5215, 5214]))
    assert out["gap_to_target_workers"].iloc[0] == pytest.approx(0.0)
    assert out["target_met"].iloc[0] == True  # noqa: E712 (exactly on target)
    assert out["gap_to_target_workers"].iloc[1] == pytest.approx(1.0)
    assert out["target_met"].iloc[1] == False  # noqa: E712


def test_zero_and_missing_workers_give_no_data_not_zero():
    out = indicators.compute(_counts(employed_workers=[0, np.nan], active_participants=[0, np.nan]))
    assert out["ucj_coverage_pct"].isna().all()
    assert out["target_met"].isna().all()  # unknown, not "not met"
    assert np.isnan(out["uncovered_workers"].iloc[1])


def test_region_targets_apply_to_the_region_and_its_descendants():
    s = Settings(region_targets={"53": 30.0, "53.02": 40.0})
    counts = _counts(employed_workers=[1000] * 4, active_participants=[300] * 4)
    counts.index = ["53.01", "53.02.01", "52", "53"]
    out = indicators.compute(counts, s)
    assert out["target_pct"].tolist() == [30.0, 40.0, 52.15, 30.0]
    assert out["gap_to_target_workers"].tolist() == pytest.approx([0.0, 100.0, 221.5, 0.0])
    assert s.target_for("ID") == 52.15


def test_every_over_100_rate_is_flagged():
    out = indicators.compute(
        _counts(employed_workers=[100, 100, 100], active_participants=[50, 50, 50], vulnerable_workers=[10, 10, 10],
                vulnerable_covered=[5, 11, 5], extreme_poor_workers=[4, 4, 4], extreme_poor_workers_covered=[1, 1, 5])
    )
    assert out["coverage_over_100"].tolist() == [False, True, True]


def test_available_coverages_follow_the_data():
    full = _counts(employed_workers=[10], active_participants=[5], registered_participants=[7], vulnerable_workers=[3],
                   vulnerable_covered=[1], extreme_poor_workers=[2], extreme_poor_workers_covered=[1])
    assert indicators.available_coverages(full) == ["employed_active", "employed_registered", "vulnerable", "extreme_poor"]
    no_registered = full.assign(registered_participants=np.nan)
    assert "employed_registered" not in indicators.available_coverages(no_registered)


def test_settings_package_follows_its_parts_and_edits_are_checked(registry):
    from ucj_dash.analysis.settings import check

    s = Settings({"jkk_bpu_min_rp": 12_000})
    assert s["bpu_min_package_rp"] == 18_800
    assert s.overrides() == {"jkk_bpu_min_rp": 12_000}
    assert Settings.from_key(s.key())["bpu_min_package_rp"] == 18_800
    assert check({"ucj_target_pct": 40.0}, {"53.02": 60.0}, registry) == []
    keys = [p.key for p in check({"class_low_below_pct": 10.0, "ucj_target_pct": 140.0}, {"99.99": 50.0, "53": 120.0}, registry)]
    assert keys == ["settings.out_of_range", "settings.breaks_order", "error.unknown_code", "settings.target_range"]


def test_rates_and_gaps_use_the_matched_pair_columns_when_present():
    """The pair columns (``<key>__part/__whole``) win over the rolled-up counts: a kecamatan with village A
    (100 employed, 50 active) and village B (employed unknown, 40 active) is 50% covered, not 90%."""
    c = _counts(employed_workers=[100.0], active_participants=[90.0])
    c["ucj__part"], c["ucj__whole"] = [50.0], [100.0]
    out = indicators.compute(c)
    assert out["ucj_coverage_pct"].iloc[0] == pytest.approx(50.0)
    assert out["uncovered_workers"].iloc[0] == 50
    assert out["gap_to_target_workers"].iloc[0] == pytest.approx(52.15 - 50.0)
    assert not out["target_met"].iloc[0]
    # no matched sums (NaN): no rate even where both rolled-up counts are known
    c["ucj__part"], c["ucj__whole"] = [np.nan], [np.nan]
    out = indicators.compute(c)
    assert np.isnan(out["ucj_coverage_pct"].iloc[0]) and np.isnan(out["uncovered_workers"].iloc[0])
    assert np.isnan(out["gap_to_target_workers"].iloc[0]) and pd.isna(out["target_met"].iloc[0])
    assert indicators.available_coverages(c) == []


def test_without_pair_columns_each_row_is_matched_on_its_own():
    c = _counts(employed_workers=[100.0, np.nan, 100.0], active_participants=[np.nan, 40.0, 30.0],
                registered_participants=[80.0, 50.0, np.nan])
    sums = indicators.matched_sums(c)
    part, whole = sums["ucj"]
    assert part.isna().tolist() == [True, True, False] and whole.isna().tolist() == [True, True, False]
    out = indicators.compute(c)
    assert out["ucj_coverage_pct"].isna().tolist() == [True, True, False]
    assert out["uncovered_workers"].isna().tolist() == [True, True, False]  # a whole without its part: not "all uncovered"
    assert out["registered_coverage_pct"].iloc[0] == pytest.approx(80.0)
    assert out["registered_coverage_pct"].iloc[1:].isna().all()
    part, whole = indicators.COVERAGES["employed_registered"].sums(c)
    assert part.tolist()[0] == 80.0 and whole.tolist()[0] == 100.0


def test_every_pair_has_a_rate_column_and_every_metric_and_coverage_a_pair():
    from ucj_dash.datasets.dataset import PAIR_BY_KEY

    for metric in indicators.METRICS.values():
        assert metric.pair in PAIR_BY_KEY
    for coverage in indicators.COVERAGES.values():
        pair = PAIR_BY_KEY[coverage.pair]
        assert (pair.part, pair.whole) == (coverage.numerator, coverage.denominator)
