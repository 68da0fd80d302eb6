"""The shared PostgreSQL store's groundwork (issue 13) against a real server (tests/postgres.py): migrations
applied once, in order, by exactly one of several processes, changed or newer ones refused; the figures
table partitioned by period; the store's version counter; connection errors in both languages without
the password."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest

from tests.postgres import free_port, pg_database, postgres_url  # noqa: F401  (pytest fixtures)
from ucj_dash.analysis.matched import SUFFIXES
from ucj_dash.database import connection, migrations
from ucj_dash.database.connection import StoreUnavailable
from ucj_dash.database.migrations import MigrationError
from ucj_dash.datasets.dataset import COUNT_COLUMNS, PAIRS

ROOT = Path(__file__).resolve().parent.parent
INITIAL = migrations.MIGRATIONS_DIR / "0001_initial.sql"
TABLES = ("schema_version", "datasets", "dataset_versions", "dataset_files", "period_figures", "default_composition",
          "scenarios", "audit_log", "login_attempts", "store_version", "admin_sessions")
PASSWORD = "S3cret-Pa55word"


def query(url: str, sql: str, params=None) -> list[tuple]:
    with connection.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def value(url: str, sql: str, params=None):
    return query(url, sql, params)[0][0]


@pytest.fixture
def folder(tmp_path):
    """A migrations folder holding a copy of the app's first migration; tests add their own after it."""
    path = tmp_path / "migrations"
    path.mkdir()
    shutil.copy(INITIAL, path / INITIAL.name)
    return path


def expect_user_error(error, key: str) -> tuple[str, str]:
    """The error's key is ``key``; its two messages (Indonesian, English), which differ and are both filled in."""
    assert error.key == key, (error.key, error.params)
    id_text, en_text = error.message("id"), error.message("en")
    assert id_text != en_text
    assert "{" not in id_text and "{" not in en_text
    return id_text, en_text


# ---------------------------------------------------------------- the test server itself


def test_the_fixture_serves_a_real_local_server_for_tests(postgres_url):
    assert postgres_url.startswith("postgresql://postgres@127.0.0.1:") and postgres_url.endswith("/ucj_test")
    settings = dict(query(postgres_url, "SELECT name, setting FROM pg_settings WHERE name IN "
                                        "('fsync', 'listen_addresses', 'unix_socket_directories', 'server_version_num')"))
    assert settings["fsync"] == "off"
    assert settings["listen_addresses"] == "127.0.0.1"
    assert Path(settings["unix_socket_directories"]).parent == Path(tempfile.gettempdir())
    assert int(settings["server_version_num"]) >= 150000
    assert value(postgres_url, "SELECT current_database()") == "ucj_test"


# ---------------------------------------------------------------- migrations


