"""A real PostgreSQL server for the test session (Debian's server binaries, no mocks).

Import the fixtures into a test module that needs them::

    from tests.postgres import pg_database, postgres_url  # noqa: F401  (pytest fixtures)

(``pg_database`` needs ``postgres_url`` imported beside it.) ``postgres_url`` (session) starts one server: ``initdb`` into a fresh temporary directory, then
``pg_ctl start`` listening only on 127.0.0.1 on a free port and on a unix socket inside that
directory, trust authentication (local test use only), ``fsync`` off; it creates the database
``ucj_test`` and yields ``postgresql://postgres@127.0.0.1:<port>/ucj_test``. At the end of the session
the server is stopped (``pg_ctl stop -m fast``) and the directory removed. ``pg_database`` (per test)
is a new, empty database on that server, dropped after the test.

Run as root (CI, containers), the server binaries run as the ``postgres`` system user through
``runuser`` (PostgreSQL refuses to run as root), so the directory is made theirs. The binaries are
looked up on ``PATH`` and in ``/usr/lib/postgresql/<version>/bin``; when they are missing the fixture
fails, saying to run ``make test`` (which installs them): tests of the shared store are never skipped.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

#: the system user the server runs as when the tests run as root
SERVER_USER = "postgres"
DATABASE = "ucj_test"
START_TIMEOUT_S = 60


def server_bin_dir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: from ``PATH`` first, else the newest
    ``/usr/lib/postgresql/<version>/bin`` that has both; None when there is none."""
    on_path = [shutil.which(name) for name in ("initdb", "pg_ctl")]
    if all(on_path):
        return Path(os.path.realpath(on_path[0])).parent
    candidates = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")]
    candidates = [p for p in candidates if (p / "initdb").is_file() and (p / "pg_ctl").is_file()]
    if not candidates:
        return None

    def version(path: Path):
        name = path.parent.name
        return (int(name), name) if name.isdigit() else (0, name)

    return max(candidates, key=version)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running test server: its folder, port and the URL of a database on it."""

    bin_dir: Path
    root: Path  # the temporary directory: data/, the socket and server.log
    port: int
    as_user: str | None  # the system user the binaries run as (None: the current one)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def run(self, program: str, *args: str, timeout: float = START_TIMEOUT_S + 30) -> subprocess.CompletedProcess:
        """Run one of the server binaries (as the server's user), its output captured."""
        command = [str(self.bin_dir / program), *args]
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        return subprocess.run(command, cwd=self.root, capture_output=True, text=True, timeout=timeout)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def execute(self, sql: str) -> None:
        """Run one statement outside a transaction on the maintenance database (CREATE/DROP DATABASE)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql)

    def create_database(self, name: str) -> str:
        self.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fail(message: str, server: Server | None = None, result: subprocess.CompletedProcess | None = None):
    details = []
    if result is not None:
        details.append(f"exit code {result.returncode}\n{result.stdout}\n{result.stderr}".strip())
    if server is not None:
        details.append(f"server log ({server.log_file}):\n{server.log_tail()}")
    pytest.fail("\n".join([message, *details]), pytrace=False)


def start_server() -> Server:
    """initdb + pg_ctl start into a new temporary directory (see the module's docstring)."""
    bin_dir = server_bin_dir()
    if bin_dir is None:
        pytest.fail(
            "The PostgreSQL server binaries (initdb, pg_ctl) are not installed: they were looked up on PATH and in "
            "/usr/lib/postgresql/*/bin. Run `make test`, which installs them (apt-get install postgresql), "
            "or install Debian's `postgresql` package yourself.",
            pytrace=False,
        )
    as_user = SERVER_USER if os.geteuid() == 0 else None
    # directly under the system temp folder: the server's user must be able to reach it (pytest's own
    # temporary folders are private to root)
    root = Path(tempfile.mkdtemp(prefix="ucj-postgres-"))
    if as_user:
        try:
            account = pwd.getpwnam(as_user)
        except KeyError:
            shutil.rmtree(root, ignore_errors=True)
            pytest.fail(f"Running as root, the PostgreSQL server must run as the system user `{as_user}`, which does "
                        "not exist. Run `make test`, which installs Debian's postgresql package (it creates that user).",
                        pytrace=False)
        os.chown(root, account.pw_uid, account.pw_gid)
    os.chmod(root, 0o700)
    server = Server(bin_dir, root, 0, as_user)
    result = server.run("initdb", "-D", str(server.data_dir), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                        "--locale=C", "--no-sync")
    if result.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        _fail("initdb failed", None, result)
    settings = {
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": f"'{root}'",
        "fsync": "off",  # a throwaway test server: speed over durability
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "shared_buffers": "'32MB'",
        "max_connections": "60",
        "logging_collector": "off",
    }
    with (server.data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write("\n# ucj-dash test server (tests/postgres.py)\n")
        conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
    for _attempt in range(3):  # the free port may be taken between the check and the start
        server.port = free_port()
        result = server.run("pg_ctl", "start", "-D", str(server.data_dir), "-l", str(server.log_file), "-w",
                            "-t", str(START_TIMEOUT_S), "-o", f"-p {server.port}")
        if result.returncode == 0:
            break
    else:
        log = server.log_tail()
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"pg_ctl start failed:\n{result.stdout}\n{result.stderr}\nserver log:\n{log}", pytrace=False)
    return server


def stop_server(server: Server) -> None:
    try:
        server.run("pg_ctl", "stop", "-D", str(server.data_dir), "-m", "fast", "-w", "-t", "30")
    finally:
        shutil.rmtree(server.root, ignore_errors=True)


#: the session's running server (set by :func:`postgres_url`)
_running: Server | None = None


def running_server() -> Server:
    """The session's running :class:`Server` (request ``postgres_url`` first)."""
    if _running is None:
        raise RuntimeError("no PostgreSQL test server is running: request the postgres_url fixture")
    return _running


@pytest.fixture(scope="session")
def postgres_url():
    """``postgresql://postgres@127.0.0.1:<port>/ucj_test``: a database on the session's real server
    (started here, stopped and removed at the end of the session)."""
    global _running
    server = start_server()
    _running = server
    try:
        yield server.create_database(DATABASE)
    finally:
        _running = None
        stop_server(server)


@pytest.fixture
def pg_database(postgres_url):
    """The URL of a new, empty database on the session's server (dropped after the test)."""
    server = running_server()
    name = f"ucj_{uuid.uuid4().hex[:12]}"
    url = server.create_database(name)
    try:
        yield url
    finally:
        server.drop_database(name)


# ---------------------------------------------------------------- the app on either store


@pytest.fixture
def shared_store(pg_database, monkeypatch):
    """The app uses the fresh database ``pg_database`` as its shared store (``UCJ_STORE_URL``); pools closed after."""
    from ucj_dash.database import pool

    monkeypatch.setenv("UCJ_STORE_URL", pg_database)
    pool.close_all()
    yield pg_database
    pool.close_all()


@pytest.fixture
def file_store(data_dir, monkeypatch):
    """No shared store: the app keeps everything in files under ``data_dir``."""
    monkeypatch.delenv("UCJ_STORE_URL", raising=False)
    return data_dir


@pytest.fixture(params=["files", "postgres"])
def store(request):
    """Each test once per store: ``("files", data folder)`` or ``("postgres", url)`` (import ``file_store``,
    ``shared_store``, ``pg_database`` and ``postgres_url`` beside it)."""
    if request.param == "files":
        return "files", request.getfixturevalue("file_store")
    return "postgres", request.getfixturevalue("shared_store")


def rows(url: str, sql: str, params=None) -> list[tuple]:
    """The rows of ``sql`` on the database at ``url`` (a connection of its own)."""
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()
