"""Load test of the map page: many concurrent users drilling the map, no browser.

Each simulated user speaks Streamlit's websocket protocol (``bench/streamlit_client.py``),
so the machine's CPU goes to the server, not to rendering. For each number of
sessions the script starts its own ``streamlit run app.py`` on a free port, warms
it with one drill down to a kecamatan, then starts the sessions (spread over
``--ramp`` seconds). Every session:

1. loads ``/`` (health, host config, websocket, first run) — the *first load*;
2. clicks a province on the map, then a kabupaten/kota, then a kecamatan, as the
   browser does: the map component's value becomes the clicked GeoJSON feature
   (``last_active_drawing``, ``last_object_clicked``), picked at random among the
   features the component received;
3. goes one level up (the "↑" button), clicks another kecamatan, and returns to
   Indonesia through the breadcrumb; then again from 2 until ``--duration`` ends.

There is a ``--pause`` (1 s) after every run. A *click* is timed from sending the
``rerun_script`` to ``script_finished`` (server work and transfer; no rendering),
and checked: the URL must show the clicked region and the map its children.
A session fails on an exception in the app, a disconnect, a run over 30 s or a
wrong view. Server RSS (with children) is sampled every 0.5 s, and again at the
``--linger`` times after all sessions disconnected; ``/_stcore/metrics`` (sessions and
Streamlit's own caches: the app keeps its views in bounded caches of its own,
``ui/loaders.kept``, which it does not list) is read at the end. It reports, it does not assert: a missed budget
still exits 0. The load generator takes a few % of one core; other work on the
machine is reported beside the server's CPU because it skews every figure.

    .venv/bin/python bench/bench_load.py [--sessions 20 50] [--duration 120] [--ramp 10]
    # while files under the app are being edited, keep Streamlit's watcher from reloading modules:
    .venv/bin/python bench/bench_load.py --server-arg=--server.fileWatcherType=none --wait-quiet 600
    .venv/bin/python bench/bench_load.py --url http://127.0.0.1:8501 --sessions 5   # a running server
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from streamlit_client import AppClient, RunResult, Server, SessionFailed, http_get  # noqa: E402

MAP_COMPONENT = "streamlit_folium.st_folium"
MB = 1_000_000
BUDGET = {"failed": 0, "click_p95_s": 0.5, "rss_growth": 150 * MB, "rss_retained": 25 * MB}
SAMPLE_S = 0.5


# ---- what the map shows and what a click on it sends


def map_features(client: AppClient) -> list[dict]:
    """The GeoJSON features the map component was given in the last run (its ``feature_group`` script)."""
    ci = client.components.get(MAP_COMPONENT)
    if ci is None:
        return []
    script = json.loads(ci.json_args).get("feature_group") or ""
    features = []
    start = 0
    while (start := script.find("_add({", start)) != -1:
        collection, end = json.JSONDecoder().raw_decode(script, start + len("_add("))
        features.extend(collection.get("features", []))
        start = end
    return features


def inner_point(feature: dict) -> dict:
    """A point of the feature (mean of its first ring), as Leaflet reports the clicked position."""
    geom = feature["geometry"]
    ring = geom["coordinates"][0][0] if geom["type"] == "MultiPolygon" else geom["coordinates"][0]
    return {"lat": sum(p[1] for p in ring) / len(ring), "lng": sum(p[0] for p in ring) / len(ring)}


def region_in_url(query_string: str) -> str:
    return parse_qs(query_string).get("region", ["ID"])[0]


@dataclass
class Click:
    kind: str  # "map" (a drill on the map) or "button" (↑ or the breadcrumb)
    seconds: float
    received: int


@dataclass
class Stats:
    started: int = 0
    failures: list[str] = field(default_factory=list)
    first_loads: list[float] = field(default_factory=list)
    clicks: list[Click] = field(default_factory=list)
    warnings: Counter = field(default_factory=Counter)
    unsolicited: Counter = field(default_factory=Counter)
    cache_hits: int = 0  # map messages the server sent as ref_hash (the client had them cached)
    idle: int = 0  # sessions that stopped clicking (time is up, or failed)


class TimeUp(Exception):
    """The run's duration ended between two clicks."""


