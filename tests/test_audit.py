"""The audit log of admin actions and the throttle on password guesses across sessions."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone

import pytest

from ucj_dash import audit


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("UCJ_DATA_DIR", str(tmp_path))
    return tmp_path


def test_actions_are_appended_as_json_lines_without_the_password(data_dir):
    audit.record("login", "failed", "10.0.0.7")
    audit.record("import", "ok", "cli", "kupang-2024", file_sha256="ab" * 32)
    lines = (data_dir / "audit.log").read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert [(e["action"], e["outcome"], e["origin"]) for e in entries] == [("login", "failed", "10.0.0.7"), ("import", "ok", "cli")]
    assert entries[1]["dataset_id"] == "kupang-2024" and "dataset_id" not in entries[0]
    assert all(datetime.fromisoformat(e["time"]).tzinfo is not None for e in entries)


def test_writers_at_once_never_interleave_lines(data_dir):
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


def _failures(data_dir, origin: str, times: list[datetime]) -> None:
    with open(data_dir / "audit.log", "a", encoding="utf-8") as f:
        for when in times:
            f.write(json.dumps({"time": when.isoformat(timespec="seconds"), "action": "login", "outcome": "failed", "origin": origin}) + "\n")


def test_five_wrong_guesses_in_15_minutes_make_a_client_wait(data_dir):
    now = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
    _failures(data_dir, "10.0.0.7", [now - timedelta(minutes=m) for m in (14, 10, 6, 2)])
    assert audit.login_wait_s("10.0.0.7", now) == 0  # 4 failures: may try
    _failures(data_dir, "10.0.0.7", [now - timedelta(minutes=1)])
    # 5 failures: wait until the oldest (14 min ago) leaves the 15-minute window, 1 minute from now
    assert audit.login_wait_s("10.0.0.7", now) == pytest.approx(60)
    assert audit.login_wait_s("10.0.0.8", now) == 0  # another client is not held up by these
    assert audit.login_wait_s("10.0.0.7", now + timedelta(minutes=1, seconds=1)) == 0


def test_twenty_wrong_guesses_from_anywhere_make_everyone_wait(data_dir):
    now = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
    for n in range(20):  # one guess each from 20 addresses, 10 minutes ago: a spread-out attack
        _failures(data_dir, f"10.0.1.{n}", [now - timedelta(minutes=10)])
    assert audit.login_wait_s("10.9.9.9", now) == pytest.approx(5 * 60)
    assert audit.login_wait_s("10.9.9.9", now + timedelta(minutes=5, seconds=1)) == 0


def test_successes_and_other_actions_do_not_count_and_a_cut_line_is_skipped(data_dir):
    now = datetime.now(timezone.utc)
    (data_dir / "audit.log").write_text('{"time": "2026-11-\n')  # a line cut by a crash
    for _ in range(6):
        audit.record("login", "ok", "10.0.0.7")
        audit.record("delete", "failed", "10.0.0.7", "x")
    assert audit.login_wait_s("10.0.0.7", now + timedelta(seconds=1)) == 0
