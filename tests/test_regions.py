"""Region registry: counts, code parsing, hierarchy, search (real Kepmendagri 2025 data)."""

import pandas as pd
import pytest

from ucj_dash.errors import InvalidRegionCode, UnknownRegionCode
from ucj_dash.geography.regions import (
    NATION_CODE,
    Level,
    ancestors_of,
    distinct_names,
    fold_text,
    level_of,
    normalize_code,
    parent_of,
)


def test_registry_holds_every_kepmendagri_region(registry):
    assert registry.counts() == {"prov": 38, "kab": 514, "kec": 7285, "desa": 83762}
    assert len(registry) == 91_599


def test_population_totals_match_kepmendagri(registry):
    table = registry.table
    assert table.at[NATION_CODE, "population"] == 284_973_643
    kab = table[table["level"] == 2]
    assert kab["population"].notna().all()
    assert kab["population"].sum() == 284_973_643
    assert table.at["53", "population"] == table.loc[registry.children("53"), "population"].sum()
    # wilayah_luas.sql lacks DKI Jakarta and 4 kabupaten: their area is missing (NaN), never 0
    area = table.loc[registry.codes_at(Level.PROVINCE) + registry.codes_at(Level.REGENCY), "area_km2"]
    assert area.isna().sum() == 5 and pd.isna(table.at["31", "area_km2"]) and (area.dropna() > 0).all()


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("53", "53"),
        ("5303", "53.03"),
        ("530301", "53.03.01"),
        ("5303012001", "53.03.01.2001"),
        ("53.03.01.2001", "53.03.01.2001"),
        ("  53.03 ", "53.03"),
        (5303012001, "53.03.01.2001"),
        ("id", NATION_CODE),
    ],
)
def test_normalize_accepts_dotted_and_undotted(raw, expected):
    assert normalize_code(raw) == expected


@pytest.mark.parametrize("raw", ["", "5", "530", "53.3", "53.03.01.201", "53030120011", "ab.cd", "53-03", "53.03.", "53.0", None, 53.1])
def test_normalize_rejects_anything_else_naming_the_value(raw):
    with pytest.raises(InvalidRegionCode) as info:
        normalize_code(raw)
    assert f"“{raw}”" in info.value.message("en")
    assert "bukan kode wilayah" in info.value.message("id")


def test_unknown_code_suggests_close_codes(registry):
    with pytest.raises(UnknownRegionCode) as info:
        registry.require("53.99")
    text = info.value.message("id")
    assert "53.99" in text and "53.0" in text


def test_hierarchy(registry):
    assert level_of("53.02.02.2001") == Level.VILLAGE
    assert parent_of("53.02.01.2001") == "53.02.01"
    assert parent_of("53") == NATION_CODE and parent_of(NATION_CODE) is None
    assert ancestors_of("53.02.01.2001") == [NATION_CODE, "53", "53.02", "53.02.01"]
    assert len(registry.children("53")) == 22  # NTT's kabupaten/kota
    assert len(registry.children(NATION_CODE)) == 38
    assert all(parent_of(c) == "53.02" for c in registry.children("53.02"))
    assert registry.path_label("53.02") == "Nusa Tenggara Timur › Kabupaten Timor Tengah Selatan"


def test_kinds(registry):
    assert registry.kind("53.71") == "kota" and registry.kind("53.02") == "kabupaten"
    assert registry.kind("53.71.01.1001") == "kelurahan"
    assert registry.kind("53.02.02.2001") == "desa"
    kinds = registry.table["kind"].value_counts()
    assert kinds["kabupaten"] + kinds["kota"] == 514
    assert kinds["desa"] + kinds["kelurahan"] == 83_762


def test_search_is_case_and_accent_insensitive(registry):
    assert registry.search("timor tengah selatan")[0].code == "53.02"
    assert registry.search("TIMOR  Tengah-Selatan")[0].code == "53.02"
    assert registry.search("Kab. Ngada")[0].code == "53.09"
    assert registry.search("bu nuapuu")[0].name == "Bu Nuapu’u"
    assert registry.search("Bú Nuapu'u")[0].code == registry.search("bu nuapuu")[0].code
    assert registry.search("5302")[0].code == "53.02"
    assert registry.search("zzzz-not-a-place") == []


def test_fold_text():
    assert fold_text("  Pasi Kuala Ba'u ") == "pasi kuala bau"
    assert fold_text("Ćiamis") == "ciamis"


def test_distinct_names_add_the_code_only_where_a_name_repeats():
    names = ["Oesao", "Naibonat", "Oesao", "Tuapukan"]
    codes = ["53.01.06.2003", "53.01.06.2001", "53.01.06.1009", "53.01.06.2002"]
    assert distinct_names(names, codes) == ["Oesao (53.01.06.2003)", "Naibonat", "Oesao (53.01.06.1009)", "Tuapukan"]
    assert distinct_names([], []) == []
