"""Dataset model: roll-up sums, rates from sums, NaN stays NaN, explicit rows win, given rows flagged."""

import numpy as np
import pandas as pd
import pytest

from ucj_dash.analysis import indicators
from ucj_dash.datasets import figures, store
from ucj_dash.datasets.composition import Composition
from ucj_dash.datasets.dataset import (
    COUNT_COLUMNS,
    PAIR_BY_KEY,
    PAIRS,
    STOCK_COLUMNS,
    DatasetMeta,
    column_label,
    conform,
    roll_up,
)
from ucj_dash.geography.regions import NATION_CODE


def _figures(rows):
    return pd.DataFrame(rows, columns=["region_code", "period", "employed_workers", "active_participants", "vulnerable_workers"])


FIGS = _figures(
    [
        ("53.02.02.2001", "2024-12", 100, 10, np.nan),
        ("53.02.02.2002", "2024-12", 100, 90, np.nan),
        ("53.02.03.2001", "2024-12", 10, 1, 7),
        ("53.02.03.2001", "2024-09", 10, 0, 7),
    ]
)


def test_counts_sum_to_every_level():
    rolled = roll_up(FIGS).set_index(["region_code", "period"])
    assert rolled.loc[("53.02.02", "2024-12"), "employed_workers"] == 200
    assert rolled.loc[("53.02", "2024-12"), "employed_workers"] == 210
    assert rolled.loc[("53", "2024-12"), "active_participants"] == 101
    assert rolled.loc[(NATION_CODE, "2024-12"), "active_participants"] == 101
    assert rolled.loc[(NATION_CODE, "2024-09"), "active_participants"] == 0  # a real zero stays zero
    assert rolled.loc[("53.02", "2024-12"), "reporting"] == 3
    assert rolled.loc[("53.02", "2024-12"), "level"] == 2


def test_rates_are_recomputed_from_sums_not_averaged():
    rolled = roll_up(FIGS).set_index(["region_code", "period"])
    kab = indicators.compute(rolled.loc[[("53.02", "2024-12")]])
    assert kab["ucj_coverage_pct"].iloc[0] == pytest.approx(101 / 210 * 100)  # not mean(10, 90, 10) %


def test_missing_stays_missing():
    rolled = roll_up(FIGS).set_index(["region_code", "period"])
    assert np.isnan(rolled.loc[("53.02.02", "2024-12"), "vulnerable_workers"])  # all children missing
    assert rolled.loc[("53.02", "2024-12"), "vulnerable_workers"] == 7  # some children report
    assert np.isnan(rolled.loc[("53.02", "2024-12"), "population"])  # a column nobody gave
    ind = indicators.compute(rolled.loc[[("53.02.02", "2024-12")]])
    assert np.isnan(ind["vulnerable_coverage_pct"].iloc[0])


def test_explicit_parent_row_wins_over_sum():
    figs = pd.concat([FIGS, _figures([("53.02", "2024-12", 5000, 2000, np.nan)])], ignore_index=True)
    rolled = roll_up(figs).set_index(["region_code", "period"])
    assert rolled.loc[("53.02", "2024-12"), "employed_workers"] == 5000
    assert rolled.loc[("53", "2024-12"), "employed_workers"] == 5000
    assert rolled.loc[("53.02.02", "2024-12"), "employed_workers"] == 200


def test_given_flags_the_rows_of_the_input_not_the_sums():
    figs = pd.concat([FIGS, _figures([("53.02", "2024-12", 5000, 2000, np.nan)])], ignore_index=True)
    rolled = roll_up(figs)
    assert rolled["given"].dtype == bool
    assert list(rolled.columns[:5]) == ["region_code", "period", "level", "given", "reporting"]
    given = set(zip(rolled.loc[rolled["given"], "region_code"], rolled.loc[rolled["given"], "period"]))
    assert given == set(zip(figs["region_code"], figs["period"]))  # exactly the input's rows
    flags = rolled.set_index(["region_code", "period"])["given"]
    assert flags[("53.02", "2024-12")]  # given explicitly: its own row, not the sum of its children
    assert not flags[("53.02", "2024-09")]  # the same kabupaten in a month it was not given: a sum
    assert not flags[("53.02.02", "2024-12")] and not flags[("53", "2024-12")] and not flags[(NATION_CODE, "2024-12")]
    assert flags[("53.02.02.2001", "2024-12")]


def test_conform_adds_absent_counts_as_nan_and_refuses_text():
    out = conform(FIGS)
    assert list(out.columns) == ["region_code", "period", *COUNT_COLUMNS]
    assert out["population"].isna().all() and (out.dtypes[list(COUNT_COLUMNS)] == "float64").all()
    with pytest.raises((ValueError, TypeError)):
        conform(FIGS.assign(employed_workers=["x", 1, 2, 3]))


def test_pairs_and_stock_columns_are_counts_of_the_model():
    assert PAIR_BY_KEY["ucj"].part == "active_participants" and PAIR_BY_KEY["ucj"].whole == "employed_workers"
    assert PAIR_BY_KEY["ucj"].column("part") == "ucj__part"
    for pair in PAIRS:
        assert pair.part in COUNT_COLUMNS and pair.whole in COUNT_COLUMNS
        assert pair.whole in STOCK_COLUMNS  # every denominator may stand for later months
        assert pair.part not in STOCK_COLUMNS or pair.key == "extreme_poverty"  # covered counts are per month
    assert set(STOCK_COLUMNS) <= set(COUNT_COLUMNS)
    assert column_label("employed_workers", "en") == "Employed workers (UCJ denominator)"
    assert column_label("employed_workers", "id") == "Penduduk bekerja (penyebut UCJ)"


def test_regions_outside_the_data_are_absent_not_zero(data_dir):
    store.save(DatasetMeta("t", "t", "test", "2024-12", False), FIGS)
    fig = figures.load(Composition.of({"participants": "t", "workers": "t", "vulnerable": "t"}))
    assert fig.periods == ["2024-09", "2024-12"]
    period = fig.at("2024-12")
    assert "11" not in period.index
    assert fig.region("11")[list(COUNT_COLUMNS)].isna().all().all()  # no row of it in any period: no data, never 0
    trend = fig.region("53.02")
    assert list(trend.index) == ["2024-09", "2024-12"]
    assert list(trend["employed_workers"]) == [10, 210] and list(trend["active_participants"]) == [0, 101]
