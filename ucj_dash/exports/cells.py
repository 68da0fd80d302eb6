"""Cells of the spreadsheets the app writes: the one formula-injection guard and the one CSV writer.

Every CSV and XLSX cell written from data (region names, dataset source,
cells copied from an uploaded file into the import report) goes through
:func:`safe_cell`; every CSV goes through :func:`write_csv`.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

#: first characters that make Excel, LibreOffice or Google Sheets read text as a formula (or DDE), or that
#: hide such a start: tab, carriage return, line feed
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
#: a negative number as typed (``-3``, ``-1.234,5``, ``-12,5%``) or a lone ``-`` (no figure): inert, kept as it is
_NEGATIVE_NUMBER = re.compile(r"-[\d.,\s]*%?")
#: control characters no XLSX cell may hold (and no CSV reader expects): dropped
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: the CSV dialect of every file the app writes (see :func:`write_csv`)
CSV_SEPARATOR = ";"
CSV_ENCODING = "utf-8-sig"


def inert_text(text: str) -> str:
    """``text`` as a spreadsheet shows it and never evaluates (the OWASP rule for CSV injection).

    Text starting with ``=``, ``+``, ``-`` or ``@`` (also after leading
    spaces: spreadsheets skip them), or with a tab, carriage return or line
    feed, gets a leading apostrophe. A negative number as typed (``-3``,
    ``-1.234,5``, ``-12,5%``) and a lone ``-`` stay as they are: a number is
    not a formula. Control characters other than tab, CR and LF are dropped
    (an XLSX cell cannot hold them). Empty text stays empty.
    """
    text = _CONTROL.sub("", text)
    if text.startswith(("\t", "\r", "\n")):
        return "'" + text
    start = text.lstrip()
    if start.startswith(FORMULA_START) and not _NEGATIVE_NUMBER.fullmatch(start):
        return "'" + text
    return text


def plain_value(value):
    """``value`` as a plain Python value: None for no data (None, NA, NaT, NaN), bool, int, float, else str."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    return str(value)


def safe_cell(value):
    """A value ready for a CSV or XLSX cell: None (empty) for NaN/None/NA, Python numbers for NumPy ones, text inert.

    Numbers and booleans stay numbers and booleans (a negative number is
    not text and is never prefixed); everything else becomes text through
    :func:`inert_text`. Units: whatever ``value`` is in; nothing is converted.
    """
    value = plain_value(value)
    return inert_text(value) if isinstance(value, str) else value


def _text_column(column: pd.Series, decimal: str) -> list:
    """An object column's cells for :func:`write_csv`: text inert, floats with ``decimal``, NaN/None empty."""
    out = []
    for value in column:
        value = safe_cell(value)
        if isinstance(value, float):
            value = repr(value).replace(".", decimal)
        out.append(value)
    return out


def write_csv(table: pd.DataFrame, lang: str, comments: Iterable[str] = ()) -> bytes:
    """``table`` as the app's one CSV dialect: ``;``-separated, UTF-8 with BOM, decimal comma for ``"id"``.

    The choice: Excel in an Indonesian locale opens a ``;``-separated file
    with decimal commas directly into columns and numbers, and the BOM makes
    it read UTF-8 (names with ``’`` or ``é``). English (``lang="en"``) keeps
    the ``;`` and the BOM but writes decimal points. Thousands are never
    grouped (``1234567,5``). Empty cells are missing values, never 0. Every
    text cell goes through :func:`safe_cell`, numbers stay numbers. Each of
    ``comments`` becomes one ``# …`` line above the header (``;`` in them
    becomes ``,`` and line breaks spaces, so each stays one line in one
    cell); the importer skips such lines and reads this dialect back.
    Lines end with CRLF (RFC 4180).
    """
    decimal = "," if lang == "id" else "."
    out = table.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):  # numbers (and booleans) are written by pandas
            out[col] = _text_column(out[col], decimal)
    buf = io.StringIO()
    for line in comments:
        buf.write("# " + re.sub(r"[\r\n]+", " ", line).replace(CSV_SEPARATOR, ",") + "\r\n")
    header = [inert_text(str(c)) for c in out.columns]
    out.to_csv(buf, sep=CSV_SEPARATOR, decimal=decimal, index=False, header=header, lineterminator="\r\n")
    return buf.getvalue().encode(CSV_ENCODING)


__all__ = ["FORMULA_START", "CSV_SEPARATOR", "CSV_ENCODING", "inert_text", "safe_cell", "write_csv"]
