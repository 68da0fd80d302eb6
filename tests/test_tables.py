"""The one builder of region tables (``ucj_dash.views.tables``), on hand-made rows: order, headers, units, labels."""

import math

import numpy as np
import pandas as pd
import pytest

from ucj_dash.analysis.indicators import METRICS
from ucj_dash.analysis.settings import Settings
from ucj_dash.views import tables

NAN = float("nan")


def rows() -> pd.DataFrame:
    """Four kabupaten/kota, one without data and two tied on coverage; listed out of code order."""
    return pd.DataFrame({
        "code": ["53.04", "53.01", "53.03", "53.02"],
        "name": ["Kupang", "Sumba Barat", "Kota Kupang", "Timor Tengah Selatan"],
        "kind": ["kabupaten", "kabupaten", "kota", "kabupaten"],
        "ucj_coverage_pct": [20.0, NAN, 35.5, 20.0],
        "uncovered_workers": [800.0, NAN, 100.0, 1200.0],
    })


COLUMNS = (
    tables.Column("position", lambda _lang: "#", tables.RANK),
    tables.Column("name", "col.name"),
    tables.Column("kind", "col.kind", labels="kind."),
    tables.Column("code", "col.code"),
    tables.indicator("ucj_coverage_pct", "col.ucj_coverage_pct"),
    tables.indicator("uncovered_workers", "col.uncovered_workers"),
)


def test_largest_first_no_data_last_ties_in_code_order():
    table = tables.build(rows(), COLUMNS, "id", sort_by="ucj_coverage_pct")
    assert table.codes == ["53.03", "53.02", "53.04", "53.01"]
    assert table.frame["#"].tolist() == [1, 2, 3, 4]
    coverage = table.frame["Cakupan UCJ (%)"].tolist()
    assert coverage[:3] == [35.5, 20.0, 20.0] and math.isnan(coverage[3])  # no data stays NaN, never 0


def test_ascending_still_puts_no_data_last():
    table = tables.build(rows(), COLUMNS, "en", sort_by="ucj_coverage_pct", ascending=True)
    assert table.codes == ["53.02", "53.04", "53.03", "53.01"]
    assert table.frame["Region"].tolist() == ["Timor Tengah Selatan", "Kupang", "Kota Kupang", "Sumba Barat"]


def test_without_sort_rows_keep_their_order():
    table = tables.build(rows(), COLUMNS, "id")
    assert table.codes == ["53.04", "53.01", "53.03", "53.02"]
    assert table.frame["#"].tolist() == [1, 2, 3, 4]


def test_headers_and_labels_in_both_languages():
    id_table = tables.build(rows(), COLUMNS, "id", sort_by="ucj_coverage_pct")
    assert list(id_table.frame.columns) == ["#", "Wilayah", "Jenis", "Kode", "Cakupan UCJ (%)", "Belum terlindungi (orang)"]
    assert id_table.frame["Jenis"].tolist() == ["Kota", "Kabupaten", "Kabupaten", "Kabupaten"]
    en_table = tables.build(rows(), COLUMNS, "en", sort_by="ucj_coverage_pct")
    assert list(en_table.frame.columns) == ["#", "Region", "Type", "Code", "UCJ coverage (%)", "Uncovered (persons)"]
    assert en_table.frame["Type"].tolist() == ["City", "Regency", "Regency", "Regency"]


def test_units_per_header():
    table = tables.build(rows(), COLUMNS, "en")
    assert table.units == {
        "#": tables.RANK, "Region": tables.TEXT, "Type": tables.TEXT, "Code": tables.TEXT,
        "UCJ coverage (%)": tables.SHARE, "Uncovered (persons)": tables.PERSONS,
    }
    assert tables.SHARE.bar and tables.SHARE.decimals == 1 and tables.SHARE.excel == "0.00"
    assert tables.RATE.decimals == 2 and tables.RATE.excel == "0.000" and not tables.RATE.bar
    assert tables.PERSONS.excel == "#,##0" and tables.RANK.excel == "0"


def test_two_columns_with_one_header_are_refused():
    with pytest.raises(ValueError):
        tables.build(rows(), (tables.Column("name", "col.name"), tables.Column("code", "col.name")), "id")