class User:
    """One simulated user: a client plus the drill-down scenario, recording into ``stats``."""

    def __init__(self, client: AppClient, stats: Stats, rng: random.Random, pause_s: float,
                 deadline: float = float("inf")):
        self.client, self.stats, self.rng, self.pause_s, self.deadline = client, stats, rng, pause_s, deadline

    async def _think(self) -> None:
        await asyncio.sleep(self.pause_s)
        if time.monotonic() >= self.deadline:
            raise TimeUp

    def _record(self, kind: str, result: RunResult) -> None:
        self.stats.clicks.append(Click(kind, result.seconds, result.received))
        self.stats.warnings.update(result.warnings)

    async def click_region(self, exclude: set[str] = frozenset()) -> str | None:
        """Click a region drawn on the map (not in ``exclude``); return its code, None if there is none."""
        features = [f for f in map_features(self.client) if f["properties"]["code"] not in exclude]
        if not features:
            return None
        feature = self.rng.choice(features)
        code = feature["properties"]["code"]
        value = {"last_object_clicked": inner_point(feature), "last_active_drawing": feature}
        await self._think()
        result = await self.client.rerun([self.client.set_component_value(MAP_COMPONENT, value)])
        self._record("map", result)
        self.check_view(code, f"click on {code}")
        return code

    async def click_button(self, key: str, expect_region: str) -> None:
        await self._think()
        result = await self.client.click_button(key)
        self._record("button", result)
        self.check_view(expect_region, f"button {key}")

    def check_view(self, region: str, what: str) -> None:
        """The URL shows ``region`` and the map draws children of it."""
        shown = region_in_url(self.client.query_string)
        if shown != region:
            raise SessionFailed(f"wrong view after {what}: URL region={shown}")
        codes = [f["properties"]["code"] for f in map_features(self.client)]
        prefix = "" if region == "ID" else region + "."
        if any(not c.startswith(prefix) or c.count(".") != prefix.count(".") for c in codes):
            raise SessionFailed(f"wrong map after {what}: draws {codes[:3]}…")

    async def cycle(self) -> None:
        """Province → kabupaten → kecamatan, ↑, another kecamatan, back to Indonesia."""
        path = []
        for _ in range(3):
            code = await self.click_region()
            if code is None:
                break
            path.append(code)
        if len(path) == 3:
            await self.click_button("crumb_up", path[1])
            await self.click_region(exclude={path[2]})
        if path:
            await self.click_button("crumb_ID", "ID")

    async def run(self, disconnect: asyncio.Event) -> None:
        """First load, cycles until the deadline, then stay connected until ``disconnect`` is set."""
        failed = False
        try:
            self.stats.started += 1
            result = await self.client.open("")
            self.stats.first_loads.append(result.seconds)
            self.stats.warnings.update(result.warnings)
            self.check_view("ID", "first load")
            while True:
                await self.cycle()
        except TimeUp:
            pass
        except SessionFailed as exc:
            self.stats.failures.append(str(exc))
            failed = True
        try:
            self.stats.idle += 1
            if not failed:
                await disconnect.wait()
        finally:
            self.stats.unsolicited.update(self.client.unsolicited)
            self.stats.cache_hits += self.client.cache_hits
            await self.client.close()


# ---- one load run


@dataclass
class RunReport:
    sessions: int
    stats: Stats
    rss_before: int
    rss_peak: int
    rss_end: int
    rss_after: dict[float, int]  # seconds after disconnect -> RSS
    server_cpu: float  # share of one core during the load
    client_cpu: float
    machine_cpu: float  # all processes, in cores (the other engineers' work shares this machine)
    wall_s: float
    metrics_end: dict = field(default_factory=dict)
    metrics_after: dict = field(default_factory=dict)


def machine_busy() -> float:
    """CPU seconds spent by every process on the machine so far."""
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


def wait_quiet(max_wait_s: float, busy_cores: float = 0.2, window_s: float = 10) -> None:
    """Wait (up to ``max_wait_s``) until the machine's other work stays under ``busy_cores`` for ``window_s``.

    Other people's tests and builds on the same cores skew every figure here.
    """
    t_end = time.monotonic() + max_wait_s
    while True:
        b0, t0 = machine_busy(), time.monotonic()
        time.sleep(window_s)
        busy = (machine_busy() - b0) / (time.monotonic() - t0)
        if busy <= busy_cores or time.monotonic() >= t_end:
            print(f"  machine busy {busy * 100:.0f} % of one core over {window_s:.0f} s before the run"
                  + ("" if busy <= busy_cores else " (gave up waiting for quiet)"))
            return


