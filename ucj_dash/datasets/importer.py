"""Reading and validating a user's CSV/XLSX file of counts, and storing it as a dataset.

:func:`check` reads the bytes of an uploaded file and returns a :class:`Report`:
every problem with its row, column, value, what is wrong and how to fix it
(i18n keys ``import.problem.<kind>`` / ``import.fix.<kind>``), and, when no
row has an error, the tidy figures table of the model (counts in persons,
NaN = no data). :func:`store_import` turns a clean report into a stored
dataset; nothing is written before the whole file passes.

What real Indonesian spreadsheets look like, and is accepted:

- CSV separated by ``;``, ``,``, tab or ``|`` (sniffed), UTF-8 with or without
  BOM, UTF-16 (Excel "Unicode text") or Windows-1252; XLSX (the first sheet
  with a recognisable header; title rows above the header are skipped).
- Numbers in Indonesian or English form: ``1.234.567``, ``1,234,567``,
  ``12,5%``, ``12.5``; the file's decimal mark is sniffed from its
  unambiguous numbers (Indonesian when nothing tells). In count columns a
  single separator followed by exactly three digits is a thousands separator
  (counts are persons: ``12.500`` and ``12,500`` are both 12,500).
- Headers in any case, with extra spaces or units in brackets, in Indonesian
  or English (:data:`ALIASES`); unknown columns are ignored with a warning.
- Region codes dotted or undotted; codes that Excel turned into numbers
  (``5302012001``, ``53.1`` for ``53.10``) are read back as text.
- ``-``, ``–``, ``…`` in a number column mean "no figure" in Indonesian tables: read as
  no data (never 0), with one warning per column.
- Blank rows anywhere are skipped; a total row ("Jumlah", "Total") without a
  code is skipped with a warning (the dashboard sums the regions itself).

A rate may stand in for a count: ``extreme_poverty_rate_pct`` (percent of the
population, 0–100) is converted on import to
``extreme_poor_population = round(rate × population / 100)`` persons, so the
row must give ``population``. Rates are never stored.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import os
import re
import weakref
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ucj_dash.datasets import store
from ucj_dash.datasets.dataset import (
    COLUMNS,
    COUNT_COLUMNS,
    PART_OF,
    PERIOD_RE,
    Dataset,
    DatasetMeta,
    conform,
)
from ucj_dash.errors import InvalidRegionCode, UserError
from ucj_dash.geography.regions import (
    NATION_CODE,
    Level,
    Registry,
    ancestors_of,
    fold_text,
    level_of,
    name_key,
    normalize_code,
)
from ucj_dash.text.i18n import t

#: Largest file accepted (bytes); ``UCJ_MAX_UPLOAD_MB`` overrides it.
MAX_FILE_BYTES = int(float(os.environ.get("UCJ_MAX_UPLOAD_MB", "20")) * 1024 * 1024)
#: Largest number of data rows read (all villages × 8 periods is about 670,000).
MAX_ROWS = 1_000_000
#: Rows scanned for the header row (title rows may sit above it).
HEADER_SCAN_ROWS = 30
#: Unknown codes that get closest-match suggestions (each costs a registry search).
MAX_SUGGESTIONS = 50
#: Relative difference between a given rate and count/population tolerated as rounding.
RATE_TOLERANCE = 0.01

ERROR, WARNING = "error", "warning"
#: rate column -> (count it gives, the count it is a percentage of)
RATE_COLUMNS = {"extreme_poverty_rate_pct": ("extreme_poor_population", "population")}
REQUIRED_COLUMNS = ("region_code", "period", *(c.name for c in COLUMNS if c.required))
#: (part, whole) pairs checked on top of ``PART_OF``: a part above its whole is an error.
EXTRA_PART_OF = (("extreme_poor_population", "population"), ("employed_workers", "population"))
#: Above 100% UCJ coverage is possible in real data (participants counted where they
#: work, workers where they live): a warning, not an error.
WARN_PART_OF = (("active_participants", "employed_workers"),)

# Header aliases, compared after :func:`header_key` (folded, bracketed units dropped).
_ALIAS_LISTS: dict[str, tuple[str, ...]] = {
    "region_code": (
        "region code", "code", "kode", "kode wilayah", "kode kemendagri", "kode wilayah kemendagri", "kode daerah",
        "kd wilayah", "kode desa", "kode kelurahan", "kode desa kelurahan", "kode kecamatan", "kode kabupaten",
        "kode kab", "kode kabupaten kota", "kode kab kota", "kode kota", "kode provinsi", "kode prov",
    ),
    "region_name": (
        "region name", "name", "nama", "nama wilayah", "wilayah", "region", "nama daerah", "nama desa",
        "nama kelurahan", "nama desa kelurahan", "desa kelurahan", "desa", "kelurahan", "nama kecamatan",
        "kecamatan", "nama kabupaten", "nama kabupaten kota", "nama kab kota", "kabupaten kota", "kabupaten",
        "kab kota", "kota", "nama provinsi", "provinsi",
    ),
    "period": ("period", "periode", "periode data", "bulan", "bulan tahun", "tahun bulan", "month"),
    "population": ("penduduk", "jumlah penduduk", "jml penduduk", "populasi", "total population"),
    "employed_workers": (
        "penduduk bekerja", "jumlah penduduk bekerja", "pekerja", "jumlah pekerja", "angkatan kerja bekerja",
        "employed", "employed population",
    ),
    "active_participants": (
        "peserta aktif", "jumlah peserta aktif", "tk aktif", "tenaga kerja aktif", "active participants",
        "active members", "peserta aktif bpjs ketenagakerjaan", "peserta aktif bpjstk",
    ),
    "registered_participants": ("peserta terdaftar", "jumlah peserta terdaftar", "tk terdaftar", "registered"),
    "active_pu": ("pu", "peserta pu", "peserta aktif pu", "penerima upah", "active pu"),
    "active_bpu": ("bpu", "peserta bpu", "peserta aktif bpu", "bukan penerima upah", "active bpu"),
    "active_jakon": ("jakon", "peserta jakon", "peserta aktif jakon", "jasa konstruksi", "active jakon"),
    "vulnerable_workers": ("pekerja rentan", "jumlah pekerja rentan"),
    "vulnerable_covered": ("pekerja rentan terlindungi", "pekerja rentan terdaftar", "rentan terlindungi"),
    "extreme_poor_population": ("penduduk miskin ekstrem", "jumlah penduduk miskin ekstrem", "jumlah miskin ekstrem"),
    "extreme_poor_workers": ("pekerja miskin ekstrem", "jumlah pekerja miskin ekstrem"),
    "extreme_poor_workers_covered": ("pekerja miskin ekstrem terlindungi", "pekerja miskin ekstrem terdaftar"),
    "village_officials": ("kepala perangkat desa", "perangkat desa", "jumlah perangkat desa"),
    "village_officials_enrolled": ("kepala perangkat desa terdaftar", "perangkat desa terdaftar"),
    "extreme_poverty_rate_pct": (
        "extreme poverty rate", "extreme poverty rate pct", "persentase penduduk miskin ekstrem",
        "persentase kemiskinan ekstrem", "persentase miskin ekstrem", "tingkat kemiskinan ekstrem",
        "kemiskinan ekstrem", "p0 ekstrem", "kemiskinan ekstrem persen",
    ),
}
#: Columns ignored without a warning: row numbers and free-text notes.
IGNORED_HEADERS = {"", "no", "nomor", "no urut", "number", "keterangan", "catatan", "note", "notes", "sumber", "source"}
_TOTAL_WORDS = re.compile(r"\b(jumlah|total|grand total|sub ?total)\b")


def header_key(text) -> str:
    """Header as compared with the aliases: folded, units in brackets dropped, ``ekstrim`` → ``ekstrem``."""
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", str(text or ""))
    return re.sub(r"\bekstrim\b", "ekstrem", fold_text(text))


def _build_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for col in COLUMNS:
        for text in (col.name, col.label_id, col.label_en):
            aliases[header_key(text)] = col.name
    for name, texts in _ALIAS_LISTS.items():
        aliases[header_key(name)] = name
        for text in texts:
            aliases[header_key(text)] = name
    return aliases


#: folded header text -> model column (``region_code``, ``region_name``, ``period``, counts, rates)
ALIASES = _build_aliases()


#: count columns whose header says "%" are the matching rate: "Penduduk miskin ekstrem (%)"
_PERCENT_OF = {count: rate for rate, (count, _) in RATE_COLUMNS.items()}
#: cells meaning "no figure" in Indonesian tables (BPS: "-" nil, "…" not available): read as no data
DASHES = {"-", "\u2013", "\u2014", "...", "\u2026"}


def column_of(header) -> str | None:
    """The model column a header names, or None."""
    col = ALIASES.get(header_key(header))
    if col in _PERCENT_OF and re.search(r"%|\bpersen", str(header), re.IGNORECASE):
        return _PERCENT_OF[col]
    return col


class Percent(float):
    """A number that the spreadsheet formats as a percentage (already × 100)."""


# ---------------------------------------------------------------- report


@dataclass
class Problem:
    """One thing wrong with the file; ``row`` is the spreadsheet row (1 = first line), None for the whole file."""

    severity: str
    kind: str
    row: int | None = None
    column: str = ""
    value: str = ""
    params: dict = field(default_factory=dict)

    def problem(self, lang: str) -> str:
        return t(f"import.problem.{self.kind}", lang, **self.params)

    def fix(self, lang: str) -> str:
        return t(f"import.fix.{self.kind}", lang, **self.params)


@dataclass
class Report:
    """The outcome of reading one file: its problems and, when it has no errors, its figures."""

    file_name: str
    sha256: str
    size_bytes: int
    data: bytes = field(default=b"", repr=False)
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0  # data rows in the file (blank rows not counted)
    rows_skipped: int = 0  # rows read but not imported (total rows, rows without figures)
    columns: dict[str, str] = field(default_factory=dict)  # model column -> header as written
    figures: pd.DataFrame | None = None  # the model table; None while the file has errors
    _tables: dict = field(default_factory=dict, repr=False, compare=False)  # tables and CSV per language, built once

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        """True when nothing blocks the import (warnings still need a confirmation)."""
        return not self.errors and self.figures is not None

    @property
    def rows_imported(self) -> int:
        return 0 if self.figures is None else len(self.figures)

    def add(self, severity: str, kind: str, row: int | None = None, column: str = "", value="", **params) -> None:
        self.problems.append(Problem(severity, kind, row, column, _shown(value), params))

    def table(self, lang: str) -> pd.DataFrame:
        """The report as a table with localised headers: severity, row, column, value, problem, fix."""
        key = (lang, len(self.problems))
        if key not in self._tables:
            self._tables[key] = self._table(lang)
        return self._tables[key].copy()

    def _table(self, lang: str) -> pd.DataFrame:
        cols = [t(f"import.col.{k}", lang) for k in ("severity", "row", "column", "value", "problem", "fix")]
        rows = [
            (t(f"import.severity.{p.severity}", lang), p.row, p.column, p.value, p.problem(lang), p.fix(lang))
            for p in sorted(self.problems, key=lambda p: (p.severity != ERROR, p.row or 0))
        ]
        out = pd.DataFrame(rows, columns=cols)
        out[cols[1]] = out[cols[1]].astype("Int64")
        return out

    def to_csv(self, lang: str) -> bytes:
        """The report as CSV: a ``#`` line naming the file, then the table (UTF-8 with BOM, ``;``-separated
        so that Excel in an Indonesian locale opens it)."""
        key = ("csv", lang, len(self.problems))
        if key not in self._tables:
            head = f"# {self.summary(lang)} sha256={self.sha256}\n".replace(";", ",")
            table = self.table(lang)
            for col in table.columns[2:4]:  # cells copied from the file: never let Excel run them as formulas
                table[col] = table[col].map(_inert)
            self._tables[key] = (head + table.to_csv(index=False, sep=";")).encode("utf-8-sig")
        return self._tables[key]

    def summary(self, lang: str) -> str:
        return t(
            "import.summary", lang, file=self.file_name, rows=self.rows_read, imported=self.rows_imported,
            errors=len(self.errors), warnings=len(self.warnings),
        )


def _inert(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet would read it as a formula (CSV injection)."""
    if text and (text[0] in "=+@\t\r" or (text[0] == "-" and not re.fullmatch(r"-[\d.,\s]*%?", text))):
        return "'" + text
    return text


