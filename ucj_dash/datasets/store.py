"""Datasets on disk: ``data/datasets/<id>/`` holds ``figures.parquet`` (as given),
``rolled.parquet`` (rolled up to every level) and ``meta.json``.

Writes are atomic: a dataset is written into a temporary folder and renamed
into place, so a crash or a second upload never leaves a half-written or lost
dataset.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ucj_dash.datasets.dataset import Dataset, DatasetMeta
from ucj_dash.errors import UserError
from ucj_dash.paths import data_dir

DEMO_ID = "demo"


def datasets_dir() -> Path:
    return data_dir() / "datasets"


def dataset_path(dataset_id: str) -> Path:
    return datasets_dir() / dataset_id


def save(dataset: Dataset, files: dict[str, bytes] | None = None) -> Path:
    """Write ``dataset`` atomically (replacing a dataset of the same id).

    ``files`` (name -> bytes) are stored alongside, e.g. the imported source file.
    Temporary folders are unique per call, so two saves at once (two uploads,
    two threads) never write into each other's folder.
    """
    final = dataset_path(dataset.meta.id)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    tmp.mkdir()
    try:
        dataset.figures.to_parquet(tmp / "figures.parquet", index=False, compression="zstd")
        dataset.rolled.to_parquet(tmp / "rolled.parquet", index=False, compression="zstd")
        for file_name, content in (files or {}).items():
            (tmp / file_name).write_bytes(content)
        (tmp / "meta.json").write_text(json.dumps(dataset.meta.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
        old = final.with_name(f".{final.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        if final.exists():
            final.rename(old)
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # never leave a half-written folder behind
        raise
    shutil.rmtree(old, ignore_errors=True)
    return final


#: names of the temporary folders :func:`save` and :func:`delete` use: ``.<id>.tmp-<pid>-<hex>`` etc.
_LEFTOVER_RE = re.compile(r"^\.[a-z0-9][a-z0-9_-]{0,63}\.(tmp|old|deleted)-(\d+)?-?[0-9a-f]{8}$")


def remove_leftovers() -> list[Path]:
    """Remove temporary dataset folders left by a write that was killed (its process is gone).

    A folder of a process still alive is kept: it may be writing right now. Returns what was removed.
    """
    if not datasets_dir().is_dir():
        return []
    removed = []
    for path in datasets_dir().iterdir():
        match = _LEFTOVER_RE.match(path.name)
        if match and not (match.group(2) and _alive(int(match.group(2)))):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def writing():
    """Hold the store's write lock (an ``flock`` on the ``datasets/`` folder itself, released by the
    kernel when its holder dies): writers that must see the store unchanged between a check and a
    write, in any process, take turns. Only the write waits, never an import's check."""
    datasets_dir().mkdir(parents=True, exist_ok=True)
    fd = os.open(datasets_dir(), os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def save_new(dataset: Dataset, files: dict[str, bytes] | None = None) -> Path:
    """Store ``dataset`` under an id that must be new (:func:`check_new_id`), checked and written under
    the store's write lock: of two imports under one id at once, one is stored and the other is refused
    with a message, never both reported stored with one lost."""
    with writing():
        check_new_id(dataset.meta.id)
        return save(dataset, files)


def read_meta(dataset_id: str) -> DatasetMeta:
    return DatasetMeta.from_dict(json.loads((dataset_path(dataset_id) / "meta.json").read_text(encoding="utf-8")))


def load(dataset_id: str) -> Dataset:
    path = dataset_path(dataset_id)
    meta = read_meta(dataset_id)
    rolled = pd.read_parquet(path / "rolled.parquet")
    return Dataset(meta, lambda: pd.read_parquet(path / "figures.parquet"), rolled)


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


# ---- imported datasets: ids, provenance, delete, the stored active choice

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
ACTIVE_FILE = "active.json"


def new_id(name: str, sha256: str) -> str:
    """An id for a dataset imported as ``name`` from a file with checksum ``sha256``.

    ``<slug of name>-<first 8 hex of the checksum>``: readable, and the same
    file imported twice under the same name gets the same id (so it is refused
    instead of stored twice).
    """
    from ucj_dash.geography.regions import fold_text

    slug = fold_text(name).replace(" ", "-")[:40].strip("-") or "data"
    return f"{slug}-{sha256[:8]}"


def check_new_id(dataset_id: str) -> None:
    """Raise :class:`UserError` unless ``dataset_id`` is well-formed, not the demo and not taken."""
    if not ID_RE.match(dataset_id or ""):
        raise UserError("data.error.bad_id", value=str(dataset_id)[:70])
    if dataset_id == DEMO_ID:
        raise UserError("data.error.demo_id")
    if exists(dataset_id):
        meta = read_meta(dataset_id)
        raise UserError("data.error.id_taken", id=dataset_id, name=meta.name, uploaded_at=meta.extra.get("uploaded_at", meta.created_at))


def source_file_name(file_name: str) -> str:
    """Name under which the imported file is kept in the dataset folder (``source.csv``/``source.xlsx``)."""
    suffix = Path(file_name).suffix.lower()
    return "source" + (suffix if suffix in (".csv", ".xlsx", ".txt", ".tsv") else ".bin")


def provenance(data: bytes, file_name: str, **rows) -> dict:
    """The provenance record of an imported file for ``DatasetMeta.extra``.

    Keys: ``uploaded_at`` (UTC, ISO 8601), ``file_name``, ``file_sha256``,
    ``file_bytes``, ``source_file`` (the copy kept in the dataset folder), plus
    ``rows`` (e.g. rows_read, rows_imported: counts of spreadsheet rows).
    """
    return {
        "uploaded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "file_name": Path(file_name).name,
        "file_sha256": hashlib.sha256(data).hexdigest(),
        "file_bytes": len(data),
        "source_file": source_file_name(file_name),
        **rows,
    }


def find_by_checksum(sha256: str) -> list[DatasetMeta]:
    """Stored datasets imported from a file with this checksum."""
    return [m for m in list_datasets() if m.extra.get("file_sha256") == sha256]


def delete(dataset_id: str) -> None:
    """Remove a stored dataset (never the demo); if it was the active one, the demo becomes active.

    The folder is first renamed away (atomic), then removed, so a dataset is
    either fully there or gone.
    """
    if dataset_id == DEMO_ID:
        raise UserError("data.error.delete_demo")
    if not ID_RE.match(dataset_id or ""):
        raise UserError("data.error.not_found", id=str(dataset_id)[:70])
    with writing():
        if not exists(dataset_id):
            raise UserError("data.error.not_found", id=str(dataset_id)[:70])
        was_active = _stored_active() == dataset_id
        path = dataset_path(dataset_id)
        trash = path.with_name(f".{path.name}.deleted-{uuid.uuid4().hex[:8]}")
        path.rename(trash)
    shutil.rmtree(trash, ignore_errors=True)
    if was_active:  # a later import under the same id must not become active unasked
        set_active(DEMO_ID)


def _stored_active():
    try:
        return json.loads((data_dir() / ACTIVE_FILE).read_text(encoding="utf-8")).get("dataset_id", DEMO_ID)
    except (OSError, ValueError, AttributeError):
        return DEMO_ID


def active_id() -> str:
    """The stored default dataset for every page and session (the demo unless set, or if it is gone)."""
    chosen = _stored_active()
    return chosen if isinstance(chosen, str) and ID_RE.match(chosen) and exists(chosen) else DEMO_ID


def set_active(dataset_id: str) -> None:
    """Store ``dataset_id`` as the default dataset (atomically: temp file + rename)."""
    if dataset_id != DEMO_ID and not (ID_RE.match(dataset_id or "") and exists(dataset_id)):
        raise UserError("data.error.not_found", id=str(dataset_id)[:70])
    path = data_dir() / ACTIVE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{ACTIVE_FILE}.tmp-{uuid.uuid4().hex[:8]}")
    tmp.write_text(json.dumps({"dataset_id": dataset_id}), encoding="utf-8")
    os.replace(tmp, path)
