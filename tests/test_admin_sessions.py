"""Admin login tokens (ucj_dash/admin_sessions.py): signed, expiring, recorded and revocable on every replica,
in the file store and in the shared PostgreSQL store (a real server, tests/postgres.py); the session secret's
settings (ucj_dash/admin.py) and the script that writes the login cookie (ui/admin_session.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest

from tests.postgres import file_store, pg_database, postgres_url, rows, shared_store, store  # noqa: F401  (fixtures)
from ucj_dash import admin, admin_sessions

ROOT = Path(__file__).resolve().parent.parent
SECRET = "k" * 20 + "-Rahasia-Sesi-0123456789"  # 44 characters
OTHER_SECRET = "z" * 44
NOW = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)


def other_replica(code: str) -> str:
    """Run ``code`` (admin_sessions imported) in a new Python process with this environment (the same
    UCJ_STORE_URL / UCJ_DATA_DIR): another replica. Returns what it printed."""
    result = subprocess.run([sys.executable, "-c", "from ucj_dash import admin_sessions\n" + code], cwd=ROOT,
                            env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def hand_mac(secret: str, token_id: str, expires_s: int) -> str:
    message = f"ucj-admin-session|v1|{token_id}|{expires_s}".encode("ascii")
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


# ---------------------------------------------------------------- the token itself (no store)


def test_a_token_is_the_id_expiry_and_an_hmac_sha256_of_both_under_the_secret():
    expires = datetime(2030, 1, 1, tzinfo=timezone.utc)
    expires_s = 1893456000  # 2030-01-01T00:00:00Z in Unix seconds
    value = admin_sessions.sign("AbC-_123", expires, SECRET)
    assert value == f"v1.AbC-_123.{expires_s}.{hand_mac(SECRET, 'AbC-_123', expires_s)}"
    mac = value.rsplit(".", 1)[1]
    assert len(mac) == 43 and "=" not in mac  # 32 bytes, base64url without padding
    # the same instant in another time zone signs the same token
    assert admin_sessions.sign("AbC-_123", expires.astimezone(timezone(timedelta(hours=7))), SECRET) == value
    assert admin_sessions.sign("AbC-_123", expires, OTHER_SECRET) != value
    token = admin_sessions.parse(value, SECRET, NOW)
    assert token == admin_sessions.Token("AbC-_123", expires)
    with pytest.raises(ValueError):
        admin_sessions.sign("x", expires, "")


def _flip(text: str, at: int) -> str:
    return text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1:]


def test_altered_forged_or_malformed_tokens_are_refused():
    expires = NOW + timedelta(hours=1)
    value = admin_sessions.sign("tokenid123", expires, SECRET)
    version, token_id, expires_text, mac = value.split(".")
    assert admin_sessions.parse(value, SECRET, NOW) is not None
    later = str(int(expires_text) + 3600)
    bad = [
        f"{version}.{_flip(token_id, 0)}.{expires_text}.{mac}",  # another id
        f"{version}.{token_id}.{later}.{mac}",  # a longer life
        f"{version}.{token_id}.{expires_text}.{_flip(mac, 5)}",  # another MAC
        f"{version}.{token_id}.{later}.{hand_mac(OTHER_SECRET, token_id, int(later))}",  # signed with another secret
        f"v2.{token_id}.{expires_text}.{mac}",  # another version
        f"{value}.extra", value[:-1], "", "v1...", "v1.a.b.c", "not a token",
        f"{version}.{token_id}.{expires_text}.{mac}é",
        f"{version}.{token_id}.²{expires_text}.{mac}",  # a digit that is not ASCII
        f"{version}.{token_id}.{'٣' * 10}.{mac}",  # Arabic-Indic digits (str.isdigit, int() reads them)
        f"{version}.{token_id}.0{expires_text}.{mac}",  # not the canonical expiry
        f"{version}.{token_id}.{expires_text}\n.{mac}",  # int() would read it: "$" of a regex lets it through
        f"{version}.{token_id}.{expires_text} .{mac}", f"{version}.{token_id}.+{expires_text}.{mac}",
        f"{version}.{token_id}.{expires_text}.{mac}\n",
        f"{version}.{token_id}.-{expires_text}.{mac}",
        "v1." + "a" * 300 + f".{expires_text}.{mac}",
    ]
    for candidate in bad:
        assert admin_sessions.parse(candidate, SECRET, NOW) is None, candidate
    assert admin_sessions.parse(value, OTHER_SECRET, NOW) is None
    assert admin_sessions.parse(value, None, NOW) is None and admin_sessions.parse(value, "", NOW) is None
    assert admin_sessions.parse(None, SECRET, NOW) is None and admin_sessions.parse(12, SECRET, NOW) is None


def test_a_token_is_refused_from_its_expiry_on():
    expires = NOW + timedelta(minutes=10)
    value = admin_sessions.sign("tokenid123", expires, SECRET)
    assert admin_sessions.parse(value, SECRET, expires - timedelta(seconds=1)) is not None
    assert admin_sessions.parse(value, SECRET, expires) is None
    assert admin_sessions.parse(value, SECRET, expires + timedelta(days=1)) is None


# ---------------------------------------------------------------- issued, checked and revoked in a store


def test_an_issued_token_holds_until_it_is_revoked_or_expires(store):
    value, token = admin_sessions.issue(SECRET, "203.0.113.9", now=NOW, ttl_s=3600)
    assert token.expires == NOW + timedelta(hours=1)
    assert value.split(".")[1] == token.id and len(token.id) == 24
    assert admin_sessions.parse(value, SECRET, NOW) == token
    assert admin_sessions.check(value, SECRET, NOW) == token
    assert admin_sessions.check(value, OTHER_SECRET, NOW) is None
    assert admin_sessions.check(value, SECRET, NOW + timedelta(hours=1)) is None  # expired
    assert admin_sessions.is_active(token.id, NOW)

    # rightly signed but never issued (a leaked secret): no record, refused
    forged = admin_sessions.sign("A" * 24, NOW + timedelta(hours=1), SECRET)
    assert admin_sessions.parse(forged, SECRET, NOW) is not None
    assert admin_sessions.check(forged, SECRET, NOW) is None

    other_value, other = admin_sessions.issue(SECRET, "203.0.113.10", now=NOW, ttl_s=3600)
    assert other.id != token.id
    assert admin_sessions.revoke(token.id, NOW + timedelta(minutes=5)) is True
    assert admin_sessions.check(value, SECRET, NOW + timedelta(minutes=6)) is None
    assert not admin_sessions.is_active(token.id, NOW + timedelta(minutes=6))
    assert admin_sessions.revoke(token.id, NOW + timedelta(minutes=7)) is False  # already revoked
    assert admin_sessions.check(other_value, SECRET, NOW + timedelta(minutes=6)) == other  # the other login holds
    assert admin_sessions.revoke("never-issued", NOW) is False
    assert admin_sessions.revoke(None, NOW) is False and admin_sessions.revoke("", NOW) is False
    assert admin_sessions.revoke(other.id, NOW + timedelta(hours=2)) is False  # expired already


def test_the_store_keeps_the_id_expiry_and_origin_never_the_token(store):
    kind, where = store
    value, token = admin_sessions.issue(SECRET, "198.51.100.4", now=NOW, ttl_s=600)
    if kind == "postgres":
        found = rows(where, "SELECT id, issued_at, expires_at, origin, revoked_at FROM admin_sessions")
        assert found == [(token.id, NOW, NOW + timedelta(minutes=10), "198.51.100.4", None)]
        dump = json.dumps([[str(c) for c in r] for r in found])
    else:
        dump = (where / "admin_sessions.json").read_text(encoding="utf-8")
        record = json.loads(dump)[token.id]
        assert record["origin"] == "198.51.100.4" and record["revoked_at"] is None
        assert datetime.fromisoformat(record["expires_at"]) == NOW + timedelta(minutes=10)
    assert value not in dump and value.rsplit(".", 1)[1] not in dump  # neither the token nor its MAC


def test_records_expired_over_a_day_ago_are_dropped_when_a_token_is_issued(store):
    kind, where = store
    _, old = admin_sessions.issue(SECRET, "a", now=NOW - timedelta(days=3), ttl_s=3600)
    _, recent = admin_sessions.issue(SECRET, "b", now=NOW - timedelta(hours=3), ttl_s=3600)  # expired 2 h ago: kept
    _, new = admin_sessions.issue(SECRET, "c", now=NOW, ttl_s=3600)
    if kind == "postgres":
        ids = {r[0] for r in rows(where, "SELECT id FROM admin_sessions")}
    else:
        ids = set(json.loads((where / "admin_sessions.json").read_text(encoding="utf-8")))
    assert ids == {recent.id, new.id}


def test_a_token_revoked_on_another_replica_is_refused_here(store):
    value, token = admin_sessions.issue(SECRET, "203.0.113.9")
    assert admin_sessions.check(value, SECRET) == token
    printed = other_replica(f"print(admin_sessions.revoke({token.id!r}))")
    assert printed == "True"
    assert admin_sessions.check(value, SECRET) is None
    assert not admin_sessions.is_active(token.id)


def test_a_token_issued_on_another_replica_is_accepted_here(store):
    value = other_replica(f"value, token = admin_sessions.issue({SECRET!r}, '192.0.2.1')\nprint(value)")
    token = admin_sessions.check(value, SECRET)
    assert token is not None and value.split(".")[1] == token.id
    assert admin_sessions.revoke(token.id) is True
    assert other_replica(f"print(admin_sessions.check({value!r}, {SECRET!r}))") == "None"


def test_logins_on_several_replicas_at_once_are_all_recorded(store):
    code = ("import sys\nvalues = [admin_sessions.issue(%r, 'r')[0] for _ in range(15)]\nprint(' '.join(values))" % SECRET)
    procs = [subprocess.Popen([sys.executable, "-c", "from ucj_dash import admin_sessions\n" + code], cwd=ROOT,
                              env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    values = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        values += out.split()
    assert len(values) == 60 == len(set(values))
    assert all(admin_sessions.check(v, SECRET) is not None for v in values)  # none lost to another writer


# ---------------------------------------------------------------- settings and the cookie script


def test_the_session_secret_comes_from_the_environment_or_secrets_and_must_be_long_enough():
    assert admin.session_secret({}, {}) is None and admin.session_secret_problem({}, {}) == "missing"
    short = "x" * (admin.SESSION_SECRET_MIN_CHARS - 1)
    assert admin.session_secret({}, {"UCJ_SESSION_SECRET": short}) is None
    assert admin.session_secret_problem({}, {"UCJ_SESSION_SECRET": short}) == "short"
    assert admin.session_secret({}, {"UCJ_SESSION_SECRET": SECRET}) == SECRET
    assert admin.session_secret_problem({}, {"UCJ_SESSION_SECRET": SECRET}) is None
    assert admin.session_secret({"admin": {"session_secret": SECRET}}, {}) == SECRET
    assert admin.session_secret({"session_secret": SECRET}, {}) == SECRET
    assert admin.session_secret({"admin": {"session_secret": OTHER_SECRET}}, {"UCJ_SESSION_SECRET": SECRET}) == SECRET
    assert admin.session_secret_problem({"admin": {"session_secret": ""}}, {}) == "missing"


def test_the_cookie_script_writes_the_token_until_its_expiry_and_clears_it():
    from ui import admin_session

    value, _ = "v1.abc_DEF-123.1893456000.mac_-x", None
    html = admin_session.cookie_script({"value": value, "expires": "2030-01-01T07:00:00+07:00"})
    script = html.split("<script>", 1)[1].split("</script>", 1)[0]
    expected = f"ucj_admin={value}; Path=/; Expires=Tue, 01 Jan 2030 00:00:00 GMT; SameSite=Strict"
    assert script.startswith(f"document.cookie = {json.dumps(expected)}")
    assert '"https:" ? "; Secure" : ""' in script

    cleared = admin_session.cookie_script(None)
    assert "ucj_admin=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT" in cleared

    # a value that could leave the string or the script is never written
    for hostile in ("v1.abc\n", "v1.abc\n<script>", 'x";alert(1);"', "x</script><script>alert(1)</script>", "a b", "x;Domain=evil", "", "é"):
        assert admin_session.cookie_script({"value": hostile, "expires": "2030-01-01T00:00:00+00:00"}) is None


def test_a_damaged_records_file_refuses_its_tokens_and_is_rewritten_on_the_next_login(file_store):
    path = file_store / "admin_sessions.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"bad": "not a record", "worse": None, "old": {"expires_at": "not a time"}}), encoding="utf-8")
    assert not admin_sessions.is_active("bad", NOW) and not admin_sessions.is_active("old", NOW)
    value, token = admin_sessions.issue(SECRET, "a", now=NOW)
    assert set(json.loads(path.read_text(encoding="utf-8"))) == {token.id}
    assert admin_sessions.check(value, SECRET, NOW) == token
    path.write_text("{cut", encoding="utf-8")  # unreadable: nothing is active
    assert admin_sessions.check(value, SECRET, NOW) is None


# ---------------------------------------------------------------- the data page with the shared store


def test_a_login_on_the_page_issues_a_recorded_token_that_a_logout_elsewhere_ends(demo_store, shared_store, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from ui import admin_session

    password = "kata-sandi-Rahasia-123"
    monkeypatch.setenv("UCJ_PUBLIC_MODE", "1")
    monkeypatch.setenv("UCJ_ADMIN_PASSWORD", password)
    monkeypatch.setenv("UCJ_SESSION_SECRET", SECRET)
    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=90).run()
    at.text_input(key="admin_password").input(password)
    at.button[0].click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Data"]
    token = at.session_state[admin_session.TOKEN_KEY]
    assert admin_sessions.check(token["value"], SECRET) is not None
    assert rows(shared_store, "SELECT id, origin, revoked_at FROM admin_sessions") == [(token["id"], "unknown", None)]
    assert rows(shared_store, "SELECT action, outcome, detail FROM audit_log") == [("login", "ok", {"session": token["id"][:8]})]
    everything = json.dumps(rows(shared_store, "SELECT to_jsonb(a)::text FROM audit_log a"))
    assert password not in everything and token["value"] not in everything

    assert other_replica(f"print(admin_sessions.revoke({token['id']!r}))") == "True"  # a logout on another replica
    at.run()
    assert [t.value for t in at.title] == ["Masuk admin"]  # this session is no longer an admin session
    assert at.session_state[admin.SESSION_KEY] is False

    at.text_input(key="admin_password").input(password)  # log in again, then out here
    at.button[0].click().run()
    second = at.session_state[admin_session.TOKEN_KEY]
    assert second["id"] != token["id"] and [t.value for t in at.title] == ["Data"]
    at.sidebar.button(key="admin_logout").click().run()
    assert [t.value for t in at.title] == ["Masuk admin"]
    assert not admin_sessions.is_active(second["id"])
    assert rows(shared_store, "SELECT action, detail FROM audit_log ORDER BY id")[-1] == (
        "logout", {"session": second["id"][:8], "revoked": True})
