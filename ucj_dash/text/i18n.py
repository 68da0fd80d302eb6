"""The one translation table: Bahasa Indonesia first, English second.

``t(key, lang, **params)`` formats the text for ``lang`` ("id" or "en"); a key
missing from the table is a bug and raises ``KeyError``.
"""

from __future__ import annotations

LANGS = ("id", "en")
DEFAULT_LANG = "id"

TEXTS: dict[str, dict[str, str]] = {
    # --- app chrome
    "app.title": {"id": "Dasbor Cakupan UCJ", "en": "UCJ Coverage Dashboard"},
    "app.subtitle": {
        "id": "Universal Coverage Jamsostek: di mana pekerja sudah dan belum terlindungi BPJS Ketenagakerjaan",
        "en": "Universal Coverage Jamsostek: where workers are, and are not, protected by BPJS Ketenagakerjaan",
    },
    "app.language": {"id": "Bahasa", "en": "Language"},
    "page.map": {"id": "Peta cakupan", "en": "Coverage map"},
    "page.about": {"id": "Tentang & sumber data", "en": "About & data sources"},
    "simulated.badge": {"id": "Data simulasi", "en": "Simulated data"},
    "simulated.label": {"id": "Data simulasi / simulated data", "en": "Simulated data / data simulasi"},
    "simulated.short": {"id": "bukan data resmi BPJS Ketenagakerjaan.", "en": "not official BPJS Ketenagakerjaan data."},
    "building.boundaries": {
        "id": "Menyiapkan batas wilayah dan data demo (sekali saja, ±1 menit)…",
        "en": "Preparing boundaries and demo data (once, about a minute)…",
    },
    # --- levels and kinds
    "level.nation": {"id": "Nasional", "en": "National"},
    "level.prov": {"id": "Provinsi", "en": "Province"},
    "level.kab": {"id": "Kabupaten/Kota", "en": "Regency/City"},
    "level.kec": {"id": "Kecamatan", "en": "District"},
    "level.desa": {"id": "Desa/Kelurahan", "en": "Village"},
    "kind.negara": {"id": "Negara", "en": "Country"},
    "kind.provinsi": {"id": "Provinsi", "en": "Province"},
    "kind.kabupaten": {"id": "Kabupaten", "en": "Regency"},
    "kind.kota": {"id": "Kota", "en": "City"},
    "kind.kecamatan": {"id": "Kecamatan", "en": "District"},
    "kind.desa": {"id": "Desa", "en": "Village (desa)"},
    "kind.kelurahan": {"id": "Kelurahan", "en": "Urban village (kelurahan)"},
    # --- metrics
    "metric.ucj_coverage": {"id": "Cakupan UCJ (%)", "en": "UCJ coverage (%)"},
    "metric.ucj_coverage.explain": {
        "id": "Peserta aktif BPJS Ketenagakerjaan ÷ penduduk bekerja × 100.",
        "en": "Active BPJS Ketenagakerjaan participants ÷ employed workers × 100.",
    },
    "metric.vulnerable_coverage": {"id": "Cakupan pekerja rentan (%)", "en": "Vulnerable-worker coverage (%)"},
    "metric.vulnerable_coverage.explain": {
        "id": "Pekerja rentan yang terlindungi ÷ seluruh pekerja rentan × 100.",
        "en": "Vulnerable workers covered ÷ all vulnerable workers × 100.",
    },
    "metric.uncovered_workers": {"id": "Pekerja belum terlindungi (orang)", "en": "Uncovered workers (persons)"},
    "metric.uncovered_workers.explain": {
        "id": "Penduduk bekerja − peserta aktif, dalam orang.",
        "en": "Employed workers − active participants, in persons.",
    },
    "metric.extreme_poverty": {"id": "Kemiskinan ekstrem vs baseline (%)", "en": "Extreme poverty vs baseline (%)"},
    "metric.extreme_poverty.explain": {
        "id": "Penduduk miskin ekstrem ÷ penduduk × 100; merah = di atas baseline {baseline} ({source}, {as_of}), biru = di bawah.",
        "en": "Extreme-poor population ÷ population × 100; red = above the {baseline} baseline ({source}, {as_of}), blue = below.",
    },
    "metric.village_officials": {"id": "Cakupan kepala & perangkat desa (%)", "en": "Village-official coverage (%)"},
    "metric.village_officials.explain": {
        "id": "Kepala dan perangkat desa yang terdaftar ÷ seluruhnya × 100 (hanya desa; kelurahan tidak punya perangkat desa).",
        "en": "Village heads and officials enrolled ÷ all of them × 100 (desa only; kelurahan have no village officials).",
    },
    # --- coverage classes and legend
    "class.very_low": {"id": "Sangat rendah", "en": "Very low"},
    "class.low": {"id": "Rendah", "en": "Low"},
    "class.medium": {"id": "Sedang", "en": "Medium"},
    "class.high": {"id": "Tinggi", "en": "High"},
    "legend.no_data": {"id": "Tidak ada data", "en": "No data"},
    "legend.method.fixed": {"id": "kelas cakupan (ambang di pengaturan)", "en": "coverage classes (thresholds in settings)"},
    "legend.method.quantiles": {"id": "kuantil (jumlah wilayah sama per kelas)", "en": "quantiles (equal count per class)"},
    "legend.method.equal_interval": {"id": "interval sama", "en": "equal intervals"},
    "legend.method.baseline": {
        "id": "berpusat pada baseline {baseline} (¼×, ½×, 1×, 2×, 4×)",
        "en": "centred on the {baseline} baseline (¼×, ½×, 1×, 2×, 4×)",
    },
    "legend.title": {"id": "Legenda: {metric} — {method}", "en": "Legend: {metric} — {method}"},
    # --- map page
    "map.metric": {"id": "Indikator", "en": "Indicator"},
    "map.period": {"id": "Periode", "en": "Period"},
    "map.classification": {"id": "Klasifikasi warna", "en": "Colour classes"},
    "map.classification.fixed": {"id": "Kelas cakupan tetap", "en": "Fixed coverage classes"},
    "map.classification.quantiles": {"id": "Kuantil", "en": "Quantiles"},
    "map.classification.equal_interval": {"id": "Interval sama", "en": "Equal intervals"},
    "map.search": {"id": "Cari wilayah (nama atau kode)", "en": "Find a region (name or code)"},
    "map.search.placeholder": {"id": "mis. Timor Tengah Selatan atau 53.02", "en": "e.g. Timor Tengah Selatan or 53.02"},
    "map.search.none": {"id": "Tidak ada wilayah yang cocok dengan “{query}”.", "en": "No region matches “{query}”."},
    "map.search.pick": {"id": "Pilih hasil pencarian", "en": "Pick a search result"},
    "map.up": {"id": "↑ Naik satu tingkat", "en": "↑ Up one level"},
    "map.click_hint": {
        "id": "Klik wilayah di peta atau baris tabel untuk masuk ke {child}.",
        "en": "Click a region on the map or a table row to open its {child}.",
    },
    "map.village_hint": {
        "id": "Desa/kelurahan terpilih ditandai garis tebal; klik desa lain untuk memilihnya.",
        "en": "The selected village has a thick outline; click another village to select it.",
    },
    "map.basemap": {"id": "Peta dasar OpenStreetMap (perlu internet)", "en": "OpenStreetMap basemap (needs internet)"},
    "map.children_of": {"id": "{level} di {region}", "en": "{level} in {region}"},
    "map.no_boundary": {
        "id": "{n} wilayah tidak memiliki batas di peta (tetap ada di tabel dan total).",
        "en": "{n} regions have no boundary on the map (they are still in the table and totals).",
    },
    "map.no_boundary.cell": {"id": "tanpa batas peta", "en": "no map boundary"},
    "map.download_csv": {"id": "Unduh tabel (CSV)", "en": "Download table (CSV)"},
    "map.table_title": {"id": "Peringkat {level}", "en": "{level} ranked"},
    "map.rank_by": {"id": "diurutkan menurut {metric}", "en": "sorted by {metric}"},
    "map.source": {"id": "Sumber: {name} — {source}; per {as_of}.", "en": "Source: {name} — {source}; as of {as_of}."},
    "map.boundary_source": {
        "id": "Batas wilayah: Kepmendagri No 300.2.2-2430 Tahun 2025 via cahyadsn/wilayah_boundaries (MIT).",
        "en": "Boundaries: Kepmendagri No 300.2.2-2430 Tahun 2025 via cahyadsn/wilayah_boundaries (MIT).",
    },
    "tooltip.name": {"id": "Wilayah", "en": "Region"},
    "tooltip.kind": {"id": "Jenis", "en": "Type"},
    "tooltip.code": {"id": "Kode", "en": "Code"},
    "tooltip.value": {"id": "Nilai", "en": "Value"},
    "tooltip.period": {"id": "Periode", "en": "Period"},
    "tooltip.source": {"id": "Sumber", "en": "Source"},
    "tooltip.note": {"id": "Catatan", "en": "Note"},
    # --- key figures
    "kpi.coverage": {"id": "Cakupan UCJ", "en": "UCJ coverage"},
    "kpi.coverage.help": {
        "id": "Peserta aktif ÷ penduduk bekerja. Target {target} ({target_source}, {target_as_of}). Perubahan sejak {first}.",
        "en": "Active participants ÷ employed workers. Target {target} ({target_source}, {target_as_of}). Change since {first}.",
    },
    "kpi.uncovered": {"id": "Pekerja belum terlindungi", "en": "Uncovered workers"},
    "kpi.uncovered.help": {"id": "Penduduk bekerja − peserta aktif (orang).", "en": "Employed workers − active participants (persons)."},
    "kpi.extreme_poverty": {"id": "Kemiskinan ekstrem", "en": "Extreme poverty"},
    "kpi.extreme_poverty.help": {
        "id": "Dibandingkan baseline {baseline} ({source}, {as_of}). {note}",
        "en": "Compared with the {baseline} baseline ({source}, {as_of}). {note}",
    },
    "kpi.vulnerable": {"id": "Cakupan pekerja rentan", "en": "Vulnerable-worker coverage"},
    "kpi.vs_baseline": {"id": "{delta} vs baseline", "en": "{delta} vs baseline"},
    "kpi.since": {"id": "{delta} sejak {first}", "en": "{delta} since {first}"},
    "kpi.figures_for": {"id": "Angka kunci: {region} ({period})", "en": "Key figures: {region} ({period})"},
    "kpi.partial": {
        "id": "Data mencakup {n} dari {total} {level}; angka {region} hanya menjumlahkan wilayah yang ada datanya.",
        "en": "The data covers {n} of {total} {level}; figures for {region} only sum the regions with data.",
    },
    "kpi.no_data": {"id": "Tidak ada data untuk {region} pada {period}.", "en": "No data for {region} in {period}."},
    # --- table columns
    "col.name": {"id": "Wilayah", "en": "Region"},
    "col.code": {"id": "Kode", "en": "Code"},
    "col.kind": {"id": "Jenis", "en": "Type"},
    "col.ucj_coverage_pct": {"id": "Cakupan UCJ (%)", "en": "UCJ coverage (%)"},
    "col.vulnerable_coverage_pct": {"id": "Cakupan rentan (%)", "en": "Vulnerable coverage (%)"},
    "col.uncovered_workers": {"id": "Belum terlindungi (orang)", "en": "Uncovered (persons)"},
    "col.extreme_poverty_rate_pct": {"id": "Miskin ekstrem (%)", "en": "Extreme poverty (%)"},
    "col.village_official_coverage_pct": {"id": "Perangkat desa terdaftar (%)", "en": "Village officials enrolled (%)"},
    "col.note": {"id": "Catatan", "en": "Note"},
    "col.data_status": {"id": "Status data", "en": "Data status"},
    # --- notices
    "notice.bad_param": {
        "id": "Parameter tautan “{name}={value}” tidak dikenal; menampilkan nilai bawaan.",
        "en": "Link parameter “{name}={value}” is not recognised; showing the default.",
    },
    "notice.bad_period": {
        "id": "Periode “{value}” tidak ada dalam data; menampilkan periode terbaru ({latest}).",
        "en": "Period “{value}” is not in the data; showing the latest period ({latest}).",
    },
    "notice.fallback": {"id": "Menampilkan tampilan nasional.", "en": "Showing the national view."},
    # --- about page
    "about.sources": {"id": "Sumber data", "en": "Data sources"},
    "about.installed": {"id": "Yang terpasang", "en": "What is installed"},
    "about.settings": {"id": "Pengaturan dan sumbernya", "en": "Settings and their sources"},
    "about.licence": {
        "id": "Kode dan batas wilayah: © cahya dsn, lisensi MIT (github.com/cahyadsn/wilayah, github.com/cahyadsn/wilayah_boundaries).",
        "en": "Region codes and boundaries: © cahya dsn, MIT licence (github.com/cahyadsn/wilayah, github.com/cahyadsn/wilayah_boundaries).",
    },
    "about.counts": {
        "id": "{prov} provinsi, {kab} kabupaten/kota, {kec} kecamatan, {desa} desa/kelurahan; {missing} desa/kelurahan tanpa batas peta.",
        "en": "{prov} provinces, {kab} regencies/cities, {kec} districts, {desa} villages; {missing} villages without a map boundary.",
    },
    "about.dataset": {"id": "Dataset aktif", "en": "Active dataset"},
    "about.method": {"id": "Cara menghitung", "en": "How figures are computed"},
    "about.method.text": {
        "id": "Angka tingkat desa dijumlahkan ke kecamatan, kabupaten/kota, provinsi dan nasional; persentase dihitung ulang dari jumlah, tidak dirata-rata. Wilayah tanpa data ditampilkan sebagai “tidak ada data”, bukan nol.",
        "en": "Village figures are summed to kecamatan, kabupaten/kota, province and nation; percentages are recomputed from the sums, never averaged. Regions without data are shown as “no data”, never zero.",
    },
    # --- data page, import and admin (issue 5)
    "data.page": {"id": "Data", "en": "Data"},
    "data.intro": {
        "id": "Masukkan angka Anda sendiri: jumlah peserta per desa dari kantor cabang BPJS, jumlah pekerja rentan dan miskin ekstrem "
        "berbasis DTSEN, persentase kemiskinan BPS. Unduh templat, isi, lalu unggah. Berkas diperiksa seluruhnya; tidak ada yang "
        "disimpan sebelum semua baris lolos.",
        "en": "Bring your own figures: a BPJS branch's participants per village, DTSEN-based counts of vulnerable and extreme-poor "
        "workers, BPS poverty rates. Download the template, fill it in, upload it. The whole file is checked; nothing is stored "
        "until every row passes.",
    },
    "data.template.header": {"id": "1. Templat", "en": "1. Template"},
    "data.template.explain": {
        "id": "Satu baris per wilayah dan periode. Data boleh di tingkat mana saja (desa, kecamatan, kabupaten/kota, provinsi); "
        "angka dijumlahkan ke tingkat di atasnya. Wilayah yang tidak ada di berkas tetap “tidak ada data”, bukan nol.",
        "en": "One row per region and period. Data may be at any level (village, district, regency/city, province); figures are "
        "summed to the levels above. Regions missing from the file stay “no data”, never zero.",
    },
    "data.template.csv": {"id": "Unduh templat CSV", "en": "Download CSV template"},
    "data.template.xlsx": {"id": "Unduh templat Excel (XLSX)", "en": "Download Excel template (XLSX)"},
    "data.template.columns": {"id": "Penjelasan kolom", "en": "Columns explained"},
    "data.upload.header": {"id": "2. Unggah dan periksa", "en": "2. Upload and check"},
    "data.upload.label": {"id": "Berkas CSV atau XLSX", "en": "CSV or XLSX file"},
    "data.upload.help": {
        "id": "Pemisah ; atau , ; angka gaya Indonesia (1.234.567; 12,5%) atau Inggris; maksimal {limit} MB.",
        "en": "Separator ; or , ; numbers in Indonesian (1.234.567; 12,5%) or English style; at most {limit} MB.",
    },
    "data.meta.name": {"id": "Nama dataset", "en": "Dataset name"},
    "data.meta.source": {"id": "Sumber (lembaga, dokumen)", "en": "Source (institution, document)"},
    "data.meta.as_of": {"id": "Per tanggal (TTTT-BB atau TTTT-BB-HH)", "en": "As of (YYYY-MM or YYYY-MM-DD)"},
    "data.meta.description": {"id": "Keterangan (opsional)", "en": "Description (optional)"},
    "data.report.header": {"id": "Hasil pemeriksaan", "en": "Check result"},
    "data.report.download": {"id": "Unduh laporan pemeriksaan (CSV)", "en": "Download the check report (CSV)"},
    "data.report.ok": {"id": "Berkas lolos pemeriksaan tanpa masalah.", "en": "The file passed every check."},
    "data.report.blocked": {
        "id": "{n} kesalahan: berkas tidak diimpor dan tidak ada yang disimpan. Perbaiki baris yang disebut lalu unggah lagi.",
        "en": "{n} errors: the file was not imported and nothing was stored. Fix the rows listed and upload again.",
    },
    "data.report.warnings": {
        "id": "{n} peringatan: periksa dulu, lalu konfirmasi bila angkanya memang benar.",
        "en": "{n} warnings: review them, then confirm if the figures are right.",
    },
    "data.report.more": {"id": "Menampilkan {shown} dari {n} baris laporan; unduh CSV untuk semuanya.", "en": "Showing {shown} of {n} report rows; download the CSV for all of them."},
    "data.confirm_warnings": {
        "id": "Saya sudah membaca {n} peringatan dan tetap ingin mengimpor",
        "en": "I have read the {n} warnings and want to import anyway",
    },
    "data.preview": {"id": "Yang akan disimpan: {rows} baris, {regions} wilayah, tingkat {levels}, periode {periods}.", "en": "To be stored: {rows} rows, {regions} regions, levels {levels}, periods {periods}."},
    "data.import": {"id": "Simpan sebagai dataset", "en": "Store as a dataset"},
    "data.imported": {"id": "Dataset “{name}” tersimpan ({id}).", "en": "Dataset “{name}” stored ({id})."},
    "data.activate_after": {"id": "Jadikan dataset aktif setelah disimpan", "en": "Make it the active dataset once stored"},
    "data.same_file": {
        "id": "Berkas yang sama persis sudah diimpor sebagai: {names}.",
        "en": "This exact file was imported already as: {names}.",
    },
    "data.list.header": {"id": "3. Dataset tersimpan", "en": "3. Stored datasets"},
    "data.col.active": {"id": "Aktif", "en": "Active"},
    "data.col.name": {"id": "Nama", "en": "Name"},
    "data.col.kind": {"id": "Jenis", "en": "Kind"},
    "data.col.source": {"id": "Sumber", "en": "Source"},
    "data.col.as_of": {"id": "Per", "en": "As of"},
    "data.col.uploaded_at": {"id": "Diunggah (UTC)", "en": "Uploaded (UTC)"},
    "data.col.file": {"id": "Berkas", "en": "File"},
    "data.col.sha256": {"id": "SHA-256 berkas", "en": "File SHA-256"},
    "data.col.rows": {"id": "Baris diimpor / dibaca", "en": "Rows imported / read"},
    "data.col.periods": {"id": "Periode", "en": "Periods"},
    "data.col.levels": {"id": "Tingkat", "en": "Levels"},
    "data.col.id": {"id": "ID", "en": "ID"},
    "data.col.unit": {"id": "Satuan", "en": "Unit"},
    "data.col.required": {"id": "Wajib", "en": "Required"},
    "data.col.description": {"id": "Keterangan", "en": "Description"},
    "data.checking": {"id": "Memeriksa berkas…", "en": "Checking the file…"},
    "data.kind.simulated": {"id": "Simulasi (demo)", "en": "Simulated (demo)"},
    "data.kind.imported": {"id": "Impor", "en": "Imported"},
    "data.active.label": {"id": "Dataset aktif untuk semua halaman", "en": "Active dataset for all pages"},
    "data.active.set": {"id": "Jadikan aktif", "en": "Make active"},
    "data.active.now": {"id": "Dataset aktif sekarang: “{name}”.", "en": "Active dataset now: “{name}”."},
    "data.delete.header": {"id": "Hapus dataset", "en": "Delete a dataset"},
    "data.delete.pick": {"id": "Dataset yang akan dihapus", "en": "Dataset to delete"},
    "data.delete.button": {"id": "Hapus…", "en": "Delete…"},
    "data.delete.confirm": {
        "id": "Hapus “{name}” ({id}) secara permanen? Data demo tetap ada.",
        "en": "Delete “{name}” ({id}) for good? The demo data stays.",
    },
    "data.delete.yes": {"id": "Ya, hapus", "en": "Yes, delete"},
    "data.delete.cancel": {"id": "Batal", "en": "Cancel"},
    "data.deleted": {"id": "Dataset “{name}” dihapus.", "en": "Dataset “{name}” deleted."},
    "data.delete.none": {"id": "Belum ada dataset impor; data demo tidak dapat dihapus.", "en": "No imported datasets yet; the demo data cannot be deleted."},
    "data.error.bad_id": {
        "id": "ID dataset “{value}” tidak sah: gunakan huruf kecil, angka, - atau _ (maks. 64 karakter).",
        "en": "Dataset id “{value}” is not valid: use lower-case letters, digits, - or _ (64 characters at most).",
    },
    "data.error.demo_id": {"id": "ID “demo” dipakai data demo; pilih ID lain.", "en": "The id “demo” belongs to the demo data; choose another id."},
    "data.error.id_taken": {
        "id": "Dataset {id} (“{name}”, diunggah {uploaded_at}) sudah ada. Hapus dulu atau pakai nama/ID lain.",
        "en": "Dataset {id} (“{name}”, uploaded {uploaded_at}) exists already. Delete it first or use another name/id.",
    },
    "data.error.delete_demo": {"id": "Data demo tidak dapat dihapus.", "en": "The demo data cannot be deleted."},
    "data.error.not_found": {"id": "Dataset {id} tidak ditemukan.", "en": "Dataset {id} was not found."},
    "import.col.severity": {"id": "Tingkat", "en": "Severity"},
    "import.col.row": {"id": "Baris", "en": "Row"},
    "import.col.column": {"id": "Kolom", "en": "Column"},
    "import.col.value": {"id": "Nilai", "en": "Value"},
    "import.col.problem": {"id": "Masalah", "en": "Problem"},
    "import.col.fix": {"id": "Cara memperbaiki", "en": "How to fix"},
    "import.severity.error": {"id": "Kesalahan", "en": "Error"},
    "import.severity.warning": {"id": "Peringatan", "en": "Warning"},
    "import.summary": {
        "id": "{file}: {rows} baris data dibaca, {imported} siap diimpor; {errors} kesalahan, {warnings} peringatan.",
        "en": "{file}: {rows} data rows read, {imported} ready to import; {errors} errors, {warnings} warnings.",
    },
    "import.error.has_errors": {"id": "Berkas masih memiliki {n} kesalahan; tidak ada yang disimpan.", "en": "The file still has {n} errors; nothing was stored."},
    "import.error.unconfirmed": {
        "id": "Berkas memiliki {n} peringatan yang belum dikonfirmasi; tidak ada yang disimpan.",
        "en": "The file has {n} warnings not yet confirmed; nothing was stored.",
    },
    "import.error.no_name": {"id": "Beri nama dataset.", "en": "Give the dataset a name."},
    "import.error.no_source": {"id": "Sebutkan sumber data (lembaga dan dokumen).", "en": "Name the source of the data (institution and document)."},
    "import.error.bad_as_of": {
        "id": "Tanggal “{value}” tidak sah: tulis TTTT-BB atau TTTT-BB-HH, mis. 2024-12 atau 2024-12-31.",
        "en": "Date “{value}” is not valid: write YYYY-MM or YYYY-MM-DD, e.g. 2024-12 or 2024-12-31.",
    },
    "import.error.file_not_found": {"id": "Berkas {path} tidak ditemukan.", "en": "File {path} was not found."},
    "import.cli.confirm": {"id": "Tetap impor meski ada {n} peringatan? [y/N] ", "en": "Import despite {n} warnings? [y/N] "},
    "import.cli.need_yes": {
        "id": "Ada {n} peringatan; tidak ada yang disimpan. Periksa laporan lalu jalankan lagi dengan --yes untuk mengimpor.",
        "en": "There are {n} warnings; nothing was stored. Review the report and run again with --yes to import.",
    },
    "import.cli.stored": {"id": "Tersimpan: dataset {id} ({rows} baris) di {path}", "en": "Stored: dataset {id} ({rows} rows) in {path}"},
    "import.problem.too_large": {"id": "Berkas {size} MB, melebihi batas {limit} MB.", "en": "The file is {size} MB, above the {limit} MB limit."},
    "import.fix.too_large": {
        "id": "Bagi berkas per provinsi atau per periode, atau simpan sebagai CSV (lebih kecil dari XLSX berformat).",
        "en": "Split the file by province or period, or save it as CSV (smaller than a formatted XLSX).",
    },
    "import.problem.empty": {"id": "Berkas kosong.", "en": "The file is empty."},
    "import.fix.empty": {"id": "Pilih berkas yang berisi data; mulai dari templat.", "en": "Pick a file with data in it; start from the template."},
    "import.problem.not_a_table": {
        "id": "Berkas ini bukan tabel yang dapat dibaca (tidak ditemukan baris judul dengan kolom kode wilayah).",
        "en": "This file is not a readable table (no header row with a region-code column was found).",
    },
    "import.fix.not_a_table": {
        "id": "Simpan sebagai CSV atau XLSX dengan satu baris judul (mis. region_code; period; …) seperti pada templat.",
        "en": "Save it as CSV or XLSX with one header row (e.g. region_code; period; …) as in the template.",
    },
    "import.problem.xls_old": {"id": "Format Excel lama (.xls) tidak didukung.", "en": "The old Excel format (.xls) is not supported."},
    "import.fix.xls_old": {"id": "Di Excel: Simpan Sebagai → Buku Kerja Excel (.xlsx) atau CSV.", "en": "In Excel: Save As → Excel Workbook (.xlsx) or CSV."},
    "import.problem.duplicate_column": {"id": "Kolom ini sama artinya dengan kolom “{first}”.", "en": "This column means the same as column “{first}”."},
    "import.fix.duplicate_column": {"id": "Hapus salah satunya.", "en": "Remove one of them."},
    "import.problem.missing_columns": {"id": "Kolom wajib tidak ada: {columns}.", "en": "Required columns are missing: {columns}."},
    "import.fix.missing_columns": {
        "id": "Tambahkan kolom tersebut dengan judul seperti pada templat; selnya boleh kosong bila angkanya tidak ada.",
        "en": "Add the columns with headers as in the template; their cells may stay empty where you have no figure.",
    },
    "import.problem.unknown_column": {"id": "Kolom tidak dikenal; diabaikan.", "en": "Unknown column; ignored."},
    "import.fix.unknown_column": {
        "id": "Bila kolom ini berisi angka yang dipakai dasbor, ganti judulnya dengan nama kolom dari templat.",
        "en": "If this column holds figures the dashboard uses, rename its header to a column name from the template.",
    },
    "import.problem.rate_needs_base_column": {
        "id": "Kolom persentase {rate} butuh kolom {base} untuk diubah menjadi jumlah orang.",
        "en": "The rate column {rate} needs a {base} column to be turned into a number of persons.",
    },
    "import.fix.rate_needs_base_column": {
        "id": "Tambahkan kolom {base}, atau berikan jumlah orangnya langsung.",
        "en": "Add a {base} column, or give the number of persons directly.",
    },
    "import.problem.too_many_rows": {"id": "Lebih dari {limit} baris data.", "en": "More than {limit} data rows."},
    "import.fix.too_many_rows": {"id": "Bagi berkas per provinsi atau per periode.", "en": "Split the file by province or period."},
    "import.problem.no_rows": {"id": "Ada baris judul tetapi tidak ada baris data.", "en": "There is a header row but no data rows."},
    "import.fix.no_rows": {"id": "Isi satu baris per wilayah dan periode di bawah judul.", "en": "Fill one row per region and period below the header."},
    "import.problem.nothing_to_import": {"id": "Tidak ada baris yang berisi angka untuk diimpor.", "en": "No row has figures to import."},
    "import.fix.nothing_to_import": {
        "id": "Isi angka di kolom jumlah (lihat templat); sel kosong berarti tidak ada data.",
        "en": "Fill in figures in the count columns (see the template); an empty cell means no data.",
    },
    "import.problem.total_row": {"id": "Baris jumlah/total tanpa kode; dilewati.", "en": "A sum/total row without a code; skipped."},
    "import.fix.total_row": {
        "id": "Tidak perlu baris total: dasbor menjumlahkan sendiri. Hapus baris ini atau abaikan peringatan.",
        "en": "No total row is needed: the dashboard sums the regions itself. Remove the row or accept the warning.",
    },
    "import.problem.missing_code": {"id": "Baris berisi data tetapi kode wilayahnya kosong.", "en": "The row has data but no region code."},
    "import.fix.missing_code": {"id": "Isi kode wilayah Kemendagri, mis. 53.02.01.2001.", "en": "Fill in the Kemendagri region code, e.g. 53.02.01.2001."},
    "import.problem.invalid_code": {"id": "Bukan kode wilayah Kemendagri.", "en": "Not a Kemendagri region code."},
    "import.fix.invalid_code": {
        "id": "Gunakan 2, 4, 6 atau 10 digit, dengan atau tanpa titik (53.02.01.2001 atau 5302012001). Di Excel format kolom kode sebagai Teks.",
        "en": "Use 2, 4, 6 or 10 digits, dotted or not (53.02.01.2001 or 5302012001). In Excel, format the code column as Text.",
    },
    "import.problem.invalid_code_number": {
        "id": "Excel mengubah kode menjadi angka ilmiah; digit kode hilang.",
        "en": "Excel turned the code into a scientific number; digits of the code are lost.",
    },
    "import.fix.invalid_code_number": {
        "id": "Format kolom kode sebagai Teks, ketik ulang kodenya (atau pakai kode bertitik), lalu simpan lagi.",
        "en": "Format the code column as Text, type the codes again (or use dotted codes), and save again.",
    },
    "import.problem.unknown_code": {
        "id": "Kode tidak ada dalam Kepmendagri No 300.2.2-2430 Tahun 2025.",
        "en": "The code is not in Kepmendagri No 300.2.2-2430 Tahun 2025.",
    },
    "import.fix.unknown_code": {
        "id": "Kode terdekat: {by_code}. Cocok menurut nama: {by_name}.",
        "en": "Closest codes: {by_code}. Matching by name: {by_name}.",
    },
    "import.problem.unknown_code_bps": {
        "id": "Kode tidak ada dalam Kepmendagri 2025; tampaknya kode BPS (penomoran lain).",
        "en": "The code is not in Kepmendagri 2025; it looks like a BPS code (a different numbering).",
    },
    "import.fix.unknown_code_bps": {
        "id": "Ganti dengan kode Kemendagri. Kode terdekat: {by_code}. Cocok menurut nama: {by_name}.",
        "en": "Replace it with the Kemendagri code. Closest codes: {by_code}. Matching by name: {by_name}.",
    },
    "import.problem.name_kind": {
        "id": "Nama menyebut Kota/Kabupaten yang lain dari kode {code} ({official}).",
        "en": "The name says Kota/Kabupaten the other way round from code {code} ({official}).",
    },
    "import.fix.name_kind": {
        "id": "Periksa kodenya: kota dan kabupaten bernama sama punya kode berbeda.",
        "en": "Check the code: a kota and a kabupaten of the same name have different codes.",
    },
    "import.problem.name_spelling": {
        "id": "Ejaan nama berbeda dari registri untuk {code}: “{official}”.",
        "en": "The name is spelled differently from the registry's for {code}: “{official}”.",
    },
    "import.fix.name_spelling": {
        "id": "Bila wilayahnya memang sama, abaikan; dasbor memakai nama registri.",
        "en": "If it is the same region, accept the warning; the dashboard uses the registry name.",
    },
    "import.problem.name_mismatch": {
        "id": "Nama tidak cocok dengan kode {code}, yang dalam registri bernama “{official}”.",
        "en": "The name does not match code {code}, which the registry names “{official}”.",
    },
    "import.fix.name_mismatch": {
        "id": "Perbaiki kode atau nama. Kode dengan nama ini: {by_name}.",
        "en": "Correct the code or the name. Codes with this name: {by_name}.",
    },
    "import.problem.bad_period": {"id": "Periode kosong atau tidak terbaca.", "en": "The period is empty or unreadable."},
    "import.fix.bad_period": {"id": "Tulis tahun-bulan, mis. 2024-12.", "en": "Write year-month, e.g. 2024-12."},
    "import.problem.non_numeric": {"id": "Bukan angka.", "en": "Not a number."},
    "import.fix.non_numeric": {
        "id": "Tulis angka saja, mis. 1.234.567 atau 1234567; kosongkan sel bila datanya tidak ada (jangan tulis 0 atau “-”).",
        "en": "Write a number only, e.g. 1.234.567 or 1234567; leave the cell empty where there is no figure (not 0 or “-”).",
    },
    "import.problem.percent_in_count": {"id": "Persentase di kolom jumlah orang.", "en": "A percentage in a count-of-persons column."},
    "import.fix.percent_in_count": {
        "id": "Tulis jumlah orang; persentase kemiskinan ekstrem masuk kolom extreme_poverty_rate_pct.",
        "en": "Write the number of persons; extreme-poverty percentages go in the extreme_poverty_rate_pct column.",
    },
    "import.problem.negative": {"id": "Jumlah orang negatif.", "en": "A negative number of persons."},
    "import.fix.negative": {"id": "Periksa angkanya; jumlah orang tidak boleh di bawah 0.", "en": "Check the figure; a count of persons cannot be below 0."},
    "import.problem.not_whole": {"id": "Jumlah orang tidak bulat (dibaca {read}).", "en": "A count of persons that is not whole (read as {read})."},
    "import.fix.not_whole": {
        "id": "Bila ini angka ribuan (1.234), periksa pemisah desimal; bila memang perkiraan, abaikan.",
        "en": "If this is a thousands figure (1,234), check the decimal mark; if it is an estimate, accept the warning.",
    },
    "import.problem.rate_range": {"id": "Persentase di luar 0–100.", "en": "A percentage outside 0–100."},
    "import.fix.rate_range": {
        "id": "Tulis persen antara 0 dan 100, mis. 0,83 untuk 0,83%.",
        "en": "Write a percentage between 0 and 100, e.g. 0.83 for 0.83%.",
    },
    "import.problem.rate_needs_base": {
        "id": "Persentase tanpa {base} di baris yang sama; tidak dapat diubah menjadi jumlah orang.",
        "en": "A percentage without {base} in the same row; it cannot be turned into persons.",
    },
    "import.fix.rate_needs_base": {"id": "Isi {base} di baris ini, atau berikan jumlah orangnya.", "en": "Fill in {base} in this row, or give the number of persons."},
    "import.problem.rate_count_mismatch": {
        "id": "Persentase setara {derived} orang, tetapi {count} berisi {given}.",
        "en": "The percentage means {derived} persons, but {count} says {given}.",
    },
    "import.fix.rate_count_mismatch": {
        "id": "Jumlah orang yang dipakai; periksa salah satunya atau hapus kolom persentase.",
        "en": "The count is used; check one of the two or remove the percentage column.",
    },
    "import.problem.part_exceeds_whole": {
        "id": "{part} lebih besar dari {whole} ({whole_value}).",
        "en": "{part} is larger than {whole} ({whole_value}).",
    },
    "import.fix.part_exceeds_whole": {
        "id": "Bagian tidak boleh melebihi keseluruhan: periksa kedua angka dan periodenya.",
        "en": "A part cannot exceed its whole: check both figures and their period.",
    },
    "import.problem.coverage_over_100": {
        "id": "Cakupan di atas 100%: {part} lebih besar dari {whole} ({whole_value}).",
        "en": "Coverage above 100%: {part} is larger than {whole} ({whole_value}).",
    },
    "import.fix.coverage_over_100": {
        "id": "Bisa terjadi bila peserta dihitung di tempat kerja dan pekerja di tempat tinggal; konfirmasi bila angkanya benar.",
        "en": "This happens when participants are counted where they work and workers where they live; confirm if the figures are right.",
    },
    "import.problem.kelurahan_officials": {
        "id": "Kelurahan tidak memiliki kepala/perangkat desa.",
        "en": "A kelurahan has no village heads or officials.",
    },
    "import.fix.kelurahan_officials": {"id": "Kosongkan sel ini untuk kelurahan, atau periksa kodenya.", "en": "Leave this cell empty for a kelurahan, or check the code."},
    "import.problem.duplicate_row": {
        "id": "Wilayah {code} periode {period} sudah ada di baris {first}.",
        "en": "Region {code} for period {period} is already in row {first}.",
    },
    "import.fix.duplicate_row": {
        "id": "Satu baris per wilayah dan periode: gabungkan atau hapus salah satunya (kode bertitik dan tanpa titik dianggap sama).",
        "en": "One row per region and period: merge or remove one of them (dotted and undotted codes count as the same).",
    },
    "import.problem.dash_as_missing": {
        "id": "{n} sel berisi tanda “-” atau “…”; dibaca sebagai tidak ada data (bukan nol).",
        "en": "{n} cells hold “-” or “…”; read as no data (not zero).",
    },
    "import.fix.dash_as_missing": {
        "id": "Bila “-” berarti nol, tulis 0; bila datanya memang tidak ada, konfirmasi.",
        "en": "If “-” means zero, write 0; if the figure is really missing, confirm.",
    },
    "import.problem.no_figures": {"id": "Baris tanpa angka; dilewati.", "en": "A row without figures; skipped."},
    "import.fix.no_figures": {"id": "Isi angkanya atau hapus baris ini.", "en": "Fill in its figures or remove the row."},
    "import.problem.parent_and_children": {
        "id": "{code} ({period}) diberikan sendiri dan juga wilayah di dalamnya: angka {code} dari baris ini, bukan jumlah wilayah di dalamnya.",
        "en": "{code} ({period}) is given itself and so are regions inside it: {code} shows this row, not the sum of the regions inside.",
    },
    "import.fix.parent_and_children": {
        "id": "Bila angka {code} memang total resmi, konfirmasi; bila tidak, hapus baris ini.",
        "en": "If the {code} figure is the official total, confirm; otherwise remove this row.",
    },
    "admin.page_login": {"id": "Masuk admin", "en": "Admin login"},
    "admin.login.explain": {
        "id": "Dasbor ini publik: hanya admin yang dapat mengunggah atau menghapus data.",
        "en": "This dashboard is public: only an admin can upload or delete data.",
    },
    "admin.password": {"id": "Kata sandi admin", "en": "Admin password"},
    "admin.login": {"id": "Masuk", "en": "Log in"},
    "admin.wrong": {"id": "Kata sandi salah.", "en": "Wrong password."},
    "admin.not_configured": {
        "id": "Mode publik aktif tetapi kata sandi admin belum diatur (UCJ_ADMIN_PASSWORD atau [admin] password di secrets.toml): halaman data terkunci.",
        "en": "Public mode is on but no admin password is set (UCJ_ADMIN_PASSWORD or [admin] password in secrets.toml): the data page is locked.",
    },
    "admin.logout": {"id": "Keluar admin", "en": "Log out admin"},
    "admin.logged_in": {"id": "Masuk sebagai admin.", "en": "Logged in as admin."},
    # --- priority analysis (issue 4)
    "priority.reason.poverty": {
        "id": "kemiskinan ekstrem {rate} — {ratio}× baseline {baseline}",
        "en": "extreme poverty {rate} — {ratio}× the {baseline} baseline",
    },
    "priority.reason.poverty_missing": {"id": "data kemiskinan ekstrem tidak tersedia", "en": "no extreme-poverty data"},
    "priority.reason.coverage": {"id": "cakupan {coverage} vs target {target}{flag}", "en": "coverage {coverage} vs target {target}{flag}"},
    "priority.reason.coverage_missing": {"id": "data cakupan tidak tersedia", "en": "no coverage data"},
    "priority.reason.over_100": {
        "id": " (di atas 100%: periksa data)",
        "en": " (above 100%: check the data)",
    },
    "priority.reason.uncovered_extreme_poor_workers": {
        "id": "{n} pekerja miskin ekstrem belum terlindungi",
        "en": "{n} extreme-poor workers uncovered",
    },
    "priority.reason.uncovered_extreme_poor_workers_missing": {
        "id": "data pekerja miskin ekstrem tidak tersedia",
        "en": "no data on extreme-poor workers",
    },
    "priority.reason.uncovered_vulnerable_workers": {
        "id": "{n} pekerja rentan belum terlindungi",
        "en": "{n} vulnerable workers uncovered",
    },
    "priority.reason.uncovered_vulnerable_workers_missing": {
        "id": "data pekerja rentan tidak tersedia",
        "en": "no data on vulnerable workers",
    },
    "settings.edited_notice": {
        "id": "{n} pengaturan diubah untuk sesi ini (lihat halaman Metodologi).",
        "en": "{n} settings edited for this session (see the Methodology page).",
    },
    "priority.group.act_first": {"id": "Prioritas: miskin ekstrem tinggi, cakupan rendah", "en": "Act first: high extreme poverty, low coverage"},
    "priority.group.poor_on_target": {"id": "Miskin ekstrem tinggi, cakupan capai target", "en": "High extreme poverty, coverage on target"},
    "priority.group.low_coverage": {"id": "Miskin ekstrem rendah, cakupan di bawah target", "en": "Low extreme poverty, coverage below target"},
    "priority.group.on_track": {"id": "Miskin ekstrem rendah, cakupan capai target", "en": "Low extreme poverty, coverage on target"},
    "priority.group.no_data": {"id": "Data tidak lengkap", "en": "Incomplete data"},
    "priority.regions": {"id": "wilayah", "en": "regions"},
    "priority.axis.poverty_low": {"id": "Miskin ekstrem ≤ {baseline}", "en": "Extreme poverty ≤ {baseline}"},
    "priority.axis.poverty_high": {"id": "Miskin ekstrem > {baseline}", "en": "Extreme poverty > {baseline}"},
    "priority.axis.coverage_low": {"id": "Cakupan < target", "en": "Coverage < target"},
    "priority.axis.coverage_ok": {"id": "Cakupan ≥ target", "en": "Coverage ≥ target"},
    "page.profile": {"id": "Profil wilayah", "en": "Region profile"},
    "page.priority": {"id": "Analisis prioritas", "en": "Priority analysis"},
    "page.methodology": {"id": "Metodologi & pengaturan", "en": "Methodology & settings"},
    "map.open_profile": {"id": "Profil {region}", "en": "Profile of {region}"},
    "map.open_priority": {"id": "Analisis prioritas", "en": "Priority analysis"},
    "map.open_map": {"id": "Lihat di peta", "en": "Show on the map"},
    "coverage.measure": {"id": "Penyebut cakupan", "en": "Coverage denominator"},
    "coverage.employed_active": {"id": "Peserta aktif ÷ penduduk bekerja", "en": "Active participants ÷ employed workers"},
    "coverage.employed_registered": {"id": "Peserta terdaftar ÷ penduduk bekerja", "en": "Registered participants ÷ employed workers"},
    "coverage.vulnerable": {"id": "Pekerja rentan terlindungi ÷ pekerja rentan", "en": "Vulnerable workers covered ÷ vulnerable workers"},
    "coverage.extreme_poor": {"id": "Pekerja miskin ekstrem terlindungi ÷ pekerja miskin ekstrem", "en": "Extreme-poor workers covered ÷ extreme-poor workers"},
    "coverage.short.employed_active": {"id": "cakupan aktif", "en": "active coverage"},
    "coverage.short.employed_registered": {"id": "cakupan terdaftar", "en": "registered coverage"},
    "coverage.short.vulnerable": {"id": "cakupan pekerja rentan", "en": "vulnerable-worker coverage"},
    "coverage.short.extreme_poor": {"id": "cakupan pekerja miskin ekstrem", "en": "extreme-poor-worker coverage"},
    "coverage.unavailable": {
        "id": "Data ini tidak memuat {what}; pilihan itu tidak tersedia.",
        "en": "This data has no {what}; that choice is not available.",
    },
    "coverage.target_note": {
        "id": "Target UCJ dipakai sebagai pembanding untuk setiap penyebut.",
        "en": "The UCJ target is used as the yardstick for every denominator.",
    },
    # --- region profile page
    "profile.kind_path": {"id": "{kind} · {path} · kode {code}", "en": "{kind} · {path} · code {code}"},
    "profile.coverage": {"id": "Cakupan ({measure})", "en": "Coverage ({measure})"},
    "profile.vs_target": {"id": "{delta} vs target {target}", "en": "{delta} vs target {target}"},
    "profile.target_met": {"id": "target {target} tercapai", "en": "target {target} met"},
    "profile.gap": {"id": "Kekurangan menuju target", "en": "Gap to target"},
    "profile.gap.help": {
        "id": "Orang yang perlu didaftarkan agar {measure} mencapai target {target}: penyebut × target − tercakup.",
        "en": "Persons to enrol for {measure} to reach the {target} target: denominator × target − covered.",
    },
    "profile.vulnerable": {"id": "Pekerja rentan: terlindungi / belum", "en": "Vulnerable workers: covered / not"},
    "profile.extreme_poverty": {"id": "Kemiskinan ekstrem", "en": "Extreme poverty"},
    "profile.vs_parent_nation": {
        "id": "{parent}: {parent_rate} · Nasional: {nation_rate}",
        "en": "{parent}: {parent_rate} · National: {nation_rate}",
    },
    "profile.vs_nation": {"id": "Nasional: {nation_rate}", "en": "National: {nation_rate}"},
    "profile.officials": {"id": "Kepala & perangkat desa terdaftar", "en": "Village officials enrolled"},
    "profile.officials.value": {"id": "{enrolled} dari {total}", "en": "{enrolled} of {total}"},
    "profile.officials.villages": {
        "id": "{pct} desa ({n} dari {reporting}) semua perangkatnya terdaftar",
        "en": "{pct} of villages ({n} of {reporting}) have all officials enrolled",
    },
    "profile.source_line": {
        "id": "Periode {period} · sumber: {source} · per {as_of}",
        "en": "Period {period} · source: {source} · as of {as_of}",
    },
    "profile.setting_line": {"id": "{name}: {value} ({source}, {as_of})", "en": "{name}: {value} ({source}, {as_of})"},
    "profile.over_100": {
        "id": "Cakupan di atas 100% untuk wilayah ini: data peserta melebihi penyebutnya. Angka ditampilkan apa adanya; periksa data sumber.",
        "en": "Coverage above 100% for this region: participants exceed the denominator. Shown as is; check the source data.",
    },
    "profile.trend": {"id": "Tren: {measure}", "en": "Trend: {measure}"},
    "profile.trend_poverty": {"id": "Tren: kemiskinan ekstrem", "en": "Trend: extreme poverty"},
    "profile.target_line": {"id": "Target {value}", "en": "Target {value}"},
    "profile.baseline_line": {"id": "Baseline {value} (BPS Maret 2024)", "en": "Baseline {value} (BPS March 2024)"},
    "profile.children": {"id": "{level} di {region}: {measure}", "en": "{level} in {region}: {measure}"},
    "profile.children_table": {"id": "Semua {level} ({n})", "en": "All {level} ({n})"},
    "profile.no_children": {
        "id": "Desa/kelurahan adalah tingkat terendah; tidak ada wilayah di bawahnya.",
        "en": "A village is the lowest level; it has no regions below it.",
    },
    "profile.siblings": {"id": "Dibandingkan wilayah setingkat", "en": "Compared with its siblings"},
    "profile.rank": {
        "id": "Peringkat {rank} dari {with_data} {level} di {parent} menurut {measure} (1 = tertinggi).",
        "en": "Ranks {rank} of {with_data} {level} in {parent} by {measure} (1 = highest).",
    },
    "profile.rank_none": {"id": "Tidak ada data {measure} untuk peringkat.", "en": "No {measure} data to rank."},
    "profile.rank_partial": {"id": "{n} wilayah setingkat tanpa data.", "en": "{n} siblings have no data."},
    "profile.pick_child": {"id": "Pilih baris untuk membuka profilnya.", "en": "Select a row to open its profile."},
    "col.coverage_measure": {"id": "Cakupan (%)", "en": "Coverage (%)"},
    "col.target_pct": {"id": "Target (%)", "en": "Target (%)"},
    "col.gap_to_target": {"id": "Kekurangan ke target (orang)", "en": "Gap to target (persons)"},
    "col.uncovered_vulnerable_workers": {"id": "Rentan belum terlindungi (orang)", "en": "Vulnerable uncovered (persons)"},
    "col.uncovered_extreme_poor_workers": {"id": "Miskin ekstrem belum terlindungi (orang)", "en": "Extreme-poor uncovered (persons)"},
    "col.cost_yearly_rp": {"id": "Biaya per tahun (Rp)", "en": "Cost per year (Rp)"},
    "col.quadrant": {"id": "Kelompok", "en": "Group"},
    "col.reason": {"id": "Alasan peringkat", "en": "Reason for the rank"},
    "col.rank": {"id": "Peringkat", "en": "Rank"},
    # --- cost of closing the gap
    "cost.title": {"id": "Biaya menutup kesenjangan", "en": "Cost of closing the gap"},
    "cost.group": {"id": "Siapa yang didaftarkan", "en": "Who is enrolled"},
    "cost.group.vulnerable": {"id": "Pekerja rentan belum terlindungi", "en": "Uncovered vulnerable workers"},
    "cost.group.extreme_poor": {"id": "Pekerja miskin ekstrem belum terlindungi", "en": "Uncovered extreme-poor workers"},
    "cost.with_jht": {"id": "Termasuk JHT (jaminan hari tua)", "en": "Include JHT (old-age savings)"},
    "cost.workers": {"id": "Pekerja", "en": "Workers"},
    "cost.monthly": {"id": "Iuran per bulan", "en": "Contributions per month"},
    "cost.yearly": {"id": "Iuran per tahun", "en": "Contributions per year"},
    "cost.rate_line": {
        "id": "Tarif per pekerja per bulan: JKK {jkk} + JKM {jkm}{jht} = {total} ({source}).",
        "en": "Rate per worker per month: JKK {jkk} + JKM {jkm}{jht} = {total} ({source}).",
    },
    "cost.jht_part": {"id": " + JHT {jht} ({source})", "en": " + JHT {jht} ({source})"},
    "cost.no_data": {
        "id": "Tidak ada data {group} untuk wilayah ini; biaya tidak dapat dihitung.",
        "en": "No data on {group} for this region; the cost cannot be computed.",
    },
    "cost.note": {
        "id": "Perkiraan iuran minimum BPU yang dibayar pemda (APBD/APBDes/CSR); bukan biaya administrasi.",
        "en": "Estimate of minimum BPU contributions paid by regional budgets (APBD/APBDes/CSR); excludes administration costs.",
    },
    # --- priority analysis page
    "priority.title": {"id": "Analisis prioritas: {level} di {region}", "en": "Priority analysis: {level} in {region}"},
    "priority.intro": {
        "id": "Setiap wilayah ditempatkan dalam empat kelompok menurut dua pertanyaan: apakah kemiskinan ekstremnya di atas baseline {baseline}, dan apakah cakupannya ({measure}) di bawah target?",
        "en": "Each region is placed in one of four groups by two questions: is its extreme poverty above the {baseline} baseline, and is its coverage ({measure}) below target?",
    },
    "priority.level": {"id": "Tingkat wilayah", "en": "Region level"},
    "priority.nation": {"id": "Seluruh Indonesia", "en": "All of Indonesia"},
    "priority.bad_level": {
        "id": "Tingkat “{value}” tidak tersedia di bawah {region}; menampilkan {level}.",
        "en": "Level “{value}” is not available under {region}; showing {level}.",
    },
    "priority.rule": {"id": "Aturan peringkat (dapat diubah)", "en": "Ranking rule (adjustable)"},
    "priority.rule.text": {
        "id": "**Aturan:** {first}lalu urut menurut skor = {w_ep} × pekerja miskin ekstrem belum terlindungi + {w_vul} × pekerja rentan belum terlindungi + {w_gap} × kekurangan menuju target (orang), terbesar dulu. Data yang hilang tidak dihitung sebagai nol: suku itu dilewati dan disebut di alasan; wilayah tanpa skor atau tanpa kelompok di akhir.",
        "en": "**Rule:** {first}then by score = {w_ep} × uncovered extreme-poor workers + {w_vul} × uncovered vulnerable workers + {w_gap} × gap to target (persons), largest first. Missing data is not counted as zero: that term is skipped and named in the reason; regions without a score or group come last.",
    },
    "priority.rule.first": {
        "id": "kelompok “miskin ekstrem tinggi, cakupan rendah” lebih dulu, ",
        "en": "the “high extreme poverty, low coverage” group first, ",
    },
    "priority.rule.act_first": {"id": "Dahulukan kelompok prioritas", "en": "Put the act-first group first"},
    "priority.rule.w_ep": {"id": "Bobot pekerja miskin ekstrem belum terlindungi", "en": "Weight: uncovered extreme-poor workers"},
    "priority.rule.w_vul": {"id": "Bobot pekerja rentan belum terlindungi", "en": "Weight: uncovered vulnerable workers"},
    "priority.rule.w_gap": {"id": "Bobot kekurangan menuju target", "en": "Weight: gap to target"},
    "priority.rule.reset": {"id": "Kembalikan aturan bawaan", "en": "Reset to the default rule"},
    "priority.map": {"id": "Peta dua variabel", "en": "Two-variable map"},
    "priority.map_hint": {"id": "Klik wilayah di peta atau titik di grafik untuk membuka profilnya.", "en": "Click a region on the map or a point on the chart to open its profile."},
    "priority.scatter": {"id": "Kemiskinan ekstrem vs {measure}", "en": "Extreme poverty vs {measure}"},
    "priority.scatter.x": {"id": "Kemiskinan ekstrem (%)", "en": "Extreme poverty (%)"},
    "priority.scatter.y": {"id": "{measure} (%)", "en": "{measure} (%)"},
    "priority.scatter.size": {"id": "Ukuran titik: pekerja belum terlindungi", "en": "Point size: uncovered workers"},
    "priority.scatter.missing": {"id": "{n} wilayah tanpa data kemiskinan atau cakupan tidak digambar.", "en": "{n} regions without poverty or coverage data are not drawn."},
    "priority.list": {"id": "Daftar prioritas", "en": "Priority list"},
    "priority.download_csv": {"id": "Unduh daftar (CSV)", "en": "Download list (CSV)"},
    "priority.download_xlsx": {"id": "Unduh daftar (XLSX)", "en": "Download list (XLSX)"},
    "priority.no_boundary": {"id": "{n} wilayah tanpa batas peta (tetap di daftar).", "en": "{n} regions without a map boundary (still in the list)."},
    # --- methodology and settings page
    "settings.out_of_range": {
        "id": "Nilai {name} = {value} di luar rentang {lo}–{hi}; pengaturan sebelumnya tetap dipakai.",
        "en": "{name} = {value} is outside {lo}–{hi}; the previous settings stay in use.",
    },
    "settings.breaks_order": {
        "id": "Ambang kelas harus naik: sangat rendah < rendah < sedang (sekarang {a} / {b} / {c}); pengaturan sebelumnya tetap dipakai.",
        "en": "Class thresholds must rise: very low < low < medium (now {a} / {b} / {c}); the previous settings stay in use.",
    },
    "settings.target_range": {
        "id": "Target wilayah {code} = {value} harus 0–100%; pengaturan sebelumnya tetap dipakai.",
        "en": "The target for region {code} = {value} must be 0–100%; the previous settings stay in use.",
    },
    "settings.title": {"id": "Pengaturan (berlaku untuk sesi ini)", "en": "Settings (for this session)"},
    "settings.intro": {
        "id": "Semua halaman memakai nilai yang sama. Perubahan hanya berlaku untuk sesi Anda dan hilang saat halaman dimuat ulang.",
        "en": "Every page uses the same values. Changes apply to your session only and are lost when the page is reloaded.",
    },
    "settings.apply": {"id": "Terapkan", "en": "Apply"},
    "settings.reset": {"id": "Kembalikan ke nilai bawaan", "en": "Reset to defaults"},
    "settings.applied": {"id": "Pengaturan diterapkan ke semua halaman.", "en": "Settings applied to every page."},
    "settings.region_targets": {"id": "Target cakupan per wilayah", "en": "Coverage targets per region"},
    "settings.region_targets.help": {
        "id": "Kode wilayah Kemendagri dan targetnya (%). Wilayah tanpa target memakai target induknya, lalu target nasional.",
        "en": "Kemendagri region code and its target (%). A region without one uses its parent's, then the national target.",
    },
    "settings.reference": {"id": "Angka rujukan (tidak diubah)", "en": "Reference figures (not editable)"},
    "settings.col.setting": {"id": "Pengaturan", "en": "Setting"},
    "settings.col.value": {"id": "Nilai", "en": "Value"},
    "settings.col.default": {"id": "Bawaan", "en": "Default"},
    "settings.col.unit": {"id": "Satuan", "en": "Unit"},
    "settings.col.source": {"id": "Sumber", "en": "Source"},
    "settings.col.as_of": {"id": "Per", "en": "As of"},
    "settings.col.note": {"id": "Catatan", "en": "Note"},
    "settings.code": {"id": "Kode wilayah", "en": "Region code"},
    "settings.target": {"id": "Target (%)", "en": "Target (%)"},
    "setting.extreme_poverty_baseline_pct": {"id": "Baseline kemiskinan ekstrem (%)", "en": "Extreme-poverty baseline (%)"},
    "setting.ucj_target_pct": {"id": "Target cakupan UCJ nasional (%)", "en": "National UCJ coverage target (%)"},
    "setting.class_very_low_below_pct": {"id": "Batas atas kelas 'sangat rendah' (%)", "en": "Upper bound of 'very low' (%)"},
    "setting.class_low_below_pct": {"id": "Batas atas kelas 'rendah' (%)", "en": "Upper bound of 'low' (%)"},
    "setting.class_medium_below_pct": {"id": "Batas atas kelas 'sedang' (%)", "en": "Upper bound of 'medium' (%)"},
    "setting.jkk_bpu_min_rp": {"id": "Iuran JKK BPU minimum (Rp/pekerja/bulan)", "en": "Minimum BPU JKK contribution (Rp/worker/month)"},
    "setting.jkm_bpu_rp": {"id": "Iuran JKM BPU (Rp/pekerja/bulan)", "en": "BPU JKM contribution (Rp/worker/month)"},
    "setting.jht_bpu_min_rp": {"id": "Iuran JHT BPU minimum (Rp/pekerja/bulan)", "en": "Minimum BPU JHT contribution (Rp/worker/month)"},
    "method.title": {"id": "Metodologi: indikator, rumus, sumber", "en": "Methodology: indicators, formulas, sources"},
    "method.text": {
        "id": """
**Cakupan UCJ (%)** = peserta aktif BPJS Ketenagakerjaan ÷ penduduk bekerja × 100. Contoh: Bali, 31 Mar 2025: 935.079 ÷ 1.873.899 = 50,88%. Penyebut lain dapat dipilih di profil dan analisis prioritas, dan selalu disebut pada setiap angka:
- **terdaftar**: peserta terdaftar ÷ penduduk bekerja (hanya bila data memuat peserta terdaftar; Des 2023: 61,08 juta terdaftar vs 41,56 juta aktif);
- **pekerja rentan**: pekerja rentan terlindungi ÷ pekerja rentan (tidak ada definisi undang-undang; penggunaan lokal: pekerja informal berisiko tinggi dan berpenghasilan rendah/tidak tetap);
- **pekerja miskin ekstrem**: pekerja miskin ekstrem terlindungi ÷ pekerja miskin ekstrem.

**Target** = target UCJ nasional {target} ({target_source}, {target_as_of}) atau target wilayah yang ditetapkan di bawah; wilayah tanpa target memakai target induknya. **Kekurangan menuju target** = penyebut × target − tercakup (orang, nol bila target tercapai; tepat sama dengan target dihitung tercapai).

**Kemiskinan ekstrem (%)** = penduduk miskin ekstrem ÷ penduduk × 100, dibandingkan **baseline {baseline}** ({baseline_source}, {baseline_as_of}). {baseline_note}

**Perangkat desa** = kepala & perangkat desa terdaftar ÷ seluruhnya; **% desa lengkap** = desa yang semua perangkatnya terdaftar ÷ desa yang melaporkan jumlah perangkat.

**Kelompok prioritas**: miskin ekstrem di atas baseline? × cakupan di bawah target? → empat kelompok; wilayah tanpa salah satu angka masuk "data tidak lengkap". Aturan peringkat tertulis di halaman Analisis prioritas dan dapat diubah.

**Biaya menutup kesenjangan** = pekerja belum terlindungi × iuran minimum BPU (JKK {jkk} + JKM {jkm} = {package} per pekerja per bulan, PP 44/2015 jo. PP 82/2019; opsional + JHT {jht}, PP 46/2015) × 12 bulan.

**Penjumlahan**: angka wilayah di atas desa adalah jumlah hitungan anak-anaknya; persentase dihitung ulang dari jumlah, tidak dirata-rata. **Tidak ada data** selalu ditampilkan sebagai "—" atau arsiran, tidak pernah sebagai nol. Cakupan di atas 100% ditandai sebagai masalah data, tidak disembunyikan.
""",
        "en": """
**UCJ coverage (%)** = active BPJS Ketenagakerjaan participants ÷ employed workers × 100. Example: Bali, 31 Mar 2025: 935,079 ÷ 1,873,899 = 50.88%. Other denominators can be chosen on the profile and priority pages, and are named on every figure:
- **registered**: registered participants ÷ employed workers (only where the data has registered participants; Dec 2023: 61.08 M registered vs 41.56 M active);
- **vulnerable workers**: vulnerable workers covered ÷ vulnerable workers (no statutory definition; local usage: informal workers with high risk and low or irregular income);
- **extreme-poor workers**: extreme-poor workers covered ÷ extreme-poor workers.

**Target** = the national UCJ target {target} ({target_source}, {target_as_of}) or a region's own target set below; a region without one uses its parent's. **Gap to target** = denominator × target − covered (persons; zero once the target is met, and exactly on target counts as met).

**Extreme poverty (%)** = extreme-poor population ÷ population × 100, compared with the **{baseline} baseline** ({baseline_source}, {baseline_as_of}). {baseline_note}

**Village officials** = village heads and officials enrolled ÷ all of them; **% of villages complete** = villages where every official is enrolled ÷ villages reporting their number of officials.

**Priority groups**: extreme poverty above the baseline? × coverage below target? → four groups; regions missing either figure are "incomplete data". The ranking rule is written on the Priority analysis page and can be adjusted.

**Cost of closing the gap** = uncovered workers × minimum BPU contribution (JKK {jkk} + JKM {jkm} = {package} per worker per month, PP 44/2015 as amended by PP 82/2019; optionally + JHT {jht}, PP 46/2015) × 12 months.

**Roll-up**: figures above village level are sums of their children's counts; rates are recomputed from the sums, never averaged. **No data** is always shown as "—" or hatching, never as zero. Coverage above 100% is flagged as a data problem, not hidden.
""",
    },
    # --- exports (issue 6)
    "export.png": {"id": "Peta (PNG)", "en": "Map (PNG)"},
    "export.pdf": {"id": "Ringkasan (PDF)", "en": "Brief (PDF)"},
    "export.xlsx": {"id": "Buku kerja (XLSX)", "en": "Workbook (XLSX)"},
    "export.help": {
        "id": "Berkas dibuat saat tombol diklik; memuat periode, sumber, tanggal dan label data simulasi.",
        "en": "The file is made when the button is clicked; it states the period, sources, dates and the simulated-data label.",
    },
    "export.map.title": {"id": "{metric} — {region}, {period}", "en": "{metric} — {region}, {period}"},
    "export.map.selected": {"id": "Garis tebal: {name} (terpilih)", "en": "Thick outline: {name} (selected)"},
    "export.map.no_geometry": {"id": "Tidak ada batas peta untuk wilayah ini.", "en": "No map boundaries for this area."},
    "export.period": {"id": "Periode data: {period}.", "en": "Data period: {period}."},
    "export.north": {"id": "U", "en": "N"},
    "export.projection": {
        "id": "Proyeksi: koordinat geografis WGS 84 (EPSG:4326), sumbu x diskalakan 1/cos({lat}°); skala batang berlaku pada lintang tengah peta.",
        "en": "Projection: geographic coordinates WGS 84 (EPSG:4326), x axis scaled by 1/cos({lat}°); the scale bar holds at the map's middle latitude.",
    },
    "export.generated": {"id": "Dibuat {date} · Dasbor Cakupan UCJ", "en": "Made {date} · UCJ Coverage Dashboard"},
    "export.yes": {"id": "ya", "en": "yes"},
    "export.no": {"id": "tidak", "en": "no"},
    "export.unit.persons": {"id": "orang", "en": "persons"},
    "export.sheet.regions": {"id": "Wilayah", "en": "Regions"},
    "export.sheet.priority": {"id": "Prioritas", "en": "Priority"},
    "export.sheet.definitions": {"id": "Definisi & sumber", "en": "Definitions & sources"},
    "export.wb.title": {"id": "{region} — periode {period}: wilayah ini dan setiap {level} di dalamnya", "en": "{region} — period {period}: the region and each {level} in it"},
    "export.wb.title_village": {"id": "{region} — periode {period}", "en": "{region} — period {period}"},
    "export.wb.empty_note": {
        "id": "Sel kosong = tidak ada data (bukan nol). Persentase dalam persen (35,9 = 35,9%).",
        "en": "An empty cell = no data (not zero). Percentages are in percent (35.9 = 35.9%).",
    },
    "export.wb.row": {"id": "Baris", "en": "Row"},
    "export.wb.row.self": {"id": "Wilayah ini", "en": "This region"},
    "export.wb.row.child": {"id": "Sub-wilayah", "en": "Sub-region"},
    "export.wb.reporting": {"id": "Baris data yang dijumlahkan", "en": "Data rows summed"},
    "export.wb.priority_title": {"id": "Peringkat prioritas: {level} di {region} — periode {period}", "en": "Priority ranking: {level} in {region} — period {period}"},
    "export.wb.priority_none": {"id": "Tidak ada wilayah di bawah {region} untuk diperingkat.", "en": "There are no regions below {region} to rank."},
    "export.wb.score": {"id": "Skor (orang, berbobot)", "en": "Score (weighted persons)"},
    "export.rule": {
        "id": "Aturan peringkat: kelompok “prioritas” didahulukan: {first}; skor = {w_ep} × pekerja miskin ekstrem belum terlindungi + {w_vul} × pekerja rentan belum terlindungi + {w_gap} × kekurangan ke target (orang); cakupan: {coverage}.",
        "en": "Ranking rule: the “act first” group first: {first}; score = {w_ep} × uncovered extreme-poor workers + {w_vul} × uncovered vulnerable workers + {w_gap} × gap to target (persons); coverage: {coverage}.",
    },
    "export.def.indicators": {"id": "Indikator", "en": "Indicators"},
    "export.def.settings": {"id": "Pengaturan (konstanta yang dipakai)", "en": "Settings (constants used)"},
    "export.def.dataset": {"id": "Dataset", "en": "Dataset"},
    "export.def.boundaries": {"id": "Kode dan batas wilayah, metode", "en": "Region codes and boundaries, method"},
    "export.def.col.name": {"id": "Nama", "en": "Name"},
    "export.def.col.unit": {"id": "Satuan", "en": "Unit"},
    "export.def.col.definition": {"id": "Definisi / rumus", "en": "Definition / formula"},
    "export.def.col.key": {"id": "Kunci", "en": "Key"},
    "export.def.col.value": {"id": "Nilai", "en": "Value"},
    "export.def.col.source": {"id": "Sumber", "en": "Source"},
    "export.def.col.as_of": {"id": "Per", "en": "As of"},
    "export.def.col.note": {"id": "Catatan", "en": "Note"},
    "export.def.counts": {"id": "Jumlah orang dari dataset; dijumlahkan dari tingkat terendah yang tersedia.", "en": "Counts of persons from the dataset; summed up from the finest level given."},
    "export.ds.id": {"id": "ID dataset", "en": "Dataset ID"},
    "export.ds.name": {"id": "Nama dataset", "en": "Dataset name"},
    "export.ds.source": {"id": "Sumber", "en": "Source"},
    "export.ds.as_of": {"id": "Per", "en": "As of"},
    "export.ds.simulated": {"id": "Data simulasi?", "en": "Simulated data?"},
    "export.ds.description": {"id": "Keterangan", "en": "Description"},
    "export.ds.created_at": {"id": "Dimuat pada", "en": "Loaded at"},
    "export.ds.period": {"id": "Periode yang diekspor", "en": "Period exported"},
    "export.registry_source": {
        "id": "Kode dan nama wilayah: Kepmendagri No 300.2.2-2430 Tahun 2025 via cahyadsn/wilayah (MIT).",
        "en": "Region codes and names: Kepmendagri No 300.2.2-2430 Tahun 2025 via cahyadsn/wilayah (MIT).",
    },
    "export.ind.ucj_coverage_pct": {"id": "Cakupan UCJ (%)", "en": "UCJ coverage (%)"},
    "export.def.ucj_coverage_pct": {"id": "Peserta aktif ÷ penduduk bekerja × 100.", "en": "Active participants ÷ employed workers × 100."},
    "export.ind.registered_coverage_pct": {"id": "Cakupan terdaftar (%)", "en": "Registered coverage (%)"},
    "export.def.registered_coverage_pct": {"id": "Peserta terdaftar ÷ penduduk bekerja × 100.", "en": "Registered participants ÷ employed workers × 100."},
    "export.ind.vulnerable_coverage_pct": {"id": "Cakupan pekerja rentan (%)", "en": "Vulnerable-worker coverage (%)"},
    "export.def.vulnerable_coverage_pct": {"id": "Pekerja rentan terlindungi ÷ pekerja rentan × 100.", "en": "Vulnerable workers covered ÷ vulnerable workers × 100."},
    "export.ind.extreme_poor_worker_coverage_pct": {"id": "Cakupan pekerja miskin ekstrem (%)", "en": "Extreme-poor-worker coverage (%)"},
    "export.def.extreme_poor_worker_coverage_pct": {
        "id": "Pekerja miskin ekstrem terlindungi ÷ pekerja miskin ekstrem × 100.",
        "en": "Extreme-poor workers covered ÷ extreme-poor workers × 100.",
    },
    "export.ind.uncovered_workers": {"id": "Pekerja belum terlindungi (orang)", "en": "Uncovered workers (persons)"},
    "export.def.uncovered_workers": {"id": "Penduduk bekerja − peserta aktif (minimal 0).", "en": "Employed workers − active participants (at least 0)."},
    "export.ind.unregistered_workers": {"id": "Pekerja belum terdaftar (orang)", "en": "Unregistered workers (persons)"},
    "export.def.unregistered_workers": {"id": "Penduduk bekerja − peserta terdaftar (minimal 0).", "en": "Employed workers − registered participants (at least 0)."},
    "export.ind.uncovered_vulnerable_workers": {"id": "Pekerja rentan belum terlindungi (orang)", "en": "Uncovered vulnerable workers (persons)"},
    "export.def.uncovered_vulnerable_workers": {"id": "Pekerja rentan − pekerja rentan terlindungi (minimal 0).", "en": "Vulnerable workers − vulnerable workers covered (at least 0)."},
    "export.ind.uncovered_extreme_poor_workers": {"id": "Pekerja miskin ekstrem belum terlindungi (orang)", "en": "Uncovered extreme-poor workers (persons)"},
    "export.def.uncovered_extreme_poor_workers": {
        "id": "Pekerja miskin ekstrem − pekerja miskin ekstrem terlindungi (minimal 0).",
        "en": "Extreme-poor workers − extreme-poor workers covered (at least 0).",
    },
    "export.ind.target_pct": {"id": "Target cakupan UCJ (%)", "en": "UCJ coverage target (%)"},
    "export.def.target_pct": {
        "id": "Target wilayah sendiri, atau target wilayah induknya, atau target nasional (pengaturan ucj_target_pct).",
        "en": "The region's own target, else its parent's, else the national one (setting ucj_target_pct).",
    },
    "export.ind.gap_to_target_workers": {"id": "Kekurangan menuju target (orang)", "en": "Gap to target (persons)"},
    "export.def.gap_to_target_workers": {
        "id": "Penduduk bekerja × target ÷ 100 − peserta aktif (0 bila target tercapai).",
        "en": "Employed workers × target ÷ 100 − active participants (0 once the target is met).",
    },
    "export.ind.target_met": {"id": "Target tercapai", "en": "Target met"},
    "export.def.target_met": {"id": "Cakupan UCJ ≥ target (kosong bila tidak ada data).", "en": "UCJ coverage ≥ target (empty when there is no data)."},
    "export.ind.extreme_poverty_rate_pct": {"id": "Kemiskinan ekstrem (%)", "en": "Extreme poverty (%)"},
    "export.def.extreme_poverty_rate_pct": {"id": "Penduduk miskin ekstrem ÷ penduduk × 100.", "en": "Extreme-poor population ÷ population × 100."},
    "export.ind.extreme_poverty_vs_baseline_pp": {"id": "Kemiskinan ekstrem − baseline (poin persen)", "en": "Extreme poverty − baseline (percentage points)"},
    "export.def.extreme_poverty_vs_baseline_pp": {
        "id": "Persentase miskin ekstrem − baseline (pengaturan extreme_poverty_baseline_pct).",
        "en": "Extreme-poverty rate − baseline (setting extreme_poverty_baseline_pct).",
    },
    "export.ind.extreme_poverty_ratio_to_baseline": {"id": "Kemiskinan ekstrem ÷ baseline (×)", "en": "Extreme poverty ÷ baseline (×)"},
    "export.def.extreme_poverty_ratio_to_baseline": {"id": "Persentase miskin ekstrem ÷ baseline.", "en": "Extreme-poverty rate ÷ baseline."},
    "export.ind.village_official_coverage_pct": {"id": "Kepala & perangkat desa terdaftar (%)", "en": "Village officials enrolled (%)"},
    "export.def.village_official_coverage_pct": {
        "id": "Kepala dan perangkat desa terdaftar ÷ seluruhnya × 100 (hanya desa).",
        "en": "Village heads and officials enrolled ÷ all of them × 100 (desa only).",
    },
    "export.ind.coverage_over_100": {"id": "Cakupan di atas 100% (periksa data)", "en": "Coverage above 100% (check data)"},
    "export.def.coverage_over_100": {
        "id": "Ya bila salah satu jumlah tercakup melebihi keseluruhannya (tanda mutu data).",
        "en": "Yes when any covered count exceeds its whole (a data-quality flag).",
    },
    "export.brief.title": {"id": "Ringkasan cakupan UCJ: {region}", "en": "UCJ coverage brief: {region}"},
    "export.brief.meta": {"id": "{kind} · {path} · kode {code} · periode {period}", "en": "{kind} · {path} · code {code} · period {period}"},
    "export.brief.dataset": {"id": "Dataset: {name} — {source}; per {as_of}.", "en": "Dataset: {name} — {source}; as of {as_of}."},
    "export.brief.headline": {"id": "Angka utama", "en": "Headline figures"},
    "export.brief.col.figure": {"id": "Angka", "en": "Figure"},
    "export.brief.col.value": {"id": "Nilai", "en": "Value"},
    "export.brief.col.basis": {"id": "Pembanding dan sumber", "en": "Comparison and source"},
    "export.brief.met": {"id": "tercapai", "en": "met"},
    "export.brief.not_met": {"id": "belum tercapai", "en": "not met"},
    "export.brief.vs_target": {"id": "Target {target}: {status} ({source}, {as_of}).", "en": "Target {target}: {status} ({source}, {as_of})."},
    "export.brief.gap_basis": {
        "id": "Penduduk bekerja × target − peserta aktif; data: {dataset}.",
        "en": "Employed workers × target − active participants; data: {dataset}.",
    },
    "export.brief.vulnerable_value": {"id": "{covered} terlindungi / {uncovered} belum ({pct})", "en": "{covered} covered / {uncovered} not ({pct})"},
    "export.brief.poverty_basis": {"id": "{delta} vs baseline {baseline} ({source}, {as_of}).", "en": "{delta} vs the {baseline} baseline ({source}, {as_of})."},
    "export.brief.officials_value": {"id": "{enrolled} dari {total} ({pct})", "en": "{enrolled} of {total} ({pct})"},
    "export.brief.data_basis": {"id": "Data: {dataset}.", "en": "Data: {dataset}."},
    "export.brief.map": {"id": "Peta: {metric}", "en": "Map: {metric}"},
    "export.brief.children_note": {
        "id": "{shown} dari {n} {level}, diurutkan dari cakupan UCJ terendah (tanpa data di akhir).",
        "en": "{shown} of {n} rows ({level}), lowest UCJ coverage first (no data last).",
    },
    "export.brief.priority": {"id": "Prioritas: {n} teratas", "en": "Priority: top {n}"},
    "export.brief.method": {"id": "Metode dan catatan", "en": "Method and notes"},
    "export.brief.baseline_note": {"id": "Baseline kemiskinan ekstrem: {note}", "en": "Extreme-poverty baseline: {note}"},
    "export.brief.target_note": {"id": "Target UCJ: {note}", "en": "UCJ target: {note}"},
    "export.brief.page": {"id": "Halaman {n}", "en": "Page {n}"},
    "export.brief.own_target": {"id": "target khusus wilayah, pengaturan sesi ini", "en": "the region's own target, set in this session"},
    # --- presentation mode (issue 6)
    "page.present": {"id": "Mode presentasi", "en": "Presentation mode"},
    "present.notice.unknown_slide": {
        "id": "Slide “{value}” tidak ada untuk wilayah ini; menampilkan slide pertama.",
        "en": "Slide “{value}” does not exist for this region; showing the first slide.",
    },
    "present.heading.map": {"id": "{metric}: {level} di {region}", "en": "{metric}: {level} in {region}"},
    "present.heading.figures": {"id": "Angka kunci — {region}", "en": "Key figures — {region}"},
    "present.heading.priority": {"id": "Prioritas: {level} di {region}", "en": "Priorities: {level} in {region}"},
    "present.heading.cost": {"id": "Biaya menutup kesenjangan — {region}", "en": "Cost of closing the gap — {region}"},
    "present.child.of": {"id": "{kind} di {parent} · {n} dari {total}", "en": "{kind} in {parent} · {n} of {total}"},
    "present.child.cost": {
        "id": "Biaya melindungi {n} pekerja rentan yang belum terlindungi: {monthly} per bulan, {yearly} per tahun.",
        "en": "Cost of covering the {n} uncovered vulnerable workers: {monthly} per month, {yearly} per year.",
    },
    "present.title.period": {"id": "Periode data: {period}", "en": "Data period: {period}"},
    "present.title.dataset": {"id": "Dataset: {name}", "en": "Dataset: {name}"},
    "present.title.source": {"id": "Sumber: {source} (per {as_of})", "en": "Source: {source} (as of {as_of})"},
    "present.footer": {"id": "{region} · periode {period} · {dataset}", "en": "{region} · period {period} · {dataset}"},
    "present.target.own": {"id": "target daerah, diatur pada sesi ini", "en": "regional target set in this session"},
    "present.fig.coverage.detail": {
        "id": "Target {target} ({source}); selisih {gap}",
        "en": "Target {target} ({source}); gap {gap}",
    },
    "present.fig.uncovered.detail": {
        "id": "Penduduk bekerja − peserta aktif (orang)",
        "en": "Employed workers − active participants (persons)",
    },
    "present.fig.poverty.detail": {
        "id": "Baseline {baseline} ({source}, {as_of}); {delta}",
        "en": "Baseline {baseline} ({source}, {as_of}); {delta}",
    },
    "present.fig.vulnerable.detail": {
        "id": "{n} pekerja rentan belum terlindungi",
        "en": "{n} vulnerable workers not covered",
    },
    "present.priority.top": {
        "id": "{n} teratas dari {total} menurut aturan prioritas sesi ini (halaman Analisis prioritas).",
        "en": "Top {n} of {total} by this session's priority rule (Priority analysis page).",
    },
    "present.priority.none": {"id": "Tidak ada wilayah untuk diurutkan.", "en": "No regions to rank."},
    "present.cost.group.vulnerable": {"id": "Pekerja rentan belum terlindungi", "en": "Vulnerable workers not covered"},
    "present.cost.group.extreme_poor": {
        "id": "Pekerja miskin ekstrem belum terlindungi",
        "en": "Extreme-poor workers not covered",
    },
    "present.cost.col.group": {"id": "Kelompok", "en": "Group"},
    "present.cost.col.workers": {"id": "Orang", "en": "Persons"},
    "present.cost.col.monthly": {"id": "Per bulan", "en": "Per month"},
    "present.cost.col.yearly": {"id": "Per tahun", "en": "Per year"},
    "present.cost.explain": {
        "id": "Iuran bila pemerintah daerah mendaftarkan semua pekerja yang belum terlindungi pada paket minimum BPU (JKK + JKM).",
        "en": "Contributions if the regional government enrolled every uncovered worker in the minimum BPU package (JKK + JKM).",
    },
    "present.cost.rate": {
        "id": "Iuran {rate} per pekerja per bulan — {source} ({as_of}).",
        "en": "Contribution {rate} per worker per month — {source} ({as_of}).",
    },
    "present.first": {"id": "Awal", "en": "First"},
    "present.prev": {"id": "← Sebelumnya", "en": "← Previous"},
    "present.last": {"id": "Akhir", "en": "Last"},
    "present.next": {"id": "Berikutnya →", "en": "Next →"},
    "present.exit": {"id": "Keluar ke peta (Esc)", "en": "Back to the map (Esc)"},
    "present.children": {"id": "Telusuri wilayah anak satu per satu", "en": "Walk through child regions"},
    "present.keys": {
        "id": "→ / PageDown / Spasi: berikutnya · ← / PageUp: sebelumnya · Home / End: awal / akhir · Esc: kembali ke peta",
        "en": "→ / PageDown / Space: next · ← / PageUp: previous · Home / End: first / last · Esc: back to the map",
    },
    "present.link": {"id": "Tautan slide ini: {url}", "en": "Link to this slide: {url}"},
    # --- errors
    "error.invalid_code": {
        "id": "“{value}” bukan kode wilayah Kemendagri. Gunakan 2, 4, 6 atau 10 digit, dengan atau tanpa titik, mis. 53.03.01.2001 atau 5303012001.",
        "en": "“{value}” is not a Kemendagri region code. Use 2, 4, 6 or 10 digits, dotted or not, e.g. 53.03.01.2001 or 5303012001.",
    },
    "error.unknown_code": {
        "id": "Kode wilayah {value} tidak ada dalam Kepmendagri No 300.2.2-2430 Tahun 2025. Kode terdekat: {suggestions}.",
        "en": "Region code {value} is not in Kepmendagri No 300.2.2-2430 Tahun 2025. Closest codes: {suggestions}.",
    },
    "error.archive_unavailable": {
        "id": "Arsip {filename} tidak ditemukan dan tidak dapat diunduh ({reason}). Unduh {url} lalu simpan di folder {mirror} "
        "(atau folder yang ditunjuk variabel lingkungan UCJ_DATA_MIRROR), kemudian jalankan ulang.",
        "en": "Archive {filename} was not found and could not be downloaded ({reason}). Download {url} and put it in {mirror} "
        "(or in the folder named by the UCJ_DATA_MIRROR environment variable), then run again.",
    },
    "error.boundaries_not_built": {
        "id": "Batas wilayah belum dibangun. Jalankan: python -m ucj_dash build",
        "en": "Boundaries are not built yet. Run: python -m ucj_dash build",
    },
}


def t(key: str, lang: str = DEFAULT_LANG, **params) -> str:
    """Text for ``key`` in ``lang`` (falls back to Indonesian), formatted with ``params``."""
    entry = TEXTS[key]
    text = entry.get(lang) or entry[DEFAULT_LANG]
    return text.format(**params) if params else text
