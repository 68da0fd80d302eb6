"""The load test's drill, with real browsers: a few concurrent Chromium sessions on the map page.

The counterpart of ``bench/bench_load.py`` (which speaks the websocket protocol and
scales to many sessions): here each session is a Playwright page in Debian's
Chromium, so a click is timed up to the children being *drawn* by Leaflet, and the
CPU the browsers take is reported beside the server's. Same scenario: load ``/``,
click a province, a kabupaten/kota and a kecamatan on the map, "↑", another
kecamatan, back to Indonesia through the breadcrumb, with a 1 s pause after each
step, until ``--duration`` ends. It reports, it does not assert.

    .venv/bin/python bench/bench_load_browser.py [--browsers 5] [--duration 120]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, async_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_load import BUDGET, MB, Rss, machine_busy, pct, verdict, wait_quiet, warm  # noqa: E402
from streamlit_client import Server  # noqa: E402

from tests.e2e.leaflet_probe import (  # noqa: E402
    CHROMIUM_ARGS,
    DRAWN_CODES_JS,
    HIT_POINT_JS,
    MAP_DRAWN_JS,
    MAP_IFRAME,
)
from ucj_dash.geography import boundaries  # noqa: E402
from ucj_dash.geography.regions import Level, level_of, parent_of  # noqa: E402

CHROMIUM = os.environ.get("UCJ_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", *CHROMIUM_ARGS]
VIEWPORT = {"width": 1400, "height": 1000}


@functools.cache
def _layer_codes(level: int, kabupaten: str | None) -> tuple[str, ...]:
    return tuple(boundaries.read_layer(Level(level), display=True, parent=kabupaten)["code"])


def display_children(code: str) -> list[str]:
    """Codes of the children of ``code`` that have a display boundary: what the map draws for it."""
    level = level_of(code) + 1
    if level > Level.VILLAGE:
        return []
    codes = _layer_codes(level, code[:5] if level == Level.VILLAGE else None)
    prefix = "" if code == "ID" else code + "."
    return sorted(c for c in codes if c.startswith(prefix))


class Failed(Exception):
    pass


class TimeUp(Exception):
    pass


@dataclass
class Stats:
    started: int = 0
    failures: list[str] = field(default_factory=list)
    first_loads: list[float] = field(default_factory=list)
    clicks: list[tuple[str, float]] = field(default_factory=list)


class BrowserUser:
    """One Chromium page on the app, drilling like ``bench_load.User``; times clicks until drawn."""

    def __init__(self, page: Page, url: str, stats: Stats, rng: random.Random, pause_s: float, deadline: float,
                 timeout_s: float):
        self.page, self.url, self.stats, self.rng = page, url, stats, rng
        self.pause_s, self.deadline, self.timeout_s = pause_s, deadline, timeout_s

    async def frame(self):
        handle = await self.page.locator(MAP_IFRAME).element_handle(timeout=self.timeout_s * 1000)
        return await handle.content_frame()

    async def wait_drawn(self, codes: list[str], t_end: float) -> None:
        """Until the map draws exactly ``codes`` and is at rest (the iframe may be replaced meanwhile)."""
        while True:
            remaining = t_end - time.monotonic()
            if remaining <= 0:
                raise Failed(f"timeout: map not drawn within {self.timeout_s:.0f} s")
            try:
                frame = await self.frame()
                await frame.wait_for_function(MAP_DRAWN_JS, arg=codes, polling="raf", timeout=remaining * 1000)
                return
            except PlaywrightError as exc:
                if "Timeout" in str(exc):
                    raise Failed(f"timeout: map not drawn within {self.timeout_s:.0f} s") from None
                await asyncio.sleep(0.05)  # frame detached by a rerun: look again

    async def timed(self, action, expect: list[str]) -> float:
        t0 = time.perf_counter()
        await action()
        await self.wait_drawn(expect, time.monotonic() + self.timeout_s)
        return time.perf_counter() - t0

    async def think(self) -> None:
        await asyncio.sleep(self.pause_s)
        if time.monotonic() >= self.deadline:
            raise TimeUp

    async def click_region(self, exclude: set[str] = frozenset()) -> str | None:
        """Click a drawn region that has children drawn in turn; None if there is none."""
        frame = await self.frame()
        drawn = [c for c in await frame.evaluate(DRAWN_CODES_JS) if c not in exclude]
        self.rng.shuffle(drawn)
        await self.think()
        iframe = self.page.locator(MAP_IFRAME)
        await iframe.evaluate("el => el.scrollIntoView({block: 'center'})")
        for code in drawn:
            children = display_children(code)
            hit = children and await frame.evaluate(HIT_POINT_JS, code)
            if not hit:
                continue
            box = await iframe.bounding_box()
            x, y = box["x"] + hit["vx"], box["y"] + hit["vy"]
            seconds = await self.timed(functools.partial(self.page.mouse.click, x, y), children)
            self.stats.clicks.append(("map", seconds))
            return code
        return None

    async def click_button(self, key: str, region: str) -> None:
        await self.think()
        seconds = await self.timed(self.page.locator(f".st-key-{key} button").click, display_children(region))
        self.stats.clicks.append(("button", seconds))

    async def run(self) -> None:
        self.stats.started += 1
        try:
            t0 = time.perf_counter()
            await self.page.goto(self.url)
            await self.wait_drawn(display_children("ID"), time.monotonic() + self.timeout_s)
            self.stats.first_loads.append(time.perf_counter() - t0)
            while True:
                path = []
                for _ in range(3):
                    code = await self.click_region()
                    if code is None:
                        break
                    path.append(code)
                if len(path) == 3:
                    await self.click_button("crumb_up", parent_of(path[2]))
                    await self.click_region(exclude={path[2]})
                if path:
                    await self.click_button("crumb_ID", "ID")
        except TimeUp:
            pass
        except (Failed, PlaywrightError) as exc:
            self.stats.failures.append(str(exc).splitlines()[0][:200])


def cpu_by_pid(procs: list[psutil.Process]) -> dict[int, float]:
    """CPU seconds of each process (those gone meanwhile are left out)."""
    out = {}
    for p in procs:
        try:
            t = p.cpu_times()
            out[p.pid] = t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return out



async def new_pages(browser, count: int, timeout_s: float) -> list:
    """``count`` pages of ``browser``, each in a context of its own (one session each) at :data:`VIEWPORT`."""
    pages = []
    for _ in range(count):
        context = await browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(timeout_s * 1000)
        pages.append(await context.new_page())
    return pages

async def bench(args) -> None:
    if args.wait_quiet:
        await asyncio.to_thread(wait_quiet, args.wait_quiet)
    log = Path(tempfile.mkstemp(prefix="bench_load_browser_", suffix=".log")[1])
    server = Server(ROOT, log, tuple(args.server_arg))
    try:
        await asyncio.to_thread(server.wait_healthy)
        cold = await warm(server.url, args.timeout)
        await asyncio.sleep(2)
        print(f"server on {server.url} (log {log}); warmed (cold first load {cold:.2f} s), RSS {server.rss() / MB:.0f} MB")
        stats = Stats()
        rss = Rss(server)
        rss_before = rss.peak = rss.now()
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            me = psutil.Process()
            pages = await new_pages(browser, args.browsers, args.timeout)
            sampler = asyncio.create_task(rss.sample_forever())
            browsers0 = cpu_by_pid(me.children(recursive=True))
            cpu0 = (server.cpu_seconds(), sum(cpu_by_pid([me]).values()), machine_busy())
            t0 = time.monotonic()
            deadline = t0 + args.duration

            async def start(i: int, page: Page) -> None:
                await asyncio.sleep(i * args.ramp / args.browsers)
                await BrowserUser(page, server.url, stats, random.Random(args.seed * 1000 + i), args.pause, deadline,
                                  args.timeout).run()

            await asyncio.gather(*(start(i, p) for i, p in enumerate(pages)))
            wall = time.monotonic() - t0
            browsers1 = cpu_by_pid(me.children(recursive=True))
            cpu1 = (server.cpu_seconds(), sum(cpu_by_pid([me]).values()), machine_busy())
            browser_cpu = sum(v - browsers0.get(pid, 0.0) for pid, v in browsers1.items()) / wall
            rss_end = rss.now()
            await browser.close()
        print(f"  all browsers closed; waiting {args.linger:.0f} s")
        await asyncio.sleep(args.linger)
        rss_after = rss.now()
        sampler.cancel()
    finally:
        server.stop()

    server_cpu, me_cpu, machine = ((b - a) / wall for a, b in zip(cpu0, cpu1))
    clicks = [s for _, s in stats.clicks]
    maps = [s for k, s in stats.clicks if k == "map"]
    buttons = [s for k, s in stats.clicks if k == "button"]
    print(f"\n== Summary: {args.browsers} Chromium sessions, {wall:.0f} s "
          f"(click = until the children are drawn by Leaflet; MB = 10^6 bytes) ==")
    rows = [
        ("sessions started / failed", f"{stats.started} / {len(stats.failures)}", "0 failed",
         verdict(len(stats.failures) <= BUDGET["failed"])),
        ("first load p50 / p95", f"{pct(stats.first_loads, 50):.2f} / {pct(stats.first_loads, 95):.2f} s", "", ""),
        ("clicks (per second)", f"{len(clicks)} ({len(clicks) / wall:.1f}/s)", "", ""),
        ("click p50 / p95 / max", f"{pct(clicks, 50):.2f} / {pct(clicks, 95):.2f} / {max(clicks, default=float('nan')):.2f} s",
         "", ""),
        ("  map clicks p50 / p95", f"{pct(maps, 50):.2f} / {pct(maps, 95):.2f} s ({len(maps)})", "", ""),
        ("  buttons p50 / p95", f"{pct(buttons, 50):.2f} / {pct(buttons, 95):.2f} s ({len(buttons)})", "", ""),
        ("CPU: server", f"{server_cpu * 100:.0f} %", "of one core", ""),
        ("CPU: Chromium + Playwright", f"{browser_cpu * 100:.0f} %", "of one core", ""),
        ("CPU: this script", f"{me_cpu * 100:.0f} %", "of one core", ""),
        ("CPU: everything on the machine", f"{machine * 100:.0f} %", f"of {psutil.cpu_count()} cores", ""),
        ("server RSS before / peak / end", f"{rss_before / MB:.0f} / {rss.peak / MB:.0f} / {rss_end / MB:.0f} MB", "", ""),
        (f"server RSS {args.linger:.0f} s after the browsers left", f"{rss_after / MB:.0f} MB", "", ""),
        ("RSS growth, peak − before", f"{(rss.peak - rss_before) / MB:+.0f} MB", "≤ +150 MB",
         verdict(rss.peak - rss_before <= BUDGET["rss_growth"])),
    ]
    for name, value, budget, ok in rows:
        print(f"{name:<38} {value:>26}   {budget:<12} {ok}")
    for reason in sorted(set(stats.failures)):
        print(f"  failure ×{stats.failures.count(reason)}: {reason}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browsers", type=int, default=5, help="concurrent Chromium sessions")
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--ramp", type=float, default=5, help="seconds over which the sessions start")
    parser.add_argument("--pause", type=float, default=1.0)
    parser.add_argument("--linger", type=float, default=30)
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="S",
                        help="before the run, wait up to S seconds for the machine to be idle")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="extra argument for streamlit run, e.g. --server-arg=--server.fileWatcherType=none")
    args = parser.parse_args()
    if not Path(CHROMIUM).is_file():
        raise SystemExit(f"Chromium not found at {CHROMIUM} (set UCJ_CHROMIUM)")
    asyncio.run(bench(args))


if __name__ == "__main__":
    main()
