"""One build at a time, no stale lock after a kill, leftovers of killed writes removed, layers swapped atomically."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from ucj_dash import build
from ucj_dash.datasets import store
from ucj_dash.geography import boundaries


@pytest.fixture
def geo(tmp_path, monkeypatch):
    monkeypatch.setenv("UCJ_GEO_DIR", str(tmp_path / "geo"))
    monkeypatch.setenv("UCJ_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "geo"


def _hold_lock_in_child() -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; from ucj_dash import build\nwith build.exclusive():\n print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True, env=os.environ.copy(),
    )
    assert child.stdout.readline().strip() == "held"
    return child


def test_a_build_in_another_process_is_seen_and_a_killed_one_leaves_no_lock(geo):
    assert not build.is_running()
    child = _hold_lock_in_child()
    try:
        assert build.is_running()
        with pytest.raises(build.BuildRunning):
            with build.exclusive(wait=False):
                pass
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    deadline = time.monotonic() + 5
    while build.is_running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not build.is_running()
    with build.exclusive(wait=False):  # the lock file is still there, the lock is not
        assert build.lock_path().is_file()


def test_leftovers_of_killed_dataset_writes_are_removed_and_live_ones_kept(geo):
    datasets = store.datasets_dir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = datasets / f".kupang.tmp-{dead.pid}-0123abcd"
    old = datasets / f".kupang.old-{dead.pid}-89abcdef"
    trash = datasets / ".kupang.deleted-deadbeef"
    live = datasets / f".kupang.tmp-{os.getpid()}-0123abcd"
    kept = datasets / "kupang"
    for path in (stale, old, trash, live, kept):
        (path).mkdir(parents=True)
        (path / "meta.json").write_text("{}")
    removed = store.remove_leftovers()
    assert sorted(p.name for p in removed) == sorted([stale.name, old.name, trash.name])
    assert sorted(p.name for p in datasets.iterdir()) == sorted([live.name, kept.name])


def test_layers_are_swapped_by_one_rename_and_the_previous_ones_removed(geo):
    final = geo / "layers"
    final.mkdir(parents=True)
    (final / "manifest.json").write_text('{"v": 0}')  # a folder from an older builder
    first = geo / "layers-20260101T000000-1"
    first.mkdir()
    (first / "manifest.json").write_text('{"v": 1}')
    boundaries._swap_into_place(first, final)
    assert final.is_symlink() and (final / "manifest.json").read_text() == '{"v": 1}'
    assert sorted(p.name for p in geo.iterdir()) == ["layers", first.name]

    second = geo / "layers-20260102T000000-2"
    second.mkdir()
    (second / "manifest.json").write_text('{"v": 2}')
    boundaries._swap_into_place(second, final)
    assert (final / "manifest.json").read_text() == '{"v": 2}'
    assert sorted(p.name for p in geo.iterdir()) == ["layers", second.name]

    half_built = geo / "layers-20260103T000000-3"  # a build killed half-way
    (half_built / "display").mkdir(parents=True)
    (geo / ".layers.link-3").symlink_to(half_built.name)
    removed = boundaries.remove_leftovers()
    assert sorted(p.name for p in removed) == sorted([half_built.name, ".layers.link-3"])
    assert sorted(p.name for p in geo.iterdir()) == ["layers", second.name]
    assert (final / "manifest.json").read_text() == '{"v": 2}'
