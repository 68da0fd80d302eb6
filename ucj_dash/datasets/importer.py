"""Reading and validating a user's CSV/XLSX file of counts, and storing it as a dataset.

:func:`check` reads the bytes of an uploaded file and returns a :class:`Report`:
every problem with its row, column, value, what is wrong and how to fix it
(i18n keys ``import.problem.<kind>`` / ``import.fix.<kind>``), and, when no
row has an error, the tidy figures table of the model (counts in persons,
NaN = no data). The rows are checked column by column (each check a mask
over whole columns); the report keeps the first :data:`MAX_PROBLEMS_PER_KIND`
problems of each kind and counts all of them. :func:`store_import` turns a
clean report into a stored dataset; nothing is written before the whole file
passes.

Reading the file, and refusing what would cost too much to read (an XLSX
that unpacks to hundreds of MB, more than ``MAX_ROWS`` rows), is
:mod:`~ucj_dash.datasets.sheets`; the closest codes and names suggested for
unknown codes and wrong names come from the indexes of
:mod:`~ucj_dash.datasets.suggest`; the web app runs :func:`check` in a worker
process capped in time and memory (:mod:`~ucj_dash.datasets.worker`).

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
- XLSX formulas are read as the values Excel stored with them; a formula
  saved without a value (by programs other than Excel) is an error where it
  is, never a silently empty cell.

A rate may stand in for a count: ``extreme_poverty_rate_pct`` (percent of the
population, 0–100) is converted on import to
``extreme_poor_population = round(rate × population / 100)`` persons, so the
row must give ``population``. Rates are never stored.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import os
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ucj_dash.datasets import sheets, store, suggest
from ucj_dash.datasets.dataset import (
    COLUMNS,
    COUNT_COLUMNS,
    PART_OF,
    PERIOD_RE,
    DatasetMeta,
    conform,
)
from ucj_dash.datasets.sheets import Percent, Sheet, Table, blank, is_comment, mb
from ucj_dash.errors import InvalidRegionCode, UserError
from ucj_dash.exports.cells import write_csv
from ucj_dash.geography.regions import (
    NATION_CODE,
    Level,
    Registry,
    fold_text,
    level_of,
    name_key,
    normalize_code,
)
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t

#: Largest file accepted (bytes); ``UCJ_MAX_UPLOAD_MB`` overrides it.
MAX_FILE_BYTES = int(float(os.environ.get("UCJ_MAX_UPLOAD_MB", "20")) * 1024 * 1024)
#: Problems of one kind kept in a report (the first ones in row order); more are counted, not kept.
MAX_PROBLEMS_PER_KIND = 1_000
#: Relative difference between a given rate and count/population tolerated as rounding.
RATE_TOLERANCE = 0.01

ERROR, WARNING = "error", "warning"
#: rate column -> (count it gives, the count it is a percentage of)
RATE_COLUMNS = {"extreme_poverty_rate_pct": ("extreme_poor_population", "population")}
REQUIRED_COLUMNS = ("region_code", "period")  # and at least one count (or rate) column
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
    """The outcome of reading one file: its problems and, when it has no errors, its figures.

    ``problems`` keeps at most :data:`MAX_PROBLEMS_PER_KIND` problems of each
    kind (the first ones, in row order); ``counts`` counts every problem found,
    so :attr:`error_count`, :attr:`warning_count` and the summary stay exact
    however many rows are wrong, and a 20 MB file of bad rows stays a report
    of at most a few tens of thousands of problems.
    """

    file_name: str
    sha256: str
    size_bytes: int
    data: bytes = field(default=b"", repr=False)  # the file, kept only when it can be stored (no errors); else b""
    problems: list[Problem] = field(default_factory=list)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (severity, kind) -> problems found, kept or not
    rows_read: int = 0  # data rows in the file (blank rows not counted)
    rows_skipped: int = 0  # rows read but not imported (total rows, rows without figures)
    columns: dict[str, str] = field(default_factory=dict)  # model column -> header as written
    figures: pd.DataFrame | None = None  # the model table; None while the file has errors
    _tables: dict = field(default_factory=dict, repr=False, compare=False)  # tables and CSV per language, built once

    @property
    def errors(self) -> list[Problem]:
        """The errors kept (see :attr:`error_count` for how many there are)."""
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """The warnings kept (see :attr:`warning_count` for how many there are)."""
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def error_count(self) -> int:
        """Errors found, kept or not."""
        return sum(n for (severity, _), n in self.counts.items() if severity == ERROR)

    @property
    def warning_count(self) -> int:
        """Warnings found, kept or not."""
        return sum(n for (severity, _), n in self.counts.items() if severity == WARNING)

    def left_out(self, kind: str) -> int:
        """Problems of ``kind`` found but not kept (0 below :data:`MAX_PROBLEMS_PER_KIND`)."""
        found = sum(n for (_, k), n in self.counts.items() if k == kind)
        return found - sum(p.kind == kind for p in self.problems)

    @property
    def ok(self) -> bool:
        """True when nothing blocks the import (warnings still need a confirmation)."""
        return self.error_count == 0 and self.figures is not None

    @property
    def rows_imported(self) -> int:
        return 0 if self.figures is None else len(self.figures)

    def add(self, severity: str, kind: str, row: int | None = None, column: str = "", value="", **params) -> None:
        """Count one problem; keep it while fewer than :data:`MAX_PROBLEMS_PER_KIND` of its kind are kept."""
        if self._count(severity, kind, 1) < MAX_PROBLEMS_PER_KIND:
            self.problems.append(Problem(severity, kind, row, column, _shown(value), params))

    def _count(self, severity: str, kind: str, n: int) -> int:
        """Count ``n`` more problems of a kind; returns how many were counted before."""
        before = self.counts.get((severity, kind), 0)
        self.counts[(severity, kind)] = before + n
        return before

    def table(self, lang: str) -> pd.DataFrame:
        """The report as a table with localised headers: severity, row, column, value, problem, fix.

        Errors first, then by row. After the last problem kept of a kind with
        problems left out comes a row "… and 98,765 more of this kind".
        """
        key = (lang, len(self.problems))
        if key not in self._tables:
            self._tables[key] = self._table(lang)
        return self._tables[key].copy()

    def _table(self, lang: str) -> pd.DataFrame:
        cols = [t(f"import.col.{k}", lang) for k in ("severity", "row", "column", "value", "problem", "fix")]
        ordered = sorted(self.problems, key=lambda p: (p.severity != ERROR, p.row or 0))
        last = {p.kind: i for i, p in enumerate(ordered)}
        rows = []
        for i, p in enumerate(ordered):
            severity = t(f"import.severity.{p.severity}", lang)
            rows.append((severity, p.row, p.column, p.value, p.problem(lang), p.fix(lang)))
            if last[p.kind] == i and (more := self.left_out(p.kind)):
                text = t("import.more_of_kind", lang, n=fmt.number(more, lang), problem=p.problem(lang))
                rows.append((severity, None, "", "", text, p.fix(lang)))
        out = pd.DataFrame(rows, columns=cols)
        out[cols[1]] = out[cols[1]].astype("Int64")
        return out

    def to_csv(self, lang: str) -> bytes:
        """The report as CSV (:func:`~ucj_dash.exports.cells.write_csv`): a ``#`` line with the summary and
        the file's SHA-256, then :meth:`table`; cells copied from the file never run as formulas."""
        key = ("csv", lang, len(self.problems))
        if key not in self._tables:
            self._tables[key] = write_csv(self.table(lang), lang, [f"{self.summary(lang)} sha256={self.sha256}"])
        return self._tables[key]

    def summary(self, lang: str) -> str:
        """One line: rows read and ready, exact error and warning counts, and how many problems are not listed."""
        text = t(
            "import.summary", lang, file=self.file_name, imported=self.rows_imported,
            rows=t("import.summary.rows", lang, n=self.rows_read),
            errors=t("import.summary.errors", lang, n=self.error_count),
            warnings=t("import.summary.warnings", lang, n=self.warning_count),
        )
        left_out = sum(self.counts.values()) - len(self.problems)
        if left_out:
            text += " " + t(
                "import.summary.left_out", lang, cap=fmt.number(MAX_PROBLEMS_PER_KIND, lang),
                n=fmt.number(left_out, lang), count=left_out,
            )
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


