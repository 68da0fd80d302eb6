"""Editing the settings and listing them (``ucj_dash.analysis.settings.edit`` and ``table``), by hand."""

import math

from ucj_dash.analysis import settings
from ucj_dash.analysis.settings import Settings


def test_edit_keeps_only_changed_values_and_canonical_target_codes(registry):
    result = settings.edit(
        {"ucj_target_pct": 40.0, "extreme_poverty_baseline_pct": 0.83},
        [(" 5302 ", 60.0), ("", 10.0), (None, 10.0), ("53", math.nan), ("53.01", None)],
        registry,
    )
    assert result.problems == []
    assert result.overrides == {"ucj_target_pct": 40.0}  # the baseline is the default: not an override
    assert result.region_targets == {"53.02": 60.0}  # blank codes and empty targets skipped, code made canonical


def test_invalid_edit_changes_nothing(registry):
    result = settings.edit({"ucj_target_pct": 140.0}, [("99.99", 50.0)], registry)
    assert [p.key for p in result.problems] == ["settings.out_of_range", "error.unknown_code"]
    assert result.overrides == {} and result.region_targets == {}


def test_table_lists_every_setting_with_value_default_and_source():
    table = settings.table(Settings({"ucj_target_pct": 40.0, "jkk_bpu_min_rp": 12_000}), "id")
    assert list(table.columns) == ["Pengaturan", "Nilai", "Bawaan", "Satuan", "Sumber", "Per", "Catatan"]
    assert len(table) == len(Settings().items())
    rows = table.set_index("Pengaturan")
    target = rows.loc["Target cakupan UCJ nasional (%)"]
    assert (target["Nilai"], target["Bawaan"], target["Satuan"], target["Per"]) == ("40,00", "52,15", "%", "April 2025")
    package = rows.loc["bpu_min_package_rp"]  # not editable: listed by key; follows JKK + JKM; rupiah are whole
    assert (package["Nilai"], package["Bawaan"]) == ("18.800", "16.800")
    assert rows.loc["population_total", "Nilai"] == "284.973.643"  # persons are whole
    assert settings.table(Settings(), "en").columns[0] == "Setting"


def test_denominator_max_age_is_an_editable_whole_number_of_months_in_range(registry):
    assert "denominator_max_age_months" in settings.EDITABLE
    assert Settings()["denominator_max_age_months"] == 12
    item = Settings().item("denominator_max_age_months")
    assert item.unit == "bulan" and item.source and item.as_of
    result = settings.edit({"denominator_max_age_months": 18.0}, [], registry)
    assert result.problems == [] and result.overrides == {"denominator_max_age_months": 18.0}
    assert settings.edit({"denominator_max_age_months": 12.0}, [], registry).overrides == {}  # the default: no override
    for bad in (-1.0, 61.0):
        result = settings.edit({"denominator_max_age_months": bad}, [], registry)
        assert [p.key for p in result.problems] == ["settings.out_of_range"] and result.overrides == {}
    rows = settings.table(Settings({"denominator_max_age_months": 18}), "id").set_index("Pengaturan")
    row = rows.loc["Umur terlama penyebut (bulan)"]
    assert (row["Nilai"], row["Bawaan"], row["Satuan"]) == ("18", "12", "bulan")  # months are whole
    assert "Oldest denominator used (months)" in settings.table(Settings(), "en")["Setting"].tolist()


def test_denominator_max_age_decides_which_months_have_a_rate(demo_figures):
    """Sakernas comes every August: with 6 months, March 2024 (7 months after August 2023) has no UCJ rate."""
    from ucj_dash.analysis import indicators
    from ucj_dash.datasets import composition, figures

    comp = composition.Composition.of(composition.DEMO_SOURCES)
    for months, has_rate in ((12, True), (7, True), (6, False)):
        figs = figures.load(comp, months)
        rate = indicators.compute(figs.at("2024-03"))["ucj_coverage_pct"]
        assert bool(rate.notna().any()) is has_rate, months
    assert figures.load(comp, 6).at("2024-03")["employed_workers"].isna().all()
    assert figures.load(comp, 6).at("2024-08").loc["ID", "employed_workers"] > 0  # August's own month is 0 months old
