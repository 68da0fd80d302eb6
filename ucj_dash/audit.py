"""The audit log of admin actions and the throttle on admin password guesses.

Every admin action (``login``, ``logout``, ``import``, ``activate``, ``delete``) is appended as
one JSON line to ``data/audit.log``: time (UTC), action, outcome (``ok``, ``failed``,
``refused``, ``throttled``), where it came from (client address, or ``cli``) and the dataset
id where there is one. The password never appears in it. Lines are appended under an
``flock``, so processes and threads never interleave them.

Password guesses are throttled across sessions and processes: the failed logins of the
last :data:`WINDOW_S` seconds are read back from the log, and a client address with
:data:`MAX_FAILURES_PER_CLIENT` of them, or the whole deployment with
:data:`MAX_FAILURES_TOTAL`, must wait until the oldest falls out of the window.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ucj_dash.paths import data_dir

WINDOW_S = 15 * 60
MAX_FAILURES_PER_CLIENT = 5
MAX_FAILURES_TOTAL = 20
#: only the tail of the log is read back for the throttle (bytes)
_TAIL_BYTES = 256 * 1024


def log_path() -> Path:
    return data_dir() / "audit.log"


def record(action: str, outcome: str, origin: str | None, dataset_id: str | None = None, **extra) -> dict:
    """Append one admin action to the audit log; returns the entry written."""
    entry = {
        "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "action": action,
        "outcome": outcome,
        "origin": origin or "unknown",
        **({"dataset_id": dataset_id} if dataset_id else {}),
        **extra,
    }
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
    finally:
        os.close(fd)
    return entry


def recent(seconds: float, now: datetime | None = None) -> list[dict]:
    """Entries of the last ``seconds`` (from the log's tail), oldest first."""
    now = now or datetime.now(timezone.utc)
    try:
        with open(log_path(), "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - _TAIL_BYTES))
            lines = f.read().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return []
    since = now - timedelta(seconds=seconds)
    out = []
    for line in lines:
        try:
            entry = json.loads(line)
            when = datetime.fromisoformat(entry["time"])
        except (ValueError, KeyError, TypeError):
            continue  # the first line of a tail read may be cut
        if when >= since:
            out.append(entry)
    return out


def login_wait_s(origin: str | None, now: datetime | None = None) -> float:
    """Seconds ``origin`` must wait before its next password guess counts (0: it may try now)."""
    now = now or datetime.now(timezone.utc)
    failures = [e for e in recent(WINDOW_S, now) if e.get("action") == "login" and e.get("outcome") == "failed"]
    mine = [e for e in failures if e.get("origin") == (origin or "unknown")]
    waits = [0.0]
    for entries, limit in ((mine, MAX_FAILURES_PER_CLIENT), (failures, MAX_FAILURES_TOTAL)):
        if len(entries) >= limit:
            oldest_counted = datetime.fromisoformat(entries[-limit]["time"])
            waits.append((oldest_counted + timedelta(seconds=WINDOW_S) - now).total_seconds())
    return max(waits)
