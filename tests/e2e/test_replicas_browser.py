"""Two app replicas on one real PostgreSQL, reached on their own ports (no proxy), driven by real Chromium.

An import through the command line shows in both within one rerun; an admin login on one replica holds on the
other on a new connection and a logout on either ends it everywhere; a replica killed (SIGKILL) in the middle of
an import loses nothing and leaves nothing half-written, and the other replica keeps serving the map.

The two replicas share ``UCJ_STORE_URL`` (a database of their own on the session's test server), the admin
password and the session secret; each has its own ``UCJ_DATA_DIR`` holding links to the built demo sources.
Both are on ``localhost``: cookies belong to a host, not a port, so one browser context carries the admin
cookie to both, as it would to two replicas behind one proxy. The tests run in order and share the replicas;
the last one kills replica A.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ROOT, STARTUP_TIMEOUT_S, _healthy, _log_tail, start_streamlit, stop_process_group
from tests.e2e.leaflet_probe import MAP_IFRAME, MAP_PATH
from tests.postgres import pg_database, postgres_url, running_server  # noqa: F401  (pytest fixtures)
from tests.stores import link_demo_sources
from ucj_dash.datasets import figures as figures_module
from ucj_dash.datasets import store
from ucj_dash.geography import boundaries
from ucj_dash.geography.regions import Registry
from ucj_dash.text.i18n import t

PASSWORD = "kata-sandi-uji-replika-" + uuid.uuid4().hex[:8]
SECRET = "rahasia-sesi-uji-replika-" + uuid.uuid4().hex  # ≥ 32 characters, the same on both replicas
TTS = "53.02"
PERIOD = "2024-12"
CLI_ID = "replika-tts"
CLI_NAME = "Peserta uji replika TTS"
UI_ID_NAME = "Impor uji saat replika mati"
MAP_TIMEOUT_MS = 60_000
CLI_TIMEOUT_S = 120


# ---------------------------------------------------------------- the replicas


@dataclass
class Replica:
    """``streamlit run app.py`` in its own process group (so that it can be killed whole), on ``localhost``."""

    name: str
    proc: subprocess.Popen
    url: str
    log: Path

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole process group (the server and any worker it started): no clean-up runs."""
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        stop_process_group(self.proc)


def start_replica(name: str, log: Path, env: dict[str, str]) -> Replica:
    proc, url = start_streamlit(log, env, "--server.fileWatcherType", "none")
    return Replica(name, proc, url, log)


