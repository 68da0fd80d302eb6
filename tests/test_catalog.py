"""What the data page lists (``ucj_dash.datasets.catalog``, ``template.column_table``), on datasets stored
in a temporary folder (``UCJ_DATA_DIR``)."""

import pandas as pd
import pytest

from ucj_dash.datasets import catalog, figures, store, template
from ucj_dash.datasets.composition import Composition
from ucj_dash.datasets.dataset import DatasetMeta

DEMO = DatasetMeta("demo-peserta", "Demo", "simulasi", "2024-12", True, created_at="2025-06-01T08:30:12+00:00")
IMPORTED = DatasetMeta("peserta-abababab", "Peserta", "BPJS Ketenagakerjaan Cabang Kupang", "2024-12-31", False,
                       created_at="2025-06-30T09:15:42+00:00")
UPLOAD = {"uploaded_at": "2025-06-30T09:15:42+00:00", "file_name": "peserta.csv", "file_sha256": "ab" * 32, "file_bytes": 99,
          "source_file": "source.csv", "rows_read": 3, "rows_imported": 2}
#: June given by kecamatan, December by village
FIGURES = pd.DataFrame({
    "region_code": ["53.02.05", "53.02.05.2001", "53.02.05.2002"],
    "period": ["2024-06", "2024-12", "2024-12"],
    "employed_workers": [1500.0, 1000.0, 500.0],
    "active_participants": [250.0, 200.0, 100.0],
})
DEMO_FIGURES = pd.DataFrame({"region_code": ["53.02"], "period": ["2024-12"], "active_participants": [2.0]})


@pytest.fixture
def stored(tmp_path, monkeypatch):
    monkeypatch.setenv("UCJ_DATA_DIR", str(tmp_path / "data"))
    figures.forget()
    store.save(DEMO, DEMO_FIGURES)
    store.save(IMPORTED, FIGURES, files={"source.csv": b"x"}, upload=UPLOAD)
    yield catalog.Catalog.read(Composition.of({"participants": "peserta-abababab", "workers": "peserta-abababab",
                                               "vulnerable": "demo-peserta"}))
    figures.forget()


def test_table_lists_provenance_and_what_each_dataset_gives_by_default(stored):
    listed = stored.table("id")
    assert list(listed.columns) == ["Sumber bawaan untuk", "Nama", "Jenis", "Sumber", "Per", "Versi", "Periode", "Tingkat",
                                    "Diunggah (UTC)", "Berkas", "SHA-256 berkas", "Baris diimpor / dibaca", "ID"]
    demo, imported = listed.to_dict("records")
    assert imported == {
        "Sumber bawaan untuk": "Peserta BPJS Ketenagakerjaan, Penduduk bekerja (penyebut UCJ)",
        "Nama": "Peserta", "Jenis": "Impor", "Sumber": "BPJS Ketenagakerjaan Cabang Kupang", "Per": "2024-12-31",
        "Versi": 1, "Periode": "2024-06, 2024-12", "Tingkat": "Kecamatan, Desa/Kelurahan",
        "Diunggah (UTC)": "2025-06-30 09:15", "Berkas": "peserta.csv", "SHA-256 berkas": "abababababababab",
        "Baris diimpor / dibaca": "2 / 3", "ID": "peserta-abababab",
    }
    # the built-in source was never uploaded: its creation time, empty file cells
    assert demo["Sumber bawaan untuk"] == "Pekerja rentan & miskin ekstrem"
    assert demo["Jenis"] == "Simulasi (demo)" and demo["Diunggah (UTC)"] == "2025-06-01 08:30"
    assert demo["Berkas"] == demo["SHA-256 berkas"] == demo["Baris diimpor / dibaca"] == ""
    assert demo["Tingkat"] == "Kabupaten/Kota" and demo["Per"] == "2024-12"
    english = stored.table("en")
    assert list(english.columns[:2]) == ["Default source of", "Name"] and "Version" in english.columns
    assert english.loc[0, "Default source of"] == "Vulnerable & extreme-poor workers"


