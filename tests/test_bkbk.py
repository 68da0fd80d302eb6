"""The BKBK model (Jambi's provincial grant to villages) on a small made-up province, worked out by hand.

Provinsi Uji (99), in its own registry and a temporary store:

- Kabupaten Uji Satu (99.01), Kecamatan 99.01.01: desa A (2001), B (2002), C (2003), kelurahan D (1001);
- Kota Uji (99.71), Kecamatan 99.71.01: kelurahan E (1001, no vulnerable-worker figures), desa F (2001, no figures).

Uncovered (extreme-poor, vulnerable) workers: A (70, 200), B (15, 30), C (60, 75), D (0, 10), E (100, —).
Employed workers and active participants by kabupaten: 99.01 10,000 / 3,000; 99.71 5,000 / 2,000.

With Jambi's quota (50 extreme-poor + 25 vulnerable per village), JKK + JKM at Rp16,800 × 12 = Rp201,600
a worker a year, and 10% of a Rp100 juta grant (Rp10 juta per village) for contributions:

- A: 50 extreme-poor + min(25, 200 − 50) = 25 → 75 covered, 200 eligible, 125 left out: under-served;
- B: 15 + min(25, 30 − 15) = 15 → 30 covered, 30 eligible, 45 places unused: over-served;
- C: 50 + min(25, 75 − 50) = 25 → 75 covered, exactly the quota and the eligible: exact;
- D: 0 + min(25, 10) = 10 → 10 covered, 65 places unused: over-served;
- E, F: no data (not 0 workers, not Rp0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ucj_dash.analysis import bkbk
from ucj_dash.datasets import figures, store
from ucj_dash.datasets.composition import Composition
from ucj_dash.datasets.dataset import DatasetMeta
from ucj_dash.errors import UserError
from ucj_dash.geography.regions import Level, Registry

NAN = np.nan
YEAR = 16_800 * 12  # Rp201,600 per worker a year
A, B, C, D = "99.01.01.2001", "99.01.01.2002", "99.01.01.2003", "99.01.01.1001"
E, F = "99.71.01.1001", "99.71.01.2001"


def made_up_registry() -> Registry:
    rows = [
        ("ID", "Indonesia", 0, "", "negara"),
        ("99", "Provinsi Uji", 1, "ID", "provinsi"),
        ("99.01", "Kabupaten Uji Satu", 2, "99", "kabupaten"),
        ("99.71", "Kota Uji", 2, "99", "kota"),
        ("99.01.01", "Kecamatan Satu", 3, "99.01", "kecamatan"),
        ("99.71.01", "Kecamatan Kota", 3, "99.71", "kecamatan"),
        (A, "Desa A", 4, "99.01.01", "desa"),
        (B, "Desa B", 4, "99.01.01", "desa"),
        (C, "Desa C", 4, "99.01.01", "desa"),
        (D, "Kelurahan D", 4, "99.01.01", "kelurahan"),
        (E, "Kelurahan E", 4, "99.71.01", "kelurahan"),
        (F, "Desa F", 4, "99.71.01", "desa"),
    ]
    table = pd.DataFrame(rows, columns=["code", "name", "level", "parent", "kind"]).set_index("code")
    return Registry(table)


@pytest.fixture(scope="module")
def reg() -> Registry:
    return made_up_registry()


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    with pytest.MonkeyPatch.context() as m:
        m.setenv("UCJ_DATA_DIR", str(tmp_path_factory.mktemp("bkbk") / "data"))
        figures.forget()
        villages = pd.DataFrame({
            "region_code": [A, B, C, D, E],
            "period": ["2025-12"] * 5,
            "extreme_poor_workers": [80.0, 20.0, 60.0, 5.0, 100.0],
            "extreme_poor_workers_covered": [10.0, 5.0, 0.0, 5.0, 0.0],
            "vulnerable_workers": [300.0, 40.0, 85.0, 10.0, NAN],
            "vulnerable_covered": [100.0, 10.0, 10.0, 0.0, NAN],
        })
        kabupaten = pd.DataFrame({"region_code": ["99.01", "99.71"], "period": ["2025-12"] * 2,
                                  "employed_workers": [10_000.0, 5_000.0], "active_participants": [3_000.0, 2_000.0]})
        store.save(DatasetMeta("uji-desa", "Uji DTSEN desa", "uji tangan", "2025-12", True), villages)
        store.save(DatasetMeta("uji-kab", "Uji Sakernas kabupaten", "uji tangan", "2025-12", False), kabupaten)
        yield figures.load(Composition.of({"participants": "uji-kab", "workers": "uji-kab", "vulnerable": "uji-desa"}))
    figures.forget()


def by_code(model: bkbk.Model) -> pd.DataFrame:
    return model.villages.set_index("code")


def test_jambi_figures_carry_their_sources_and_agree_with_each_other():
    assert bkbk.GRANT_PER_VILLAGE_RP == 100_000_000 and bkbk.CONTRIBUTION_SHARE_PCT == 10
    assert (bkbk.QUOTA_EXTREME_POOR, bkbk.QUOTA_VULNERABLE) == (50, 25)
    for item in bkbk.JAMBI.values():
        assert "Pergub Jambi 16/2022" in item.source or "jambi" in item.source.lower()
        assert item.as_of in ("2022", "2023")
    villages = int(bkbk.JAMBI["villages"].value)
    reported = {r["year"]: r for r in bkbk.REPORTED}
    assert villages * 50 == reported[2022]["quota_workers"] == 78_100
    assert villages * 75 == reported[2023]["quota_workers"] == 117_150
    assert 50 * YEAR == 10_080_000  # the domain primer's quick check: ≈ 10% of Rp100 juta


def test_the_preset_on_a_made_up_province(ds, reg):
    m = bkbk.apply(ds, reg, "99")
    v = by_code(m)
    assert list(v.index) == [A, B, C, D, E, F]  # every desa and kelurahan receives BKBK
    assert v.loc[[A, B, C, D], "covered_extreme_poor"].tolist() == [50, 15, 50, 0]
    assert v.loc[[A, B, C, D], "covered_vulnerable"].tolist() == [25, 15, 25, 10]
    assert v.loc[[A, B, C, D], "eligible"].tolist() == [200, 30, 75, 10]
    assert v.loc[[A, B, C, D], "left_out"].tolist() == [125, 0, 0, 0]
    assert v.loc[[A, B, C, D], "unused_places"].tolist() == [0, 45, 0, 65]
    assert v["status"].tolist() == ["under", "over", "exact", "over", "no_data", "no_data"]
    assert v.loc[[A, B, C, D], "cost_rupiah"].tolist() == [75 * YEAR, 30 * YEAR, 75 * YEAR, 10 * YEAR]
    # no data is no data: not 0 workers, not Rp0, and the reason names the missing figures
    assert v.loc[[E, F], ["covered", "cost_rupiah", "eligible", "balance_rupiah"]].isna().all().all()
    assert v.loc[E, "missing"] == "vulnerable_workers, vulnerable_covered"
    assert v.loc[F, "missing"] == ("extreme_poor_workers, extreme_poor_workers_covered, vulnerable_workers, vulnerable_covered")

    assert (m.n_villages, m.n_with_data, m.n_no_data, m.places) == (6, 4, 2, 450)
    assert (m.workers, m.workers_extreme_poor, m.workers_vulnerable) == (190, 115, 75)
    assert m.cost_rupiah == 190 * YEAR == 38_304_000
    assert m.earmark_per_village_rupiah == 10_000_000 and m.earmark_rupiah == 60_000_000
    assert m.grant_total_rupiah == 600_000_000
    assert m.quota_cost_per_village_rupiah == 75 * YEAR == 15_120_000
    assert (m.unused_places, m.left_out) == (110, 125)
    assert m.status_counts == {"under": 1, "over": 2, "exact": 1, "no_data": 2}
    # the gaps it closes: extreme poor 115 of 145, vulnerable (with the extreme poor) 190 of 315, the UCJ target
    # 190 of ⌈52.15% × 15,000 − 5,000⌉ = 2,823
    assert m.gap["extreme_poor"] == {"gap": 145, "closed": 115, "share_pct": pytest.approx(115 / 145 * 100)}
    assert m.gap["vulnerable"] == {"gap": 315, "closed": 190, "share_pct": pytest.approx(190 / 315 * 100)}
    assert m.gap["target"] == {"gap": 2_823, "closed": 190, "share_pct": pytest.approx(190 / 2_823 * 100)}
    assert m.coverage_now_pct == pytest.approx(5_000 / 15_000 * 100)
    assert m.coverage_after_pct == pytest.approx(5_190 / 15_000 * 100)
    keys = [n["key"] for n in m.notes]
    assert keys == ["plan.bkbk.note.quota_over_earmark", "plan.bkbk.note.no_data", "plan.bkbk.note.assumption"]
    assert "Rp 15.120.000" in m.notes[0]["id"] and "Rp 10.000.000" in m.notes[0]["id"] and "10%" in m.notes[0]["id"]
    assert "Rp 15,120,000" in m.notes[0]["en"]
    assert "2 dari 6" in m.notes[1]["id"] and "2 of 6" in m.notes[1]["en"]


def test_kabupaten_over_and_under_served(ds, reg):
    k = bkbk.apply(ds, reg, "99").kabupaten.set_index("code")
    assert list(k.index) == ["99.01", "99.71"]  # most left out first, no data last
    one = k.loc["99.01"]
    assert (one["villages"], one["villages_with_data"], one["under"], one["over"], one["exact"], one["no_data"]) == (4, 4, 1, 2, 1, 0)
    assert (one["eligible"], one["covered"], one["left_out"], one["unused_places"]) == (315, 190, 125, 110)
    assert one["cost_rupiah"] == 38_304_000 and one["earmark_rupiah"] == 40_000_000
    assert one["balance_rupiah"] == 40_000_000 - 38_304_000
    assert one["covered_pct"] == pytest.approx(190 / 315 * 100)
    town = k.loc["99.71"]
    assert (town["villages"], town["villages_with_data"], town["no_data"]) == (2, 0, 2)
    assert town[["eligible", "covered", "left_out", "cost_rupiah", "balance_rupiah", "covered_pct"]].isna().all()
    assert town["earmark_rupiah"] == 20_000_000  # the grant goes to every village, whatever its data


def test_the_2022_rule_needs_no_vulnerable_figures(ds, reg):
    """50 extreme-poor only (Jambi 2022): kelurahan E has what it needs; 50 × Rp201,600 = Rp10.08 juta > Rp10 juta."""
    m = bkbk.apply(ds, reg, "99", quota_vulnerable=0)
    v = by_code(m)
    assert v.loc[[A, B, C, D, E], "covered"].tolist() == [50, 15, 50, 0, 50]
    assert v.loc[[A, B, C, D, E], "left_out"].tolist() == [20, 0, 10, 0, 50]
    assert v["status"].tolist() == ["under", "over", "under", "over", "under", "no_data"]
    assert m.workers == 165 and m.cost_rupiah == 165 * YEAR == 33_264_000
    assert m.quota_cost_per_village_rupiah == 10_080_000
    assert m.gap["extreme_poor"] == {"gap": 245, "closed": 165, "share_pct": pytest.approx(165 / 245 * 100)}
    assert "plan.bkbk.note.assumption" not in [n["key"] for n in m.notes]


def test_other_parameters_and_regions(ds, reg):
    m = bkbk.apply(ds, reg, "99.01", quota_extreme_poor=100, quota_vulnerable=0, grant_rp=500_000_000, grant_share_pct=12.5,
                   package="with-jht")
    assert m.n_villages == 4 and by_code(m)["covered"].tolist() == [70, 15, 60, 0]
    assert m.cost_rupiah == 145 * 36_800 * 12
    # 100 × Rp441,600 = Rp44.16 juta fits in 12.5% of Rp500 juta
    assert m.earmark_per_village_rupiah == 62_500_000 and "plan.bkbk.note.quota_over_earmark" not in [n["key"] for n in m.notes]
    village = bkbk.apply(ds, reg, A)
    assert village.n_villages == 1 and village.workers == 75
    nothing = bkbk.apply(ds, reg, F)
    assert nothing.workers is None and nothing.cost_rupiah is None and nothing.gap["vulnerable"] is None
    assert nothing.kabupaten["covered"].isna().all()


@pytest.mark.parametrize("kw, field", [
    ({"quota_extreme_poor": -1}, "bkbk.quota_extreme_poor"),
    ({"quota_vulnerable": 2.5}, "bkbk.quota_vulnerable"),
    ({"grant_rp": "banyak"}, "bkbk.grant"),
    ({"grant_share_pct": 120}, "bkbk.grant_share"),
    ({"package": "gold"}, "package"),
    ({"period": "2030-01"}, "period"),
])
def test_bad_inputs_name_the_field(ds, reg, kw, field):
    with pytest.raises(UserError) as info:
        bkbk.apply(ds, reg, "99", **kw)
    assert info.value.message("id").startswith(field + ":") and info.value.message("en").startswith(field + ":")


def test_jambi_with_every_village_full_is_its_2024_target(registry, tmp_path, monkeypatch):
    """Every desa/kelurahan of Jambi (1,585 in Kepmendagri 2025) with more eligible workers than the quota:
    1,585 × 75 = 118,875 workers, Jambi's 2024 target, at 118,875 × Rp201,600 = Rp23,965,200,000 a year (reported:
    Rp23.96 miliar, 0.02% less)."""
    monkeypatch.setenv("UCJ_DATA_DIR", str(tmp_path / "data"))
    figures.forget()
    villages = registry.descendants("15", Level.VILLAGE)
    rows = pd.DataFrame({"region_code": villages, "period": "2025-12", "extreme_poor_workers": 100.0,
                         "extreme_poor_workers_covered": 0.0, "vulnerable_workers": 300.0, "vulnerable_covered": 0.0})
    store.save(DatasetMeta("jambi-uji", "Uji Jambi", "uji", "2025-12", True), rows)
    m = bkbk.apply(figures.load(Composition.of({"vulnerable": "jambi-uji"})), registry, "15")
    figures.forget()
    reported = {r["year"]: r for r in bkbk.REPORTED}
    assert m.n_villages == len(villages) == 1_585
    assert m.workers == 118_875 == reported[2024]["quota_workers"]
    assert m.cost_rupiah == 23_965_200_000
    assert abs(m.cost_rupiah - reported[2024]["rupiah"]) / reported[2024]["rupiah"] < 0.001
    assert m.status_counts["under"] == 1_585 and m.unused_places == 0
