"""Public vs admin mode: who may upload and delete data.

A local or internal deployment (the default) lets every user manage data. A
public deployment switches on *public mode*; the data page then asks for the
admin password, and visitors see only the read-only pages.

Settings, read from the environment first, then from Streamlit secrets
(``.streamlit/secrets.toml``) passed in by the page as a mapping (this module
imports no Streamlit):

- ``UCJ_PUBLIC_MODE`` / secret ``[admin] public_mode`` (or top-level
  ``public_mode``): ``1``, ``true``, ``yes``, ``on`` or ``ya`` switch public
  mode on; anything else (or nothing) leaves it off.
- ``UCJ_ADMIN_PASSWORD`` / secret ``[admin] password`` (or top-level
  ``admin_password``): the admin password. In public mode without a password
  the data page stays locked for everyone. Prefer the ``[admin]`` section:
  Streamlit copies top-level string secrets into ``os.environ``.
- ``UCJ_SESSION_SECRET`` / secret ``[admin] session_secret`` (or top-level
  ``session_secret``): the key that signs the admin's login cookie, so that a
  login survives reconnects and works on every replica (at least
  :data:`SESSION_SECRET_MIN_CHARS` characters, the same on every replica; see
  :mod:`ucj_dash.admin_sessions`). Without it a login lasts as long as the
  browser's connection to one server.

The password is compared in constant time (:func:`hmac.compare_digest` on
SHA-256 digests, so neither content nor length leaks through timing), and is
never logged, shown or put in a URL.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping

#: ``st.session_state`` key that marks an admin session (set by the data page).
SESSION_KEY = "ucj_admin"
#: the shortest accepted session secret (characters); ``secrets.token_urlsafe(32)`` gives 43
SESSION_SECRET_MIN_CHARS = 32
_TRUE = {"1", "true", "yes", "on", "ya"}
_PASSWORD_SECRETS = ("admin.password", "admin_password")
_SESSION_SECRETS = ("admin.session_secret", "session_secret")


def _setting(env_name: str, secret_names: tuple[str, ...], secrets: Mapping | None, environ: Mapping | None):
    environ = os.environ if environ is None else environ
    value = environ.get(env_name)
    if value not in (None, ""):
        return value
    if secrets is None:
        return None
    for name in (env_name, *secret_names):
        try:
            value = secrets
            for part in name.split("."):  # "admin.password" is key password of section [admin]
                value = value.get(part) if isinstance(value, Mapping) or hasattr(value, "get") else None
                if value is None:
                    break
        except Exception:  # no secrets.toml: Streamlit raises on any access
            return None
        if value not in (None, ""):
            return value
    return None


def public_mode(secrets: Mapping | None = None, environ: Mapping | None = None) -> bool:
    """True when the deployment is public (uploads and deletes need the admin password)."""
    value = _setting("UCJ_PUBLIC_MODE", ("admin.public_mode", "public_mode"), secrets, environ)
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _TRUE if value is not None else False


def password_configured(secrets: Mapping | None = None, environ: Mapping | None = None) -> bool:
    return bool(_setting("UCJ_ADMIN_PASSWORD", _PASSWORD_SECRETS, secrets, environ))


def check_password(given: str | None, secrets: Mapping | None = None, environ: Mapping | None = None) -> bool:
    """True when ``given`` is the configured admin password (False when none is configured)."""
    expected = _setting("UCJ_ADMIN_PASSWORD", _PASSWORD_SECRETS, secrets, environ)
    given_digest = hashlib.sha256(str(given or "").encode("utf-8")).digest()
    expected_digest = hashlib.sha256(str(expected or "").encode("utf-8")).digest()
    same = hmac.compare_digest(given_digest, expected_digest)
    return bool(expected) and bool(given) and same


def may_manage_data(session_is_admin: bool, secrets: Mapping | None = None, environ: Mapping | None = None) -> bool:
    """True when this session may upload, pick the default and delete: always outside public mode."""
    return not public_mode(secrets, environ) or bool(session_is_admin)


def session_secret(secrets: Mapping | None = None, environ: Mapping | None = None) -> str | None:
    """The key that signs admin login cookies, or None when none is configured or it is shorter than
    :data:`SESSION_SECRET_MIN_CHARS` (a short key could be guessed; :func:`session_secret_problem` says which)."""
    value = _setting("UCJ_SESSION_SECRET", _SESSION_SECRETS, secrets, environ)
    value = str(value) if value is not None else ""
    return value if len(value) >= SESSION_SECRET_MIN_CHARS else None


def session_secret_problem(secrets: Mapping | None = None, environ: Mapping | None = None) -> str | None:
    """Why no login cookie can be issued: ``"missing"``, ``"short"``, or None (the secret is usable)."""
    value = _setting("UCJ_SESSION_SECRET", _SESSION_SECRETS, secrets, environ)
    if value in (None, ""):
        return "missing"
    return "short" if len(str(value)) < SESSION_SECRET_MIN_CHARS else None
