"""The demo dataset: deterministic, complete, plausible, labelled simulated."""

import hashlib

import pandas as pd

from ucj_dash.analysis import indicators
from ucj_dash.datasets import demo


def _digest(frame: pd.DataFrame) -> str:
    return hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()).hexdigest()


def test_generator_is_deterministic(registry, demo_dataset):
    again = demo.generate(registry)
    assert _digest(again.figures) == _digest(demo_dataset.figures)
    other = demo.generate(registry, seed=demo.SEED + 1)
    assert _digest(other.figures) != _digest(demo_dataset.figures)


def test_every_village_every_quarter(registry, demo_dataset):
    assert demo_dataset.periods == demo.PERIODS and len(demo.PERIODS) >= 8
    figures = demo_dataset.figures
    assert figures.groupby("period")["region_code"].nunique().eq(83_762).all()


def test_anchored_on_real_population_and_consistent_under_roll_up(registry, demo_dataset):
    latest = demo_dataset.at(demo_dataset.latest_period)
    kab = registry.codes_at(2)
    assert (latest.loc[kab, "population"] == registry.table.loc[kab, "population"]).all()
    assert latest.at["ID", "population"] == 284_973_643
    assert latest.at["53", "active_participants"] == latest.loc[registry.children("53"), "active_participants"].sum()


def test_national_figures_near_their_anchors(demo_dataset):
    latest = indicators.compute(demo_dataset.at(demo_dataset.latest_period))
    assert 35.5 <= latest.at["ID", "ucj_coverage_pct"] <= 36.5
    assert 0.80 <= latest.at["ID", "extreme_poverty_rate_pct"] <= 0.86
    first = indicators.compute(demo_dataset.at(demo_dataset.periods[0]))
    assert first.at["ID", "ucj_coverage_pct"] < latest.at["ID", "ucj_coverage_pct"]


def test_regional_spread_is_realistic(demo_dataset):
    ep = indicators.compute(demo_dataset.at(demo_dataset.latest_period))["extreme_poverty_rate_pct"]
    papua = ep.loc[["91", "92", "93", "94", "95", "96"]]
    assert papua.min() > 3 * max(ep["51"], ep["31"], ep["64"])  # Papua vs Bali, Jakarta, Kaltim
    assert ep["51"] < 0.83 and ep["31"] < 0.83


def test_no_data_is_present_and_kelurahan_have_no_village_officials(registry, demo_dataset):
    latest = demo_dataset.at(demo_dataset.latest_period)
    villages = latest[latest["level"] == 4]
    assert villages["vulnerable_workers"].isna().any()
    kel = [c for c in registry.children("53.71.01")]
    assert latest.loc[kel, "village_officials"].isna().all()


def test_labelled_simulated(demo_dataset):
    assert demo_dataset.meta.simulated is True
    assert "simula" in demo_dataset.meta.name.lower()
