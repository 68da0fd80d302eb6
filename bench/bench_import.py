"""Benchmark of the import check: :func:`ucj_dash.datasets.importer.check` on large generated CSV files.

Three files, built in memory from the registry (nothing is written to disk):

- ``valid``: 200,000 village rows (real codes and names, three periods,
  Indonesian thousands separators) that pass every check;
- ``errors``: 100,000 rows, each with one error or warning (unknown code,
  wrong name, bad period, negative, non-numeric, percentage in a count, part
  above its whole, coverage above 100%, duplicate row, …);
- ``mixed``: both in one file (above the 20 MB upload limit, checked with the
  limit lifted).

Prints the median time of N runs, the rows and problems reported, and the size
of the pickled report (what a session would hold). It reports, it does not assert.

    .venv/bin/python bench/bench_import.py [--runs 3]
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ucj_dash import cli  # noqa: E402
from ucj_dash.datasets import importer  # noqa: E402
from ucj_dash.geography.regions import Level  # noqa: E402

HEADER = "kode_wilayah;nama_wilayah;periode;penduduk;penduduk_bekerja;peserta_aktif;pekerja_rentan;pekerja_rentan_terlindungi"
PERIODS = ("2024-10", "2024-11", "2024-12")
VALID_ROWS = 200_000
ERROR_ROWS = 100_000


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def valid_lines(reg, n: int = VALID_ROWS) -> list[str]:
    """``n`` village rows that pass every check: every village in each period in turn."""
    villages = reg.codes_at(Level.VILLAGE)
    names = reg.table["name"]
    lines = []
    for i in range(n):
        code = villages[i % len(villages)]
        period = PERIODS[i // len(villages)]
        pop = 1000 + (i * 37) % 9000
        emp = pop // 2
        act = emp // 5 + i % 7
        vul = emp // 3
        lines.append(f"{code};{names[code]};{period};{_thousands(pop)};{_thousands(emp)};{act};{vul};{vul // 4}")
    return lines


def error_lines(reg, n: int = ERROR_ROWS) -> list[str]:
    """``n`` rows with one problem each, cycling through ten kinds (period 2025-01, so no clash with ``valid``)."""
    villages = reg.codes_at(Level.VILLAGE)
    names = reg.table["name"]
    lines = []
    for i in range(n):
        code = villages[(i // 10) % len(villages)]
        name = names[code]
        cells = [code, name, "2025-01", "5.000", "2.500", "500", "800", "200"]
        kind = i % 10
        if kind == 0:
            cells[0] = code[:-4] + "9999"  # unknown code
        elif kind == 1:
            cells[1] = "Kota Kupang"  # name of another region
        elif kind == 2:
            cells[2] = "2025-13"  # bad period
        elif kind == 3:
            cells[4] = "-12"  # negative
        elif kind == 4:
            cells[5] = "seribu"  # not a number
        elif kind == 5:
            cells[4] = "45%"  # percentage in a count
        elif kind == 6:
            cells[7] = "900"  # part above its whole
        elif kind == 7:
            cells[5] = "3.000"  # coverage above 100% (warning)
        elif kind == 8:
            cells[0] = "53-02-05"  # malformed code
        else:
            cells[2] = "2025-02"  # row of the same village twice: a duplicate from the second on
            cells[0] = villages[0]
            cells[1] = names[villages[0]]
        lines.append(";".join(cells))
    return lines


def as_file(lines: list[str]) -> bytes:
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode("utf-8")


def median_time(fn, runs: int):
    """(median s, worst s, last result) of ``runs`` calls."""
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    reg = cli.registry()
    valid, errors = valid_lines(reg), error_lines(reg)
    files = {
        f"valid ({len(valid):,} rows)": as_file(valid),
        f"errors ({len(errors):,} rows)": as_file(errors),
        f"mixed ({len(valid) + len(errors):,} rows)": as_file(valid + errors),
    }
    importer.check(as_file(valid[:10]), "warm.csv", reg)  # registry lookups built once, as in the app
    print(f"Import check benchmark — median of {args.runs} runs\n")
    for label, data in files.items():
        med, worst, report = median_time(lambda data=data: importer.check(data, "bench.csv", reg, max_bytes=len(data)),
                                         args.runs)
        kept = len(report.problems)
        print(f"  {label:<24} {len(data) / 1e6:5.1f} MB  median {med:6.2f} s  worst {worst:6.2f} s  "
              f"rows {report.rows_read:,}  problems kept {kept:,}  report {len(pickle.dumps(report)) / 1e6:6.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
