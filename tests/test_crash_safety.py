"""Killed at any moment, nothing is lost or half-shown; two writers of one dataset never both "succeed".

Real processes on real files: the CLI (`python -m ucj_dash import` / `build`) is started and killed
with SIGKILL at random points; then the store and the layers must load, the previous data must be
intact, and nothing half-written may show.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from ucj_dash import build
from ucj_dash.datasets import figures, store
from ucj_dash.datasets.composition import Composition
from ucj_dash.geography import boundaries

ROOT = Path(__file__).resolve().parent.parent
HEADER = "region_code;period;employed_workers;active_participants\n"


def _csv(path: Path, employed: int, active: int, period: str = "2024-12") -> Path:
    rows = "".join(f"53.02.05.{2000 + i};{period};{employed};{active}\n" for i in range(1, 9))
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _cli(*args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ucj_dash", *args], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@pytest.fixture
def env(tmp_path, monkeypatch, manifest):
    data = tmp_path / "data"
    monkeypatch.setenv("UCJ_DATA_DIR", str(data))
    figures.forget()
    yield {**os.environ, "UCJ_DATA_DIR": str(data)}
    figures.forget()


def _import(env, csv: Path, dataset_id: str) -> subprocess.Popen:
    return _cli("import", str(csv), "--name", f"Peserta {csv.stem}", "--source", "BPJS TK Cabang Kupang",
                "--as-of", "2024-12-31", "--id", dataset_id, "--yes", env=env)


def _employed(dataset_id: str, period: str = "2024-12") -> float:
    return float(store.load(dataset_id).at(period).loc["53.02.05", "employed_workers"])


def _append(env, csv: Path, dataset_id: str) -> subprocess.Popen:
    return _cli("import", str(csv), "--append-to", dataset_id, "--as-of", "2025-01-31", "--yes", env=env)


def _leftovers() -> list[str]:
    """Temporary files and folders of writes anywhere in the store."""
    return [str(p) for p in store.datasets_dir().rglob("*") if any(m in p.name for m in (".tmp-", ".old-", ".deleted-"))]


def test_two_imports_under_one_id_at_once_store_one_and_refuse_the_other(env, tmp_path):
    for attempt in range(4):
        dataset_id = f"same-id-{attempt}"
        a = _import(env, _csv(tmp_path / f"a{attempt}.csv", 1000, 100), dataset_id)
        b = _import(env, _csv(tmp_path / f"b{attempt}.csv", 2000, 200), dataset_id)
        outcomes = {name: (p.wait(timeout=120), p.communicate()) for name, p in (("a", a), ("b", b))}
        codes = sorted(code for code, _ in outcomes.values())
        assert codes == [0, 2], outcomes
        winner = next(name for name, (code, _) in outcomes.items() if code == 0)
        loser = "b" if winner == "a" else "a"
        assert dataset_id in outcomes[loser][1][1]  # the refusal names the id that is taken
        assert _employed(dataset_id) == (8000 if winner == "a" else 16000)  # what is stored is what said "stored"


def test_an_import_killed_at_any_point_leaves_the_store_whole(env, tmp_path):
    first = _import(env, _csv(tmp_path / "first.csv", 1000, 100), "kupang")
    assert first.wait(timeout=120) == 0, first.communicate()
    rng = random.Random(20261122)
    appended = False
    for attempt in range(6):
        if attempt % 2:  # a new period for the dataset already stored
            proc = _append(env, _csv(tmp_path / f"jan{attempt}.csv", 2000, 200, "2025-01"), "kupang")
        else:
            proc = _import(env, _csv(tmp_path / f"next{attempt}.csv", 3000, 300), f"kupang-{attempt}")
        time.sleep(rng.uniform(0.2, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # every dataset the store lists loads whole, at its current version, in every period
        for meta in store.list_datasets():
            ds = store.load(meta.id)
            assert ds.periods and all(not ds.at(p).empty for p in ds.periods)
            assert ds.version.number <= store.latest_version_number(meta.id)  # a killed append may leave a version unused
            figures.load(Composition.of({"participants": meta.id, "workers": meta.id})).at(ds.latest_period)
        # the one imported before is intact; an append is either wholly in it or not at all
        assert _employed("kupang") == 8000
        kupang = store.load("kupang")
        appended = appended or "2025-01" in kupang.periods
        assert kupang.periods == (["2024-12", "2025-01"] if appended else ["2024-12"])
        if appended:
            assert _employed("kupang", "2025-01") == 16000
        assert dict(store.state())["kupang"] == kupang.version.number
        assert (not store.exists(f"kupang-{attempt}")) or _employed(f"kupang-{attempt}") == 24000
    store.remove_leftovers()  # what the app does at start-up
    assert _leftovers() == []
    assert _employed("kupang") == 8000


@pytest.fixture
def geo_copy(tmp_path, monkeypatch, manifest):
    """A copy of the built layers in the layout a build leaves (``layers`` -> ``layers-<stamp>``)."""
    geo = tmp_path / "geo"
    geo.mkdir()
    shutil.copytree(boundaries.layers_dir().resolve(), geo / "layers-copy")
    (geo / "layers").symlink_to("layers-copy")
    monkeypatch.setenv("UCJ_GEO_DIR", str(geo))
    return geo


def test_a_build_killed_at_any_point_leaves_the_previous_layers_whole(geo_copy, env):
    before = json.loads((geo_copy / "layers" / "manifest.json").read_text())
    build_env = {**env, "UCJ_GEO_DIR": str(geo_copy)}
    rng = random.Random(7)
    workers_seen = 0
    for attempt in range(3):
        proc = _cli("build-boundaries", "--force", env=build_env)
        time.sleep(rng.uniform(1.0, 12.0))
        workers = psutil.Process(proc.pid).children(recursive=True)
        workers_seen += len(workers)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert not build.is_running()  # the kernel released the lock with the process
        # its worker processes follow it instead of waiting for work forever
        _, alive = psutil.wait_procs(workers, timeout=10)
        assert alive == []
        assert boundaries.read_manifest() == before
        registry = build.registry()
        assert len(registry.children("53")) == 22
        assert len(boundaries.read_layer(boundaries.Level.REGENCY, display=True)) == 514
    assert workers_seen > 0  # some kill hit a build with its workers running
    with build.exclusive(wait=False):
        boundaries.remove_leftovers()
    assert sorted(p.name for p in geo_copy.iterdir() if p.name != ".build.lock") == ["layers", "layers-copy"]
    assert pd.read_parquet(geo_copy / "layers" / "regions.parquet").shape[0] > 91_000
