"""Reading rows out of the MySQL dumps of cahyadsn/wilayah and wilayah_boundaries.

The dumps are ``INSERT ... VALUES (...),(...);`` lists. Strings are single-quoted
with ``''`` for an embedded quote; spacing after commas varies between files.
"""

from __future__ import annotations

import re

_STR = r"'((?:[^']|'')*)'"
_NUM = r"'?(-?\d+(?:\.\d+)?)'?"
_SEP = r"\s*,\s*"

#: ('kode','nama')
CODE_NAME_ROW = re.compile(r"\(\s*" + _STR + _SEP + _STR + r"\s*\)")
#: ('kode','nama',number[,number...]) as in wilayah_penduduk (quoted ints) and wilayah_luas
CODE_NAME_NUMBERS_ROW = re.compile(
    r"\(\s*" + _STR + _SEP + _STR + r"((?:" + _SEP + _NUM + r")+)\s*\)"
)
#: ('kode','nama',lat,lng,'path') as in wilayah_boundaries
BOUNDARY_ROW = re.compile(
    r"\(\s*'([0-9.]+)'" + _SEP + _STR + _SEP + r"(-?[\d.]+)" + _SEP + r"(-?[\d.]+)"
    + _SEP + r"'(\[[^']*\]|)'\s*\)"
)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def unquote(value: str) -> str:
    """Undo SQL quoting of a string literal's body."""
    return value.replace("''", "'").strip()


def values_section(sql: str, table: str) -> str:
    """The text of all ``INSERT INTO <table>`` statements (comments and DDL dropped)."""
    parts = re.split(r"INSERT INTO\s+`?" + re.escape(table) + r"`?\s*\(", sql)
    return "\n".join(parts[1:])


def code_name_rows(sql: str, table: str) -> list[tuple[str, str]]:
    """``(code, name)`` pairs of a code/name table such as ``wilayah``."""
    body = values_section(sql, table)
    return [(code, unquote(name)) for code, name in CODE_NAME_ROW.findall(body)]


def code_number_rows(sql: str, table: str) -> list[tuple[str, str, list[float]]]:
    """``(code, name, [numbers...])`` rows of a table such as ``wilayah_penduduk``."""
    body = values_section(sql, table)
    return [
        (code, unquote(name), [float(x) for x in _NUMBER.findall(nums)])
        for code, name, nums, _ in CODE_NAME_NUMBERS_ROW.findall(body)
    ]


def boundary_rows(sql: str) -> list[tuple[str, str, float, float, str]]:
    """``(code, name, lat, lng, path)`` rows of a wilayah_boundaries dump.

    ``path`` is returned as text: a JSON array of ``[lat, lng]`` pairs nested
    3 deep (one polygon) or 4 deep (a multipolygon), or ``''`` where the dump
    has a row without a boundary.
    """
    return [
        (code, unquote(name), float(lat), float(lng), path)
        for code, name, lat, lng, path in BOUNDARY_ROW.findall(sql)
    ]


def count_row_starts(sql: str) -> int:
    """How many value rows a dump holds, counted loosely (to catch rows the parser missed)."""
    return len(re.findall(r"^\s*\(\s*'", sql, re.M))