def _shown(value) -> str:
    """A cell value as the report shows it (short; dates as dates, floats without ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float) and not isinstance(value, Percent) and value.is_integer():
        value = int(value)
    if isinstance(value, Percent):
        return f"{float(value):g}%"
    if isinstance(value, (datetime, date)):
        return value.isoformat()[:10]
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


# ---------------------------------------------------------------- reading cells


class _NotATable(Exception):
    def __init__(self, kind: str = "not_a_table"):
        self.kind = kind


@dataclass
class _Sheet:
    name: str
    rows: list[tuple[int, list]]  # (spreadsheet row number, cells)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise _NotATable()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _is_comment(line: str) -> bool:
    return line.lstrip().lstrip('"').startswith("#")


def _sniff_delimiter(lines: list[str]) -> str:
    """The separator that splits the first lines into the most, most consistent columns."""
    best, best_score = ",", (0, 0)
    for delim in (";", ",", "\t", "|"):
        counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        if not counts:
            continue
        widths = pd.Series(counts)
        mode = int(widths.mode().iloc[0])
        score = ((widths == mode).sum() if mode > 1 else 0, mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def _read_csv(data: bytes) -> list[_Sheet]:
    text = _decode(data)
    if sum(ch < " " and ch not in "\r\n\t" for ch in text[:4096]) > 8:
        raise _NotATable()
    sample = [ln for ln in text.splitlines()[:200] if ln.strip() and not _is_comment(ln)][:60]
    delimiter = _sniff_delimiter(sample)
    rows = []
    try:
        for i, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            rows.append((i, record))
            if len(rows) > MAX_ROWS + HEADER_SCAN_ROWS:
                break
    except csv.Error as exc:
        raise _NotATable() from exc
    return [_Sheet("", rows)]


def _xlsx_cell(cell):
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        return Percent(value * 100)
    return value


def _read_xlsx(data: bytes) -> list[_Sheet]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise _NotATable() from exc
    sheets = []
    try:
        for ws in book.worksheets:
            ws.reset_dimensions()  # some writers declare a wrong used range; read every row there is
            rows, blank_run = [], 0
            for i, cells in enumerate(ws.iter_rows(), start=1):
                values = [_xlsx_cell(c) for c in cells]
                row_no = next((c.row for c in cells if getattr(c, "row", None)), i)
                rows.append((row_no, values))
                blank_run = blank_run + 1 if all(v is None or str(v).strip() == "" for v in values) else 0
                if blank_run > 1000 or len(rows) > MAX_ROWS + HEADER_SCAN_ROWS:
                    break  # formatting that reaches row 1,048,576, or a file too long
            sheets.append(_Sheet(ws.title, rows))
    finally:
        book.close()
    return sheets


def read_sheets(data: bytes, file_name: str = "") -> list[_Sheet]:
    """The file as sheets of raw cells (text from CSV; text, numbers, dates from XLSX)."""
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _NotATable("xls_old")
    return _read_csv(data)


# ---------------------------------------------------------------- values


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or (isinstance(value, str) and not value.strip())


_GROUPED = {".": re.compile(r"^\d{1,3}(\.\d{3})+$"), ",": re.compile(r"^\d{1,3}(,\d{3})+$")}
_SCI = re.compile(r"^\d+([.,]\d+)?[eE][+-]?\d+$")


def _clean_number_text(text: str) -> tuple[str, bool, bool]:
    """(digits and separators, is percent, is negative) of a number as typed."""
    s = re.sub(r"[\s\u00a0\u202f']", "", text).replace("\u2212", "-")
    pct = s.endswith("%")
    s = s.rstrip("%")
    neg = False
    if s.startswith("(") and s.endswith(")"):
        s, neg = s[1:-1], True
    if s.startswith(("-", "+")):
        neg, s = s[0] == "-", s[1:]
    return s, pct, neg


def decimal_evidence(text: str) -> str | None:
    """``","`` or ``"."`` when ``text`` shows unambiguously which is its decimal mark, else None."""
    s, _, _ = _clean_number_text(text)
    if "." in s and "," in s:
        return "," if s.rfind(",") > s.rfind(".") else "."
    for sep, other in ((".", ","), (",", ".")):
        if sep in s:
            if s.count(sep) > 1:
                return other  # several: thousands separators
            frac = s.split(sep)[1]
            return sep if len(frac) != 3 else None
    return None


def parse_number(value, decimal: str = ",", count: bool = False) -> tuple[float, bool]:
    """(number, written as a percentage) of a cell; raises ValueError for anything else.

    ``decimal`` is the file's decimal mark. For ``count`` columns a single
    separator followed by exactly three digits is a thousands separator.
    """
    if isinstance(value, str) and value.isdigit():
        return float(value), False
    if isinstance(value, Percent):
        return float(value), True
    if isinstance(value, bool) or isinstance(value, (datetime, date)):
        raise ValueError(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        if not np.isfinite(value):
            raise ValueError(value)
        return float(value), False
    s, pct, neg = _clean_number_text(str(value))
    if _SCI.match(s):
        number = float(s.replace(",", "."))
    elif not re.fullmatch(r"\d[\d.,]*|[.,]\d+", s) or s.endswith((".", ",")):
        raise ValueError(value)
    elif "." in s and "," in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        thousands = "." if dec == "," else ","
        whole, frac = s.rsplit(dec, 1)
        if not _GROUPED[thousands].match(whole) or not frac.isdigit():
            raise ValueError(value)
        number = float(whole.replace(thousands, "") + "." + frac)
    else:
        sep = "." if "." in s else ("," if "," in s else None)
        if sep is None:
            number = float(s)
        elif s.count(sep) > 1:
            if not _GROUPED[sep].match(s):
                raise ValueError(value)
            number = float(s.replace(sep, ""))
        else:
            whole, frac = s.split(sep)
            thousands = len(frac) == 3 and 1 <= len(whole) <= 3 and (count or sep != decimal)
            number = float(whole + frac) if thousands else float((whole or "0") + "." + frac)
    return (-number if neg else number), pct


_MONTHS = {
    "jan": 1, "januari": 1, "january": 1, "feb": 2, "peb": 2, "februari": 2, "pebruari": 2, "february": 2,
    "mar": 3, "maret": 3, "march": 3, "apr": 4, "april": 4, "mei": 5, "may": 5, "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7, "agu": 8, "agt": 8, "agus": 8, "agustus": 8, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "nopember": 11, "november": 11, "des": 12, "desember": 12, "dec": 12, "december": 12,
}


def parse_period(value) -> str | None:
    """``YYYY-MM`` from ``2024-12``, ``2024/12``, ``12/2024``, ``202412``, ``Des 2024``, a date; None otherwise."""
    if isinstance(value, (datetime, date)):
        year, month = value.year, value.month
    else:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        s = str(value).strip().lower()
        if m := re.fullmatch(r"(\d{4})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*\d{1,2})?(?:[ t]\d\d:\d\d(:\d\d)?)?", s):
            year, month = int(m[1]), int(m[2])
        elif m := re.fullmatch(r"(\d{1,2})\s*[-/.]\s*(\d{4})", s):
            year, month = int(m[2]), int(m[1])
        elif m := re.fullmatch(r"(\d{4})(\d{2})", s):
            year, month = int(m[1]), int(m[2])
        elif (m := re.fullmatch(r"([a-z]+)\.?[\s-]*(\d{4})", s)) and m[1] in _MONTHS:
            year, month = int(m[2]), _MONTHS[m[1]]
        else:
            return None
    text = f"{year:04d}-{month:02d}"
    return text if PERIOD_RE.match(text) else None


def code_text(value) -> str:
    """A code cell as text: numbers Excel made of codes back to digits (``53.1`` → ``53.10``)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.2f}"
    return re.sub(r"\s+", "", str(value)).lstrip("'")


