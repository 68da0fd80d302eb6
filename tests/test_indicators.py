"""Indicators with hand-computed expectations and their edge cases."""

import numpy as np
import pandas as pd
import pytest

from ucj_dash import fmt, indicators
from ucj_dash.i18n import TEXTS
from ucj_dash.settings import DEFAULTS, Settings


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


def test_translation_table_is_complete():
    for key, entry in TEXTS.items():
        assert entry.get("id") and entry.get("en"), key
