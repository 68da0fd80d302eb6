"""The demo: four simulated sources shaped like the real ones; deterministic, complete, plausible, labelled simulated."""

import hashlib

import numpy as np
import pandas as pd
import pytest

from ucj_dash.analysis import indicators
from ucj_dash.datasets import composition, demo, store
from ucj_dash.datasets.dataset import COUNT_COLUMNS
from ucj_dash.geography.regions import Level

N_VILLAGES = 83_762
N_KAB = 514


def _digest(frame: pd.DataFrame) -> str:
    return hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()).hexdigest()


@pytest.fixture(scope="module")
def generated(registry):
    """The four sources as generated: id -> figures as given."""
    return {meta.id: rows for meta, rows in demo.generate(registry)}


def _given(dataset_id: str, period: str) -> pd.DataFrame:
    """The rows the built source gives at ``period`` (not the sums above them)."""
    at = store.load(dataset_id).at(period)
    return at[at["given"]]


def test_generator_is_deterministic(registry, generated, demo_figures):
    again = {meta.id: rows for meta, rows in demo.generate(registry)}
    assert list(again) == list(demo.SOURCES) == list(generated)
    for dataset_id in demo.SOURCES:
        assert _digest(again[dataset_id]) == _digest(generated[dataset_id])
    other = {meta.id: rows for meta, rows in demo.generate(registry, seed=demo.SEED + 1)}
    assert _digest(other["demo-peserta"]) != _digest(generated["demo-peserta"])
    # the built sources are what the generator gives (latest period of each, at the level given)
    for dataset_id, rows in generated.items():
        columns = list(demo.SOURCES[dataset_id][2])
        period = demo.SOURCES[dataset_id][4][-1]
        want = rows[rows["period"] == period].set_index("region_code")[columns].sort_index()
        got = _given(dataset_id, period)[columns].sort_index()
        pd.testing.assert_frame_equal(got, want, check_names=False)


def test_each_source_holds_its_columns_at_its_level_and_periods(generated):
    expected_periods = {
        "demo-peserta": [f"2024-{m:02d}" for m in range(1, 13)],
        "demo-sakernas": ["2023-08", "2024-08"],
        "demo-kemiskinan": ["2023-03", "2024-03"],
        "demo-aparat-desa": ["2024-06", "2024-12"],
    }
    expected_level = {"demo-peserta": 4, "demo-sakernas": 2, "demo-kemiskinan": 2, "demo-aparat-desa": 4}
    for dataset_id, (_, _, columns, level, periods) in demo.SOURCES.items():
        assert periods == expected_periods[dataset_id] and int(level) == expected_level[dataset_id]
        rows = generated[dataset_id]
        assert list(rows.columns) == ["region_code", "period", *columns]
        assert sorted(rows["period"].unique()) == periods
        assert rows["region_code"].str.count(r"\.").eq(expected_level[dataset_id] - 1).all()  # only that level
        stored = store.load(dataset_id)
        assert stored.periods == periods and stored.columns() == [c for c in COUNT_COLUMNS if c in columns]
        for period in periods:
            assert stored.entry(period).finest == {c: expected_level[dataset_id] for c in columns}
    # together they hold every count exactly once
    held = [c for _, _, columns, _, _ in demo.SOURCES.values() for c in columns]
    assert sorted(held) == sorted(COUNT_COLUMNS)
    assert set(composition.DEMO_SOURCES.values()) == set(demo.SOURCES)


def test_every_village_every_month_in_the_participants_source(generated):
    rows = generated["demo-peserta"]
    assert rows.groupby("period")["region_code"].nunique().eq(N_VILLAGES).all()
    assert len(rows) == N_VILLAGES * 12
    assert rows["active_participants"].notna().all()
    officials = generated["demo-aparat-desa"]
    assert officials.groupby("period")["region_code"].nunique().eq(N_VILLAGES).all()
    for dataset_id in ("demo-sakernas", "demo-kemiskinan"):
        assert generated[dataset_id].groupby("period")["region_code"].nunique().eq(N_KAB).all()
        assert generated[dataset_id].iloc[:, 2:].notna().all().all()


