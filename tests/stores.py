"""Temporary stores for tests: links to the built demo sources (never written through)."""

from __future__ import annotations

from ucj_dash.datasets import demo, store


def link_demo_sources(data_dir) -> None:
    """Make ``data_dir`` a store whose demo sources are links to the built ones (call before pointing
    ``UCJ_DATA_DIR`` at it: the links are resolved against the current store)."""
    (data_dir / "datasets").mkdir(parents=True, exist_ok=True)
    for dataset_id in demo.SOURCES:
        (data_dir / "datasets" / dataset_id).symlink_to(store.dataset_path(dataset_id).resolve(), target_is_directory=True)
