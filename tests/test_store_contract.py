"""The store contract, run against both stores: the embedded files (the default) and the shared PostgreSQL store
(``UCJ_STORE_URL``, a real server: tests/postgres.py). Whatever the store, the same calls give the same datasets,
versions, figures, refusals and default composition; a write by another process shows at once; a server that is
down says so in both languages without the password, and loses nothing."""

from __future__ import annotations

import os
import subprocess
import time
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.postgres import pg_database, postgres_url, running_server  # noqa: F401  (pytest fixtures)
from tests.stores import link_demo_sources
from ucj_dash.database import connection, pool
from ucj_dash.datasets import composition, figures, pgstore, store
from ucj_dash.datasets.composition import Composition
from ucj_dash.datasets.dataset import DatasetMeta
from ucj_dash.errors import UserError

ROOT = Path(__file__).resolve().parents[1]
VILLAGES = ["53.02.05.2001", "53.02.05.2002", "53.02.06.2001"]  # two kecamatan of Kabupaten Kupang
KUPANG, TTS = "53.02", "53.03"


def frame(period: str, workers=(1000.0, 500.0, 250.0), participants=(200.0, 100.0, None)) -> pd.DataFrame:
    """Three villages of Kupang (the third without participants: no data, never 0) and TTS as a kabupaten."""
    return pd.DataFrame({
        "region_code": [*VILLAGES, TTS], "period": period,
        "employed_workers": [*workers, 120_000.0],
        "active_participants": [np.nan if v is None else v for v in participants] + [30_000.0],
    })


def meta(dataset_id: str, **changes) -> DatasetMeta:
    values = dict(id=dataset_id, name=f"Uji {dataset_id}", source="BPJS uji", as_of="2025-01", simulated=False,
                  description="kontrak", created_at="2026-11-30T08:00:00+00:00", extra={"file_sha256": "ab" * 32})
    return DatasetMeta(**{**values, **changes})


@pytest.fixture(params=["files", "postgres"])
def kind(request, tmp_path, monkeypatch, demo_figures):
    """A store of each kind, with the built demo sources on disk beside it (as every replica has them)."""
    data = tmp_path / "data"
    link_demo_sources(data)
    monkeypatch.setenv("UCJ_DATA_DIR", str(data))
    if request.param == "postgres":
        monkeypatch.setenv(connection.ENV, request.getfixturevalue("pg_database"))
    else:
        monkeypatch.delenv(connection.ENV, raising=False)
    figures.forget()
    yield request.param
    figures.forget()
    pool.close_all()


# ---------------------------------------------------------------- datasets, versions, figures


def test_a_saved_dataset_reads_back_with_its_meta_figures_and_rollups(kind):
    saved = store.save(meta("bpjs"), frame("2025-01"), files={"source.csv": b"kode;jumlah\n"},
                       upload={"file_sha256": "ab" * 32, "file_name": "x.csv"})
    loaded = store.load("bpjs")
    assert loaded.meta == meta("bpjs") == saved.meta
    assert loaded.periods == ["2025-01"] and loaded.version.number == 1 and loaded.version.action == "create"
    assert loaded.version.provenance == {"file_sha256": "ab" * 32, "file_name": "x.csv"}
    rows = loaded.at("2025-01")
    # sums by hand: the kabupaten of Kupang is its three villages; the nation adds TTS
    assert rows.loc[KUPANG, "employed_workers"] == 1750.0
    assert rows.loc["ID", "employed_workers"] == 121_750.0
    assert rows.loc["53.02.06.2001", "level"] == 4 and bool(rows.loc["53.02.06.2001", "given"])
    assert np.isnan(rows.loc["53.02.06.2001", "active_participants"])  # no data stays no data
    # the matched rate of Kupang rests only on the villages that have both counts: 300 of 1,500
    assert rows.loc[KUPANG, "ucj__part"] == 300.0 and rows.loc[KUPANG, "ucj__whole"] == 1500.0
    assert loaded.entry("2025-01").rows == 4 and loaded.entry("2025-01").finest == {"employed_workers": 4, "active_participants": 4}
    assert store.exists("bpjs") and not store.exists("nope") and not store.exists("../etc")
    assert ("bpjs", 1) in store.state()
    listed = [m.id for m in store.list_datasets()]  # the built-in sources first, then the rest
    assert sorted(listed[:4]) == ["demo-aparat-desa", "demo-kemiskinan", "demo-peserta", "demo-sakernas"] and listed[4:] == ["bpjs"]
    assert [m.id for m in store.find_by_checksum("ab" * 32)] == ["bpjs"]


