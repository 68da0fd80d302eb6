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
