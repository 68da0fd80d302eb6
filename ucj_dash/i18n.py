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
    "simulated.explain": {
        "id": "Angka pada dasbor ini dibangkitkan untuk demonstrasi dan bukan data resmi BPJS Ketenagakerjaan.",
        "en": "The figures on this dashboard are generated for demonstration and are not official BPJS Ketenagakerjaan data.",
    },
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
    "map.on_map": {"id": "Peta", "en": "Map"},
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
    "kpi.no_data": {"id": "Tidak ada data untuk {region} pada {period}.", "en": "No data for {region} in {period}."},
    # --- table columns
    "col.name": {"id": "Wilayah", "en": "Region"},
    "col.code": {"id": "Kode", "en": "Code"},
    "col.kind": {"id": "Jenis", "en": "Type"},
    "col.value": {"id": "Nilai", "en": "Value"},
    "col.ucj_coverage_pct": {"id": "Cakupan UCJ (%)", "en": "UCJ coverage (%)"},
    "col.vulnerable_coverage_pct": {"id": "Cakupan rentan (%)", "en": "Vulnerable coverage (%)"},
    "col.uncovered_workers": {"id": "Belum terlindungi (orang)", "en": "Uncovered (persons)"},
    "col.extreme_poverty_rate_pct": {"id": "Miskin ekstrem (%)", "en": "Extreme poverty (%)"},
    "col.village_official_coverage_pct": {"id": "Perangkat desa terdaftar (%)", "en": "Village officials enrolled (%)"},
    "col.employed_workers": {"id": "Penduduk bekerja", "en": "Employed workers"},
    "col.active_participants": {"id": "Peserta aktif", "en": "Active participants"},
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
