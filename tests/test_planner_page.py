"""The funding planner page in Streamlit's AppTest, on the demo sources in a temporary store.

What it shows is checked against the core computed here (:func:`ucj_dash.analysis.funding.plan`,
:func:`ucj_dash.analysis.bkbk.apply`), against the command line's JSON, and against a second AppTest
opened on the first one's link.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.hostile import PAYLOADS, hostile_items, shown
from ucj_dash.analysis import bkbk, funding, scenarios
from ucj_dash.text import fmt

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE = "pages/planner.py"
TTS = "53.02"  # Kabupaten Timor Tengah Selatan


@pytest.fixture(scope="module", autouse=True)
def app_ran_once():
    """The first run of the app in a process routes through ``app.py`` (``ui.entry.through_app``), and its widgets
    get other ids than the next runs': a widget set right after it would be lost. One run first."""
    AppTest.from_file(APP, default_timeout=120).run()


@pytest.fixture(autouse=True)
def private_store(demo_store, monkeypatch):
    """Every test on its own store (links to the demo sources), outside public mode."""
    for name in ("UCJ_PUBLIC_MODE", "UCJ_ADMIN_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return demo_store


def _open(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def _metric(at: AppTest, label_start: str) -> str:
    return next(m for m in at.metric if m.label.startswith(label_start)).value


def _table(at: AppTest, header: str) -> pd.DataFrame:
    """The dataframe with column ``header``."""
    return next(d.value for d in at.dataframe if header in d.value.columns)


def _messages(at: AppTest) -> list[str]:
    """The texts of the notices, warnings and errors as they read (Markdown escapes resolved)."""
    return [re.sub(r"\\(.)", r"\1", e.value) for e in (*at.info, *at.warning, *at.error)]


def _params(at: AppTest) -> dict[str, str]:
    return {k: at.query_params[k][0] if isinstance(at.query_params[k], list) else at.query_params[k] for k in at.query_params}


def _expected(demo_figures, registry, code, params) -> funding.Plan:
    inputs, notices = funding.plan_from_query(params, demo_figures.latest_period)
    assert notices == []
    return funding.plan(demo_figures, registry, code, inputs.goal, inputs.years, package=inputs.package, split=inputs.split_text(),
                        phasing=inputs.phasing, period=demo_figures.latest_period, village_budget_rp=inputs.village_budget_rp,
                        village_budget_source=inputs.village_budget_source or None, budget_share_pct=inputs.budget_share_pct)


def _shown_figures(at: AppTest) -> dict:
    """The plan's figures as the page shows them: headline metrics and the per-year and per-source tables."""
    years = _table(at, "Pendaftaran baru (orang)")
    sources = _table(at, "Sumber dana")
    return {"metrics": {m.label: m.value for m in at.metric}, "years": years.to_dict("list"), "sources": sources.to_dict("list")}


# ---- defaults


def test_defaults_render(demo_figures, registry):
    at = _open()
    assert at.title[0].value == "Rencana pendanaan — Indonesia"
    assert at.selectbox(key="pl_goal").value == "extreme-poor"
    assert (at.number_input(key="pl_y0").value, at.number_input(key="pl_y1").value) == (2026, 2029)
    assert at.radio(key="pl_phase").value == "linear" and at.radio(key="pl_pkg").value == "jkk-jkm"
    expected = funding.plan(demo_figures, registry, "ID", "extreme-poor", "2026-2029", phasing="linear")
    assert _metric(at, "Pekerja yang didaftarkan") == fmt.value(expected.workers_to_enrol, "orang")
    assert _metric(at, "Biaya total 2026–2029") == fmt.rupiah(expected.cost_total_rupiah)
    assert _metric(at, "Belum didanai") == fmt.rupiah(expected.cost_total_rupiah)  # no source yet: all unfunded
    assert any(m.startswith("Belum ada sumber dana") for m in _messages(at))
    assert any(w.value.startswith("**Data simulasi") for w in at.warning)
    charts = [json.loads(e.proto.spec) for e in at.get("plotly_chart")]
    coverage = next(c for c in charts if c["layout"]["title"]["text"].startswith("Cakupan UCJ yang dicapai"))
    assert coverage["data"][0]["y"][1:] == pytest.approx([y.coverage_pct for y in expected.by_year])
    assert any(sh.get("y0") == 52.15 for sh in coverage["layout"]["shapes"])  # the target line
    assert all(any(a["text"].startswith("Data simulasi") for a in c["layout"].get("annotations", [])) for c in charts)
    ranked = at.dataframe(key="pl_rank").value
    assert len(ranked) == 38 and ranked["Peringkat"].iloc[0] == 1  # the provinces, cheapest point of coverage first
    assert any("pembilang" in c.value for c in at.caption)  # where the figures come from


def test_english(demo_figures, registry):
    at = _open(region=TTS, lang="en", goal="vulnerable", apbd_kab="50")
    assert at.title[0].value == "Funding plan — Kabupaten Timor Tengah Selatan"
    expected = funding.plan(demo_figures, registry, TTS, "vulnerable", "2026-2029", phasing="linear", split="apbd_kab=50")
    assert _metric(at, "Workers to enrol") == fmt.value(expected.workers_to_enrol, "orang", "en")
    assert any(m.startswith("The sources' shares add up to 50%") for m in _messages(at))


# ---- bad input: a message naming the field


@pytest.mark.parametrize("params, field", [
    ({"goal": "semua"}, "goal"),
    ({"pkg": "gold"}, "package"),
    ({"years": "2029-2026"}, "years"),
    ({"years": "2020-2022"}, "years"),
    ({"years": "2026-2099"}, "years"),
    ({"phase": "50,60,0,0"}, "phasing"),
    ({"apbd_kab": "-5"}, "split.apbd_kab"),
    ({"apbd_kab": "banyak"}, "split.apbd_kab"),
    ({"csr": "Rp-1"}, "split.csr"),
    ({"apbd_prov": "150"}, "split.apbd_prov"),
    ({"vbudget": "100000000"}, "village_budget_source"),
    ({"vbudget": "-1", "vbsrc": "APBDes"}, "village_budget"),
    ({"bshare": "101"}, "budget_share"),
    ({"model": "bkbk", "q_ep": "-1"}, "bkbk.quota_extreme_poor"),
    ({"period": "2031-01"}, "Periode “2031-01”"),  # the shared view's notice
])
def test_a_bad_link_value_says_which_field(params, field):
    at = _open(region=TTS, **params)
    assert any(m.startswith(field) for m in _messages(at)), _messages(at)
    assert at.get("metric")  # the plan is still shown, on the default


def test_bad_values_typed_into_the_page_say_which_field():
    at = _open(region=TTS)
    at.text_input(key="pl_src_apbd_kab").input("-5")
    _run(at)
    assert any(m.startswith("split.apbd_kab: “-5” negatif") for m in _messages(at)), _messages(at)
    assert at.text_input(key="pl_src_apbd_kab").value == "-5"  # what was typed stays in view beside the message
    at.text_input(key="pl_src_apbd_kab").input("60")
    at.text_input(key="pl_src_apbd_prov").input("30")
    _run(at)
    assert any(m.startswith("Bagian sumber dana berjumlah 90%") for m in _messages(at))
    at.number_input(key="pl_y0").set_value(2023)
    _run(at)
    assert any("years: tahun 2023" in m for m in _messages(at))
    assert (at.number_input(key="pl_y0").value, at.number_input(key="pl_y1").value) == (2026, 2029)
    at.text_input(key="pl_vbudget").input("Rp1.000.000.000")
    _run(at)
    assert any(m.startswith("village_budget_source:") for m in _messages(at))
    at.radio(key="pl_phase").set_value("custom")
    _run(at)
    at.text_input(key="pl_phase_custom").input("10,10")
    _run(at)
    assert any(m.startswith("phasing:") for m in _messages(at))


def test_custom_phasing_follows_the_years():
    at = _open(region=TTS, phase="10,20,30,40")
    assert at.radio(key="pl_phase").value == "custom" and at.text_input(key="pl_phase_custom").value == "10,20,30,40"
    at.number_input(key="pl_y1").set_value(2030)
    _run(at)
    assert _params(at)["years"] == "2026-2030" and _params(at)["phase"] == "20,20,20,20,20"
    assert not any(m.startswith("phasing:") for m in _messages(at))
    assert _table(at, "Pendaftaran baru (orang)")["Tahun"].tolist() == ["2026", "2027", "2028", "2029", "2030"]


def test_a_region_without_data_for_the_goal_says_no_data_not_rp0():
    at = _open(region="53.02.01", goal="target")  # employed workers come by kabupaten only
    infos = [i.value for i in at.info]
    assert any(i.startswith("Tidak ada data untuk rencana") and "Rp0" in i for i in infos)
    assert not any(m.label.startswith("Biaya total") for m in at.metric)


# ---- the page's figures are the core's and the command line's


def test_page_figures_equal_the_core_and_the_cli(demo_figures, registry, private_store):
    params = {"goal": "vulnerable", "pkg": "with-jht", "years": "2026-2028", "phase": "20,30,50", "apbd_prov": "30",
              "apbd_kab": "40", "apbdes": "20", "csr": "Rp50000000", "vbudget": "1000000000", "vbsrc": "Dana Desa 2025",
              "bshare": "2"}
    at = _open(region=TTS, **params)
    expected = _expected(demo_figures, registry, TTS, params)
    years = _table(at, "Pendaftaran baru (orang)")
    assert years["Tahun"].tolist() == ["2026", "2027", "2028"]
    assert years["Pendaftaran baru (orang)"].tolist() == [y.new_workers for y in expected.by_year]
    assert years["Pekerja ditanggung (orang)"].tolist() == [y.workers for y in expected.by_year]
    assert years["Biaya per tahun (Rp)"].tolist() == [y.cost_rupiah for y in expected.by_year]
    assert years["APBD provinsi"].tolist() == [y.by_source["apbd_prov"] for y in expected.by_year]
    assert years["CSR"].tolist() == [50_000_000] * 3
    assert years["Belum didanai (Rp)"].tolist() == [y.unfunded_rupiah for y in expected.by_year]
    assert years["Cakupan UCJ (%)"].tolist() == pytest.approx([y.coverage_pct for y in expected.by_year])
    sources = _table(at, "Sumber dana").set_index("Sumber dana")
    assert sources.loc["APBDes (semua desa)", "Total semua tahun (Rp)"] == expected.by_source["apbdes"]
    assert sources.loc["Belum didanai", "Total semua tahun (Rp)"] == expected.unfunded_rupiah
    assert _metric(at, "Biaya total") == fmt.rupiah(expected.cost_total_rupiah)
    burden = expected.burden["apbdes"]
    assert _metric(at, "Rata-rata per desa") == fmt.rupiah(burden.mean_rupiah)
    assert _metric(at, "Desa di atas 2%") == fmt.number(len(burden.over_budget))

    # the command line the page shows gives the same figures
    command = shlex.split(at.code[0].value)
    assert command[:4] == ["python", "-m", "ucj_dash", "plan"]
    done = subprocess.run([sys.executable, *command[1:]], cwd=ROOT, capture_output=True, text=True, timeout=180, check=False,
                          env={**os.environ, "UCJ_DATA_DIR": str(private_store)})
    assert done.returncode == 0, done.stderr
    cli = json.loads(done.stdout)
    assert cli == json.loads(json.dumps(expected.to_json()))
    assert [y["cost_rupiah"] for y in cli["by_year"]] == years["Biaya per tahun (Rp)"].tolist()
    assert cli["by_source"]["apbd_kab"] == sources.loc["APBD kabupaten/kota", "Total semua tahun (Rp)"]


def test_a_plan_link_reopens_the_same_plan():
    at = _open(region=TTS)
    at.selectbox(key="pl_goal").set_value("target")
    _run(at)
    at.radio(key="pl_pkg").set_value("with-jht")
    _run(at)
    at.number_input(key="pl_y1").set_value(2030)
    _run(at)
    at.text_input(key="pl_src_apbd_prov").input("25")
    _run(at)
    at.text_input(key="pl_src_baznas").input("Rp250.000.000")
    _run(at)
    at.radio(key="pl_phase").set_value("all-at-once")
    _run(at)
    link = _params(at)
    assert link == {"region": TTS, "goal": "target", "pkg": "with-jht", "years": "2026-2030", "phase": "all-at-once",
                    "apbd_prov": "25", "baznas": "Rp250000000", "bshare": "100"}
    first = _shown_figures(at)
    again = _open(**link)
    assert _shown_figures(again) == first
    assert again.selectbox(key="pl_goal").value == "target" and again.text_input(key="pl_src_baznas").value == "Rp250.000.000"


def test_the_bkbk_preset(demo_figures, registry):
    at = _open(region="15")
    at.button(key="pl_bkbk").click()
    _run(at)
    link = _params(at)
    assert link["model"] == "bkbk" and link["bkbk"] == "100" and link["q_ep"] == "50" and link["q_vul"] == "25"
    assert link["grant"] == "100000000" and link["gshare"] == "10" and link["bshare"] == "10"
    model = bkbk.apply(demo_figures, registry, "15")
    assert _metric(at, "Pekerja terlindungi") == fmt.value(model.workers, "orang")
    assert _metric(at, "Biaya provinsi per tahun") == fmt.rupiah(model.cost_rupiah)
    assert _metric(at, "Alokasi iuran dari hibah") == fmt.rupiah(model.earmark_rupiah) == fmt.rupiah(1_585 * 10_000_000)
    assert _metric(at, "Kesenjangan miskin ekstrem tertutup") == fmt.percent(model.gap["extreme_poor"]["share_pct"])
    kab = _table(at, "Layak tertinggal (orang)")
    assert len(kab) == len(registry.children("15"))
    assert kab["Layak tertinggal (orang)"].tolist() == sorted(model.kabupaten["left_out"].tolist(), reverse=True)
    assert any("Pergub Jambi 16/2022" in c.value for c in at.caption)
    # the plan paid by BKBK alone, its per-village burden checked against 10% of Rp100 juta
    assert _metric(at, "Desa di atas 10%") is not None
    # other quotas: the 2022 rule
    at.number_input(key="pl_q_vul").set_value(0)
    _run(at)
    assert _params(at)["q_vul"] == "0"
    model = bkbk.apply(demo_figures, registry, "15", quota_vulnerable=0)
    assert _metric(at, "Pekerja terlindungi") == fmt.value(model.workers, "orang")
    at.button(key="pl_bkbk_off").click()
    _run(at)
    assert "model" not in _params(at) and not any(m.label.startswith("Pekerja terlindungi") for m in at.metric)


def test_the_ranking_is_the_cores(demo_figures, registry):
    at = _open(region="53", goal="vulnerable", apbd_prov="100")
    expected = funding.rank_children(demo_figures, registry, "53", "vulnerable", demo_figures.latest_period)
    shown = at.dataframe(key="pl_rank").value
    assert shown["Kode"].tolist() == expected["code"].tolist()
    assert shown["Biaya per poin cakupan (Rp/tahun)"].tolist() == pytest.approx(expected["cost_per_pp_rupiah"].tolist(), nan_ok=True)
    costs = shown["Biaya per poin cakupan (Rp/tahun)"].dropna().tolist()
    assert costs == sorted(costs) and len(costs) > 10


# ---- scenarios


def test_admin_saves_scenarios_and_anyone_compares_them(demo_figures, registry, private_store, monkeypatch):
    at = _open(region=TTS, goal="vulnerable", apbd_prov="30", apbd_kab="40")
    at.text_input(key="pl_sc_name").input("TTS APBD 30/40")
    at.button[[b.label for b in at.button].index("Simpan rencana ini sebagai skenario")].click()
    _run(at)
    assert any(s.value == "Skenario “TTS APBD 30/40” tersimpan." for s in at.success)
    saved = scenarios.load("tts-apbd-30-40")
    assert saved.query["apbd_prov"] == "30" and saved.region == TTS and saved.saved_by
    audit = (private_store / "audit.log").read_text(encoding="utf-8")
    assert '"action": "scenario_save"' in audit and '"scenario": "tts-apbd-30-40"' in audit

    other = _open(region=TTS, goal="vulnerable", apbd_prov="50", csr="Rp100000000", pkg="with-jht")
    other.text_input(key="pl_sc_name").input("TTS APBD 50 + CSR")
    other.button[[b.label for b in other.button].index("Simpan rencana ini sebagai skenario")].click()
    _run(other)

    monkeypatch.setenv("UCJ_PUBLIC_MODE", "1")  # a visitor of a public deployment: compares, cannot save or delete
    monkeypatch.setenv("UCJ_ADMIN_PASSWORD", "rahasia-panjang")
    visitor = _open(region=TTS)
    assert not any(b.label == "Simpan rencana ini sebagai skenario" for b in visitor.button)
    assert "pl_sc_delete" not in [b.key for b in visitor.button]
    assert any(c.value.startswith("Hanya admin") for c in visitor.caption)
    visitor.selectbox(key="pl_sc_a").set_value("tts-apbd-30-40")
    visitor.selectbox(key="pl_sc_b").set_value("tts-apbd-50-csr")
    _run(visitor)
    table = visitor.dataframe[[i for i, d in enumerate(visitor.dataframe) if "Selisih B − A" in d.value.columns][0]].value
    rows = table.set_index("Butir")
    a_plan = funding.plan(demo_figures, registry, TTS, "vulnerable", "2026-2029", phasing="linear", split="apbd_prov=30,apbd_kab=40")
    b_plan = funding.plan(demo_figures, registry, TTS, "vulnerable", "2026-2029", phasing="linear", package="with-jht",
                          split="apbd_prov=50,csr=Rp100000000")
    assert rows.loc["Biaya total", "A"] == fmt.rupiah(a_plan.cost_total_rupiah, compact=False)
    assert rows.loc["Biaya total", "B"] == fmt.rupiah(b_plan.cost_total_rupiah, compact=False)
    assert rows.loc["Nama", "A"] == "TTS APBD 30/40" and rows.loc["Nama", "B"] == "TTS APBD 50 + CSR"
    links = [p for p in visitor.get("page_link") if p.proto.label.startswith("Buka A")]
    assert links and "apbd_prov=30" in links[0].proto.page or links


def test_admin_deletes_a_scenario(demo_figures, registry):
    at = _open(region=TTS, apbd_prov="100")
    at.text_input(key="pl_sc_name").input("Hapus saya")
    at.button[[b.label for b in at.button].index("Simpan rencana ini sebagai skenario")].click()
    _run(at)
    assert [s.id for s in scenarios.list_scenarios()] == ["hapus-saya"]
    _run(at)
    at.button(key="pl_sc_delete").click()
    _run(at)
    assert scenarios.list_scenarios() == []
    assert any(s.value == "Skenario “Hapus saya” dihapus." for s in at.success)


# ---- texts from links and the store show literally


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_budget_source_and_a_scenario_name_show_literally(payload):
    at = _open(region=TTS, apbdes="50", vbudget="1000000000", vbsrc=payload, bshare="2")
    assert hostile_items(at) == []
    assert " ".join(payload.split()) in shown(at)  # the budget's source, as typed
    at.text_input(key="pl_sc_name").input(payload + " rencana")
    at.button[[b.label for b in at.button].index("Simpan rencana ini sebagai skenario")].click()
    _run(at)
    assert hostile_items(at) == []
    assert f"Skenario “{payload} rencana” tersimpan." in shown(at)
    assert f"Buka A: {payload} rencana" in shown(at)
