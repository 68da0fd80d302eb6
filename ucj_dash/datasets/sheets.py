"""Reading the cells of an uploaded CSV or XLSX file, within limits on rows and unpacked size.

:func:`open_table` first refuses what would cost too much to read, from
what can be known without reading it: an XLSX (a zip archive) whose parts
unpack to more than :data:`MAX_UNPACKED_BYTES` or more than
:data:`MAX_COMPRESSION_RATIO` times its size, a CSV of more than
:data:`MAX_CSV_LINES` lines. It returns a :class:`Table` whose sheets are read
row by row, on demand (XLSX with openpyxl's streaming ``read_only`` mode):
the header is looked for in the first rows of each sheet, and only the
sheet holding it is read on, up to :data:`MAX_ROWS` data rows; more is an
error, not a longer wait. Blank rows are left out as they are read.

Cells are text (CSV), or text, numbers, dates, :class:`Percent` and
:class:`Formula` (XLSX). Close the table (``with``) to let go of the
workbook; nothing read is kept anywhere else.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

import numpy as np
import pandas as pd

#: Data rows read below the header at most (all villages × 8 periods is about 670,000).
MAX_ROWS = 1_000_000
#: Rows scanned for the header row, ``#`` comment rows and blank rows not counted (title rows may sit above it).
HEADER_SCAN_ROWS = 30
#: Lines a CSV may have (data rows, then room for the header, comments and blank lines); counted before decoding.
MAX_CSV_LINES = MAX_ROWS + 10_000
#: Total unpacked size of an XLSX's parts read at most (bytes); the sheet XML of 20 MB of figures is well below.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
#: Unpacked size / file size above which an XLSX is refused once it unpacks to more than a tenth of
#: :data:`MAX_UNPACKED_BYTES` (real sheets compress 5–30×; repeated rows made to blow up, far more).
MAX_COMPRESSION_RATIO = 100
#: Distinct texts of a CSV held once each, however many cells repeat them (periods, names, figures).
MAX_SHARED_TEXTS = 200_000
#: Blank rows in a row after which an XLSX sheet is taken to end (formatting that reaches row 1,048,576).
MAX_BLANK_RUN = 1_000


class Unreadable(Exception):
    """The file cannot be read as a table: ``kind`` names the problem (``import.problem.<kind>``)."""

    def __init__(self, kind: str = "not_a_table", row: int | None = None, **params):
        super().__init__(kind)
        self.kind, self.row, self.params = kind, row, params


class Percent(float):
    """A number that the spreadsheet formats as a percentage (already × 100)."""


class Formula(str):
    """A formula cell saved without its value (``=SUM(D2:D9)``): Excel stores values, other programs may not."""


def blank(value) -> bool:
    """True for an empty cell: None, NaN or white space."""
    return value is None or (isinstance(value, float) and np.isnan(value)) or (isinstance(value, str) and not value.strip())


def blank_row(cells: list) -> bool:
    """True for a row of blank cells only."""
    try:  # a CSV row: text only
        return not "".join(cells).strip()
    except TypeError:
        return all(blank(v) for v in cells)


def is_comment(cells: list) -> bool:
    """True for a ``#`` row (the template's explanations above the header)."""
    return bool(cells) and isinstance(cells[0], str) and cells[0].lstrip().lstrip('"').startswith("#")


def mb(n: int) -> str:
    """Bytes as megabytes with one decimal, as the messages show sizes."""
    return f"{n / 1024 / 1024:.1f}"