def parse_metrics(text: str) -> dict[str, float]:
    """``/_stcore/metrics`` (OpenMetrics text) as {'name{labels}': value}."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            try:
                out[name] = float(value)
            except ValueError:
                pass
    return out


def scrape_metrics(url: str) -> dict[str, float]:
    try:
        return parse_metrics(http_get(f"{url}/_stcore/metrics", timeout=30).decode())
    except OSError as exc:
        print(f"  (metrics unavailable: {exc})")
        return {}


class Rss:
    """Server RSS sampled in the background (no-op without a server process)."""

    def __init__(self, server: Server | None):
        self.server = server
        self.peak = 0

    def now(self) -> int:
        value = self.server.rss() if self.server else 0
        self.peak = max(self.peak, value)
        return value

    async def sample_forever(self) -> None:
        while True:
            await asyncio.to_thread(self.now)
            await asyncio.sleep(SAMPLE_S)


async def warm(url: str, timeout_s: float) -> float:
    """One user drilling to a kecamatan and back, no pauses (loads registry, dataset and layers)."""
    client = AppClient(url, timeout_s)
    try:
        first = await client.open("")
        user = User(client, Stats(), random.Random(0), pause_s=0)
        await user.cycle()
        return first.seconds
    finally:
        await client.close()


async def load(url: str, server: Server | None, n: int, args) -> RunReport:
    stats = Stats()
    rss = Rss(server)
    rss_before = rss.now()
    rss.peak = rss_before
    sampler = asyncio.create_task(rss.sample_forever())
    me = psutil.Process()
    cpu0 = server.cpu_seconds() if server else 0.0
    me0 = sum(me.cpu_times()[:2])
    busy0 = machine_busy()
    t0 = time.monotonic()
    deadline = t0 + args.duration
    disconnect = asyncio.Event()

    async def start(i: int) -> None:
        await asyncio.sleep(i * args.ramp / n)
        user = User(AppClient(url, args.timeout), stats, random.Random(args.seed * 1000 + i), args.pause, deadline)
        await user.run(disconnect)

    tasks = [asyncio.create_task(start(i)) for i in range(n)]
    progress = asyncio.create_task(report_progress(stats, rss, t0))
    while stats.idle < n:  # every session has stopped clicking (or failed): sample, then let them go
        await asyncio.sleep(0.2)
    wall = time.monotonic() - t0
    server_cpu = ((server.cpu_seconds() if server else 0.0) - cpu0) / wall
    client_cpu = (sum(me.cpu_times()[:2]) - me0) / wall
    machine_cpu = (machine_busy() - busy0) / wall
    progress.cancel()
    rss_end = await asyncio.to_thread(rss.now)
    metrics_end = await asyncio.to_thread(scrape_metrics, url)
    disconnect.set()
    await asyncio.gather(*tasks)
    gone = time.monotonic()
    print(f"  all sessions disconnected; RSS samples {', '.join(f'{s:.0f}' for s in args.linger)} s later")
    rss_after = {}
    for delay in sorted(args.linger):
        await asyncio.sleep(max(0.0, gone + delay - time.monotonic()))
        rss_after[delay] = await asyncio.to_thread(rss.now)
    sampler.cancel()
    metrics_after = await asyncio.to_thread(scrape_metrics, url)
    return RunReport(n, stats, rss_before, rss.peak, rss_end, rss_after, server_cpu, client_cpu, machine_cpu, wall,
                     metrics_end, metrics_after)


async def report_progress(stats: Stats, rss: Rss, t0: float) -> None:
    while True:
        await asyncio.sleep(15)
        recent = [c.seconds for c in stats.clicks[-200:]]
        med = f"{statistics.median(recent):.2f} s" if recent else "-"
        print(f"  t={time.monotonic() - t0:5.0f} s  sessions {stats.started - len(stats.failures):3d} up, "
              f"{len(stats.failures)} failed  clicks {len(stats.clicks):5d} (recent median {med})  "
              f"RSS {rss.peak / MB:.0f} MB peak")


# ---- report


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[max(0, math.ceil(q / 100 * len(values)) - 1)]  # nearest rank


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER"


def print_run(r: RunReport) -> None:
    s = r.stats
    clicks = [c.seconds for c in s.clicks]
    by_kind = {k: [c.seconds for c in s.clicks if c.kind == k] for k in ("map", "button")}
    print(f"  sessions started {s.started}, failed {len(s.failures)}; first load p50 {pct(s.first_loads, 50):.2f} s "
          f"p95 {pct(s.first_loads, 95):.2f} s")
    print(f"  clicks {len(clicks)} ({len(by_kind['map'])} on the map, {len(by_kind['button'])} buttons) in "
          f"{r.wall_s:.0f} s = {len(clicks) / r.wall_s:.1f}/s; click → script_finished p50 {pct(clicks, 50):.3f} s "
          f"p95 {pct(clicks, 95):.3f} s max {max(clicks, default=float('nan')):.3f} s")
    for kind, values in by_kind.items():
        if values:
            print(f"    {kind:<6} p50 {pct(values, 50):.3f} s  p95 {pct(values, 95):.3f} s  max {max(values):.3f} s")
    received = [c.received for c in s.clicks]
    if received:
        print(f"  received per click: median {statistics.median(received) / 1000:.1f} kB, max {max(received) / 1000:.1f} kB; "
              f"{s.cache_hits} messages sent as ref_hash (client-cached)")
    other = r.machine_cpu - r.server_cpu - r.client_cpu
    print(f"  CPU, in % of one core ({psutil.cpu_count()} cores): server {r.server_cpu * 100:.0f} %, "
          f"this load generator {r.client_cpu * 100:.0f} %, other processes {other * 100:.0f} %"
          + (" (with the server: --url)" if not r.rss_before else ""))
    print(f"  server RSS before {r.rss_before / MB:.0f} MB, peak {r.rss_peak / MB:.0f} MB, end {r.rss_end / MB:.0f} MB, "
          + ", ".join(f"{d:.0f} s after disconnect {v / MB:.0f} MB" for d, v in r.rss_after.items()))
    for reason, count in Counter(s.failures).most_common(5):
        print(f"  failure ×{count}: {reason[:200]}")
    for text, count in s.warnings.most_common(3):
        print(f"  warning in the app ×{count}: {text[:160]}")
    if s.unsolicited:
        print(f"  messages outside a run: {dict(s.unsolicited)} (e.g. files edited under the app: script_changed_on_disk)")
    print_metrics(r)


def print_metrics(r: RunReport) -> None:
    """Where the server's caches stand (``/_stcore/metrics``) at the end and after the sessions left."""
    last = max(r.rss_after, default=0)
    for label, metrics in (("at the end of the run", r.metrics_end), (f"{last:.0f} s after disconnect", r.metrics_after)):
        if not metrics:
            continue
        memory = Counter()
        for name, value in metrics.items():
            if name.startswith("cache_memory_bytes{"):
                labels = dict(part.split("=", 1) for part in name[name.index("{") + 1:-1].split(","))
                memory[labels.get("cache_type", "?").strip('"') + ":" + labels.get("cache", "?").strip('"')] += value
        active = metrics.get("active_sessions", metrics.get("active_sessions_total", float("nan")))
        top = ", ".join(f"{k.split(':', 1)[1] or k} {v / MB:.1f} MB" for k, v in memory.most_common(4))
        print(f"  metrics {label}: active sessions {active:.0f}; cache memory {sum(memory.values()) / MB:.1f} MB ({top})")
    lookups = Counter()
    for name, value in r.metrics_end.items():
        if name.startswith("cache_lookups_total{"):
            cache = name.split('cache="', 1)[1].split('"', 1)[0]
            lookups[(cache.rsplit(".", 1)[-1], "hit" if 'result="hit"' in name else "miss")] += value
    caches = sorted({c for c, _ in lookups})
    if caches:
        print("  cache hit/miss at the end: " + ", ".join(f"{c} {lookups[(c, 'hit')]:.0f}/{lookups[(c, 'miss')]:.0f}" for c in caches))


