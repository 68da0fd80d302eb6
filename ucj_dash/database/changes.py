"""The shared store's version as this process knows it, kept current by the store's announcements.

Every change to the data a page shows bumps ``store_version.counter`` and announces it (``NOTIFY
ucj_store_changed``, migration 0001). :func:`version` gives that counter without asking the database on every
rerun: one thread per process listens (``LISTEN``, on a connection of its own) and records each announcement;
every :data:`HEARTBEAT_S` seconds without one it reads the counter anyway, so a lost connection or a missed
announcement is caught within that time. Until the listener has read the counter, or while its connection is
down, :func:`version` reads it directly (and raises
:class:`~ucj_dash.database.connection.StoreUnavailable` when the server is down).

Caches keyed on it see a change made through any replica or the command line on the next rerun after the
change's commit was announced (milliseconds). No Streamlit here.
"""

from __future__ import annotations

import logging
import os
import threading

import psycopg

from ucj_dash.database import connection as _connection
from ucj_dash.database import pool

CHANNEL = "ucj_store_changed"
#: seconds without an announcement after which the listener reads the counter itself
HEARTBEAT_S = 5.0
#: seconds the listener waits before connecting again after its connection failed
RETRY_S = 2.0

_LOG = logging.getLogger(__name__)
_lock = threading.Lock()
_listeners: dict[tuple[int, str], "_Listener"] = {}


def _read(conn) -> int:
    return int(conn.execute("SELECT counter FROM store_version").fetchone()[0])


class _Listener:
    """The counter of one store, as announced; ``known`` is False until read, and again while disconnected."""

    def __init__(self, url: str):
        self.url = url
        self.counter = 0
        self.known = False
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="ucj-store-changes", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopped.is_set():
            try:
                pool.ensure_schema(self.url)
                with psycopg.connect(self.url, autocommit=True, connect_timeout=_connection.CONNECT_TIMEOUT_S,
                                     application_name=_connection.APPLICATION_NAME + "-listener") as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.counter, self.known = _read(conn), True  # after LISTEN: nothing announced in between is lost
                    while not self.stopped.is_set():
                        heard = False
                        for notice in conn.notifies(timeout=HEARTBEAT_S):
                            heard = True
                            try:
                                self.counter = max(self.counter, int(notice.payload))
                            except ValueError:
                                self.counter = _read(conn)
                        if not heard:
                            self.counter = _read(conn)
            except Exception as exc:  # noqa: BLE001 - down or refused: callers read directly meanwhile
                self.known = False
                _LOG.info("store change listener: %s", _connection.redact(str(exc)))
                self.stopped.wait(RETRY_S)
        self.known = False


def version(url: str | None = None) -> int:
    """The shared store's version counter (``UCJ_STORE_URL`` by default): from the listener, else read now."""
    url = url or _connection.store_url()
    key = (os.getpid(), url)
    listener = _listeners.get(key)
    if listener is None:
        with _lock:
            listener = _listeners.get(key)
            if listener is None:
                listener = _listeners[key] = _Listener(url)
    if listener.known:
        return listener.counter
    with pool.connection(url) as conn:
        return _read(conn)


def refresh(url: str | None = None) -> int:
    """Read the counter now and let this process's listener know it: called after a write here, so that this
    process's next rerun sees its own change even before the announcement has arrived."""
    url = url or _connection.store_url()
    with pool.connection(url) as conn:
        counter = _read(conn)
    listener = _listeners.get((os.getpid(), url))
    if listener is not None and listener.known:
        listener.counter = max(listener.counter, counter)
    return counter


def stop_all() -> None:
    """Stop this process's listeners (tests; pools closing)."""
    with _lock:
        for key in [k for k in _listeners if k[0] == os.getpid()]:
            listener = _listeners.pop(key)
            listener.stopped.set()
