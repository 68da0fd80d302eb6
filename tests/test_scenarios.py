"""Named funding scenarios: saved whole with their provenance, listed, loaded, deleted, and two side by side."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone

import pytest

from ucj_dash.analysis import bkbk, funding, scenarios
from ucj_dash.errors import UserError
from ucj_dash.views import tables

WHEN = datetime(2025, 7, 1, 9, 30, tzinfo=timezone.utc)


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


def test_save_keeps_the_link_and_where_the_figures_come_from(plans, demo_figures, demo_store):
    plan, query = plans[0]
    saved = scenarios.save("TTS 2026–2029: APBD 30/40", query, plan, demo_figures, "203.0.113.5", now=WHEN)
    assert saved.id == "tts-2026-2029-apbd-30-40"
    path = demo_store / "scenarios" / f"{saved.id}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["name"] == "TTS 2026–2029: APBD 30/40"
    assert data["saved_by"] == "203.0.113.5" and data["saved_at"] == "2025-07-01T09:30:00+00:00"
    assert data["query"] == query and data["region"] == "53.02" and data["period"] == demo_figures.latest_period
    assert data["composition"] == demo_figures.composition.to_query()
    assert data["datasets"] == [{"id": i, "version": v} for i, v in demo_figures.key[1]]
    assert {d["id"] for d in data["datasets"]} == set(demo_figures.composition.dataset_ids())
    assert data["simulated"] is True
    summary = data["summary"]
    assert summary["workers_to_enrol"] == plan.workers_to_enrol and summary["cost_total_rupiah"] == plan.cost_total_rupiah
    assert summary["by_source"] == plan.by_source and summary["unfunded_rupiah"] == plan.unfunded_rupiah
    assert [y["year"] for y in summary["by_year"]] == [2026, 2027, 2028, 2029]
    assert summary["coverage_last_pct"] == plan.by_year[-1].coverage_pct
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # nothing half-written left behind

    loaded = scenarios.load(saved.id)
    assert loaded == saved
    assert [s.id for s in scenarios.list_scenarios()] == [saved.id]


def test_names_are_checked(plans, demo_figures):
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
def test_ids_outside_the_folder_are_refused(bad_id, demo_store):
    with pytest.raises(UserError):
        scenarios.load(bad_id)
    with pytest.raises(UserError):
        scenarios.delete(bad_id)


def test_delete_and_unreadable_files(plans, demo_figures, demo_store):
    plan, query = plans[0]
    scenarios.save("satu", query, plan, demo_figures, "cli", now=WHEN)
    scenarios.save("dua", query, plan, demo_figures, "cli", now=WHEN.replace(hour=10))
    (demo_store / "scenarios" / "rusak.json").write_text("{not json", encoding="utf-8")
    assert [s.id for s in scenarios.list_scenarios()] == ["dua", "satu"]  # newest first; the damaged one left out
    with pytest.raises(UserError) as info:
        scenarios.load("rusak")
    assert info.value.key == "scenario.error.unreadable"
    scenarios.delete("satu")
    assert [s.id for s in scenarios.list_scenarios()] == ["dua"]
    with pytest.raises(UserError) as info:
        scenarios.delete("satu")
    assert info.value.key == "scenario.error.not_found"


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


def test_two_scenarios_side_by_side(plans, demo_figures, registry):
    (a_plan, a_query), (b_plan, b_query) = plans
    model = bkbk.apply(demo_figures, registry, "53.02")
    a = scenarios.save("APBD 30/40", a_query, a_plan, demo_figures, "cli", now=WHEN)
    b = scenarios.save("APBD 50 + CSR", b_query, b_plan, demo_figures, "cli", model=model, now=WHEN)
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
