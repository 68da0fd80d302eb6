"""Dataset model: roll-up sums, rates from sums, NaN stays NaN, explicit rows win."""

import numpy as np
import pandas as pd
import pytest

from ucj_dash.analysis import indicators
from ucj_dash.datasets.dataset import Dataset, DatasetMeta, roll_up
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


def test_regions_outside_the_data_are_absent_not_zero():
    ds = Dataset(DatasetMeta("t", "t", "test", "2024-12", False), FIGS)
    period = ds.at("2024-12")
    assert "11" not in period.index
    assert ds.region("11").empty
    assert list(ds.region("53.02").index) == ["2024-09", "2024-12"]
