"""The PDF brief: one or two A4 pages, the region's figures as the screen formats them, the source and period
of each figure, labels, languages."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pandas as pd
import pytest
from pypdf import PdfReader

from ucj_dash.analysis import cost, priority
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets import figures as figures_module
from ucj_dash.datasets import store
from ucj_dash.exports import brief
from ucj_dash.geography.regions import Level
from ucj_dash.text import fmt
from ucj_dash.views import mapview

PERIOD = "2024-12"


@pytest.fixture(scope="module")
def settings():
    return Settings()


def name_of(dataset_id: str) -> str:
    """A demo source's name as stored in its meta.json (read here, not through the code under test)."""
    return json.loads((store.dataset_path(dataset_id) / "meta.json").read_text(encoding="utf-8"))["name"]


def provenance_lines(lang: str = "id") -> list[str]:
    """Where each headline figure of December 2024 comes from, as the brief must print it."""
    peserta, sakernas = name_of("demo-peserta"), name_of("demo-sakernas")
    poverty, officials = name_of("demo-kemiskinan"), name_of("demo-aparat-desa")
    if lang == "id":
        return [
            f"Cakupan UCJ — pembilang: {peserta}, Des 2024 · penyebut: {sakernas}, Agu 2024",
            f"Kemiskinan ekstrem — pembilang: {poverty}, Mar 2024 · penyebut: {poverty}, Mar 2024",
            f"Cakupan pekerja rentan — pembilang: {peserta}, Des 2024 · penyebut: {peserta}, Des 2024",
            f"Aparat desa terdaftar — pembilang: {officials}, Des 2024 · penyebut: {officials}, Des 2024",
        ]
    return [f"UCJ coverage — numerator: {peserta}, Dec 2024 · denominator: {sakernas}, Aug 2024",
            f"Extreme poverty — numerator: {poverty}, Mar 2024 · denominator: {poverty}, Mar 2024"]


class Altered(figures_module.Figures):
    """``base`` with each period's table passed through ``change`` (tests only; its own cache key)."""

    def __init__(self, base: figures_module.Figures, name: str, change):
        self.__dict__.update(base.__dict__)
        self._base, self._change = base, change
        self.key = (*base.key, ("altered", name))

    def at(self, period: str) -> pd.DataFrame:
        return self._change(self._base.at(period))


def without(base, prefix: str):
    """``base`` with ``prefix`` and every region under it missing from the data."""
    return Altered(base, "without " + prefix,
                   lambda f: f[~(f.index.str.startswith(prefix + ".") | (f.index == prefix))])


def only(base, prefix: str):
    """``base`` holding only the regions under ``prefix``."""
    return Altered(base, "only " + prefix, lambda f: f[f.index.str.startswith(prefix)])


def renamed(base, **changes):
    """``base`` with every dataset's metadata changed (same stored figures)."""
    datasets = {i: store.Dataset(replace(d.meta, **changes), d.version, d.path) for i, d in base.datasets.items()}
    return figures_module.Figures(base.composition, datasets, base.max_age_months)


