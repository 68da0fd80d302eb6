"""Page runs in this server process take turns: one at a time, and another beside it only once it has become slow.

Streamlit runs each session's script in a thread of its own, and every thread shares one interpreter lock.
Runs that go at once take turns on that lock thousands of times a second, and each waits on all the others:
with 20 sessions clicking the map, every run at once gave a median click of 1.48 s at 74% of one core, two at
once 0.27 s and a p95 of 0.68 s at 14 clicks/s, one at a time 0.10 s and a p95 of 0.23 s at 16.5 clicks/s
(``bench/bench_load.py``). A run that waits here costs nothing, and the event loop that sends a run's results
gets the lock between runs.

One at a time would let a slow run (a national table made for the first time, the planner) hold up every
visitor behind it. So a run that has gone on for :data:`SLOW_RUN_S` no longer holds the others back: the next run
starts beside it, up to ``UCJ_CONCURRENT_RUNS`` runs at once (default :data:`DEFAULT_SLOTS`; a value that is not
a whole number of at least 1 keeps the default; 1 means strictly one at a time). Waiting runs start in the order
they came; a run that arrives while none is going starts at once, without waiting for the first in line to wake
(a hand-over to a sleeping thread left the server idle: p95 0.30 s instead of 0.23 s).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

ENV = "UCJ_CONCURRENT_RUNS"
#: most runs at once: a slow one and the next
DEFAULT_SLOTS = 2
#: a run going on this long (s) lets the next one start beside it; a map click takes ~0.05 s of work
SLOW_RUN_S = 0.5


def slots(environ=None) -> int:
    """Most runs at once, from ``UCJ_CONCURRENT_RUNS`` (:data:`DEFAULT_SLOTS` when unset or not a whole number ≥ 1)."""
    value = (os.environ if environ is None else environ).get(ENV, "").strip()
    return int(value) if value.isdigit() and int(value) >= 1 else DEFAULT_SLOTS


class Turns:
    """Runs taking turns: one at a time; beside runs that have all gone on ``slow_s`` or longer, one more, up to
    ``most`` at once. Waiting runs start first come, first served (only the first in line is woken to check); a
    run that arrives while none is going starts at once."""

    def __init__(self, most: int, slow_s: float = SLOW_RUN_S):
        self.most, self.slow_s = most, slow_s
        self._lock = threading.Lock()
        self._going: dict[object, float] = {}  # run -> when it started
        self._line: deque[threading.Event] = deque()  # runs waiting, first come first; each woken by its event

    def _wait_s(self, now: float) -> float | None:
        """Seconds until a run may start beside those going (0: now; None: only once one of them ends)."""
        if len(self._going) >= self.most:
            return None
        return max([0.0, *(start + self.slow_s - now for start in self._going.values())])

    def _wake_first(self) -> None:
        if self._line:
            self._line[0].set()

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold a turn for the body (a page's run), waiting for it."""
        me = threading.Event()
        with self._lock:
            self._line.append(me)
        try:
            while True:
                with self._lock:
                    first = self._line[0] is me
                    wait_s = self._wait_s(time.monotonic()) if first or not self._going else None
                    if wait_s == 0:  # the first in line; or any run, when none is going (no idle hand-over)
                        self._line.remove(me)
                        self._going[me] = time.monotonic()
                        self._wake_first()  # the next may start beside this run once it is slow
                        break
                    me.clear()
                me.wait(wait_s if first else None)
        except BaseException:
            with self._lock:
                if me in self._line:
                    self._line.remove(me)
                    self._wake_first()
            raise
        try:
            yield
        finally:
            with self._lock:
                del self._going[me]
                self._wake_first()

    def going(self) -> int:
        """Runs holding a turn now."""
        with self._lock:
            return len(self._going)


_turns = Turns(slots())
_lock = threading.Lock()
_running = 0
_started = 0
_last_end = time.monotonic()


@contextmanager
def turn(waits: bool = True) -> Iterator[None]:
    """Take a turn for the body (a page's run, :class:`Turns`); with ``waits`` False the run goes at once (it is
    still counted: :func:`activity`)."""
    global _running, _started, _last_end
    with _turns.turn() if waits else contextlib.nullcontext():
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
