"""Profile figures on the real demo data, checked against sums computed by hand from village rows."""

import numpy as np
import pandas as pd
import pytest

from ucj_dash.analysis import profile
from ucj_dash.analysis.settings import Settings
from ucj_dash.geography.regions import Level
from ucj_dash.views import mapview


def test_trend_has_every_period_and_the_latest_matches_the_region_row(demo_dataset):
    s = Settings()
    trend = profile.trend(demo_dataset, "53", s)
    assert trend.index.tolist() == demo_dataset.periods
    row = mapview.region_row(demo_dataset, "53", demo_dataset.latest_period, s)
    assert trend["ucj_coverage_pct"].iloc[-1] == pytest.approx(row["ucj_coverage_pct"])
    assert (trend["target_pct"] == 52.15).all()


def test_sibling_rank_counts_higher_siblings(demo_dataset, registry):
    s = Settings()
    period = demo_dataset.latest_period
    values = mapview.children_table(demo_dataset, registry, "ID", period, s).set_index("code")["ucj_coverage_pct"]
    rank = profile.sibling_rank(demo_dataset, registry, "53", period, s, "ucj_coverage_pct")
    assert rank.rank == int((values > values["53"]).sum()) + 1
    assert rank.total == 38 and rank.with_data == 38


def test_village_officials_share_of_villages_all_enrolled(demo_dataset, registry):
    period = demo_dataset.latest_period
    rows = demo_dataset.at(period)
    villages = rows.loc[registry.descendants("53.02", Level.VILLAGE)]
    known = villages[villages["village_officials"] > 0]
    expected_full = int((known["village_officials_enrolled"] >= known["village_officials"]).sum())
    vo = profile.village_officials(demo_dataset, "53.02", period)
    assert vo.villages_reporting == len(known)
    assert vo.villages_all_enrolled == expected_full
    # Timor Tengah Selatan: all officials enrolled (NTT, 2022)
    assert vo.enrolled == vo.officials and vo.villages_all_enrolled_pct == pytest.approx(100.0)
    one = profile.village_officials(demo_dataset, known.index[0], period)
    assert one.villages_reporting == 1


def test_coverage_figures_for_each_denominator():
    row = pd.Series({
        "active_participants": 300.0, "employed_workers": 1000.0, "ucj_coverage_pct": 30.0, "uncovered_workers": 700.0,
        "vulnerable_covered": np.nan, "vulnerable_workers": 200.0, "vulnerable_coverage_pct": np.nan,
        "uncovered_vulnerable_workers": np.nan, "target_pct": 52.15,
    })
    f = profile.coverage_figures(row, "employed_active")
    assert f.gap_to_target == pytest.approx(221.5) and f.target_met is False
    v = profile.coverage_figures(row, "vulnerable")
    assert np.isnan(v.gap_to_target) and v.target_met is None