def _kind_clash(given: str, registry: Registry, code: str) -> bool:
    """True when the name says Kota and the code is a Kabupaten, or the other way round."""
    if level_of(code) != Level.REGENCY:
        return False
    folded = fold_text(given)
    kind = registry.kind(code)
    return (folded.startswith("kota ") and kind == "kabupaten") or (
        re.match(r"^kab(upaten)? ", folded) is not None and kind == "kota"
    )


# ---------------------------------------------------------------- checking


def _find_header(sheets: list[_Sheet]):
    """(sheet, index of the header row, {cell index: model column}) or None.

    The header row is the first row naming the region code and at least one
    more model column; failing that, the row naming the most model columns.
    ``#`` comment rows above it (the template's explanations) are not counted
    in the :data:`HEADER_SCAN_ROWS` rows scanned.
    """
    fallback = None
    for sheet in sheets:
        scanned = 0
        for i, (_, cells) in enumerate(sheet.rows):
            if cells and isinstance(cells[0], str) and _is_comment(cells[0]):
                continue
            scanned += 1
            if scanned > HEADER_SCAN_ROWS:
                break
            mapping = {j: col for j, c in enumerate(cells) if not _blank(c) and (col := column_of(c))}
            found = set(mapping.values())
            if "region_code" in found and len(found) >= 2:
                return sheet, i, mapping
            if len(found) >= 2 and (fallback is None or len(found) > len(set(fallback[2].values()))):
                fallback = (sheet, i, mapping)
    return fallback


