"""Fixtures for the browser tests: one Streamlit server and one Chromium per session."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.e2e.leaflet_probe import CHROMIUM_ARGS, MAP_IFRAME, MAP_PATH

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("UCJ_CHROMIUM", "/usr/bin/chromium")
STARTUP_TIMEOUT_S = 60
FIRST_MAP_TIMEOUT_MS = 60_000
DEFAULT_TIMEOUT_MS = 20_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return resp.read().strip() == b"ok"
    except OSError:
        return False


def _log_tail(path: Path, n: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-n:])


@pytest.fixture(scope="session")
def browser() -> Browser:
    """Debian's Chromium driven by Playwright (its own browser download does not work offline)."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it (make browser / apt-get install chromium) "
                    "or point UCJ_CHROMIUM at a Chromium binary.")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def start_streamlit(log: Path, env: dict[str, str] | None = None, *args: str) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` on a free port of ``localhost`` in its own process group (``args`` added to its
    command line, ``env`` to its environment), its output in ``log``; the process and its base URL."""
    port = _free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true", *args],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env={**os.environ, **(env or {})},
        )
    return proc, f"http://localhost:{port}"


def stop_process_group(proc: subprocess.Popen) -> None:
    """SIGTERM to ``proc``'s process group, SIGKILL after 10 s; nothing when it has ended already."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextmanager
def streamlit_server(log: Path, env: dict[str, str] | None = None):
    """``streamlit run app.py`` on a free port, as a user starts it (``env`` added to its environment, e.g.
    its own ``UCJ_DATA_DIR``); yields its base URL once healthy."""
    proc, url = start_streamlit(log, env)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(url):
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with code {proc.returncode} before it was healthy:\n{_log_tail(log)}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {STARTUP_TIMEOUT_S}s:\n{_log_tail(log)}")
            time.sleep(0.2)
        yield url
    finally:
        stop_process_group(proc)


@pytest.fixture(scope="session")
def app_url(browser: Browser, tmp_path_factory) -> str:
    """Base URL of the app's server for the session, once the national map has been drawn."""
    with streamlit_server(tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(url)
            page.frame_locator(MAP_IFRAME).locator(MAP_PATH).first.wait_for(state="visible", timeout=FIRST_MAP_TIMEOUT_MS)
        finally:
            context.close()
        yield url


@pytest.fixture
def new_context(browser: Browser):
    """Factory of fresh browser contexts (own cookies, own Streamlit session), closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        context = browser.new_context(**{"viewport": {"width": 1400, "height": 1000}, **options})
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context) -> Page:
    """A page in a fresh desktop-sized context, not yet navigated."""
    return new_context().new_page()
