"""Which store the app uses, and connections to the shared PostgreSQL store (psycopg 3).

``UCJ_STORE_URL`` names the shared store, e.g. ``postgresql://ucj:secret@db:5432/ucj``; unset or
empty, the app uses the embedded file store (:mod:`ucj_dash.datasets.store`). :func:`connect` opens
a connection; when it cannot, it raises :class:`StoreUnavailable` (a :class:`~ucj_dash.errors.UserError`)
saying what is wrong (server unreachable, login refused, database missing, not a PostgreSQL URL) and
what to do, in Bahasa Indonesia and English. Messages name the server, port, database and user,
never the password (:func:`redact` removes it from anything shown).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict

from ucj_dash.errors import UserError

#: the environment variable naming the shared store
ENV = "UCJ_STORE_URL"
SCHEMES = ("postgresql", "postgres")
#: seconds to wait for the server to answer (libpq's minimum is 2)
CONNECT_TIMEOUT_S = 10
APPLICATION_NAME = "ucj-dash"
DEFAULT_PORT = "5432"


class StoreUnavailable(UserError, ConnectionError):
    """The shared store cannot be used: its URL is not a PostgreSQL URL, or its server cannot be reached
    or refuses the login or database (the message says which, and what to do)."""

    @classmethod
    def of(cls, error: UserError) -> "StoreUnavailable":
        return cls(error.key, **error.params)


def store_url(environ: Mapping[str, str] | None = None) -> str | None:
    """The shared store's URL from ``UCJ_STORE_URL``; None (unset or blank): the embedded file store."""
    value = (os.environ if environ is None else environ).get(ENV, "")
    value = value.strip() if isinstance(value, str) else ""
    return value or None


def redact(text: str, password: str | None = None) -> str:
    """``text`` with any password in it replaced by ``***``: the ``user:password@`` part of a URL, a
    ``password=`` parameter, and ``password`` itself wherever it appears."""
    out = re.sub(r"(//[^/@:\s]*:)[^@\s]*@", r"\1***@", str(text))
    out = re.sub(r"(password\s*=\s*)('[^']*'|[^&\s]*)", r"\1***", out, flags=re.IGNORECASE)
    if password:
        out = out.replace(password, "***")
    return out


def _bad_url(url: str) -> StoreUnavailable:
    return StoreUnavailable.of(UserError("store.error.bad_url", env=ENV, url=redact(url)[:200]))


def parse(url: str) -> dict:
    """The connection parameters of a ``postgresql://`` URL (host, port, dbname, user, password, ...),
    or :class:`StoreUnavailable` when it is not one."""
    if not isinstance(url, str) or urlsplit(url.strip()).scheme.lower() not in SCHEMES:
        raise _bad_url(str(url))
    try:
        return conninfo_to_dict(url.strip())
    except (psycopg.Error, ValueError):
        raise _bad_url(url) from None


def describe(params: dict) -> tuple[str, str, str]:
    """``(where, database, user)`` of connection parameters for messages: ``host:port``, never the password."""
    host = params.get("host") or params.get("hostaddr") or "localhost"
    port = str(params.get("port") or DEFAULT_PORT)
    return f"{host}:{port}", str(params.get("dbname") or params.get("user") or "postgres"), str(params.get("user") or "postgres")


def _reason(exc: Exception, password: str | None) -> str:
    """libpq's reason, short: the first line after the last ``failed:`` (``Connection refused``)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = text.rsplit("failed:", 1)[-1].strip().removeprefix("FATAL:").strip()
    return redact(text, password)[:300] or type(exc).__name__


def unavailable(url: str, exc: Exception) -> StoreUnavailable:
    """The :class:`StoreUnavailable` for a failed connection to ``url`` (by libpq's reason)."""
    params = parse(url)
    password = params.get("password")
    where, database, user = describe(params)
    reason = _reason(exc, password)
    message = str(exc).lower()
    if "password authentication failed" in message or "authentication failed" in message or "no pg_hba.conf entry" in message \
            or "no password supplied" in message or ("role" in message and "does not exist" in message):
        error = UserError("store.error.login", env=ENV, where=where, user=user, database=database, reason=reason)
    elif "database" in message and "does not exist" in message:
        error = UserError("store.error.no_database", env=ENV, where=where, user=user, database=database)
    else:
        error = UserError("store.error.unreachable", env=ENV, where=where, database=database, reason=reason)
    return StoreUnavailable.of(error)


def connect(url: str, *, autocommit: bool = False, timeout_s: float = CONNECT_TIMEOUT_S, **kwargs) -> psycopg.Connection:
    """A psycopg 3 connection to the shared store at ``url`` (a ``postgresql://`` URL).

    Raises :class:`StoreUnavailable` (bilingual, password never shown) when the URL is not a PostgreSQL
    URL or the server cannot be reached, refuses the login or has no such database.
    """
    parse(url)
    try:
        return psycopg.connect(url.strip(), autocommit=autocommit, connect_timeout=max(2, int(timeout_s)),
                               application_name=APPLICATION_NAME, **kwargs)
    except psycopg.OperationalError as exc:
        raise unavailable(url, exc) from None
