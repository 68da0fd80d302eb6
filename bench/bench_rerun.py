"""Server-side work per rerun of the map, profile and priority pages with warm caches (budget ≤ 150 ms).

Runs the real page script in Streamlit's AppTest (no browser, same process),
once to warm the caches for each view, then times repeated reruns. Prints figures.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"map": None, "profile": "pages/profile.py", "priority": "pages/priority.py"}
VIEWS = [
    {},
    {"region": "53"},
    {"region": "53.02"},
    {"region": "53.02.02"},
    {"region": "53.02.02.2001"},
    {"region": "35", "metric": "extreme_poverty"},
    {"region": "35.07", "metric": "uncovered_workers", "classes": "quantiles"},
    {"region": "91.01.01", "metric": "village_officials"},
    {"page": "profile"},
    {"page": "profile", "region": "53"},
    {"page": "profile", "region": "53.02", "cov": "vulnerable"},
    {"page": "profile", "region": "53.02.02.2001"},
    {"page": "priority"},
    {"page": "priority", "plevel": "kab"},
    {"page": "priority", "region": "53", "plevel": "kec"},
    {"page": "priority", "region": "53.02", "plevel": "desa"},
]


def main(repeats: int = 5) -> None:
    sys.path.insert(0, str(ROOT))
    rows = []
    for params in VIEWS:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        for k, v in params.items():
            if k != "page":
                at.query_params[k] = v
        if PAGES[params.get("page", "map")]:
            at.switch_page(PAGES[params["page"]])
        start = time.perf_counter()
        at.run()
        cold = time.perf_counter() - start
        if at.exception:
            sys.exit(f"page failed for {params}: {at.exception}")
        warm = []
        for _ in range(repeats):
            start = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - start)
        rows.append((params, cold, statistics.median(warm), max(warm)))
    print("server-side rerun per page (AppTest, same process)")
    print(f"{'view':48s} {'cold s':>7s} {'warm median ms':>15s} {'warm max ms':>12s}")
    for params, cold, med, worst in rows:
        label = "&".join(f"{k}={v}" for k, v in params.items()) or "(national)"
        print(f"{label:48s} {cold:7.2f} {med * 1000:15.0f} {worst * 1000:12.0f}")
    all_warm = [r[2] for r in rows]
    print(f"warm median over views: {statistics.median(all_warm) * 1000:.0f} ms; worst view median "
          f"{max(all_warm) * 1000:.0f} ms   budget ≤ 150 ms")


if __name__ == "__main__":
    main()
