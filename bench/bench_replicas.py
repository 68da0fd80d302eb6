"""Replicas on one shared PostgreSQL store under load: N app processes, many sessions drilling the map.

The scenario of ``bench/bench_load_browser.py`` (real Chromium; a click is timed until Leaflet has drawn the
children) or, with ``--protocol``, of ``bench/bench_load.py`` (Streamlit's websocket protocol; a click is timed
from ``rerun_script`` to ``script_finished``, no rendering), run against ``--replicas`` app processes at once.
For each replica count the script starts its own throwaway PostgreSQL (``tests/postgres.py``: initdb into a
temporary folder, trust auth on 127.0.0.1, fsync off; one new database per run), then that many
``streamlit run app.py`` processes on free ports, all with the same ``UCJ_STORE_URL`` and each with its own
``UCJ_DATA_DIR`` holding links to the built demo sources (the built-in sources are files in every replica's image;
everything else lives in PostgreSQL: every run reads the store's state). Sessions are spread round-robin over the
replicas and each stays on its replica, as behind a sticky proxy (``deploy/haproxy.cfg``). Each replica is warmed
with one drill before the load. It reports, it does not assert.

    .venv/bin/python bench/bench_replicas.py [--replicas 1 2] [--sessions 40] [--duration 120] [--protocol]

Budget (the issue's): zero failed sessions and, with real browsers, p95 click → map drawn ≤ 1.5 s. On a small
machine the browsers themselves take most of the CPU (reported beside the replicas'): the figures then measure the
machine as much as the app.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_load  # noqa: E402
import bench_load_browser  # noqa: E402
from bench_load import MB, Rss, machine_busy, pct, verdict, wait_quiet, warm  # noqa: E402
from bench_load_browser import CHROMIUM, LAUNCH_ARGS, BrowserUser, cpu_by_pid  # noqa: E402
from streamlit_client import AppClient, Server  # noqa: E402

from tests.postgres import start_server, stop_server  # noqa: E402
from tests.stores import link_demo_sources  # noqa: E402

BUDGET_P95_S = 1.5  # click → map drawn, real browsers


@dataclass
class Replica:
    index: int
    server: Server
    rss: Rss
    rss_before: int = 0
    cpu0: float = 0.0
    cpu_share: float = 0.0  # of one core, during the load
    rss_end: int = 0
    sessions: int = 0
    clicks: list[float] = field(default_factory=list)
    failures: int = 0


@dataclass
class RunResult:
    replicas: list[Replica]
    sessions: int
    started: int
    failures: list[str]
    first_loads: list[float]
    clicks: list[tuple[str, float]]
    wall_s: float
    machine_cpu: float  # cores busy, everything on the machine
    clients_cpu: float  # Chromium + this script (browsers) or this script (protocol), cores
    postgres_cpu: float  # cores


# ---- PostgreSQL and the replicas


def postgres_processes(server) -> list[psutil.Process]:
    """The postmaster of the throwaway server and its children (backends, checkpointer, ...)."""
    try:
        pid = int((server.data_dir / "postmaster.pid").read_text().splitlines()[0])
        master = psutil.Process(pid)
        return [master, *master.children(recursive=True)]
    except (OSError, ValueError, psutil.Error):
        return []


def start_replicas(n: int, store_url: str, tmp: Path, server_args: tuple[str, ...]) -> list[Replica]:
    """``n`` app processes on the shared store (the environment is read by :class:`Server` when it starts)."""
    replicas = []
    saved = {k: os.environ.get(k) for k in ("UCJ_STORE_URL", "UCJ_DATA_DIR")}
    try:
        for i in range(n):
            data = tmp / f"data-{i + 1}"
            for key, value in saved.items():  # links to the built demo sources: resolved against the default store
                os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
            link_demo_sources(data)
            os.environ["UCJ_STORE_URL"] = store_url
            os.environ["UCJ_DATA_DIR"] = str(data)
            server = Server(ROOT, tmp / f"replica-{i + 1}.log", server_args)
            replicas.append(Replica(i + 1, server, Rss(server)))
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
    return replicas


# ---- one load run


async def run_browsers(replicas: list[Replica], args) -> tuple[list[str], list[float], list[tuple[str, float]], int, float]:
    """``args.sessions`` Chromium pages, round-robin over the replicas; returns failures, first loads, clicks,
    sessions started and the CPU (cores) of Chromium and this script."""
    from playwright.async_api import async_playwright

    stats = [bench_load_browser.Stats() for _ in replicas]
    excluded = {r.server.proc.pid for r in replicas}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        me = psutil.Process()
        pages = await bench_load_browser.new_pages(browser, args.sessions, args.timeout)

        def clients() -> list[psutil.Process]:
            out = [me]
            for p in me.children(recursive=True):
                try:
                    if p.pid not in excluded and not any(a.pid in excluded for a in p.parents()):
                        out.append(p)
                except psutil.Error:
                    pass
            return out

        cpu0 = cpu_by_pid(clients())
        t0 = time.monotonic()
        deadline = t0 + args.duration

        async def start(i: int, page) -> None:
            r = i % len(replicas)
            await asyncio.sleep(i * args.ramp / args.sessions)
            await BrowserUser(page, replicas[r].server.url, stats[r], random.Random(args.seed * 1000 + i), args.pause,
                              deadline, args.timeout).run()

        progress = asyncio.create_task(report_progress(lambda: [c for s in stats for _, c in s.clicks],
                                                       lambda: sum(len(s.failures) for s in stats), t0))
        await asyncio.gather(*(start(i, p) for i, p in enumerate(pages)))
        progress.cancel()
        wall = time.monotonic() - t0
        cpu1 = cpu_by_pid(clients())
        clients_cpu = sum(v - cpu0.get(pid, 0.0) for pid, v in cpu1.items()) / wall
        await browser.close()
    for r, s in zip(replicas, stats):
        r.clicks = [c for _, c in s.clicks]
        r.failures = len(s.failures)
        r.sessions = s.started
    return ([f for s in stats for f in s.failures], [x for s in stats for x in s.first_loads],
            [c for s in stats for c in s.clicks], sum(s.started for s in stats), clients_cpu)


async def run_protocol(replicas: list[Replica], args) -> tuple[list[str], list[float], list[tuple[str, float]], int, float]:
    """``args.sessions`` websocket sessions (``bench_load.User``), round-robin over the replicas."""
    stats = [bench_load.Stats() for _ in replicas]
    me = psutil.Process()
    me0 = sum(me.cpu_times()[:2])
    t0 = time.monotonic()
    deadline = t0 + args.duration
    disconnect = asyncio.Event()

    async def start(i: int) -> None:
        r = i % len(replicas)
        await asyncio.sleep(i * args.ramp / args.sessions)
        user = bench_load.User(AppClient(replicas[r].server.url, args.timeout), stats[r],
                               random.Random(args.seed * 1000 + i), args.pause, deadline)
        await user.run(disconnect)

    tasks = [asyncio.create_task(start(i)) for i in range(args.sessions)]
    progress = asyncio.create_task(report_progress(lambda: [c.seconds for s in stats for c in s.clicks],
                                                   lambda: sum(len(s.failures) for s in stats), t0))
    while sum(s.idle for s in stats) < args.sessions:
        await asyncio.sleep(0.2)
    progress.cancel()
    wall = time.monotonic() - t0
    clients_cpu = (sum(me.cpu_times()[:2]) - me0) / wall
    disconnect.set()
    await asyncio.gather(*tasks)
    for r, s in zip(replicas, stats):
        r.clicks = [c.seconds for c in s.clicks]
        r.failures = len(s.failures)
        r.sessions = s.started
    return ([f for s in stats for f in s.failures], [x for s in stats for x in s.first_loads],
            [(c.kind, c.seconds) for s in stats for c in s.clicks], sum(s.started for s in stats), clients_cpu)


async def report_progress(clicks, failures, t0: float) -> None:
    while True:
        await asyncio.sleep(15)
        recent = clicks()[-200:]
        print(f"  t={time.monotonic() - t0:4.0f} s  clicks {len(clicks()):5d}  recent p50 {pct(recent, 50):.2f} s "
              f"p95 {pct(recent, 95):.2f} s  failed sessions {failures()}", flush=True)


async def one_run(n_replicas: int, pg, args) -> RunResult:
    database = f"ucj_bench_{uuid.uuid4().hex[:8]}"
    store_url = pg.create_database(database)
    tmp = Path(tempfile.mkdtemp(prefix=f"bench_replicas_{n_replicas}_"))
    replicas = start_replicas(n_replicas, store_url, tmp, tuple(args.server_arg))
    try:
        for r in replicas:
            await asyncio.to_thread(r.server.wait_healthy)
        for r in replicas:
            cold = await warm(r.server.url, args.timeout)
            print(f"  replica {r.index} on {r.server.url} (log {r.server.log}): warmed, cold first load {cold:.2f} s, "
                  f"RSS {r.server.rss() / MB:.0f} MB", flush=True)
        await asyncio.sleep(2)
        samplers = []
        for r in replicas:
            r.rss_before = r.rss.peak = r.rss.now()
            r.cpu0 = r.server.cpu_seconds()
            samplers.append(asyncio.create_task(r.rss.sample_forever()))
        pg_procs = postgres_processes(pg)
        pg0 = cpu_by_pid(pg_procs)
        busy0 = machine_busy()
        t0 = time.monotonic()
        runner = run_protocol if args.protocol else run_browsers
        failures, first_loads, clicks, started, clients_cpu = await runner(replicas, args)
        wall = time.monotonic() - t0
        machine = (machine_busy() - busy0) / wall
        pg1 = cpu_by_pid(postgres_processes(pg))
        postgres_cpu = sum(v - pg0.get(pid, 0.0) for pid, v in pg1.items()) / wall
        for r in replicas:
            r.cpu_share = (r.server.cpu_seconds() - r.cpu0) / wall
            r.rss_end = r.rss.now()
        for s in samplers:
            s.cancel()
    finally:
        for r in replicas:
            r.server.stop()
            tracebacks = r.server.log.read_text(errors="replace").count("Traceback")
            if tracebacks:
                print(f"  replica {r.index}: server log has {tracebacks} traceback(s): {r.server.log}")
        try:
            pg.drop_database(database)
        except Exception as exc:  # noqa: BLE001  (report, the figures are what matters)
            print(f"  (could not drop {database}: {exc})")
    return RunResult(replicas, args.sessions, started, failures, first_loads, clicks, wall, machine, clients_cpu,
                     postgres_cpu)


# ---- report


def print_result(r: RunResult, args) -> None:
    clicks = [s for _, s in r.clicks]
    maps = [s for k, s in r.clicks if k == "map"]
    what = "click → map drawn (Chromium)" if not args.protocol else "click → script_finished (websocket, no rendering)"
    print(f"\n== {len(r.replicas)} replica(s), {r.sessions} {'websocket' if args.protocol else 'Chromium'} sessions, "
          f"{r.wall_s:.0f} s; {what}; MB = 10^6 bytes ==")
    ok = r.started - len(r.failures)
    print(f"  sessions ok / failed: {ok} / {len(r.failures)}   (started {r.started})   "
          f"{verdict(not r.failures)} (budget: 0 failed)")
    print(f"  first load p50 / p95: {pct(r.first_loads, 50):.2f} / {pct(r.first_loads, 95):.2f} s")
    p95 = pct(clicks, 95)
    budget = f"{verdict(p95 <= BUDGET_P95_S)} (budget: p95 ≤ {BUDGET_P95_S} s)" if not args.protocol else ""
    print(f"  clicks: {len(clicks)} ({len(clicks) / r.wall_s:.1f}/s); p50 {pct(clicks, 50):.2f} s, p95 {p95:.2f} s, "
          f"max {max(clicks, default=float('nan')):.2f} s   {budget}")
    print(f"    map clicks p50 / p95: {pct(maps, 50):.2f} / {pct(maps, 95):.2f} s ({len(maps)})")
    for rep in r.replicas:
        print(f"  replica {rep.index}: sessions {rep.sessions} (failed {rep.failures}), clicks {len(rep.clicks)} "
              f"p50 {pct(rep.clicks, 50):.2f} s p95 {pct(rep.clicks, 95):.2f} s; CPU {rep.cpu_share * 100:.0f} % of one core; "
              f"RSS before {rep.rss_before / MB:.0f} / peak {rep.rss.peak / MB:.0f} / end {rep.rss_end / MB:.0f} MB")
    replicas_cpu = sum(rep.cpu_share for rep in r.replicas)
    other = r.machine_cpu - replicas_cpu - r.clients_cpu - r.postgres_cpu
    clients = "this load generator" if args.protocol else "Chromium + Playwright + this script"
    print(f"  CPU (% of one core; {psutil.cpu_count()} cores): replicas {replicas_cpu * 100:.0f} %, PostgreSQL "
          f"{r.postgres_cpu * 100:.0f} %, {clients} {r.clients_cpu * 100:.0f} %, other {other * 100:.0f} %, "
          f"whole machine {r.machine_cpu * 100:.0f} %")
    for reason in sorted(set(r.failures)):
        print(f"  failure ×{r.failures.count(reason)}: {reason[:200]}")


def print_summary(results: list[RunResult], args) -> None:
    if len(results) < 2:
        return
    print(f"\n== Summary: {args.sessions} {'websocket' if args.protocol else 'Chromium'} sessions, "
          f"{args.duration:.0f} s each ==")
    print(f"{'':<34}" + "".join(f"{str(len(r.replicas)) + ' replica(s)':>16}" for r in results))

    def row(name, cells):
        print(f"{name:<34}" + "".join(f"{c:>16}" for c in cells))

    row("sessions ok / failed", [f"{r.started - len(r.failures)} / {len(r.failures)}" for r in results])
    clicks = [[s for _, s in r.clicks] for r in results]
    row("clicks (per second)", [f"{len(c)} ({len(c) / r.wall_s:.1f}/s)" for c, r in zip(clicks, results)])
    row("click p50 / p95 (s)", [f"{pct(c, 50):.2f} / {pct(c, 95):.2f}" for c in clicks])
    row("replicas CPU (% of one core)", [f"{sum(p.cpu_share for p in r.replicas) * 100:.0f} %" for r in results])
    row("PostgreSQL CPU (% of one core)", [f"{r.postgres_cpu * 100:.0f} %" for r in results])
    row("clients CPU (% of one core)", [f"{r.clients_cpu * 100:.0f} %" for r in results])
    row("replica RSS peak, each (MB)", ["/".join(f"{p.rss.peak / MB:.0f}" for p in r.replicas) for r in results])


async def bench(args) -> list[RunResult]:
    pg = start_server()
    print(f"PostgreSQL {pg.bin_dir.parent.name} on 127.0.0.1:{pg.port} ({pg.root})")
    results = []
    try:
        for n in args.replicas:
            if args.wait_quiet:
                await asyncio.to_thread(wait_quiet, args.wait_quiet)
            print(f"\n== {n} replica(s), {args.sessions} sessions, {args.duration:.0f} s "
                  f"({'websocket protocol' if args.protocol else 'Chromium'}) ==", flush=True)
            result = await one_run(n, pg, args)
            print_result(result, args)
            results.append(result)
    finally:
        stop_server(pg)
    print_summary(results, args)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2], help="app processes, one run each")
    parser.add_argument("--sessions", type=int, default=40, help="concurrent sessions, round-robin over the replicas")
    parser.add_argument("--duration", type=float, default=120, help="seconds of load per run")
    parser.add_argument("--protocol", action="store_true",
                        help="Streamlit's websocket protocol (bench/bench_load.py) instead of Chromium")
    parser.add_argument("--ramp", type=float, default=10, help="seconds over which the sessions start")
    parser.add_argument("--pause", type=float, default=1.0, help="think time after each click (s)")
    parser.add_argument("--timeout", type=float, default=30, help="a click taking longer fails its session (s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="S",
                        help="before each run, wait up to S seconds for the machine to be idle")
    parser.add_argument("--server-arg", action="append", default=["--server.fileWatcherType=none"],
                        help="extra argument for streamlit run (default: --server.fileWatcherType=none)")
    args = parser.parse_args()
    if not args.protocol and not Path(CHROMIUM).is_file():
        raise SystemExit(f"Chromium not found at {CHROMIUM} (set UCJ_CHROMIUM)")
    asyncio.run(bench(args))


if __name__ == "__main__":
    main()
