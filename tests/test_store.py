"""Stored datasets: atomic saves, provenance, several side by side, the active choice, delete (never the demo)."""

from __future__ import annotations

import hashlib
import json
import threading

import numpy as np
import pandas as pd
import pytest

from ucj_dash.datasets import store
from ucj_dash.datasets.dataset import Dataset, DatasetMeta
from ucj_dash.errors import UserError


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    path = tmp_path / "data"
    monkeypatch.setenv("UCJ_DATA_DIR", str(path))
    return path


def small_dataset(dataset_id: str, simulated: bool = False, scale: float = 1.0, name: str | None = None) -> Dataset:
    figures = pd.DataFrame(
        {
            "region_code": ["53.02.05.2001", "53.02.05.2002", "53.03"],
            "period": ["2024-12"] * 3,
            "employed_workers": np.array([1000.0, 500.0, 120_000.0]) * scale,
            "active_participants": np.array([200.0, 100.0, 30_000.0]) * scale,
        }
    )
    meta = DatasetMeta(id=dataset_id, name=name or dataset_id.title(), source="uji", as_of="2024-12", simulated=simulated)
    return Dataset(meta, figures)


@pytest.fixture
def with_demo(data_dir):
    store.save(small_dataset(store.DEMO_ID, simulated=True, name="Demo"))
    return data_dir


def test_save_load_round_trip_keeps_figures_meta_and_files(data_dir):
    ds = small_dataset("bpjs-kupang")
    ds.meta.extra.update(store.provenance(b"a;b\n", "x.csv", rows_read=3, rows_imported=3))
    path = store.save(ds, files={"source.csv": b"a;b\n"})
    assert sorted(p.name for p in path.iterdir()) == ["figures.parquet", "meta.json", "rolled.parquet", "source.csv"]
    back = store.load("bpjs-kupang")
    pd.testing.assert_frame_equal(back.rolled, ds.rolled)
    assert back.meta == ds.meta
    assert back.meta.extra["file_sha256"] == hashlib.sha256(b"a;b\n").hexdigest()
    assert back.at("2024-12").loc["53", "employed_workers"] == 121_500
    assert [p.name for p in data_dir.joinpath("datasets").iterdir()] == ["bpjs-kupang"]  # no temp folders left


def test_provenance_record():
    from datetime import datetime

    rec = store.provenance(b"abc", "C:/x/Peserta.XLSX", rows_read=7)
    assert rec["file_sha256"] == hashlib.sha256(b"abc").hexdigest()
    assert rec["file_bytes"] == 3 and rec["rows_read"] == 7 and rec["file_name"] == "Peserta.XLSX"
    assert rec["source_file"] == "source.xlsx"
    assert datetime.fromisoformat(rec["uploaded_at"]).utcoffset().total_seconds() == 0
    assert store.source_file_name("evil.exe") == "source.bin"


def test_several_datasets_coexist_demo_listed_first(with_demo):
    store.save(small_dataset("b-data", name="Alpha"))
    store.save(small_dataset("a-data", name="Beta"))
    assert [m.id for m in store.list_datasets()] == ["demo", "b-data", "a-data"]
    assert store.load("a-data").meta.name == "Beta"


def test_failed_save_leaves_the_previous_dataset_whole(data_dir, monkeypatch):
    store.save(small_dataset("keep"))
    before = store.load("keep").rolled.copy()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    with monkeypatch.context() as m:
        m.setattr(pd.DataFrame, "to_parquet", crash)
        with pytest.raises(OSError):
            store.save(small_dataset("keep", scale=2.0))
        with pytest.raises(OSError):
            store.save(small_dataset("new-one"))
    pd.testing.assert_frame_equal(store.load("keep").rolled, before)
    assert not store.exists("new-one")
    assert [m.id for m in store.list_datasets()] == ["keep"]  # half-written temp folders are never listed


def test_concurrent_saves_never_mix(data_dir):
    errors = []

    def worker(i):
        try:
            store.save(small_dataset(f"d{i % 3}", scale=float(i + 1)))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(9)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    # A rename race may refuse one writer, but never leaves a missing or mixed dataset.
    assert all(isinstance(e, OSError) for e in errors)
    for i in range(3):
        ds = store.load(f"d{i}")
        at = ds.at("2024-12")
        scale = at.loc["53.02.05.2001", "employed_workers"] / 1000
        assert at.loc["53.03", "employed_workers"] == 120_000 * scale  # one save's figures throughout


def test_ids_new_and_checked(with_demo):
    assert store.new_id("Peserta BPJS – Kupang, Des 2024!", "ab" * 32) == "peserta-bpjs-kupang-des-2024-abababab"
    assert store.new_id("   ", "0" * 64) == "data-00000000"
    for bad in ("", "../x", "A-b", "a b", "x" * 65, ".hidden"):
        with pytest.raises(UserError) as exc:
            store.check_new_id(bad)
        assert exc.value.key == "data.error.bad_id"
    with pytest.raises(UserError) as exc:
        store.check_new_id("demo")
    assert exc.value.key == "data.error.demo_id"
    store.save(small_dataset("taken"))
    with pytest.raises(UserError) as exc:
        store.check_new_id("taken")
    assert exc.value.key == "data.error.id_taken"
    store.check_new_id("free-1")


def test_delete_with_the_demo_undeletable(with_demo):
    store.save(small_dataset("gone"))
    store.set_active("gone")
    with pytest.raises(UserError) as exc:
        store.delete(store.DEMO_ID)
    assert exc.value.key == "data.error.delete_demo"
    assert store.exists(store.DEMO_ID)
    for missing in ("nope", "../demo", ""):
        with pytest.raises(UserError) as exc:
            store.delete(missing)
        assert exc.value.key == "data.error.not_found"
    store.delete("gone")
    assert not store.exists("gone")
    assert [m.id for m in store.list_datasets()] == ["demo"]
    assert store.active_id() == store.DEMO_ID  # the deleted one was active: back to the demo
    assert json.loads((with_demo / store.ACTIVE_FILE).read_text()) == {"dataset_id": "demo"}
    assert not any(p.name.startswith(".") for p in (with_demo / "datasets").iterdir())


def test_active_choice_is_stored_and_falls_back_to_the_demo(with_demo):
    assert store.active_id() == store.DEMO_ID  # nothing chosen yet
    store.save(small_dataset("mine"))
    store.set_active("mine")
    assert store.active_id() == "mine"
    assert json.loads((with_demo / store.ACTIVE_FILE).read_text()) == {"dataset_id": "mine"}
    with pytest.raises(UserError):
        store.set_active("not-there")
    assert store.active_id() == "mine"
    # a choice whose folder vanished, a corrupt file, a hostile value: the demo
    (with_demo / store.ACTIVE_FILE).write_text(json.dumps({"dataset_id": "vanished"}))
    assert store.active_id() == store.DEMO_ID
    (with_demo / store.ACTIVE_FILE).write_text("{not json")
    assert store.active_id() == store.DEMO_ID
    (with_demo / store.ACTIVE_FILE).write_text(json.dumps({"dataset_id": "../../etc"}))
    assert store.active_id() == store.DEMO_ID
    (with_demo / store.ACTIVE_FILE).write_text(json.dumps(["mine"]))
    assert store.active_id() == store.DEMO_ID
