"""What the app keeps per process (ui/loaders.kept) and reads once per run (ui/loaders.store_state)."""

from __future__ import annotations

import threading
import time

import pandas as pd

from ucj_dash.datasets import composition, store
from ucj_dash.datasets.dataset import DatasetMeta
from ui import loaders


def _counting(max_entries):
    calls = []

    @loaders.kept(max_entries)
    def view(parent: str, period: str, since: str | None = None) -> tuple:
        calls.append((parent, period, since))
        return parent, period, since, len(calls)

    return view, calls


def test_a_kept_result_is_made_once_per_arguments_and_shared():
    view, calls = _counting(4)
    first = view("53", "2024-12")
    assert view("53", "2024-12") is first
    assert view("53", "2024-12", None) is first  # a default given or left out: the same view
    assert view("53", period="2024-12") is first
    assert view("53", "2024-12", "2024-01") is not first
    assert calls == [("53", "2024-12", None), ("53", "2024-12", "2024-01")]


def test_kept_results_are_bounded_and_the_least_recently_used_goes_first():
    view, calls = _counting(2)
    view("11", "p")
    view("12", "p")
    view("11", "p")  # used again: "12" is now the oldest
    view("13", "p")  # a third: "12" goes
    assert len(calls) == 3
    view("11", "p")
    view("13", "p")
    assert len(calls) == 3
    view("12", "p")
    assert calls[-1] == ("12", "p", None) and len(calls) == 4
    view.clear()
    view("11", "p")
    assert len(calls) == 5


def test_a_kept_result_asked_for_by_many_sessions_at_once_is_made_once():
    made = []

    @loaders.kept(4)
    def slow(code: str) -> str:
        made.append(code)
        time.sleep(0.2)
        return code.upper()

    results = []
    threads = [threading.Thread(target=lambda: results.append(slow("ab"))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["AB"] * 6
    assert made == ["ab"]


def test_a_failed_result_is_not_kept():
    attempts = []

    @loaders.kept(4)
    def flaky(code: str) -> str:
        attempts.append(code)
        if len(attempts) == 1:
            raise OSError("disk busy")
        return code

    try:
        flaky("x")
    except OSError:
        pass
    assert flaky("x") == "x" and attempts == ["x", "x"]


def test_the_store_is_read_once_per_run_and_a_write_shows_in_the_next(data_dir):
    loaders.new_run()
    before = loaders.store_state()
    assert dict(before[0]) == {}
    store.save(DatasetMeta("impor-baru", "Impor baru", "uji", "2024-12", False),
               pd.DataFrame({"region_code": ["53"], "period": ["2024-12"], "employed_workers": [100.0]}))
    assert loaders.store_state() is before  # the same run: read once
    loaders.new_run()  # the next run (app.py calls it first)
    assert dict(loaders.store_state()[0]) == {"impor-baru": 1}
    assert loaders.source_key(composition.Composition.of({"workers": "impor-baru"}), 12)[1] == (("impor-baru", 1),)


def test_each_session_thread_reads_the_store_for_its_own_run(data_dir):
    loaders.new_run()
    assert dict(loaders.store_state()[0]) == {}
    store.save(DatasetMeta("lain", "Lain", "uji", "2024-12", False),
               pd.DataFrame({"region_code": ["53"], "period": ["2024-12"], "employed_workers": [100.0]}))
    seen = []
    thread = threading.Thread(target=lambda: seen.append(dict(loaders.store_state()[0])))  # another session's run
    thread.start()
    thread.join()
    assert seen == [{"lain": 1}]


def test_a_session_keeps_only_the_widgets_on_its_page_not_one_per_region_visited(registry):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../app.py", default_timeout=60)
    regions = [code for province in registry.children("ID")[:4] for code in (province, registry.children(province)[0])]
    for region in regions:
        at.query_params.clear()
        at.query_params["region"] = region
        at.run()
        assert not at.exception
    widgets = at._session_state._state._new_widget_state  # noqa: SLF001 - what Streamlit keeps per widget
    kept = [wid for wid in widgets.widget_metadata if "table_" in wid]
    assert len(kept) == 1 and kept[0].endswith(f"table_{regions[-1]}")  # the table of the last parent only
    assert not [wid for wid in widgets.widget_metadata if wid.endswith(f"crumb_{regions[0]}")]  # earlier views' breadcrumbs
