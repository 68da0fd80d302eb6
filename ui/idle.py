"""Memory back to the system when the server is idle.

A burst of visitors leaves garbage behind (the objects of finished page runs: Streamlit's full collection after
every run is off, ``.streamlit/config.toml``), and sessions whose tab was closed are dropped only
``server.disconnectedSessionTTL`` seconds later. A watcher thread, started with the server (``ui/warmup.py``),
calls :func:`ucj_dash.memory.release` once no page has run for :data:`IDLE_S` seconds, and again whenever there
were runs, or sessions were dropped, since its last release. When no session is left at all, it first forgets the
views made for them (bounded caches, but ~100 MB once full: composed frames of other periods, village geometry, map
layers) and makes the national view again, so the server is back where it started and the next first visit is as
fast. Measured by ``bench/bench_load.py`` (RSS after the sessions left).
"""

from __future__ import annotations

import logging
import threading

from ucj_dash import memory
from ui import admission

#: seconds without a page run after which the server counts as idle
IDLE_S = 10.0
#: seconds between two looks
CHECK_S = 5.0
_LOG = logging.getLogger(__name__)
_started = threading.Event()


def _session_count() -> int | None:
    """Sessions the server keeps (connected or waiting for a reconnect), after dropping those whose
    ``disconnectedSessionTTL`` is over; None when it cannot say."""
    try:
        from streamlit import runtime

        manager = runtime.get_instance()._session_mgr  # noqa: SLF001 - no public count of all sessions
        # Streamlit keeps closed tabs' sessions in a cachetools TTLCache, which stops listing them when their time is
        # over but lets go of them (their whole state) only on its next write: with no new visitor, never
        expire = getattr(getattr(manager._session_storage, "_cache", None), "expire", None)  # noqa: SLF001
        if callable(expire):
            expire()
        return manager.num_sessions()
    except Exception:  # noqa: BLE001 - no runtime (tests), or Streamlit changed: release after runs only
        return None


def release_if_idle(last: tuple | None) -> tuple | None:
    """Release memory when the server is idle and something happened since ``last`` (what this returned the
    previous time); returns what to pass next time."""
    running, started, idle_s = admission.activity()
    if running or not started or idle_s < IDLE_S:  # busy, or nothing ran since the start (and its warm-up)
        return last
    now = (started, _session_count())
    if now == last:
        return last
    if now[1] == 0:  # everyone left: back to the state of a fresh start
        from ui import loaders, warmup

        loaders.forget_views()
        warmup.warm_up()
    collected = memory.release()
    _LOG.debug("idle: released memory (%d objects collected)", collected)
    return now


def _watch(stop: threading.Event) -> None:
    last = None
    while not stop.wait(CHECK_S):
        try:
            last = release_if_idle(last)
        except Exception:  # noqa: BLE001 - never let the watcher die
            _LOG.exception("releasing memory when idle failed")


def start(stop: threading.Event | None = None) -> None:
    """Start the watcher (once per process)."""
    if _started.is_set():
        return
    _started.set()
    threading.Thread(target=_watch, args=(stop or threading.Event(),), name="ucj-idle", daemon=True).start()
