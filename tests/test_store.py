"""Stored datasets: atomic saves, versions, provenance, several side by side, the default composition, delete
(never a built-in source). The store lives in a temporary folder (``UCJ_DATA_DIR``)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import threading

import numpy as np
import pandas as pd
import pytest

from ucj_dash.datasets import composition, figures, store
from ucj_dash.datasets.composition import Composition
from ucj_dash.datasets.dataset import DatasetMeta
from ucj_dash.errors import UserError

FIGS_CODES = ["53.02.05.2001", "53.02.05.2002", "53.03"]


def small(dataset_id: str, simulated: bool = False, scale: float = 1.0, name: str | None = None, period: str = "2024-12",
          columns: tuple[str, ...] = ("employed_workers", "active_participants")) -> tuple[DatasetMeta, pd.DataFrame]:
    """Metadata and figures (two villages of Kupang and the kabupaten of TTS) of a small dataset."""
    values = {"employed_workers": [1000.0, 500.0, 120_000.0], "active_participants": [200.0, 100.0, 30_000.0],
              "population": [3000.0, 1500.0, 400_000.0], "extreme_poor_population": [30.0, 15.0, 4000.0]}
    frame = pd.DataFrame({"region_code": FIGS_CODES, "period": [period] * 3,
                          **{c: np.array(values[c]) * scale for c in columns}})
    meta = DatasetMeta(id=dataset_id, name=name or dataset_id.title(), source="uji", as_of=period, simulated=simulated)
    return meta, frame


def save(dataset_id: str, **kwargs) -> store.Dataset:
    return store.save(*small(dataset_id, **kwargs))


@pytest.fixture
def with_demo(data_dir):
    """Small stand-ins of the built-in sources of participants and of employed workers."""
    save("demo-peserta", simulated=True, name="Demo peserta", columns=("active_participants",))
    save("demo-sakernas", simulated=True, name="Demo sakernas", columns=("employed_workers",))
    return data_dir


# ---- save, load, versions


def test_save_load_round_trip_keeps_figures_meta_and_files(data_dir):
    meta, frame = small("bpjs-kupang")
    upload = store.provenance(b"a;b\n", "x.csv", rows_read=3, rows_imported=3)
    saved = store.save(meta, frame, files={"source.csv": b"a;b\n"}, upload=upload)
    path = store.dataset_path("bpjs-kupang")
    assert saved.path == path
    assert sorted(p.name for p in path.iterdir()) == ["CURRENT", "files", "history", "meta.json", "periods", "versions"]
    assert [p.name for p in (path / "files").iterdir()] == ["0001-source.csv"]
    assert (path / "files" / "0001-source.csv").read_bytes() == b"a;b\n"
    assert [p.name for p in (path / "versions").iterdir()] == ["0001.json"]
    assert (path / "CURRENT").read_text().strip() == "0001"
    back = store.load("bpjs-kupang")
    assert back.meta == meta and back.key == ("bpjs-kupang", 1)
    assert back.version.number == 1 and back.version.action == "create"
    assert back.version.provenance == upload
    assert back.version.provenance["file_sha256"] == hashlib.sha256(b"a;b\n").hexdigest()
    assert back.periods == ["2024-12"] and back.columns() == ["employed_workers", "active_participants"]
    entry = back.entry("2024-12")
    assert entry.rows == 3 and entry.version == 1 and entry.as_of == "2024-12"
    assert entry.finest == {"employed_workers": 4, "active_participants": 4}  # 53.03 is coarser; the finest level counts
    at = back.at("2024-12")
    assert at.loc["53", "employed_workers"] == 121_500 and at.loc["53.02.05", "active_participants"] == 300
    assert at.loc["53", "ucj__part"] == 30_300 and at.loc["53", "ucj__whole"] == 121_500  # matched sums stored with it
    assert bool(at.loc["53.03", "given"]) and not bool(at.loc["53.02", "given"])
    assert list(at.index[:1]) == ["ID"] and at["level"].is_monotonic_increasing  # sorted by level and code
    assert [p.name for p in data_dir.joinpath("datasets").iterdir()] == ["bpjs-kupang"]  # no temp folders left


def test_period_file_holds_only_the_pairs_whose_counts_it_has(data_dir):
    both = save("both").at("2024-12")
    assert "ucj__part" in both and "extreme_poverty__part" not in both
    one = save("one", columns=("active_participants",)).at("2024-12")
    assert "ucj__part" not in one and one["employed_workers"].isna().all()


def test_append_adds_a_version_and_replaces_a_period_only_in_the_new_one(data_dir):
    save("kupang", period="2024-11")
    _, dec = small("kupang", period="2024-12", scale=2.0)
    appended = store.append("kupang", dec, as_of="2024-12-31")
    assert appended.version.number == 2 and appended.version.action == "append"
    assert appended.periods == ["2024-11", "2024-12"]
    assert appended.entry("2024-11").version == 1 and appended.entry("2024-12").version == 2
    assert appended.entry("2024-12").as_of == "2024-12-31"
    _, fixed = small("kupang", period="2024-12", scale=3.0)
    replaced = store.append("kupang", fixed, as_of="2025-01-05")
    assert replaced.version.number == 3 and replaced.periods == ["2024-11", "2024-12"]
    assert replaced.at("2024-12").loc["53", "employed_workers"] == 3 * 121_500
    assert store.read_version("kupang", 2).periods["2024-12"].file != replaced.entry("2024-12").file
    assert [v.number for v in store.versions("kupang")] == [1, 2, 3]
    assert store.latest_version_number("kupang") == store.current_version_number("kupang") == 3
    assert store.read_version("kupang", 1).periods.keys() == {"2024-11"}


def test_roll_back_makes_a_new_version_with_the_old_periods(data_dir):
    save("kupang", period="2024-11")
    store.append("kupang", small("kupang", period="2024-12")[1], as_of="2024-12")
    back = store.roll_back("kupang", 1)
    assert back.version.number == 3 and back.version.action == "rollback"
    assert back.version.provenance == {"from_version": 1}
    assert back.periods == ["2024-11"] and back.version.periods == store.read_version("kupang", 1).periods
    assert len(store.versions("kupang")) == 3  # history stays whole
    with pytest.raises(UserError) as exc:
        store.roll_back("kupang", 9)
    assert exc.value.key == "data.error.no_version"
    assert store.current_version_number("kupang") == 3


def test_state_changes_after_an_append_a_save_and_a_delete(data_dir):
    assert store.state() == ()
    save("kupang", period="2024-11")
    before = store.state()
    assert before == (("kupang", 1),)
    store.append("kupang", small("kupang", period="2024-12")[1], as_of="2024-12")
    assert store.state() == (("kupang", 2),) != before
    save("alor")
    assert store.state() == (("alor", 1), ("kupang", 2))
    store.roll_back("kupang", 1)
    assert store.state() == (("alor", 1), ("kupang", 3))
    store.delete("alor")
    assert store.state() == (("kupang", 3),)


def test_appended_version_shows_in_loaded_figures(data_dir):
    save("kupang", period="2024-11")
    comp = Composition.of({"participants": "kupang", "workers": "kupang"})
    first = figures.load(comp)
    assert first.periods == ["2024-11"]
    store.append("kupang", small("kupang", period="2024-12", scale=2.0)[1], as_of="2024-12")
    second = figures.load(comp)
    assert second.key != first.key and second.periods == ["2024-11", "2024-12"]
    assert second.at("2024-12").loc["53", "active_participants"] == 2 * 30_300


def test_provenance_record():
    from datetime import datetime

    rec = store.provenance(b"abc", "C:/x/Peserta.XLSX", rows_read=7)
    assert rec["file_sha256"] == hashlib.sha256(b"abc").hexdigest()
    assert rec["file_bytes"] == 3 and rec["rows_read"] == 7 and rec["file_name"] == "Peserta.XLSX"
    assert rec["source_file"] == "source.xlsx"
    assert datetime.fromisoformat(rec["uploaded_at"]).utcoffset().total_seconds() == 0
    assert store.source_file_name("evil.exe") == "source.bin"


def test_find_by_checksum_looks_at_every_version(data_dir):
    sha = hashlib.sha256(b"dec").hexdigest()
    save("kupang", period="2024-11")
    store.append("kupang", small("kupang", period="2024-12")[1], as_of="2024-12",
                 upload=store.provenance(b"dec", "dec.csv"))
    save("alor")
    assert [m.id for m in store.find_by_checksum(sha)] == ["kupang"]
    assert store.find_by_checksum("0" * 64) == []


def test_several_datasets_coexist_built_in_sources_listed_first(with_demo):
    save("b-data", name="Alpha")
    save("a-data", name="Beta")
    assert [m.id for m in store.list_datasets()] == ["demo-peserta", "demo-sakernas", "b-data", "a-data"]
    assert store.load("a-data").meta.name == "Beta"
    assert store.is_demo("demo-peserta") and not store.is_demo("a-data") and not store.is_demo("demo")


@pytest.mark.parametrize("where", ["_write_periods", "_write_history", "_write_version"])
def test_failed_save_leaves_the_previous_dataset_whole(data_dir, monkeypatch, where):
    save("keep")
    before = store.load("keep").at("2024-12").copy()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    with monkeypatch.context() as m:
        m.setattr(store, where, crash)
        with pytest.raises(OSError):
            save("keep", scale=2.0)
        with pytest.raises(OSError):
            save("new-one")
    pd.testing.assert_frame_equal(store.load("keep").at("2024-12"), before)
    assert store.load("keep").version.number == 1
    assert not store.exists("new-one")
    assert [m.id for m in store.list_datasets()] == ["keep"]  # half-written temp folders are never listed
    assert [p.name for p in data_dir.joinpath("datasets").iterdir()] == ["keep"]


def test_failed_append_leaves_the_current_version_in_use(data_dir, monkeypatch):
    save("keep", period="2024-11")

    def crash(*args, **kwargs):
        raise OSError("disk full")

    with monkeypatch.context() as m:
        m.setattr(store, "_write_history", crash)
        with pytest.raises(OSError):
            store.append("keep", small("keep", period="2024-12")[1], as_of="2024-12")
    assert store.load("keep").periods == ["2024-11"] and store.state() == (("keep", 1),)


def test_concurrent_saves_never_mix(data_dir):
    errors = []

    def worker(i):
        try:
            save(f"d{i % 3}", scale=float(i + 1))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(9)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    # Saves of one id take turns for the swap: every writer succeeds, none leaves a missing or mixed dataset.
    assert errors == []
    for i in range(3):
        at = store.load(f"d{i}").at("2024-12")
        scale = at.loc["53.02.05.2001", "employed_workers"] / 1000
        assert at.loc["53.03", "employed_workers"] == 120_000 * scale  # one save's figures throughout
        assert at.loc["53", "employed_workers"] == 121_500 * scale


def test_save_new_under_one_id_at_once_stores_one_and_refuses_the_other(data_dir):
    results, barrier = [], threading.Barrier(4)

    def worker(i):
        barrier.wait()
        try:
            store.save_new(*small("same", scale=float(i + 1)))
            results.append(("ok", i))
        except UserError as exc:
            results.append((exc.key, i))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    stored = [i for outcome, i in results if outcome == "ok"]
    assert len(stored) == 1 and sorted(o for o, _ in results).count("data.error.id_taken") == 3
    at = store.load("same").at("2024-12")
    assert at.loc["53.02.05.2001", "employed_workers"] == 1000 * (stored[0] + 1)
    with pytest.raises(UserError) as exc:
        store.save_new(*small("demo-peserta"))
    assert exc.value.key == "data.error.demo_id"


def test_ids_new_and_checked(with_demo):
    assert store.new_id("Peserta BPJS – Kupang, Des 2024!", "ab" * 32) == "peserta-bpjs-kupang-des-2024-abababab"
    assert store.new_id("   ", "0" * 64) == "data-00000000"
    assert store.new_id("Demo peserta", "cd" * 32) == "data-demo-peserta-cdcdcdcd"  # never a built-in source's id
    for bad in ("", "../x", "A-b", "a b", "x" * 65, ".hidden"):
        with pytest.raises(UserError) as exc:
            store.check_new_id(bad)
        assert exc.value.key == "data.error.bad_id"
    for built_in in ("demo-peserta", "demo-anything"):
        with pytest.raises(UserError) as exc:
            store.check_new_id(built_in)
        assert exc.value.key == "data.error.demo_id"
    save("taken")
    with pytest.raises(UserError) as exc:
        store.check_new_id("taken")
    assert exc.value.key == "data.error.id_taken"
    store.check_new_id("free-1")


@pytest.mark.parametrize("name", ["Demo", "demo-", "DEMO!"])
def test_a_dataset_named_demo_never_gets_a_built_in_id(name):
    assert not store.is_demo(store.new_id(name, "ab" * 32))


def test_require_and_exists(with_demo):
    assert store.exists("demo-peserta") and not store.exists("nope") and not store.exists("../demo-peserta")
    assert store.require("demo-peserta").meta.name == "Demo peserta"
    for missing in ("nope", "../x", ""):
        with pytest.raises(UserError) as exc:
            store.require(missing)
        assert exc.value.key == "data.error.not_found"


def test_remove_leftovers_clears_dead_writers_files_and_keeps_live_ones(data_dir):
    save("keep")
    folder = data_dir / "datasets"
    dead_pid = 2**22 + 12345  # above the default pid_max: never a live process
    dead_dir = folder / f".keep.tmp-{dead_pid}-0123abcd"
    dead_dir.mkdir()
    dead_file = folder / "keep" / "versions" / f".0002.json.tmp-{dead_pid}-89abcdef"
    dead_file.write_text("{}")
    live = folder / f".keep.old-{os.getpid()}-fedcba98"
    live.mkdir()
    removed = store.remove_leftovers()
    assert sorted(removed) == sorted([dead_dir, dead_file])
    assert not dead_dir.exists() and not dead_file.exists() and live.exists()
    assert store.load("keep").version.number == 1


# ---- delete and the default composition


def test_delete_with_the_built_in_sources_undeletable(with_demo):
    save("gone")
    composition.use_everywhere("gone")
    assert composition.default().source("participants") == "gone"
    for built_in in ("demo-peserta", "demo-sakernas"):
        with pytest.raises(UserError) as exc:
            store.delete(built_in)
        assert exc.value.key == "data.error.delete_demo"
        assert store.exists(built_in)
    for missing in ("nope", "../demo-peserta", ""):
        with pytest.raises(UserError) as exc:
            store.delete(missing)
        assert exc.value.key == "data.error.not_found"
    store.delete("gone")
    assert not store.exists("gone")
    assert [m.id for m in store.list_datasets()] == ["demo-peserta", "demo-sakernas"]
    # the deleted one was the default: each group back to its built-in source
    default = composition.default()
    assert default.source("participants") == "demo-peserta" and default.source("workers") == "demo-sakernas"
    assert not any(p.name.startswith(".") for p in (with_demo / "datasets").iterdir())


def test_default_composition_is_stored_and_falls_back_to_the_built_in_sources(with_demo):
    path = composition.default_path()
    # nothing chosen yet: the built-in source of each group that has one, no source for the others
    assert composition.default() == Composition.of({"participants": "demo-peserta", "workers": "demo-sakernas"})
    save("mine")
    composition.set_default(composition.default().with_source("workers", "mine"))
    assert composition.default() == Composition.of({"participants": "demo-peserta", "workers": "mine"})
    assert json.loads(path.read_text())["workers"] == "mine"
    for bad in ("not-there", "../../etc"):
        with pytest.raises(UserError) as exc:
            composition.set_default(composition.default().with_source("workers", bad))
        assert exc.value.key == "composition.error.unusable"
    with pytest.raises(UserError):  # a dataset without any count of the group
        composition.set_default(composition.default().with_source("poverty", "mine"))
    assert composition.default().source("workers") == "mine"
    # a choice whose folder vanished, a corrupt file, a hostile value: the built-in source
    for stored in (json.dumps({"workers": "vanished"}), "{not json", json.dumps({"workers": "../../etc"}), json.dumps(["mine"]),
                   json.dumps({"workers": 7})):
        path.write_text(stored)
        assert composition.default().source("workers") == "demo-sakernas", stored
    # a group stored as None has no source on purpose
    path.write_text(json.dumps({"workers": None}))
    assert composition.default().source("workers") is None
    assert composition.default().source("participants") == "demo-peserta"


def test_a_group_without_a_built_in_source_falls_back_to_any_dataset_that_has_it(with_demo):
    assert composition.default().source("poverty") is None
    save("kemiskinan", columns=("population", "extreme_poor_population"))
    assert composition.default().source("poverty") == "kemiskinan"
    assert composition.candidates("poverty") == ["kemiskinan"]
    assert composition.candidates("participants") == ["demo-peserta"]


def test_use_everywhere_sets_every_group_the_dataset_has(with_demo):
    save("kupang")  # participants and employed workers
    out = composition.use_everywhere("kupang")
    assert out == composition.default()
    assert out.as_dict() == {"participants": "kupang", "workers": "kupang", "vulnerable": None, "poverty": None, "officials": None}
    save("kemiskinan", columns=("population", "extreme_poor_population"))
    out = composition.use_everywhere("kemiskinan")
    assert (out.source("participants"), out.source("workers"), out.source("poverty")) == ("kupang", "kupang", "kemiskinan")
    with pytest.raises(UserError) as exc:
        composition.use_everywhere("nope")
    assert exc.value.key == "data.error.not_found"
    # what the pages load follows the default
    fig = figures.load(composition.default())
    assert sorted(d.meta.id for d in fig.used_datasets()) == ["kemiskinan", "kupang"]


def test_composition_query_round_trip(with_demo):
    save("kupang")
    comp = Composition.of({"participants": "kupang", "workers": "demo-sakernas"})
    assert comp.to_query() == "p:kupang,w:demo-sakernas"
    assert comp.dataset_ids() == ["kupang", "demo-sakernas"]
    back, notices = composition.from_query(comp.to_query())
    assert back == comp and notices == []


def _from_year_files(dataset: store.Dataset) -> store.Dataset:
    """The same version read without its coarse file (only the year files)."""
    return store.Dataset(dataset.meta, dataclasses.replace(dataset.version, coarse=""), dataset.path)


@pytest.mark.parametrize("code", ["ID", "53", "53.02", "53.03"])
def test_trend_rows_from_the_coarse_file_equal_the_year_files_after_append_and_roll_back(data_dir, code):
    save("bpjs", period="2023-12")
    store.append("bpjs", small("bpjs", period="2024-06")[1], as_of="2024-06")
    store.append("bpjs", small("bpjs", period="2023-12", scale=2.0)[1], as_of="2024-07")  # replaces 2023-12
    columns = ["employed_workers", "active_participants"]
    for dataset in (store.load("bpjs"), store.roll_back("bpjs", 2)):
        assert dataset.version.coarse  # every version names its coarse file
        coarse = dataset.history(code, 2, columns).sort_values(["period", "region_code"], ignore_index=True)
        years = _from_year_files(dataset).history(code, 2, columns).sort_values(["period", "region_code"], ignore_index=True)
        pd.testing.assert_frame_equal(coarse, years)
        assert sorted(coarse["period"].unique()) == ["2023-12", "2024-06"]
    # the nation's employed workers in 2023-12: 1,000 + 500 + 120,000, twice that in version 3 (the replacing append)
    current = store.load("bpjs")
    replaced = store.Dataset(current.meta, store.read_version("bpjs", 3), current.path)
    for dataset, expected in ((current, 121_500.0), (replaced, 243_000.0)):
        nation = dataset.history("ID", 0, columns)
        assert nation.loc[nation["period"] == "2023-12", "employed_workers"].tolist() == [expected]