def test_anchored_on_real_population_and_consistent_under_roll_up(registry, generated, demo_figures):
    poverty = generated["demo-kemiskinan"]
    kab = registry.codes_at(2)
    for period in demo.POVERTY_PERIODS:
        given = poverty[poverty["period"] == period].set_index("region_code")
        assert (given.loc[kab, "population"] == registry.table.loc[kab, "population"]).all()
    latest = demo_figures.at(demo_figures.latest_period)
    assert latest.at["ID", "population"] == 284_973_643  # carried from March 2024
    assert latest.at["53", "active_participants"] == latest.loc[registry.children("53"), "active_participants"].sum()
    participants = generated["demo-peserta"]
    dec = participants[participants["period"] == "2024-12"]
    assert latest.at["53", "active_participants"] == dec.loc[dec["region_code"].str[:2] == "53", "active_participants"].sum()
    assert latest.at["53", "employed_workers"] == latest.loc[registry.children("53"), "employed_workers"].sum()


def test_national_coverage_is_december_participants_over_august_sakernas(generated, demo_figures):
    assert demo_figures.periods == demo.PERIODS and demo_figures.latest_period == "2024-12"
    participants, sakernas = generated["demo-peserta"], generated["demo-sakernas"]
    expected = (participants.loc[participants["period"] == "2024-12", "active_participants"].sum()
                / sakernas.loc[sakernas["period"] == "2024-08", "employed_workers"].sum() * 100)
    latest = indicators.compute(demo_figures.at("2024-12"))
    assert latest.at["ID", "ucj_coverage_pct"] == pytest.approx(expected)
    assert 35.5 <= expected <= 36.5
    assert demo_figures.provenance("employed_workers", "2024-12").period == "2024-08"
    assert demo_figures.provenance("active_participants", "2024-12").period == "2024-12"
    # before August 2024 the denominator is August 2023's
    assert demo_figures.provenance("employed_workers", "2024-07").period == "2023-08"
    first = indicators.compute(demo_figures.at(demo_figures.periods[0]))
    assert first.at["ID", "ucj_coverage_pct"] < latest.at["ID", "ucj_coverage_pct"]


def test_extreme_poverty_is_march_2024_and_carried_to_december(generated, demo_figures):
    poverty = generated["demo-kemiskinan"]
    march = poverty[poverty["period"] == "2024-03"]
    expected = march["extreme_poor_population"].sum() / march["population"].sum() * 100
    assert 0.80 <= expected <= 0.86
    at_march = indicators.compute(demo_figures.at("2024-03"))
    at_december = indicators.compute(demo_figures.at("2024-12"))
    assert at_march.at["ID", "extreme_poverty_rate_pct"] == pytest.approx(expected)
    assert at_december.at["ID", "extreme_poverty_rate_pct"] == pytest.approx(expected)
    for column in ("population", "extreme_poor_population"):
        assert demo_figures.provenance(column, "2024-12").period == "2024-03"
        assert demo_figures.provenance(column, "2024-02").period == "2023-03"  # the March before


def test_regional_spread_is_realistic(demo_figures):
    ep = indicators.compute(demo_figures.at(demo_figures.latest_period))["extreme_poverty_rate_pct"]
    papua = ep.loc[["91", "92", "93", "94", "95", "96"]]
    assert papua.min() > 3 * max(ep["51"], ep["31"], ep["64"])  # Papua vs Bali, Jakarta, Kaltim
    assert ep["51"] < 0.83 and ep["31"] < 0.83


def test_no_data_is_present_and_kelurahan_have_no_village_officials(registry, generated, demo_figures):
    latest = demo_figures.at(demo_figures.latest_period)
    villages = latest[latest["level"] == int(Level.VILLAGE)]
    assert villages["vulnerable_workers"].isna().any()
    assert villages["vulnerable_workers"].notna().any()
    kel = [c for c in registry.children("53.71.01")]
    assert kel and (registry.table.loc[kel, "kind"] == "kelurahan").all()
    assert latest.loc[kel, "village_officials"].isna().all()
    assert np.isnan(indicators.compute(latest.loc[kel])["village_official_coverage_pct"]).all()
    officials = generated["demo-aparat-desa"].set_index("region_code")
    kinds = registry.table.loc[officials.index, "kind"]
    assert officials.loc[(kinds == "kelurahan").to_numpy(), "village_officials"].isna().all()
    assert officials.loc[(kinds == "desa").to_numpy(), "village_officials"].notna().all()


def test_all_four_sources_labelled_simulated(demo_figures):
    for dataset_id in demo.SOURCES:
        meta = store.load(dataset_id).meta
        assert meta.simulated is True and store.is_demo(dataset_id)
        assert "simula" in meta.name.lower() and "simula" in meta.description.lower()
    assert demo_figures.meta.simulated is True
    assert "simula" in demo_figures.meta.name.lower()
    assert all("simula" in line.lower() for line in demo_figures.source_lines("2024-12", "en"))
