"""Datasets on disk: ``data/datasets/<id>/`` holds ``figures.parquet`` (as given),
``rolled.parquet`` (rolled up to every level) and ``meta.json``.

Writes are atomic: a dataset is written into a temporary folder and renamed
into place, so a crash or a second upload never leaves a half-written or lost
dataset.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd

from ucj_dash.dataset import Dataset, DatasetMeta
from ucj_dash.paths import data_dir

DEMO_ID = "demo"


def datasets_dir() -> Path:
    return data_dir() / "datasets"


def dataset_path(dataset_id: str) -> Path:
    return datasets_dir() / dataset_id


def save(dataset: Dataset) -> Path:
    """Write ``dataset`` atomically (replacing a dataset of the same id)."""
    final = dataset_path(dataset.meta.id)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    dataset.figures.to_parquet(tmp / "figures.parquet", index=False, compression="zstd")
    dataset.rolled.to_parquet(tmp / "rolled.parquet", index=False, compression="zstd")
    (tmp / "meta.json").write_text(json.dumps(dataset.meta.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return final


def read_meta(dataset_id: str) -> DatasetMeta:
    return DatasetMeta.from_dict(json.loads((dataset_path(dataset_id) / "meta.json").read_text(encoding="utf-8")))


def load(dataset_id: str) -> Dataset:
    path = dataset_path(dataset_id)
    meta = read_meta(dataset_id)
    figures = pd.read_parquet(path / "figures.parquet")
    rolled = pd.read_parquet(path / "rolled.parquet")
    return Dataset(meta, figures, rolled)


def list_datasets() -> list[DatasetMeta]:
    """Metadata of every stored dataset, the demo first."""
    if not datasets_dir().is_dir():
        return []
    metas = []
    for path in sorted(datasets_dir().iterdir()):
        if path.name.startswith(".") or not (path / "meta.json").is_file():
            continue
        metas.append(read_meta(path.name))
    return sorted(metas, key=lambda m: (m.id != DEMO_ID, m.name))


def exists(dataset_id: str) -> bool:
    return (dataset_path(dataset_id) / "meta.json").is_file()
