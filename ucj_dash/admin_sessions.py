"""Admin logins that survive reconnects and replicas: signed session tokens, recorded and revocable.

After the right admin password the server issues a token and the browser keeps it in the cookie
:data:`COOKIE`; any replica that sees the cookie on a new connection makes that session an admin
session again, until the token expires (:data:`TTL_S`) or is revoked (logout, on any replica).

A token is ``v1.<id>.<expires>.<mac>``: a random id (24 URL-safe characters), its expiry (Unix
seconds, UTC) and an HMAC-SHA256 of both under the session secret (:func:`ucj_dash.admin.session_secret`,
the same on every replica), base64url without padding: only characters a cookie may hold. A token is
valid when its MAC is right (compared in constant time), it has not expired, and the store has a record
of it that is not revoked: a forged or altered token fails the MAC, a stolen one stops working at
logout everywhere, and one signed with a leaked secret but never issued is not recorded.

Records live in the shared store when ``UCJ_STORE_URL`` is set (table ``admin_sessions``), else in
``data_dir()/admin_sessions.json`` (written whole under a lock; expired records are dropped on each
write). No Streamlit here (the page side is ``ui/admin_session.py``).
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets as _secrets
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ucj_dash.database import connection, pool
from ucj_dash.paths import data_dir

#: the cookie that carries the token
COOKIE = "ucj_admin"
#: how long a login lasts (seconds)
TTL_S = 12 * 60 * 60
VERSION = "v1"
_ID_BYTES = 18  # 24 characters of base64url
_MAC_CONTEXT = b"ucj-admin-session"
_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_EXPIRES_RE = re.compile(r"[1-9][0-9]{0,11}")


@dataclass(frozen=True)
class Token:
    """A token whose MAC and expiry are right: its id and when it expires (UTC)."""

    id: str
    expires: datetime


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _mac(secret: str, token_id: str, expires_s: int) -> str:
    message = b"|".join([_MAC_CONTEXT, VERSION.encode(), token_id.encode("ascii"), str(expires_s).encode("ascii")])
    return _b64(hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest())


def sign(token_id: str, expires: datetime, secret: str) -> str:
    """The token of ``token_id`` expiring at ``expires`` (to the second), signed with ``secret``."""
    if not secret:
        raise ValueError("no session secret: a token cannot be signed")
    expires_s = int(expires.timestamp())
    return f"{VERSION}.{token_id}.{expires_s}.{_mac(secret, token_id, expires_s)}"


def parse(value: str | None, secret: str | None, now: datetime | None = None) -> Token | None:
    """The :class:`Token` in ``value`` when its MAC under ``secret`` is right and it has not expired at ``now``;
    None for anything else (no secret, malformed, altered, signed with another secret, expired). Does not ask
    the store whether it was revoked: :func:`check` does."""
    if not secret or not isinstance(value, str) or len(value) > 200:
        return None
    parts = value.split(".")
    if len(parts) != 4 or parts[0] != VERSION:
        return None
    _, token_id, expires_text, mac = parts
    # the id: base64url characters; the expiry: ASCII digits without a leading zero (str.isdigit alone lets
    # "²" or "١" through, on which int() fails or which other spellings of one expiry would sign alike)
    if not _ID_RE.fullmatch(token_id) or not _EXPIRES_RE.fullmatch(expires_text):
        return None
    expected = _mac(secret, token_id, int(expires_text))
    if not hmac.compare_digest(expected.encode("ascii"), mac.encode("ascii", errors="replace")):
        return None
    expires = datetime.fromtimestamp(int(expires_text), timezone.utc)
    if expires <= (now or datetime.now(timezone.utc)):
        return None
    return Token(token_id, expires)


def issue(secret: str, origin: str | None, now: datetime | None = None, ttl_s: int = TTL_S) -> tuple[str, Token]:
    """A new token (the cookie's value and its :class:`Token`), recorded in the store; ``origin`` (the client
    address) is kept with the record."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    token_id = _b64(_secrets.token_bytes(_ID_BYTES))
    expires = datetime.fromtimestamp(int((now + timedelta(seconds=ttl_s)).timestamp()), timezone.utc)
    value = sign(token_id, expires, secret)
    _backend().add(token_id, now, expires, str(origin or "unknown")[:200])
    return value, Token(token_id, expires)


