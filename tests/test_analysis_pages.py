"""The profile, priority and methodology pages in Streamlit's AppTest, at several levels."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ucj_dash.analysis import priority
from ucj_dash.analysis.settings import Settings
from ucj_dash.geography.regions import Level
from ucj_dash.text import fmt
from ucj_dash.views import mapview

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _open(page: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def _metric(at: AppTest, label_start: str):
    return next(m for m in at.metric if m.label.startswith(label_start))


def _plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


@pytest.mark.parametrize("region", [None, "53", "53.02", "53.02.02"])
def test_profile_headline_children_and_trend(region, demo_dataset, registry):
    at = _open("pages/profile.py", **({"region": region} if region else {}))
    code = region or "ID"
    name = "Indonesia" if code == "ID" else registry.name(code)
    assert at.title[0].value == name
    row = mapview.region_row(demo_dataset, code, demo_dataset.latest_period, Settings())
    assert _metric(at, "Cakupan (cakupan aktif)").value == fmt.percent(row["ucj_coverage_pct"])
    assert _metric(at, "Kemiskinan ekstrem").value == fmt.percent(row["extreme_poverty_rate_pct"], "id", 2)
    assert _metric(at, "Kekurangan menuju target").value == fmt.value(row["gap_to_target_workers"], "orang")
    assert any(w.value.startswith("**Data simulasi") for w in at.warning)
    children = at.dataframe(key="pchildren").value
    assert len(children) == len(registry.children(code))
    specs = _plotly_specs(at)
    trend = next(s for s in specs if "Tren: Peserta aktif" in s["layout"]["title"]["text"])
    assert trend["data"][0]["x"] == demo_dataset.periods
    assert any(sh.get("y0") == 52.15 for sh in trend["layout"]["shapes"])  # the target line
    poverty = next(s for s in specs if s["layout"]["title"]["text"].startswith("Tren: kemiskinan ekstrem"))
    assert any(sh.get("y0") == 0.83 for sh in poverty["layout"]["shapes"])  # the baseline line
    assert all(any(a["text"].startswith("Data simulasi") for a in s["layout"].get("annotations", [])) for s in specs)


def test_profile_bars_keep_two_villages_of_one_name_apart(registry):
    """Kecamatan Kupang Tengah (53.01.06) holds two villages named Oesao: a bar each, told apart by code."""
    kecamatan = "53.01.06"
    children = registry.children(kecamatan)
    oesao = [c for c in children if registry.name(c) == "Oesao"]
    assert len(oesao) == 2
    at = _open("pages/profile.py", region=kecamatan)
    bars = next(s for s in _plotly_specs(at) if s["data"][0]["type"] == "bar" and s["layout"]["title"]["text"].startswith("Desa/Kelurahan"))
    labels = bars["data"][0]["y"]
    assert len(labels) == len(set(labels)) == len(children)
    assert sorted(label for label in labels if label.startswith("Oesao")) == sorted(f"Oesao ({c})" for c in oesao)
    assert sorted(bars["data"][0]["customdata"]) == sorted(children)


def test_profile_of_a_village_has_no_children_but_ranks_among_siblings(registry):
    at = _open("pages/profile.py", region="53.02.02.2001", cov="vulnerable")  # DTSEN-style figures exist by village
    assert at.title[0].value == registry.name("53.02.02.2001")
    assert any("tingkat terendah" in i.value for i in at.info)
    assert any(m.value.startswith("Peringkat ") for m in at.markdown)
    # employed workers come by kabupaten only: the UCJ coverage of a village is missing, and says why
    at = _open("pages/profile.py", region="53.02.02.2001")
    assert any("penyebut hanya tersedia sampai tingkat kabupaten/kota" in c.value for c in at.caption)


def test_profile_denominator_switch_names_the_choice_everywhere(demo_dataset):
    at = _open("pages/profile.py", region="53", cov="vulnerable", lang="en")
    row = mapview.region_row(demo_dataset, "53", demo_dataset.latest_period, Settings())
    metric = _metric(at, "Coverage (vulnerable-worker coverage)")
    assert metric.value == fmt.percent(row["vulnerable_coverage_pct"], "en")
    titles = [s["layout"]["title"]["text"] for s in _plotly_specs(at)]
    assert any("Vulnerable workers covered ÷ vulnerable workers" in t for t in titles)
    assert any("vulnerable-worker coverage" in t for t in titles)
    assert at.selectbox(key="cov_w").value == "vulnerable"
    assert at.selectbox(key="cov_w").options == [
        "Active participants ÷ employed workers", "Registered participants ÷ employed workers",
        "Vulnerable workers covered ÷ vulnerable workers", "Extreme-poor workers covered ÷ extreme-poor workers",
    ]
    assert any(c.value == "National: " + fmt.percent(
        mapview.region_row(demo_dataset, "ID", demo_dataset.latest_period, Settings())["extreme_poverty_rate_pct"], "en", 2
    ) for c in at.caption)


def test_profile_cost_of_closing_the_gap(demo_dataset):
    at = _open("pages/profile.py", region="53")
    row = mapview.region_row(demo_dataset, "53", demo_dataset.latest_period, Settings())
    workers = row["uncovered_vulnerable_workers"]
    assert _metric(at, "Iuran per bulan").value == fmt.rupiah(workers * 16_800)
    assert _metric(at, "Iuran per tahun").value == fmt.rupiah(workers * 16_800 * 12)
    at.checkbox(key="cost_jht").check().run()
    assert _metric(at, "Iuran per bulan").value == fmt.rupiah(workers * 36_800)
    at.radio(key="cost_group").set_value("extreme_poor").run()
    assert next(m for m in at.metric if m.label == "Pekerja").value == fmt.value(row["uncovered_extreme_poor_workers"], "orang")


def test_profile_search_and_child_row_open_other_profiles(registry):
    at = _open("pages/profile.py")
    at.text_input(key="psearch_q").input("ngada").run()
    at.selectbox(key="psearch_pick").select("53.09").run()
    assert at.title[0].value == registry.name("53.09")
    assert at.query_params["region"] == "53.09"


def test_profile_bad_region_link_falls_back_with_a_message():
    at = _open("pages/profile.py", region="99.99")
    assert at.title[0].value == "Indonesia"
    assert any("99.99" in i.value for i in at.info)


@pytest.mark.parametrize(
    "params, level, parent",
    [({}, Level.PROVINCE, "ID"), ({"plevel": "kab"}, Level.REGENCY, "ID"), ({"region": "53", "plevel": "kec"}, Level.DISTRICT, "53"),
     ({"region": "53.02", "plevel": "desa"}, Level.VILLAGE, "53.02"), ({"region": "53.02.02.2001"}, Level.VILLAGE, "53.02.02")],
)
def test_priority_list_every_region_ranked_with_reasons(params, level, parent, demo_dataset, registry):
    at = _open("pages/priority.py", **params)
    listed = at.dataframe(key="prlist").value
    expected = registry.descendants(parent, level)
    assert sorted(listed["Kode"]) == sorted(expected)
    table = mapview.children_table(demo_dataset, registry, parent, demo_dataset.latest_period, Settings(), level)
    ranked = priority.rank(table, Settings())
    assert listed["Kode"].tolist() == ranked["code"].tolist()
    assert listed["Alasan peringkat"].iloc[0] == priority.reason(ranked.iloc[0], Settings())
    legend = next(m.value for m in at.markdown if "ucj-bivariate-legend" in m.value)
    counts = priority.group_counts(ranked)
    assert f"{counts['act_first']} wilayah" in legend and "Data simulasi" in legend
    if level > Level.REGENCY:  # extreme poverty and employed workers come by kabupaten: no group below, ranked by score
        assert (ranked["quadrant"] == "no_data").all() and ranked["score"].notna().any()
        assert any("Tidak ada" in i.value for i in at.info) and not [s for s in _plotly_specs(at) if s["data"]]
        return
    scatter = next(s for s in _plotly_specs(at) if s["data"] and s["data"][0]["type"] == "scatter")
    drawn = [code for tr in scatter["data"] for code in tr["customdata"]]
    assert sorted(drawn) == sorted(ranked.loc[ranked["quadrant"] != "no_data", "code"])
    shapes = scatter["layout"]["shapes"]
    assert any(sh.get("x0") == 0.83 for sh in shapes) and any(sh.get("y0") == 52.15 for sh in shapes)


def test_priority_rule_inputs_change_the_ranking():
    at = _open("pages/priority.py")
    first = at.dataframe(key="prlist").value["Kode"].tolist()
    at.checkbox(key="rule_first").uncheck().run()
    at.number_input(key="rule_weight_extreme_poor").set_value(0.0).run()
    second = at.dataframe(key="prlist").value["Kode"].tolist()
    assert sorted(first) == sorted(second) and first != second
    assert any("0,0 × pekerja miskin ekstrem" in m.value for m in at.markdown)


def test_priority_bad_level_says_so_and_shows_the_default():
    at = _open("pages/priority.py", region="53", plevel="desa")
    assert any("“desa” tidak tersedia" in i.value for i in at.info)
    assert len(at.dataframe(key="prlist").value) == 22


def test_settings_edited_on_methodology_apply_to_every_page(demo_dataset):
    at = _open("pages/methodology.py")
    at.number_input(key="set_extreme_poverty_baseline_pct").set_value(2.0)
    at.number_input(key="set_ucj_target_pct").set_value(30.0)
    next(b for b in at.button if b.label == "Terapkan").click().run()
    assert any("diterapkan" in s.value for s in at.success)
    at.switch_page("pages/priority.py").run()
    assert not at.exception
    legend = next(m.value for m in at.markdown if "ucj-bivariate-legend" in m.value)
    assert "Miskin ekstrem &gt; 2,00%" in legend or "Miskin ekstrem > 2,00%" in legend
    s = Settings({"extreme_poverty_baseline_pct": 2.0, "ucj_target_pct": 30.0})
    table = mapview.children_table(demo_dataset, at_registry(), "ID", demo_dataset.latest_period, s)
    assert at.dataframe(key="prlist").value["Kode"].tolist() == priority.rank(table, s)["code"].tolist()
    at.switch_page("pages/profile.py").run()
    assert "target 30,00%" in _metric(at, "Cakupan").delta
    assert any("2 pengaturan diubah" in i.value for i in at.sidebar.info)


def test_settings_invalid_edit_keeps_previous_values():
    at = _open("pages/methodology.py")
    at.number_input(key="set_ucj_target_pct").set_value(40.0)
    next(b for b in at.button if b.label == "Terapkan").click().run()
    assert at.session_state["settings_overrides"] == {"ucj_target_pct": 40.0}
    at.number_input(key="set_class_low_below_pct").set_value(10.0)
    next(b for b in at.button if b.label == "Terapkan").click().run()
    assert any("Ambang kelas harus naik" in e.value for e in at.error)
    assert at.session_state["settings_overrides"] == {"ucj_target_pct": 40.0}  # the earlier edit is kept


def test_region_target_reaches_the_region_and_its_children(demo_dataset):
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["region_targets"] = {"53": 20.0}
    at.query_params["region"] = "53.02"
    at.switch_page("pages/profile.py")
    at.run()
    assert "target 20,00%" in _metric(at, "Cakupan").delta  # inherited from the province
    children = at.dataframe(key="pchildren").value
    assert set(children["Target (%)"]) == {20.0}
    at.switch_page("pages/methodology.py").run()
    assert at.dataframe(key="set_targets").value["target"].tolist() == [20.0]  # shown on the settings panel


def at_registry():
    from ucj_dash import cli

    return cli.registry()


def test_moving_between_pages_keeps_region_metric_and_period(registry):
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"region": "53.02", "metric": "extreme_poverty", "period": "2024-06"})
    at.run()
    assert not at.exception
    at.query_params.clear()  # the page menu opens a page without the link's parameters
    at.switch_page("pages/profile.py").run()
    assert at.title[0].value == registry.name("53.02")
    assert at.selectbox(key="pperiod_w").value == "2024-06"
    at.query_params.clear()
    at.switch_page("pages/map.py").run()
    assert at.selectbox(key="metric_w").value == "extreme_poverty"
    assert any(h.value.startswith("Kecamatan di Kabupaten Timor Tengah Selatan") for h in at.subheader)


def test_metric_arrows_follow_the_number_not_the_minus_sign():
    from streamlit.proto.Metric_pb2 import Metric

    from ui import widgets

    at = _open("pages/profile.py", region="53")
    coverage = _metric(at, "Cakupan (cakupan aktif)")
    assert coverage.delta.startswith("−")  # below target, written with a true minus sign
    poverty = _metric(at, "Kemiskinan ekstrem")
    assert poverty.proto.direction == Metric.MetricDirection.UP  # above the baseline: up, and bad
    at.session_state["region_targets"] = {"53": 10.0}
    at.run()
    met = _metric(at, "Cakupan (cakupan aktif)")
    assert met.delta.startswith("target 10,00% tercapai")
    assert (met.proto.direction, met.proto.color) == (Metric.MetricDirection.UP, Metric.MetricColor.GREEN)
    assert widgets.delta_style(-16.3) == {"delta_arrow": "down", "delta_color": "red"}
    assert widgets.delta_style(0.88, higher_is_better=False) == {"delta_arrow": "up", "delta_color": "red"}
    assert widgets.delta_style(float("nan")) == {"delta_arrow": "off", "delta_color": "off"}