# ---------------------------------------------------------------- values


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


def _find_header(table: Table) -> tuple[Sheet, int, list, dict[int, str]] | None:
    """(sheet, header row number, header cells, {cell index: model column}) or None.

    The header row is the first row naming the region code and at least one
    more model column; failing that, the row naming the most model columns.
    Only the first :data:`~ucj_dash.datasets.sheets.HEADER_SCAN_ROWS` rows of
    each sheet are scanned (blank rows and ``#`` comment rows, the template's
    explanations, not counted), and sheets after the one holding the header
    are never read.
    """
    fallback = None
    for sheet in table:
        for row_no, cells in sheet.head:
            if is_comment(cells):
                continue
            mapping = {j: col for j, c in enumerate(cells) if not blank(c) and (col := column_of(c))}
            found = set(mapping.values())
            if "region_code" in found and len(found) >= 2:
                return sheet, row_no, cells, mapping
            if len(found) >= 2 and (fallback is None or len(found) > len(set(fallback[3].values()))):
                fallback = (sheet, row_no, cells, mapping)
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
    """Read and validate one file; never raises for anything wrong with the file itself.

    A file too large, too long or unpacking to too much is refused before it
    is read (:mod:`~ucj_dash.datasets.sheets`); a check that runs out of
    memory reports it (``out_of_memory``). The report holds the file's bytes
    only when it can be stored (no errors), for :func:`store_import`;
    otherwise its problems and counts are all it keeps.
    """
    max_bytes = MAX_FILE_BYTES if max_bytes is None else max_bytes
    report = Report(Path(file_name).name, hashlib.sha256(data).hexdigest(), len(data))
    if len(data) > max_bytes:
        report.add(ERROR, "too_large", size=mb(len(data)), limit=mb(max_bytes))
        return report
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        report.add(ERROR, "empty")
        return report
    try:
        with sheets.open_table(data, report.file_name) as table:
            _check_table(report, table, registry)
    except sheets.Unreadable as exc:
        report.add(ERROR, exc.kind, exc.row, **exc.params)
    except MemoryError:
        report = Report(report.file_name, report.sha256, report.size_bytes)  # whatever was found is let go
        report.add(ERROR, "out_of_memory", size=mb(len(data)))
    if report.ok:
        report.data = data  # what store_import writes; a report with errors can never be stored
    return report


