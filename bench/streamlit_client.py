"""A headless Streamlit client: the websocket protocol of the browser, without rendering.

Used by ``bench/bench_load.py`` to put many simulated users on one server. What a
browser tab does, as read in Streamlit 1.67's frontend and server
(``web/server/starlette/starlette_websocket.py``, ``runtime/app_session.py``,
``runtime/forward_msg_cache.py``, ``static/static/js/index.*.js``):

* before connecting, ``GET /_stcore/health`` and ``GET /_stcore/host-config``;
* open ``/_stcore/stream`` with the subprotocols ``["streamlit", <xsrf token or
  "PLACEHOLDER_AUTH_TOKEN">]`` (a third entry would ask to resume a session);
* every run is a ``BackMsg.rerun_script`` (a ``ClientState``): the URL's query
  string, the page script hash of the last ``navigation`` message (empty on the
  first run), every widget's value, the hashes of the cached ``ForwardMsg``s and
  the browser context (URL, time zone, locale);
* the server answers with ``new_session``, ``session_status_changed``,
  ``page_info_changed`` (the new query string when the page rewrites the URL),
  ``navigation``, ``delta``s and finally ``script_finished``.

Forward message cache: the server sends a ``delta`` as ``ref_hash`` only when
the client listed its hash in ``cached_message_hashes``; messages flagged
``metadata.cacheable`` (``new_element`` deltas of at least 10 kB, here the map
component) are kept like the frontend does and dropped when not used for more
than ``new_session.config.max_cached_message_age`` finished runs.

Widget values: the client reports what the frontend would hold — the values the
server set (``set_value``/``raw_value``) or the defaults of checkboxes, radios,
select boxes, (select) sliders and text inputs, the values set by the caller
(component values) and one-shot button triggers. Other widget kinds are left out;
the server then keeps their previous value.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Components_pb2 import ComponentInstance
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

FINISHED = ForwardMsg.ScriptFinishedStatus
_RUN_OVER = {FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_WITH_COMPILE_ERROR}
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_WIDGET_KINDS = {"checkbox", "radio", "selectbox", "slider", "text_input"}


class SessionFailed(Exception):
    """The session cannot go on: an exception in the app, a disconnect or a timeout."""


@dataclass
class RunResult:
    """One script run as the client saw it."""

    seconds: float  # from sending the BackMsg (or connecting) to ``script_finished``
    received: int  # websocket payload bytes received during the run
    messages: int
    query_string: str  # the URL's query string after the run
    exceptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str, timeout: float = 10) -> bytes:
    """GET without any proxy from the environment (the benchmarks talk to 127.0.0.1 only)."""
    with _NO_PROXY.open(url, timeout=timeout) as resp:
        return resp.read()


class Server:
    """``streamlit run app.py`` on a free port in its own process group, output to ``log``."""

    def __init__(self, root: Path, log: Path, extra_args: tuple[str, ...] = ()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port),
                 "--server.headless", "true", *extra_args],
                cwd=root, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.process = psutil.Process(self.proc.pid)

    def wait_healthy(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"streamlit exited with code {self.proc.returncode}; log: {self.log}")
            try:
                if http_get(f"{self.url}/_stcore/health", timeout=2).strip() == b"ok":
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"streamlit not healthy after {timeout_s}s; log: {self.log}")

    def rss(self) -> int:
        """Resident memory of the server and any children (bytes)."""
        procs = [self.process, *self.process.children(recursive=True)]
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total

    def cpu_seconds(self) -> float:
        t = self.process.cpu_times()
        return t.user + t.system

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _widget_id_key(widget_id: str) -> str:
    """The user key of a widget id ``$$ID-<hash>-<key>`` ('' for widgets without a key)."""
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 and widget_id.startswith("$$ID-") else ""


def _default_state(kind: str, el) -> WidgetState | None:
    """The value the frontend reports for a widget it has just received (None: left out)."""
    state = WidgetState(id=el.id)
    if kind == "checkbox":
        state.bool_value = el.value if el.set_value else el.default
    elif kind in ("radio", "selectbox"):
        if el.set_value and el.HasField("raw_value"):
            state.string_value = el.raw_value
        elif el.HasField("default") and 0 <= el.default < len(el.options):
            state.string_value = el.options[el.default]
        else:
            return None
    elif kind == "slider":
        if el.type == el.SELECT_SLIDER:
            values = list(el.raw_value) if el.set_value else [el.options[int(i)] for i in el.default]
            state.string_array_value.data.extend(values)
        else:
            state.double_array_value.data.extend(el.value if el.set_value else el.default)
    elif kind == "text_input":
        if el.set_value and el.HasField("value"):
            state.string_value = el.value
        elif el.HasField("default"):
            state.string_value = el.default
        else:
            return None
    else:
        return None
    return state


class AppClient:
    """One simulated browser tab on a Streamlit app (use :meth:`open`, then :meth:`rerun` and friends)."""

    def __init__(self, base_url: str, timeout_s: float = 30):
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.query_string = ""
        self.page_script_hash = ""
        self.components: dict[str, ComponentInstance] = {}  # by component name, as last drawn
        self.widget_ids: dict[str, str] = {}  # user key -> widget id, for the widgets of the last run
        self.session_id = ""
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._states: dict[str, WidgetState] = {}  # widget id -> value reported with the next rerun
        self._cache: dict[str, list] = {}  # hash -> [ForwardMsg, run count when last used]
        self._run_count = 0
        self._max_cache_age = 2
        self._run: _RunState | None = None
        self._closed: BaseException | None = None
        self.unsolicited: list[str] = []  # messages outside of any run (e.g. session_event)
        self.cache_hits = 0  # ref_hash messages resolved from the cache

    # ---- public API

    async def open(self, query_string: str = "") -> RunResult:
        """What loading ``/?<query_string>`` does: health and host config, connect, the first run."""
        t0 = time.perf_counter()
        await asyncio.wait_for(asyncio.to_thread(self._preflight), self.timeout_s)
        ws_url = self.base_url.replace("http", "ws", 1) + "/_stcore/stream"
        self._ws = await asyncio.wait_for(
            # no client pings: a browser sends none (it only answers the server's), and a
            # server busy running scripts would answer ours late and be counted as a disconnect
            connect(ws_url, subprotocols=["streamlit", "PLACEHOLDER_AUTH_TOKEN"], proxy=None, max_size=None,
                    open_timeout=self.timeout_s, ping_interval=None),
            self.timeout_s,
        )
        self._reader = asyncio.create_task(self._read_forever())
        self.query_string = query_string
        result = await self.rerun()
        result.seconds = time.perf_counter() - t0
        return result

    async def rerun(self, widgets: list[WidgetState] = (), triggers: list[str] = ()) -> RunResult:
        """Send a ``rerun_script`` with the current URL and widget values (plus ``widgets`` and
        one-shot ``triggers``, widget ids of buttons) and wait for ``script_finished``."""
        if self._closed is not None:
            raise SessionFailed(f"disconnected: {self._closed!r}")
        for state in widgets:
            self._states[state.id] = state
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query_string
        cs.page_script_hash = self.page_script_hash
        cs.widget_states.widgets.extend(self._states.values())
        cs.widget_states.widgets.extend(WidgetState(id=wid, trigger_value=True) for wid in triggers)
        cs.cached_message_hashes.extend(self._cache)
        ctx = cs.context_info
        ctx.timezone, ctx.timezone_offset, ctx.locale = "UTC", 0, "en-US"
        ctx.url, ctx.is_embedded, ctx.color_scheme = self.base_url + "/", False, "light"
        self._run = run = _RunState(asyncio.get_running_loop().create_future())
        t0 = time.perf_counter()
        try:
            await self._ws.send(msg.SerializeToString())
            await asyncio.wait_for(asyncio.shield(run.done), self.timeout_s)
        except TimeoutError:
            raise SessionFailed(f"timeout: no script_finished within {self.timeout_s:.0f} s") from None
        except ConnectionClosed as exc:
            raise SessionFailed(f"disconnected: {exc!r}") from None
        finally:
            self._run = None
        result = RunResult(time.perf_counter() - t0, run.received, run.messages, self.query_string,
                           run.exceptions, run.warnings)
        if run.exceptions:
            raise SessionFailed("exception in the app: " + run.exceptions[0])
        return result

    def set_component_value(self, name: str, value) -> WidgetState:
        """The widget state a component named ``name`` reports after ``setComponentValue(value)``."""
        return WidgetState(id=self.components[name].id, json_value=json.dumps(value, separators=(",", ":")))

    async def click_button(self, key: str) -> RunResult:
        """Click the ``st.button`` with user key ``key`` (as drawn in the last run)."""
        return await self.rerun(triggers=[self.widget_ids[key]])

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)

    # ---- internals

    def _preflight(self) -> None:
        http_get(f"{self.base_url}/_stcore/health", self.timeout_s)
        http_get(f"{self.base_url}/_stcore/host-config", self.timeout_s)

    async def _read_forever(self) -> None:
        try:
            async for payload in self._ws:
                self._on_message(payload)
        except ConnectionClosed as exc:
            self._closed = exc
        except Exception as exc:  # noqa: BLE001 - fail this session, not the whole benchmark
            self._closed = exc
        else:
            self._closed = ConnectionError("server closed the websocket")
        run = self._run
        if run is not None and not run.done.done():
            run.done.set_exception(SessionFailed(f"disconnected: {self._closed!r}"))

    def _on_message(self, payload: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(payload)
        run = self._run
        if run is not None:
            run.received += len(payload)
            run.messages += 1
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                raise SessionFailed(f"cached ForwardMsg miss (hash {msg.ref_hash})")
            cached[1] = self._run_count
            self.cache_hits += 1
            metadata = msg.metadata
            msg = ForwardMsg()
            msg.CopyFrom(cached[0])
            msg.metadata.CopyFrom(metadata)
            kind = msg.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash and msg.hash not in self._cache:
            self._cache[msg.hash] = [msg, self._run_count]

        if run is None:
            if kind != "session_status_changed":  # "not running" follows script_finished
                self.unsolicited.append(kind if kind != "session_event" else msg.session_event.WhichOneof("type"))
            return
        if kind == "new_session":
            run.widgets_seen.clear()
            self.session_id = msg.new_session.initialize.session_id or self.session_id
            self._max_cache_age = msg.new_session.config.max_cached_message_age or self._max_cache_age
        elif kind == "navigation":
            self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "delta":
            self._on_delta(msg, run)
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            exc = msg.session_event.script_compilation_exception
            run.exceptions.append(f"{exc.type}: {exc.message}")
        elif kind == "script_finished" and msg.script_finished in _RUN_OVER:
            self._on_run_over(run)
            if not run.done.done():
                run.done.set_result(None)

    def _on_delta(self, msg: ForwardMsg, run: _RunState) -> None:
        if msg.delta.WhichOneof("type") != "new_element":
            return
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            exc = element.exception
            (run.warnings if exc.is_warning else run.exceptions).append(f"{exc.type}: {exc.message}")
            return
        if kind == "component_instance":
            ci = element.component_instance
            self.components[ci.component_name] = ci
            run.widgets_seen.add(ci.id)
            return
        el = getattr(element, kind)
        widget_id = getattr(el, "id", "")
        if not (isinstance(widget_id, str) and widget_id.startswith("$$ID-")):
            return
        run.widgets_seen.add(widget_id)
        if key := _widget_id_key(widget_id):
            run.keys[key] = widget_id
        if kind in _WIDGET_KINDS and (widget_id not in self._states or getattr(el, "set_value", False)):
            state = _default_state(kind, el)
            if state is not None:
                self._states[widget_id] = state

    def _on_run_over(self, run: _RunState) -> None:
        """What the frontend does when a run ends: forget widgets no longer drawn, age the message cache."""
        self._states = {wid: s for wid, s in self._states.items() if wid in run.widgets_seen}
        self.widget_ids = dict(run.keys)
        self._run_count += 1
        self._cache = {h: entry for h, entry in self._cache.items()
                       if self._run_count - entry[1] <= self._max_cache_age}


@dataclass
class _RunState:
    done: asyncio.Future
    received: int = 0
    messages: int = 0
    exceptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    widgets_seen: set[str] = field(default_factory=set)
    keys: dict[str, str] = field(default_factory=dict)
