"""The audit log of admin actions and the throttle on admin password guesses.

Every admin action (``login``, ``logout``, ``import``, ``activate``, ``delete``) is recorded with
its time (UTC), action, outcome (``ok``, ``failed``, ``refused``, ``throttled``), where it came
from (client address, or ``cli``) and the dataset id where there is one; the password never
appears in it. Without a shared store each entry is one JSON line appended to ``data/audit.log``
under an ``flock``, so processes and threads never interleave them. With one (``UCJ_STORE_URL``,
:mod:`ucj_dash.database.connection`) entries are rows of ``audit_log`` (actor ``cli`` or
``admin``, further fields in ``detail``), and every login attempt is also a row of
``login_attempts``.

Password guesses are throttled across sessions, processes and replicas: the failed logins of
the last :data:`WINDOW_S` seconds are read back (from the log's tail, or from ``login_attempts``),
and a client address with :data:`MAX_FAILURES_PER_CLIENT` of them, or the whole deployment with
:data:`MAX_FAILURES_TOTAL`, must wait until the oldest falls out of the window.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from psycopg.types.json import Jsonb

from ucj_dash.database import connection, pool
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
    # to the second, as the log's line says: the throttle then reads the same times from either store
    when = datetime.now(timezone.utc).replace(microsecond=0)
    entry = {
        "time": when.isoformat(timespec="seconds"),
        "action": action,
        "outcome": outcome,
        "origin": origin or "unknown",
        **({"dataset_id": dataset_id} if dataset_id else {}),
        **extra,
    }
    if connection.store_url():
        _record_pg(entry, when, extra)
        return entry
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
    """Entries of the last ``seconds`` (from the log's tail, or the shared store), oldest first."""
    now = now or datetime.now(timezone.utc)
    if connection.store_url():
        return _recent_pg(now - timedelta(seconds=seconds))
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
    if connection.store_url():
        return _login_wait_pg(origin or "unknown", now)
    failures = [e for e in recent(WINDOW_S, now) if e.get("action") == "login" and e.get("outcome") == "failed"]
    mine = [e for e in failures if e.get("origin") == (origin or "unknown")]
    waits = [0.0]
    for entries, limit in ((mine, MAX_FAILURES_PER_CLIENT), (failures, MAX_FAILURES_TOTAL)):
        if len(entries) >= limit:
            oldest_counted = datetime.fromisoformat(entries[-limit]["time"])
            waits.append((oldest_counted + timedelta(seconds=WINDOW_S) - now).total_seconds())
    return max(waits)


# ---------------------------------------------------------------- on the shared store


def _record_pg(entry: dict, when: datetime, extra: dict) -> None:
    """``entry`` as a row of ``audit_log`` (and a login attempt as a row of ``login_attempts``), in one transaction."""
    origin = entry["origin"]
    with pool.connection() as conn:
        conn.execute(
            "INSERT INTO audit_log (time, actor, action, outcome, origin, dataset_id, detail) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (when, "cli" if origin == "cli" else "admin", entry["action"], entry["outcome"], origin,
             entry.get("dataset_id"), Jsonb(json.loads(json.dumps(extra, ensure_ascii=False, default=str)))))
        if entry["action"] == "login" and entry["outcome"] in ("ok", "failed"):  # a throttled guess was not checked
            conn.execute("INSERT INTO login_attempts (time, origin, succeeded) VALUES (%s, %s, %s)",
                         (when, origin, entry["outcome"] == "ok"))


def _recent_pg(since: datetime) -> list[dict]:
    with pool.connection() as conn:
        rows = conn.execute("SELECT time, action, outcome, origin, dataset_id, detail FROM audit_log "
                            "WHERE time >= %s ORDER BY time, id", (since,)).fetchall()
    return [{"time": when.astimezone(timezone.utc).isoformat(timespec="seconds"), "action": action, "outcome": outcome,
             "origin": origin, **({"dataset_id": dataset_id} if dataset_id else {}), **(detail or {})}
            for when, action, outcome, origin, dataset_id, detail in rows]


def _login_wait_pg(origin: str, now: datetime) -> float:
    """:func:`login_wait_s` from ``login_attempts``: the time of the ``limit``-th newest failure of the window,
    per client and in total (two index lookups)."""
    since = now - timedelta(seconds=WINDOW_S)
    with pool.connection() as conn:
        mine, anyone = conn.execute(
            "SELECT (SELECT time FROM login_attempts WHERE NOT succeeded AND origin = %(origin)s AND time >= %(since)s "
            "        ORDER BY time DESC OFFSET %(mine)s LIMIT 1),"
            "       (SELECT time FROM login_attempts WHERE NOT succeeded AND time >= %(since)s "
            "        ORDER BY time DESC OFFSET %(total)s LIMIT 1)",
            {"origin": origin, "since": since, "mine": MAX_FAILURES_PER_CLIENT - 1, "total": MAX_FAILURES_TOTAL - 1},
        ).fetchone()
    waits = [0.0] + [(oldest_counted + timedelta(seconds=WINDOW_S) - now).total_seconds()
                     for oldest_counted in (mine, anyone) if oldest_counted is not None]
    return max(waits)