def _file_decimal(rows, numeric_idx: list[int]) -> str:
    votes = {",": 0, ".": 0}
    for _, cells in rows[:5000]:
        for j in numeric_idx:
            if j < len(cells) and isinstance(cells[j], str):
                mark = decimal_evidence(cells[j])
                if mark:
                    votes[mark] += 1
    return "." if votes["."] > votes[","] else ","


def check(data: bytes, file_name: str, registry: Registry, max_bytes: int | None = None) -> Report:
    """Read and validate one file; never raises for anything wrong with the file itself."""
    max_bytes = MAX_FILE_BYTES if max_bytes is None else max_bytes
    report = Report(Path(file_name).name, hashlib.sha256(data).hexdigest(), len(data), data)
    if len(data) > max_bytes:
        report.add(ERROR, "too_large", size=_mb(len(data)), limit=_mb(max_bytes))
        return report
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        report.add(ERROR, "empty")
        return report
    try:
        sheets = read_sheets(data, file_name)
    except _NotATable as exc:
        report.add(ERROR, exc.kind)
        return report
    except UnicodeDecodeError:
        report.add(ERROR, "not_a_table")
        return report
    if all(all(_blank(v) for v in cells) for s in sheets for _, cells in s.rows):
        report.add(ERROR, "empty")
        return report
    found = _find_header(sheets)
    if found is None:
        report.add(ERROR, "not_a_table")
        return report
    sheet, header_idx, mapping = found
    header_row, header_cells = sheet.rows[header_idx]
    _check_columns(report, header_row, header_cells, mapping)
    if report.errors:
        return report
    _check_rows(report, sheet.rows[header_idx + 1 :], header_cells, mapping, registry)
    return report


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}"


