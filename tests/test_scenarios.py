"""Named funding scenarios: saved whole with their provenance, listed, loaded, deleted, and two side by side."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest

from tests.postgres import pg_database, postgres_url, shared_store  # noqa: F401  (pytest fixtures)
from ucj_dash.analysis import bkbk, funding, scenarios
from ucj_dash.errors import UserError
from ucj_dash.views import tables

ROOT = Path(__file__).resolve().parent.parent
WHEN = datetime(2025, 7, 1, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(params=["files", "postgres"])
def store(request, demo_store, monkeypatch):
    """Each test once per store: ``("files", data folder)`` or ``("postgres", url)`` (the demo figures are files in both)."""
    if request.param == "files":
        monkeypatch.delenv("UCJ_STORE_URL", raising=False)
        return "files", demo_store
    return "postgres", request.getfixturevalue("shared_store")


def stored(store, scenario_id: str) -> dict:
    """The scenario as the store holds it: the file's JSON, or the row (its time as ISO 8601 in UTC)."""
    kind, where = store
    if kind == "files":
        return json.loads((where / "scenarios" / f"{scenario_id}.json").read_text(encoding="utf-8"))
    with psycopg.connect(where) as conn:
        cur = conn.execute("SELECT * FROM scenarios WHERE id = %s", (scenario_id,))
        row = cur.fetchone()
        names = [c.name for c in cur.description]
    data = dict(zip(names, row))
    data["saved_at"] = data["saved_at"].astimezone(timezone.utc).isoformat()
    return data


@pytest.fixture
def plans(demo_store, demo_figures, registry):
    """Two plans for Kabupaten Timor Tengah Selatan on the demo figures, and their links."""
    period = demo_figures.latest_period
    a_inputs = funding.PlanInputs(goal="vulnerable", years="2026-2029", split=(("apbd_prov", "30"), ("apbd_kab", "40")))
    b_inputs = funding.PlanInputs(goal="vulnerable", years="2026-2029", package="with-jht",
                                  split=(("apbd_prov", "50"), ("csr", "Rp100000000")))
    out = []
    for inputs in (a_inputs, b_inputs):
        plan = inputs.run(demo_figures, registry, "53.02", period)
        out.append((plan, {"region": "53.02", "period": period, **funding.plan_to_query(inputs)}))
    return out


def test_save_keeps_the_link_and_where_the_figures_come_from(plans, demo_figures, store):
    plan, query = plans[0]
    saved = scenarios.save("TTS 2026–2029: APBD 30/40", query, plan, demo_figures, "203.0.113.5", now=WHEN)
    assert saved.id == "tts-2026-2029-apbd-30-40"
    data = stored(store, saved.id)
    assert data["name"] == "TTS 2026–2029: APBD 30/40"
    assert data["saved_by"] == "203.0.113.5" and data["saved_at"] == "2025-07-01T09:30:00+00:00"
    assert data["query"] == query and data["region"] == "53.02" and data["period"] == demo_figures.latest_period
    assert data["composition"] == demo_figures.composition.to_query()
    assert data["datasets"] == [{"id": i, "version": v} for i, v in demo_figures.key[1]]
    assert {d["id"] for d in data["datasets"]} == set(demo_figures.composition.dataset_ids())
    assert data["simulated"] is True and data["bkbk"] is None and data["format"] == 1
    summary = data["summary"]
    assert summary["workers_to_enrol"] == plan.workers_to_enrol and summary["cost_total_rupiah"] == plan.cost_total_rupiah
    assert summary["by_source"] == plan.by_source and summary["unfunded_rupiah"] == plan.unfunded_rupiah
    assert [y["year"] for y in summary["by_year"]] == [2026, 2027, 2028, 2029]
    assert summary["coverage_last_pct"] == plan.by_year[-1].coverage_pct
    folder = store[1] / "scenarios" if store[0] == "files" else scenarios.folder()
    if store[0] == "files":
        assert [p.name for p in folder.iterdir()] == [f"{saved.id}.json"]  # nothing half-written left behind
    else:
        assert not folder.exists()  # the shared store holds it, no file

    loaded = scenarios.load(saved.id)
    assert loaded == saved
    assert [s.id for s in scenarios.list_scenarios()] == [saved.id]


def test_names_are_checked(plans, demo_figures, store):
    plan, query = plans[0]
    for name, key in (("", "scenario.error.name_empty"), ("   ", "scenario.error.name_empty"), ("x" * 81, "scenario.error.name_long"),
                      ("a\x00b", "scenario.error.name_chars"), ("!!!", "scenario.error.name_letters"),
                      ("…", "scenario.error.name_letters")):
        with pytest.raises(UserError) as info:
            scenarios.save(name, query, plan, demo_figures, "cli")
        assert info.value.key == key and info.value.message("en").startswith("name:")
    assert scenarios.list_scenarios() == []
    saved = scenarios.save("  Rencana   NTT  ", query, plan, demo_figures, "cli")
    assert saved.name == "Rencana NTT" and saved.id == "rencana-ntt"
    with pytest.raises(UserError) as info:
        scenarios.save("rencana ntt", query, plan, demo_figures, "cli")  # the same file
    assert info.value.key == "scenario.error.exists"
    replaced = scenarios.save("Rencana NTT", query, plans[1][0], demo_figures, "cli", replace=True)
    assert scenarios.load("rencana-ntt").summary["cost_total_rupiah"] == plans[1][0].cost_total_rupiah == replaced.summary["cost_total_rupiah"]


