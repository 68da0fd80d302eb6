"""The build: compiled translations, boundary layers and the demo dataset, one build at a time.

:func:`run` builds what is missing or stale under an exclusive lock on ``geo/.build.lock``
(an ``flock``: the kernel releases it when its holder dies, so a killed build leaves no
stale lock). Before building it removes what a killed build left behind (half-built layer
folders, temporary dataset folders). The layers are swapped into place atomically
(:func:`ucj_dash.geography.boundaries.build`), so readers see the old layers or the new ones.

The app never builds in its own process: Streamlit runs ``app.py`` as ``__main__``, and the
build's spawned worker processes would run the app again. :func:`start_in_background` runs
``python -m ucj_dash build`` as a child process that writes its progress to ``geo/build.log``.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from ucj_dash.datasets import demo, store
from ucj_dash.geography import boundaries
from ucj_dash.geography.regions import Registry
from ucj_dash.paths import PROJECT_ROOT, geo_dir
from ucj_dash.text import i18n


class BuildRunning(Exception):
    """Another process holds the build lock."""


def lock_path() -> Path:
    return geo_dir() / ".build.lock"


def log_path() -> Path:
    """Progress of the last background build (what :func:`start_in_background` wrote)."""
    return geo_dir() / "build.log"


@contextmanager
def exclusive(wait: bool = True):
    """Hold the build lock; with ``wait=False`` raise :class:`BuildRunning` instead of waiting for it."""
    path = lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise BuildRunning() from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def is_running() -> bool:
    """Whether a build (in any process on this machine) holds the lock now."""
    try:
        with exclusive(wait=False):
            return False
    except BuildRunning:
        return True


def is_built() -> bool:
    """Whether boundary layers and the demo dataset are in place (the app can start)."""
    return boundaries.has_manifest() and all(store.exists(i) for i in demo.SOURCES)


def registry() -> Registry:
    return Registry.load(boundaries.layers_dir() / "regions.parquet")


def compile_translations(force: bool = False, log=print, locale_dir: Path = i18n.LOCALE_DIR) -> None:
    """Compile each language's ``messages.po`` into its ``messages.mo`` (git-ignored) unless that is current."""
    for lang in i18n.LANGS:
        po, mo = i18n.catalogue_paths(lang, locale_dir)
        if force or not i18n.mo_is_current(lang, locale_dir):
            log(f"Mengompilasi terjemahan / compiling translations: {mo}")
            tmp = mo.with_name(f".{mo.name}.tmp-{os.getpid()}")
            tmp.write_bytes(i18n.compile_po(po))
            tmp.replace(mo)


LEGACY_DEMO_ID = "demo"


def build_demo(force: bool = False, log=print) -> None:
    """Generate and store the four simulated demo sources unless they are stored already for these boundaries."""
    manifest = boundaries.read_manifest() or {}
    stamp = manifest.get("sources", {}).get("wilayah", {}).get("commit", "")
    current = all(store.exists(i) and store.read_meta(i).extra.get("registry_commit") == stamp for i in demo.SOURCES)
    if not force and current:
        return
    log("Membangkitkan data demo (simulasi) / generating the demo data (simulated)…")
    with store.writing():
        for meta, figures in demo.generate(registry()):
            meta.extra.update(registry_commit=stamp, seed=demo.SEED)
            store.save(meta, figures)
        if store.dataset_path(LEGACY_DEMO_ID).is_dir():  # the single demo dataset of earlier versions
            shutil.rmtree(store.dataset_path(LEGACY_DEMO_ID), ignore_errors=True)


def run(force: bool = False, log=print) -> dict:
    """Build everything that is missing or stale (all of it with ``force``); waits for a build already running.

    Returns the boundary manifest. Raises :class:`~ucj_dash.errors.ArchiveUnavailable` when an
    archive can be neither found nor downloaded (nothing built is lost then).
    """
    with exclusive():
        boundaries.remove_leftovers()
        store.remove_leftovers()
        compile_translations(force=force, log=log)
        manifest = boundaries.build(force=force, log=log)
        build_demo(force=force, log=log)
    return manifest


_start_lock = threading.Lock()
_child: subprocess.Popen | None = None


def start_in_background() -> subprocess.Popen | None:
    """Start ``python -m ucj_dash build`` as a child process, once per process while it runs.

    Returns the child (None when another process is building already: wait with :func:`is_running`).
    """
    global _child
    with _start_lock:
        if _child is not None and _child.poll() is None:
            return _child
        if is_running():
            return None
        log_path().parent.mkdir(parents=True, exist_ok=True)
        with open(log_path(), "wb") as out:
            _child = subprocess.Popen(
                [sys.executable, "-m", "ucj_dash", "build"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=PROJECT_ROOT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        return _child


def progress_lines(n: int = 3) -> list[str]:
    """The last ``n`` lines the background build wrote (empty before it wrote any)."""
    try:
        return log_path().read_text(encoding="utf-8", errors="replace").strip().splitlines()[-n:]
    except OSError:
        return []
