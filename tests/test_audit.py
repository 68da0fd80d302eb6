"""The audit log of admin actions and the throttle on password guesses across sessions, in the file store
(``data/audit.log``) and in the shared PostgreSQL store (a real server, tests/postgres.py: tables ``audit_log``
and ``login_attempts``), where it must work alike and across processes (replicas)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest

from tests.postgres import file_store, pg_database, postgres_url, rows, shared_store, store  # noqa: F401  (fixtures)
from ucj_dash import audit
from ucj_dash.database import pool

ROOT = Path(__file__).resolve().parent.parent


def test_actions_are_appended_as_json_lines_without_the_password(file_store):
    data_dir = file_store
    audit.record("login", "failed", "10.0.0.7")
    audit.record("import", "ok", "cli", "kupang-2024", file_sha256="ab" * 32)
    lines = (data_dir / "audit.log").read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert [(e["action"], e["outcome"], e["origin"]) for e in entries] == [("login", "failed", "10.0.0.7"), ("import", "ok", "cli")]
    assert entries[1]["dataset_id"] == "kupang-2024" and "dataset_id" not in entries[0]
    assert all(datetime.fromisoformat(e["time"]).tzinfo is not None for e in entries)


def test_writers_at_once_never_interleave_lines(file_store):
    data_dir = file_store
    def write(n: int) -> None:
        for i in range(200):
            audit.record("login", "failed", f"client-{n}", note="x" * 300)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    lines = (data_dir / "audit.log").read_text().splitlines()
    assert len(lines) == 800
    assert all(json.loads(line)["note"] == "x" * 300 for line in lines)


def _failures(store, origin: str, times: list[datetime]) -> None:
    """Failed logins of ``origin`` at ``times`` as the store keeps them: lines of the log, or rows of both tables."""
    kind, where = store
    if kind == "files":
        where.mkdir(parents=True, exist_ok=True)
        with open(where / "audit.log", "a", encoding="utf-8") as f:
            for when in times:
                f.write(json.dumps({"time": when.isoformat(timespec="seconds"), "action": "login", "outcome": "failed",
                                    "origin": origin}) + "\n")
        return
    with psycopg.connect(where) as conn:
        for when in times:
            conn.execute("INSERT INTO audit_log (time, actor, action, outcome, origin) VALUES (%s, 'admin', 'login', 'failed', %s)",
                         (when, origin))
            conn.execute("INSERT INTO login_attempts (time, origin, succeeded) VALUES (%s, %s, false)", (when, origin))


def _migrated(store) -> None:
    """The shared store's tables exist (the app migrates on first use)."""
    if store[0] == "postgres":
        with pool.connection():
            pass


def test_five_wrong_guesses_in_15_minutes_make_a_client_wait(store):
    _migrated(store)
    data_dir = store
    now = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
    _failures(data_dir, "10.0.0.7", [now - timedelta(minutes=m) for m in (14, 10, 6, 2)])
    assert audit.login_wait_s("10.0.0.7", now) == 0  # 4 failures: may try
    _failures(data_dir, "10.0.0.7", [now - timedelta(minutes=1)])
    # 5 failures: wait until the oldest (14 min ago) leaves the 15-minute window, 1 minute from now
    assert audit.login_wait_s("10.0.0.7", now) == pytest.approx(60)
    assert audit.login_wait_s("10.0.0.8", now) == 0  # another client is not held up by these
    assert audit.login_wait_s("10.0.0.7", now + timedelta(minutes=1, seconds=1)) == 0


def test_twenty_wrong_guesses_from_anywhere_make_everyone_wait(store):
    _migrated(store)
    data_dir = store
    now = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
    for n in range(20):  # one guess each from 20 addresses, 10 minutes ago: a spread-out attack
        _failures(data_dir, f"10.0.1.{n}", [now - timedelta(minutes=10)])
    assert audit.login_wait_s("10.9.9.9", now) == pytest.approx(5 * 60)
    assert audit.login_wait_s("10.9.9.9", now + timedelta(minutes=5, seconds=1)) == 0