def test_both_stores_give_identical_figures_and_trends(tmp_path, monkeypatch, demo_figures, pg_database):
    """The same upload through each store: every period table and every trend equal, column for column."""
    data = frame("2025-01")
    later = frame("2025-02", workers=(1100.0, 520.0, 260.0), participants=(210.0, None, 50.0))
    results = {}
    for kind_name in ("files", "postgres"):
        monkeypatch.setenv("UCJ_DATA_DIR", str(tmp_path / kind_name))
        if kind_name == "postgres":
            monkeypatch.setenv(connection.ENV, pg_database)
        store.save(meta("same"), pd.concat([data, later]))
        loaded = store.load("same")
        results[kind_name] = (
            {p: loaded.at(p) for p in loaded.periods},
            loaded.history(KUPANG, 4, ["employed_workers", "active_participants", "ucj__part", "ucj__whole"]),
            loaded.history("ID", 2, ["employed_workers", "population"]),
            loaded.history("53", 3, ["employed_workers"]),  # a province down to kecamatan: two of its levels skipped
            loaded.history(VILLAGES[0], 2, ["employed_workers"]),  # finer than asked: nothing
        )
    pool.close_all()
    (files_at, files_trend, files_coarse, files_province, files_none), (pg_at, pg_trend, pg_coarse, pg_province, pg_none) = \
        results["files"], results["postgres"]
    pd.testing.assert_frame_equal(pg_province.reset_index(drop=True), files_province.reset_index(drop=True))
    assert sorted(set(pg_province["level"])) == [1, 2, 3] and len(pg_province) == 2 * (1 + 2 + 2)  # 53, Kupang+TTS, 2 kec.
    assert len(pg_none) == len(files_none) == 0
    assert sorted(files_at) == sorted(pg_at) == ["2025-01", "2025-02"]
    for period in files_at:
        pd.testing.assert_frame_equal(pg_at[period], files_at[period])
    pd.testing.assert_frame_equal(pg_trend.reset_index(drop=True), files_trend.reset_index(drop=True))
    pd.testing.assert_frame_equal(pg_coarse.reset_index(drop=True), files_coarse.reset_index(drop=True))
    # and the trend holds what was uploaded: Kupang's villages in both months (3 villages x 2 periods at level 4)
    villages = pg_trend[pg_trend["level"] == 4]
    assert len(villages) == 6 and villages["employed_workers"].sum() == 1000 + 500 + 250 + 1100 + 520 + 260
    assert "population" in pg_coarse and pg_coarse["population"].isna().all()  # a count no period has: empty, not 0


def test_append_replaces_a_period_in_a_new_version_and_rollback_restores_it(kind):
    store.save(meta("bpjs"), frame("2025-01"))
    store.append("bpjs", pd.concat([frame("2025-01", workers=(2000.0, 500.0, 250.0)), frame("2025-02")]), as_of="2025-02",
                 upload={"file_sha256": "cd" * 32})
    current = store.load("bpjs")
    assert current.version.number == 2 and current.version.action == "append" and current.periods == ["2025-01", "2025-02"]
    assert current.at("2025-01").loc[KUPANG, "employed_workers"] == 2750.0  # 2,000 + 500 + 250
    assert store.read_version("bpjs", 1).periods.keys() == {"2025-01"}  # the first version keeps its period
    assert [m.id for m in store.find_by_checksum("cd" * 32)] == ["bpjs"]  # found by a later version's file
    store.roll_back("bpjs", 1)
    back = store.load("bpjs")
    assert back.version.number == 3 and back.version.action == "rollback" and back.version.provenance == {"from_version": 1}
    assert back.periods == ["2025-01"] and back.at("2025-01").loc[KUPANG, "employed_workers"] == 1750.0
    assert [v.number for v in store.versions("bpjs")] == [1, 2, 3] and store.current_version_number("bpjs") == 3
    assert store.latest_version_number("bpjs") == 3
    with pytest.raises(UserError) as caught:
        store.roll_back("bpjs", 9)
    assert caught.value.key == "data.error.no_version"