def test_migrations_apply_once_and_record_their_versions(pg_database):
    before = datetime.now(timezone.utc)
    files = sorted(migrations.MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql"))
    assert files[0] == INITIAL
    first = migrations.migrate(pg_database)
    assert first.applied == tuple(range(1, len(files) + 1)) and first.version == len(files)
    recorded = query(pg_database, "SELECT version, name, applied_at, checksum FROM schema_version ORDER BY version")
    assert [(v, n, c) for v, n, _, c in recorded] == [
        (int(f.name[:4]), f.stem[5:], hashlib.sha256(f.read_text(encoding="utf-8").encode()).hexdigest()) for f in files]
    assert before - timedelta(seconds=5) <= recorded[0][2] <= datetime.now(timezone.utc) + timedelta(seconds=5)
    for table in TABLES:
        assert value(pg_database, "SELECT to_regclass(%s)", (table,)) is not None, table
    assert value(pg_database, "SELECT relkind FROM pg_class WHERE relname = 'period_figures'") == "p"

    again = migrations.migrate(pg_database)
    assert again.applied == () and again.version == len(files)
    assert query(pg_database, "SELECT version, name, applied_at, checksum FROM schema_version ORDER BY version") == recorded


def test_a_newer_apps_migrations_are_applied_on_top_in_order(pg_database, folder):
    assert migrations.migrate(pg_database, folder).applied == (1,)
    (folder / "0002_dataset_tags.sql").write_text("ALTER TABLE datasets ADD COLUMN tags text[] NOT NULL DEFAULT '{}';\n")
    (folder / "0003_tag_index.sql").write_text("CREATE INDEX datasets_tags ON datasets USING gin (tags);\n")
    logged = []
    result = migrations.migrate(pg_database, folder, log=logged.append)
    assert result.applied == (2, 3) and result.version == 3
    assert logged == ["migration 0002_dataset_tags", "migration 0003_tag_index"]
    assert query(pg_database, "SELECT version, name FROM schema_version ORDER BY version") == [
        (1, "initial"), (2, "dataset_tags"), (3, "tag_index")]
    assert value(pg_database, "SELECT to_regclass('datasets_tags')") is not None
    assert migrations.migrate(pg_database, folder).applied == ()


RACER = """
import json, sys, time
from pathlib import Path
from ucj_dash.database import migrations
url, folder, me, other = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
me.touch()
deadline = time.monotonic() + 60
while not other.exists() and time.monotonic() < deadline:  # both start together
    time.sleep(0.002)
result = migrations.migrate(url, folder)
print(json.dumps({"applied": list(result.applied), "version": result.version, "waited_s": result.waited_s}))
"""


def test_two_processes_migrating_at_once_one_applies_the_other_waits(pg_database, folder, tmp_path):
    # a slow second migration: whoever takes the lock second must wait for it to finish
    (folder / "0002_slow.sql").write_text("SELECT pg_sleep(2);\nCREATE TABLE slow_done (x integer);\n")
    ready = [tmp_path / "ready-a", tmp_path / "ready-b"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", RACER, pg_database, str(folder), str(ready[i]), str(ready[1 - i])],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(2)]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outputs.append(json.loads(out))
    applied = sorted(o["applied"] for o in outputs)
    assert applied == [[], [1, 2]]  # exactly one applied both migrations
    assert [o["version"] for o in outputs] == [2, 2]  # and both end on the same schema
    waiter = next(o for o in outputs if not o["applied"])
    assert waiter["waited_s"] >= 1.5  # it waited for the other's migration instead of running its own
    assert query(pg_database, "SELECT version FROM schema_version ORDER BY version") == [(1,), (2,)]
    assert value(pg_database, "SELECT to_regclass('slow_done')") is not None


def test_a_replica_gives_up_waiting_for_a_stuck_migration_with_a_clear_message(pg_database):
    with connection.connect(pg_database, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (migrations.LOCK_KEY,))
        started = time.monotonic()
        with pytest.raises(MigrationError) as caught:
            migrations.migrate(pg_database, wait_s=1)
        assert 0.9 <= time.monotonic() - started < 10
    id_text, en_text = expect_user_error(caught.value, "store.error.migration_wait")
    assert "1 detik" in id_text and "1 seconds" in en_text
    assert value(pg_database, "SELECT to_regclass('schema_version')") is None  # nothing was done
    assert migrations.migrate(pg_database).applied[0] == 1  # once the lock is free


def test_a_migration_changed_after_it_was_applied_is_refused(pg_database, folder):
    migrations.migrate(pg_database, folder)
    with (folder / INITIAL.name).open("a", encoding="utf-8") as f:
        f.write("\nCREATE TABLE sneaked_in (x integer);\n")
    (folder / "0002_next.sql").write_text("CREATE TABLE next_table (x integer);\n")
    with pytest.raises(MigrationError) as caught:
        migrations.migrate(pg_database, folder)
    id_text, en_text = expect_user_error(caught.value, "store.error.migration_changed")
    for text in (id_text, en_text):
        assert "0001_initial.sql" in text and "1 (initial)" in text
    # nothing was applied: neither the change nor the next migration
    assert query(pg_database, "SELECT version FROM schema_version") == [(1,)]
    assert value(pg_database, "SELECT to_regclass('sneaked_in')") is None
    assert value(pg_database, "SELECT to_regclass('next_table')") is None


def test_a_schema_newer_than_the_app_is_refused(pg_database, folder):
    app_files = sorted(migrations.MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql"))
    for path in app_files:
        shutil.copy(path, folder / path.name)
    newer = len(app_files) + 1
    (folder / f"{newer:04d}_newer.sql").write_text("CREATE TABLE newer (x integer);\n")
    migrations.migrate(pg_database, folder)
    with pytest.raises(MigrationError) as caught:
        migrations.migrate(pg_database)  # the app's own folder stops one short
    id_text, en_text = expect_user_error(caught.value, "store.error.schema_newer")
    assert f"{newer} (newer)" in id_text and f"{newer} (newer)" in en_text


def test_a_failing_migration_leaves_nothing_behind(pg_database, folder):
    broken = folder / "0002_broken.sql"
    broken.write_text("CREATE TABLE half_done (x integer);\nSELEC 1;\n")
    with pytest.raises(MigrationError) as caught:
        migrations.migrate(pg_database, folder)
    id_text, en_text = expect_user_error(caught.value, "store.error.migration_failed")
    assert "0002_broken.sql" in en_text and "version 1" in en_text and "versi 1" in id_text
    assert query(pg_database, "SELECT version FROM schema_version") == [(1,)]  # 0001 stays applied
    assert value(pg_database, "SELECT to_regclass('half_done')") is None  # 0002 rolled back whole
    broken.write_text("CREATE TABLE half_done (x integer);\n")  # fixed before it was ever applied
    assert migrations.migrate(pg_database, folder).applied == (2,)


def test_misnamed_or_gapped_migration_files_are_a_packaging_error(folder):
    assert [(m.version, m.name) for m in migrations.available()] == [(1, "initial"), (2, "admin_sessions")]
    (folder / "0003_gap.sql").write_text("SELECT 1;\n")
    with pytest.raises(ValueError, match="without gaps"):
        migrations.available(folder)
    (folder / "0003_gap.sql").unlink()
    (folder / "2_bad name.sql").write_text("SELECT 1;\n")
    with pytest.raises(ValueError, match="NNNN_<name>.sql"):
        migrations.available(folder)


# ---------------------------------------------------------------- the schema


def test_period_figures_hold_every_count_and_matched_sum_of_the_model(pg_database):
    migrations.migrate(pg_database)
    columns = dict(query(pg_database, "SELECT column_name, data_type FROM information_schema.columns "
                                      "WHERE table_name = 'period_figures'"))
    pair_columns = [p.column(s) for p in PAIRS for s in SUFFIXES]
    assert set(columns) == {"dataset_id", "file", "period", "region_code", "level", "given", "reporting",
                            *COUNT_COLUMNS, *pair_columns}
    assert {columns[c] for c in COUNT_COLUMNS} == {"double precision"}
    assert {columns[p.column(s)] for p in PAIRS for s in ("part", "whole")} == {"double precision"}


def test_period_figures_rows_of_two_periods_land_in_different_partitions(pg_database):
    migrations.migrate(pg_database)
    counts = {c: float(i + 1) for i, c in enumerate(COUNT_COLUMNS)}
    names = ", ".join(counts)
    with connection.connect(pg_database) as conn:
        conn.execute("INSERT INTO datasets (id, name, source, simulated, current_version) VALUES ('bpjs-2024', 'n', 's', false, 1)")
        conn.execute("INSERT INTO dataset_versions (dataset_id, number, action, manifest) VALUES ('bpjs-2024', 1, 'create', %s)",
                     (json.dumps({"2024-01": {"file": "2024-01-aaaa0001"}, "2024-02": {"file": "2024-02-bbbb0002"}}),))
        made = [conn.execute("SELECT period_figures_partition(%s)", (p,)).fetchone()[0] for p in ("2024-01", "2024-02")]
        assert made == ["period_figures_2024_01", "period_figures_2024_02"]
        assert conn.execute("SELECT period_figures_partition('2024-01')").fetchone()[0] == made[0]  # idempotent
        for period, file in (("2024-01", "2024-01-aaaa0001"), ("2024-02", "2024-02-bbbb0002")):
            for code, level in (("ID", 0), ("53", 1), ("53.02", 2)):
                conn.execute(f"INSERT INTO period_figures (dataset_id, file, period, region_code, level, given, reporting, {names}) "
                             f"VALUES ('bpjs-2024', %s, %s, %s, %s, true, 1, {', '.join(['%s'] * len(counts))})",
                             (file, period, code, level, *counts.values()))
        conn.commit()
    placed = query(pg_database, "SELECT tableoid::regclass::text, period, count(*) FROM period_figures GROUP BY 1, 2 ORDER BY 2")
    assert placed == [("period_figures_2024_01", "2024-01", 3), ("period_figures_2024_02", "2024-02", 3)]
    assert value(pg_database, "SELECT employed_workers FROM period_figures_2024_02 WHERE region_code = '53.02'") == \
        counts["employed_workers"]
    with connection.connect(pg_database) as conn:
        # a query names one period: only its partition is read; a file's rows at a level through the index
        conn.execute("SET enable_seqscan = off")
        plan = "\n".join(r[0] for r in conn.execute(
            "EXPLAIN SELECT * FROM period_figures WHERE dataset_id = 'bpjs-2024' AND file = '2024-01-aaaa0001' "
            "AND level = 2 AND region_code >= '53' AND region_code < '53/' AND period = '2024-01'").fetchall())
        assert "period_figures_2024_01" in plan and "period_figures_2024_02" not in plan
        assert "Index" in plan and "period_figures_2024_01_pkey" in plan
        # a month without a partition is refused, and so is a malformed period
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("INSERT INTO period_figures (dataset_id, file, period, region_code, level, given) "
                         "VALUES ('bpjs-2024', '2024-03-cccc0003', '2024-03', 'ID', 0, true)")
        conn.rollback()
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            conn.execute("SELECT period_figures_partition('2024-13')")
        conn.rollback()
    # a deleted dataset takes its figures along
    with connection.connect(pg_database) as conn:
        conn.execute("DELETE FROM datasets WHERE id = 'bpjs-2024'")
    assert value(pg_database, "SELECT count(*) FROM period_figures") == 0


def test_every_change_to_the_shown_data_bumps_the_store_version_and_is_announced(pg_database):
    migrations.migrate(pg_database)

    def counter() -> int:
        return value(pg_database, "SELECT counter FROM store_version")

    start = counter()
    with connection.connect(pg_database, autocommit=True) as listener:
        listener.execute("LISTEN ucj_store_changed")
        with connection.connect(pg_database) as conn:
            conn.execute("INSERT INTO datasets (id, name, source, simulated) VALUES ('a', 'A', 's', false)")
            conn.execute("INSERT INTO default_composition (indicator_group, dataset_id) VALUES ('workers', 'a')")
        assert counter() == start + 2
        heard = [n.payload for n in listener.notifies(timeout=5, stop_after=2)]
        assert heard == [str(start + 1), str(start + 2)]
    with connection.connect(pg_database) as conn:  # a change rolled back bumps nothing
        conn.execute("DELETE FROM datasets")
        conn.rollback()
        conn.execute("INSERT INTO audit_log (actor, action, outcome, origin) VALUES ('cli', 'import', 'ok', 'cli')")
        conn.execute("INSERT INTO login_attempts (origin, succeeded) VALUES ('10.0.0.1', false)")
    assert counter() == start + 2  # the audit log and password guesses are not data a page caches
    with connection.connect(pg_database) as conn:  # a deleted dataset's default choice stays (no foreign key: the
        conn.execute("DELETE FROM datasets WHERE id = 'a'")  # default may name a built-in source); reading falls back
    assert value(pg_database, "SELECT count(*) FROM default_composition") == 1
    assert counter() > start + 2


# ---------------------------------------------------------------- connections


def test_store_url_comes_from_the_environment_and_blank_means_the_file_store():
    assert connection.store_url({}) is None
    assert connection.store_url({"UCJ_STORE_URL": "  "}) is None
    assert connection.store_url({"UCJ_STORE_URL": " postgresql://u@h/db\n"}) == "postgresql://u@h/db"


def test_a_server_that_is_down_gives_a_clear_message_in_both_languages_without_the_password():
    port = free_port()  # nothing listens there
    url = f"postgresql://ucj:{PASSWORD}@127.0.0.1:{port}/ucj?sslmode=disable&password={PASSWORD}"
    for attempt in (lambda: connection.connect(url), lambda: migrations.migrate(url)):
        with pytest.raises(StoreUnavailable) as caught:
            attempt()
        error = caught.value
        id_text, en_text = expect_user_error(error, "store.error.unreachable")
        assert id_text.startswith("Basis data bersama") and en_text.startswith("The shared database")
        for text in (id_text, en_text):
            assert f"127.0.0.1:{port}" in text and "UCJ_STORE_URL" in text and "refused" in text.lower()
        for text in (id_text, en_text, str(error), repr(error.params)):
            assert PASSWORD not in text
        assert error.__cause__ is None and error.__suppress_context__  # no traceback chain carrying the URL


def test_a_missing_database_and_a_wrong_url_are_named(postgres_url):
    missing = postgres_url.rsplit("/", 1)[0].replace("postgres@", f"postgres:{PASSWORD}@") + "/no_such_db"
    with pytest.raises(StoreUnavailable) as caught:
        connection.connect(missing)
    id_text, en_text = expect_user_error(caught.value, "store.error.no_database")
    assert "no_such_db" in id_text and "no_such_db" in en_text and PASSWORD not in id_text + en_text

    with pytest.raises(StoreUnavailable) as caught:
        connection.connect(f"mysql://ucj:{PASSWORD}@db:3306/ucj")
    id_text, en_text = expect_user_error(caught.value, "store.error.bad_url")
    assert "mysql://ucj:***@db:3306/ucj" in id_text and PASSWORD not in id_text + en_text + str(caught.value)


def test_without_the_server_binaries_the_fixture_fails_saying_to_run_make_test(monkeypatch):
    from tests import postgres

    monkeypatch.setattr(postgres.shutil, "which", lambda name: None)
    monkeypatch.setattr(postgres.glob, "glob", lambda pattern: [])
    assert postgres.server_bin_dir() is None
    with pytest.raises(pytest.fail.Exception, match="Run `make test`, which installs them"):
        postgres.start_server()
