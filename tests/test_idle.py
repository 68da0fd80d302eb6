"""Memory back to the system when the server is idle (ucj_dash/memory.py, ui/idle.py, ui/loaders.forget_views)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from ucj_dash import memory
from ucj_dash.datasets import figures as figures_module
from ucj_dash.views import leaflet_speed
from ui import admission, idle, loaders


class _Node:
    pass


def _garbage_cycle() -> weakref.ref:
    """A reference cycle nothing points to: only a full collection frees it."""
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.fixture
def no_automatic_collection():
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_release_collects_garbage_cycles(no_automatic_collection):
    ref = _garbage_cycle()
    assert ref() is not None
    assert memory.release() >= 2
    assert ref() is None


def test_nothing_is_released_while_a_page_runs_or_too_soon_after(no_automatic_collection, monkeypatch):
    with admission.turn():
        ref = _garbage_cycle()
        monkeypatch.setattr(idle, "IDLE_S", 0.0)
        assert idle.release_if_idle("before") == "before"  # a run is going on
    monkeypatch.setattr(idle, "IDLE_S", 3600.0)
    assert idle.release_if_idle("before") == "before"  # the run ended just now
    assert ref() is not None


def test_once_idle_memory_is_released_once_until_something_happens(no_automatic_collection, monkeypatch):
    with admission.turn():
        pass
    monkeypatch.setattr(idle, "IDLE_S", 0.0)
    ref = _garbage_cycle()
    state = idle.release_if_idle(None)
    _, started, _ = admission.activity()
    assert state == (started, None)  # no Streamlit server in this process: no session count
    assert ref() is None
    ref = _garbage_cycle()
    assert idle.release_if_idle(state) == state and ref() is not None  # nothing happened since
    with admission.turn():
        pass
    assert idle.release_if_idle(state) == (started + 1, None) and ref() is None


def test_forgetting_the_views_drops_frames_parses_and_layer_scripts_but_keeps_the_registry(registry):
    figures_module._FRAMES.get(("test", "2024-01"), lambda: "a composed frame")
    leaflet_speed.geojson_data('{"type": "FeatureCollection", "features": []}')
    with leaflet_speed._scripts_lock:
        leaflet_speed._SCRIPTS[("test", 0)] = "a layer's script"
    reg = loaders.registry()
    loaders.forget_views()
    assert ("test", "2024-01") not in figures_module._FRAMES.items
    assert leaflet_speed.geojson_data.cache_info().currsize == 0
    assert ("test", 0) not in leaflet_speed._SCRIPTS
    assert loaders.registry() is reg


ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("preset, backend", [(None, "system"), ("mimalloc", "mimalloc")])
def test_the_server_allocates_arrow_memory_with_malloc_unless_the_environment_says_otherwise(preset, backend):
    """``streamlit run app.py`` imports app.py before anything loads pyarrow: Arrow's default pool (the one its
    Parquet reader uses) is then malloc, whose freed pages go back to the system; mimalloc kept ~30 MB of them."""
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if preset:
        env["ARROW_DEFAULT_MEMORY_POOL"] = preset
    code = "import app, sys, pyarrow; assert 'pyarrow' in sys.modules; print(pyarrow.default_memory_pool().backend_name)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == backend


def test_too_late_to_choose_arrows_pool_once_pyarrow_is_loaded():
    import pyarrow  # noqa: F401 - loaded, as in this test process

    before = os.environ.get("ARROW_DEFAULT_MEMORY_POOL")
    assert memory.arrow_uses_malloc() is False
    assert os.environ.get("ARROW_DEFAULT_MEMORY_POOL") == before
