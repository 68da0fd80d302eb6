"""The PDF brief: one or two A4 pages, the region's figures as the screen formats them, labels, languages."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from ucj_dash.analysis import cost, priority
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets.dataset import Dataset
from ucj_dash.exports import brief
from ucj_dash.text import fmt
from ucj_dash.views import mapview


@pytest.fixture(scope="module")
def settings():
    return Settings()


def _read(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


@pytest.mark.parametrize("region", ["ID", "35", "35.07", "35.07.01", "35.07.01.2001"])
def test_brief_is_one_or_two_a4_pages_with_the_region_and_its_coverage(demo_dataset, registry, settings, region):
    period = demo_dataset.latest_period
    data = brief.brief_pdf(demo_dataset, registry, region, period, settings, "id")
    assert data.startswith(b"%PDF")
    reader, text = _read(data)
    assert 1 <= len(reader.pages) <= 2
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    name = "Indonesia" if region == "ID" else registry.name(region)
    assert name in text
    row = mapview.region_row(demo_dataset, region, period, settings)
    assert fmt.percent(row["ucj_coverage_pct"], "id") in text
    assert "Data simulasi / simulated data".upper() in text  # the banner and the header of every page
    for page in reader.pages:
        assert "DATA SIMULASI" in page.extract_text()
    assert period in text and demo_dataset.meta.as_of in text
    assert "Angka utama" in text and "Metode dan catatan" in text
    # constants with their source: the baseline and the contribution rate's regulation
    assert "0,83%" in text and "Maret 2024" in text
    assert "PP 44/2015" in text
    # the cost of covering the uncovered vulnerable workers, per month, as fmt.rupiah writes it
    monthly = cost.gap_cost(row, "vulnerable", settings).monthly_rp
    assert fmt.rupiah(monthly, "id") in text


def test_english_brief_has_english_headings_and_unicode_signs(demo_dataset, registry, settings):
    period = demo_dataset.latest_period
    _, text = _read(brief.brief_pdf(demo_dataset, registry, "35", period, settings, "en"))
    for heading in ("UCJ coverage brief: Jawa Timur", "Headline figures", "Priority: top 10", "Cost of closing the gap",
                    "Method and notes", "SIMULATED DATA / DATA SIMULASI"):
        assert heading in text, heading
    row = mapview.region_row(demo_dataset, "35", period, settings)
    assert fmt.percent(row["ucj_coverage_pct"], "en") in text
    assert "—" in text and "×" in text and "÷" in text  # DejaVu Sans is embedded, the signs survive
    assert "Angka utama" not in text


def test_children_table_says_how_many_rows_it_shows_and_priority_lists_reasons(demo_dataset, registry, settings):
    period = demo_dataset.latest_period
    _, text = _read(brief.brief_pdf(demo_dataset, registry, "35", period, settings, "id"))
    n = len(registry.children("35"))
    assert f"{brief.MAX_CHILD_ROWS} dari {n} kabupaten/kota" in text
    table = mapview.children_table(demo_dataset, registry, "35", period, settings)
    lowest = table.sort_values("ucj_coverage_pct").iloc[0]
    assert lowest["name"] in text
    top = priority.rank(table, settings).iloc[0]
    assert top["name"] in text
    reason = priority.reason(top, settings, "id")
    assert " ".join(reason.split())[:40] in text


def test_village_brief_replaces_the_children_table_with_a_sentence(demo_dataset, registry, settings):
    village = registry.children("35.07.01")[0]
    reader, text = _read(brief.brief_pdf(demo_dataset, registry, village, demo_dataset.latest_period, settings, "id"))
    assert "tidak ada wilayah di bawahnya" in text
    assert "Prioritas:" not in text
    assert len(reader.pages) <= 2


def test_region_without_data_shows_dashes_not_zero(demo_dataset, registry, settings):
    period = demo_dataset.latest_period
    figures = demo_dataset.figures
    keep = (figures["period"] == period) & figures["region_code"].str.startswith("35.07.")
    keep &= ~figures["region_code"].str.startswith("35.07.01.")
    ds = Dataset(demo_dataset.meta, figures[keep].reset_index(drop=True))
    reader, text = _read(brief.brief_pdf(ds, registry, "35.07.01", period, settings, "en", with_jht=True))
    assert 1 <= len(reader.pages) <= 2
    assert "UCJ coverage — " in text  # the coverage cell is a dash
    assert "0.0%" not in text and "Rp0" not in text
    assert "No data on uncovered vulnerable workers" in text
    assert "JHT Rp 20,000" in text and "Rp 36,800" in text  # with_jht adds the minimum JHT to the rate


def test_long_provenance_still_fits_two_pages_with_fewer_rows(demo_dataset, registry, settings):
    """A long dataset source pushes the layout to fewer rows and a smaller map, never to a third page."""
    from dataclasses import replace

    long_source = "Laporan cabang BPJS Ketenagakerjaan per kecamatan, rekap manual dari beberapa kantor. " * 20
    ds = Dataset(replace(demo_dataset.meta, source=long_source), None, rolled=demo_dataset.rolled)
    reader, text = _read(brief.brief_pdf(ds, registry, "32.01", demo_dataset.latest_period, settings, "id"))
    assert len(reader.pages) == 2
    n = len(registry.children("32.01"))
    shown = [rows for rows, _, _ in brief.LAYOUTS if f"{rows} dari {n} kecamatan" in text]
    assert shown and shown[0] < brief.MAX_CHILD_ROWS


def test_brief_of_a_region_outside_the_data_says_no_data_and_ranks_nothing(demo_dataset, registry, settings):
    period = demo_dataset.latest_period
    figures = demo_dataset.figures
    ds = Dataset(demo_dataset.meta, figures[(figures["period"] == period) & figures["region_code"].str.startswith("53.02.")])
    _, text = _read(brief.brief_pdf(ds, registry, "53.01", period, settings, "id"))
    flat = " ".join(text.split())
    assert "Tidak ada data untuk Kabupaten Kupang pada " + period in flat
    assert "Tidak ada data untuk mengurutkan wilayah" in flat and "Tidak ada data perangkat desa per desa" in flat
    assert "(0 dari 0)" not in flat and "0,0%" not in flat
