"""Page runs take turns (ui/admission.py): at most a few at once; the data page never waits for them."""

from __future__ import annotations

import threading
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui import admission

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_slots_come_from_the_environment_and_bad_values_keep_the_default():
    assert admission.slots({}) == admission.DEFAULT_SLOTS
    assert admission.slots({admission.ENV: "3"}) == 3
    assert admission.slots({admission.ENV: " 1 "}) == 1
    for bad in ("0", "-2", "two", "1.5", ""):
        assert admission.slots({admission.ENV: bad}) == admission.DEFAULT_SLOTS


def test_no_more_runs_at_once_than_slots():
    inside, most, lock = 0, 0, threading.Lock()
    all_started = threading.Barrier(8)

    def run():
        nonlocal inside, most
        all_started.wait()
        with admission.turn():
            with lock:
                inside += 1
                most = max(most, inside)
            threading.Event().wait(0.02)  # the run's work
            with lock:
                inside -= 1

    threads = [threading.Thread(target=run) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert most == admission.DEFAULT_SLOTS and inside == 0


def _hold_every_slot() -> list:
    held = []
    for _ in range(admission.DEFAULT_SLOTS):
        cm = admission.turn()
        cm.__enter__()
        held.append(cm)
    return held


def test_a_page_run_waits_while_every_slot_is_taken_and_the_data_page_does_not():
    warm = AppTest.from_file(APP, default_timeout=120)
    warm.run()  # build and caches ready: what follows waits only on the slots
    held = _hold_every_slot()
    try:
        data = AppTest.from_file(APP, default_timeout=60)
        data.switch_page("pages/data.py")
        data.run()  # would time out if it waited for a slot
        assert not data.exception

        at = AppTest.from_file(APP, default_timeout=120)
        done = threading.Event()
        runner = threading.Thread(target=lambda: (at.run(), done.set()))
        runner.start()
        assert not done.wait(2), "the map page ran while every slot was taken"
    finally:
        for cm in held:
            cm.__exit__(None, None, None)
    runner.join(120)
    assert done.is_set() and not at.exception
    assert any("ucj-legend" in m.value for m in at.markdown)  # the map page, whole
