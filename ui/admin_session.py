"""The admin session on the page side: who may manage data on this run, login, logout, the login cookie.

A session is an admin session when ``st.session_state[admin.SESSION_KEY]`` is set (a login in this
session) or, in public mode, when the browser's connection carried a valid login cookie
(:mod:`ucj_dash.admin_sessions`: signed, unexpired, issued and not revoked), e.g. after a reconnect
to another replica. A session that got its admin rights from a token asks the store on every run
whether the token still holds, so a logout (on any replica) ends it everywhere.

Streamlit reads cookies only from the request that opened the connection (``st.context.cookies``)
and cannot send a ``Set-Cookie`` from a script run; the cookie is written by a small script in the
page (``st.html(..., unsafe_allow_javascript=True)``, run in the app's own document, not an iframe):
``ucj_admin=<token>; Path=/; Expires=<token's expiry>; SameSite=Strict`` and ``Secure`` when the page
is served over https. JavaScript cannot set ``HttpOnly``: the cookie is worth nothing without the
session secret's signature and the store's record, and logout revokes that record. :func:`sync_cookie`
(called by app.py on every run) writes it while the session is admin and clears it after a logout or
when the browser's cookie was refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from email.utils import format_datetime

import streamlit as st

from ucj_dash import admin, admin_sessions, audit
from ucj_dash.errors import UserError
from ucj_dash.text.i18n import t

#: session_state: the token this admin session holds ({"id", "value", "expires"}); absent: a login without a cookie
TOKEN_KEY = "ucj_admin_token"
#: session_state: the browser's cookie must be cleared (logout, or it was refused)
CLEAR_KEY = "ucj_admin_cookie_clear"
#: session_state: a cookie value already refused in this session (not asked about again on every run)
REFUSED_KEY = "ucj_admin_cookie_refused"
_VALUE_RE = re.compile(r"[A-Za-z0-9_.-]{1,200}")  # fullmatch: "$" would let a final newline through
# the element holding the script takes no room on the page
_HIDE = '<style>div[data-testid="stElementContainer"]:has(.ucj-admin-cookie){display:none}</style>'


def request_cookies() -> Mapping[str, str]:
    """The cookies of the request that opened this session's connection (empty when there is none, e.g. in tests)."""
    try:
        return st.context.cookies
    except Exception:  # no runtime (bare script, AppTest): no request
        return {}


def origin() -> str:
    """Where this session comes from, as the audit log names it (the client address)."""
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "unknown"


def is_admin() -> bool:
    """True when this session is an admin session (see the module); in public mode a login cookie counts."""
    state = st.session_state
    if not admin.public_mode(st.secrets):
        return bool(state.get(admin.SESSION_KEY, False))
    if state.get(admin.SESSION_KEY, False):
        token = state.get(TOKEN_KEY)
        if token is None:
            return True  # a login without a cookie (no session secret): this session only
        try:
            active = admin_sessions.is_active(token["id"])
        except UserError:
            return False  # the store cannot say: not admin on this run, nothing forgotten
        if active:
            return True
        _forget(state)  # logged out elsewhere, or expired
        return False
    return _from_cookie(state)


def may_manage_data() -> bool:
    """True when this session may upload, pick the default and delete (always outside public mode)."""
    return admin.may_manage_data(is_admin(), st.secrets)


def _from_cookie(state) -> bool:
    value = request_cookies().get(admin_sessions.COOKIE)
    if not value or state.get(REFUSED_KEY) == value:
        return False
    secret = admin.session_secret(st.secrets)
    try:
        token = admin_sessions.check(value, secret) if secret else None
    except UserError:
        return False  # the store cannot say: ask again on the next run
    if token is None:  # forged, altered, expired, revoked, or signed with another secret
        state[REFUSED_KEY] = value
        state[CLEAR_KEY] = True
        return False
    state[admin.SESSION_KEY] = True
    state[TOKEN_KEY] = {"id": token.id, "value": value, "expires": token.expires.isoformat()}
    state.pop(CLEAR_KEY, None)
    audit.record("session_resume", "ok", origin(), session=admin_sessions.short_id(token.id))
    return True


def _forget(state) -> None:
    """No longer an admin session; the browser's cookie is cleared and, in this session, not accepted again."""
    state[admin.SESSION_KEY] = False
    state.pop(TOKEN_KEY, None)
    value = request_cookies().get(admin_sessions.COOKIE)
    if value:
        state[REFUSED_KEY] = value
    state[CLEAR_KEY] = True


def login(where: str) -> None:
    """Make this session an admin session after the right password; in public mode with a session secret,
    issue a login cookie too (written by :func:`sync_cookie` on the next run). Audits the login."""
    state = st.session_state
    detail = {}
    secret = admin.session_secret(st.secrets)
    if admin.public_mode(st.secrets) and secret:
        value, token = admin_sessions.issue(secret, where)
        state[TOKEN_KEY] = {"id": token.id, "value": value, "expires": token.expires.isoformat()}
        detail["session"] = admin_sessions.short_id(token.id)
    else:
        state.pop(TOKEN_KEY, None)
    audit.record("login", "ok", where, **detail)
    state[admin.SESSION_KEY] = True
    state.pop(CLEAR_KEY, None)
    state.pop(REFUSED_KEY, None)


def logout(where: str) -> None:
    """End this admin session: revoke its token on every replica, clear the cookie, audit the logout."""
    state = st.session_state
    token = state.get(TOKEN_KEY)
    revoked = admin_sessions.revoke(token["id"]) if token else False
    audit.record("logout", "ok", where, **({"session": admin_sessions.short_id(token["id"]), "revoked": revoked} if token else {}))
    _forget(state)


def secret_warning(lang: str) -> str | None:
    """Why logins last only this connection (public mode without a usable session secret), in ``lang``; or None."""
    if not admin.public_mode(st.secrets):
        return None
    problem = admin.session_secret_problem(st.secrets)
    if problem == "missing":
        return t("admin.session.secret_missing", lang, min=admin.SESSION_SECRET_MIN_CHARS)
    if problem == "short":
        return t("admin.session.secret_short", lang, min=admin.SESSION_SECRET_MIN_CHARS)
    return None


def cookie_script(token: Mapping | None) -> str | None:
    """The HTML (a script) that writes the login cookie of ``token`` ({"value", "expires"}), or clears it (None)."""
    if token is None:
        cookie = f"{admin_sessions.COOKIE}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Strict"
    else:
        value = str(token["value"])
        if not _VALUE_RE.fullmatch(value):
            return None
        expires = datetime.fromisoformat(token["expires"]).astimezone(timezone.utc)
        cookie = f"{admin_sessions.COOKIE}={value}; Path=/; Expires={format_datetime(expires, usegmt=True)}; SameSite=Strict"
    # a JavaScript string that cannot end the script element, whatever it holds
    literal = json.dumps(cookie).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (f'{_HIDE}<span class="ucj-admin-cookie"></span><script>document.cookie = {literal}'
            ' + (window.location.protocol === "https:" ? "; Secure" : "");</script>')


def sync_cookie() -> None:
    """Write the login cookie while this session is an admin session with a token; clear it after a logout or a
    refused cookie. Call once per run (app.py), after :func:`is_admin` has run."""
    state = st.session_state
    token = state.get(TOKEN_KEY) if state.get(admin.SESSION_KEY, False) else None
    if token is not None:
        html = cookie_script(token)
    elif state.get(CLEAR_KEY):
        html = cookie_script(None)
    else:
        return
    if html:
        st.html(html, unsafe_allow_javascript=True)
