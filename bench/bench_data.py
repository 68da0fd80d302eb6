"""The data layer at national scale: a 60-month village dataset composed with yearly denominators.

Generates, into a temporary store (``UCJ_DATA_DIR``, by default ``/tmp/bench-data``; the
project's ``data/`` is only read, to copy the built demo sources so that the app starts):

- ``bench-peserta``: every count of the participants and vulnerable groups (active and
  registered participants, PU/BPU/Jakon, vulnerable workers and those covered,
  extreme-poor workers and those covered) **for all 83,762 villages, every month**
  (``--periods``, 60 by default: 2020-01 … 2024-12), through ``store.save``;
- ``bench-sakernas``: employed workers by kabupaten/kota every August (2019 … 2024);
- ``bench-kemiskinan``: population and extreme-poor population by kabupaten/kota every March;
- ``bench-aparat``: village officials (and enrolled) by village, June and December;
- four more participant datasets (``bench-peserta-2`` … ``-5``: other seeds, 60/45/30/15
  months) for compositions ``src=p:<id>,v:<id>,…`` used by other sessions.

Then it measures, against the issue's budgets (it reports, it never asserts):

1. server RSS (``streamlit run app.py``, psutil, the process tree) after one session warmed
   nation → province → kabupaten → kecamatan → village on the map (clicks), the profile and
   the priority pages: **≤ 600 MB**; after four more sessions did the same on the four other
   participant datasets: **≤ 900 MB** (``--skip-server`` leaves this out);
2. server-side reruns of map/profile/priority views with warm caches (AppTest, the
   composition in ``src``): **median ≤ 150 ms, worst ≤ 400 ms**; a region's 60-period trend,
   ``figures.load(comp).region(code)`` after ``figures.forget()``, for the nation, a province, a
   kabupaten, a kecamatan and a village, 5 times each: **≤ 100 ms**;
3. import of one more month (2025-01) for every village into the 60-month dataset: the CLI
   ``import --append-to`` end to end in a subprocess, and ``importer.check`` and
   ``importer.store_import`` in process: **≤ 10 s**.

It also prints the time to generate the store, its size on disk and the time of a cold
``Figures.at(period)`` (profiled: every miss of the 4-frame LRU pays it). Anything over budget
is profiled (cProfile, top entries; for reruns also the project's own functions). For
comparison it reruns the same views, and warms a server the same way, on the built-in demo
sources (12 months; ``--no-baseline`` leaves that out). The machine has other work on it:
``--wait-quiet S`` waits for it to calm down before each part, and the load average is printed.

    .venv/bin/python bench/bench_data.py [--periods 60] [--keep] [--skip-server]
    .venv/bin/python bench/bench_data.py --keep            # then, on the kept store, one part again:
    .venv/bin/python bench/bench_data.py --reuse --keep --only server --sequential \
        --server-env MALLOC_ARENA_MAX=2                    # an allocator experiment, server only
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np
import pandas as pd

MB = 1_000_000
SEED = 20250101
LAST_PERIOD = "2024-12"
IMPORT_PERIOD = "2025-01"
MARKER = ".bench_data"
BUDGET = {"rss_one_mb": 600, "rss_five_mb": 900, "rerun_median_ms": 150, "rerun_worst_ms": 400, "trend_ms": 100,
          "import_s": 10}
PARTICIPANT_COLUMNS = (
    "active_participants", "registered_participants", "active_pu", "active_bpu", "active_jakon",
    "vulnerable_workers", "vulnerable_covered", "extreme_poor_workers", "extreme_poor_workers_covered",
)
MAIN, WORKERS, POVERTY, OFFICIALS = "bench-peserta", "bench-sakernas", "bench-kemiskinan", "bench-aparat"
EXTRA = ("bench-peserta-2", "bench-peserta-3", "bench-peserta-4", "bench-peserta-5")
#: the path drilled by the AppTest views and the trends (a village of Timor Tengah Selatan, NTT)
PATH = ("53", "53.02", "53.02.02", "53.02.02.2001")
PARTS = ("figures", "reruns", "server", "import")


# ---- small helpers


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER BUDGET"


def months(n: int, last: str = LAST_PERIOD) -> list[str]:
    """The ``n`` months ending with ``last`` (``YYYY-MM``)."""
    y, m = int(last[:4]), int(last[5:])
    out = []
    for _ in range(n):
        out.append(f"{y}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def profile_top(label: str, fn, top: int = 25) -> None:
    """Run ``fn`` under cProfile and print the top entries by cumulative and by own time."""
    prof = cProfile.Profile()
    prof.enable()
    try:
        fn()
    finally:
        prof.disable()
    print_profile(label, prof, top)


def print_profile(label: str, prof: cProfile.Profile, top: int = 25, project_too: bool = False) -> None:
    """Top entries by cumulative and by own time; with ``project_too`` also the project's own functions
    (``ucj_dash/``, ``ui/``, ``pages/``) by cumulative time: what the data layer and the views cost in it."""
    listings = [("cumulative", None), ("tottime", None)]
    if project_too:
        listings.append(("cumulative", rf"{ROOT}/(ucj_dash|ui|pages)/"))
    for sort, only in listings:
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out)
        if only is None:
            stats.strip_dirs()
        stats.sort_stats(sort).print_stats(*([only] if only else []), top)
        text = out.getvalue().replace(f"{ROOT}/", "")
        start = text.find("   ncalls")
        what = f"top {top} by {sort}" + (" (project code only)" if only else "")
        print(f"\n  -- cProfile of {label}, {what} --")
        print("\n".join("    " + line for line in text[start:].rstrip().splitlines()))


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} (1/5 min) on {os.cpu_count()} cores"


# ---- the store: a temporary UCJ_DATA_DIR with the demo sources copied in


def prepare_dir(data_dir: Path, reuse: bool) -> bool:
    """Point ``UCJ_DATA_DIR`` at ``data_dir``; True when a generated store there is reused."""
    if reuse and (data_dir / MARKER).is_file():
        os.environ["UCJ_DATA_DIR"] = str(data_dir)
        return True
    if data_dir.exists():
        if not (data_dir / MARKER).is_file():
            sys.exit(f"{data_dir} exists and was not made by this benchmark: give another --data-dir")
        shutil.rmtree(data_dir)
    (data_dir / "datasets").mkdir(parents=True)
    (data_dir / MARKER).write_text("made by bench/bench_data.py; deleted at its end unless --keep\n")
    from ucj_dash.datasets import demo

    built = ROOT / "data" / "datasets"  # read only: the app needs the demo sources to count as built
    missing = [i for i in demo.SOURCES if not (built / i / "CURRENT").is_file()]
    if missing:
        sys.exit(f"the demo sources {missing} are not built in {built}: run `python -m ucj_dash build` first")
    for dataset_id in demo.SOURCES:
        shutil.copytree(built / dataset_id, data_dir / "datasets" / dataset_id, symlinks=False)
    os.environ["UCJ_DATA_DIR"] = str(data_dir)
    return False


def anchor(reg, seed: int) -> pd.DataFrame:
    """Plausible figures of every count for every village in 2024-12 (the demo's simulation with ``seed``)."""
    from ucj_dash.datasets import demo

    villages = demo.village_months(reg, seed)
    return villages[villages["period"] == demo.PERIODS[-1]].reset_index(drop=True)


def _share(part: np.ndarray, whole: np.ndarray, default: float) -> np.ndarray:
    out = np.full(len(part), default)
    ok = np.isfinite(part) & np.isfinite(whole) & (whole > 0)
    out[ok] = part[ok] / whole[ok]
    return out


def participant_month(base: pd.DataFrame, period: str, back_quarters: float, rng: np.random.Generator) -> pd.DataFrame:
    """One month of the participants and vulnerable groups for every village, ``back_quarters`` before ``base``."""
    n = len(base)
    col = {c: base[c].to_numpy(dtype="float64") for c in (*PARTICIPANT_COLUMNS, "employed_workers")}
    grow = np.clip((1 - 0.02 * back_quarters) * rng.lognormal(0, 0.02, n), 0.05, 2)
    active = np.round(col["active_participants"] * grow)
    pu = np.round(active * _share(col["active_pu"], col["active_participants"], 0.6))
    bpu = np.minimum(np.round(active * _share(col["active_bpu"], col["active_participants"], 0.25)), active - pu)
    vulnerable = np.round(col["vulnerable_workers"] * (1 - 0.003 * back_quarters))
    ep_workers = np.round(col["extreme_poor_workers"] * (1 + 0.01 * back_quarters))
    return pd.DataFrame({
        "region_code": base["region_code"].to_numpy(),
        "period": period,
        "active_participants": active,
        "registered_participants": np.round(active * _share(col["registered_participants"], col["active_participants"], 1.45)),
        "active_pu": pu,
        "active_bpu": bpu,
        "active_jakon": active - pu - bpu,
        "vulnerable_workers": vulnerable,
        "vulnerable_covered": np.minimum(np.round(col["vulnerable_covered"] * grow * (1 - 0.01 * back_quarters)), vulnerable),
        "extreme_poor_workers": ep_workers,
        "extreme_poor_workers_covered": np.minimum(np.round(col["extreme_poor_workers_covered"] * grow), ep_workers),
    })


def participants(base: pd.DataFrame, periods: list[str], seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    last = len(periods) - 1
    return pd.concat([participant_month(base, p, (last - i) / 3, rng) for i, p in enumerate(periods)], ignore_index=True)


def by_kabupaten(base: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return base.groupby(base["region_code"].str[:5], sort=True)[columns].sum(min_count=1)


def workers(base: pd.DataFrame, years: list[int], seed: int) -> pd.DataFrame:
    """Employed workers by kabupaten/kota every August (BPS Sakernas)."""
    rng = np.random.default_rng(seed + 100)
    kab = by_kabupaten(base, ["employed_workers"])
    frames = [pd.DataFrame({"region_code": kab.index, "period": f"{y}-08",
                            "employed_workers": np.round(kab["employed_workers"].to_numpy() * (1 - 0.012 * (2024 - y))
                                                         * rng.lognormal(0, 0.01, len(kab)))})
              for y in years]
    return pd.concat(frames, ignore_index=True)


def poverty(base: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Population and extreme-poor population by kabupaten/kota every March (BPS)."""
    kab = by_kabupaten(base, ["population", "extreme_poor_population"])
    frames = [pd.DataFrame({"region_code": kab.index, "period": f"{y}-03",
                            "population": np.round(kab["population"].to_numpy() * (1 - 0.011 * (2024 - y))),
                            "extreme_poor_population": np.round(kab["extreme_poor_population"].to_numpy() * (1 + 0.08 * (2024 - y)))})
              for y in years]
    return pd.concat(frames, ignore_index=True)


def officials(base: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Village heads and officials and how many are enrolled, by village, every June and December."""
    periods = [f"{y}-{m}" for y in years for m in ("06", "12")]
    total = base["village_officials"].to_numpy(dtype="float64")
    enrolled = base["village_officials_enrolled"].to_numpy(dtype="float64")
    frames = []
    for i, period in enumerate(periods):
        back = len(periods) - 1 - i  # half-years before the last
        frames.append(pd.DataFrame({"region_code": base["region_code"].to_numpy(), "period": period,
                                    "village_officials": total,
                                    "village_officials_enrolled": np.minimum(np.round(enrolled * max(0.0, 1 - 0.05 * back)), total)}))
    return pd.concat(frames, ignore_index=True)


class SaveProgress(threading.Thread):
    """Prints how many period and year files ``store.save`` has written into its temporary folder."""

    def __init__(self, dataset_id: str, periods: int, every_s: float = 10):
        super().__init__(daemon=True)
        self.dataset_id, self.periods, self.every_s = dataset_id, periods, every_s
        self.done = threading.Event()
        self.t0 = time.perf_counter()

    def run(self) -> None:
        from ucj_dash.datasets import store

        last = None
        while not self.done.wait(self.every_s):
            written = history = 0
            for tmp in store.datasets_dir().glob(f".{self.dataset_id}.tmp-*"):
                written = len(list((tmp / "periods").glob("*.parquet")))
                history = len(list((tmp / "history").glob("*.parquet")))
            if (written, history) != last:
                print(f"      {self.dataset_id}: {written}/{self.periods} period files, {history} year files "
                      f"after {time.perf_counter() - self.t0:.0f} s", flush=True)
                last = (written, history)


def save(dataset_id: str, name: str, figures: pd.DataFrame, description: str) -> float:
    """``store.save`` of a simulated dataset, with progress; seconds taken."""
    from ucj_dash.datasets import store
    from ucj_dash.datasets.dataset import DatasetMeta

    periods = sorted(figures["period"].unique())
    meta = DatasetMeta(id=dataset_id, name=name, source="bench/bench_data.py (simulated)", as_of=periods[-1],
                       simulated=True, description=description)
    progress = SaveProgress(dataset_id, len(periods))
    progress.start()
    try:
        seconds, _ = timed(lambda: store.save(meta, figures))
    finally:
        progress.done.set()
    print(f"    {dataset_id:<18} {len(periods):3d} periods, {len(figures):>10,} rows given: store.save {seconds:6.1f} s "
          f"({seconds / len(periods):.2f} s a period)", flush=True)
    return seconds


def generate(reg, n_periods: int) -> dict:
    """Generate and store every dataset; returns timings."""
    periods = months(n_periods)
    first_year = int(periods[0][:4])
    stock_years = list(range(first_year - 1, int(LAST_PERIOD[:4]) + 1))
    official_years = list(range(first_year, int(LAST_PERIOD[:4]) + 1))
    print(f"\n== Generating the store: {n_periods} months {periods[0]} … {periods[-1]} for every village ==", flush=True)
    t_all = time.perf_counter()
    seconds, base = timed(lambda: anchor(reg, SEED))
    print(f"    anchor figures for {len(base):,} villages in {seconds:.1f} s", flush=True)
    main_s = save(MAIN, "Bench: peserta & DTSEN (desa, bulanan)", participants(base, periods, SEED),
                  "simulated participants and vulnerable workers by village, monthly")
    save(WORKERS, "Bench: penduduk bekerja (kabupaten, Agustus)", workers(base, stock_years, SEED), "simulated Sakernas")
    save(POVERTY, "Bench: kemiskinan ekstrem (kabupaten, Maret)", poverty(base, stock_years), "simulated BPS poverty")
    save(OFFICIALS, "Bench: aparat desa (desa, Jun & Des)", officials(base, official_years), "simulated officials")
    core_s = time.perf_counter() - t_all
    t_extra = time.perf_counter()
    for k, dataset_id in enumerate(EXTRA, start=1):
        n = max(1, n_periods * (4 - (k - 1)) // 4) if k > 1 else n_periods
        other = anchor(reg, SEED + k)
        save(dataset_id, f"Bench: peserta seed {SEED + k} ({n} bulan)", participants(other, months(n), SEED + k),
             f"simulated participants, other seed, {n} months")
    extra_s = time.perf_counter() - t_extra
    return {"main_s": main_s, "core_s": core_s, "extra_s": extra_s}


def composition_of(participants_id: str):
    from ucj_dash.datasets.composition import Composition

    return Composition.of({"participants": participants_id, "workers": WORKERS, "vulnerable": participants_id,
                           "poverty": POVERTY, "officials": OFFICIALS})


def print_store(timing: dict | None) -> None:
    from ucj_dash.datasets import store

    print("\n== Store on disk ==")
    total = 0
    for path in sorted(store.datasets_dir().iterdir()):
        if not path.is_dir() or path.name.startswith("."):
            continue
        size = dir_bytes(path)
        total += size
        dataset = store.load(path.name)
        per = dir_bytes(path / "periods") / max(1, len(dataset.periods))
        print(f"    {path.name:<18} {size / MB:8.1f} MB  {len(dataset.periods):3d} periods  (periods/ {dir_bytes(path / 'periods') / MB:.1f} MB, "
              f"{per / MB:.2f} MB a period; history/ {dir_bytes(path / 'history') / MB:.1f} MB)")
    print(f"    total {total / MB:.1f} MB (the demo sources copied in included)")
    if timing:
        print(f"    generation: {MAIN} {timing['main_s']:.0f} s; the four datasets of the composition {timing['core_s']:.0f} s "
              f"(simulation included); the four extra participant datasets {timing['extra_s']:.0f} s")


# ---- figures: cold at(), trends


def bench_figures(repeats: int) -> dict:
    from ucj_dash.datasets import figures, store

    comp = composition_of(MAIN)
    print(f"\n== Figures of the composition src={comp.to_query()} ==   ({load_average()})")
    seconds, figs = timed(lambda: figures.load(comp))
    print(f"    figures.load: {seconds * 1000:.0f} ms, {len(figs.periods)} periods {figs.periods[0]} … {figs.periods[-1]}")
    result = {}
    for period in (figs.latest_period, figs.periods[len(figs.periods) // 2]):
        cold, cleared, warm = [], [], []
        for _ in range(repeats):
            figures.forget()
            store._read_small_period_file.cache_clear()  # the period files themselves read again too
            cold.append(timed(lambda p=period: figs.at(p))[0])
            figures.forget()
            cleared.append(timed(lambda p=period: figs.at(p))[0])
            warm.append(timed(lambda p=period: figs.at(p))[0])
        frame = figs.at(period)
        print(f"    Figures.at({period}): cold (period files read) median {statistics.median(cold) * 1000:.0f} ms "
              f"max {max(cold) * 1000:.0f} ms; composed again from cached period files median "
              f"{statistics.median(cleared) * 1000:.0f} ms; cached {statistics.median(warm) * 1000:.2f} ms   "
              f"[{len(frame):,} rows × {frame.shape[1]} columns, {frame.memory_usage(deep=True).sum() / MB:.0f} MB]")
        result.setdefault("at_cold_ms", []).append(statistics.median(cold) * 1000)
    period = figs.latest_period

    def cold_at():
        figures.forget()
        store._read_small_period_file.cache_clear()
        figs.at(period)

    profile_top(f"a cold Figures.at({period}) (what every miss of the 4-frame LRU costs)", cold_at, top=20)
    nation = figs.at(figs.latest_period).loc["ID"]
    print(f"    nation {figs.latest_period}: UCJ {nation['ucj__part'] / nation['ucj__whole'] * 100:.1f} % "
          f"({nation['active_participants']:,.0f} of {nation['employed_workers']:,.0f}); "
          f"extreme poverty {nation['extreme_poverty__part'] / nation['extreme_poverty__whole'] * 100:.2f} %")

    print(f"\n  Trend: figures.load(comp).region(code), cold (figures.forget() before each), {repeats} times "
          f"— budget ≤ {BUDGET['trend_ms']} ms")
    store._row_group_index.cache_clear()
    figures.forget()
    seconds, _ = timed(lambda: figures.load(comp).region(PATH[3]))
    print(f"    first trend in a process (every year file's footer read, then cached): {seconds * 1000:.0f} ms")
    worst = (0.0, None)
    rows = []
    for code in ("ID", *PATH):
        times = []
        for _ in range(repeats):
            figures.forget()
            seconds, trend = timed(lambda c=code: figures.load(comp).region(c))
            times.append(seconds)
        have = int(trend["ucj__part"].notna().sum()) if "ucj__part" in trend else 0
        med, mx = statistics.median(times), max(times)
        rows.append((code, med, mx))
        print(f"    {code:<16} median {med * 1000:6.1f} ms  max {mx * 1000:6.1f} ms  ({len(trend)} periods, "
              f"{have} with UCJ matched sums)  {verdict(mx * 1000 <= BUDGET['trend_ms'])}")
        if mx > worst[0]:
            worst = (mx, code)
    result["trend_rows"] = rows
    if worst[0] * 1000 > BUDGET["trend_ms"]:
        code = worst[1]

        def cold_trend():
            for _ in range(3):
                figures.forget()
                figures.load(comp).region(code)

        profile_top(f"3 cold trends of {code}", cold_trend)
    return result


# ---- AppTest reruns


def rerun_views(village: str) -> list[dict]:
    kab, kec = PATH[1], PATH[2]
    views = [{}, {"region": PATH[0]}, {"region": kab}, {"region": kec}, {"region": village}]
    views += [{"page": "profile", **v} for v in ({}, {"region": PATH[0]}, {"region": kab}, {"region": kec}, {"region": village})]
    views += [{"page": "priority"}, {"page": "priority", "plevel": "kab"}, {"page": "priority", "region": PATH[0], "plevel": "kec"},
              {"page": "priority", "region": kab, "plevel": "desa"}, {"page": "priority", "region": kec}]
    return views


def _apptest(params: dict, src: str | None):
    from streamlit.testing.v1 import AppTest

    pages = {"map": None, "profile": "pages/profile.py", "priority": "pages/priority.py"}
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    if src:
        at.query_params["src"] = src
    for k, v in params.items():
        if k != "page":
            at.query_params[k] = v
    if pages[params.get("page", "map")]:
        at.switch_page(pages[params["page"]])
    return at


def _rerun_times(params: dict, src: str | None, repeats: int):
    """(cold s, warm reruns s, the AppTest) of one view; None when the page failed."""
    at = _apptest(params, src)
    cold, _ = timed(at.run)
    if at.exception:
        print(f"    {view_label(params):44s} FAILED: {str(at.exception[0].message)[:200]}")
        return None
    return cold, [timed(at.run)[0] for _ in range(repeats)], at


def view_label(params: dict) -> str:
    return "&".join(f"{k}={v}" for k, v in params.items()) or "(national map)"


def profile_reruns(label: str, at, runs: int = 3) -> None:
    """cProfile of ``runs`` warm reruns (the script runs in AppTest's script thread: profiled there)."""
    from streamlit.runtime.scriptrunner import script_runner

    prof = cProfile.Profile()
    original = script_runner.ScriptRunner._run_script

    def profiled(self, rerun_data, _original=original, _prof=prof):
        _prof.enable()
        try:
            return _original(self, rerun_data)
        finally:
            _prof.disable()

    script_runner.ScriptRunner._run_script = profiled
    try:
        for _ in range(runs):
            at.run()
    finally:
        script_runner.ScriptRunner._run_script = original
    print_profile(f"{runs} warm reruns of {label}", prof, project_too=True)


def bench_reruns(repeats: int, baseline: bool) -> dict:
    import logging

    # AppTest outside a run: "missing ScriptRunContext" on every view, nothing to act on
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage())
    src = composition_of(MAIN).to_query()
    print(f"\n== Server-side reruns (AppTest, same process), src={src} ==   ({load_average()})")
    print(f"    budget: warm median ≤ {BUDGET['rerun_median_ms']} ms, worst ≤ {BUDGET['rerun_worst_ms']} ms"
          + ("; 'demo' = the same view on the built-in demo sources (12 months), for comparison" if baseline else ""))
    print(f"    {'view':44s} {'cold s':>7s} {'warm median ms':>15s} {'warm max ms':>12s}"
          + (f"   {'demo: median':>12s} {'max ms':>7s}" if baseline else ""))
    rows, apps = [], {}
    for params in rerun_views(PATH[3]):
        got = _rerun_times(params, src, repeats)
        if got is None:
            continue
        cold, warm, at = got
        label = view_label(params)
        rows.append((label, cold, statistics.median(warm), max(warm)))
        apps[label] = at
        demo = ""
        if baseline:
            other = _rerun_times(params, None, repeats)
            if other is not None:
                demo = f"   {statistics.median(other[1]) * 1000:12.0f} {max(other[1]) * 1000:7.0f}"
        ok = statistics.median(warm) * 1000 <= BUDGET["rerun_median_ms"] and max(warm) * 1000 <= BUDGET["rerun_worst_ms"]
        print(f"    {label:44s} {cold:7.2f} {statistics.median(warm) * 1000:15.0f} {max(warm) * 1000:12.0f}{demo}  {verdict(ok)}",
              flush=True)
    if not rows:
        return {}
    medians = [r[2] for r in rows]
    worst = max(rows, key=lambda r: r[3])
    print(f"    median of the views' medians {statistics.median(medians) * 1000:.0f} ms; highest view median "
          f"{max(medians) * 1000:.0f} ms; worst single rerun {worst[3] * 1000:.0f} ms ({worst[0]})")
    over = [r for r in rows if r[2] * 1000 > BUDGET["rerun_median_ms"] or r[3] * 1000 > BUDGET["rerun_worst_ms"]]
    for page in ("(national map)", "page=profile", "page=priority"):  # the slowest over-budget view of each page
        mine = [r for r in over if r[0] == page or r[0].startswith(page + "&") or (page == "(national map)" and not r[0].startswith("page="))]
        if mine:
            label = max(mine, key=lambda r: r[2])[0]
            profile_reruns(label, apps[label])
    return {"median_ms": statistics.median(medians) * 1000, "max_view_median_ms": max(medians) * 1000,
            "worst_ms": worst[3] * 1000}


# ---- a real server: RSS with every level warmed


class Sampler(threading.Thread):
    """The server's RSS (with children) sampled every 0.25 s; ``peak`` since the last :meth:`reset`."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server, self.peak, self.done = server, 0, threading.Event()

    def reset(self) -> int:
        self.peak = self.server.rss()
        return self.peak

    def run(self) -> None:
        while not self.done.wait(0.25):
            try:
                self.peak = max(self.peak, self.server.rss())
            except Exception as exc:  # noqa: BLE001 - the server may be stopping
                self.error = exc


def _q(**params) -> dict:
    """URL parameters without the empty ones (no ``src``: the default composition)."""
    return {k: v for k, v in params.items() if v}


async def tour(url: str, src: str, seed: int, timeout_s: float, steps: list | None = None):
    """One session: the map drilled by clicks nation → province → kabupaten → kecamatan → village, then the
    profile of each of those regions and the priority page of each. Returns (client, the path clicked)."""
    from bench_load import MAP_COMPONENT, inner_point, map_features
    from streamlit.util import calc_hash
    from streamlit_client import AppClient

    rng = random.Random(seed)
    client = AppClient(url, timeout_s)
    steps = steps if steps is not None else []
    result = await client.open(urlencode(_q(src=src)))
    steps.append(("map open", result.seconds, client.query_string))
    path = []
    for depth in range(4):
        features = map_features(client)
        if not features:
            break
        feature = rng.choice(features)
        code = feature["properties"]["code"]
        value = {"last_object_clicked": inner_point(feature), "last_active_drawing": feature}
        result = await client.rerun([client.set_component_value(MAP_COMPONENT, value)])
        steps.append((f"map click level {depth + 1}", result.seconds, client.query_string))
        path.append(code)
    for page, codes, extra in (("profil", ["ID", *path], {}), ("prioritas", ["ID", *path[:3]], {})):
        for code in codes:
            client.page_script_hash = calc_hash(page)
            client.query_string = urlencode(_q(region=code, src=src, **extra))
            result = await client.rerun()
            steps.append((f"{page} level {len(code.split('.')) if code != 'ID' else 0}", result.seconds, client.query_string))
    if len(path) >= 3:  # priority: the villages of a kabupaten
        client.query_string = urlencode(_q(region=path[1], src=src, plevel="desa"))
        result = await client.rerun()
        steps.append(("prioritas kab→desa", result.seconds, client.query_string))
    client.page_script_hash = calc_hash("peta")
    client.query_string = urlencode(_q(region=path[1] if len(path) > 1 else "ID", src=src))
    result = await client.rerun()
    steps.append(("map back to kab", result.seconds, client.query_string))
    return client, path


def print_steps(label: str, steps: list) -> None:
    times = [s[1] for s in steps]
    print(f"    {label}: {len(steps)} runs, client-timed (rerun_script → script_finished) median "
          f"{statistics.median(times):.2f} s, max {max(times):.2f} s "
          f"({max(steps, key=lambda s: s[1])[0]})")
    for name, seconds, _ in steps:
        print(f"        {name:<22} {seconds:6.2f} s")


async def bench_server_async(args, server, sampler) -> dict:
    from bench_load import scrape_metrics

    url = server.url
    out = {}
    sampler.reset()
    out["idle"] = server.rss()
    print(f"    server RSS idle (nothing loaded) {out['idle'] / MB:.0f} MB", flush=True)

    src_main = composition_of(MAIN).to_query()
    steps: list = []
    t0 = time.perf_counter()
    first, path = await tour(url, src_main, 1, args.timeout, steps=steps)
    print(f"    session 1 (src=p:{MAIN}) warmed {' → '.join(['ID', *path])} in {time.perf_counter() - t0:.0f} s")
    print_steps("session 1", steps)
    await asyncio.sleep(3)
    out["one"], out["one_peak"] = server.rss(), sampler.peak
    print(f"    server RSS, one composition warmed at every level: {out['one'] / MB:.0f} MB (peak {out['one_peak'] / MB:.0f} MB)"
          f"   budget ≤ {BUDGET['rss_one_mb']} MB: {verdict(max(out['one'], out['one_peak']) <= BUDGET['rss_one_mb'] * MB)}",
          flush=True)

    t0 = time.perf_counter()
    others_steps = [[] for _ in EXTRA]
    tours = [tour(url, composition_of(dataset_id).to_query(), 2 + k, args.timeout, steps=others_steps[k])
             for k, dataset_id in enumerate(EXTRA)]
    if args.sequential:
        results = []
        for one in tours:
            try:
                results.append(await one)
            except Exception as exc:  # noqa: BLE001 - reported below
                results.append(exc)
    else:
        results = await asyncio.gather(*tours, return_exceptions=True)
    how = "one after another" if args.sequential else "concurrently"
    clients = [first]
    for dataset_id, r, s in zip(EXTRA, results, others_steps):
        if isinstance(r, BaseException):
            print(f"    session on {dataset_id} FAILED: {r!r}")
        else:
            clients.append(r[0])
        if s:
            times = [x[1] for x in s]
            print(f"    session on {dataset_id} ({how}): {len(s)} runs, median {statistics.median(times):.2f} s, "
                  f"max {max(times):.2f} s ({max(s, key=lambda x: x[1])[0]})")
    print(f"    four more sessions, each on its own participant dataset, warmed in {time.perf_counter() - t0:.0f} s")
    await asyncio.sleep(3)
    out["five"], out["five_peak"] = server.rss(), sampler.peak
    print(f"    server RSS, 5 compositions (5 participant datasets) warmed: {out['five'] / MB:.0f} MB (peak {out['five_peak'] / MB:.0f} MB)"
          f"   budget ≤ {BUDGET['rss_five_mb']} MB: {verdict(max(out['five'], out['five_peak']) <= BUDGET['rss_five_mb'] * MB)}",
          flush=True)

    # every session comes back to its kabupaten map (the composed frames are an LRU of 4 per process)
    revisit = []
    for client in clients:
        t1 = time.perf_counter()
        await client.rerun()
        revisit.append(time.perf_counter() - t1)
    print("    each session reruns its view again, one after another: " + ", ".join(f"{s:.2f}" for s in revisit) + " s")
    metrics = scrape_metrics(url)
    memory = sum(v for k, v in metrics.items() if k.startswith("cache_memory_bytes{"))
    print(f"    st.cache memory reported by /_stcore/metrics: {memory / MB:.1f} MB")
    for client in clients:
        await client.close()
    await asyncio.sleep(10)
    out["after"] = server.rss()
    print(f"    server RSS 10 s after every session disconnected: {out['after'] / MB:.0f} MB; peak over the whole run "
          f"{sampler.peak / MB:.0f} MB")
    return out


async def demo_baseline_async(args, server, sampler) -> dict:
    idle = server.rss()
    steps: list = []
    client, path = await tour(server.url, "", 1, args.timeout, steps=steps)
    await asyncio.sleep(3)
    rss, peak = server.rss(), sampler.peak
    times = [x[1] for x in steps]
    print(f"    demo sources (default composition, 12 months): idle {idle / MB:.0f} MB; one session warmed "
          f"{' → '.join(['ID', *path])} ({len(steps)} runs, median {statistics.median(times):.2f} s, max {max(times):.2f} s): "
          f"RSS {rss / MB:.0f} MB (peak {peak / MB:.0f} MB)")
    await client.close()
    return {"demo_one": rss, "demo_one_peak": peak}


def bench_server(args) -> dict:
    out = {}
    print(f"\n== Server RSS: streamlit run app.py, UCJ_DATA_DIR={os.environ['UCJ_DATA_DIR']} ==   ({load_average()})")
    if not args.no_baseline:
        out.update(with_server(args, demo_baseline_async))
    out.update(with_server(args, bench_server_async))
    return out


def with_server(args, body) -> dict:
    """Start a server, run ``body(args, server, sampler)`` against it, stop it."""
    from streamlit_client import Server

    log = Path(tempfile.mkstemp(prefix="bench_data_server_", suffix=".log")[1])
    extra_env = dict(item.split("=", 1) for item in args.server_env)
    if extra_env:
        print(f"    server environment: {extra_env}")
    saved = {k: os.environ.get(k) for k in extra_env}
    os.environ.update(extra_env)  # the server inherits this process's environment
    try:
        server = Server(ROOT, log, ("--server.fileWatcherType=none",))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    sampler = Sampler(server)
    try:
        seconds, _ = timed(server.wait_healthy)
        print(f"    server healthy after {seconds:.1f} s on {server.url} (log {log})", flush=True)
        sampler.start()
        return asyncio.run(body(args, server, sampler))
    finally:
        sampler.done.set()
        server.stop()
        text = log.read_text(errors="replace")
        if "Traceback" in text:
            print(f"    server log has {text.count('Traceback')} traceback(s): {log}")
        else:
            log.unlink(missing_ok=True)


# ---- import of one more month


def import_csv(reg, path: Path) -> int:
    """One month (2025-01) of the participant counts for every village, as a BPJS export would give them
    (``employed_workers`` is a required column of the importer: given as ``-``, no figure)."""
    base = anchor(reg, SEED)
    month = participant_month(base, IMPORT_PERIOD, -1 / 3, np.random.default_rng(SEED + 99))
    out = pd.DataFrame({"region_code": month["region_code"], "period": IMPORT_PERIOD, "employed_workers": "-"})
    for c in PARTICIPANT_COLUMNS:
        out[c] = np.where(month[c].isna(), "-", month[c].fillna(0).astype("int64").astype(str))
    out.to_csv(path, sep=";", index=False)
    return len(out)


def bench_import(reg, data_dir: Path, keep: bool) -> dict:
    from ucj_dash.datasets import figures, importer, store

    print(f"\n== Import of one month ({IMPORT_PERIOD}) for every village into {MAIN} ==   ({load_average()})")
    before = store.load(MAIN)
    csv = data_dir / f"bench-{IMPORT_PERIOD}.csv"
    rows = import_csv(reg, csv)
    print(f"    {csv.name}: {rows:,} rows, {csv.stat().st_size / MB:.1f} MB; {MAIN} has {len(before.periods)} periods "
          f"(version {before.version.number})")
    cmd = [sys.executable, "-m", "ucj_dash", "import", str(csv), "--append-to", MAIN, "--as-of", "2025-02-10", "--yes"]
    seconds, done = timed(lambda: subprocess.run(cmd, check=False, cwd=ROOT, env=dict(os.environ), capture_output=True, text=True))
    tail = (done.stdout.strip().splitlines() or [""])[-1]
    out = {"cli_s": seconds}
    print(f"    CLI `python -m ucj_dash import … --append-to {MAIN} --yes`, end to end: {seconds:.1f} s (exit {done.returncode})"
          f"   budget ≤ {BUDGET['import_s']} s: {verdict(seconds <= BUDGET['import_s'] and done.returncode == 0)}")
    print(f"      its last line: {tail[:200]}")
    if done.returncode != 0:
        print("      stderr: " + done.stderr.strip()[-800:])
    after = store.load(MAIN)
    print(f"      {MAIN} now version {after.version.number}, {len(after.periods)} periods ({after.periods[0]} … {after.periods[-1]})")

    data = csv.read_bytes()
    seconds, report = timed(lambda: importer.check(data, csv.name, reg))
    out["check_s"] = seconds
    print(f"    in process (registry loaded): importer.check {seconds:.2f} s — {report.rows_imported:,} rows, "
          f"{report.error_count} errors, {report.warning_count} warnings ({', '.join(sorted({p.kind for p in report.problems}))})")
    seconds, dataset = timed(lambda: importer.store_import(report, as_of="2025-02-11", append_to=MAIN, accept_warnings=True))
    out["store_s"] = seconds
    total = out["check_s"] + out["store_s"]
    print(f"    in process: importer.store_import (append; {IMPORT_PERIOD} replaced as version {dataset.version.number}) "
          f"{seconds:.2f} s; check + store {total:.2f} s   budget ≤ {BUDGET['import_s']} s: {verdict(total <= BUDGET['import_s'])}")
    if total > BUDGET["import_s"]:
        profile_top("importer.check", lambda: importer.check(data, csv.name, reg))
        profile_top("importer.store_import (append)",
                    lambda: importer.store_import(report, as_of="2025-02-12", append_to=MAIN, accept_warnings=True))
    figures.forget()
    seconds, trend = timed(lambda: figures.load(composition_of(MAIN)).region(PATH[3]))
    print(f"    after the append: a village's trend, cold, {seconds * 1000:.0f} ms ({len(trend)} periods)")
    if keep:  # leave the kept store as generated: the periods of version 1 current again
        store.roll_back(MAIN, 1)
        figures.forget()
    csv.unlink(missing_ok=True)
    return out


# ---- main


def quiet(args) -> None:
    """With ``--wait-quiet``: wait for the other work on this machine (tests, builds) to calm down."""
    if args.wait_quiet:
        from bench_load import wait_quiet

        wait_quiet(args.wait_quiet, busy_cores=0.3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--periods", type=int, default=60, help="months of the village participant dataset (ending 2024-12)")
    parser.add_argument("--keep", action="store_true", help="keep the generated store (see --reuse)")
    parser.add_argument("--reuse", action="store_true", help="use the store a run with --keep left in --data-dir")
    parser.add_argument("--skip-server", action="store_true", help="leave out the RSS measurement with a real server")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/bench-data"), help="the temporary UCJ_DATA_DIR")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=300, help="a server run taking longer fails its session (s)")
    parser.add_argument("--only", action="append", choices=PARTS,
                        help="measure only this part (repeatable; with --reuse, to look into one figure again)")
    parser.add_argument("--no-baseline", action="store_true", help="leave out the reruns of the same views on the demo sources")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="S",
                        help="before each timed part, wait up to S seconds for the machine's other work to calm down")
    parser.add_argument("--sequential", action="store_true",
                        help="the four more sessions of the server part one after another, not at once")
    parser.add_argument("--server-env", action="append", default=[], metavar="KEY=VALUE",
                        help="environment of the server process only, e.g. MALLOC_ARENA_MAX=2 (an experiment)")
    args = parser.parse_args(argv)
    data_dir = args.data_dir.resolve()
    if data_dir == (ROOT / "data").resolve() or ROOT.resolve() in data_dir.parents:
        sys.exit("--data-dir must be outside the project (never write into data/)")

    reused = prepare_dir(data_dir, args.reuse)
    from ucj_dash import build

    print(f"Data layer at national scale ({load_average()}); store in {data_dir}")
    seconds, reg = timed(build.registry)
    print(f"    registry: {len(reg.codes_at(4)):,} villages, {len(reg.codes_at(2)):,} kabupaten/kota (loaded in {seconds:.1f} s)")
    global PATH
    if PATH[3] not in reg.table.index:
        kec = PATH[2] if PATH[2] in reg.table.index else reg.codes_at(3)[0]
        village = next(c for c in reg.codes_at(4) if c.startswith(kec + "."))
        PATH = (village[:2], village[:5], village[:8], village)
    summary = {}
    try:
        timing = None
        if reused:
            print(f"    reusing the store generated earlier in {data_dir}")
        else:
            timing = generate(reg, args.periods)
            summary["generate_s"] = timing["core_s"] + timing["extra_s"]
        print_store(timing)
        parts = set(args.only or PARTS)
        if "figures" in parts:
            quiet(args)
            summary.update(bench_figures(args.repeats))
        if "reruns" in parts:
            quiet(args)
            summary.update(bench_reruns(args.repeats, not args.no_baseline))
        if "server" in parts and not args.skip_server:
            quiet(args)
            summary.update(bench_server(args))
        if "import" in parts:
            quiet(args)
            summary.update(bench_import(reg, data_dir, args.keep))
    finally:
        if args.keep:
            print(f"\nstore kept in {data_dir} (run again with --reuse)")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
            print(f"\nstore removed ({data_dir})")
    print_summary(summary)
    return 0


def print_summary(s: dict) -> None:
    print("\n== Summary against the budgets (MB = 10^6 bytes) ==")

    def line(name: str, value: str, budget: str, ok: bool | None) -> None:
        print(f"    {name:<52} {value:>18}   {budget:<22} {'' if ok is None else verdict(ok)}")

    if "generate_s" in s:
        line("generate the store (8 datasets)", f"{s['generate_s']:.0f} s", "", None)
    if "at_cold_ms" in s:
        line("Figures.at(latest period), cold", f"{s['at_cold_ms'][0]:.0f} ms", "", None)
    if "trend_rows" in s:
        worst = max(r[2] for r in s["trend_rows"]) * 1000
        line("trend, cold: worst of nation…village (max of 5)", f"{worst:.0f} ms", f"≤ {BUDGET['trend_ms']} ms", worst <= BUDGET["trend_ms"])
    if "median_ms" in s:
        line("rerun warm: highest view median", f"{s['max_view_median_ms']:.0f} ms", f"≤ {BUDGET['rerun_median_ms']} ms",
             s["max_view_median_ms"] <= BUDGET["rerun_median_ms"])
        line("rerun warm: worst single rerun", f"{s['worst_ms']:.0f} ms", f"≤ {BUDGET['rerun_worst_ms']} ms",
             s["worst_ms"] <= BUDGET["rerun_worst_ms"])
    if "demo_one" in s:
        line("server RSS, demo sources, one session (comparison)", f"{max(s['demo_one'], s['demo_one_peak']) / MB:.0f} MB", "", None)
    if "one" in s:
        v = max(s["one"], s["one_peak"]) / MB
        line("server RSS, one composition, every level (max of end, peak)", f"{v:.0f} MB", f"≤ {BUDGET['rss_one_mb']} MB",
             v <= BUDGET["rss_one_mb"])
        v = max(s["five"], s["five_peak"]) / MB
        line("server RSS, 5 datasets in 5 sessions (max of end, peak)", f"{v:.0f} MB", f"≤ {BUDGET['rss_five_mb']} MB",
             v <= BUDGET["rss_five_mb"])
    if "cli_s" in s:
        line("import one month, CLI end to end", f"{s['cli_s']:.1f} s", f"≤ {BUDGET['import_s']} s", s["cli_s"] <= BUDGET["import_s"])
        t = s["check_s"] + s["store_s"]
        line("import one month, check + store_import in process", f"{t:.1f} s", f"≤ {BUDGET['import_s']} s", t <= BUDGET["import_s"])


if __name__ == "__main__":
    raise SystemExit(main())