def _check_table(report: Report, table: Table, registry: Registry) -> None:
    found = _find_header(table)
    if found is None:
        report.add(ERROR, "empty" if not any(sheet.head for sheet in table.sheets) else "not_a_table")
        return
    sheet, header_row, header_cells, mapping = found
    _check_columns(report, header_row, header_cells, mapping)
    if report.errors:
        return
    rows = sheet.rows_below(header_row)
    formulas = [(row_no, j) for row_no, j in sheet.formulas if row_no > header_row and j in mapping]
    _check_rows(report, rows, header_cells, mapping, registry, formulas)


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
    if not any(c in seen for c in (*COUNT_COLUMNS, *RATE_COLUMNS)):
        report.add(ERROR, "no_count_columns", header_row)
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


def _check_rows(report: Report, rows: list, header_cells: list, mapping: dict[int, str], registry: Registry,
                formulas: list[tuple[int, int]]) -> None:
    """Check the data rows (non-blank, ascending) column by column: each check is a mask over whole columns.

    ``formulas`` are the (row number, cell index) of the :class:`Formula` cells
    of the model's columns. A row's problems are listed in the order of
    :data:`_ROW_ORDER`. Figures are kept when no row has an error.
    """
    by_col: dict[str, list[int]] = {}
    for j, col in mapping.items():
        by_col.setdefault(col, []).append(j)
    header = {col: str(header_cells[js[0]]).strip() for col, js in by_col.items()}
    numeric = [c for c in by_col if c in COUNT_COLUMNS or c in RATE_COLUMNS]
    report.rows_read = len(rows)
    if not rows:
        report.add(ERROR, "no_rows")
        return
    checked = _Rows(rows, by_col, header, registry)
    formula_text = checked.take_formulas(formulas)
    decimal = _file_decimal(rows, [by_col[c][0] for c in numeric])
    has_code, total = _check_blank_codes(checked, report, formula_text)
    _check_formulas(checked, formula_text, total, header_cells)
    codes = _check_codes(checked, has_code)
    _check_names(checked, codes)
    periods = _check_periods(checked, has_code)
    values, dashes = _check_numbers(checked, has_code, numeric, decimal)
    _check_rates(checked, values)
    _check_parts(checked, values)
    _check_officials(checked, codes, values)
    usable = (codes != "") & (periods != "") & ~checked.error_rows()
    usable &= ~_check_duplicates(checked, codes, periods, usable)
    given = np.logical_or.reduce([~np.isnan(v) for v in values.values()]) if values else np.zeros(len(codes), bool)
    checked.add(WARNING, "no_figures", usable & ~given, header["region_code"], checked.raw_code)
    report.rows_skipped += int((usable & ~given).sum())
    records = usable & given
    checked.report_to(report)
    for first, _, col, raw, n in sorted(dashes):  # by first row, then column
        report.add(WARNING, "dash_as_missing", int(checked.row_nos[first]), header[col], raw, n=n)
    if not records.any() and not report.error_count:
        report.add(ERROR, "nothing_to_import")
    if report.error_count:
        return
    _check_overlap(report, codes[records], periods[records], checked.row_nos[records], header["region_code"])
    figures = pd.DataFrame({"region_code": codes[records], "period": periods[records],
                            **{c: v[records] for c, v in values.items()}})
    report.figures = conform(figures)