def print_summary(reports: list[RunReport]) -> None:
    print("\n== Summary (MB = 10^6 bytes; click = rerun_script → script_finished, no rendering) ==")
    head = f"{'':<38}" + "".join(f"{str(r.sessions) + ' sessions':>14}" for r in reports)
    print(head + "   budget")

    def row(name: str, cells: list[str], budget: str = "") -> None:
        print(f"{name:<38}" + "".join(f"{c:>14}" for c in cells) + (f"   {budget}" if budget else ""))

    row("sessions started / failed", [f"{r.stats.started} / {len(r.stats.failures)}" for r in reports], "0 failed")
    row("", [verdict(len(r.stats.failures) <= BUDGET["failed"]) for r in reports])
    row("first load p50 / p95 (s)", [f"{pct(r.stats.first_loads, 50):.2f} / {pct(r.stats.first_loads, 95):.2f}" for r in reports])
    clicks = [[c.seconds for c in r.stats.clicks] for r in reports]
    row("clicks (per second)", [f"{len(c)} ({len(c) / r.wall_s:.1f}/s)" for c, r in zip(clicks, reports)])
    row("click p50 (s)", [f"{pct(c, 50):.3f}" for c in clicks])
    row("click p95 (s)", [f"{pct(c, 95):.3f}" for c in clicks], f"≤ {BUDGET['click_p95_s']} s at 20 sessions")
    row("", [verdict(pct(c, 95) <= BUDGET["click_p95_s"]) if r.sessions <= 20 else "-" for c, r in zip(clicks, reports)])
    row("click max (s)", [f"{max(c, default=float('nan')):.3f}" for c in clicks])
    row("server CPU (% of one core)", [f"{r.server_cpu * 100:.0f} %" for r in reports])
    row("other processes' CPU (% of one core)", [f"{(r.machine_cpu - r.server_cpu - r.client_cpu) * 100:.0f} %" for r in reports],
        "should be ~0: a busy machine skews")
    row("server RSS before (MB)", [f"{r.rss_before / MB:.0f}" for r in reports])
    row("server RSS peak (MB)", [f"{r.rss_peak / MB:.0f}" for r in reports])
    row("server RSS end of run (MB)", [f"{r.rss_end / MB:.0f}" for r in reports])
    for delay in reports[0].rss_after:
        row(f"server RSS {delay:.0f} s after disconnect (MB)", [f"{r.rss_after.get(delay, 0) / MB:.0f}" for r in reports])
    row("RSS growth, peak − before (MB)", [f"{(r.rss_peak - r.rss_before) / MB:+.0f}" for r in reports], "≤ +150 MB")
    row("", [verdict(r.rss_peak - r.rss_before <= BUDGET["rss_growth"]) for r in reports])
    last = max(reports[0].rss_after)  # the sessions end server.disconnectedSessionTTL (30 s) after their tabs closed
    row(f"RSS retained {last:.0f} s after (MB)", [f"{(r.rss_after[last] - r.rss_before) / MB:+.0f}" for r in reports],
        "released: ≤ +25 MB over before")
    row("", [verdict(r.rss_after[last] - r.rss_before <= BUDGET["rss_retained"]) for r in reports])


