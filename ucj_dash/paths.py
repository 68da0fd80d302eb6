"""Where the project keeps its built layers and stored data.

``geo/`` holds boundary layers built from the archives (git-ignored build output);
``data/`` holds datasets (the generated demo dataset and imported ones).
Both can be moved with environment variables, which tests use to build into a
temporary directory.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def geo_dir() -> Path:
    """Directory of the built boundary layers (``UCJ_GEO_DIR`` or ``geo/``)."""
    return Path(os.environ.get("UCJ_GEO_DIR") or PROJECT_ROOT / "geo")


def data_dir() -> Path:
    """Directory of stored datasets (``UCJ_DATA_DIR`` or ``data/``)."""
    return Path(os.environ.get("UCJ_DATA_DIR") or PROJECT_ROOT / "data")