#: The order of the checks within a row: a row's problems are listed in this order.
_ROW_ORDER = {
    kind: step
    for step, kinds in enumerate((
        ("total_row", "missing_code"),
        ("formula_without_value",),
        ("invalid_code", "invalid_code_number"),
        ("unknown_code", "unknown_code_bps"),
        ("name_kind", "name_spelling", "name_mismatch"),
        ("bad_period",),
        ("non_numeric", "percent_in_count", "negative", "not_whole", "rate_range"),
        ("rate_needs_base", "rate_count_mismatch"),
        ("part_exceeds_whole", "coverage_over_100"),
        ("kelurahan_officials",),
        ("duplicate_row",),
        ("no_figures",),
    ))
    for kind in kinds
}
_SCI_CODE = re.compile(r"[eE][+-]?\d+$")


class _Column:
    """One column of the rows, factorised: each distinct cell is read once and the result spread over the rows."""

    def __init__(self, values: np.ndarray):
        self.values = values  # one cell per row (object; None where the row is short)
        if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
            self._codes, self.distinct = pd.factorize(values)
        else:  # XLSX cells: 1, 1.0, True and Percent(1) compare equal and must stay apart
            keys = np.empty(len(values), dtype=object)
            keys[:] = [None if v is None else (type(v), v) for v in values]
            self._codes, typed = pd.factorize(keys)
            self.distinct = np.empty(len(typed), dtype=object)
            self.distinct[:] = [k[1] for k in typed]

    def spread(self, per_distinct: list, missing, dtype=object) -> np.ndarray:
        """One value per row from one value per distinct cell (``missing`` where the cell is absent)."""
        out = np.empty(len(self.distinct) + 1, dtype=dtype)
        out[:-1] = per_distinct
        out[-1] = missing  # factorize marks absent cells -1: the last element
        return out[self._codes]

    def map(self, fn, missing, dtype=object) -> np.ndarray:
        """``fn`` of each row's cell, called once per distinct cell (``missing`` where the cell is absent)."""
        return self.spread([fn(v) for v in self.distinct], missing, dtype)


@dataclass
class _Found:
    """The rows with one kind of problem in one column; value and params are made only for problems kept."""

    severity: str
    kind: str
    rows: np.ndarray  # positions among the rows checked, ascending
    column: str
    value: Callable[[int], object]  # row position -> the value shown
    params: Callable[[int], dict]  # row position -> the message's parameters
    sub: int = 0  # order among problems of the same step in a row (the column's place)