@pytest.mark.parametrize("bad_id", ["../composition", "a/b", "", "A", "-x", "x" * 61, None])
def test_ids_outside_the_folder_are_refused(bad_id, store):
    for action in (scenarios.load, scenarios.delete):
        with pytest.raises(UserError) as info:
            action(bad_id)
        assert info.value.key == "scenario.error.not_found"


def test_delete_and_list_newest_first(plans, demo_figures, store):
    plan, query = plans[0]
    scenarios.save("satu", query, plan, demo_figures, "cli", now=WHEN)
    scenarios.save("dua", query, plan, demo_figures, "cli", now=WHEN.replace(hour=10))
    scenarios.save("tiga", query, plan, demo_figures, "cli", now=WHEN.astimezone(timezone(timedelta(hours=8))) - timedelta(hours=1))
    scenarios.save("empat", query, plan, demo_figures, "cli", now=WHEN)  # the same time as "satu": by id, descending
    assert [s.id for s in scenarios.list_scenarios()] == ["dua", "satu", "empat", "tiga"]
    assert scenarios.load("tiga").saved_at == "2025-07-01T08:30:00+00:00"  # stored in UTC
    scenarios.delete("satu")
    assert [s.id for s in scenarios.list_scenarios()] == ["dua", "empat", "tiga"]
    for scenario_id in ("satu", "tidak-ada"):
        with pytest.raises(UserError) as info:
            scenarios.delete(scenario_id)
        assert info.value.key == "scenario.error.not_found"
        with pytest.raises(UserError) as info:
            scenarios.load(scenario_id)
        assert info.value.key == "scenario.error.not_found"


def test_unreadable_files_are_left_out(plans, demo_figures, demo_store):
    plan, query = plans[0]
    scenarios.save("satu", query, plan, demo_figures, "cli", now=WHEN)
    scenarios.save("dua", query, plan, demo_figures, "cli", now=WHEN.replace(hour=10))
    (demo_store / "scenarios" / "rusak.json").write_text("{not json", encoding="utf-8")
    assert [s.id for s in scenarios.list_scenarios()] == ["dua", "satu"]  # newest first; the damaged one left out
    with pytest.raises(UserError) as info:
        scenarios.load("rusak")
    assert info.value.key == "scenario.error.unreadable"


def test_a_failed_write_leaves_the_old_file(plans, demo_figures, demo_store, monkeypatch):
    plan, query = plans[0]
    scenarios.save("tetap", query, plan, demo_figures, "cli", now=WHEN)
    before = (demo_store / "scenarios" / "tetap.json").read_bytes()

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        scenarios.save("tetap", query, plans[1][0], demo_figures, "cli", replace=True)
    assert (demo_store / "scenarios" / "tetap.json").read_bytes() == before
    assert [p.name for p in (demo_store / "scenarios").iterdir()] == ["tetap.json"]


def test_two_scenarios_side_by_side(plans, demo_figures, registry, store):
    (a_plan, a_query), (b_plan, b_query) = plans
    model = bkbk.apply(demo_figures, registry, "53.02")
    saved_a = scenarios.save("APBD 30/40", a_query, a_plan, demo_figures, "cli", now=WHEN)
    saved_b = scenarios.save("APBD 50 + CSR", b_query, b_plan, demo_figures, "cli", model=model, now=WHEN)
    a, b = scenarios.load(saved_a.id), scenarios.load(saved_b.id)  # as read back from the store
    assert (a, b) == (saved_a, saved_b) and b.bkbk == scenarios.bkbk_summary(model)
    rows = scenarios.comparison_rows(a, b, "en").set_index("code")
    assert rows.loc["workers", "a"] == f"{a_plan.workers_to_enrol:,}" == rows.loc["workers", "b"]
    assert rows.loc["workers", "difference"] == "0"
    assert rows.loc["cost", "a"] == f"Rp {a_plan.cost_total_rupiah:,}" and rows.loc["cost", "b"] == f"Rp {b_plan.cost_total_rupiah:,}"
    diff = b_plan.cost_total_rupiah - a_plan.cost_total_rupiah  # JHT more than doubles the package
    assert diff > 0 and rows.loc["cost", "difference"] == f"+Rp {diff:,}"
    assert rows.loc["source.apbd_kab", "b"] == "—" and rows.loc["source.apbd_kab", "difference"] == "—"
    assert rows.loc["source.csr", "b"] == f"Rp {b_plan.by_source['csr']:,}"
    assert "source.baznas" not in rows.index  # neither uses it
    assert rows.loc["package", "a"] == "JKK + JKM (Rp 16,800/month)" and rows.loc["package", "b"] == "JKK + JKM + JHT (Rp 36,800/month)"
    assert rows.loc["bkbk_workers", "a"] == "—" and rows.loc["bkbk_workers", "b"] == f"{model.workers:,}"
    assert rows.loc["split", "a"] == "Provincial budget (APBD provinsi) 30%; District budget (APBD kabupaten/kota) 40%"
    assert "demo-peserta v1" in rows.loc["data", "a"] and "Simulated data" in rows.loc["data", "a"]
    assert rows.loc["saved", "a"] == "2025-07-01T09:30:00+00:00 · cli"
    table = tables.scenario_table(scenarios.comparison_rows(a, b, "id"), "id")
    assert list(table.frame.columns) == ["Butir", "A", "B", "Selisih B − A"]
    assert table.frame.iloc[0].tolist() == ["Nama", "APBD 30/40", "APBD 50 + CSR", ""]