def _check_columns(report: Report, header_row: int, header_cells: list, mapping: dict[int, str]) -> None:
    seen: dict[str, int] = {}
    for j, col in mapping.items():
        if col in seen and col != "region_name":
            report.add(
                ERROR, "duplicate_column", header_row, str(header_cells[j]), header_cells[j],
                first=str(header_cells[seen[col]]),
            )
        seen.setdefault(col, j)
        report.columns.setdefault(col, str(header_cells[j]).strip())
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        report.add(ERROR, "missing_columns", header_row, columns=", ".join(missing))
    for j, cell in enumerate(header_cells):
        if j not in mapping and header_key(cell) not in IGNORED_HEADERS:
            report.add(WARNING, "unknown_column", header_row, str(cell).strip(), cell)
    for rate, (count, base) in RATE_COLUMNS.items():
        if rate in seen and base not in seen:
            report.add(ERROR, "rate_needs_base_column", header_row, report.columns[rate], rate=rate, base=base)


_LOOKUPS: "weakref.WeakKeyDictionary[Registry, tuple[dict, dict]]" = weakref.WeakKeyDictionary()


def _lookups(registry: Registry) -> tuple[dict[str, str], dict[str, str]]:
    """(code -> name, code -> kind) of the registry as plain dicts, built once per registry."""
    if registry not in _LOOKUPS:
        codes = registry.table.index.tolist()
        _LOOKUPS[registry] = (
            dict(zip(codes, registry.table["name"].tolist())),
            dict(zip(codes, registry.table["kind"].tolist())),
        )
    return _LOOKUPS[registry]


