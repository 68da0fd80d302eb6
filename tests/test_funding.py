"""The funding planner: goals, packages, phasing, the split over sources, village burden, bad input, the CLI.

Expected values are worked out by hand here from the small dataset below
(Rp16,800 JKK + JKM and Rp36,800 with JHT per worker per month, 12 months).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ucj_dash.analysis import funding
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets import store
from ucj_dash.datasets.dataset import Dataset, DatasetMeta
from ucj_dash.errors import UserError
from ucj_dash.geography.regions import Level

ROOT = Path(__file__).resolve().parent.parent
NAN = np.nan
YEAR_JKK_JKM = 16_800 * 12  # 201,600 per worker a year
YEAR_WITH_JHT = 36_800 * 12  # 441,600


def planner_dataset(dataset_id: str = "plan-uji") -> Dataset:
    """Three desa and one kelurahan of Kecamatan 53.02.05 (Kab. Timor Tengah Selatan), period 2025-12.

    Kabupaten 53.02 sums: employed 2,700, active 800; extreme-poor workers 115, covered 15 (100 to enrol:
    desa 2001 50, desa 2002 30, kelurahan 1010 20, desa 2003 no data); vulnerable 550, covered 250 (300);
    village officials 22, enrolled 12 (10); target gap 52.15% × 2,700 − 800 = 608.05 → 609 persons.
    """
    figures = pd.DataFrame(
        {
            "region_code": ["53.02.05.2001", "53.02.05.2002", "53.02.05.1010", "53.02.05.2003"],
            "period": ["2025-12"] * 4,
            "employed_workers": [1000.0, 500.0, 800.0, 400.0],
            "active_participants": [200.0, 100.0, 400.0, 100.0],
            "extreme_poor_workers": [60.0, 35.0, 20.0, NAN],
            "extreme_poor_workers_covered": [10.0, 5.0, 0.0, NAN],
            "vulnerable_workers": [300.0, 150.0, 100.0, NAN],
            "vulnerable_covered": [100.0, 50.0, 100.0, NAN],
            "village_officials": [12.0, 10.0, NAN, NAN],
            "village_officials_enrolled": [2.0, 10.0, NAN, NAN],
        }
    )
    meta = DatasetMeta(id=dataset_id, name="Uji perencana", source="uji tangan", as_of="2025-12", simulated=True)
    return Dataset(meta, figures)


@pytest.fixture(scope="module")
def ds():
    return planner_dataset()


def make(ds, registry, code="53.02", goal="extreme-poor", years="2026-2029", **kw):
    return funding.plan(ds, registry, code, goal, years, **kw)


# ------------------------------------------------------------------ goals, packages, phasing


@pytest.mark.parametrize("goal, workers", [("extreme-poor", 100), ("vulnerable", 300), ("officials", 10), ("target", 609)])
def test_workers_to_enrol_per_goal(ds, registry, goal, workers):
    assert make(ds, registry, goal=goal).workers_to_enrol == workers


@pytest.mark.parametrize("package, per_year", [("jkk-jkm", YEAR_JKK_JKM), ("with-jht", YEAR_WITH_JHT)])
def test_all_at_once_pays_everyone_every_year(ds, registry, package, per_year):
    p = make(ds, registry, package=package, phasing="all-at-once")
    assert [y.new_workers for y in p.by_year] == [100, 0, 0, 0]
    assert [y.workers for y in p.by_year] == [100] * 4
    assert [y.cost_rupiah for y in p.by_year] == [100 * per_year] * 4
    assert p.cost_total_rupiah == 400 * per_year  # 80,640,000 or 176,640,000
    assert p.per_worker_monthly_rupiah == {"jkk-jkm": 16_800, "with-jht": 36_800}[package]
    assert p.by_year[0].coverage_pct == pytest.approx((800 + 100) / 2700 * 100)


def test_linear_phasing_is_whole_persons_by_largest_remainder(ds, registry):
    p = make(ds, registry, goal="target", phasing="linear")  # 609 / 4 = 152.25 → the 1 left goes to the first year
    assert [y.new_workers for y in p.by_year] == [153, 152, 152, 152]
    assert [y.workers for y in p.by_year] == [153, 305, 457, 609]
    assert p.cost_total_rupiah == (153 + 305 + 457 + 609) * YEAR_JKK_JKM
    assert [y.coverage_pct for y in p.by_year] == pytest.approx([(800 + c) / 2700 * 100 for c in (153, 305, 457, 609)])
    assert p.by_year[-1].coverage_pct >= 52.15  # the target is reached in the last year


@pytest.mark.parametrize("package, per_year", [("jkk-jkm", YEAR_JKK_JKM), ("with-jht", YEAR_WITH_JHT)])
def test_custom_phasing(ds, registry, package, per_year):
    p = make(ds, registry, years="2026-2028", phasing="20,30,50", package=package)
    assert [y.new_workers for y in p.by_year] == [20, 30, 50]
    assert p.cost_total_rupiah == (20 + 50 + 100) * per_year  # 34,272,000 with JKK + JKM
    uneven = make(ds, registry, years="2026-2028", phasing=[33.3, 33.3, 33.4])
    assert [y.new_workers for y in uneven.by_year] == [33, 33, 34]  # 33.3, 33.3, 33.4 → the largest remainder
    assert [y.year for y in uneven.by_year] == [2026, 2027, 2028]


def test_package_price_follows_the_settings(ds, registry):
    p = make(ds, registry, settings=Settings({"jkm_bpu_rp": 7_000}), years="2026")
    assert p.cost_total_rupiah == 100 * 17_000 * 12
    assert p.provenance["settings"]["bpu_min_package_rp"]["value"] == 17_000


# ------------------------------------------------------------------ split


def test_shares_below_100_leave_an_unfunded_remainder(ds, registry):
    p = make(ds, registry, split="apbd_prov=30,apbd_kab=40%")
    year = 100 * YEAR_JKK_JKM  # 20,160,000
    assert p.by_year[0].by_source == {"apbd_prov": 6_048_000, "apbd_kab": 8_064_000}
    assert p.by_year[0].unfunded_rupiah == year - 6_048_000 - 8_064_000
    assert p.by_source == {"apbd_prov": 4 * 6_048_000, "apbd_kab": 4 * 8_064_000}
    assert p.unfunded_rupiah == 4 * 6_048_000 and p.overfunded_rupiah == 0
    assert [n["key"] for n in p.notes] == ["plan.note.unfunded"]
    assert "24.192.000" in p.notes[0]["id"] and "24,192,000" in p.notes[0]["en"]


def test_full_shares_add_up_to_the_cost_exactly(ds, registry):
    p = make(ds, registry, goal="target", phasing="linear", split="apbd_prov=33.33,apbd_kab=33.33,apbdes=33.34")
    for y in p.by_year:
        assert sum(y.by_source.values()) == y.cost_rupiah and y.unfunded_rupiah == 0
    assert p.unfunded_rupiah == 0 and not p.notes


def test_fixed_amounts_are_not_rescaled(ds, registry):
    over = make(ds, registry, split="csr=Rp25.000.000")
    assert over.by_year[0].by_source == {"csr": 25_000_000}
    assert over.overfunded_rupiah == 4 * (25_000_000 - 20_160_000) and over.unfunded_rupiah == 0
    assert [n["key"] for n in over.notes] == ["plan.note.overfunded"]
    mixed = make(ds, registry, split="apbd_kab=50,baznas=Rp1000000")
    assert mixed.by_year[0].by_source == {"apbd_kab": 10_080_000, "baznas": 1_000_000}
    assert mixed.unfunded_rupiah == 4 * (20_160_000 - 11_080_000)


def test_no_split_is_all_unfunded(ds, registry):
    p = make(ds, registry, years="2026")
    assert p.by_source == {} and p.unfunded_rupiah == 20_160_000


# ------------------------------------------------------------------ village burden


def test_village_burden_without_a_budget(ds, registry):
    p = make(ds, registry, split="apbdes=50,bkbk=Rp10.000.000")
    apbdes = p.burden["apbdes"]
    assert apbdes.amount_rupiah == 10_080_000  # half of the last year's cost
    assert {v["code"]: v["burden_rupiah"] for v in apbdes.villages} == {"53.02.05.2001": 6_300_000, "53.02.05.2002": 3_780_000}
    villages = registry.table.loc[registry.descendants("53.02", Level.VILLAGE), "kind"]
    desa = set(villages.index[villages == "desa"])
    # every other desa of the kabupaten, 53.02.05.2003 among them, is listed as no data, not Rp0
    assert {v["code"] for v in apbdes.no_data} == desa - {"53.02.05.2001", "53.02.05.2002"}
    assert "53.02.05.2003" in {v["code"] for v in apbdes.no_data}
    assert apbdes.excluded_kinds == {"kelurahan": int((villages == "kelurahan").sum())}  # no Dana Desa for kelurahan
    assert apbdes.mean_rupiah == 5_040_000 and apbdes.max_rupiah == 6_300_000 and apbdes.max_village == "53.02.05.2001"
    assert apbdes.over_budget is None and apbdes.budget_rupiah is None
    assert "plan.burden.budget_needed" in [n["key"] for n in apbdes.notes]
    bkbk = p.burden["bkbk"]  # BKBK goes to desa and kelurahan
    assert {v["code"]: v["burden_rupiah"] for v in bkbk.villages} == {
        "53.02.05.2001": 5_000_000, "53.02.05.2002": 3_000_000, "53.02.05.1010": 2_000_000}
    assert bkbk.excluded_kinds == {} and len(bkbk.no_data) == len(villages) - 3
    assert "apbd_kab" not in p.burden


def test_village_burden_with_a_budget(ds, registry):
    p = make(ds, registry, split="apbdes=50,bkbk=Rp10.000.000", village_budget_rp=100_000_000,
             village_budget_source="Pergub Jambi 16/2022", budget_share_pct=5)
    apbdes, bkbk = p.burden["apbdes"], p.burden["bkbk"]
    assert [v["code"] for v in apbdes.over_budget] == ["53.02.05.2001"]  # 6.3 juta > 5% of 100 juta
    assert bkbk.over_budget == []  # 5 juta is not above 5 juta
    assert apbdes.budget_source == "Pergub Jambi 16/2022" and apbdes.budget_share_pct == 5
    assert "plan.burden.budget_needed" not in [n["key"] for n in apbdes.notes]


def test_village_plan(ds, registry):
    p = make(ds, registry, code="5302052001", goal="officials", years="2026-2027", phasing="linear", split="apbdes=100")
    assert p.inputs["region"] == "53.02.05.2001"
    assert [y.new_workers for y in p.by_year] == [5, 5]
    assert [y.cost_rupiah for y in p.by_year] == [5 * YEAR_JKK_JKM, 10 * YEAR_JKK_JKM]  # 1,008,000 and 2,016,000
    assert p.cost_total_rupiah == 3_024_000 and p.unfunded_rupiah == 0
    assert [y.coverage_pct for y in p.by_year] == pytest.approx([20.5, 21.0])
    burden = p.burden["apbdes"]
    assert burden.villages[0]["burden_rupiah"] == 2_016_000 and burden.max_village == "53.02.05.2001"


# ------------------------------------------------------------------ no data


def test_missing_figure_gives_no_data_not_zero(ds, registry):
    p = make(ds, registry, code="53.02.05.2003", split="apbd_kab=100")
    assert p.workers_to_enrol is None and p.cost_total_rupiah is None and p.unfunded_rupiah is None
    assert p.by_year == [] and p.by_source == {}
    assert p.no_data["missing"] == ["extreme_poor_workers", "extreme_poor_workers_covered"]
    assert "Pekerja miskin ekstrem" in p.no_data["reason"]["id"] and "Extreme-poor workers" in p.no_data["reason"]["en"]
    nothing = make(ds, registry, code="53.03", goal="target")
    assert nothing.no_data["missing"] == ["employed_workers", "active_participants"]


def test_coverage_without_employed_workers_is_no_data(registry):
    figures = pd.DataFrame({"region_code": ["53.02.05.2001"], "period": ["2025-12"], "employed_workers": [NAN],
                            "active_participants": [NAN], "village_officials": [4.0], "village_officials_enrolled": [0.0]})
    ds = Dataset(DatasetMeta(id="x", name="x", source="x", as_of="2025-12", simulated=False), figures)
    p = funding.plan(ds, registry, "53.02.05.2001", "officials", "2026")
    assert p.workers_to_enrol == 4 and p.by_year[0].coverage_pct is None


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"split": "apbd_kab=-5"}, "split.apbd_kab"),
        ({"split": "apbd_kab=banyak"}, "split.apbd_kab"),
        ({"split": "csr=Rp-100"}, "split.csr"),
        ({"split": "apbd_kab=120"}, "split.apbd_kab"),
        ({"split": "pajak=10"}, "split"),
        ({"split": "apbd_kab=10,apbd_kab=20"}, "split.apbd_kab"),
        ({"years": "2024-2026"}, "years"),
        ({"years": ""}, "years"),
        ({"years": "2029-2026"}, "years"),
        ({"years": "2026-2070"}, "years"),
        ({"years": "dua ribu"}, "years"),
        ({"phasing": "50,60,0,0"}, "phasing"),
        ({"phasing": "50,50"}, "phasing"),
        ({"phasing": "-10,110,0,0"}, "phasing"),
        ({"phasing": "x,y,z,w"}, "phasing"),
        ({"goal": "semua"}, "goal"),
        ({"package": "gold"}, "package"),
        ({"period": "2030-01"}, "period"),
        ({"village_budget_rp": "-1", "village_budget_source": "APBDes 2025"}, "village_budget"),
        ({"village_budget_rp": 1_000_000}, "village_budget_source"),
        ({"budget_share_pct": 150}, "budget_share"),
    ],
)
def test_bad_input_names_the_field_in_both_languages(ds, registry, kw, field):
    with pytest.raises(UserError) as info:
        make(ds, registry, **kw)
    assert info.value.message("id").startswith(field + ":")
    assert info.value.message("en").startswith(field + ":")
    assert info.value.key.startswith("plan.error.")


def test_years_and_split_parse():
    assert funding.parse_years("2026-2029") == [2026, 2027, 2028, 2029]
    assert funding.parse_years("2026") == [2026]
    assert funding.parse_split("apbd_prov=30,csr=Rp1.500.000") == [
        funding.Part("apbd_prov", share_pct=30.0), funding.Part("csr", amount_rp=1_500_000)]
    assert funding.largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    assert funding.largest_remainder(0, [1, 1]) == [0, 0]


def test_provenance_and_json(ds, registry):
    p = make(ds, registry, goal="target", split="apbd_prov=30")
    out = p.to_json()
    json.dumps(out)  # plain JSON
    prov = out["provenance"]
    assert prov["dataset_id"] == "plan-uji" and prov["simulated"] is True and prov["period"] == "2025-12"
    assert prov["settings"]["ucj_target_pct"]["value"] == 52.15 and prov["settings"]["ucj_target_pct"]["source"]
    assert prov["settings"]["bpu_min_package_rp"]["as_of"] == "2019"
    assert out["inputs"]["years"] == [2026, 2029] and out["inputs"]["goal"] == "target"
    assert set(out["by_year"][0]) >= {"year", "workers", "cost_rupiah", "coverage_pct"}
    assert out["workers_to_enrol"] == 609 and out["by_source"]["apbd_prov"] == sum(y["by_source"]["apbd_prov"] for y in out["by_year"])


# ------------------------------------------------------------------ CLI


def _run(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "UCJ_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "ucj_dash", "plan", *args], check=False, cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_json_equals_the_core(tmp_path, monkeypatch, registry):
    data_dir = tmp_path / "data"
    monkeypatch.setenv("UCJ_DATA_DIR", str(data_dir))
    ds = planner_dataset("plan-cli")
    store.save(ds)
    store.set_active("plan-cli")
    out = tmp_path / "plan.json"
    args = ["--region", "53.02", "--goal", "vulnerable", "--years", "2026-2029", "--package", "with-jht",
            "--split", "apbd_prov=30,apbd_kab=40,apbdes=30", "--period", "2025-12", "--phasing", "20,30,25,25",
            "--format", "json", "--out", str(out)]
    done = _run(data_dir, *args)
    assert done.returncode == 0, done.stderr
    expected = funding.plan(store.load("plan-cli"), registry, "53.02", "vulnerable", "2026-2029", package="with-jht",
                            split="apbd_prov=30,apbd_kab=40,apbdes=30", phasing="20,30,25,25", period="2025-12")
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(json.dumps(expected.to_json()))
    assert expected.by_year[0].new_workers == 60 and expected.cost_total_rupiah == (60 + 150 + 225 + 300) * YEAR_WITH_JHT

    bad = _run(data_dir, *[a.replace("apbd_kab=40", "apbd_kab=-40") for a in args])
    assert bad.returncode == 2
    assert "split.apbd_kab" in bad.stderr and "negatif" in bad.stderr and "negative" in bad.stderr