# ---------------------------------------------------------------- several processes (replicas) at once

_REPLICA = """
import sys, time
from pathlib import Path
from ucj_dash import cli
from ucj_dash.analysis import funding, scenarios
from ucj_dash.datasets import composition, figures
from ucj_dash.errors import UserError

folder, share = Path(sys.argv[1]), sys.argv[2]
figs = figures.load(composition.Composition.of(composition.DEMO_SOURCES))
inputs = funding.PlanInputs(goal="vulnerable", years="2026-2029", split=(("apbd_prov", share),))
plan = inputs.run(figs, cli.registry(), "53.02", figs.latest_period)
(folder / f"ready-{share}").touch()
while not (folder / "go").exists():
    time.sleep(0.002)
try:
    scenarios.save("Rencana Bersama", {"region": "53.02"}, plan, figs, f"replica-{share}")
    print("saved")
except UserError as exc:
    print(exc.key)
"""


def test_two_replicas_saving_one_name_at_once_one_wins(store, tmp_path):
    shares = ("30", "60")
    procs = [subprocess.Popen([sys.executable, "-c", _REPLICA, str(tmp_path), share], cwd=ROOT, env=dict(os.environ),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for share in shares]
    try:
        deadline = time.monotonic() + 120
        while not all((tmp_path / f"ready-{share}").exists() for share in shares):
            assert time.monotonic() < deadline and all(p.poll() is None for p in procs), [p.communicate() for p in procs]
            time.sleep(0.01)
        (tmp_path / "go").touch()
        outputs = []
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            outputs.append(out.strip())
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    assert sorted(outputs) == ["saved", "scenario.error.exists"]
    winner = shares[outputs.index("saved")]
    kept = scenarios.load("rencana-bersama")
    assert kept.saved_by == f"replica-{winner}" and kept.summary["inputs"]["split"][0]["share_pct"] == float(winner)
    assert [s.id for s in scenarios.list_scenarios()] == ["rencana-bersama"]
    if store[0] == "files":
        assert [p.name for p in (store[1] / "scenarios").iterdir()] == ["rencana-bersama.json"]  # no temporary file left


def test_a_scenario_is_one_row_replaced_in_place_and_seen_by_another_replica(plans, demo_figures, shared_store):
    (a_plan, query), (b_plan, _) = plans
    scenarios.save("Rencana NTT", query, a_plan, demo_figures, "10.0.0.1", now=WHEN)
    scenarios.save("Rencana NTT", query, b_plan, demo_figures, "10.0.0.2", replace=True, now=WHEN + timedelta(days=1))
    with psycopg.connect(shared_store) as conn:
        found = conn.execute("SELECT id, saved_by, saved_at, jsonb_typeof(query), jsonb_typeof(datasets), "
                             "jsonb_typeof(summary), bkbk, extra FROM scenarios").fetchall()
    assert found == [("rencana-ntt", "10.0.0.2", WHEN + timedelta(days=1), "object", "array", "object", None, {})]
    assert scenarios.load("rencana-ntt").summary["cost_total_rupiah"] == b_plan.cost_total_rupiah
    result = subprocess.run([sys.executable, "-c", "from ucj_dash.analysis import scenarios\n"
                             "print([(s.id, s.saved_by, s.saved_at) for s in scenarios.list_scenarios()])\n"
                             "scenarios.delete('rencana-ntt')"],
                            cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[('rencana-ntt', '10.0.0.2', '2025-07-02T09:30:00+00:00')]"
    assert scenarios.list_scenarios() == []
    with pytest.raises(UserError) as info:
        scenarios.load("rencana-ntt")
    assert info.value.key == "scenario.error.not_found"
