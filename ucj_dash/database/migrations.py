"""The shared store's schema: numbered plain SQL migrations, applied once, in order, under a lock.

A migration is a file ``migrations/NNNN_<name>.sql`` (``NNNN``: its version, 1, 2, ... without gaps;
``<name>``: ``a-z0-9_``). :func:`migrate` applies the ones a database has not had yet, in order, each in
its own transaction together with its row in ``schema_version`` (version, name, applied_at, checksum),
so a migration that fails leaves nothing behind and the schema at the previous version. A migration
file holds plain SQL statements and no ``BEGIN``/``COMMIT`` of its own.

Several app replicas may start at once: :func:`migrate` holds a PostgreSQL session advisory lock
(:data:`LOCK_KEY`) while it reads and applies, so exactly one replica migrates; the others wait for
the lock (up to ``wait_s``), then find every migration applied and do nothing. The lock goes with the
connection, so a replica killed while migrating does not block the others.

Applied migrations are never edited: a file whose SHA-256 (of its text, line endings as ``\\n``) or
name differs from what the database recorded is refused (:class:`MigrationError`), as is a database
holding a version this app does not know (a newer app migrated it): nothing is applied then.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from ucj_dash.database.connection import connect
from ucj_dash.errors import UserError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
FILE_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
#: the advisory lock migrations run under: "UCJMIGR" as a number (one per database)
LOCK_KEY = int.from_bytes(b"UCJMIGR", "big")
#: seconds a replica waits for another one's migration before giving up
WAIT_S = 600

SCHEMA_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version    integer PRIMARY KEY CHECK (version >= 1),
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    checksum   text NOT NULL
)
"""


class MigrationError(UserError):
    """The database's schema cannot be brought to this app's version (the message says why and what to do)."""

    @classmethod
    def of(cls, error: UserError) -> "MigrationError":
        return cls(error.key, **error.params)


@dataclass(frozen=True)
class Migration:
    """One migration file."""

    version: int
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        """SHA-256 of the file's text with ``\\n`` line endings (a checkout's line endings do not count)."""
        return hashlib.sha256(self.sql.replace("\r\n", "\n").encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Applied:
    """A row of ``schema_version``."""

    version: int
    name: str
    applied_at: object  # datetime (UTC)
    checksum: str


@dataclass(frozen=True)
class Result:
    """What :func:`migrate` did: the versions it applied (empty: the schema was current), the schema's
    version afterwards, and how long it waited for another process's lock."""

    applied: tuple[int, ...]
    version: int
    waited_s: float


def available(folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migration files of ``folder`` in order; a misnamed ``.sql`` file, a repeated version or a gap
    is a packaging bug (:class:`ValueError`)."""
    found = []
    for path in sorted(Path(folder).glob("*.sql")):
        match = FILE_RE.match(path.name)
        if not match:
            raise ValueError(f"migration file {path.name} is not named NNNN_<name>.sql")
        found.append(Migration(int(match[1]), match[2], path))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise ValueError(f"migrations in {folder} must be numbered 1, 2, 3, ... without gaps or repeats: {versions}")
    return found


def applied(conn: psycopg.Connection) -> list[Applied]:
    """The rows of ``schema_version`` in order (none when the table does not exist yet)."""
    if conn.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:
        return []
    rows = conn.execute("SELECT version, name, applied_at, checksum FROM schema_version ORDER BY version").fetchall()
    return [Applied(*row) for row in rows]


def current_version(conn: psycopg.Connection) -> int:
    """The schema's version: the highest applied migration (0: none)."""
    done = applied(conn)
    return done[-1].version if done else 0


def check(done: list[Applied], migrations: list[Migration]) -> None:
    """Refuse (:class:`MigrationError`) a database whose applied migrations differ from the files or that
    holds a version no file has."""
    by_version = {m.version: m for m in migrations}
    for row in done:
        migration = by_version.get(row.version)
        if migration is None:
            raise MigrationError.of(UserError(
                "store.error.schema_newer", version=row.version, name=row.name, known=len(migrations)))
        if migration.name != row.name or migration.checksum != row.checksum:
            raise MigrationError.of(UserError(
                "store.error.migration_changed", version=row.version, name=row.name, file=migration.path.name,
                applied_at=row.applied_at.isoformat(timespec="seconds") if hasattr(row.applied_at, "isoformat") else str(row.applied_at)))


def _lock(conn: psycopg.Connection, wait_s: float) -> float:
    """Take the migration lock, waiting up to ``wait_s``; returns the seconds waited."""
    started = time.monotonic()
    conn.execute(f"SET lock_timeout = {max(1, int(wait_s * 1000))}")
    try:
        conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
    except psycopg.errors.LockNotAvailable:
        raise MigrationError.of(UserError("store.error.migration_wait", seconds=round(wait_s))) from None
    finally:
        conn.execute("RESET lock_timeout")
    return time.monotonic() - started


def migrate_connection(conn: psycopg.Connection, folder: Path = MIGRATIONS_DIR, wait_s: float = WAIT_S, log=None) -> Result:
    """Bring the database of ``conn`` (autocommit) to the newest migration of ``folder``; see the module."""
    if not conn.autocommit:
        raise ValueError("migrate_connection needs a connection in autocommit mode (each migration is its own transaction)")
    migrations = available(folder)
    waited = _lock(conn, wait_s)
    try:
        conn.execute(SCHEMA_VERSION_TABLE)
        done = applied(conn)
        check(done, migrations)
        version = done[-1].version if done else 0
        newly = []
        for migration in migrations[version:]:
            if log:
                log(f"migration {migration.version:04d}_{migration.name}")
            try:
                with conn.transaction():
                    conn.execute(migration.sql)
                    conn.execute("INSERT INTO schema_version (version, name, checksum) VALUES (%s, %s, %s)",
                                 (migration.version, migration.name, migration.checksum))
            except psycopg.Error as exc:
                reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
                raise MigrationError.of(UserError(
                    "store.error.migration_failed", version=migration.version, name=migration.name,
                    file=migration.path.name, current=version, reason=reason)) from exc
            version = migration.version
            newly.append(version)
        return Result(tuple(newly), version, waited)
    finally:
        if not conn.closed and not conn.broken:  # a lost connection has released the lock with it
            try:
                conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
            except psycopg.Error:
                pass  # the connection's end releases it; do not hide the error being raised


def migrate(url: str, folder: Path = MIGRATIONS_DIR, wait_s: float = WAIT_S, log=None) -> Result:
    """Connect to the shared store at ``url`` and bring its schema to the newest migration: exactly one of
    several processes doing this at once applies what is missing, the others wait and find it current.

    Raises :class:`~ucj_dash.database.connection.StoreUnavailable` when the store cannot be reached and
    :class:`MigrationError` when the schema cannot be brought up to date (changed or failed migration,
    a newer schema, or another process's migration taking longer than ``wait_s``).
    """
    with connect(url, autocommit=True) as conn:
        return migrate_connection(conn, folder, wait_s, log)