class Sheet:
    """One sheet: its non-blank rows as (spreadsheet row number, cells), read on demand.

    ``formulas`` lists the (row number, cell index) of the :class:`Formula` cells
    read so far (the reader appends to it).
    """

    def __init__(self, rows: Iterator[tuple[int, list]], formulas: list[tuple[int, int]] | None = None):
        self._rows = rows
        self.formulas = [] if formulas is None else formulas
        self.head: list[tuple[int, list]] = []  # the first rows read
        scanned = 0
        for row in rows:
            self.head.append(row)
            scanned += not is_comment(row[1])
            if scanned >= HEADER_SCAN_ROWS or len(self.head) > MAX_ROWS:
                break

    def rows_below(self, row_no: int) -> list[tuple[int, list]]:
        """The rows below row ``row_no`` (the header), read to the end of the sheet;
        raises :class:`Unreadable` ``too_many_rows`` at the first row past :data:`MAX_ROWS`."""
        rows = [row for row in self.head if row[0] > row_no]
        for row in self._rows:
            if len(rows) == MAX_ROWS:
                raise Unreadable("too_many_rows", row[0], limit=MAX_ROWS)
            rows.append(row)
        return rows


class Table:
    """An opened file: its sheets, in order; a context manager that closes the workbook."""

    def __init__(self, sheets: Iterator[Sheet], close=lambda: None):
        self._sheets, self._close = sheets, close
        self.sheets: list[Sheet] = []  # the sheets opened so far

    def __iter__(self) -> Iterator[Sheet]:
        """The sheets, each opened (its first rows read) when reached."""
        yield from self.sheets
        for sheet in self._sheets:
            self.sheets.append(sheet)
            yield sheet

    def __enter__(self) -> "Table":
        return self

    def __exit__(self, *exc) -> None:
        self._close()


def open_table(data: bytes, file_name: str = "") -> Table:
    """The file as a :class:`Table`; raises :class:`Unreadable` for what cannot or must not be read."""
    if data.startswith(b"PK\x03\x04"):
        return _open_xlsx(data, file_name)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise Unreadable("xls_old")
    return _open_csv(data)


# ---------------------------------------------------------------- CSV


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise Unreadable()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


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


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _open_csv(data: bytes) -> Table:
    lines = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")  # line ends, counted before decoding
    if lines > MAX_CSV_LINES:
        raise Unreadable("too_many_rows", limit=MAX_ROWS)
    try:
        text = _decode(data)
    except UnicodeDecodeError as exc:
        raise Unreadable() from exc
    if sum(ch < " " and ch not in "\r\n\t" for ch in text[:4096]) > 8:
        raise Unreadable()
    sample = []
    for match in _LINE.finditer(text):
        line = match.group().rstrip("\r\n")
        if line.strip() and not is_comment([line]):
            sample.append(line)
        if len(sample) == 60 or match.start() > 1_000_000:
            break
    delimiter = _sniff_delimiter(sample)

    def rows() -> Iterator[tuple[int, list]]:
        records = csv.reader((m.group() for m in _LINE.finditer(text)), delimiter=delimiter)
        shared: dict[str, str] = {}
        share = shared.setdefault  # one object per distinct text: a third of the memory for a typical file
        try:
            for i, record in enumerate(records, start=1):
                if not blank_row(record):
                    yield i, [share(v, v) for v in record]
                    if len(shared) > MAX_SHARED_TEXTS:
                        share = shared.get  # texts all different: the known ones are still shared
        except csv.Error as exc:
            raise Unreadable() from exc

    return Table(iter([Sheet(rows())]))


# ---------------------------------------------------------------- XLSX

#: a formula element in sheet XML (``<f>``, ``<f t="shared" …/>``, ``<x:f>``); ``<formula>`` is something else
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _open_xlsx(data: bytes, file_name: str) -> Table:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise Unreadable() from exc
    ratio = unpacked / len(data)
    if unpacked > MAX_UNPACKED_BYTES or (unpacked > MAX_UNPACKED_BYTES / 10 and ratio > MAX_COMPRESSION_RATIO):
        archive.close()
        raise Unreadable("xlsx_unpacked_too_large", file=file_name, size=mb(len(data)), unpacked=mb(unpacked),
                         ratio=f"{ratio:.0f}", limit=mb(MAX_UNPACKED_BYTES), max_ratio=MAX_COMPRESSION_RATIO)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError:
        archive.close()
        raise
    except Exception as exc:  # a damaged or hostile archive fails in many ways inside openpyxl
        archive.close()
        raise Unreadable() from exc

    def close() -> None:
        book.close()
        archive.close()

    def sheets() -> Iterator[Sheet]:
        for ws in book.worksheets:
            formulas: list[tuple[int, int]] = []
            yield Sheet(_guarded(_xlsx_rows(ws, archive, formulas)), formulas)

    return Table(sheets(), close)