class _Rows:
    """The non-blank data rows under check: their cells by column and the problems found so far."""

    def __init__(self, data_rows: list, by_col: dict[str, list[int]], header: dict[str, str], registry: Registry):
        self.cells = [cells for _, cells in data_rows]
        self.row_nos = np.array([row_no for row_no, _ in data_rows], dtype=np.int64)
        self.by_col, self.header, self.registry = by_col, header, registry
        self.found: list[_Found] = []
        self._columns: dict[int, _Column] = {}

    def column(self, j: int) -> _Column:
        """Cell ``j`` of every row."""
        if j not in self._columns:
            values = np.empty(len(self.cells), dtype=object)
            values[:] = [cells[j] if j < len(cells) else None for cells in self.cells]
            self._columns[j] = _Column(values)
        return self._columns[j]

    def take_formulas(self, formulas: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
        """{(row position, cell index): formula} of the given (row number, cell index) cells,
        which read as empty from now on."""
        at = np.searchsorted(self.row_nos, [row_no for row_no, _ in formulas])
        taken = {}
        for i, (_, j) in zip(at.tolist(), formulas):
            taken[(i, j)] = str(self.cells[i][j])
            self.cells[i][j] = None
        return taken

    def first(self, col: str) -> _Column:
        """The (first) column holding model column ``col``."""
        return self.column(self.by_col[col][0])

    def raw_code(self, i: int):
        return self.first("region_code").values[i]

    def names(self, i: int) -> list[str]:
        """The region names row ``i`` gives (one per name column, blanks left out)."""
        cells = self.cells[i]
        return [str(cells[j]).strip() for j in self.by_col.get("region_name", []) if j < len(cells) and not blank(cells[j])]

    def add(self, severity: str, kind: str, mask: np.ndarray, column: str, value=lambda i: "", params=lambda i: {},
            sub: int = 0) -> None:
        """Record ``kind`` for the rows of a boolean ``mask``; ``value`` and ``params`` map a row position."""
        rows = np.flatnonzero(mask)
        if len(rows):
            self.found.append(_Found(severity, kind, rows, column, value, params, sub))

    def error_rows(self) -> np.ndarray:
        """Boolean mask of the rows with an error found so far."""
        mask = np.zeros(len(self.cells), dtype=bool)
        for found in self.found:
            if found.severity == ERROR:
                mask[found.rows] = True
        return mask

    def report_to(self, report: Report) -> None:
        """Count every problem found; keep the first :data:`MAX_PROBLEMS_PER_KIND` of each kind, in row order."""
        by_kind: dict[tuple[str, str], list[_Found]] = {}
        for found in self.found:
            by_kind.setdefault((found.severity, found.kind), []).append(found)
        picked = []
        for (severity, kind), group in by_kind.items():
            room = max(MAX_PROBLEMS_PER_KIND - report._count(severity, kind, sum(len(f.rows) for f in group)), 0)
            first = sorted(((int(i), f.sub, f) for f in group for i in f.rows[:room]), key=lambda x: x[:2])[:room]
            picked += [(i, _ROW_ORDER[kind], sub, f) for i, sub, f in first]
        for i, _, _, f in sorted(picked, key=lambda x: x[:3]):
            report.problems.append(Problem(f.severity, f.kind, int(self.row_nos[i]), f.column, _shown(f.value(i)), f.params(i)))


def _is_total_row(cells: list) -> bool:
    return _TOTAL_WORDS.search(" ".join(fold_text(str(v)) for v in cells if isinstance(v, str))) is not None


def _check_blank_codes(rows: _Rows, report: Report,
                       formulas: dict[tuple[int, int], str]) -> tuple[np.ndarray, np.ndarray]:
    """total_row, missing_code: rows without a code (skipped); returns the masks of rows with a code and of total rows.

    A code cell holding a formula without a value is reported as that, not as a missing code.
    """
    no_code = rows.first("region_code").map(blank, True, bool)
    at = np.flatnonzero(no_code)
    total = np.zeros(len(no_code), dtype=bool)
    total[at] = [_is_total_row(rows.cells[i]) for i in at]
    code_formula = np.zeros(len(no_code), dtype=bool)
    code_formula[[i for i, j in formulas if j == rows.by_col["region_code"][0]]] = True
    rows.add(WARNING, "total_row", total, rows.header["region_code"])
    rows.add(ERROR, "missing_code", no_code & ~total & ~code_formula, rows.header["region_code"])
    report.rows_skipped += len(at)
    return ~no_code, total


def _check_formulas(rows: _Rows, formulas: dict[tuple[int, int], str], total: np.ndarray, header_cells: list) -> None:
    """formula_without_value: a formula cell saved without its value (read as empty), outside total rows."""
    for j in sorted({j for _, j in formulas}):
        mask = np.zeros(len(rows.cells), dtype=bool)
        mask[[i for i, k in formulas if k == j]] = True
        rows.add(ERROR, "formula_without_value", mask & ~total, str(header_cells[j]).strip(),
                 lambda i, j=j: formulas[(i, j)], sub=j)


def _canonical_code(value) -> str:
    """The canonical code of a cell, or "" when it is not a Kemendagri code."""
    try:
        return normalize_code(code_text(value))
    except InvalidRegionCode:
        return ""


def _check_codes(rows: _Rows, has_code: np.ndarray) -> np.ndarray:
    """invalid_code, invalid_code_number, unknown_code, unknown_code_bps; returns each row's known code or ""."""
    raw, column, registry = rows.first("region_code"), rows.header["region_code"], rows.registry
    canonical = raw.map(_canonical_code, "")
    malformed = has_code & (canonical == "")
    sci = raw.map(lambda v: _SCI_CODE.search(str(v)) is not None, False, bool)
    rows.add(ERROR, "invalid_code_number", malformed & sci, column, rows.raw_code)
    rows.add(ERROR, "invalid_code", malformed & ~sci, column, rows.raw_code)
    names_of, _ = _lookups(registry)
    by_code = _Column(canonical)
    known = by_code.map(lambda c: c in names_of, False, bool)
    unknown = has_code & ~malformed & ~known
    bps = np.zeros(len(unknown), dtype=bool)  # a village code whose own part starts with 0: BPS numbering
    bps[unknown] = [level_of(c) == Level.VILLAGE and c.rsplit(".", 1)[1].startswith("0") for c in canonical[unknown]]
    suggester = suggest.for_registry(registry)

    def params(i: int) -> dict:  # made for the problems kept only: at most MAX_PROBLEMS_PER_KIND per kind
        code, names = canonical[i], rows.names(i)
        by_name = suggester.names_like(names[0], level_of(code)) if names else ()
        return dict(by_code=_listed(suggester.closest_codes(code), names_of), by_name=_listed(by_name, names_of))

    rows.add(ERROR, "unknown_code_bps", unknown & bps, column, rows.raw_code, params)
    rows.add(ERROR, "unknown_code", unknown & ~bps, column, rows.raw_code, params)
    return np.where(known, canonical, "")


def _listed(codes: tuple[str, ...], names_of: dict[str, str]) -> str:
    """Codes with their names, as suggestions show them ("—" for none)."""
    return ", ".join(f"{c} {names_of[c]}" for c in codes) or "—"


def _name_text(value) -> str:
    return "" if blank(value) else str(value).strip()


def _check_names(rows: _Rows, codes: np.ndarray) -> None:
    """name_kind, name_spelling, name_mismatch: a region name that does not match its (known) code.

    A name written exactly as the registry's passes at once (a kabupaten/kota
    row is still checked for a Kota/Kabupaten mix-up); other names are
    compared folded, then by similarity.
    """
    if "region_name" not in rows.by_col:
        return
    registry, column = rows.registry, rows.header["region_name"]
    names_of, _ = _lookups(registry)
    by_code = _Column(codes)
    official = by_code.map(names_of.get, None)
    regency = by_code.map(lambda c: c.count(".") == 1, False, bool)  # kabupaten/kota codes: 53.02
    given = [rows.column(j).map(_name_text, "") for j in rows.by_col["region_name"]]
    named = np.logical_or.reduce([g != "" for g in given])
    exact = np.logical_or.reduce([g == official for g in given])
    candidates = (codes != "") & (codes != NATION_CODE) & named
    kind = np.full(len(codes), "", dtype=object)
    key = functools.lru_cache(maxsize=None)(name_key)
    for i in np.flatnonzero(candidates & exact & regency):
        if _kind_clash(rows.names(i)[0], registry, codes[i]):
            kind[i] = "name_kind"
    for i in np.flatnonzero(candidates & ~exact):
        kind[i] = _name_problem(rows.names(i), official[i], codes[i], registry, key)
    suggester = suggest.for_registry(registry)

    def first_name(i: int) -> str:
        return rows.names(i)[0]

    def params(i: int) -> dict:
        return dict(official=official[i], code=codes[i])

    def mismatch_params(i: int) -> dict:
        by_name = _listed(suggester.names_like(first_name(i), level_of(codes[i])), names_of)
        return dict(official=official[i], code=codes[i], by_name=by_name)

    rows.add(ERROR, "name_kind", kind == "name_kind", column, first_name, params)
    rows.add(WARNING, "name_spelling", kind == "name_spelling", column, first_name, params)
    rows.add(ERROR, "name_mismatch", kind == "name_mismatch", column, first_name, mismatch_params)


def _name_problem(names: list[str], official: str, code: str, registry: Registry, key) -> str:
    """"" when one of ``names`` is ``official`` (folded), else "name_kind", "name_spelling" or "name_mismatch"."""
    want = key(official)
    keys = [key(n) for n in names]
    if any(k == want or k.replace(" ", "") == want.replace(" ", "") for k in keys):
        return "name_kind" if _kind_clash(names[0], registry, code) else ""
    close = max(difflib.SequenceMatcher(None, k.replace(" ", ""), want.replace(" ", "")).ratio() for k in keys)
    return "name_spelling" if close >= 0.8 else "name_mismatch"


def _check_periods(rows: _Rows, has_code: np.ndarray) -> np.ndarray:
    """bad_period: an empty or unreadable period; returns each row's ``YYYY-MM`` or ""."""
    raw = rows.first("period")
    periods = raw.map(lambda v: "" if blank(v) else parse_period(v) or "", "")
    rows.add(ERROR, "bad_period", has_code & (periods == ""), rows.header["period"], lambda i: raw.values[i])
    return periods


def _is_dash(value) -> bool:
    return isinstance(value, str) and value.strip() in DASHES


def _read_number(value, decimal: str, count: bool) -> tuple[float, bool] | None:
    try:
        return parse_number(value, decimal, count=count)
    except ValueError:
        return None


def _check_numbers(rows: _Rows, has_code: np.ndarray, numeric: list[str], decimal: str) -> tuple[dict, list]:
    """non_numeric, percent_in_count, negative, not_whole, rate_range; "-" cells counted as no data.

    Returns ({column: number per row, NaN = no usable figure}, dash cells as
    [(first row position, column place, column, first cell, number of cells)]).
    """
    values, dashes = {}, []
    for sub, col in enumerate(numeric):
        raw, column, is_count = rows.first(col), rows.header[col], col in COUNT_COLUMNS
        dash = has_code & raw.map(_is_dash, False, bool)
        if dash.any():
            first = int(np.argmax(dash))
            dashes.append((first, sub, col, raw.values[first], int(dash.sum())))
        given = has_code & ~dash & ~raw.map(blank, True, bool)
        parsed = [_read_number(v, decimal, is_count) for v in raw.distinct]
        number = raw.spread([np.nan if p is None else p[0] for p in parsed], np.nan, float)
        percent = raw.spread([p is not None and p[1] for p in parsed], False, bool)
        unread = given & raw.spread([p is None for p in parsed], True, bool)
        read = given & ~unread
        cell = raw.values.__getitem__
        rows.add(ERROR, "non_numeric", unread, column, cell, sub=sub)
        if is_count:
            rows.add(ERROR, "percent_in_count", read & percent, column, cell, sub=sub)
            rows.add(ERROR, "negative", read & ~percent & (number < 0), column, cell, sub=sub)
            good = read & ~percent & (number >= 0)
            fraction = good & (np.where(good, number, 0) % 1 != 0)
            rows.add(WARNING, "not_whole", fraction, column, cell, lambda i, n=number: dict(read=f"{n[i]:g}"), sub=sub)
        else:
            good = read & (number >= 0) & (number <= 100)
            rows.add(ERROR, "rate_range", read & ~good, column, cell, sub=sub)
        values[col] = np.where(good, number, np.nan)
    return values, dashes


def _check_rates(rows: _Rows, values: dict[str, np.ndarray]) -> None:
    """rate_needs_base, rate_count_mismatch; turns each rate into its count (the count given wins); drops rates."""
    for sub, (rate, (count, base)) in enumerate(RATE_COLUMNS.items()):
        if rate not in values:
            continue
        given = values.pop(rate)
        whole = values.get(base, np.full(len(given), np.nan))
        has_rate = ~np.isnan(given)
        derived = np.round(given * whole / 100)
        with_base = has_rate & ~np.isnan(whole)
        stated = values.get(count, np.full(len(given), np.nan))
        column, shown = rows.header[rate], given.__getitem__
        base_name, count_name = rows.header.get(base, base), rows.header.get(count, count)
        rows.add(ERROR, "rate_needs_base", has_rate & np.isnan(whole), column, shown,
                 lambda i, base_name=base_name: dict(base=base_name), sub)
        both = with_base & ~np.isnan(stated)
        apart = both & (np.abs(np.where(both, stated - derived, 0)) > np.maximum(1.0, RATE_TOLERANCE * derived))

        def mismatch(i: int, count_name=count_name, derived=derived, stated=stated) -> dict:
            return dict(count=count_name, derived=f"{derived[i]:.0f}", given=f"{stated[i]:.0f}")

        rows.add(WARNING, "rate_count_mismatch", apart, column, shown, mismatch, sub)
        values[count] = np.where(with_base & np.isnan(stated), derived, stated)


def _check_parts(rows: _Rows, values: dict[str, np.ndarray]) -> None:
    """part_exceeds_whole (coverage_over_100 for participants above workers): a part above its whole."""
    for sub, (part, whole) in enumerate((*PART_OF, *EXTRA_PART_OF)):
        if part not in values or whole not in values:
            continue
        over = values[part] > values[whole]  # False where either is missing
        names = dict(part=rows.header.get(part, part), whole=rows.header.get(whole, whole))

        def params(i: int, whole=values[whole], names=names) -> dict:
            return dict(names, whole_value=f"{whole[i]:.0f}")

        if (part, whole) in WARN_PART_OF:
            rows.add(WARNING, "coverage_over_100", over, names["part"], values[part].__getitem__, params, sub)
        else:
            rows.add(ERROR, "part_exceeds_whole", over, names["part"], values[part].__getitem__, params, sub)


def _check_officials(rows: _Rows, codes: np.ndarray, values: dict[str, np.ndarray]) -> None:
    """kelurahan_officials: village officials given for a kelurahan (it has none)."""
    _, kinds_of = _lookups(rows.registry)
    kelurahan = _Column(codes).map(lambda c: kinds_of.get(c) == "kelurahan", False, bool)
    for sub, col in enumerate(("village_officials", "village_officials_enrolled")):
        if col in values:
            rows.add(WARNING, "kelurahan_officials", kelurahan & ~np.isnan(values[col]), rows.header[col],
                     values[col].__getitem__, sub=sub)


def _check_duplicates(rows: _Rows, codes: np.ndarray, periods: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """duplicate_row: a region and period given again by a row without errors; returns the mask of repeats."""
    at = np.flatnonzero(usable)
    keys = pd.DataFrame({"code": codes[at], "period": periods[at], "at": at})
    again = np.zeros(len(codes), dtype=bool)
    again[at[keys.duplicated(["code", "period"]).to_numpy()]] = True
    first = np.zeros(len(codes), dtype=np.int64)
    first[at] = keys.groupby(["code", "period"], sort=False)["at"].transform("min").to_numpy()
    rows.add(ERROR, "duplicate_row", again, rows.header["region_code"], rows.raw_code,
             lambda i: dict(first=int(rows.row_nos[first[i]]), code=codes[i], period=periods[i]))
    return again


def _check_overlap(report: Report, codes: np.ndarray, periods: np.ndarray, row_nos: np.ndarray, column: str) -> None:
    """parent_and_children: a file giving a region and also regions inside it (the region's own row wins).

    ``codes``, ``periods`` and ``row_nos`` describe the rows imported, one (code, period) each.
    """
    given = pd.Index(codes + "|" + periods, dtype=object)
    deeper = np.array([len(c) for c in codes]) * (codes != NATION_CODE)  # 0 for the nation: nothing above it
    hits = []
    for depth, cut in enumerate((0, 2, 5, 8)):  # the nation, province, regency and district above each row
        ancestor = np.full(len(codes), NATION_CODE, dtype=object) if cut == 0 else np.array([c[:cut] for c in codes], dtype=object)
        at = given.get_indexer(ancestor + "|" + periods)
        hit = np.flatnonzero((deeper > cut) & (at >= 0))
        hits.append(pd.DataFrame({"child": hit, "depth": depth, "at": at[hit]}))
    found = pd.concat(hits).sort_values(["child", "depth"], kind="stable").drop_duplicates("at")
    for at in found["at"]:
        report.add(WARNING, "parent_and_children", int(row_nos[at]), column, codes[at], code=codes[at], period=periods[at])


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
    name: str = "",
    source: str = "",
    as_of: str,
    description: str = "",
    dataset_id: str | None = None,
    append_to: str | None = None,
    accept_warnings: bool = False,
) -> store.Dataset:
    """Store the figures of a clean ``report``: as a new, non-simulated dataset, or with ``append_to``
    as a new version of that stored dataset (its periods added; a period it has already is replaced,
    the previous version kept). Writes are atomic.

    Raises :class:`UserError` when the report has errors, when it has warnings
    not accepted, when name/source (new dataset) or as-of are missing or malformed,
    when the id is taken (the same file imported under the same name already), or
    when ``append_to`` is not a stored dataset or a built-in one. Nothing is written then.
    """
    if not report.ok:
        raise UserError("import.error.has_errors", n=report.error_count)
    if report.warnings and not accept_warnings:
        raise UserError("import.error.unconfirmed", n=report.warning_count)
    name, source, as_of = (name or "").strip(), (source or "").strip(), (as_of or "").strip()
    if not valid_as_of(as_of):
        raise UserError("import.error.bad_as_of", value=as_of[:40])
    figures = report.figures.sort_values(["period", "region_code"], ignore_index=True)
    levels = sorted({int(level_of(c)) for c in figures["region_code"]})
    prov = store.provenance(
        report.data, report.file_name,
        rows_read=report.rows_read, rows_imported=report.rows_imported, rows_skipped=report.rows_skipped,
        warnings_accepted=report.warning_count,
        regions=int(figures["region_code"].nunique()), levels=[Level(lv).key for lv in levels],
        periods=sorted(figures["period"].unique().tolist()),
        columns=[c for c in COUNT_COLUMNS if figures[c].notna().any()],
        as_of=as_of,
    )
    files = {store.source_file_name(report.file_name): report.data}
    if append_to is not None:
        if store.is_demo(append_to or ""):
            raise UserError("import.error.append_demo")
        store.require(append_to)
        return store.append(append_to, figures, as_of, files=files, upload=prov)
    if not name:
        raise UserError("import.error.no_name")
    if not source:
        raise UserError("import.error.no_source")
    dataset_id = dataset_id or store.new_id(name, report.sha256)
    store.check_new_id(dataset_id)  # early, for a clear message before the work; checked again under the lock
    meta = DatasetMeta(
        id=dataset_id, name=name, source=source, as_of=as_of, simulated=False, description=description.strip(),
        created_at=prov["uploaded_at"], extra=prov,
    )
    return store.save_new(meta, figures, files=files, upload=prov)
