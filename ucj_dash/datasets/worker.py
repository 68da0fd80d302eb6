"""The web app's import check, run in a worker process with limits on time and memory.

A check of a large file is seconds of CPU and hundreds of MB. In the Streamlit
server it would hold the interpreter against every other session and leave
the server bigger. :func:`check` hands the file to a worker process instead
and waits for its :class:`~ucj_dash.datasets.importer.Report`:

- one worker per server process, started on first use and shared by all
  sessions, one check at a time (others wait their turn); it runs at a lower
  CPU priority than the server;
- time: a check running longer than :data:`CHECK_TIME_LIMIT_S` is stopped by
  killing the worker; the report says so (``check_timeout``);
- memory: the worker's address space is limited to
  :data:`CHECK_MEMORY_LIMIT_MB`, so a check needing more fails inside it
  (MemoryError, reported as ``out_of_memory``) instead of swapping the server;
- a worker whose peak size passed :data:`RECYCLE_ABOVE_MB` exits after its
  reply, and an idle worker after :data:`IDLE_EXIT_S`: their memory goes back
  to the system; the next check starts a fresh worker (about 2 s).

The worker is this module run as ``python -m ucj_dash.datasets.worker``, not a
:mod:`multiprocessing` child: Streamlit runs ``app.py`` as ``__main__``, which a
spawned child would run again. Requests and replies are pickles with an
8-byte length in front, on the worker's stdin and on a copy of its stdout
(its own prints go to stderr). The registry goes to each new worker once.
The command line checks in its own process (:func:`importer.check`).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import resource
import select
import struct
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

from ucj_dash.datasets import importer
from ucj_dash.datasets.sheets import mb
from ucj_dash.geography.regions import Registry
from ucj_dash.paths import PROJECT_ROOT

#: Longest check (seconds, from the request sent to the reply read; a fresh worker's start counts in it).
CHECK_TIME_LIMIT_S = 120
#: Address space of the worker (MB): ready, it takes about 450 (Python, libraries, registry, indexes);
#: checking a 14 MB file of 250,000 rows took it to 680.
CHECK_MEMORY_LIMIT_MB = 2048
#: Peak resident size (MB; about 260 when ready) after which the worker exits once it has replied.
RECYCLE_ABOVE_MB = 400
#: Seconds without a request after which the worker exits.
IDLE_EXIT_S = 600
#: How much lower the worker's CPU priority is than the server's (``nice``).
NICENESS = 10

_HEADER = struct.Struct("<Q")  # the length of the pickle that follows
_lock = threading.Lock()


class _Worker:
    """A running worker process and the registry it holds."""

    def __init__(self):
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   ARROW_DEFAULT_MEMORY_POOL="system",  # threads and arenas would eat the address space
                   PYTHONPATH=os.pathsep.join(filter(None, (str(PROJECT_ROOT), os.environ.get("PYTHONPATH")))))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ucj_dash.datasets.worker", str(CHECK_MEMORY_LIMIT_MB)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
        )
        os.set_blocking(self.process.stdin.fileno(), False)  # a request is written with the check's deadline
        self.registry: weakref.ref | None = None

    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, registry: Registry, request: tuple, deadline: float) -> importer.Report:
        """Send one check and read its report; raises TimeoutError past ``deadline`` (monotonic),
        EOFError or BrokenPipeError when the worker died."""
        fresh = self.registry is None or self.registry() is not registry
        payload = pickle.dumps((registry if fresh else None, *request), protocol=5)
        _write(self.process.stdin.fileno(), _HEADER.pack(len(payload)) + payload, deadline)
        self.registry = weakref.ref(registry)
        fd = self.process.stdout.fileno()
        (size,) = _HEADER.unpack(_read(fd, _HEADER.size, deadline))
        return pickle.loads(_read(fd, size, deadline))

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self.process.stdin.close()
        self.process.stdout.close()


_worker: _Worker | None = None


def check(data: bytes, file_name: str, registry: Registry, max_bytes: int | None = None,
          time_limit_s: float = CHECK_TIME_LIMIT_S) -> importer.Report:
    """:func:`importer.check` in the worker: the same report, or one error saying the check was stopped
    (``check_timeout`` after ``time_limit_s`` seconds, ``check_failed`` when the worker died)."""
    global _worker
    with _lock:
        for last in (False, True):  # a worker that exited just before (recycled, idle) is replaced once
            if _worker is None or not _worker.alive():
                _worker = _Worker()
            try:
                return _worker.run(registry, (data, file_name, max_bytes), time.monotonic() + time_limit_s)
            except TimeoutError:
                _worker.stop()
                _worker = None
                return _stopped(data, file_name, "check_timeout", seconds=f"{time_limit_s:g}")
            except (EOFError, BrokenPipeError):
                _worker.stop()
                _worker = None
                if last:
                    return _stopped(data, file_name, "check_failed")


def _stopped(data: bytes, file_name: str, kind: str, **params) -> importer.Report:
    report = importer.Report(Path(file_name).name, hashlib.sha256(data).hexdigest(), len(data))
    report.add(importer.ERROR, kind, size=mb(len(data)), **params)
    return report


def _write(fd: int, data: bytes, deadline: float) -> None:
    """All of ``data`` to non-blocking ``fd``; TimeoutError past ``deadline`` (monotonic)."""
    view = memoryview(data)
    while view:
        wait = deadline - time.monotonic()
        if wait <= 0 or not select.select([], [fd], [], wait)[1]:
            raise TimeoutError
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:
            continue


def _read(fd: int, n: int, deadline: float | None) -> bytes:
    """Exactly ``n`` bytes from ``fd``; TimeoutError past ``deadline`` (monotonic; None: no limit),
    EOFError if it closes first."""
    chunks = []
    while n:
        wait = None if deadline is None else deadline - time.monotonic()
        if (wait is not None and wait <= 0) or not select.select([fd], [], [], wait)[0]:
            raise TimeoutError
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def main(memory_limit_mb: int) -> int:
    """The worker: answer checks from stdin until it closes, until idle or once grown too big."""
    os.nice(NICENESS)
    limit = memory_limit_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a print goes to stderr, never into a reply
    registry = None
    while select.select([0], [], [], IDLE_EXIT_S)[0]:
        try:
            (size,) = _HEADER.unpack(_read(0, _HEADER.size, None))
            new_registry, data, file_name, max_bytes = pickle.loads(_read(0, size, None))
        except EOFError:  # the server closed the pipe: it is gone or shutting down
            return 0
        if new_registry is not None:
            registry = new_registry
        payload = pickle.dumps(importer.check(data, file_name, registry, max_bytes), protocol=5)
        del data
        replies.write(_HEADER.pack(len(payload)))
        replies.write(payload)
        replies.flush()
        if _peak_rss_mb() > RECYCLE_ABOVE_MB:
            return 0
    return 0


def _peak_rss_mb() -> float:
    """This process's peak resident size (MB; 0 without Linux's ``/proc``).

    Not ``getrusage``: its peak carries over from the server the worker was started from.
    """
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")), 0.0)


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1])))
