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
of the pickled report (what a session would hold).

Then the web app's check (:func:`ucj_dash.datasets.worker.check`, in the worker
process) of the files that used to cost minutes and gigabytes, against budgets:

- 50 and 1,000 unknown village codes (their kecamatan, kabupaten or province
  unknown too, in turn): ≤ 1 s;
- a 6 MB XLSX whose sheet unpacks to 271 MB (as the reported 5.9 MB one):
  refused in ≤ 2 s, the server growing by ≤ 100 MB (and the same in process,
  as the command line checks);
- 100,000 bad rows, and a 20 MB file of bad rows: ≤ 30 s and ≤ 500 MB at the
  worker's peak.

"server" is this process (it calls the worker as the data page does); RSS
growth is measured with ``/proc`` (Linux). It reports, it does not assert.

    .venv/bin/python bench/bench_import.py [--runs 3] [--skip-large]
"""

from __future__ import annotations

import argparse
import io
import pickle
import random
import statistics
import sys
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ucj_dash import cli  # noqa: E402
from ucj_dash.datasets import importer, worker  # noqa: E402
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


def unknown_code_lines(reg, n: int) -> list[str]:
    """``n`` rows of distinct unknown village codes with their real names: in turn the village number,
    the kecamatan, the kabupaten and the province made unknown."""
    villages = reg.codes_at(Level.VILLAGE)[:: len(reg.codes_at(Level.VILLAGE)) // n][:n]
    names = reg.table["name"]
    lines = []
    for i, code in enumerate(villages):
        wrong = (code[:-4] + "9" + code[-3:], code[:6] + "9" + code[7:], code[:3] + "9" + code[4:], "9" + code[1:])[i % 4]
        lines.append(f"{wrong};{names[code]};2024-12;5.000;2.500;500;800;200")
    return lines


def bomb_xlsx(rows: int = 1_227_000) -> bytes:
    """An XLSX of one sheet of ``rows`` near-identical rows (no ``r`` references, two random figures a row):
    6.0 MB that unpacks to 271 MB. The sheet XML is written straight into the archive."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER.split(";"))
    template = io.BytesIO()
    book.save(template)
    rng = random.Random(5)
    text = '<c t="inlineStr"><is><t>{}</t></is></c>'
    head = text.format("53.02.05.2001") + text.format("Taebesa") + text.format("2024-12")
    out = io.BytesIO()
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info.filename, src.read(info.filename))
                continue
            start, end = src.read(info.filename).split(b"</sheetData>")
            with dst.open(info.filename, "w", force_zip64=True) as part:
                part.write(start)
                for first in range(0, rows, 10_000):
                    part.write("".join(
                        f"<row>{head}<c><v>{rng.randrange(1000)}</v></c><c><v>{rng.randrange(25)}</v></c>"
                        "<c><v>231</v></c><c><v>388</v></c><c><v>97</v></c></row>" for _ in range(min(10_000, rows - first))
                    ).encode())
                part.write(b"</sheetData>" + end)
    return out.getvalue()


def _status_kb(pid: int | str, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM back to the current RSS


class WorkerPeak(threading.Thread):
    """Polls the worker's peak RSS (MB) while a check runs (the worker may exit right after a big one)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak_mb, self.done = 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.02):
            running = worker._worker
            try:
                if running is not None:
                    self.peak_mb = max(self.peak_mb, _status_kb(running.process.pid, "VmHWM") / 1024)
            except (OSError, ValueError):
                pass


def measured(fn):
    """(result, seconds, this process's RSS growth MB, its peak growth MB, the worker's peak RSS MB) of ``fn()``."""
    _reset_peak()
    before = _status_kb("self", "VmRSS")
    poller = WorkerPeak()
    poller.start()
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    poller.done.set()
    poller.join()
    after, peak = _status_kb("self", "VmRSS"), _status_kb("self", "VmHWM")
    return result, seconds, (after - before) / 1024, (peak - before) / 1024, poller.peak_mb


def verdict(ok: bool) -> str:
    return "within budget" if ok else "OVER BUDGET"


def limits(reg, errors: list[str], skip_large: bool) -> None:
    """The server-side check against the issue's budgets."""
    print("\nServer-side check (worker process) against budgets\n")
    first = as_file(valid_lines(reg, 10) + unknown_code_lines(reg, 4))
    _, s, _, _, worker_peak = measured(lambda: worker.check(first, "first.csv", reg))
    print(f"  first check, fresh worker     {s:6.2f} s (start-up, registry sent, indexes built); "
          f"worker RSS {worker_peak:.0f} MB")
    for n in (50, 1_000):
        data = as_file(unknown_code_lines(reg, n))
        report, s, _, _, _ = measured(lambda data=data: worker.check(data, "unknown.csv", reg))
        unknown = [p for p in report.problems if p.kind.startswith("unknown_code")]
        suggested = sum(p.params["by_code"] != "—" for p in unknown)
        print(f"  {n:>5,} unknown village codes   {s:6.2f} s (budget 1 s: {verdict(s <= 1)}); "
              f"{len(unknown):,} unknown (the others exist), {suggested:,} with closest codes")

    t0 = time.perf_counter()
    bomb = bomb_xlsx()
    unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist())
    print(f"  XLSX bomb: {len(bomb) / 2**20:.1f} MB unpacking to {unpacked / 2**20:.0f} MB "
          f"(made in {time.perf_counter() - t0:.1f} s)")
    for label, fn in (("worker (data page)", lambda data=bomb: worker.check(data, "bomb.xlsx", reg)),
                      ("in process (CLI)", lambda data=bomb: importer.check(data, "bomb.xlsx", reg))):
        report, s, grown, peak, _ = measured(fn)
        ok = s <= 2 and max(grown, peak) <= 100
        print(f"    {label:<19} {s:5.2f} s, server RSS +{grown:.0f} MB (peak +{peak:.0f} MB) "
              f"(budget 2 s, 100 MB: {verdict(ok)}): {[p.kind for p in report.problems]}")
    del bomb

    bad_20mb = []
    while len(as_file(bad_20mb)) < 19.5 * 2**20:
        bad_20mb += errors
    cases = [("100,000 bad rows", as_file(errors))]
    if not skip_large:
        cases.append((f"{len(bad_20mb):,} bad rows", as_file(bad_20mb)[: 20 * 2**20 - 1].rsplit(b"\r\n", 1)[0]))
    for label, data in cases:
        report, s, grown, _, worker_peak = measured(lambda data=data: worker.check(data, "bad.csv", reg))
        ok = s <= 30 and worker_peak <= 500
        print(f"  {label:<21} {len(data) / 2**20:4.1f} MB  {s:6.2f} s, worker peak RSS {worker_peak:.0f} MB, "
              f"server RSS +{grown:.0f} MB (budget 30 s, 500 MB: {verdict(ok)}); {report.error_count:,} errors, "
              f"{[p.kind for p in report.problems if p.kind in ('too_large', 'out_of_memory', 'check_timeout')]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-large", action="store_true", help="leave out the 20 MB file of bad rows")
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
    limits(reg, errors, args.skip_large)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
