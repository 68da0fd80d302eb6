"""Connections to the shared store, pooled per process, on a schema brought up to date once.

:func:`connection` lends a connection of this process's pool (psycopg_pool, created on first use and
again in a forked or spawned child: a pool is never shared across processes) as a transaction: committed
when the block ends, rolled back when it raises. The first use in a process migrates the schema
(:func:`ucj_dash.database.migrations.migrate`: one replica migrates, the others wait and find it
current). When the server cannot be reached the block raises
:class:`~ucj_dash.database.connection.StoreUnavailable` saying why and what to do (the password is never
shown), after at most :data:`CHECKOUT_TIMEOUT_S` seconds; the pool reconnects by itself when the server is back.

``UCJ_STORE_POOL_SIZE`` sets the most connections a process holds (default :data:`DEFAULT_SIZE`).
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from contextlib import contextmanager

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from ucj_dash.database import connection as _connection
from ucj_dash.database import migrations

DEFAULT_SIZE = 6
#: seconds a page waits for a connection before it says the store is unavailable
CHECKOUT_TIMEOUT_S = 8.0
#: a pooled connection idle longer than this (seconds) is checked before it is lent (a server restart drops it);
#: one used more recently is lent as it is (a check is one more round trip per use)
IDLE_CHECK_S = 10.0
#: after a wait for a connection failed, for this many seconds each use first tries one direct connection,
#: so that while the server is down a page says so at once instead of waiting for the pool every time
DOWN_RECHECK_S = 30.0

_lock = threading.Lock()
_pools: dict[tuple[int, str], ConnectionPool] = {}
_migrated: set[tuple[int, str]] = set()
_down_since: dict[str, float] = {}
_last_used: "weakref.WeakKeyDictionary[psycopg.Connection, float]" = weakref.WeakKeyDictionary()


def _check_if_idle(conn: psycopg.Connection) -> None:
    """The pool's check: a round trip only for a connection that has been idle (see :data:`IDLE_CHECK_S`)."""
    if time.monotonic() - _last_used.get(conn, 0.0) > IDLE_CHECK_S:
        ConnectionPool.check_connection(conn)


def _size() -> int:
    try:
        return max(1, int(os.environ.get("UCJ_STORE_POOL_SIZE", DEFAULT_SIZE)))
    except ValueError:
        return DEFAULT_SIZE


def _pool(url: str) -> ConnectionPool:
    key = (os.getpid(), url)
    pool = _pools.get(key)
    if pool is not None:
        return pool
    with _lock:
        if key not in _pools:
            _connection.parse(url)  # a URL that is not PostgreSQL's: say so now, not after a timeout
            pool = ConnectionPool(
                url, min_size=1, max_size=_size(), open=False, timeout=CHECKOUT_TIMEOUT_S, name=f"ucj-{os.getpid()}",
                kwargs={"application_name": _connection.APPLICATION_NAME, "connect_timeout": _connection.CONNECT_TIMEOUT_S},
                check=_check_if_idle,  # a connection the server dropped (restart) is replaced
            )
            pool.open(wait=False)
            _pools[key] = pool
        return _pools[key]


def current_url() -> str | None:
    """The configured shared store's URL (``UCJ_STORE_URL``), for cache keys that must not mix two stores."""
    return _connection.store_url()


def _check_up(url: str) -> None:
    """Raise :class:`~ucj_dash.database.connection.StoreUnavailable` unless one direct connection succeeds."""
    try:
        with psycopg.connect(url, connect_timeout=_connection.CONNECT_TIMEOUT_S):
            pass
    except psycopg.OperationalError as exc:
        raise _connection.unavailable(url, exc) from None


def _unavailable(url: str) -> _connection.StoreUnavailable:
    """Why no connection could be had: libpq's own reason from one direct attempt (:func:`_check_up`)."""
    try:
        _check_up(url)
    except _connection.StoreUnavailable as exc:
        return exc
    return _connection.unavailable(url, TimeoutError("all connections of the pool are busy"))


def ensure_schema(url: str) -> None:
    """Migrate the store at ``url`` once in this process (a no-op after the first success)."""
    key = (os.getpid(), url)
    if key in _migrated:
        return
    with _lock:
        if key not in _migrated:
            migrations.migrate(url)
            _migrated.add(key)


@contextmanager
def connection(url: str | None = None):
    """A pooled connection to the shared store (``url``, default ``UCJ_STORE_URL``) as one transaction."""
    url = url or _connection.store_url()
    if not url:
        raise RuntimeError("no shared store is configured (UCJ_STORE_URL)")
    ensure_schema(url)
    down = _down_since.get(url)
    if down is not None and time.monotonic() - down < DOWN_RECHECK_S:
        try:
            _check_up(url)
        except _connection.StoreUnavailable:
            _down_since[url] = time.monotonic()  # still down: say so at once, again
            raise
    pool = _pool(url)
    try:
        lent = pool.connection()
        conn = lent.__enter__()
    except PoolTimeout:
        _down_since[url] = time.monotonic()
        raise _unavailable(url) from None
    _down_since.pop(url, None)
    try:
        yield conn
    except psycopg.OperationalError as exc:  # the server went away under this connection: say so (it is not reused)
        lent.__exit__(type(exc), exc, exc.__traceback__)
        raise _connection.unavailable(url, exc) from None
    except BaseException as exc:
        lent.__exit__(type(exc), exc, exc.__traceback__)
        raise
    else:
        _last_used[conn] = time.monotonic()
        lent.__exit__(None, None, None)


def close_all() -> None:
    """Close this process's pools and store listeners (tests; a replica shutting down)."""
    from ucj_dash.database import changes

    changes.stop_all()
    with _lock:
        for key in [k for k in _pools if k[0] == os.getpid()]:
            _pools.pop(key).close()
        _migrated.clear()
        _down_since.clear()
