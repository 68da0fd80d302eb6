"""Memory back to the system when the server is idle (ucj_dash/memory.py, ui/idle.py, ui/loaders.forget_views)."""

from __future__ import annotations

import gc
import weakref

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
