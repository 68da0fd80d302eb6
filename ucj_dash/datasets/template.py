"""The import template: CSV and XLSX with every column explained and example rows.

Headers are the model's column names (``region_code``, ``period``, the counts);
the importer also accepts their Indonesian and English labels. Example rows
are real villages of Kabupaten Timor Tengah Selatan (``53.02``) taken from the
registry, with made-up figures, and pass the importer's checks unchanged.
"""

from __future__ import annotations

import io

import pandas as pd

from ucj_dash.datasets.dataset import COLUMNS
from ucj_dash.exports.cells import safe_cell, write_csv
from ucj_dash.geography.regions import Registry
from ucj_dash.text.i18n import t

EXAMPLE_PARENT = "53.02"  # Kabupaten Timor Tengah Selatan (NTT)
EXAMPLE_PERIOD = "2024-12"
HEADERS = ("region_code", "region_name", "period", *(c.name for c in COLUMNS))

# (column, unit id, unit en, description id, description en); counts come from ``COLUMNS``.
_KEY_DOCS = (
    ("region_code", "teks", "text", "Kode wilayah Kemendagri (Kepmendagri 300.2.2-2430/2025), bertitik atau tanpa titik: "
     "53 provinsi, 53.02 kabupaten/kota, 53.02.01 kecamatan, 53.02.01.2001 desa/kelurahan. Bukan kode BPS.",
     "Kemendagri region code (Kepmendagri 300.2.2-2430/2025), dotted or undotted: 53 province, 53.02 regency/city, "
     "53.02.01 district, 53.02.01.2001 village. Not a BPS code."),
    ("region_name", "teks", "text", "Nama wilayah (opsional), dicocokkan dengan kode untuk menangkap salah ketik.",
     "Region name (optional), checked against the code to catch typos."),
    ("period", "TTTT-BB", "YYYY-MM", "Bulan data, mis. 2024-12. Satu baris per wilayah dan periode.",
     "Month of the figures, e.g. 2024-12. One row per region and period."),
)
_RATE_DOC = (
    "extreme_poverty_rate_pct", "%", "%",
    "Opsional, pengganti extreme_poor_population: persentase penduduk miskin ekstrem (0-100). "
    "Diubah menjadi jumlah orang = persen x population / 100 (population wajib diisi di baris itu).",
    "Optional, instead of extreme_poor_population: extreme-poverty rate in percent (0-100). "
    "Converted to persons = rate x population / 100 (the row must give population).",
)
_NOTES = (
    ("Templat impor Dasbor Cakupan UCJ. Satu baris per wilayah dan periode; data boleh di tingkat mana saja "
     "dan dijumlahkan ke tingkat di atasnya.",
     "UCJ Coverage Dashboard import template. One row per region and period; data may be at any level and is "
     "summed to the levels above."),
    ("Sel kosong = tidak ada data (bukan nol). Angka boleh bergaya Indonesia (1.234.567) atau Inggris (1,234,567).",
     "An empty cell = no data (not zero). Numbers may be Indonesian (1.234.567) or English style (1,234,567)."),
    ("Contoh di bawah adalah desa nyata di Kabupaten Timor Tengah Selatan dengan angka rekaan: ganti dengan data Anda.",
     "The example rows are real villages of Kabupaten Timor Tengah Selatan with made-up figures: replace them with your data."),
)
# Made-up figures for the example rows (persons); village officials stay empty for a kelurahan.
_EXAMPLE_FIGURES = (
    dict(population=2410, employed_workers=1163, active_participants=231, registered_participants=342, active_pu=88,
         active_bpu=121, active_jakon=22, vulnerable_workers=388, vulnerable_covered=97, extreme_poor_population=61,
         extreme_poor_workers=27, extreme_poor_workers_covered=6, village_officials=12, village_officials_enrolled=12),
    dict(population=1785, employed_workers=842, active_participants=149, registered_participants=221, active_pu=51,
         active_bpu=84, active_jakon=14, vulnerable_workers=301, vulnerable_covered=64, extreme_poor_population=48,
         extreme_poor_workers=22, extreme_poor_workers_covered=4, village_officials=11, village_officials_enrolled=11),
    dict(population=3120, employed_workers=1507, active_participants=372, registered_participants=530, active_pu=170,
         active_bpu=168, active_jakon=34, vulnerable_workers=455, vulnerable_covered=141, extreme_poor_population=70,
         extreme_poor_workers=31, extreme_poor_workers_covered=9, village_officials=14, village_officials_enrolled=13),
    dict(population=6890, employed_workers=3395, active_participants=1190, registered_participants=1702, active_pu=702,
         active_bpu=401, active_jakon=87, vulnerable_workers=820, vulnerable_covered=352, extreme_poor_population=96,
         extreme_poor_workers=41, extreme_poor_workers_covered=15),
)