# ---- main


async def bench(args) -> list[RunReport]:
    reports = []
    for n in args.sessions:
        print(f"\n== {n} sessions, {args.duration:.0f} s (ramp {args.ramp:.0f} s, pause {args.pause:.1f} s) ==")
        server = None
        if args.wait_quiet:
            await asyncio.to_thread(wait_quiet, args.wait_quiet)
        log = Path(tempfile.mkstemp(prefix=f"bench_load_{n}_", suffix=".log")[1])
        try:
            if args.url:
                url = args.url.rstrip("/")
            else:
                server = Server(ROOT, log, tuple(args.server_arg))
                url = server.url
                t0 = time.perf_counter()
                await asyncio.to_thread(server.wait_healthy)
                print(f"  server healthy after {time.perf_counter() - t0:.1f} s on {url} (log {log})")
            cold = await warm(url, args.timeout)
            await asyncio.sleep(2)
            print(f"  warmed: first load of a cold server {cold:.2f} s, one drill down and back; "
                  f"RSS {server.rss() / MB if server else float('nan'):.0f} MB")
            report = await load(url, server, n, args)
            print_run(report)
            reports.append(report)
        finally:
            if server:
                server.stop()
                tracebacks = log.read_text(errors="replace").count("Traceback")
                if tracebacks:
                    print(f"  server log has {tracebacks} traceback(s): {log}")
    return reports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[20, 50], help="concurrent sessions, one run each")
    parser.add_argument("--duration", type=float, default=120, help="seconds of load per run")
    parser.add_argument("--ramp", type=float, default=10, help="seconds over which the sessions start")
    parser.add_argument("--pause", type=float, default=1.0, help="think time after each run (s)")
    parser.add_argument("--linger", type=float, nargs="+", default=[60],
                        help="seconds after all sessions disconnected at which to sample RSS (the server drops a closed "
                             "tab's session after server.disconnectedSessionTTL = 30 s, then releases memory when idle)")
    parser.add_argument("--timeout", type=float, default=30, help="a run taking longer fails its session (s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", help="drive this running server instead of starting one (no RSS figures)")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="S",
                        help="before each run, wait up to S seconds for the machine to be idle")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="extra argument for streamlit run, e.g. --server-arg=--server.fileWatcherType=none")
    args = parser.parse_args()
    reports = asyncio.run(bench(args))
    if reports:
        print_summary(reports)


if __name__ == "__main__":
    main()