def test_an_appended_version_shows_its_number_and_new_as_of(stored):
    store.append("peserta-abababab", FIGURES.assign(period="2025-01")[1:], as_of="2025-01-31")
    row = catalog.Catalog.read(stored.default).table("id").set_index("ID").loc["peserta-abababab"]
    assert row["Versi"] == 2 and row["Per"] == "2025-01-31" and row["Periode"] == "2024-06, 2024-12, 2025-01"


def test_choices_the_built_in_sources_are_never_deletable(stored):
    assert stored.ids == ["demo-peserta", "peserta-abababab"]
    assert stored.deletable == ["peserta-abababab"]
    assert stored.label("peserta-abababab") == "Peserta (peserta-abababab)"
    assert stored.name("demo-peserta") == "Demo"
    assert stored.dataset("peserta-abababab").version.number == 1
    assert stored.offering("participants") == ["demo-peserta", "peserta-abababab"]
    assert stored.offering("workers") == ["peserta-abababab"] and stored.offering("poverty") == []
    store.delete("peserta-abababab")
    alone = catalog.Catalog.read(stored.default)  # the default still names the deleted one
    assert alone.ids == ["demo-peserta"] and alone.deletable == []
    assert alone.table("id").loc[0, "Sumber bawaan untuk"] == "Pekerja rentan & miskin ekstrem"


def test_versions_table_newest_first_with_the_current_one_marked(stored):
    store.append("peserta-abababab", FIGURES.assign(period="2025-01")[1:], as_of="2025-01-31",
                 upload={**UPLOAD, "uploaded_at": "2025-02-01T10:00:00+00:00", "file_name": "jan.csv", "file_sha256": "cd" * 32})
    store.roll_back("peserta-abababab", 1)
    table = catalog.versions_table("peserta-abababab", "id")
    assert list(table.columns) == ["Versi", "Perubahan", "Diunggah (UTC)", "Periode", "Berkas", "SHA-256 berkas"]
    assert table.to_dict("records") == [
        {"Versi": "● 3", "Perubahan": "dikembalikan ke versi 1", "Diunggah (UTC)": table.loc[0, "Diunggah (UTC)"],
         "Periode": "2024-06, 2024-12", "Berkas": "", "SHA-256 berkas": ""},
        {"Versi": "2", "Perubahan": "periode ditambah/diganti", "Diunggah (UTC)": "2025-02-01 10:00",
         "Periode": "2024-06, 2024-12, 2025-01", "Berkas": "jan.csv", "SHA-256 berkas": "cdcdcdcdcdcdcdcd"},
        {"Versi": "1", "Perubahan": "impor pertama", "Diunggah (UTC)": "2025-06-30 09:15",
         "Periode": "2024-06, 2024-12", "Berkas": "peserta.csv", "SHA-256 berkas": "abababababababab"},
    ]
    assert list(catalog.versions_table("peserta-abababab", "en").columns[:2]) == ["Version", "Change"]


def test_import_preview_counts_rows_regions_levels_and_periods():
    figures = pd.DataFrame({
        "region_code": ["53.02.05.2001", "53.02.05.2002", "53.02.05", "53.02.05.2001"],
        "period": ["2024-12", "2024-12", "2024-12", "2024-06"],
    })
    assert catalog.import_preview(figures, 4, "id") == (
        "Yang akan disimpan: 4 baris, 3 wilayah, tingkat Kecamatan, Desa/Kelurahan, periode 2024-06, 2024-12."
    )


@pytest.mark.parametrize("lang, headers", [("id", ["Kolom", "Keterangan", "Satuan", "Wajib"]),
                                           ("en", ["Column", "Description", "Unit", "Required"])])
def test_template_column_table(lang, headers):
    table = template.column_table(lang)
    assert list(table.columns) == headers
    rows = table.set_index(headers[0])
    assert rows.loc["region_code", headers[3]] == "✓" and rows.loc["population", headers[3]] == ""
    assert rows.loc["employed_workers", headers[2]] == ("orang" if lang == "id" else "persons")
    assert len(table) == len(template.column_docs())
