"""What the data page lists (``ucj_dash.datasets.catalog``, ``template.column_table``), on hand-made metadata."""

import pandas as pd
import pytest

from ucj_dash.datasets import catalog, store, template
from ucj_dash.datasets.dataset import Dataset, DatasetMeta

DEMO = DatasetMeta(store.DEMO_ID, "Demo", "simulasi", "2024-12", True, created_at="2025-06-01T08:30:12+00:00")
IMPORTED = DatasetMeta(
    "peserta-abababab", "Peserta", "BPJS Ketenagakerjaan Cabang Kupang", "2024-12-31", False,
    extra={"uploaded_at": "2025-06-30T09:15:42+00:00", "file_name": "peserta.csv", "file_sha256": "ab" * 32,
           "rows_read": 3, "rows_imported": 2, "periods": ["2024-06", "2024-12"], "levels": ["kec", "desa"]},
)


def test_table_lists_provenance_and_marks_the_active_dataset():
    listed = catalog.Catalog((DEMO, IMPORTED), active="peserta-abababab").table("id")
    assert list(listed.columns) == ["Aktif", "Nama", "Jenis", "Sumber", "Per", "Diunggah (UTC)", "Berkas", "SHA-256 berkas",
                                    "Baris diimpor / dibaca", "Periode", "Tingkat", "ID"]
    demo, imported = listed.to_dict("records")
    assert imported == {
        "Aktif": "●", "Nama": "Peserta", "Jenis": "Impor", "Sumber": "BPJS Ketenagakerjaan Cabang Kupang", "Per": "2024-12-31",
        "Diunggah (UTC)": "2025-06-30 09:15", "Berkas": "peserta.csv", "SHA-256 berkas": "abababababababab",
        "Baris diimpor / dibaca": "2 / 3", "Periode": "2024-06, 2024-12", "Tingkat": "Kecamatan, Desa/Kelurahan",
        "ID": "peserta-abababab",
    }
    # the demo was never uploaded: its creation time, empty file cells
    assert demo["Aktif"] == "" and demo["Jenis"] == "Simulasi (demo)" and demo["Diunggah (UTC)"] == "2025-06-01 08:30"
    assert demo["Berkas"] == demo["SHA-256 berkas"] == demo["Baris diimpor / dibaca"] == demo["Tingkat"] == ""
    assert catalog.Catalog((DEMO,), "demo").table("en").columns[0] == "Active"


def test_choices_the_demo_is_never_deletable():
    stored = catalog.Catalog((DEMO, IMPORTED), active="peserta-abababab")
    assert stored.ids == ["demo", "peserta-abababab"]
    assert stored.active_index == 1
    assert stored.deletable == ["peserta-abababab"]
    assert stored.label("peserta-abababab") == "Peserta (peserta-abababab)"
    assert stored.name("demo") == "Demo"
    alone = catalog.Catalog((DEMO,), active="gone")  # the active one was just deleted
    assert alone.active_index == 0 and alone.deletable == []


def test_read_from_the_store(tmp_path, monkeypatch):
    monkeypatch.setenv("UCJ_DATA_DIR", str(tmp_path))
    figures = pd.DataFrame({"region_code": ["53.02"], "period": ["2024-12"], "employed_workers": [10.0], "active_participants": [2.0]})
    store.save(Dataset(DatasetMeta("mine", "Mine", "uji", "2024-12", False), figures))
    store.save(Dataset(DatasetMeta(store.DEMO_ID, "Demo", "uji", "2024-12", True), figures))
    stored = catalog.Catalog.read("mine")
    assert stored.ids == ["demo", "mine"] and stored.active_index == 1


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
