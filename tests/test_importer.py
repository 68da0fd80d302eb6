"""Importer: real-looking spreadsheets read right, every malformed file reported, nothing half-stored.

Every file is built here, in the test, from text or with openpyxl; none is committed.
The store points at a temporary folder (``UCJ_DATA_DIR``): the real ``data/`` is never touched.
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets import composition, figures, importer, store, template
from ucj_dash.datasets.composition import Composition
from ucj_dash.datasets.dataset import COUNT_COLUMNS
from ucj_dash.datasets.importer import (
    ERROR,
    WARNING,
    check,
    parse_number,
    parse_period,
    store_import,
)
from ucj_dash.errors import UserError
from ucj_dash.geography.regions import Level, level_of
from ucj_dash.text import i18n
from ucj_dash.text.i18n import t
from ucj_dash.views import mapview

PERIOD = "2024-12"
HEADER = ["region_code", "region_name", "period", "population", "employed_workers", "active_participants",
          "vulnerable_workers", "vulnerable_covered"]
# Four villages of kecamatan Amanuban Tengah (53.02.05), Kabupaten Timor Tengah Selatan.
VALID_ROWS = [
    ["53.02.05.2001", "Taebesa", PERIOD, "2410", "1163", "231", "388", "97"],
    ["53.02.05.2002", "Nakfunu", PERIOD, "1785", "842", "149", "301", "64"],
    ["53.02.05.2003", "Oe'ekam", PERIOD, "3120", "1507", "372", "455", "141"],
    ["53.02.05.1010", "Niki-Niki", PERIOD, "6890", "3395", "1190", "820", "352"],
]


def make_csv(rows, sep=";", encoding="utf-8-sig", header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def make_xlsx(rows, header=HEADER, formats: dict | None = None) -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    for (r, c), fmt in (formats or {}).items():
        ws.cell(row=r, column=c).number_format = fmt
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def kinds(report, severity=None) -> list[str]:
    return [p.kind for p in report.problems if severity is None or p.severity == severity]


def only(report, kind):
    hits = [p for p in report.problems if p.kind == kind]
    assert hits, f"no {kind!r} in {[(p.kind, p.row, p.value) for p in report.problems]}"
    return hits[0]


def row_with(**changes) -> list[str]:
    row = list(VALID_ROWS[0])
    for col, value in changes.items():
        row[HEADER.index(col)] = value
    return row


def data_files(path: Path) -> dict[str, str]:
    """Checksum of every file under ``path`` (what "nothing changed on disk" compares)."""
    if not path.exists():
        return {}
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(path.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(
    "text, decimal, count, expected",
    [
        ("1.234.567", ",", True, 1234567),
        ("1,234,567", ".", True, 1234567),
        ("1.234.567,5", ",", False, 1234567.5),
        ("1,234,567.5", ".", False, 1234567.5),
        ("12,5", ",", False, 12.5),
        ("12.5", ",", False, 12.5),  # not a thousands group: a decimal point even in an Indonesian file
        ("12.500", ",", True, 12500),
        ("12,500", ",", True, 12500),  # counts of persons: three digits after one separator are thousands
        ("0,830", ",", False, 0.83),
        (" 1 234 567 ", ",", True, 1234567),
        ("\u00a01.234\u00a0", ",", True, 1234),
        ("(15)", ",", True, -15),
        ("\u221215", ",", True, -15),
    ],
)
def test_parse_number_forms(text, decimal, count, expected):
    assert parse_number(text, decimal, count=count) == (pytest.approx(expected), False)


def test_parse_number_percent_and_rejects():
    assert parse_number("12,5%", ",") == (12.5, True)
    assert parse_number("0.83 %", ".") == (0.83, True)
    assert parse_number(importer.Percent(0.83)) == (0.83, True)
    for bad in ("abc", "1.23.456", "1,2,3", "12-5", "", "-", "1.234,5.6", "nan", "inf", "12,", True):
        with pytest.raises(ValueError):
            parse_number(bad, ",")


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["id", "en", "plain"]))
@settings(max_examples=60, deadline=None)
def test_counts_read_back_whatever_the_style(n, style):
    text = {"id": f"{n:,}".replace(",", "."), "en": f"{n:,}", "plain": str(n)}[style]
    for decimal in (",", "."):
        assert parse_number(text, decimal, count=True)[0] == n


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-12", "2024-12"), ("2024-1", "2024-01"), ("2024/12", "2024-12"), ("12/2024", "2024-12"),
        ("202412", "2024-12"), (202412, "2024-12"), ("Des 2024", "2024-12"), ("Desember 2024", "2024-12"),
        ("March 2024", "2024-03"), ("2024-12-31", "2024-12"), (datetime(2024, 3, 31), "2024-03"),
        ("2024-13", None), ("24-12", None), ("", None), ("kemarin", None), ("1899-12", None),
    ],
)
def test_parse_period(value, expected):
    assert parse_period(value) == expected


# ---------------------------------------------------------------- what real files look like


def test_template_csv_and_xlsx_pass_unchanged(registry):
    for data, name in ((template.csv_bytes(registry), "t.csv"), (template.xlsx_bytes(registry), "t.xlsx")):
        report = check(data, name, registry)
        assert report.problems == [], [(p.kind, p.row) for p in report.problems]
        assert report.ok and report.rows_imported == 4
        assert all(c.startswith("53.02.") for c in report.figures["region_code"])


def test_template_explains_every_column(registry):
    text = template.csv_bytes(registry).decode("utf-8-sig")
    assert text.startswith("# ")
    for col in (*template.HEADERS, "extreme_poverty_rate_pct"):
        assert f"# {col} [" in text
    book = load_workbook(io.BytesIO(template.xlsx_bytes(registry)))
    assert book.sheetnames == ["Data", "Petunjuk"]
    documented = {r[0] for r in book["Petunjuk"].iter_rows(values_only=True) if r and r[0]}
    assert set(template.HEADERS) <= documented
    assert book["Data"]["A2"].number_format == "@"  # codes stay text in Excel


def test_indonesian_spreadsheet(registry):
    """`;`, Windows-1252, title rows, odd headers, dotted thousands, decimal-comma rates, blank trailing rows."""
    lines = [
        "Data Peserta BPJS Ketenagakerjaan per Desa;;;;;;",
        "Kabupaten Timor Tengah Selatan - Desember 2024;;;;;;",
        ";;;;;;",
        "No;  KODE WILAYAH ; Nama Desa/Kelurahan;Periode;Jumlah Penduduk (jiwa);Penduduk Bekerja;Peserta Aktif;"
        "Persentase Penduduk Miskin Ekstrim (%);Keterangan",
        "1;5302052001;Taebesa;Des 2024;2.410;1.163;231;2,5%;dicek",
        "2;53.02.05.2002;NAKFUNU;2024-12;1.785;842;149;3,1;",
        "3;5307012021;Regapu\u2019u;2024-12;12.345.678;1.163;231;0,83%;é",
        ";;;;;;;;",
        ";;;;;;;;",
    ]
    data = "\r\n".join(lines).encode("cp1252")
    report = check(data, "peserta.csv", registry)
    assert report.problems == [], [(p.kind, p.row, p.value) for p in report.problems]
    f = report.figures.set_index("region_code")
    assert f.loc["53.02.05.2001", "population"] == 2410
    assert f.loc["53.02.05.2001", "employed_workers"] == 1163
    assert f.loc["53.07.01.2021", "population"] == 12_345_678
    # rates become counts: round(rate × population / 100)
    assert f.loc["53.02.05.2001", "extreme_poor_population"] == round(2.5 * 2410 / 100)
    assert f.loc["53.02.05.2002", "extreme_poor_population"] == round(3.1 * 1785 / 100)
    assert f.loc["53.07.01.2021", "extreme_poor_population"] == round(0.83 * 12_345_678 / 100)
    assert np.isnan(f.loc["53.02.05.2001", "vulnerable_workers"])  # not given: no data, never 0
    assert report.rows_read == 3
    assert report.columns["region_code"] == "KODE WILAYAH"


def test_english_spreadsheet_with_bom_and_commas(registry):
    rows = [["5302052001", "Taebesa", "2024-12", "1,234,567", "12,345", "1,234", "", ""],
            ["5302052002", "Nakfunu", "2024-12", "2,410.0", "1,163", "231", "", ""]]
    header = ["Region Code", "Region Name", "Period", "Population", "Employed workers", "Active participants",
              "Vulnerable workers", "Vulnerable workers covered"]
    report = check(make_csv(rows, sep=",", header=header), "en.csv", registry)
    assert report.problems == []
    f = report.figures.set_index("region_code")
    assert f.loc["53.02.05.2001", "population"] == 1_234_567
    assert f.loc["53.02.05.2002", "population"] == 2410
    assert f.loc["53.02.05.2001", "active_participants"] == 1234


def test_utf8_without_bom_and_utf16(registry):
    plain = make_csv(VALID_ROWS, encoding="utf-8")
    tabbed = make_csv(VALID_ROWS, sep="\t", encoding="utf-16")
    for data in (plain, tabbed):
        report = check(data, "x.txt", registry)
        assert report.problems == [] and report.rows_imported == 4


def test_xlsx_codes_excel_made_numbers_dates_and_percent_cells(registry):
    header = ["Kode", "Nama", "Bulan", "Penduduk", "Penduduk bekerja", "Peserta aktif", "Tingkat kemiskinan ekstrem"]
    rows = [
        [5302052001, "Taebesa", datetime(2024, 12, 31), 2410, 1163, 231, 0.025],
        [53.1, "Kabupaten Manggarai", "2024-12", 150000.0, 70000, 14000, 0.0083],  # "53.10" typed, Excel kept 53.1
        [53, "Nusa Tenggara Timur", 202412, 5_500_000, 2_600_000, 520_000, None],
    ]
    formats = {(2, 7): "0.0%", (3, 7): "0.00%"}
    report = check(make_xlsx(rows, header, formats), "book.xlsx", registry)
    assert kinds(report, ERROR) == []
    f = report.figures.set_index("region_code")
    assert {"53.02.05.2001", "53.10", "53"} == set(f.index)
    assert f.loc["53.02.05.2001", "extreme_poor_population"] == round(2.5 * 2410 / 100)
    assert f.loc["53.10", "extreme_poor_population"] == round(0.83 * 150000 / 100)
    assert (report.figures["period"] == "2024-12").all()
    assert kinds(report, WARNING) == ["parent_and_children"]  # 53 given and also regions inside it


def test_header_found_below_title_rows_in_second_sheet(registry):
    book = Workbook()
    book.active.title = "Catatan"
    book.active.append(["Sumber: BPJS Ketenagakerjaan Cabang Kupang"])
    ws = book.create_sheet("Data")
    ws.append(["Rekap per desa"])
    ws.append([])
    ws.append(HEADER)
    for row in VALID_ROWS:
        ws.append(row)
    buf = io.BytesIO()
    book.save(buf)
    report = check(buf.getvalue(), "b.xlsx", registry)
    assert report.problems == [] and report.rows_imported == 4
    assert report.table("id").empty


def test_xlsx_rows_and_columns_numbered_as_excel_shows_them(registry):
    book = Workbook()
    ws = book.active
    for col, text in zip("CDEF", ("region_code", "period", "employed_workers", "active_participants")):
        ws[f"{col}3"] = text
    ws.append([None, None, "53.02.05.2001", "2024-12", 10, 1])
    ws["C6"], ws["D6"], ws["E6"], ws["F6"] = "53.02.05.2002", "2024-12", 10, -1
    buf = io.BytesIO()
    book.save(buf)
    report = check(buf.getvalue(), "x.xlsx", registry)
    assert [(p.kind, p.row, p.column) for p in report.problems] == [("negative", 6, "active_participants")]


# ---------------------------------------------------------------- every problem, each in a real file


@pytest.mark.parametrize(
    "change, kind, severity",
    [
        (dict(region_code="53.02.05.2999"), "unknown_code", ERROR),
        (dict(region_code="5302050001"), "unknown_code_bps", ERROR),
        (dict(region_code="53-02-05"), "invalid_code", ERROR),
        (dict(region_code="5,30205E+09"), "invalid_code_number", ERROR),
        (dict(region_code=""), "missing_code", ERROR),
        (dict(region_name="Kota Kupang"), "name_mismatch", ERROR),
        (dict(region_name="Taebessa"), "name_spelling", WARNING),
        (dict(period="2024-13"), "bad_period", ERROR),
        (dict(period=""), "bad_period", ERROR),
        (dict(employed_workers="-12"), "negative", ERROR),
        (dict(employed_workers="seribu"), "non_numeric", ERROR),
        (dict(employed_workers="n/a"), "non_numeric", ERROR),
        (dict(vulnerable_workers="-", vulnerable_covered=""), "dash_as_missing", WARNING),
        (dict(employed_workers="45%"), "percent_in_count", ERROR),
        (dict(employed_workers="1163,5"), "not_whole", WARNING),
        (dict(vulnerable_covered="400"), "part_exceeds_whole", ERROR),
        (dict(employed_workers="3000"), "part_exceeds_whole", ERROR),  # more workers than inhabitants
        (dict(active_participants="1200"), "coverage_over_100", WARNING),
        (dict(population="", employed_workers="", active_participants="", vulnerable_workers="", vulnerable_covered=""),
         "no_figures", WARNING),
    ],
)
def test_row_problem(registry, change, kind, severity):
    data = make_csv([row_with(**change), *VALID_ROWS[1:]])
    report = check(data, "f.csv", registry)
    problem = only(report, kind)
    assert problem.severity == severity
    assert problem.row == 2  # the spreadsheet row (header is row 1)
    column = next(iter(change)) if kind != "no_figures" else "region_code"
    assert problem.column == column
    for lang in ("id", "en"):
        assert problem.problem(lang) and problem.fix(lang)
    if severity == ERROR:
        assert not report.ok and report.figures is None
    else:
        assert report.ok and not report.errors


def test_unknown_code_names_closest_codes_by_code_and_by_name(registry):
    report = check(make_csv([row_with(region_code="53.02.05.2099", region_name="Nakfunu")]), "f.csv", registry)
    problem = only(report, "unknown_code")
    assert "53.02.05.20" in problem.params["by_code"]  # same kecamatan
    assert "53.02.05.2002 Nakfunu" in problem.params["by_name"]
    assert "53.02.05.2002" in problem.fix("en")


def test_name_mismatch_offers_codes_with_that_name(registry):
    rows = [["53.71", "Kabupaten Kupang", PERIOD, "100", "50", "10", "", ""]]
    report = check(make_csv(rows), "f.csv", registry)
    assert kinds(report) == ["name_kind"]  # Kupang is right, but kota ≠ kabupaten
    rows = [["53.71", "Ende", PERIOD, "100", "50", "10", "", ""]]
    problem = only(check(make_csv(rows), "f.csv", registry), "name_mismatch")
    assert problem.params["official"] == "Kota Kupang"
    assert "53.08" in problem.params["by_name"]  # Kabupaten Ende


def test_duplicate_region_and_period_dotted_or_not(registry):
    rows = [VALID_ROWS[0], VALID_ROWS[1], row_with(region_code="5302052001")]
    report = check(make_csv(rows), "f.csv", registry)
    problem = only(report, "duplicate_row")
    assert (problem.row, problem.params["first"]) == (4, 2)
    # the same region in another period is fine
    assert check(make_csv([VALID_ROWS[0], row_with(period="2024-11")]), "f.csv", registry).ok


def test_rates_outside_0_100_and_without_population(registry):
    header = ["kode", "periode", "penduduk", "penduduk bekerja", "peserta aktif", "persentase penduduk miskin ekstrem"]
    rows = [["53.02.05.2001", PERIOD, "2410", "1163", "231", "120"],
            ["53.02.05.2002", PERIOD, "1785", "842", "149", "-1"],
            ["53.02.05.2003", PERIOD, "", "842", "149", "2,5"]]
    report = check(make_csv(rows, header=header), "f.csv", registry)
    assert [(p.kind, p.row) for p in report.errors] == [("rate_range", 2), ("rate_range", 3), ("rate_needs_base", 4)]
    header_no_pop = ["kode", "periode", "penduduk bekerja", "peserta aktif", "persentase penduduk miskin ekstrem"]
    report = check(make_csv([["53.02.05.2001", PERIOD, "1163", "231", "2,5"]], header=header_no_pop), "f.csv", registry)
    assert kinds(report, ERROR) == ["rate_needs_base_column"]


def test_percent_in_a_count_header_means_the_rate(registry):
    header = ["kode", "periode", "penduduk", "penduduk bekerja", "peserta aktif", "Penduduk Miskin Ekstrem (%)"]
    report = check(make_csv([["53.02.05.2001", PERIOD, "2410", "1163", "231", "2,5"]], header=header), "f.csv", registry)
    assert report.problems == []
    assert report.figures["extreme_poor_population"].iloc[0] == round(2.5 * 2410 / 100)


def test_dashes_are_no_data_never_zero(registry):
    rows = [row_with(vulnerable_workers="-", vulnerable_covered="-"), VALID_ROWS[1],
            row_with(region_code="53.02.05.2003", region_name="Oe'ekam", vulnerable_workers="…", vulnerable_covered="")]
    report = check(make_csv(rows), "f.csv", registry)
    assert [(p.kind, p.column, p.row, p.params["n"]) for p in report.problems] == [
        ("dash_as_missing", "vulnerable_workers", 2, 2), ("dash_as_missing", "vulnerable_covered", 2, 1)]
    f = report.figures.set_index("region_code")
    assert f.loc[["53.02.05.2001", "53.02.05.2003"], "vulnerable_workers"].isna().all()


def test_rate_and_count_that_disagree_warn_and_the_count_wins(registry):
    header = ["kode", "periode", "penduduk", "penduduk bekerja", "peserta aktif", "penduduk miskin ekstrem",
              "persentase penduduk miskin ekstrem"]
    report = check(make_csv([["53.02.05.2001", PERIOD, "2410", "1163", "231", "500", "2,5"]], header=header), "f.csv", registry)
    assert kinds(report) == ["rate_count_mismatch"]
    assert report.figures["extreme_poor_population"].iloc[0] == 500


def test_missing_required_columns(registry):
    # any subset of the counts is a dataset (a BPJS export of participants only, Sakernas employed workers only)
    header = ["region_code", "period", "peserta aktif"]
    report = check(make_csv([["53.02.05.2001", PERIOD, "231"]], header=header), "f.csv", registry)
    assert report.ok and kinds(report) == [] and report.figures["active_participants"].iloc[0] == 231
    assert report.figures["employed_workers"].isna().all()  # not given: no data, never 0
    report = check(make_csv([["53.02.05.2001", PERIOD, "x"]], header=["region_code", "period", "keterangan"]), "f.csv", registry)
    problem = only(report, "no_count_columns")
    assert problem.severity == ERROR and problem.row == 1
    report = check(make_csv([["53.02.05.2001", "2410", "1163", "231"]], header=["kode", "penduduk", "pekerja", "peserta aktif"]), "f.csv", registry)
    assert only(report, "missing_columns").params["columns"] == "period"


def test_duplicate_and_unknown_columns(registry):
    header = [*HEADER, "Peserta Aktif", "Jumlah Sekolah"]
    report = check(make_csv([[*VALID_ROWS[0], "231", "3"]], header=header), "f.csv", registry)
    assert only(report, "duplicate_column").params["first"] == "active_participants"
    header = [*HEADER, "Jumlah Sekolah", "No", "Keterangan"]
    report = check(make_csv([[*VALID_ROWS[0], "3", "1", "ok"]], header=header), "f.csv", registry)
    assert [(p.kind, p.column) for p in report.problems] == [("unknown_column", "Jumlah Sekolah")]


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"", "empty"),
        (b"   \r\n\r\n  ", "empty"),
        (b"\xef\xbb\xbf", "empty"),
        (b";;;;\r\n;;;\r\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "not_a_table"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "not_a_table"),
        ("Laporan capaian UCJ\nKabupaten baik-baik saja.\n".encode(), "not_a_table"),
        (b"PK\x03\x04this is not really a zip", "not_a_table"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "xls_old"),
        (b"region_code;period;employed_workers;active_participants\r\n", "no_rows"),
        (b"<html><table><tr><td>kode</td></tr></table></html>", "not_a_table"),
    ],
)
def test_file_level_problems(registry, data, kind):
    report = check(data, "f.csv", registry)
    assert kinds(report) == [kind]
    assert report.errors and not report.ok
    assert report.errors[0].row in (None, 1)


def test_rows_without_any_figure_import_nothing(registry):
    rows = [row_with(population="", employed_workers="", active_participants="", vulnerable_workers="", vulnerable_covered="")]
    report = check(make_csv(rows), "f.csv", registry)
    assert kinds(report) == ["no_figures", "nothing_to_import"] and not report.ok


def test_comment_lines_only_above_the_header(registry):
    data = make_csv([VALID_ROWS[0], ["#53.02.05.2002", *VALID_ROWS[1][1:]]])
    lines = [b"# " + b"komentar %d" % i for i in range(40)]
    report = check(b"\r\n".join(lines) + b"\r\n" + data, "f.csv", registry)
    assert [(p.kind, p.row) for p in report.problems] == [("invalid_code", 43)]  # a "#" data row is not skipped


def test_report_csv_never_carries_formulas(registry):
    rows = [row_with(employed_workers="=HYPERLINK(\"http://x\")"), row_with(region_code="53.02.05.2002", region_name="Nakfunu", employed_workers="-3")]
    text = check(make_csv(rows), "f.csv", registry).to_csv("en").decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ";=HYPERLINK" not in text and ';"=HYPERLINK' not in text
    assert ";-3;" in text


def test_empty_xlsx_is_empty(registry):
    buf = io.BytesIO()
    Workbook().save(buf)
    assert kinds(check(buf.getvalue(), "e.xlsx", registry)) == ["empty"]


def test_file_above_the_size_limit(registry, tmp_path):
    path = tmp_path / "big.csv"
    line = ";".join(VALID_ROWS[0]) + "\r\n"
    with path.open("w") as fh:
        fh.write(";".join(HEADER) + "\r\n")
        fh.write(line * (importer.MAX_FILE_BYTES // len(line) + 10))
    data = path.read_bytes()
    assert len(data) > importer.MAX_FILE_BYTES == 20 * 1024 * 1024
    report = check(data, path.name, registry)
    assert kinds(report) == ["too_large"]
    assert report.errors[0].params["limit"] == "20.0"


def test_total_rows_and_blank_rows_are_skipped(registry):
    rows = [*VALID_ROWS, ["", "", "", "", "", "", "", ""], ["", "JUMLAH", "", "14.205", "6.907", "1.942", "", ""]]
    report = check(make_csv(rows), "f.csv", registry)
    assert [(p.kind, p.row) for p in report.problems] == [("total_row", 7)]
    assert report.rows_imported == 4 and report.rows_skipped == 1


def test_kelurahan_with_village_officials_warns(registry):
    header = ["kode", "periode", "penduduk bekerja", "peserta aktif", "kepala & perangkat desa"]
    report = check(make_csv([["53.02.05.1010", PERIOD, "3395", "1190", "12"]], header=header), "f.csv", registry)
    assert kinds(report) == ["kelurahan_officials"]


def test_report_table_and_csv_in_both_languages(registry):
    rows = [row_with(region_code="53.02.05.2999"), row_with(region_code="53.02.05.2002", region_name="Nakfunu", active_participants="1200")]
    report = check(make_csv(rows), "laporan.csv", registry)
    for lang in ("id", "en"):
        table = report.table(lang)
        assert list(table.columns) == [t(f"import.col.{k}", lang) for k in ("severity", "row", "column", "value", "problem", "fix")]
        assert table.iloc[0, 0] == t("import.severity.error", lang)  # errors first
        text = report.to_csv(lang).decode("utf-8-sig")
        assert text.startswith("# laporan.csv")
        back = pd.read_csv(io.StringIO(text), sep=";", comment=None, skiprows=1)
        assert len(back) == len(report.problems)
        assert list(back.iloc[:, 1]) == [2, 3]


def test_report_keeps_1000_problems_per_kind_and_counts_them_all(registry):
    """1,234 negative counts and 3 words: the first 1,000 negatives are listed, every problem is counted."""
    assert importer.MAX_PROBLEMS_PER_KIND == 1000
    rows = [row_with(employed_workers="-12")] * 1234 + [row_with(employed_workers="seribu")] * 3
    data = make_csv(rows)
    report = check(data, "f.csv", registry)
    assert report.counts == {(ERROR, "negative"): 1234, (ERROR, "non_numeric"): 3}
    assert (report.error_count, report.warning_count) == (1237, 0)
    negatives = [p for p in report.problems if p.kind == "negative"]
    assert len(negatives) == 1000 and [p.row for p in negatives] == list(range(2, 1002))  # the first ones, by row
    assert [p.row for p in report.problems if p.kind == "non_numeric"] == [1236, 1237, 1238]
    assert (report.left_out("negative"), report.left_out("non_numeric")) == (234, 0)
    assert report.summary("en") == (
        "f.csv: 1237 data rows read, 0 ready to import; 1237 errors, 0 warnings. "
        "Only the first 1,000 problems of each kind are listed; 234 more problems are counted but not listed."
    )
    assert report.summary("id") == (
        "f.csv: 1237 baris data dibaca, 0 siap diimpor; 1237 kesalahan, 0 peringatan. "
        "Hanya 1.000 masalah pertama dari tiap jenis yang dicantumkan; 234 lainnya dihitung tetapi tidak dicantumkan."
    )
    table = report.table("en")
    assert len(table) == 1000 + 1 + 3
    more = table.iloc[1000].tolist()  # right after the last negative kept
    assert more[0] == "Error" and pd.isna(more[1]) and more[2:4] == ["", ""]
    assert more[4:] == ["… and 234 more of this kind: A negative number of persons.",
                        "Check the figure; a count of persons cannot be below 0."]
    assert table.iloc[999, 1] == 1001 and table.iloc[1001, 1] == 1236
    assert report.table("id").iloc[1000, 4] == "… dan 234 lainnya dari jenis ini: Jumlah orang negatif."
    text = report.to_csv("id").decode("utf-8-sig")
    assert '\r\nKesalahan;;;;… dan 234 lainnya dari jenis ini: Jumlah orang negatif.;"Periksa angkanya;' in text
    assert text.startswith("# f.csv: 1237 baris data dibaca") and text.count("\r\n") == 1 + 1 + 1004
    assert report.data == b""  # a file with errors is never stored: its bytes are not kept


def test_report_below_the_cap_says_nothing_left_out_and_a_clean_report_keeps_its_bytes(registry):
    report = check(make_csv([row_with(employed_workers="-12")] * 1000), "f.csv", registry)
    assert report.error_count == 1000 and report.left_out("negative") == 0
    assert report.summary("en") == "f.csv: 1000 data rows read, 0 ready to import; 1000 errors, 0 warnings."
    assert len(report.table("en")) == 1000
    data = make_csv(VALID_ROWS)
    assert check(data, "f.csv", registry).data == data  # what store_import writes as the source copy


def test_report_csv_neutralises_every_dangerous_start(registry):
    values = ["@SUM(A1)", "+A1", " =1+1", "-A1"]
    rows = [row_with(region_code=code, region_name=name, employed_workers=v)
            for (code, name, *_), v in zip(VALID_ROWS, values)]
    text = check(make_csv(rows), "f.csv", registry).to_csv("en").decode("utf-8-sig")
    for v in values:
        assert f";'{v};" in text and f";{v};" not in text


def test_every_problem_kind_has_texts():
    import re

    source = Path(importer.__file__).read_text()
    used = set(re.findall(r'\b(?:ERROR|WARNING), "([a-z_0-9]+)"', source)) | {"not_a_table", "xls_old", "coverage_over_100", "part_exceeds_whole", "invalid_code_number", "unknown_code_bps"}
    catalogues = []
    for lang in i18n.LANGS:
        with i18n.catalogue_paths(lang)[0].open("rb") as f:
            catalogues.append(read_po(f))
    for kind in used:
        for prefix in ("import.problem.", "import.fix."):
            for catalogue in catalogues:
                assert prefix + kind in catalogue, prefix + kind
                assert catalogue[prefix + kind].string and all(catalogue[prefix + kind].string), prefix + kind


# ---------------------------------------------------------------- storing: all or nothing


def test_nothing_stored_while_errors_or_unconfirmed_warnings(registry, data_dir):
    before = data_files(data_dir)
    bad = check(make_csv([*VALID_ROWS, row_with(employed_workers="-1")]), "bad.csv", registry)
    with pytest.raises(UserError) as exc:
        store_import(bad, name="x", source="y", as_of="2024-12")
    assert exc.value.key == "import.error.has_errors"
    warn = check(make_csv([row_with(active_participants="1200")]), "warn.csv", registry)
    with pytest.raises(UserError) as exc:
        store_import(warn, name="x", source="y", as_of="2024-12")
    assert exc.value.key == "import.error.unconfirmed"
    good = check(make_csv(VALID_ROWS), "good.csv", registry)
    for kwargs, key in (
        (dict(name=" ", source="y", as_of="2024-12"), "import.error.no_name"),
        (dict(name="x", source="", as_of="2024-12"), "import.error.no_source"),
        (dict(name="x", source="y", as_of="31/12/2024"), "import.error.bad_as_of"),
        (dict(name="x", source="y", as_of="2024-02-30"), "import.error.bad_as_of"),
        (dict(name="x", source="y", as_of="2024-12", dataset_id="demo-peserta"), "data.error.demo_id"),
        (dict(name="x", source="y", as_of="2024-12", dataset_id="demo-baru"), "data.error.demo_id"),
        (dict(name="x", source="y", as_of="2024-12", dataset_id="../evil"), "data.error.bad_id"),
        (dict(as_of="2024-12", append_to="nope"), "data.error.not_found"),
        (dict(as_of="2024-12", append_to="../evil"), "data.error.not_found"),
        (dict(as_of="2024-12", append_to="demo-peserta"), "import.error.append_demo"),
        (dict(as_of="31/12/2024", append_to="nope"), "import.error.bad_as_of"),
    ):
        with pytest.raises(UserError) as exc:
            store_import(good, **kwargs)
        assert exc.value.key == key
    assert data_files(data_dir) == before
    ds = store_import(warn, name="x", source="y", as_of="2024-12", accept_warnings=True)
    assert isinstance(ds, store.Dataset) and ds.version.number == 1
    assert store.load(ds.meta.id).meta.extra["warnings_accepted"] == 1
    assert ds.version.provenance["warnings_accepted"] == 1


def test_stored_dataset_has_provenance_and_the_file(registry, data_dir):
    data = make_csv(VALID_ROWS)
    report = check(data, "C:\\Users\\bpjs\\peserta des 2024.csv", registry)
    ds = store_import(report, name="Peserta TTS", source="BPJS TK Cabang Kupang", as_of="2024-12-31", description="uji")
    meta = store.read_meta(ds.meta.id)
    assert meta.simulated is False and meta.name == "Peserta TTS" and meta.as_of == "2024-12-31"
    x = meta.extra
    assert x["file_sha256"] == hashlib.sha256(data).hexdigest() == report.sha256
    assert x["file_bytes"] == len(data) and x["rows_read"] == 4 and x["rows_imported"] == 4
    assert x["levels"] == ["desa"] and x["periods"] == [PERIOD] and x["regions"] == 4
    assert datetime.fromisoformat(x["uploaded_at"]).tzinfo is not None
    assert x["source_file"] == "source.csv"
    assert (store.dataset_path(ds.meta.id) / "files" / ("0001-" + x["source_file"])).read_bytes() == data
    assert ds.version.provenance == x and ds.version.action == "create"  # the upload's record kept with its version
    assert ds.periods == [PERIOD] and ds.entry(PERIOD).as_of == "2024-12-31" and ds.entry(PERIOD).rows == 4
    assert ds.meta.id.startswith("peserta-tts-") and store.find_by_checksum(report.sha256)[0].id == ds.meta.id
    with pytest.raises(UserError) as exc:  # the same file under the same name again
        store_import(report, name="Peserta TTS", source="s", as_of="2024-12")
    assert exc.value.key == "data.error.id_taken"


def test_append_to_adds_a_version_and_replaces_a_period(registry, data_dir):
    first = store_import(check(make_csv(VALID_ROWS), "des.csv", registry), name="Peserta TTS", source="BPJS", as_of="2024-12-31",
                         dataset_id="tts")
    january = [[*r[:2], "2025-01", *r[3:5], str(int(r[5]) + 10), *r[6:]] for r in VALID_ROWS]
    jan = check(make_csv(january), "jan.csv", registry)
    before = data_files(data_dir)
    second = store_import(jan, as_of="2025-01-31", append_to="tts")
    assert isinstance(second, store.Dataset) and second.key == ("tts", 2) and second.version.action == "append"
    assert second.periods == [PERIOD, "2025-01"] and second.meta == first.meta  # name and source stay the dataset's
    assert second.entry(PERIOD).version == 1 and second.entry("2025-01").version == 2
    assert second.entry("2025-01").as_of == "2025-01-31"
    assert second.version.provenance["file_name"] == "jan.csv" and second.version.provenance["periods"] == ["2025-01"]
    assert (store.dataset_path("tts") / "files" / "0002-source.csv").read_bytes() == jan.data
    assert second.at("2025-01").loc["53.02.05", "active_participants"] == sum(int(r[5]) + 10 for r in VALID_ROWS)
    # what version 1 wrote is still there, unchanged
    assert {k: v for k, v in data_files(data_dir).items() if k in before and k != "datasets/tts/CURRENT"} == {
        k: v for k, v in before.items() if k != "datasets/tts/CURRENT"}
    fixed = [[*r[:2], PERIOD, *r[3:5], "100", *r[6:]] for r in VALID_ROWS]
    third = store_import(check(make_csv(fixed), "des-fix.csv", registry), as_of="2025-02-01", append_to="tts")
    assert third.version.number == 3 and third.periods == [PERIOD, "2025-01"]
    assert third.at(PERIOD).loc["53.02.05", "active_participants"] == 400
    assert store.read_version("tts", 1).periods[PERIOD].file == first.entry(PERIOD).file  # version 1 keeps its file
    assert store.roll_back("tts", 1).at(PERIOD).loc["53.02.05", "active_participants"] == sum(int(r[5]) for r in VALID_ROWS)


def test_round_trip_template_filled_imported_rolled_up_and_on_the_map(registry, data_dir):
    """Fill the XLSX template with every village of one kecamatan plus one kabupaten-level row."""
    book = load_workbook(io.BytesIO(template.xlsx_bytes(registry)))
    ws = book["Data"]
    ws.delete_rows(2, ws.max_row)
    header = [c.value for c in ws[1]]
    villages = registry.children("53.02.05")
    rng = np.random.default_rng(5)
    expected = {}
    for code in villages:
        emp = int(rng.integers(300, 3000))
        act = int(rng.integers(0, emp))
        pop = emp * 2
        values = {"region_code": code.replace(".", ""), "region_name": registry.name(code), "period": PERIOD,
                  "population": pop, "employed_workers": emp, "active_participants": act}
        ws.append([values.get(h) for h in header])
        expected[code] = (pop, emp, act)
    kab_row = {"region_code": "53.03", "region_name": "Timor Tengah Utara", "period": PERIOD,
               "population": 260_000, "employed_workers": 125_000, "active_participants": 30_000}
    ws.append([kab_row.get(h) for h in header])
    buf = io.BytesIO()
    book.save(buf)

    report = check(buf.getvalue(), "terisi.xlsx", registry)
    assert report.problems == [], [(p.kind, p.row) for p in report.problems]
    ds = store_import(report, name="TTS + TTU", source="uji", as_of="2024-12-31")
    loaded = store.load(ds.meta.id)
    at = loaded.at(PERIOD)
    pop, emp, act = (sum(v[i] for v in expected.values()) for i in range(3))
    for code, (p, e, a) in expected.items():
        assert at.loc[code, ["population", "employed_workers", "active_participants"]].tolist() == [p, e, a]
    for code in ("53.02.05", "53.02"):
        assert at.loc[code, ["population", "employed_workers", "active_participants"]].tolist() == [pop, emp, act]
        assert at.loc[code, "reporting"] == len(expected)
    for code in ("53", "ID"):
        assert at.loc[code, "employed_workers"] == emp + 125_000
        assert at.loc[code, "active_participants"] == act + 30_000
    assert at.loc["53.03", "active_participants"] == 30_000
    # regions the file does not cover: no data, never zero
    assert "53.02.01" not in at.index and "51" not in at.index and "53.01" not in at.index
    assert np.isnan(at.loc["53.02", "vulnerable_workers"])
    # as the map shows it: coverage recomputed from sums, uncovered kabupaten without data
    shown = figures.load(Composition.of({"participants": ds.meta.id, "workers": ds.meta.id, "poverty": ds.meta.id}))
    table = mapview.children_table(shown, registry, "53", PERIOD, Settings()).set_index("code")
    assert table.loc["53.02", "ucj_coverage_pct"] == pytest.approx(act / emp * 100)
    assert table.loc["53.03", "ucj_coverage_pct"] == pytest.approx(30_000 / 125_000 * 100)
    assert table.loc["53.01", ["employed_workers", "ucj_coverage_pct"]].isna().all()
    kec = mapview.children_table(shown, registry, "53.02", PERIOD, Settings()).set_index("code")
    assert kec["employed_workers"].notna().sum() == 1  # only Amanuban Tengah


# ---------------------------------------------------------------- property: edit a valid file at random

PROP_HEADER = HEADER
POOL = ["", " ", "-", "0", "abc", "1.234", "1,5", "12,5%", "-7", "1e9", "99.99", "53.02", "5302052001", "2024-13",
        "2024-12", "NaN", "Niki-Niki", "9999999999", "１２", "\u00a0", "#", ";", "\"", "Kota Kupang"]
cell_text = st.one_of(st.sampled_from(POOL), st.text(max_size=12))
edit = st.one_of(
    st.tuples(st.just("cell"), st.integers(0, 4), st.integers(0, len(PROP_HEADER) - 1), cell_text),
    st.tuples(st.just("drop_row"), st.integers(0, 4)),
    st.tuples(st.just("dup_row"), st.integers(0, 4)),
    st.tuples(st.just("drop_col"), st.integers(0, len(PROP_HEADER) - 1)),
    st.tuples(st.just("swap_cols"), st.integers(0, len(PROP_HEADER) - 1), st.integers(0, len(PROP_HEADER) - 1)),
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("byte"), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("garbage_line"), st.integers(0, 5), st.binary(max_size=20)),
)


def apply_edits(edits, sep, encoding):
    """(file bytes, {row index: untouched base row}) after ``edits``."""
    header = list(PROP_HEADER)
    rows = [(i, list(r)) for i, r in enumerate(VALID_ROWS)]
    untouched = {i: True for i in range(len(VALID_ROWS))}
    raw_edits = []
    for e in edits:
        if e[0] == "cell" and e[1] < len(rows) and e[2] < len(header):
            i, row = rows[e[1]]
            row[e[2]] = e[3]
            untouched[i] = False
        elif e[0] == "drop_row" and e[1] < len(rows):
            rows.pop(e[1])
        elif e[0] == "dup_row" and e[1] < len(rows):
            i, row = rows[e[1]]
            rows.append((i, list(row)))
            untouched[i] = False
        elif e[0] == "drop_col" and e[1] < len(header):
            header.pop(e[1])
            for _, row in rows:
                row.pop(e[1])
            untouched = dict.fromkeys(untouched, False)
        elif e[0] == "swap_cols" and max(e[1], e[2]) < len(header):
            header[e[1]], header[e[2]] = header[e[2]], header[e[1]]
            untouched = dict.fromkeys(untouched, False)
        elif e[0] in ("truncate", "byte", "garbage_line"):
            raw_edits.append(e)
            untouched = dict.fromkeys(untouched, False)
    data = make_csv([r for _, r in rows], sep=sep, encoding=encoding, header=header)
    for e in raw_edits:
        if e[0] == "truncate":
            data = data[: int(len(data) * e[1])]
        elif e[0] == "byte" and data:
            pos = min(int(len(data) * e[1]), len(data) - 1)
            data = data[:pos] + bytes([e[2]]) + data[pos + 1 :]
        elif e[0] == "garbage_line":
            lines = data.split(b"\r\n")
            lines.insert(min(e[1], len(lines)), e[2])
            data = b"\r\n".join(lines)
    return data, {i for i, ok in untouched.items() if ok and any(j == i for j, _ in rows)}


@pytest.fixture
def stored_before(registry, data_dir):
    """A store holding one dataset already, which no later import may change."""
    report = check(make_csv(VALID_ROWS[:2]), "earlier.csv", registry)
    store_import(report, name="earlier", source="s", as_of="2024-12", dataset_id="earlier")
    composition.use_everywhere("earlier")
    return data_dir


@given(
    edits=st.lists(edit, min_size=1, max_size=4),
    sep=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_edits_import_correctly_or_fail_with_a_report(registry, stored_before, edits, sep, encoding):
    try:
        data, untouched = apply_edits(edits, sep, encoding)
    except UnicodeEncodeError:
        return  # a cell the file's encoding cannot hold: no such file exists
    before = data_files(stored_before)
    report = check(data, "edited.csv", registry)  # never raises
    event("imported" if report.ok else "refused")
    assert isinstance(report, importer.Report)
    for p in report.problems:
        assert p.severity in (ERROR, WARNING)
        assert p.problem("id") and p.fix("en")
    dataset_id = "p-" + uuid.uuid4().hex[:12]
    if not report.ok:
        assert report.errors and report.figures is None
        with pytest.raises(UserError):
            store_import(report, name="e", source="s", as_of="2024-12", dataset_id=dataset_id, accept_warnings=True)
        assert data_files(stored_before) == before
        return
    ds = store_import(report, name="e", source="s", as_of="2024-12", dataset_id=dataset_id, accept_warnings=True)
    after = data_files(stored_before)
    assert {k: v for k, v in after.items() if not k.startswith(f"datasets/{dataset_id}/")} == before
    assert composition.default().source("participants") == "earlier"  # an import never changes the default
    loaded = store.load(dataset_id)
    assert loaded.key == ds.key == (dataset_id, 1)
    given_figs = report.figures
    assert loaded.periods == sorted(given_figs["period"].unique())
    for period in loaded.periods:  # the rows of the file are stored as given, the rest are sums
        at = loaded.at(period)
        rows = given_figs[given_figs["period"] == period].set_index("region_code")
        own = at[at["given"]]
        assert sorted(own.index) == sorted(rows.index)
        for col in COUNT_COLUMNS:
            pd.testing.assert_series_equal(own.loc[rows.index, col], rows[col].astype("float64"), check_names=False)
    for i in untouched:  # rows nobody edited are stored exactly as written
        row = dict(zip(HEADER, VALID_ROWS[i]))
        stored = loaded.at(PERIOD).loc[row["region_code"]]
        assert bool(stored["given"])
        for col in HEADER[3:]:
            assert stored[col] == float(row[col])
    # roll-up: each kecamatan holds the sum of its villages where only villages were given
    first = given_figs[given_figs["period"] == loaded.periods[0]]
    if {level_of(c) for c in first["region_code"]} == {Level.VILLAGE}:
        rolled = loaded.at(loaded.periods[0])
        for kec, group in first.groupby(first["region_code"].str[:8]):
            assert rolled.loc[kec, "reporting"] == len(group)
            assert not bool(rolled.loc[kec, "given"])
    store.delete(dataset_id)


HEADER_STYLES = {
    "region_code": ["region_code", "Kode Wilayah", "  KODE  ", "kode_wilayah", "Region Code"],
    "region_name": ["region_name", "Nama Desa/Kelurahan", "NAMA", "Region name"],
    "period": ["period", "Periode", "BULAN", "Month"],
    "population": ["population", "Jumlah Penduduk (jiwa)", "PENDUDUK", "Population"],
    "employed_workers": ["employed_workers", "Penduduk Bekerja", "pekerja", "Employed workers"],
    "active_participants": ["active_participants", "Peserta Aktif", "PESERTA AKTIF BPJS KETENAGAKERJAAN", "Active participants"],
    "vulnerable_workers": ["vulnerable_workers", "Pekerja Rentan", "Vulnerable workers"],
    "vulnerable_covered": ["vulnerable_covered", "Pekerja rentan terlindungi", "Vulnerable workers covered"],
}


@given(
    headers=st.fixed_dictionaries({k: st.sampled_from(v) for k, v in HEADER_STYLES.items()}),
    number_style=st.sampled_from(["id", "en", "plain"]),
    dotted=st.booleans(),
    period_style=st.sampled_from(["2024-12", "12/2024", "Des 2024", "202412"]),
    sep=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    trailing_blank=st.integers(0, 3),
    order=st.permutations(range(len(HEADER))),
)
@settings(max_examples=30, deadline=None)
def test_any_valid_styling_imports_the_same_figures(registry, headers, number_style, dotted, period_style, sep, encoding,
                                                     trailing_blank, order):
    def number(text):
        n = int(text)
        return {"id": f"{n:,}".replace(",", "."), "en": f"{n:,}", "plain": str(n)}[number_style]

    rows = []
    for base in VALID_ROWS:
        row = dict(zip(HEADER, base))
        row["region_code"] = row["region_code"] if dotted else row["region_code"].replace(".", "")
        row["period"] = period_style
        for col in HEADER[3:]:
            row[col] = number(row[col])
        rows.append([row[HEADER[j]] for j in order])
    rows += [[""] * len(HEADER)] * trailing_blank
    data = make_csv(rows, sep=sep, encoding=encoding, header=[headers[HEADER[j]] for j in order])
    report = check(data, "styled.csv", registry)
    assert report.problems == [], [(p.kind, p.row, p.column, p.value) for p in report.problems]
    got = report.figures.set_index("region_code")
    for base in VALID_ROWS:
        for col, text in zip(HEADER[3:], base[3:]):
            assert got.loc[base[0], col] == float(text)
    assert set(report.figures["period"]) == {PERIOD}


# ---------------------------------------------------------------- command line


@pytest.fixture
def run_cli(registry, data_dir, monkeypatch, capsys):
    """``python -m ucj_dash ARGS`` in this process: (exit code, stdout, stderr)."""
    from ucj_dash import cli

    monkeypatch.setattr(cli, "registry", lambda: registry)

    def run(*args):
        code = cli.main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_cli_import_exit_codes(tmp_path, data_dir, run_cli):
    good, bad, warn = tmp_path / "good.csv", tmp_path / "bad.csv", tmp_path / "warn.csv"
    good.write_bytes(make_csv(VALID_ROWS))
    bad.write_bytes(make_csv([row_with(region_code="53.02.05.2999")]))
    warn.write_bytes(make_csv([row_with(active_participants="1200")]))
    meta = ["--name", "Uji", "--source", "BPJS", "--as-of", "2024-12-31"]

    code, out, err = run_cli("import", str(bad), *meta, "--lang", "en", "--report", str(tmp_path / "r.csv"))
    assert code == 2, err
    assert "[Error] Row 2" in out and "Closest codes" in out
    assert (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf# bad.csv")
    assert not (data_dir / "datasets").exists()

    code, out, err = run_cli("import", str(warn), *meta)
    assert code == 1 and "--yes" in err
    assert not (data_dir / "datasets").exists()

    code, out, err = run_cli("import", str(good), *meta, "--id", "uji", "--activate")
    assert code == 0, err
    assert store.exists("uji")
    default = composition.default()  # --activate: the default source of every group it has counts of
    assert (default.source("participants"), default.source("workers"), default.source("vulnerable"),
            default.source("poverty")) == ("uji", "uji", "uji", "uji")
    assert default.source("officials") is None
    assert run_cli("import", str(warn), *meta, "--yes")[0] == 0

    code, out, err = run_cli("import", str(tmp_path / "none.csv"), *meta)
    assert code == 2 and "none.csv" in err
    code, out, err = run_cli("import", str(good), *meta, "--id", "uji")
    assert code == 2 and "uji" in err  # taken: nothing replaced


def test_cli_template(tmp_path, run_cli, registry):
    code, out, _ = run_cli("template", "--out", str(tmp_path / "t"))
    assert code == 0
    assert check((tmp_path / "t" / "ucj_template.xlsx").read_bytes(), "t.xlsx", registry).problems == []
    assert check((tmp_path / "t" / "ucj_template.csv").read_bytes(), "t.csv", registry).problems == []