def test_cell_text_by_unit():
    assert tables.cell_text(35.86, tables.SHARE, "id") == "35,9%"
    assert tables.cell_text(0.834, tables.RATE, "en") == "0.83%"
    assert tables.cell_text(1234567.0, tables.PERSONS, "id") == "1.234.567"
    assert tables.cell_text(1.2e9, tables.RUPIAH, "id") == "Rp1,2 miliar"
    assert tables.cell_text(-0.41, tables.POINTS, "en") == "−0.41 pp"
    assert tables.cell_text(True, tables.FLAG, "id") == "ya"
    assert tables.cell_text("Kota <Kupang>", tables.TEXT, "id") == "Kota <Kupang>"
    for unit in (tables.SHARE, tables.PERSONS, tables.RUPIAH, tables.FLAG):
        assert tables.cell_text(NAN, unit, "id") == "—"  # no data, never 0
    assert tables.cell_text(None, tables.TEXT, "id") == ""


def test_map_table_ranks_by_the_metric_and_notes_regions_without_boundary():
    children = rows().assign(vulnerable_coverage_pct=NAN, extreme_poverty_rate_pct=[1.0, NAN, 0.5, 2.5],
                             village_official_coverage_pct=NAN)
    table = tables.map_table(children, METRICS["extreme_poverty"], {"53.02", "53.03", "53.04"}, "id")
    assert table.codes == ["53.02", "53.04", "53.03", "53.01"]
    assert list(table.frame.columns) == [
        "#", "Wilayah", "Jenis", "Kode", "Cakupan UCJ (%)", "Cakupan rentan (%)", "Belum terlindungi (orang)",
        "Miskin ekstrem (%)", "Perangkat desa terdaftar (%)", "Perubahan cakupan UCJ (poin)", "Catatan",
    ]
    assert table.frame["Catatan"].tolist() == ["", "", "", "tanpa batas peta"]
    assert table.units["Miskin ekstrem (%)"] == tables.RATE and table.units["Cakupan rentan (%)"] == tables.SHARE


def test_profile_table_gap_and_yearly_cost_by_the_chosen_coverage():
    children = pd.DataFrame({
        "code": ["53.01", "53.02"], "name": ["Sumba Barat", "Timor Tengah Selatan"],
        "vulnerable_covered": [50.0, NAN], "vulnerable_workers": [200.0, 300.0],
        "vulnerable_coverage_pct": [25.0, NAN], "target_pct": [52.15, 52.15],
        "uncovered_vulnerable_workers": [150.0, NAN], "extreme_poverty_rate_pct": [1.5, 0.9],
    })
    table = tables.profile_table(children, "vulnerable", Settings(), "en")
    assert list(table.frame.columns) == [
        "Region", "Code", "Coverage (%) — vulnerable-worker coverage", "Target (%)", "Gap to target (persons)",
        "Vulnerable uncovered (persons)", "Extreme poverty (%)", "Cost per year (Rp)",
    ]
    assert table.codes == ["53.01", "53.02"]  # the one without coverage last
    first = table.frame.iloc[0]
    assert first["Gap to target (persons)"] == pytest.approx(200 * 0.5215 - 50)  # 54.3 persons
    assert first["Cost per year (Rp)"] == 150 * 16_800 * 12  # JKK + JKM, Rp per worker per month
    assert np.isnan(table.frame.iloc[1]["Gap to target (persons)"]) and np.isnan(table.frame.iloc[1]["Cost per year (Rp)"])
    assert table.units["Cost per year (Rp)"] == tables.RUPIAH and table.units["Target (%)"] == tables.TARGET


def test_priority_table_keeps_the_ranking_and_names_the_group():
    ranked = pd.DataFrame({
        "rank": [1, 2], "code": ["53.02", "53.01"], "name": ["Timor Tengah Selatan", "Sumba Barat"],
        "quadrant": ["act_first", "no_data"], "reason": ["a", "b"],
        "uncovered_extreme_poor_workers": [10.0, NAN], "uncovered_vulnerable_workers": [20.0, NAN],
        "gap_to_target_workers": [30.0, NAN],
    })
    table = tables.priority_table(ranked, "id")
    assert table.codes == ["53.02", "53.01"]
    assert table.frame["Kelompok"].tolist() == ["Prioritas: miskin ekstrem tinggi, cakupan rendah", "Data tidak lengkap"]
    assert table.units["Alasan peringkat"] == tables.PROSE
    assert table.frame["Kekurangan ke target (orang)"].tolist()[0] == 30.0
