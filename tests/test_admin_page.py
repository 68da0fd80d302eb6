"""Admin gate and data page, driven through Streamlit's AppTest.

Public mode hides uploads and deletes from visitors and shows them after the right
admin password; the store is a temporary folder holding links to the built demo sources.
"""

from __future__ import annotations

import hmac
import json
from pathlib import Path

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from ucj_dash import admin
from ucj_dash.datasets import composition, store

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "kata-sandi-Rahasia-123"
TIMEOUT = 90


@pytest.fixture
def data_dir(demo_store, monkeypatch):
    """A temporary store whose demo sources are links to the built ones (never written)."""
    for name in ("UCJ_PUBLIC_MODE", "UCJ_ADMIN_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return demo_store


@pytest.fixture
def nav_titles(monkeypatch):
    """Titles of the pages app.py hands to ``st.navigation`` on its last run."""
    seen: list[list[str]] = []
    original = streamlit.navigation

    def spy(pages, **kwargs):
        seen.append([p.title for p in pages])
        return original(pages, **kwargs)

    monkeypatch.setattr(streamlit, "navigation", spy)
    return seen


def data_page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=TIMEOUT)


def uploaders(at: AppTest) -> list:
    return at.get("file_uploader")


def texts(elements) -> list[str]:
    return [e.value for e in elements]


# ---------------------------------------------------------------- admin settings (no Streamlit)


def test_public_mode_setting_from_environment_or_secrets():
    assert admin.public_mode({}, {}) is False
    for value in ("1", "true", "TRUE", "yes", "on", "ya"):
        assert admin.public_mode({}, {"UCJ_PUBLIC_MODE": value})
    for value in ("0", "false", "no", "", "off"):
        assert not admin.public_mode({}, {"UCJ_PUBLIC_MODE": value})
    assert admin.public_mode({"public_mode": True}, {})
    assert admin.public_mode({"UCJ_PUBLIC_MODE": "1"}, {})
    assert not admin.public_mode({"public_mode": False}, {})
    assert admin.public_mode({"admin": {"public_mode": True}}, {})
    assert admin.check_password(PASSWORD, {"admin": {"password": PASSWORD}}, {})
    assert not admin.check_password(PASSWORD, {"admin": "not a section"}, {})
    assert not admin.public_mode({"public_mode": True}, {"UCJ_PUBLIC_MODE": "0"})  # environment wins


def test_unreadable_secrets_count_as_none():
    class NoSecretsFile(dict):
        def get(self, key, default=None):
            raise FileNotFoundError("no secrets.toml")

    assert admin.public_mode(NoSecretsFile(), {}) is False
    assert admin.check_password("x", NoSecretsFile(), {}) is False


def test_password_check_is_constant_time_and_never_true_without_a_password(monkeypatch):
    calls = []
    original = hmac.compare_digest

    def spy(a, b):
        calls.append((len(a), len(b)))
        return original(a, b)

    monkeypatch.setattr(admin.hmac, "compare_digest", spy)
    env = {"UCJ_ADMIN_PASSWORD": PASSWORD}
    assert admin.check_password(PASSWORD, {}, env)
    assert not admin.check_password(PASSWORD + " ", {}, env)
    assert not admin.check_password("", {}, env)
    assert not admin.check_password(None, {}, env)
    assert admin.check_password(PASSWORD, {"admin_password": PASSWORD}, {})
    assert not admin.check_password("", {}, {})  # no password configured: nobody gets in
    assert not admin.check_password("anything", {}, {"UCJ_ADMIN_PASSWORD": ""})
    assert calls and all(c == (32, 32) for c in calls)  # digests of equal length, whatever was typed
    assert admin.may_manage_data(False, {}, {})  # not public: everyone manages data
    assert not admin.may_manage_data(False, {}, {"UCJ_PUBLIC_MODE": "1"})
    assert admin.may_manage_data(True, {}, {"UCJ_PUBLIC_MODE": "1"})


# ---------------------------------------------------------------- the gate, through the app


