"""At most a few page runs at once in this server process; the others wait for their turn.

Streamlit runs each session's script in a thread of its own, and every thread shares one interpreter lock.
With 20 sessions clicking at once, 20 runs took turns on that lock thousands of times a second, and each run
waited on all the others. The median click took 1.48 s while the server used only 74% of one core
(``bench/bench_load.py``, 20 sessions). A run that waits here costs nothing. Runs that go two at a time finish
one after the other, and the event loop that sends their results gets the lock between them. The same load
then gave a median of 0.44 s at 12 clicks/s instead of 8.

``UCJ_CONCURRENT_RUNS`` sets the number of runs at once (default :data:`DEFAULT_SLOTS`; a value that is not a
whole number of at least 1 keeps the default).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

ENV = "UCJ_CONCURRENT_RUNS"
#: two, not one: a slow run (an export) leaves the other slot to everyone else
DEFAULT_SLOTS = 2


def slots(environ=None) -> int:
    """Runs at once, from ``UCJ_CONCURRENT_RUNS`` (:data:`DEFAULT_SLOTS` when unset or not a whole number ≥ 1)."""
    value = (os.environ if environ is None else environ).get(ENV, "").strip()
    return int(value) if value.isdigit() and int(value) >= 1 else DEFAULT_SLOTS


_turns = threading.BoundedSemaphore(slots())
_lock = threading.Lock()
_running = 0
_started = 0
_last_end = time.monotonic()


@contextmanager
def turn(waits: bool = True) -> Iterator[None]:
    """Hold one of the slots for the body (a page's run), waiting for one to be free; with ``waits`` False the run
    goes at once (it is still counted: :func:`activity`)."""
    global _running, _started, _last_end
    with _turns if waits else contextlib.nullcontext():
        with _lock:
            _running += 1
            _started += 1
        try:
            yield
        finally:
            with _lock:
                _running -= 1
                _last_end = time.monotonic()


def activity() -> tuple[int, int, float]:
    """``(runs going on, runs started since the process began, seconds since the last run ended)``."""
    with _lock:
        return _running, _started, time.monotonic() - _last_end