def column_docs() -> list[dict]:
    """One entry per template column: column, unit (id/en), required, description (id/en)."""
    docs = [
        dict(column=c, unit_id=ui, unit_en=ue, required=c in ("region_code", "period"), text_id=ti, text_en=te)
        for c, ui, ue, ti, te in _KEY_DOCS
    ]
    for col in COLUMNS:
        extra_id = " Hanya desa (kelurahan tidak punya perangkat desa)." if col.village_only else ""
        extra_en = " Villages (desa) only: kelurahan have no village officials." if col.village_only else ""
        docs.append(dict(column=col.name, unit_id="orang", unit_en="persons", required=False,
                         text_id=col.label_id + "." + extra_id, text_en=col.label_en + "." + extra_en))
    c, ui, ue, ti, te = _RATE_DOC
    docs.append(dict(column=c, unit_id=ui, unit_en=ue, required=False, text_id=ti, text_en=te))
    return docs


def column_table(lang: str) -> pd.DataFrame:
    """The template's columns as the data page lists them: column, description, unit, required ("✓"), headers localised."""
    return pd.DataFrame([
        {
            t("import.col.column", lang): d["column"],
            t("data.col.description", lang): d["text_" + lang],
            t("data.col.unit", lang): d["unit_" + lang],
            t("data.col.required", lang): "✓" if d["required"] else "",
        }
        for d in column_docs()
    ])


def example_rows(registry: Registry) -> list[dict]:
    """Example rows: three desa and one kelurahan of the first kecamatan of ``53.02`` that has both."""
    for kec in registry.children(EXAMPLE_PARENT):
        villages = registry.children(kec)
        desa = [v for v in villages if registry.kind(v) == "desa"][:3]
        kel = [v for v in villages if registry.kind(v) == "kelurahan"][:1]
        if len(desa) == 3 and kel:
            break
    else:  # a kecamatan with desa only
        desa, kel = registry.children(registry.children(EXAMPLE_PARENT)[0])[:3], []
    rows = []
    for code, figures in zip([*desa, *kel], _EXAMPLE_FIGURES):
        rows.append({"region_code": code, "region_name": registry.name(code), "period": EXAMPLE_PERIOD, **figures})
    return rows


def csv_bytes(registry: Registry) -> bytes:
    """The CSV template: ``#`` lines explaining every column, then the header and example rows.

    Written by :func:`~ucj_dash.exports.cells.write_csv` like every CSV of the
    app (``;``-separated, UTF-8 with BOM: what Excel in an Indonesian locale
    opens and writes); the importer skips the ``#`` lines.
    """
    notes = [f"{note_id} / {note_en}" for note_id, note_en in _NOTES]
    for d in column_docs():
        req = "WAJIB/REQUIRED" if d["required"] else "opsional/optional"
        notes.append(f"{d['column']} [{d['unit_id']}/{d['unit_en']}, {req}]: {d['text_id']} / {d['text_en']}")
    rows = pd.DataFrame(example_rows(registry), columns=list(HEADERS)).astype({c.name: "Int64" for c in COLUMNS})
    return write_csv(rows, "id", notes)


def xlsx_bytes(registry: Registry) -> bytes:
    """The XLSX template: sheet ``Data`` (header, example rows, code column as text) and ``Petunjuk`` (columns explained)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    ws = book.active
    ws.title = "Data"
    ws.append(list(HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in example_rows(registry):
        ws.append([safe_cell(row.get(h)) for h in HEADERS])
    for r in range(2, 1001):  # the code column is text, so Excel keeps codes as typed
        ws.cell(row=r, column=1).number_format = "@"
    ws.freeze_panes = "A2"
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 24
    for letter in "CDEFGHIJKLMNOPQ":
        ws.column_dimensions[letter].width = 14

    doc = book.create_sheet("Petunjuk")
    for note_id, note_en in _NOTES:
        doc.append([note_id, note_en])
    doc.append([])
    doc.append(["Kolom / Column", "Keterangan", "Description", "Satuan", "Unit", "Wajib / Required"])
    for cell in doc[doc.max_row]:
        cell.font = Font(bold=True)
    for d in column_docs():
        doc.append([d["column"], d["text_id"], d["text_en"], d["unit_id"], d["unit_en"], "ya / yes" if d["required"] else "tidak / no"])
    for letter, width in zip("ABCDEF", (30, 60, 60, 10, 10, 16)):
        doc.column_dimensions[letter].width = width
    for row in doc.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
