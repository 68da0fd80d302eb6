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
from ucj_dash.datasets import composition, figures, store
from ucj_dash.datasets.composition import Composition
from ucj_dash.datasets.dataset import DatasetMeta
from ucj_dash.datasets.figures import Figures
from ucj_dash.errors import UserError
from ucj_dash.geography.regions import Level

ROOT = Path(__file__).resolve().parent.parent
NAN = np.nan
YEAR_JKK_JKM = 16_800 * 12  # 201,600 per worker a year
YEAR_WITH_JHT = 36_800 * 12  # 441,600


#: the groups a dataset holding every count but population gives
GROUPS = ("participants", "workers", "vulnerable", "officials")


def planner_figures(dataset_id: str = "plan-uji") -> tuple[DatasetMeta, pd.DataFrame]:
    """Three desa and one kelurahan of Kecamatan 53.02.05 (Kab. Timor Tengah Selatan), period 2025-12.

    Kabupaten 53.02 sums: employed 2,700, active 800; extreme-poor workers 115, covered 15 (100 to enrol:
    desa 2001 50, desa 2002 30, kelurahan 1010 20, desa 2003 no data); vulnerable 550, covered 250 (300);
    village officials 22, enrolled 12 (10); target gap 52.15% × 2,700 − 800 = 608.05 → 609 persons.
    """
    rows = pd.DataFrame(
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
    return meta, rows


def stored_figures(meta: DatasetMeta, rows: pd.DataFrame, groups=GROUPS) -> Figures:
    """``rows`` saved as one dataset (in the store ``UCJ_DATA_DIR`` names) giving ``groups``."""
    store.save(meta, rows)
    return figures.load(Composition.of({g: meta.id for g in groups}))


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    with pytest.MonkeyPatch.context() as m:
        m.setenv("UCJ_DATA_DIR", str(tmp_path_factory.mktemp("funding") / "data"))
        figures.forget()
        yield stored_figures(*planner_figures())
    figures.forget()


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


def test_coverage_without_employed_workers_is_no_data(registry, data_dir):
    rows = pd.DataFrame({"region_code": ["53.02.05.2001"], "period": ["2025-12"], "employed_workers": [NAN],
                         "active_participants": [NAN], "village_officials": [4.0], "village_officials_enrolled": [0.0]})
    ds = stored_figures(DatasetMeta(id="x", name="x", source="x", as_of="2025-12", simulated=False), rows)
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
    assert prov["composition"] == "p:plan-uji,w:plan-uji,v:plan-uji,o:plan-uji"
    assert prov["simulated"] is True and prov["period"] == "2025-12"
    for side in ("numerator", "denominator"):
        assert prov["figures"][side] == {"dataset_id": "plan-uji", "dataset_name": "Uji perencana", "period": "2025-12",
                                         "as_of": "2025-12", "simulated": True}
    assert "Uji perencana" in prov["text"]["id"] and "pembilang" in prov["text"]["id"] and "numerator" in prov["text"]["en"]
    assert prov["settings"]["ucj_target_pct"]["value"] == 52.15 and prov["settings"]["ucj_target_pct"]["source"]
    assert prov["settings"]["bpu_min_package_rp"]["as_of"] == "2019"
    assert out["inputs"]["years"] == [2026, 2029] and out["inputs"]["goal"] == "target"
    assert set(out["by_year"][0]) >= {"year", "workers", "cost_rupiah", "coverage_pct"}
    assert out["workers_to_enrol"] == 609 and out["by_source"]["apbd_prov"] == sum(y["by_source"]["apbd_prov"] for y in out["by_year"])


@pytest.fixture
def two_sources(data_dir):
    """Participants by village each month (``peserta``) and employed workers by kabupaten every August (``sakernas``)."""
    villages = ["53.02.05.2001", "53.02.05.2002", "53.02.05.1010", "53.02.05.2003"]
    participants = pd.DataFrame([{"region_code": v, "period": p, "active_participants": a}
                                 for p in ("2025-11", "2025-12") for v, a in zip(villages, (200.0, 100.0, 400.0, 100.0))])
    store.save(DatasetMeta("peserta", "Peserta uji", "BPJS uji", "2025-12", False), participants)
    workers = pd.DataFrame({"region_code": ["53.02", "53.02"], "period": ["2024-08", "2025-08"],
                            "employed_workers": [2500.0, 2700.0]})
    store.save(DatasetMeta("sakernas", "Sakernas uji", "BPS uji", "2025-08", True), workers)
    return figures.load(Composition.of({"participants": "peserta", "workers": "sakernas"}))


def test_provenance_names_the_numerators_and_the_denominators_datasets_and_periods(two_sources, registry):
    p = make(two_sources, registry, goal="target", years="2026-2029")
    assert p.workers_to_enrol == 609  # 52.15% × 2,700 (Aug 2025) − 800 (Dec 2025), rounded up
    prov = p.to_json()["provenance"]
    assert prov["composition"] == "p:peserta,w:sakernas" and prov["period"] == "2025-12"
    assert prov["figures"]["numerator"] == {"dataset_id": "peserta", "dataset_name": "Peserta uji", "period": "2025-12",
                                            "as_of": "2025-12", "simulated": False}
    assert prov["figures"]["denominator"] == {"dataset_id": "sakernas", "dataset_name": "Sakernas uji", "period": "2025-08",
                                              "as_of": "2025-08", "simulated": True}
    assert prov["simulated"] is True  # one of its sources is simulated
    assert prov["text"]["en"].startswith("numerator: Peserta uji, Dec 2025")
    assert "denominator: Sakernas uji, Aug 2025" in prov["text"]["en"]
    assert "Sakernas uji" in prov["text"]["id"] and "Peserta uji" in prov["text"]["id"]
    # November: the same August denominator, November's participants
    nov = make(two_sources, registry, goal="target", years="2026", period="2025-11").provenance["figures"]
    assert (nov["numerator"]["period"], nov["denominator"]["period"]) == ("2025-11", "2025-08")


def test_a_goal_whose_denominator_is_coarser_than_the_region_is_no_data(two_sources, registry):
    p = make(two_sources, registry, code="53.02.05.2001", goal="target", years="2026")
    assert p.workers_to_enrol is None and p.by_year == []
    assert p.no_data["missing"] == ["employed_workers"]
    assert p.provenance["figures"]["denominator"]["period"] == "2025-08"  # the source is named even where it has no figure
    other = make(two_sources, registry, goal="vulnerable", years="2026")  # no source of vulnerable workers at all
    assert other.workers_to_enrol is None and other.provenance["figures"] == {"numerator": None, "denominator": None}


# ------------------------------------------------------------------ CLI


def _run(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "UCJ_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "ucj_dash", "plan", *args], check=False, cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_json_equals_the_core(tmp_path, data_dir, registry):
    store.save(*planner_figures("plan-cli"))
    composition.use_everywhere("plan-cli")  # the CLI plans on the default composition
    out = tmp_path / "plan.json"
    args = ["--region", "53.02", "--goal", "vulnerable", "--years", "2026-2029", "--package", "with-jht",
            "--split", "apbd_prov=30,apbd_kab=40,apbdes=30", "--period", "2025-12", "--phasing", "20,30,25,25",
            "--format", "json", "--out", str(out)]
    done = _run(data_dir, *args)
    assert done.returncode == 0, done.stderr
    expected = funding.plan(figures.load(composition.default()), registry, "53.02", "vulnerable", "2026-2029", package="with-jht",
                            split="apbd_prov=30,apbd_kab=40,apbdes=30", phasing="20,30,25,25", period="2025-12")
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(json.dumps(expected.to_json()))
    assert expected.by_year[0].new_workers == 60 and expected.cost_total_rupiah == (60 + 150 + 225 + 300) * YEAR_WITH_JHT
    assert expected.provenance["composition"] == "p:plan-cli,w:plan-cli,v:plan-cli,o:plan-cli"
    assert expected.provenance["figures"]["denominator"]["dataset_id"] == "plan-cli"

    bad = _run(data_dir, *[a.replace("apbd_kab=40", "apbd_kab=-40") for a in args])
    assert bad.returncode == 2
    assert "split.apbd_kab" in bad.stderr and "negatif" in bad.stderr and "negative" in bad.stderr


def test_cli_xlsx_equals_the_json(tmp_path, data_dir):
    """``--format xlsx`` writes the same figures as ``--format json``: per year and per source, rupiah and persons."""
    from openpyxl import load_workbook

    store.save(*planner_figures("plan-xlsx"))
    composition.use_everywhere("plan-xlsx")
    args = ["--region", "53.02", "--goal", "target", "--years", "2026-2029", "--phasing", "linear",
            "--split", "apbd_prov=30,apbdes=45,csr=Rp20000000", "--period", "2025-12",
            "--village-budget", "150000000", "--village-budget-source", "APBDes uji", "--budget-share", "10"]
    as_json, as_xlsx = tmp_path / "plan.json", tmp_path / "plan.xlsx"
    done = _run(data_dir, *args, "--format", "json", "--out", str(as_json))
    assert done.returncode == 0, done.stderr
    done = _run(data_dir, *args, "--format", "xlsx", "--out", str(as_xlsx), "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert str(as_xlsx) in done.stdout
    plan = json.loads(as_json.read_text(encoding="utf-8"))
    wb = load_workbook(as_xlsx)
    assert wb.sheetnames == ["Inputs", "By year", "By source", "Village burden", "Sources"]
    ws = wb["By year"]
    header = [c.value for c in ws[4]]
    col = {h: i for i, h in enumerate(header)}
    years = [[c.value for c in ws[r]] for r in range(5, 5 + len(plan["by_year"]))]
    for row, year in zip(years, plan["by_year"]):
        assert row[col["Year"]] == year["year"]
        assert row[col["New workers (persons)"]] == year["new_workers"]
        assert row[col["Workers covered by the plan, cumulative (persons)"]] == year["workers"]
        assert row[col["Cost this year (Rp)"]] == year["cost_rupiah"]
        assert row[col["UCJ coverage reached (%)"]] == pytest.approx(year["coverage_pct"])
        assert row[col["Unfunded (Rp)"]] == year["unfunded_rupiah"]
        assert row[col["Over-funded (Rp)"]] == year["overfunded_rupiah"]
        for source, rupiah in year["by_source"].items():
            label = next(h for h in header if h and h.endswith("(Rp)") and source_word(source) in h)
            assert row[col[label]] == rupiah
    total = [c.value for c in ws[5 + len(plan["by_year"])]]
    assert total[col["New workers (persons)"]] == plan["workers_to_enrol"] == 609
    assert total[col["Cost this year (Rp)"]] == plan["cost_total_rupiah"]
    by_source = {row[1].value: row[3].value for row in wb["By source"].iter_rows(min_row=5) if row[1].value}
    assert {k: by_source[k] for k in plan["by_source"]} == plan["by_source"]
    assert by_source["unfunded"] == plan["unfunded_rupiah"] and by_source["cost_total"] == plan["cost_total_rupiah"]
    burden = [[c.value for c in row] for row in wb["Village burden"].iter_rows(min_row=5, max_row=5)][0]
    assert burden[1] == plan["burden"]["apbdes"]["amount_rupiah"] and burden[6] == plan["burden"]["apbdes"]["max_rupiah"]
    assert burden[-1] == len(plan["burden"]["apbdes"]["over_budget"])
    sources = {row[0].value: row[1].value for row in wb["Sources"].iter_rows() if row[0].value}
    assert sources["Dataset ID"] == "plan-xlsx" and sources["Version"] == 1
    assert sources["Composition of data sources"] == plan["provenance"]["composition"]


def source_word(source: str) -> str:
    """A word of a funding source's English label, as the XLSX headers carry it."""
    return {"apbd_prov": "Provincial", "apbdes": "APBDes", "csr": "CSR"}[source]


def test_cli_xlsx_bad_input_writes_nothing(tmp_path, data_dir, capsys):
    """Bad input exits with 2 and a message in Bahasa Indonesia then English; no file, no temporary file (in-process)."""
    from ucj_dash import cli

    store.save(*planner_figures("plan-bad"))
    composition.use_everywhere("plan-bad")
    out = tmp_path / "plan.xlsx"
    base = ["plan", "--region", "53.02", "--goal", "vulnerable", "--years", "2026-2029", "--format", "xlsx"]
    assert cli.main(base) == 2  # an XLSX needs a file
    no_out = capsys.readouterr()
    assert no_out.out == "" and "--out" in no_out.err and "perlu" in no_out.err and "needs" in no_out.err
    for bad, field in ((["--split", "apbd_kab=150"], "split.apbd_kab"), (["--years", "2020-2021"], "years"),
                       (["--region", "99.99"], "99.99"), (["--phasing", "60,60,0,0"], "phasing"),
                       (["--village-budget", "-5", "--village-budget-source", "x"], "village_budget")):
        assert cli.main([*base, *bad, "--out", str(out)]) == 2, bad  # a repeated option: the last one counts
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 2 and err[0] != err[1] and all(field in line for line in err), (bad, err)
        assert not out.exists()
    assert cli.main([*base, "--out", str(tmp_path / "nowhere" / "plan.xlsx")]) == 2
    assert "nowhere" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # no temporary file left behind
    assert cli.main([*base, "--out", str(out)]) == 0 and out.read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "plan.xlsx"]


# ------------------------------------------------------------------ children ranked by the cost of a point of coverage


def test_children_ranked_by_cost_per_point(ds, registry):
    """Villages of Kecamatan 53.02.05, extreme-poor goal: enrolling a village's w uncovered of its n extreme-poor
    workers costs w × Rp201,600 a year and adds w ÷ n × 100 points, so a point costs Rp201,600 × n ÷ 100:
    kelurahan 1010 (n 20) Rp40,320, desa 2002 (35) Rp70,560, desa 2001 (60) Rp120,960; the rest no data, last."""
    ranked = funding.rank_children(ds, registry, "53.02.05", "extreme-poor", "2025-12")
    top = ranked.head(3)
    assert top["code"].tolist() == ["53.02.05.1010", "53.02.05.2002", "53.02.05.2001"]
    assert top["cost_per_pp_rupiah"].tolist() == pytest.approx([40_320, 70_560, 120_960])
    assert top["workers"].tolist() == [20, 30, 50]
    assert top["cost_rupiah"].tolist() == [20 * YEAR_JKK_JKM, 30 * YEAR_JKK_JKM, 50 * YEAR_JKK_JKM]
    assert top["gain_pp"].tolist() == pytest.approx([100, 30 / 35 * 100, 50 / 60 * 100])
    assert top["coverage_pct"].tolist() == pytest.approx([0, 5 / 35 * 100, 10 / 60 * 100])
    assert top["rank"].tolist() == [1, 2, 3]
    rest = ranked.iloc[3:]
    assert len(ranked) == len(registry.children("53.02.05")) and "53.02.05.2003" in set(rest["code"])
    assert rest["rank"].isna().all() and rest["cost_per_pp_rupiah"].isna().all() and rest["workers"].isna().all()
    assert (rest["note"] != "").all()  # each says why it has no figure
    with_jht = funding.rank_children(ds, registry, "53.02.05", "extreme-poor", "2025-12", package="with-jht", lang="en")
    assert with_jht["cost_per_pp_rupiah"].head(1).tolist() == pytest.approx([441_600 * 20 / 100])


def test_a_child_with_nothing_to_enrol_has_no_cost_per_point(ds, registry):
    ranked = funding.rank_children(ds, registry, "53.02.05", "officials", "2025-12", lang="en").set_index("code")
    assert ranked.loc["53.02.05.2001", "cost_per_pp_rupiah"] == pytest.approx(YEAR_JKK_JKM * 12 / 100)  # 10 of 12 to enrol
    full = ranked.loc["53.02.05.2002"]  # 10 of 10 enrolled
    assert full["workers"] == 0 and pd.isna(full["cost_per_pp_rupiah"]) and pd.isna(full["rank"])
    assert full["note"].startswith("Nothing left to enrol")
    target = funding.rank_children(ds, registry, "53.02", "target", "2025-12").set_index("code")
    assert target.loc["53.02.05", "workers"] == 609
    assert target.loc["53.02.05", "cost_per_pp_rupiah"] == pytest.approx(YEAR_JKK_JKM * 2700 / 100)
    assert target["rank"].notna().sum() == 1
    assert funding.rank_children(ds, registry, "53.02.05.2001", "target", "2025-12").empty  # a village has no children


# ------------------------------------------------------------------ the plan in a link


def test_plan_link_round_trip():
    inputs = funding.PlanInputs(goal="vulnerable", package="with-jht", years="2027-2030", phasing="10,20,30,40",
                                split=(("apbd_prov", "30"), ("apbdes", "12.5"), ("csr", "Rp500000000")),
                                village_budget_rp=1_020_000_000, village_budget_source="Dana Desa 2025, Jawa Tengah",
                                budget_share_pct=5)
    query = funding.plan_to_query(inputs)
    assert query == {"goal": "vulnerable", "pkg": "with-jht", "years": "2027-2030", "phase": "10,20,30,40", "apbd_prov": "30",
                     "apbdes": "12.5", "csr": "Rp500000000", "vbudget": "1020000000", "vbsrc": "Dana Desa 2025, Jawa Tengah",
                     "bshare": "5"}
    assert funding.plan_from_query(query, "2025-12") == (inputs, [])
    preset = funding.with_bkbk(funding.PlanInputs())
    assert funding.plan_from_query(funding.plan_to_query(preset), "2025-12") == (preset, [])
    assert (preset.model, preset.goal, preset.split, preset.budget_share_pct) == ("bkbk", "vulnerable", (("bkbk", "100"),), 10)
    assert preset.village_budget_rp == 100_000_000 and "Pergub Jambi 16/2022" in preset.village_budget_source
    assert funding.plan_from_query({}, "2024-12") == (funding.PlanInputs(), [])
    assert funding.plan_from_query({}, "2027-03")[0].years == "2027-2030"  # the default years follow the data


def test_plan_link_accepts_what_people_type():
    inputs, notices = funding.plan_from_query({"apbd_kab": "33,5", "csr": "Rp 1.500.000", "baznas": "rp2,000,000",
                                               "apbd_prov": "20%", "vbudget": "Rp1.000.000.000", "vbsrc": "APBDes\n2025",
                                               "phase": "25,25,25,25"}, "2025-12")
    assert notices == []
    assert inputs.split == (("apbd_prov", "20"), ("apbd_kab", "33.5"), ("csr", "Rp1500000"), ("baznas", "Rp2000000"))
    assert inputs.village_budget_rp == 1_000_000_000 and inputs.village_budget_source == "APBDes 2025"


@pytest.mark.parametrize("params, field, default", [
    ({"goal": "semua"}, "goal", "extreme-poor"),
    ({"pkg": "gold"}, "package", "jkk-jkm"),
    ({"years": "2029-2026"}, "years", "2026-2029"),
    ({"years": "2020-2023"}, "years", "2026-2029"),
    ({"years": "2026-2090"}, "years", "2026-2029"),
    ({"years": "dua ribu"}, "years", "2026-2029"),
    ({"phase": "50,60,0,0"}, "phasing", "linear"),
    ({"phase": "50,50"}, "phasing", "linear"),
    ({"phase": "x"}, "phasing", "linear"),
    ({"apbd_kab": "-5"}, "split.apbd_kab", None),
    ({"apbd_kab": "banyak"}, "split.apbd_kab", None),
    ({"apbd_kab": "120"}, "split.apbd_kab", None),
    ({"csr": "Rp-100"}, "split.csr", None),
    ({"csr": "Rp1e30"}, "split.csr", None),
    ({"vbudget": "-1", "vbsrc": "APBDes"}, "village_budget", None),
    ({"vbudget": "100000000"}, "village_budget_source", None),
    ({"bshare": "150"}, "budget_share", "100"),
    ({"model": "jambi"}, "model", None),
    ({"model": "bkbk", "q_ep": "2.5"}, "bkbk.quota_extreme_poor", "50"),
    ({"model": "bkbk", "q_vul": "-3"}, "bkbk.quota_vulnerable", "25"),
    ({"model": "bkbk", "q_vul": "1000000"}, "bkbk.quota_vulnerable", "25"),
    ({"model": "bkbk", "grant": "seratus juta"}, "bkbk.grant", "100000000"),
    ({"model": "bkbk", "gshare": "101"}, "bkbk.grant_share", "10"),
])
def test_a_bad_link_value_is_a_notice_naming_the_field_and_the_default(params, field, default):
    inputs, notices = funding.plan_from_query(params, "2025-12")
    assert len(notices) == 1
    for lang, none in (("id", "tidak dipakai"), ("en", "not used")):
        text = notices[0].message(lang)
        assert text.startswith(field + ":"), text
        assert text.endswith(f"{default if default is not None else none}."), text
    defaults = funding.PlanInputs()
    assert inputs.goal == defaults.goal or "goal" not in params  # the default stands in
    assert inputs.split == () and inputs.village_budget_rp is None


def test_a_link_never_raises():
    rng = np.random.default_rng(7)
    alphabet = list("0123456789-,.%Rp =abc\n\t€<>[]()") + ["", "2026", "linear", "bkbk", "100"]
    for _ in range(300):
        params = {k: "".join(rng.choice(alphabet, size=rng.integers(0, 8))) for k in funding.PLAN_PARAMS if rng.random() < 0.6}
        inputs, notices = funding.plan_from_query(params, "2025-12")
        assert funding.plan_from_query(funding.plan_to_query(inputs), "2025-12") == (inputs, [])
        for notice in notices:
            assert notice.message("id") and notice.message("en")


def test_inputs_give_the_same_plan_as_the_core(ds, registry):
    inputs, _ = funding.plan_from_query({"goal": "vulnerable", "pkg": "with-jht", "years": "2026-2028", "phase": "20,30,50",
                                         "apbd_prov": "30", "csr": "Rp1000000"}, "2025-12")
    direct = funding.plan(ds, registry, "53.02", "vulnerable", "2026-2028", package="with-jht", phasing="20,30,50",
                          split="apbd_prov=30,csr=Rp1000000", period="2025-12")
    assert inputs.run(ds, registry, "53.02", "2025-12").to_json() == direct.to_json()
    assert inputs.cli_args("53.02", "2025-12") == [
        "--region", "53.02", "--goal", "vulnerable", "--years", "2026-2028", "--package", "with-jht", "--phasing", "20,30,50",
        "--split", "apbd_prov=30,csr=Rp1000000", "--period", "2025-12", "--format", "json"]