def wait_healthy(replicas: list[Replica]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    waiting = list(replicas)
    while waiting:
        for r in list(waiting):
            if not r.alive():
                pytest.fail(f"replica {r.name} exited with code {r.proc.returncode} before it was healthy:\n{_log_tail(r.log)}")
            if _healthy(r.url):
                waiting.remove(r)
        if waiting and time.monotonic() > deadline:
            pytest.fail(f"replica {waiting[0].name} not healthy after {STARTUP_TIMEOUT_S}s:\n{_log_tail(waiting[0].log)}")
        if waiting:
            time.sleep(0.2)


@dataclass
class Cluster:
    a: Replica
    b: Replica
    store_url: str
    env: dict[str, str]  # what the replicas were started with (and the command line is run with)
    villages: list[str]  # a few villages of one kabupaten (the command line's import)
    province_villages: list[str]  # every village of its province (the import replica A is killed in)
    tmp: Path


@pytest.fixture(scope="module")
def cluster(postgres_url, tmp_path_factory):  # noqa: F811  (the imported fixture)
    """Replicas A and B on one new database of the session's PostgreSQL (dropped at the end)."""
    server = running_server()
    database = f"ucj_replicas_{uuid.uuid4().hex[:10]}"
    store_url = server.create_database(database)
    tmp = tmp_path_factory.mktemp("replicas")
    common = {"UCJ_STORE_URL": store_url, "UCJ_PUBLIC_MODE": "1", "UCJ_ADMIN_PASSWORD": PASSWORD,
              "UCJ_SESSION_SECRET": SECRET}
    replicas = []
    try:
        for name in ("a", "b"):
            data = tmp / f"data-{name}"
            link_demo_sources(data)  # (resolved against the built store: before UCJ_DATA_DIR points elsewhere)
            replicas.append(start_replica(name, tmp / f"replica-{name}.log", {**common, "UCJ_DATA_DIR": str(data)}))
        wait_healthy(replicas)
        registry = Registry.load(boundaries.layers_dir() / "regions.parquet")
        villages = list(registry.descendants(TTS, 4)[:6])
        province = list(registry.descendants(TTS.split(".")[0], 4))
        yield Cluster(replicas[0], replicas[1], store_url, {**common, "UCJ_DATA_DIR": str(tmp / "data-cli")}, villages,
                      province, tmp)
    finally:
        for r in replicas:
            r.stop()
        server.drop_database(database)


@pytest.fixture
def shared_store(cluster, monkeypatch):
    """This test process pointed at the replicas' shared store (the demo sources linked in a store of its own)."""
    data = cluster.tmp / "data-test"
    if not data.exists():
        link_demo_sources(data)
    monkeypatch.setenv("UCJ_STORE_URL", cluster.store_url)
    monkeypatch.setenv("UCJ_DATA_DIR", str(data))
    figures_module.forget()
    yield
    figures_module.forget()


def run_cli(cluster: Cluster, *args: str) -> subprocess.CompletedProcess:
    data = Path(cluster.env["UCJ_DATA_DIR"])
    if not data.exists():
        link_demo_sources(data)
    done = subprocess.run([sys.executable, "-m", "ucj_dash", *args], cwd=ROOT, env={**os.environ, **cluster.env},
                          capture_output=True, text=True, timeout=CLI_TIMEOUT_S)
    assert done.returncode == 0, f"{args[:1]} exited with {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


def village_csv(path: Path, villages: list[str], workers: float, participants: float) -> Path:
    """A semicolon CSV as the import template has it: a few villages of one kabupaten, one month."""
    rows = [f"{code};{PERIOD};{workers + i * 10:.0f};{participants + i:.0f}" for i, code in enumerate(villages)]
    path.write_text("region_code;period;employed_workers;active_participants\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def cli_import(cluster: Cluster) -> None:
    """The command line's import of the small TTS dataset, made the default source (once per module)."""
    csv = village_csv(cluster.tmp / "peserta_tts.csv", cluster.villages, 1000, 200)
    run_cli(cluster, "import", str(csv), "--name", CLI_NAME, "--source", "Uji replika", "--as-of", PERIOD,
            "--id", CLI_ID, "--yes", "--activate")


# ---------------------------------------------------------------- what the pages show


def no_exception(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def map_drawn(page: Page) -> None:
    expect(page.frame_locator(MAP_IFRAME).locator(MAP_PATH).first).to_be_visible(timeout=MAP_TIMEOUT_MS)


def open_map(page: Page, url: str) -> None:
    """The map page, drawn, with the sidebar's controls (they come once the map reports it is drawn)."""
    page.goto(url)
    map_drawn(page)
    expect(sources_box(page)).to_be_attached(timeout=MAP_TIMEOUT_MS)


def sources_box(page: Page):
    """The sidebar's "data sources" expander (its selectboxes show the dataset of each group)."""
    return page.get_by_test_id("stSidebar").get_by_test_id("stExpander").filter(
        has_text=t("sources.title", "id")).or_(page.get_by_test_id("stSidebar").get_by_test_id("stExpander").filter(
            has_text=t("sources.title", "en"))).first


def open_sources(page: Page):
    """The sources expander, opened (a closed one does not render its selectboxes' values)."""
    box = sources_box(page)
    expect(box).to_be_visible(timeout=30_000)
    if box.locator("details").first.get_attribute("open") is None:
        box.locator("summary").first.click()
    expect(box.get_by_test_id("stSelectbox").first).to_be_visible(timeout=5_000)
    return box


def source_of(page: Page, group: str, lang: str):
    """The sidebar's selectbox of the dataset giving ``group``'s figures (its value: the dataset's name)."""
    return open_sources(page).get_by_role("combobox", name=t(f"sources.group.{group}", lang), exact=True)


def expect_source(page: Page, group: str, lang: str, name: str, present: bool = True, timeout_s: float = 30) -> None:
    """Wait until the sidebar names (or, ``present=False``, does not name) ``name`` as ``group``'s dataset; the
    expander is opened again should a rerun have closed it."""
    deadline = time.monotonic() + timeout_s
    value = None
    while time.monotonic() < deadline:
        try:
            value = source_of(page, group, lang).input_value(timeout=2_000)
        except (AssertionError, PlaywrightError):  # between two runs: the element is being replaced
            value = None
        if value is not None and (value == name) == present:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{page.url}: the {group} source is {value!r}, expected {'' if present else 'not '}{name!r}")


def switch_language(page: Page, lang: str) -> None:
    """One rerun: the sidebar's language switch."""
    label = {"id": "Bahasa Indonesia", "en": "English"}[lang]
    page.get_by_test_id("stSidebar").get_by_text(label, exact=True).click()


def login_form(page: Page, lang: str = "id"):
    return page.get_by_label(t("admin.password", lang), exact=True)


def logout_button(page: Page, lang: str = "id"):
    return page.get_by_test_id("stSidebar").get_by_role("button", name=t("admin.logout", lang), exact=True)


def log_in(page: Page, url: str) -> None:
    page.goto(f"{url}/data")
    login_form(page).fill(PASSWORD)
    page.get_by_role("button", name=t("admin.login", "id"), exact=True).click()
    expect(logout_button(page)).to_be_visible(timeout=30_000)
    # the login cookie is written by a script in the page on the run after the login
    page.wait_for_function("() => document.cookie.split('; ').some(c => c.startsWith('ucj_admin=v1.'))", timeout=30_000)


def admin_cookie(page: Page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == "ucj_admin"), None)


# ---------------------------------------------------------------- the tests


def test_an_import_on_the_command_line_shows_on_both_replicas_within_one_rerun(cluster, new_context):
    pages = {}
    for r in (cluster.a, cluster.b):
        page = new_context().new_page()
        open_map(page, r.url)
        for group in ("participants", "workers"):
            expect_source(page, group, "id", CLI_NAME, present=False)
        pages[r.name] = page

    cli_import(cluster)

    for name, page in pages.items():
        switch_language(page, "en")  # one rerun of a session opened before the import
        expect(page.get_by_test_id("stSidebar")).to_contain_text(t("sources.title", "en"), timeout=30_000)
        for group in ("participants", "workers"):
            expect_source(page, group, "en", CLI_NAME)
        map_drawn(page)
        no_exception(page)


def test_an_admin_login_on_one_replica_holds_on_the_other_and_a_logout_ends_it_everywhere(cluster, new_context):
    context = new_context()
    on_a = context.new_page()
    log_in(on_a, cluster.a.url)
    expect(on_a.get_by_role("heading", name=t("data.page", "id"), exact=True)).to_be_visible()
    cookie = admin_cookie(on_a)
    assert cookie is not None and cookie["domain"] == "localhost"

    on_b = context.new_page()  # a new connection, to the other replica, with the browser's cookie
    on_b.goto(f"{cluster.b.url}/data")
    expect(logout_button(on_b)).to_be_visible(timeout=30_000)
    expect(on_b.get_by_role("heading", name=t("data.page", "id"), exact=True)).to_be_visible()
    expect(login_form(on_b)).to_have_count(0)
    no_exception(on_b)

    logout_button(on_b).click()  # revoked in the store, the cookie cleared
    expect(login_form(on_b)).to_be_visible(timeout=30_000)
    on_b.wait_for_function("() => !document.cookie.includes('ucj_admin=v1.')", timeout=30_000)

    fresh = context.new_page()  # the same browser on replica A again: asked for the password
    fresh.goto(f"{cluster.a.url}/data")
    expect(login_form(fresh)).to_be_visible(timeout=30_000)
    expect(logout_button(fresh)).to_have_count(0)

    # the session on A that logged in asks the store on its next run: logged out there too
    switch_language(on_a, "en")
    expect(login_form(on_a, "en")).to_be_visible(timeout=30_000)
    expect(logout_button(on_a, "en")).to_have_count(0)

    # and the revoked cookie itself, kept by someone, opens nothing on either replica
    stolen = new_context()
    stolen.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path")}])
    for r in (cluster.a, cluster.b):
        page = stolen.new_page()
        page.goto(f"{r.url}/data")
        expect(login_form(page)).to_be_visible(timeout=30_000)
        expect(logout_button(page)).to_have_count(0)


def wait_for_write(conn, name: str, timeout_s: float) -> bool:
    """Watch the store until a dataset write holds its lock (True), or the dataset ``name`` is stored (False:
    the write was over before it could be seen)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        locked, stored = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()),"
            "       EXISTS (SELECT 1 FROM datasets WHERE name = %s)", (name,)).fetchone()
        if locked:
            return True
        if stored:
            return False
    pytest.fail(f"the import of {name!r} on replica A neither started nor ended within {timeout_s:.0f} s")


def assert_no_write_left(store_url: str, timeout_s: float = 30) -> None:
    """No transaction of the killed replica is left open (the server drops a dead client's connection)."""
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(store_url, autocommit=True, connect_timeout=10) as conn:
        while conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid()").fetchone()[0]:
            assert time.monotonic() < deadline, "a dataset lock is still held after the replica was killed"
            time.sleep(0.1)


def consistency_problems(store_url: str) -> list[str]:
    """What a half-written write would leave in the shared store: a dataset without a current version, a
    version naming figures that are not there, figures no version names, a file of a missing version."""
    queries = {
        "dataset without a usable current version": """
            SELECT d.id FROM datasets d LEFT JOIN dataset_versions v ON v.dataset_id = d.id AND v.number = d.current_version
            WHERE v.number IS NULL""",
        "version naming missing figures": """
            SELECT v.dataset_id || ' v' || v.number || ' ' || e.key FROM dataset_versions v, jsonb_each(v.manifest) e
            WHERE NOT EXISTS (SELECT 1 FROM period_figures f WHERE f.dataset_id = v.dataset_id AND f.file = e.value->>'file')""",
        "figures no version names": """
            SELECT DISTINCT f.dataset_id || ' ' || f.file FROM period_figures f WHERE NOT EXISTS (
                SELECT 1 FROM dataset_versions v, jsonb_each(v.manifest) e
                WHERE v.dataset_id = f.dataset_id AND e.value->>'file' = f.file)""",
        "default source that is not stored": """
            SELECT c.indicator_group FROM default_composition c LEFT JOIN datasets d ON d.id = c.dataset_id
            WHERE c.dataset_id IS NOT NULL AND c.dataset_id NOT LIKE 'demo-%' AND d.id IS NULL""",  # (built-in sources are files)
    }
    problems = []
    with psycopg.connect(store_url, connect_timeout=10) as conn:
        for what, sql in queries.items():
            problems += [f"{what}: {row[0]}" for row in conn.execute(sql).fetchall()]
    return problems


def test_a_replica_killed_in_the_middle_of_an_import_loses_nothing(cluster, new_context, shared_store):
    if not store.exists(CLI_ID):  # (this test alone: the first one's import)
        cli_import(cluster)
    before = {m.id: store.current_version_number(m.id) for m in store.list_datasets() if not store.is_demo(m.id)}
    on_b = new_context().new_page()
    open_map(on_b, cluster.b.url)  # a session on the replica that stays up, opened before the kill

    # an admin on A uploads a file (every village of the province: its write takes a moment) and stores it;
    # A is killed while that write's transaction is open (its dataset lock is held), or right after the click
    # when the write was too quick to be seen
    admin = new_context().new_page()
    log_in(admin, cluster.a.url)
    upload = village_csv(cluster.tmp / "impor_ui.csv", cluster.province_villages, 500, 100)
    admin.get_by_test_id("stFileUploader").locator('input[type="file"]').set_input_files(str(upload))
    name_box = admin.get_by_label(t("data.meta.name", "id"), exact=True)
    expect(name_box).to_be_visible(timeout=60_000)  # the file was checked (in a worker process)
    name_box.fill(UI_ID_NAME)
    admin.get_by_label(t("data.meta.source", "id"), exact=True).fill("Uji replika mati")
    admin.get_by_label(t("data.meta.as_of", "id"), exact=True).fill(PERIOD)
    admin.get_by_label(t("data.meta.as_of", "id"), exact=True).press("Tab")  # text inputs commit on blur
    button = admin.get_by_role("button", name=t("data.import", "id"), exact=True)
    expect(button).to_be_enabled()
    also_map = new_context().new_page()
    also_map.goto(cluster.a.url)  # and a visitor's first map run on A under way
    with psycopg.connect(cluster.store_url, autocommit=True, connect_timeout=10) as watch:
        button.click()
        mid_write = wait_for_write(watch, UI_ID_NAME, timeout_s=30)
        cluster.a.kill()
    assert not cluster.a.alive()
    print(f"\nreplica A killed {'in the middle of the import' if mid_write else 'after the import committed'}", end=" ")

    # replica B keeps serving: its open session reruns, and a new visitor gets the map
    switch_language(on_b, "en")
    expect(on_b.get_by_test_id("stSidebar")).to_contain_text(t("sources.title", "en"), timeout=30_000)
    expect_source(on_b, "participants", "en", CLI_NAME)
    map_drawn(on_b)
    no_exception(on_b)
    newcomer = new_context().new_page()
    open_map(newcomer, cluster.b.url)
    no_exception(newcomer)

    # nothing lost: every dataset there before is there at the version it had, with its figures
    after = {m.id: m for m in store.list_datasets()}
    for dataset_id, version in before.items():
        assert dataset_id in after, f"{dataset_id} lost"
        assert store.current_version_number(dataset_id) == version
    cli = store.load(CLI_ID)
    assert after[CLI_ID].name == CLI_NAME
    assert cli.version.number == 1 and list(cli.periods) == [PERIOD]
    rows = cli.at(PERIOD).reindex(cluster.villages)
    assert rows["employed_workers"].tolist() == [1000.0 + i * 10 for i in range(len(cluster.villages))]
    assert rows["active_participants"].tolist() == [200.0 + i for i in range(len(cluster.villages))]

    # nothing half-written: the import A was killed in is stored whole or not at all
    assert consistency_problems(cluster.store_url) == []
    killed = [m for m in after.values() if m.name == UI_ID_NAME]
    print(f"(the import: {'stored whole' if killed else 'not stored'})", end=" ")
    if killed:
        ds = store.load(killed[0].id)
        assert ds.version.number == 1 and list(ds.periods) == [PERIOD]
        stored = ds.at(PERIOD).reindex(cluster.province_villages)
        assert stored["employed_workers"].tolist() == [500.0 + i * 10 for i in range(len(cluster.province_villages))]
    # the killed replica's connections are gone, and with them its transaction's lock
    assert_no_write_left(cluster.store_url)

    # and the store takes the next write at once (no lock left behind by the killed replica)
    csv = village_csv(cluster.tmp / "tambah.csv", cluster.villages, 1100, 300)
    csv.write_text(csv.read_text(encoding="utf-8").replace(PERIOD, "2025-01"), encoding="utf-8")
    run_cli(cluster, "import", str(csv), "--append-to", CLI_ID, "--as-of", "2025-01", "--yes")
    assert store.current_version_number(CLI_ID) == 2
    assert consistency_problems(cluster.store_url) == []
