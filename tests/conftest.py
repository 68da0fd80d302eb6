"""Shared fixtures: the real registry, layers and demo figures built by ``python -m ucj_dash build``."""

from __future__ import annotations

import pytest

from ucj_dash import cli
from ucj_dash.datasets import composition, demo, figures, store
from ucj_dash.geography import boundaries
from tests.stores import link_demo_sources


@pytest.fixture(scope="session")
def manifest():
    m = boundaries.read_manifest()
    if m is None:
        pytest.fail("boundary layers are not built: run `python -m ucj_dash build` first (make test does)")
    return m


@pytest.fixture(scope="session")
def registry(manifest):
    return cli.registry()


@pytest.fixture(scope="session")
def demo_figures(manifest):
    """The built demo: four simulated sources composed as the app shows them by default."""
    missing = [i for i in demo.SOURCES if not store.exists(i)]
    if missing:
        pytest.fail(f"demo sources {missing} are not built: run `python -m ucj_dash build` first (make test does)")
    return figures.load(composition.Composition.of(composition.DEMO_SOURCES))


@pytest.fixture(scope="session")
def demo_dataset(demo_figures):
    """The demo figures (the name tests used when the demo was one dataset)."""
    return demo_figures


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An empty store in a temporary folder (``UCJ_DATA_DIR``); cached figures forgotten before and after."""
    path = tmp_path / "data"
    monkeypatch.setenv("UCJ_DATA_DIR", str(path))
    figures.forget()
    yield path
    figures.forget()


@pytest.fixture
def demo_store(tmp_path, monkeypatch, demo_figures):
    """A temporary store (``UCJ_DATA_DIR``) holding links to the built demo sources; caches forgotten."""
    path = tmp_path / "data"
    link_demo_sources(path)
    monkeypatch.setenv("UCJ_DATA_DIR", str(path))
    figures.forget()
    yield path
    figures.forget()