def _read(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


@pytest.mark.parametrize("region", ["ID", "35", "35.07", "35.07.01", "35.07.01.2001"])
def test_brief_is_one_or_two_a4_pages_with_the_region_and_its_coverage(demo_figures, registry, settings, region):
    period = demo_figures.latest_period
    data = brief.brief_pdf(demo_figures, registry, region, period, settings, "id")
    assert data.startswith(b"%PDF")
    reader, text = _read(data)
    assert 1 <= len(reader.pages) <= 2
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    name = "Indonesia" if region == "ID" else registry.name(region)
    assert name in text
    row = mapview.region_row(demo_figures, region, period, settings)
    assert fmt.percent(row["ucj_coverage_pct"], "id") in text
    assert "Data simulasi / simulated data".upper() in text  # the banner and the header of every page
    for page in reader.pages:
        assert "DATA SIMULASI" in page.extract_text()
    assert period in text
    assert "Sumber setiap angka" in text
    for line in provenance_lines("id"):  # each figure's numerator and denominator: dataset and month
        assert line in text, line
    assert "Angka utama" in text and "Metode dan catatan" in text
    # constants with their source: the baseline and the contribution rate's regulation
    assert "0,83%" in text and "Maret 2024" in text
    assert "PP 44/2015" in text
    # the cost of covering the uncovered vulnerable workers, per month, as fmt.rupiah writes it
    monthly = cost.gap_cost(row, "vulnerable", settings).monthly_rp
    assert fmt.rupiah(monthly, "id") in text


def test_english_brief_has_english_headings_and_unicode_signs(demo_figures, registry, settings):
    period = demo_figures.latest_period
    _, text = _read(brief.brief_pdf(demo_figures, registry, "35", period, settings, "en"))
    for heading in ("UCJ coverage brief: Jawa Timur", "Headline figures", "Priority: top 10", "Cost of closing the gap",
                    "Method and notes", "SIMULATED DATA / DATA SIMULASI"):
        assert heading in text, heading
    row = mapview.region_row(demo_figures, "35", period, settings)
    assert fmt.percent(row["ucj_coverage_pct"], "en") in text
    assert "—" in text and "×" in text and "÷" in text  # DejaVu Sans is embedded, the signs survive
    assert "Angka utama" not in text
    assert "Source of each figure" in text
    for line in provenance_lines("en"):
        assert line in text, line


def test_children_table_says_how_many_rows_it_shows_and_priority_lists_reasons(demo_figures, registry, settings):
    period = demo_figures.latest_period
    _, text = _read(brief.brief_pdf(demo_figures, registry, "35", period, settings, "id"))
    n = len(registry.children("35"))
    assert f"{brief.MAX_CHILD_ROWS} dari {n} kabupaten/kota" in text
    table = mapview.children_table(demo_figures, registry, "35", period, settings)
    lowest = table.sort_values("ucj_coverage_pct").iloc[0]
    assert lowest["name"] in text
    top = priority.rank(table, settings).iloc[0]
    assert top["name"] in text
    reason = priority.reason(top, settings, "id")
    assert " ".join(reason.split())[:40] in text


def test_village_brief_replaces_the_children_table_with_a_sentence(demo_figures, registry, settings):
    village = registry.children("35.07.01")[0]
    reader, text = _read(brief.brief_pdf(demo_figures, registry, village, demo_figures.latest_period, settings, "id"))
    assert "tidak ada wilayah di bawahnya" in text
    assert "Prioritas:" not in text
    assert len(reader.pages) <= 2


def test_region_without_data_shows_dashes_not_zero(demo_figures, registry, settings):
    period = demo_figures.latest_period
    figs = without(demo_figures, "35.07.01")
    reader, text = _read(brief.brief_pdf(figs, registry, "35.07.01", period, settings, "en", with_jht=True))
    assert 1 <= len(reader.pages) <= 2
    assert "UCJ coverage — " in text  # the coverage cell is a dash
    assert "0.0%" not in text and "Rp0" not in text
    assert "No data on uncovered vulnerable workers" in text
    assert "JHT Rp 20,000" in text and "Rp 36,800" in text  # with_jht adds the minimum JHT to the rate
    # a rate the data could give at this level but not for this region says so
    assert "No data: no data for this region." in text


def test_a_missing_rate_says_why(demo_figures, registry, settings):
    """Sakernas gives employed workers by kabupaten: a village's coverage is missing, and the brief says why."""
    village = registry.children("35.07.01")[0]
    _, text = _read(brief.brief_pdf(demo_figures, registry, village, PERIOD, settings, "id"))
    assert "Cakupan UCJ — " in text  # a dash, not 0
    assert "Tidak ada data: penyebut hanya tersedia sampai tingkat kabupaten/kota." in text
    # extreme poverty (BPS, by kabupaten) likewise, for its numerator
    assert "Tidak ada data: pembilang hanya tersedia sampai tingkat kabupaten/kota." in text
    # the same kabupaten's own brief has the rate, with no such note
    _, text = _read(brief.brief_pdf(demo_figures, registry, "35.07", PERIOD, settings, "id"))
    row = mapview.region_row(demo_figures, "35.07", PERIOD, settings)
    assert fmt.percent(row["ucj_coverage_pct"], "id") in text
    assert "hanya tersedia sampai tingkat" not in text


def test_a_rate_resting_on_part_of_the_region_says_on_what(demo_figures, registry, settings):
    """When only 1 of 2 kecamatan with data give the rate, the brief says so beside it."""
    def partial(frame):
        frame = frame.copy()
        frame.loc["35.07", ["vulnerable__used", "vulnerable__units", "vulnerable__unit_level"]] = [1, 2, int(Level.DISTRICT)]
        return frame

    figs = Altered(demo_figures, "partial vulnerable", partial)
    _, text = _read(brief.brief_pdf(figs, registry, "35.07", PERIOD, settings, "id"))
    assert "Berdasarkan 1 dari 2 kecamatan berdata." in text
    _, text = _read(brief.brief_pdf(demo_figures, registry, "35.07", PERIOD, settings, "id"))
    assert "berdata" not in text


def test_long_provenance_still_fits_two_pages_with_fewer_rows(demo_figures, registry, settings):
    """Long dataset names push the layout to fewer rows and a smaller map, never to a third page."""
    long_name = " ".join(["Laporan cabang BPJS Ketenagakerjaan per kecamatan, rekap manual dari beberapa kantor."] * 3)
    figs = renamed(demo_figures, name=long_name)
    reader, text = _read(brief.brief_pdf(figs, registry, "32.01", demo_figures.latest_period, settings, "id"))
    assert len(reader.pages) == 2
    assert f"penyebut: {long_name}, Agu 2024 (simulasi)" in text  # a name without "simulasi" gets the label
    n = len(registry.children("32.01"))
    shown = [rows for rows, _, _ in brief.LAYOUTS if f"{rows} dari {n} kecamatan" in text]
    assert shown and shown[0] < brief.MAX_CHILD_ROWS


def test_brief_of_a_region_outside_the_data_says_no_data_and_ranks_nothing(demo_figures, registry, settings):
    period = demo_figures.latest_period
    figs = only(demo_figures, "53.02.")
    _, text = _read(brief.brief_pdf(figs, registry, "53.01", period, settings, "id"))
    flat = " ".join(text.split())
    assert "Tidak ada data untuk Kabupaten Kupang pada " + period in flat
    assert "Tidak ada data untuk mengurutkan wilayah" in flat and "Tidak ada data perangkat desa per desa" in flat
    assert "(0 dari 0)" not in flat and "0,0%" not in flat