def _check_rows(report: Report, rows, header_cells: list, mapping: dict[int, str], registry: Registry) -> None:
    by_col: dict[str, list[int]] = {}
    for j, col in mapping.items():
        by_col.setdefault(col, []).append(j)
    header = {col: str(header_cells[js[0]]).strip() for col, js in by_col.items()}
    numeric = [c for c in by_col if c in COUNT_COLUMNS or c in RATE_COLUMNS]
    decimal = _file_decimal(rows, [by_col[c][0] for c in numeric])
    code_j, period_j = by_col["region_code"][0], by_col["period"][0]
    name_js = by_col.get("region_name", [])
    records, first_seen = [], {}
    suggestions = 0
    names_of, kinds_of = _lookups(registry)
    dashes: dict[str, list] = {}  # column -> [first row, cell, count] of "-" cells
    parsed: dict[tuple[str, bool], tuple[float, bool] | None] = {}  # memo of text cells

    def number_of(raw, is_count: bool) -> tuple[float, bool]:
        if not isinstance(raw, str):
            return parse_number(raw, decimal, count=is_count)
        key = (raw, is_count)
        if key not in parsed:
            try:
                parsed[key] = parse_number(raw, decimal, count=is_count)
            except ValueError:
                parsed[key] = None
        if parsed[key] is None:
            raise ValueError(raw)
        return parsed[key]

    for row_no, cells in rows:
        def cell(j):
            return cells[j] if j < len(cells) else None

        if all(_blank(v) for v in cells):
            continue
        report.rows_read += 1
        if report.rows_read > MAX_ROWS:
            report.add(ERROR, "too_many_rows", row_no, limit=MAX_ROWS)
            return
        raw_code = cell(code_j)
        if _blank(raw_code):
            texts = " ".join(fold_text(str(v)) for v in cells if isinstance(v, str))
            if _TOTAL_WORDS.search(texts):
                report.add(WARNING, "total_row", row_no, header["region_code"], "")
            else:
                report.add(ERROR, "missing_code", row_no, header["region_code"], "")
            report.rows_skipped += 1
            continue
        first_problem = len(report.problems)

        # region code and name
        code = None
        try:
            code = normalize_code(code_text(raw_code))
        except InvalidRegionCode:
            kind = "invalid_code_number" if re.search(r"[eE][+-]?\d+$", str(raw_code)) else "invalid_code"
            report.add(ERROR, kind, row_no, header["region_code"], raw_code)
        names = [str(cell(j)).strip() for j in name_js if not _blank(cell(j))]
        if code is not None and code not in names_of:
            by_name = ""
            if suggestions < MAX_SUGGESTIONS:
                suggestions += 1
                by_code = ", ".join(f"{c} {registry.name(c)}" for c in registry.closest_codes(code)) or "—"
                hits = [h for n in names[:1] for h in registry.search(n, limit=20) if h.level == level_of(code)][:3]
                by_name = ", ".join(f"{h.code} {h.name}" for h in hits)
            else:
                by_code = "—"
            bps = level_of(code) == Level.VILLAGE and code.rsplit(".", 1)[1].startswith("0")
            report.add(
                ERROR, "unknown_code_bps" if bps else "unknown_code", row_no, header["region_code"], raw_code,
                by_code=by_code, by_name=by_name or "—",
            )
            code = None
        if code is not None and names and code != NATION_CODE:
            _check_name(report, registry, code, names_of[code], names, row_no, header["region_name"])

        # period
        period = parse_period(cell(period_j)) if not _blank(cell(period_j)) else None
        if period is None:
            report.add(ERROR, "bad_period", row_no, header["period"], cell(period_j))

        # counts and rates
        values: dict[str, float] = {}
        for col in numeric:
            raw = cell(by_col[col][0])
            if _blank(raw):
                continue
            if isinstance(raw, str) and raw.strip() in DASHES:
                dashes.setdefault(col, [row_no, raw, 0])[2] += 1
                continue
            is_count = col in COUNT_COLUMNS
            try:
                number, pct = number_of(raw, is_count)
            except ValueError:
                report.add(ERROR, "non_numeric", row_no, header[col], raw)
                continue
            if is_count:
                if pct:
                    report.add(ERROR, "percent_in_count", row_no, header[col], raw)
                elif number < 0:
                    report.add(ERROR, "negative", row_no, header[col], raw)
                else:
                    if not float(number).is_integer():
                        report.add(WARNING, "not_whole", row_no, header[col], raw, read=f"{number:g}")
                    values[col] = number
            elif not 0 <= number <= 100:
                report.add(ERROR, "rate_range", row_no, header[col], raw)
            else:
                values[col] = number
        for rate, (count, base) in RATE_COLUMNS.items():
            if rate not in values:
                continue
            rate_value = values.pop(rate)
            if base not in values:
                report.add(ERROR, "rate_needs_base", row_no, header[rate], rate_value, base=header.get(base, base))
                continue
            derived = float(round(rate_value * values[base] / 100))
            if count in values:
                if abs(values[count] - derived) > max(1.0, RATE_TOLERANCE * derived):
                    report.add(
                        WARNING, "rate_count_mismatch", row_no, header[rate], rate_value,
                        count=header[count], derived=f"{derived:.0f}", given=f"{values[count]:.0f}",
                    )
            else:
                values[count] = derived
        for part, whole in (*PART_OF, *EXTRA_PART_OF):
            if part in values and whole in values and values[part] > values[whole]:
                severity, kind = (WARNING, "coverage_over_100") if (part, whole) in WARN_PART_OF else (ERROR, "part_exceeds_whole")
                report.add(
                    severity, kind, row_no, header[part], values[part],
                    part=header[part], whole=header[whole], whole_value=f"{values[whole]:.0f}",
                )
        if code is not None and kinds_of[code] == "kelurahan":
            for col in ("village_officials", "village_officials_enrolled"):
                if col in values:
                    report.add(WARNING, "kelurahan_officials", row_no, header[col], values[col])

        row_has_error = any(p.severity == ERROR for p in report.problems[first_problem:])
        if row_has_error or code is None or period is None:
            continue
        key = (code, period)
        if key in first_seen:
            report.add(ERROR, "duplicate_row", row_no, header["region_code"], raw_code, first=first_seen[key], code=code, period=period)
            continue
        first_seen[key] = row_no
        if not values:
            report.add(WARNING, "no_figures", row_no, header["region_code"], raw_code)
            report.rows_skipped += 1
            continue
        records.append({"region_code": code, "period": period, **values, "_row": row_no})

    for col, (row_no, raw, n) in dashes.items():
        report.add(WARNING, "dash_as_missing", row_no, header[col], raw, n=n)
    if report.rows_read == 0:
        report.add(ERROR, "no_rows")
    elif not records and not report.errors:
        report.add(ERROR, "nothing_to_import")
    if report.errors:
        return
    _check_overlap(report, records, header["region_code"])
    figures = pd.DataFrame(records, columns=["region_code", "period", *COUNT_COLUMNS, "_row"]).drop(columns="_row")
    report.figures = conform(figures)