def check(value: str | None, secret: str | None, now: datetime | None = None) -> Token | None:
    """The :class:`Token` in ``value`` when it is valid: right MAC, not expired, issued and not revoked."""
    token = parse(value, secret, now)
    if token is None or not is_active(token.id, now):
        return None
    return token


def is_active(token_id: str, now: datetime | None = None) -> bool:
    """True when the store holds ``token_id`` unrevoked and unexpired at ``now``."""
    return _backend().active(token_id, now or datetime.now(timezone.utc))


def revoke(token_id: str | None, now: datetime | None = None) -> bool:
    """Revoke ``token_id`` on every replica; True when it was active until now."""
    if not token_id:
        return False
    return _backend().revoke(token_id, now or datetime.now(timezone.utc))


def short_id(token_id: str | None) -> str | None:
    """The first 8 characters of a token id, to name a login in the audit log (not enough to use it)."""
    return token_id[:8] if token_id else None


# ---------------------------------------------------------------- where records are kept


def _backend():
    return _Postgres() if connection.store_url() else _Files()


class _Postgres:
    """Records in the shared store's table ``admin_sessions``."""

    def add(self, token_id: str, now: datetime, expires: datetime, origin: str) -> None:
        with pool.connection() as conn:
            conn.execute("INSERT INTO admin_sessions (id, issued_at, expires_at, origin) VALUES (%s, %s, %s, %s)",
                         (token_id, now, expires, origin))
            # expired records are of no use to anyone: keep the table small
            conn.execute("DELETE FROM admin_sessions WHERE expires_at < %s", (now - timedelta(days=1),))

    def active(self, token_id: str, now: datetime) -> bool:
        with pool.connection() as conn:
            row = conn.execute("SELECT 1 FROM admin_sessions WHERE id = %s AND revoked_at IS NULL AND expires_at > %s",
                               (token_id, now)).fetchone()
        return row is not None

    def revoke(self, token_id: str, now: datetime) -> bool:
        with pool.connection() as conn:
            cur = conn.execute("UPDATE admin_sessions SET revoked_at = %s WHERE id = %s AND revoked_at IS NULL "
                               "AND expires_at > %s", (now, token_id, now))
            return cur.rowcount > 0


class _Files:
    """Records in ``data_dir()/admin_sessions.json``: ``{id: {"issued_at", "expires_at", "origin", "revoked_at"}}``."""

    @staticmethod
    def path() -> Path:
        return data_dir() / "admin_sessions.json"

    def _read(self) -> dict:
        try:
            data = json.loads(self.path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    @contextmanager
    def _changing(self, now: datetime):
        """The records to change in place, written back whole (expired ones dropped) under a lock."""
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            records = self._read()
            yield records
            kept = {k: v for k, v in records.items()
                    if isinstance(v, dict) and _when(v.get("expires_at")) > now - timedelta(days=1)}
            tmp_fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
            try:
                with os.fdopen(tmp_fd, "w", encoding="utf-8") as out:
                    json.dump(kept, out, indent=1)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        finally:
            os.close(fd)

    def add(self, token_id: str, now: datetime, expires: datetime, origin: str) -> None:
        with self._changing(now) as records:
            records[token_id] = {"issued_at": _iso(now), "expires_at": _iso(expires), "origin": origin, "revoked_at": None}

    def active(self, token_id: str, now: datetime) -> bool:
        record = self._read().get(token_id)
        return isinstance(record, dict) and not record.get("revoked_at") and _when(record.get("expires_at")) > now

    def revoke(self, token_id: str, now: datetime) -> bool:
        with self._changing(now) as records:
            record = records.get(token_id)
            if not isinstance(record, dict) or record.get("revoked_at") or _when(record.get("expires_at")) <= now:
                return False
            record["revoked_at"] = _iso(now)
            return True


def _iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat(timespec="seconds")


def _when(text) -> datetime:
    """The time in ``text`` (ISO 8601); the distant past for anything unreadable (an unreadable record is expired)."""
    try:
        when = datetime.fromisoformat(str(text))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
