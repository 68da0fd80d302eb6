"""Benchmark of the exports: map PNG (A4 width, 300 dpi), PDF brief and XLSX workbook, median of N runs.

Worst cases are picked from the registry: the province with the most
kabupaten/kota, the kabupaten with the most kecamatan, the kecamatan with the
most villages, a kecamatan of the kabupaten with the most villages (its
village file is the largest read), plus every kabupaten of the nation on one
map as a stress case. Prints each figure next to the budget (PNG ≤ 3 s,
PDF ≤ 6 s); it reports, it does not assert (a missed budget still exits 0).

    .venv/bin/python bench/bench_export.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ucj_dash import cli  # noqa: E402
from ucj_dash.exports import workbook  # noqa: E402
from ucj_dash.analysis.settings import Settings  # noqa: E402
from ucj_dash.datasets import composition, figures
from ucj_dash.exports import brief, mapimage
from ucj_dash.geography.regions import NATION_CODE, Level  # noqa: E402

BUDGET_S = {"png": 3.0, "pdf": 6.0, "xlsx": 6.0}


def median_time(fn, runs: int) -> tuple[float, float, int]:
    """(median s, worst s, bytes) of ``runs`` calls."""
    times, size = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        size = len(fn())
        times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times), size


def worst_cases(reg) -> dict[str, str]:
    table = reg.table
    kids = table[table["parent"] != ""].groupby("parent").size()
    level = table["level"]
    provinces = kids[kids.index.isin(table.index[level == int(Level.PROVINCE)])]
    regencies = kids[kids.index.isin(table.index[level == int(Level.REGENCY)])]
    districts = kids[kids.index.isin(table.index[level == int(Level.DISTRICT)])]
    villages_per_kab = table.index[level == int(Level.VILLAGE)].str[:5].value_counts()
    big_kab = villages_per_kab.index[0]
    big_kab_kec = districts[districts.index.str.startswith(big_kab + ".")].idxmax()
    return {
        "province": provinces.idxmax(),
        "kabupaten": regencies.idxmax(),
        "kecamatan": districts.idxmax(),
        "kecamatan_of_big_kab": big_kab_kec,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    reg = cli.registry()
    ds = figures.load(composition.default())
    settings = Settings()
    period = ds.latest_period
    cases = worst_cases(reg)
    village = reg.children(cases["kecamatan"])[0]

    def n_children(code: str) -> int:
        return len(reg.children(code))

    png_views = [
        ("nation → 38 provinces", NATION_CODE, None, None),
        (f"province {cases['province']} ({reg.name(cases['province'])}) → {n_children(cases['province'])} kab/kota",
         cases["province"], None, None),
        (f"kabupaten {cases['kabupaten']} ({reg.name(cases['kabupaten'])}) → {n_children(cases['kabupaten'])} kecamatan",
         cases["kabupaten"], None, None),
        (f"kecamatan {cases['kecamatan']} ({reg.name(cases['kecamatan'])}) → {n_children(cases['kecamatan'])} villages",
         cases["kecamatan"], None, None),
        (f"kecamatan {cases['kecamatan_of_big_kab']} of the kabupaten with most villages → "
         f"{n_children(cases['kecamatan_of_big_kab'])} villages", cases["kecamatan_of_big_kab"], None, None),
        (f"village {village} selected", cases["kecamatan"], None, village),
        ("stress: all 514 kab/kota of the nation on one map", NATION_CODE, Level.REGENCY, None),
    ]
    print(f"Exports benchmark — dataset {ds.meta.id}, period {period}, median of {args.runs} runs\n")
    results = []
    print("PNG map (A4 width, 300 dpi)")
    for label, parent, level, selected in png_views:
        med, worst, size = median_time(
            lambda: mapimage.render_png(ds, reg, parent, period, "ucj_coverage", "fixed", settings, "id",
                                        selected=selected, level=level), args.runs)
        results.append(("png", label, med, worst, size))
        print(f"  {label:<86} median {med:5.2f} s  worst {worst:5.2f} s  {size / 1e6:5.2f} MB")

    pdf_views = [
        ("nation", NATION_CODE),
        (f"province {cases['province']}", cases["province"]),
        (f"kabupaten {cases['kabupaten']}", cases["kabupaten"]),
        (f"kecamatan {cases['kecamatan']}", cases["kecamatan"]),
        (f"village {village}", village),
    ]
    print("\nPDF brief (map at 150 dpi)")
    for label, region in pdf_views:
        med, worst, size = median_time(lambda: brief.brief_pdf(ds, reg, region, period, settings, "id"), args.runs)
        results.append(("pdf", label, med, worst, size))
        print(f"  {label:<40} median {med:5.2f} s  worst {worst:5.2f} s  {size / 1e3:6.0f} kB")

    print("\nXLSX workbook")
    for label, region in pdf_views[:3]:
        med, worst, size = median_time(lambda: workbook.workbook_xlsx(ds, reg, region, period, settings, "id"), args.runs)
        results.append(("xlsx", label, med, worst, size))
        print(f"  {label:<40} median {med:5.2f} s  worst {worst:5.2f} s  {size / 1e3:6.0f} kB")

    print("\nSummary (budget on the worst median)")
    ok = True
    for kind in ("png", "pdf", "xlsx"):
        worst_median = max(r[2] for r in results if r[0] == kind)
        within = worst_median <= BUDGET_S[kind]
        ok &= within
        print(f"  {kind:<5} worst median {worst_median:5.2f} s  budget {BUDGET_S[kind]:.0f} s  {'OK' if within else 'OVER BUDGET'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