def _check_name(report: Report, registry: Registry, code: str, official: str, names: list[str], row_no: int, column: str) -> None:
    want = name_key(official)
    keys = [name_key(n) for n in names]
    if any(k == want or k.replace(" ", "") == want.replace(" ", "") for k in keys):
        if _kind_clash(names[0], registry, code):
            report.add(ERROR, "name_kind", row_no, column, names[0], official=official, code=code)
        return
    close = max(difflib.SequenceMatcher(None, k.replace(" ", ""), want.replace(" ", "")).ratio() for k in keys)
    if close >= 0.8:
        report.add(WARNING, "name_spelling", row_no, column, names[0], official=official, code=code)
        return
    hits = [h for h in registry.search(names[0], limit=20) if h.level == level_of(code)][:3]
    report.add(
        ERROR, "name_mismatch", row_no, column, names[0], official=official, code=code,
        by_name=", ".join(f"{h.code} {h.name}" for h in hits) or "—",
    )


def _check_overlap(report: Report, records: list[dict], column: str) -> None:
    """Warn where a file gives a region and also regions inside it (the region's own row wins)."""
    given = {(r["region_code"], r["period"]): r["_row"] for r in records}
    flagged = set()
    for code, period in given:
        for anc in ancestors_of(code):
            if (anc, period) in given and (anc, period) not in flagged:
                flagged.add((anc, period))
                report.add(WARNING, "parent_and_children", given[(anc, period)], column, anc, code=anc, period=period)


