"""The shared PostgreSQL store against the embedded file store, on national village-level figures (issue 13).

Starts its own PostgreSQL server (Debian's binaries, as the tests do: tests/postgres.py) and a temporary file
store, and for each store measures, on the 12 months of the built-in participants source (every village of
Indonesia, ~84k given rows a month, rolled up to ~92k stored rows):

- storing the 12 months as a new dataset (``store.save``) and appending one more month (``store.append``);
- the read a page's rerun does every time: ``store.state()`` and ``composition.default_stamp()`` (the caches'
  key), and ``store.load(id)`` (median and p95 of 200 calls);
- a cold period table (``Dataset.at``: a national village-level month, then a kabupaten-level one twice: the
  second is cached), a region's 12-month trend (``Dataset.history``) at the nation down to kabupaten, a
  kabupaten down to villages and one village;
- the composed national frame of the figures (``figures.load(...).at(period)``) cold.

It prints figures; it asserts nothing.

    .venv/bin/python bench/bench_store.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from tests import postgres  # noqa: E402
from tests.stores import link_demo_sources  # noqa: E402
from ucj_dash.database import connection, pool  # noqa: E402
from ucj_dash.datasets import composition, figures, store  # noqa: E402
from ucj_dash.datasets.dataset import COUNT_COLUMNS  # noqa: E402

SOURCE = "demo-peserta"
KABUPATEN, VILLAGE = "53.02", "53.02.05.2001"


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def given_rows(dataset: store.Dataset) -> pd.DataFrame:
    """The rows an upload of ``dataset`` would hold: its given rows of every period, the counts it has."""
    columns = dataset.columns()
    parts = []
    for period in dataset.periods:
        table = dataset.at(period).reset_index()
        parts.append(table[table["given"]].assign(period=period)[["region_code", "period", *columns]])
    return pd.concat(parts, ignore_index=True)


def spread(samples: list[float]) -> str:
    ordered = sorted(samples)
    return f"median {statistics.median(ordered) * 1000:.2f} ms, p95 {ordered[int(0.95 * (len(ordered) - 1))] * 1000:.2f} ms"


def measure(kind: str, rows: pd.DataFrame, extra_month: pd.DataFrame, meta, repeat: int) -> None:
    print(f"\n== {kind} ==", flush=True)
    dataset_id = meta.id
    seconds, saved = timed(store.save, meta, rows)
    print(f"save 12 months ({len(rows):,} given rows): {seconds:.1f} s")
    seconds, _ = timed(store.append, dataset_id, extra_month, "2025-01")
    print(f"append 1 month ({len(extra_month):,} rows): {seconds:.1f} s")
    composition.set_default(composition.default().with_source("participants", dataset_id))

    per_rerun, loads = [], []
    for _ in range(200):
        per_rerun.append(timed(lambda: (store.state(), composition.default_stamp()))[0])
        loads.append(timed(store.load, dataset_id)[0])
    print(f"per rerun, state() + default_stamp(): {spread(per_rerun)}")
    print(f"store.load(id): {spread(loads)}")

    dataset = store.load(dataset_id)
    period = dataset.periods[-2]
    colds = []
    for _ in range(repeat):
        seconds, table = timed(dataset.at, period)
        colds.append(seconds)
    print(f"at(): a national village-level month ({len(table):,} rows) cold: {spread(colds)}")
    for label, code, level in (("nation to kabupaten", "ID", 2), ("a kabupaten to villages", KABUPATEN, 4),
                               ("one village", VILLAGE, 4)):
        samples = [timed(dataset.history, code, level, list(COUNT_COLUMNS))[0] for _ in range(repeat)]
        print(f"history(): 13-month trend, {label}: {spread(samples)}")
    comp = composition.default()
    samples = []
    for _ in range(repeat):
        figures.forget()
        samples.append(timed(lambda: figures.load(comp).at(period))[0])
    print(f"composed national frame, cold (figures.load(default).at(period)): {spread(samples)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    source = store.load(SOURCE)  # the built store (run `python -m ucj_dash build` first)
    rows = given_rows(source)
    extra_month = rows[rows["period"] == source.periods[-1]].assign(period="2025-01")
    meta = dataclasses.replace(source.meta, id="bench-peserta", name="Bench peserta", simulated=True)
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        files = Path(tmp) / "files"
        link_demo_sources(files)
        os.environ["UCJ_DATA_DIR"] = str(files)
        os.environ.pop(connection.ENV, None)
        figures.forget()
        measure("file store (embedded)", rows, extra_month, meta, args.repeat)

        server = postgres.start_server()
        try:
            url = server.create_database("bench")
            shared = Path(tmp) / "shared"
            link_demo_sources(shared)
            os.environ["UCJ_DATA_DIR"] = str(shared)
            os.environ[connection.ENV] = url
            figures.forget()
            measure("PostgreSQL store (shared)", rows, extra_month, meta, args.repeat)
            pool.close_all()
        finally:
            postgres.stop_server(server)


if __name__ == "__main__":
    main()
