"""Profile figures on the real demo data, checked against sums computed by hand from village rows."""

import numpy as np
import pandas as pd
import pytest

from ucj_dash.analysis import indicators, profile
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets import figures, store
from ucj_dash.datasets.composition import Composition
from ucj_dash.datasets.dataset import COUNT_COLUMNS, DatasetMeta
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


def _row(**values) -> pd.Series:
    """An indicator row: every count (NaN unless given), the given values, and the indicators computed from them."""
    counts = pd.DataFrame({c: [values.get(c, np.nan)] for c in COUNT_COLUMNS}, index=["53.02"], dtype="float64")
    for key, value in values.items():
        if key not in counts:
            counts[key] = value
    return pd.concat([counts, indicators.compute(counts)], axis=1).iloc[0]


def test_coverage_figures_for_each_denominator():
    row = _row(active_participants=300.0, employed_workers=1000.0, vulnerable_workers=200.0)
    f = profile.coverage_figures(row, "employed_active")
    assert (f.covered, f.denominator, f.pct, f.uncovered) == (300.0, 1000.0, pytest.approx(30.0), 700.0)
    assert f.gap_to_target == pytest.approx(221.5) and f.target_met is False
    v = profile.coverage_figures(row, "vulnerable")  # covered vulnerable workers unknown: no rate, no gap
    assert np.isnan(v.covered) and np.isnan(v.denominator) and np.isnan(v.pct)
    assert np.isnan(v.gap_to_target) and v.target_met is None


def test_coverage_figures_rest_on_the_matched_sums():
    """A kecamatan with village A (100 employed, 50 active) and village B (employed unknown, 40 active): 50%, not 90%."""
    row = _row(active_participants=90.0, employed_workers=100.0, ucj__part=50.0, ucj__whole=100.0, ucj__used=1.0, ucj__units=2.0,
               ucj__unit_level=4.0)
    f = profile.coverage_figures(row, "employed_active")
    assert (f.covered, f.denominator, f.pct, f.uncovered) == (50.0, 100.0, pytest.approx(50.0), 50.0)
    assert f.gap_to_target == pytest.approx(52.15 - 50.0)
    assert profile.gap_to_target(row.to_frame().T, "employed_active").iloc[0] == pytest.approx(2.15)


def test_trend_takes_each_months_denominator(demo_figures):
    """Participants of each month over the latest Sakernas August at or before it."""
    trend = profile.trend(demo_figures, "53", Settings())
    participants, sakernas = store.load("demo-peserta"), store.load("demo-sakernas")
    for period in ("2024-03", "2024-07", "2024-08", "2024-12"):
        august = "2023-08" if period < "2024-08" else "2024-08"
        expected = (participants.at(period).loc["53", "active_participants"]
                    / sakernas.at(august).loc["53", "employed_workers"] * 100)
        assert trend.loc[period, "ucj_coverage_pct"] == pytest.approx(expected)
    march = store.load("demo-kemiskinan").at("2024-03").loc["53"]
    assert trend.loc["2024-12", "extreme_poverty_rate_pct"] == pytest.approx(
        march["extreme_poor_population"] / march["population"] * 100)


def test_trend_shows_a_missing_period_as_a_gap(tmp_path, monkeypatch):
    monkeypatch.setenv("UCJ_DATA_DIR", str(tmp_path / "data"))
    figures.forget()
    rows = pd.DataFrame({"region_code": ["53.02.05.2001", "53.02.05.2001", "53.02.05.2002"],
                         "period": ["2024-09", "2024-12", "2024-12"], "employed_workers": [100.0, 100.0, 50.0],
                         "active_participants": [20.0, 30.0, 10.0]})
    store.save(DatasetMeta("gap", "gap", "uji", "2024-12", False), rows)
    fig = figures.load(Composition.of({"participants": "gap", "workers": "gap"}))
    trend = profile.trend(fig, "53.02.05.2002", Settings())
    assert trend.index.tolist() == ["2024-09", "2024-12"]
    assert np.isnan(trend.loc["2024-09", "ucj_coverage_pct"]) and np.isnan(trend.loc["2024-09", "active_participants"])
    assert trend.loc["2024-12", "ucj_coverage_pct"] == pytest.approx(20.0)
    kec = profile.trend(fig, "53.02.05", Settings())
    assert kec["ucj_coverage_pct"].tolist() == pytest.approx([20.0, 40 / 150 * 100])
    figures.forget()