# ---------------------------------------------------------------- storing

_AS_OF_RE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def valid_as_of(text: str) -> bool:
    """True for ``YYYY-MM`` or ``YYYY-MM-DD`` naming a real month/date."""
    text = (text or "").strip()
    if not _AS_OF_RE.match(text):
        return False
    try:
        datetime.strptime(text if len(text) == 10 else text + "-01", "%Y-%m-%d")
    except ValueError:
        return False
    return True


def store_import(
    report: Report,
    *,
    name: str,
    source: str,
    as_of: str,
    description: str = "",
    dataset_id: str | None = None,
    accept_warnings: bool = False,
) -> Dataset:
    """Store the figures of a clean ``report`` as a new, non-simulated dataset (atomically).

    Raises :class:`UserError` when the report has errors, when it has warnings
    not accepted, when name/source/as-of are missing or malformed, or when the
    id is taken (the same file imported under the same name already). Nothing
    is written in any of these cases.
    """
    if not report.ok:
        raise UserError("import.error.has_errors", n=len(report.errors))
    if report.warnings and not accept_warnings:
        raise UserError("import.error.unconfirmed", n=len(report.warnings))
    name, source, as_of = (name or "").strip(), (source or "").strip(), (as_of or "").strip()
    if not name:
        raise UserError("import.error.no_name")
    if not source:
        raise UserError("import.error.no_source")
    if not valid_as_of(as_of):
        raise UserError("import.error.bad_as_of", value=as_of[:40])
    dataset_id = dataset_id or store.new_id(name, report.sha256)
    store.check_new_id(dataset_id)
    figures = report.figures.sort_values(["period", "region_code"], ignore_index=True)
    levels = sorted({int(level_of(c)) for c in figures["region_code"]})
    prov = store.provenance(
        report.data, report.file_name,
        rows_read=report.rows_read, rows_imported=report.rows_imported, rows_skipped=report.rows_skipped,
        warnings_accepted=len(report.warnings),
        regions=int(figures["region_code"].nunique()), levels=[Level(lv).key for lv in levels],
        periods=sorted(figures["period"].unique().tolist()),
        columns=[c for c in COUNT_COLUMNS if figures[c].notna().any()],
    )
    meta = DatasetMeta(
        id=dataset_id, name=name, source=source, as_of=as_of, simulated=False, description=description.strip(),
        created_at=prov["uploaded_at"], extra=prov,
    )
    dataset = Dataset(meta, figures)
    store.save(dataset, files={store.source_file_name(report.file_name): report.data})
    return dataset