def test_successes_and_other_actions_do_not_count_and_a_cut_line_is_skipped(store):
    kind, where = store
    now = datetime.now(timezone.utc)
    if kind == "files":
        (where / "audit.log").parent.mkdir(parents=True, exist_ok=True)
        (where / "audit.log").write_text('{"time": "2026-11-\n')  # a line cut by a crash
    for _ in range(6):
        audit.record("login", "ok", "10.0.0.7")
        audit.record("login", "throttled", "10.0.0.7")  # a guess that was not checked
        audit.record("delete", "failed", "10.0.0.7", "x")
        audit.record("scenario_save", "failed", "10.0.0.7")
    assert audit.login_wait_s("10.0.0.7", now + timedelta(seconds=1)) == 0
    assert len(audit.recent(60)) == 24


# ---------------------------------------------------------------- the shared store: rows, replicas, same answers


def other_replica(code: str) -> None:
    """Run ``code`` (audit imported) in a new Python process with this environment (the same UCJ_STORE_URL)."""
    result = subprocess.run([sys.executable, "-c", "from ucj_dash import audit\n" + code], cwd=ROOT, env=dict(os.environ),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_actions_are_rows_of_the_audit_log_and_login_attempts_rows_of_their_own(shared_store):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    entry = audit.record("import", "ok", "cli", "kupang-2024", file_sha256="ab" * 32, version=3)
    audit.record("login", "failed", "10.0.0.7")
    audit.record("login", "throttled", "10.0.0.7")
    audit.record("login", "ok", None, session="abcd1234")
    audit.record("logout", "ok", "10.0.0.7")
    after = datetime.now(timezone.utc)
    found = rows(shared_store, "SELECT time, actor, action, outcome, origin, dataset_id, detail FROM audit_log ORDER BY id")
    assert [r[1:] for r in found] == [
        ("cli", "import", "ok", "cli", "kupang-2024", {"file_sha256": "ab" * 32, "version": 3}),
        ("admin", "login", "failed", "10.0.0.7", None, {}),
        ("admin", "login", "throttled", "10.0.0.7", None, {}),
        ("admin", "login", "ok", "unknown", None, {"session": "abcd1234"}),
        ("admin", "logout", "ok", "10.0.0.7", None, {}),
    ]
    assert all(before <= r[0] <= after and r[0].microsecond == 0 for r in found)
    assert datetime.fromisoformat(entry["time"]) == found[0][0]
    # only the guesses that were checked are attempts (a throttled one was not)
    assert [r[1:] for r in rows(shared_store, "SELECT time, origin, succeeded FROM login_attempts ORDER BY id")] == [
        ("10.0.0.7", False), ("unknown", True)]
    recent = audit.recent(3600)
    assert recent[0] == {**entry, "version": 3}
    assert [(e["action"], e["outcome"], e["origin"]) for e in recent] == [(r[2], r[3], r[4]) for r in found]
    assert "dataset_id" not in recent[1]


def test_recent_entries_read_alike_from_both_stores(data_dir, pg_database, monkeypatch):
    """The same actions recorded in each store read back as the same entries (times in UTC, to the second)."""

    def actions():
        audit.record("import", "refused", "cli", "x-1", reason="import.error.empty", file_sha256="cd" * 32)
        audit.record("login", "failed", "10.0.0.9")
        audit.record("activate", "ok", "10.0.0.9", "p:x-1,w:y")
        audit.record("scenario_save", "ok", "10.0.0.9", scenario="rencana-ntt", note="ünïcødé ✓")

    monkeypatch.delenv("UCJ_STORE_URL", raising=False)
    actions()
    from_files = audit.recent(3600)
    monkeypatch.setenv("UCJ_STORE_URL", pg_database)
    monkeypatch.setenv("PGTZ", "Asia/Jayapura")  # the session's time zone must not show (UTC+9)
    pool.close_all()
    try:
        actions()
        from_postgres = audit.recent(3600)
    finally:
        pool.close_all()

    def without_time(entries):
        return [{k: v for k, v in e.items() if k != "time"} for e in entries]

    assert without_time(from_postgres) == without_time(from_files) and len(from_files) == 4
    assert all(e["time"].endswith("+00:00") for e in from_postgres)
    assert abs(datetime.fromisoformat(from_postgres[0]["time"]) - datetime.fromisoformat(from_files[0]["time"])) < timedelta(minutes=1)


def test_the_throttle_gives_the_same_waits_in_both_stores(data_dir, pg_database, monkeypatch):
    """Random failed logins (and successes) written to each store: every client waits as long in both, at many moments."""
    now = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
    rng = random.Random(13)
    origins = [f"10.0.2.{n}" for n in range(6)]
    events = sorted((now - timedelta(seconds=rng.randrange(0, 25 * 60)), rng.choice(origins), rng.random() < 0.8)
                    for _ in range(70))

    def write(url: str | None) -> None:
        lines = []
        for when, origin, failed in events:
            lines.append(json.dumps({"time": when.isoformat(timespec="seconds"), "action": "login",
                                     "outcome": "failed" if failed else "ok", "origin": origin}))
        if url is None:
            data_dir.mkdir(parents=True, exist_ok=True)
            (data_dir / "audit.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
            return
        with psycopg.connect(url) as conn:
            for when, origin, failed in events:
                conn.execute("INSERT INTO login_attempts (time, origin, succeeded) VALUES (%s, %s, %s)", (when, origin, not failed))

    moments = [now + timedelta(seconds=s) for s in range(-600, 20 * 60, 37)]

    def waits() -> list[float]:
        return [audit.login_wait_s(origin, moment) for moment in moments for origin in [*origins, "10.9.9.9", None]]

    monkeypatch.delenv("UCJ_STORE_URL", raising=False)
    write(None)
    from_files = waits()
    monkeypatch.setenv("UCJ_STORE_URL", pg_database)
    pool.close_all()
    try:
        with pool.connection():
            pass  # migrated
        write(pg_database)
        from_postgres = waits()
    finally:
        pool.close_all()
    assert any(w > 0 for w in from_files) and any(w == 0 for w in from_files)  # the sample exercises both answers
    assert from_postgres == pytest.approx(from_files)


def test_failures_recorded_by_another_replica_throttle_this_one(shared_store):
    per_client, total = audit.MAX_FAILURES_PER_CLIENT, audit.MAX_FAILURES_TOTAL
    other_replica(f"for _ in range({per_client - 1}):\n    audit.record('login', 'failed', '10.0.0.7')")
    assert audit.login_wait_s("10.0.0.7") == 0  # one guess left
    other_replica("audit.record('login', 'failed', '10.0.0.7')")
    wait = audit.login_wait_s("10.0.0.7")
    assert audit.WINDOW_S - 120 < wait <= audit.WINDOW_S
    assert audit.login_wait_s("10.0.0.8") == 0 and audit.login_wait_s(None) == 0  # others are not held up by these
    # spread over other addresses, one short of the deployment's limit: others may still try
    spread = total - per_client - 1
    other_replica(f"for n in range({spread}):\n    audit.record('login', 'failed', f'10.0.3.{{n}}')")
    assert audit.login_wait_s("10.0.0.8") == 0
    other_replica("audit.record('login', 'failed', '10.0.3.250')")
    assert audit.WINDOW_S - 120 < audit.login_wait_s("10.0.0.8") <= audit.WINDOW_S  # now everyone waits
    assert rows(shared_store, "SELECT count(*) FROM login_attempts WHERE NOT succeeded") == [(total,)]


def test_the_login_page_throttles_and_audits_into_the_shared_store_without_the_password(demo_store, shared_store,
                                                                                           monkeypatch):
    from streamlit.testing.v1 import AppTest

    password = "kata-sandi-Rahasia-123"
    monkeypatch.setenv("UCJ_PUBLIC_MODE", "1")
    monkeypatch.setenv("UCJ_ADMIN_PASSWORD", password)
    monkeypatch.delenv("UCJ_SESSION_SECRET", raising=False)

    def guess(text: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=90).run()
        at.text_input(key="admin_password").input(text)
        at.button[0].click().run()
        return at

    for _ in range(audit.MAX_FAILURES_PER_CLIENT):
        assert "Kata sandi salah." in [e.value for e in guess("tebakan-salah").error]
    at = guess(password)  # the right one, now refused without being checked
    assert at.get("file_uploader") == []
    assert any("Terlalu banyak percobaan" in e.value for e in at.error)
    assert not (demo_store / "audit.log").exists()  # the shared store holds the log
    found = rows(shared_store, "SELECT action, outcome, origin FROM audit_log ORDER BY id")
    assert found == [("login", "failed", "unknown")] * audit.MAX_FAILURES_PER_CLIENT + [("login", "throttled", "unknown")]
    everything = json.dumps(rows(shared_store, "SELECT to_jsonb(a)::text FROM audit_log a")
                            + rows(shared_store, "SELECT to_jsonb(l)::text FROM login_attempts l"))
    assert password not in everything and "tebakan-salah" not in everything