def test_a_taken_id_is_refused_and_delete_removes_everything_but_never_a_built_in_source(kind):
    store.save_new(meta("bpjs"), frame("2025-01"))
    with pytest.raises(UserError) as caught:
        store.save_new(meta("bpjs", name="Lain"), frame("2025-02"))
    assert caught.value.key == "data.error.id_taken" and caught.value.params["name"] == "Uji bpjs"
    assert store.load("bpjs").periods == ["2025-01"]  # the first is intact
    for bad, key in (("demo-peserta", "data.error.demo_id"), ("Bad Id", "data.error.bad_id")):
        with pytest.raises(UserError) as caught:
            store.save_new(meta(bad), frame("2025-01"))
        assert caught.value.key == key
    with pytest.raises(UserError) as caught:
        store.delete("demo-peserta")
    assert caught.value.key == "data.error.delete_demo"
    store.delete("bpjs")
    assert not store.exists("bpjs") and "bpjs" not in dict(store.state())
    with pytest.raises(UserError) as caught:
        store.delete("bpjs")
    assert caught.value.key == "data.error.not_found"
    with pytest.raises(UserError) as caught:
        store.require("bpjs")
    assert caught.value.key == "data.error.not_found"
    if kind == "postgres":  # nothing of it is left behind: no rows of figures, versions or files
        assert pgstore.figure_rows("bpjs") == 0
        with pool.connection() as conn:
            assert conn.execute("SELECT count(*) FROM dataset_versions WHERE dataset_id = 'bpjs'").fetchone()[0] == 0
            assert conn.execute("SELECT count(*) FROM dataset_files WHERE dataset_id = 'bpjs'").fetchone()[0] == 0


def test_the_imported_file_is_kept_with_its_version(kind):
    store.save(meta("bpjs"), frame("2025-01"), files={"source.csv": b"first"})
    store.append("bpjs", frame("2025-02"), as_of="2025-02", files={"source.xlsx": b"second"})
    if kind == "postgres":
        kept = {(1, "source.csv"): pgstore.source_file("bpjs", 1, "source.csv"),
                (2, "source.xlsx"): pgstore.source_file("bpjs", 2, "source.xlsx")}
    else:
        folder = store.dataset_path("bpjs") / "files"
        kept = {(1, "source.csv"): (folder / "0001-source.csv").read_bytes(),
                (2, "source.xlsx"): (folder / "0002-source.xlsx").read_bytes()}
    assert kept == {(1, "source.csv"): b"first", (2, "source.xlsx"): b"second"}


IMPORT_SAME_ID = """
import sys
from tests.test_store_contract import frame, meta
from ucj_dash.datasets import store
from ucj_dash.errors import UserError
try:
    store.save_new(meta("race", name=sys.argv[1]), frame("2025-01"))
    print("stored")
except UserError as exc:
    print(exc.key)
"""


