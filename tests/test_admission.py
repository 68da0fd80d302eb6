"""Page runs take turns (ui/admission.py): one at a time, another beside a slow one; the data page never waits."""

from __future__ import annotations

import threading
import time
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


def _runs(turns: admission.Turns, works: list[float]) -> list[tuple[int, float, float]]:
    """Start one thread per run (``works``: seconds of work each), all at once; their (index, start, end) times."""
    times, lock, all_ready = [], threading.Lock(), threading.Barrier(len(works))

    def run(i: int, work_s: float) -> None:
        all_ready.wait()
        with turns.turn():
            start = time.monotonic()
            threading.Event().wait(work_s)
            with lock:
                times.append((i, start, time.monotonic()))

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(works)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert len(times) == len(works), "a run never got its turn"
    return times


def _most_at_once(times) -> int:
    events = sorted([(start, 1) for _, start, _ in times] + [(end, -1) for _, _, end in times])
    most = inside = 0
    for _, step in events:
        inside += step
        most = max(most, inside)
    return most


def test_quick_runs_go_one_at_a_time():
    times = _runs(admission.Turns(most=3, slow_s=5), [0.02] * 8)
    assert _most_at_once(times) == 1


def test_a_slow_run_lets_the_next_start_beside_it_and_no_more_than_most():
    turns = admission.Turns(most=2, slow_s=0.3)
    holder = turns.turn()  # a slow run, going until the others are done
    holder.__enter__()
    began = time.monotonic()
    try:
        times = _runs(turns, [0.5] * 3)  # slow too, once each has gone on 0.3 s
    finally:
        holder.__exit__(None, None, None)
    assert min(start for _, start, _ in times) - began >= 0.3  # nobody beside the holder before it is slow
    assert _most_at_once(times) == 1  # beside the holder, one at a time: never more than two runs at once


def test_waiting_runs_start_in_the_order_they_came():
    turns = admission.Turns(most=2, slow_s=60)
    order, lock = [], threading.Lock()
    holder = turns.turn()
    holder.__enter__()

    def run(i: int) -> None:
        with turns.turn():
            with lock:
                order.append(i)

    threads = []
    for i in range(6):
        th = threading.Thread(target=run, args=(i,))
        th.start()
        threads.append(th)
        deadline = time.monotonic() + 10
        while len(turns._line) < i + 1 and time.monotonic() < deadline:  # noqa: SLF001 - wait until it is in line
            time.sleep(0.005)
    assert order == [] and turns.going() == 1
    holder.__exit__(None, None, None)
    for th in threads:
        th.join(30)
    assert order == list(range(6))
    assert turns.going() == 0


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
