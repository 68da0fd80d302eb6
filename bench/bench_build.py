"""Benchmark the boundary build: full build time and peak RSS (whole process tree), then a no-op rebuild.

Builds into a temporary geo directory so the project's own layers are untouched.
Budgets (issue #2, this 2-core machine): full build ≤ 30 s and ≤ 1.2 GB peak RSS;
rebuild with nothing changed ≤ 1 s. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent


def run_measured(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall time (s) and peak summed RSS (MB) of ``cmd`` and all its children."""
    peak = 0
    start = time.perf_counter()
    proc = psutil.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            try:
                procs = [proc, *proc.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    code = proc.wait()
    elapsed = time.perf_counter() - start
    done.set()
    thread.join()
    if code:
        sys.exit(f"build failed with exit code {code}")
    return elapsed, peak / 1e6


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "UCJ_GEO_DIR": tmp}
        cmd = [sys.executable, "-m", "ucj_dash", "build-boundaries"]
        full_s, full_mb = run_measured(cmd, env)
        noop_s, noop_mb = run_measured(cmd, env)
        sys.path.insert(0, str(ROOT))
        os.environ["UCJ_GEO_DIR"] = tmp
        from ucj_dash.geography.boundaries import read_manifest

        manifest = read_manifest()
    print(f"full build (4 levels, repair, display geometry): {full_s:6.1f} s   budget ≤ 30 s")
    print(f"  of which inside the builder:                   {manifest['build_seconds']:6.1f} s")
    print(f"peak RSS, process tree:                          {full_mb:6.0f} MB  budget ≤ 1200 MB")
    print(f"rebuild with nothing changed (whole command):    {noop_s:6.2f} s   budget ≤ 1 s")
    print("largest map payload per view (GeoJSON, codes and names):")
    budgets = {"prov": 350, "kab": 900, "kec": 1000, "desa": 1000}
    for level, info in manifest["display"].items():
        print(f"  {level:5s} {info['max_payload_bytes'] / 1000:7.0f} KB over {info['views']:3d} views   budget ≤ {budgets[level]} KB")
    print(f"source vertices: {manifest['source_vertices']}")


if __name__ == "__main__":
    main()