def test_public_mode_hides_upload_until_the_right_password(data_dir, monkeypatch, nav_titles):
    monkeypatch.delenv("UCJ_SESSION_SECRET", raising=False)
    monkeypatch.setenv("UCJ_PUBLIC_MODE", "1")
    monkeypatch.setenv("UCJ_ADMIN_PASSWORD", PASSWORD)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert nav_titles[-1][-1] == "Masuk admin"  # visitors see a login entry, no data page
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert texts(at.title) == ["Masuk admin"]
    assert uploaders(at) == [] and not at.get("download_button")
    assert [b.label for b in at.button] == ["Masuk"]

    at.text_input(key="admin_password").input("salah").run()
    at.button[0].click().run()
    assert "Kata sandi salah." in texts(at.error)
    assert uploaders(at) == []
    assert nav_titles[-1][-1] == "Masuk admin"

    at.text_input(key="admin_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert texts(at.title) == ["Data"]
    assert len(uploaders(at)) == 1
    assert at.session_state[admin.SESSION_KEY] is True
    # no session secret: the admin is told the login lasts only this connection, and how to make it last
    assert [w for w in texts(at.sidebar.warning) if "UCJ_SESSION_SECRET" in w and "hanya berlaku" in w]
    # the password is nowhere to be found: not in the URL, not kept in the session
    assert PASSWORD not in str(at.query_params.to_dict() if hasattr(at.query_params, "to_dict") else at.query_params)
    assert all(PASSWORD not in str(v) for v in at.session_state.to_dict().values())

    at.sidebar.button(key="admin_logout").click().run()
    assert uploaders(at) == [] and texts(at.title) == ["Masuk admin"]

    # AppTest reruns only the page after switch_page: check the menu of an admin session on its own
    admin_app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    admin_app.session_state[admin.SESSION_KEY] = True
    admin_app.run()
    assert nav_titles[-1][-1] == "Data"


def test_public_mode_via_secrets_and_locked_without_a_password(data_dir):
    at = data_page()
    at.secrets["public_mode"] = True
    at.run()
    assert texts(at.title) == ["Masuk admin"] and uploaders(at) == []
    assert any("UCJ_ADMIN_PASSWORD" in e for e in texts(at.error))
    assert not at.text_input  # no form to guess at

    at = data_page()
    at.secrets["admin"] = {"public_mode": True, "password": PASSWORD}
    at.run()
    at.text_input(key="admin_password").input(PASSWORD)
    at.button[0].click().run()
    assert len(uploaders(at)) == 1


def test_private_mode_shows_the_data_page_to_everyone(data_dir, monkeypatch, nav_titles):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    assert nav_titles[-1][-1] == "Data"
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert len(uploaders(at)) == 1
    assert len(at.get("download_button")) == 2  # the CSV and XLSX templates


# ---------------------------------------------------------------- upload, confirm, pick, delete


def csv_bytes(rows: list[str]) -> bytes:
    head = "region_code;region_name;period;employed_workers;active_participants"
    return ("\r\n".join([head, *rows]) + "\r\n").encode("utf-8")


def test_upload_check_confirm_store_activate_and_delete(data_dir):
    demo_ids = sorted(composition.DEMO_SOURCES.values())
    at = data_page()
    at.run()
    # a file with an error: a report, nothing stored
    uploaders(at)[0].upload("salah.csv", csv_bytes(["53.02.05.2999;Taebesa;2024-12;100;10"]), "text/csv").run()
    assert not at.exception
    assert any("tidak diimpor" in e for e in texts(at.error))
    assert at.get("download_button")[-1].label == "Unduh laporan pemeriksaan (CSV)"
    assert not [b for b in at.button if b.key == "do_import"]
    assert sorted(m.id for m in store.list_datasets()) == sorted(set(demo_ids))

    # a file with a warning: storing needs the confirmation
    at = data_page()
    at.run()
    good = csv_bytes(["5302052001;Taebesa;2024-12;1163;1200", "5302052002;Nakfunu;2024-12;842;149"])
    uploaders(at)[0].upload("peserta.csv", good, "text/csv").run()
    assert any("1 peringatan" in w for w in texts(at.warning))
    assert at.button(key="do_import").disabled
    at.text_input(key="meta_source").input("BPJS Ketenagakerjaan Cabang Kupang")
    at.text_input(key="meta_as_of").input("2024-12-31")
    at.checkbox(key="confirm_warnings").check().run()
    assert not at.button(key="do_import").disabled
    at.button(key="do_import").click().run()
    assert not at.exception
    stored = [m for m in store.list_datasets() if not store.is_demo(m.id)]
    assert len(stored) == 1 and stored[0].name == "peserta" and stored[0].simulated is False
    assert stored[0].source == "BPJS Ketenagakerjaan Cabang Kupang" and stored[0].extra["rows_imported"] == 2
    new_id = stored[0].id
    # it holds employed workers and participants: the default source of those two groups, the rest unchanged
    default = composition.default()
    assert default.source("participants") == new_id and default.source("workers") == new_id
    assert default.source("poverty") == composition.DEMO_SOURCES["poverty"]
    assert any("tersimpan" in s and "versi 1" in s for s in texts(at.success))

    # new periods of the stored dataset: a new version; re-importing a period replaces it, the old version is kept
    at = data_page()
    at.run()
    more = csv_bytes(["5302052001;Taebesa;2025-01;1170;300", "5302052002;Nakfunu;2025-01;850;160"])
    uploaders(at)[0].upload("januari.csv", more, "text/csv").run()
    at.radio(key="import_mode").set_value("append").run()
    assert at.selectbox(key="append_to").value == new_id
    at.text_input(key="meta_as_of").input("2025-01-31")
    at.button(key="do_import").click().run()
    assert not at.exception
    assert store.load(new_id).periods == ["2024-12", "2025-01"] and store.load(new_id).version.number == 2
    at.selectbox(key="versions_pick").select(new_id).run()
    table = next(d.value for d in at.dataframe if "Perubahan" in d.value.columns)  # the versions table
    assert list(table["Versi"]) == ["● 2", "1"] and "januari.csv" in set(table["Berkas"])
    at.selectbox(key="rollback_to").select(1).run()
    at.button(key="do_rollback").click().run()
    assert not at.exception
    assert store.load(new_id).periods == ["2024-12"] and store.load(new_id).version.number == 3
    assert any("dikembalikan ke versi 1" in s for s in texts(at.success))

    # the default sources back to the simulated ones, through the form
    at.selectbox(key="default_participants").select(composition.DEMO_SOURCES["participants"])
    at.selectbox(key="default_workers").select(composition.DEMO_SOURCES["workers"])
    at.button[[b.label for b in at.button].index("Simpan sumber bawaan")].click().run()
    assert composition.default() == composition.Composition.of(composition.DEMO_SOURCES)

    # delete the import (with confirmation); the built-in sources have no delete
    assert at.selectbox(key="delete_pick").options == [f"peserta ({new_id})"]
    at.button(key="delete_ask").click().run()
    assert any("secara permanen" in w for w in texts(at.warning))
    at.button(key="delete_no").click().run()
    assert store.exists(new_id)
    at.button(key="delete_ask").click().run()
    at.button(key="delete_yes").click().run()
    assert not at.exception
    assert not store.exists(new_id) and all(store.exists(i) for i in demo_ids)
    assert any("dihapus" in s for s in texts(at.success))
    assert [sb for sb in at.selectbox if sb.key == "delete_pick"] == []  # only the built-in sources are left


def test_uploads_over_the_importers_limit_are_refused_by_the_server_unread(data_dir, monkeypatch):
    """The upload widget and the server's own limit (which refuses a larger request body before it
    is read into memory) are both the importer's limit, in whole megabytes."""
    monkeypatch.setattr(streamlit.config, "set_option", streamlit.config.set_option)  # restored after the test
    previous = streamlit.config.get_option("server.maxUploadSize")
    try:
        at = data_page().run()
        assert not at.exception
        limit_mb = 20  # importer.MAX_FILE_BYTES without UCJ_MAX_UPLOAD_MB: 20 MiB
        assert [u.proto.max_upload_size_mb for u in uploaders(at)] == [limit_mb]
        from ui import loaders

        loaders._start_up_once()
        assert streamlit.config.get_option("server.maxUploadSize") == limit_mb
    finally:
        streamlit.config.set_option("server.maxUploadSize", previous)


def test_guesses_are_throttled_across_sessions_and_every_admin_action_is_audited(data_dir, monkeypatch):
    monkeypatch.setenv("UCJ_PUBLIC_MODE", "1")
    monkeypatch.setenv("UCJ_ADMIN_PASSWORD", PASSWORD)
    for _ in range(5):  # five sessions, one wrong guess each (AppTest has no client address: "unknown")
        at = data_page().run()
        at.text_input(key="admin_password").input("tebakan-salah")
        at.button[0].click().run()
        assert "Kata sandi salah." in texts(at.error)

    at = data_page().run()  # a sixth session, now with the right password: refused without checking it
    at.text_input(key="admin_password").input(PASSWORD)
    at.button[0].click().run()
    assert uploaders(at) == []
    assert any("Terlalu banyak percobaan" in e for e in texts(at.error))

    log = (data_dir / "audit.log").read_text(encoding="utf-8")
    entries = [json.loads(line) for line in log.splitlines()]
    assert [(e["action"], e["outcome"]) for e in entries] == [("login", "failed")] * 5 + [("login", "throttled")]
    assert PASSWORD not in log and "tebakan-salah" not in log