def _guarded(rows: Iterator) -> Iterator:
    """``rows``, anything going wrong while reading them (but MemoryError) raised as :class:`Unreadable`."""
    while True:
        try:
            row = next(rows, None)
        except (Unreadable, MemoryError):
            raise
        except Exception as exc:  # malformed XML, a shared string that is not there, a broken zip stream…
            raise Unreadable() from exc
        if row is None:
            return
        yield row


def _xlsx_cell(cell):
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        return Percent(value * 100)
    return value


def _xlsx_rows(ws, archive: zipfile.ZipFile, formula_cells: list) -> Iterator[tuple[int, list]]:
    """A read-only sheet's non-blank rows; a formula without a stored value is a :class:`Formula` cell,
    whose (row number, cell index) is appended to ``formula_cells``."""
    part = ws._worksheet_path  # openpyxl has no public name for a read-only sheet's part
    formulas = _formulas_without_values(archive, part) if _has_formulas(archive, part) else iter(())
    ws.reset_dimensions()  # some writers declare a wrong used range; read every row there is
    pending = next(formulas, None)
    blank_run = 0
    for i, cells in enumerate(ws.iter_rows(), start=1):
        values = [_xlsx_cell(c) for c in cells]
        row_no = next((c.row for c in cells if getattr(c, "row", None)), i)
        while pending is not None and pending[0] < row_no:
            pending = next(formulas, None)
        if pending is not None and pending[0] == row_no:
            for col, text in pending[1].items():
                if col <= len(values) and values[col - 1] is None:
                    values[col - 1] = Formula(text)
                    formula_cells.append((row_no, col - 1))
        if blank_row(values):
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                return
            continue
        blank_run = 0
        yield row_no, values


def _has_formulas(archive: zipfile.ZipFile, part: str) -> bool:
    """True when the sheet's XML holds a formula (a fast scan of the unpacked bytes)."""
    with archive.open(part) as stream:
        tail = b""
        while chunk := stream.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _formulas_without_values(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[int, dict[int, str]]]:
    """(row number, {column number: ``=formula``}) of each row with formula cells lacking a stored value, in order.

    A stored value is a non-empty ``<v>`` (openpyxl writes an empty one), or an
    empty one in a cell typed as text (``t="str"``: the formula gave "").
    """
    from openpyxl.utils.cell import column_index_from_string

    row_no, col_no, found, sheet_data = 0, 0, {}, None
    with archive.open(part) as stream:
        for event, elem in ElementTree.iterparse(stream, events=("start", "end")):
            tag = elem.tag.rpartition("}")[2]
            if event == "start":
                if tag == "row":
                    row_no, col_no, found = int(elem.get("r") or row_no + 1), 0, {}
                elif tag == "sheetData":
                    sheet_data = elem
            elif tag == "c":
                ref = elem.get("r")
                col_no = column_index_from_string(ref.rstrip("0123456789")) if ref else col_no + 1
                children = {child.tag.rpartition("}")[2]: child for child in elem}
                value = children.get("v")
                if "f" in children and (value is None or not value.text) and elem.get("t") != "str":
                    found[col_no] = "=" + (children["f"].text or "…")
            elif tag == "row":
                if found:
                    yield row_no, found
                sheet_data.clear()  # the rows read are let go
