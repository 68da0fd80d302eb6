"""Shared fixtures: the real registry, layers and demo dataset built by ``python -m ucj_dash build``."""

from __future__ import annotations

import pytest

from ucj_dash import cli
from ucj_dash.datasets import store
from ucj_dash.geography import boundaries


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
def demo_dataset(manifest):
    if not store.exists(store.DEMO_ID):
        pytest.fail("demo dataset is not built: run `python -m ucj_dash build` first (make test does)")
    return store.load(store.DEMO_ID)
