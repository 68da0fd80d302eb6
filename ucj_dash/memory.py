"""How the server process allocates: freed memory goes back to the system.

Set once per process before the large tables are read (:func:`return_freed_memory`), so that every
way of starting the app (``make run``, plain ``streamlit run app.py``, the container) behaves alike:

- glibc's ``malloc`` serves blocks of 128 KiB and more from their own mappings, which ``free``
  returns to the system at once (the same as ``MALLOC_MMAP_THRESHOLD_=131072`` in the environment;
  otherwise the threshold grows with the largest block freed, and period tables of tens of MB stay
  in the heap after they are dropped);
- at most two ``malloc`` arenas (``MALLOC_ARENA_MAX=2``): Streamlit runs every session's script in
  a thread of its own, and glibc would give threads up to eight arenas per core, each keeping its
  own freed memory;
- Arrow allocates through that same ``malloc``: its bundled mimalloc keeps what it freed. Arrow's C++ default
  pool, which its Parquet reader uses whatever ``pyarrow.set_memory_pool`` says, is chosen from
  ``ARROW_DEFAULT_MEMORY_POOL`` when pyarrow is loaded: :func:`arrow_uses_malloc` sets it, first thing in
  ``app.py``. Reading 120 kabupaten village layers (16 kept) and dropping them left +30 MB of mimalloc
  pages behind; with malloc, +1 MB.

Measured by ``bench/bench_data.py`` (server RSS with 60 monthly national periods): 682 → 592 MB; and by
``bench/bench_load.py`` (RSS after the sessions left).

:func:`release` gives back what a burst of work left behind (called when the server is idle, ``ui/idle.py``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import sys
import threading

#: glibc's ``mallopt`` parameter numbers (``<malloc.h>``)
_M_MMAP_THRESHOLD, _M_ARENA_MAX = -3, -8
MMAP_THRESHOLD_BYTES = 128 * 1024
ARENA_MAX = 2

_done = False
_lock = threading.Lock()


def _libc():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


def arrow_uses_malloc() -> bool:
    """Make Arrow's default memory pool ``malloc`` (``ARROW_DEFAULT_MEMORY_POOL=system``, unless the environment
    says otherwise). Takes effect only before pyarrow is imported (pandas imports it): False when too late."""
    if "pyarrow" in sys.modules:
        return False
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    return True


def return_freed_memory() -> bool:
    """Apply both settings (once per process; later calls do nothing). False where glibc is absent
    (e.g. musl or macOS): pyarrow's own pool is still switched (see :func:`arrow_uses_malloc` for the C++ one)."""
    global _done
    with _lock:
        if _done:
            return True
        import pyarrow

        pyarrow.set_memory_pool(pyarrow.system_memory_pool())
        applied = False
        libc = _libc()
        if libc is not None:
            try:
                applied = bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(libc.mallopt(_M_ARENA_MAX, ARENA_MAX))
            except AttributeError:
                applied = False
        _done = True
        return applied


def release() -> int:
    """Free what is garbage now and hand the heap's free pages back to the system: a full garbage collection
    (the objects of finished script runs, freed only by it: Streamlit's collection after every run is off,
    ``.streamlit/config.toml``), then glibc's ``malloc_trim``. Returns the number of objects collected.
    Takes a few hundred ms of CPU with the registry and figures loaded: call it when idle."""
    collected = gc.collect()
    libc = _libc()
    if libc is not None:
        try:
            libc.malloc_trim(0)
        except AttributeError:  # not glibc
            pass
    return collected