def test_two_processes_importing_one_new_id_at_once_store_one_and_refuse_the_other(kind):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [subprocess.Popen([sys.executable, "-c", IMPORT_SAME_ID, name], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
            for name in ("Pertama", "Kedua")]
    outcomes = sorted(p.communicate(timeout=120)[0].strip() for p in runs)
    assert outcomes == ["data.error.id_taken", "stored"]
    assert store.load("race").meta.name in ("Pertama", "Kedua") and store.versions("race")[-1].number == 1


def test_a_write_from_the_command_line_shows_in_the_state_at_once(kind, tmp_path):
    before = store.state()
    csv = tmp_path / "peserta.csv"
    frame("2025-03").to_csv(csv, sep=";", index=False)
    done = subprocess.run([sys.executable, "-m", "ucj_dash", "import", str(csv), "--name", "Peserta CLI", "--source", "BPJS",
                           "--as-of", "2025-03", "--id", "cli-peserta", "--yes", "--lang", "en"],
                          cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert ("PostgreSQL 127.0.0.1:" in done.stdout) == (kind == "postgres")  # where it was stored, never the password
    after = store.state()
    assert set(after) - set(before) == {("cli-peserta", 1)}
    assert store.load("cli-peserta").at("2025-03").loc[KUPANG, "employed_workers"] == 1750.0


# ---------------------------------------------------------------- the default composition


def test_the_default_composition_is_shared_and_falls_back_when_its_dataset_is_gone(kind):
    store.save(meta("bpjs"), frame("2025-01"))
    built_in = composition.default()
    assert built_in.source("participants") == "demo-peserta" and built_in.source("workers") == "demo-sakernas"
    stamp = composition.default_stamp()
    chosen = built_in.with_source("participants", "bpjs").with_source("workers", "bpjs").with_source("officials", None)
    composition.set_default(chosen)
    assert composition.default() == chosen
    assert composition.default_stamp() != stamp
    with pytest.raises(UserError) as caught:  # a source must hold its group's counts
        composition.set_default(chosen.with_source("poverty", "bpjs"))
    assert caught.value.key == "composition.error.unusable"
    assert composition.default() == chosen  # the refused default changed nothing
    store.delete("bpjs")
    fallen = composition.default()
    assert fallen.source("participants") == "demo-peserta" and fallen.source("workers") == "demo-sakernas"
    assert fallen.source("officials") is None  # "no source" on purpose stays


# ---------------------------------------------------------------- a server that is down


def test_a_shared_store_that_is_down_says_so_in_both_languages_and_loses_nothing(tmp_path, monkeypatch, demo_figures,
                                                                               pg_database):
    data = tmp_path / "data"
    link_demo_sources(data)
    monkeypatch.setenv("UCJ_DATA_DIR", str(data))
    monkeypatch.setenv(connection.ENV, pg_database)
    store.save(meta("bpjs"), frame("2025-01"))
    server = running_server()
    down = server.run("pg_ctl", "stop", "-D", str(server.data_dir), "-m", "fast", "-w")
    assert down.returncode == 0, down.stderr
    try:
        for _attempt in range(2):  # the first waits for the pool, the next says so at once
            with pytest.raises(connection.StoreUnavailable) as caught:
                store.list_datasets()
            id_text, en_text = caught.value.message("id"), caught.value.message("en")
            assert "127.0.0.1" in en_text and connection.ENV in en_text and id_text != en_text
        with pytest.raises(connection.StoreUnavailable):
            store.save_new(meta("other"), frame("2025-01"))
        assert store.load("demo-peserta").periods  # the built-in sources on disk still read
    finally:
        up = server.run("pg_ctl", "start", "-D", str(server.data_dir), "-l", str(server.log_file), "-w",
                        "-o", f"-p {server.port}")
        assert up.returncode == 0, up.stderr
    assert [m.id for m in store.list_datasets() if not store.is_demo(m.id)] == ["bpjs"]  # back, nothing lost
    assert store.load("bpjs").at("2025-01").loc[KUPANG, "employed_workers"] == 1750.0
    assert not store.exists("other")
    pool.close_all()


def test_a_password_in_the_store_url_never_shows(tmp_path, monkeypatch, postgres_url):
    port = running_server().port
    monkeypatch.setenv(connection.ENV, f"postgresql://ucj:Sup3r-Secret@127.0.0.1:{port}/nowhere")
    with pytest.raises(connection.StoreUnavailable) as caught:
        store.exists("bpjs-kupang")
    texts = [caught.value.message("id"), caught.value.message("en"), str(caught.value)]
    assert all("Sup3r-Secret" not in t for t in texts) and "nowhere" in texts[1]
    pool.close_all()


def test_migrate_on_the_command_line_reports_the_schema_version(pg_database):
    env = {**os.environ, connection.ENV: pg_database}
    done = subprocess.run([sys.executable, "-m", "ucj_dash", "migrate", "--lang", "en"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    files = sorted((ROOT / "ucj_dash" / "database" / "migrations").glob("[0-9][0-9][0-9][0-9]_*.sql"))
    assert done.returncode == 0, done.stderr
    applied = ", ".join(str(n) for n in range(1, len(files) + 1))
    assert f"schema at version {len(files)}" in done.stdout and f"applied now: {applied})" in done.stdout
    again = subprocess.run([sys.executable, "-m", "ucj_dash", "migrate"], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0 and "diterapkan sekarang: -" in again.stdout
    without = subprocess.run([sys.executable, "-m", "ucj_dash", "migrate", "--lang", "en"], cwd=ROOT,
                             env={k: v for k, v in os.environ.items() if k != connection.ENV}, capture_output=True, text=True,
                             timeout=120)
    assert without.returncode == 2 and connection.ENV in without.stderr


# ---------------------------------------------------------------- the app on the shared store

APP = str(ROOT / "app.py")


def _app_text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]
    return "\n".join(parts + [e.value for e in at.error])


def test_the_map_shows_a_dataset_made_default_on_the_shared_store(kind):
    from streamlit.testing.v1 import AppTest

    from ui import loaders

    store.save(meta("bpjs", name="Peserta BPJS Kupang uji"), frame("2025-01"))
    composition.use_everywhere("bpjs")
    loaders.forget_datasets()  # caches of another test's store with the same versions
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["region"] = KUPANG
    at.run()
    assert not at.exception, at.exception
    assert "Peserta BPJS Kupang uji" in _app_text(at)
    loaders.forget_datasets()


def test_the_app_says_the_shared_store_is_down_instead_of_failing(tmp_path, monkeypatch, demo_figures, postgres_url):
    from streamlit.testing.v1 import AppTest

    from tests.postgres import free_port
    from ui import loaders

    data = tmp_path / "data"
    link_demo_sources(data)
    monkeypatch.setenv("UCJ_DATA_DIR", str(data))
    monkeypatch.setenv(connection.ENV, f"postgresql://ucj:Sup3r-Secret@127.0.0.1:{free_port()}/ucj")  # nothing listens
    loaders.forget_datasets()
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    errors = "\n".join(e.value for e in at.error)
    # Markdown source: the variable's underscores escaped, so that it shows as written
    assert "127.0.0.1" in errors and connection.ENV.replace("_", "\\_") in errors and "Sup3r-Secret" not in _app_text(at)
    pool.close_all()


def test_the_store_version_follows_changes_made_anywhere_without_asking_on_every_read(pg_database, monkeypatch):
    from ucj_dash.database import changes

    monkeypatch.setenv(connection.ENV, pg_database)
    try:
        start = changes.version()
        with connection.connect(pg_database) as other:  # another replica changes the default sources
            other.execute("INSERT INTO default_composition (indicator_group, dataset_id) VALUES ('workers', NULL)")
        deadline = time.monotonic() + 10
        while changes.version() == start and time.monotonic() < deadline:
            time.sleep(0.02)
        assert changes.version() == start + 1  # announced, and heard
        listener = changes._listeners[(os.getpid(), pg_database)]
        assert listener.known  # from now on no query per read
        with connection.connect(pg_database) as other:  # the counter moved on without an announcement heard yet:
            other.execute("UPDATE store_version SET counter = counter + 5")  # a refresh after a write here reads it
        assert changes.refresh() == start + 6 and changes.version() >= start + 6
    finally:
        pool.close_all()
