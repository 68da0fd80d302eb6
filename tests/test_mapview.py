"""Map view: children table, classification, escaped GeoJSON, legend."""

import json
import math

import mapclassify
import numpy as np
import pandas as pd
import pytest

from ucj_dash.analysis.indicators import METRICS, coverage_class
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets import figures, store
from ucj_dash.datasets.composition import Composition
from ucj_dash.datasets.dataset import COUNT_COLUMNS, DatasetMeta
from ucj_dash.datasets.figures import Figures
from ucj_dash.geography.boundaries import read_layer
from ucj_dash.geography.regions import Level
from ucj_dash.text import markup
from ucj_dash.text.i18n import t
from ucj_dash.views import mapview


def _stored(dataset_id: str, rows: pd.DataFrame, name: str | None = None, source: str = "uji",
            simulated: bool = False) -> Figures:
    """``rows`` (participants and employed workers as given) stored as one dataset, composed for both groups."""
    store.save(DatasetMeta(dataset_id, name or dataset_id, source, "2024-12", simulated), rows)
    return figures.load(Composition.of({"participants": dataset_id, "workers": dataset_id}))


def test_children_table_has_every_child_and_no_data_as_nan(registry, demo_figures, data_dir):
    period = demo_figures.latest_period
    table = mapview.children_table(demo_figures, registry, "53.02.02", period, Settings())
    assert list(table["code"]) == registry.children("53.02.02")
    partial = _stored("p", pd.DataFrame({"region_code": ["53.02.02.2001"], "period": [period],
                                         "employed_workers": [200.0], "active_participants": [50.0]}))
    table = mapview.children_table(partial, registry, "53.02.02", period, Settings())
    assert list(table["code"]) == registry.children("53.02.02")
    assert table["ucj_coverage_pct"].notna().sum() == 1
    assert table.set_index("code").at["53.02.02.2001", "ucj_coverage_pct"] == pytest.approx(25.0)
    assert table["employed_workers"].isna().sum() == len(table) - 1
    assert table["ucj__units"].fillna(0).eq(0).sum() == len(table) - 1  # no data: no units, never a zero rate
    assert mapview.regions_with_data(table) == 1


def test_demo_villages_have_participants_but_no_rate_below_the_kabupaten(registry, demo_figures):
    """Sakernas gives employed workers by kabupaten: villages and kecamatan show participants, not a rate."""
    period = demo_figures.latest_period
    villages = mapview.children_table(demo_figures, registry, "53.02.02", period, Settings())
    assert villages["active_participants"].notna().all() and villages["employed_workers"].isna().all()
    assert villages["ucj_coverage_pct"].isna().all()
    kab = mapview.children_table(demo_figures, registry, "53", period, Settings())
    assert kab["ucj_coverage_pct"].notna().all()
    at = demo_figures.at(period)
    expected = at.loc[kab["code"], "active_participants"] / at.loc[kab["code"], "employed_workers"] * 100
    np.testing.assert_allclose(kab["ucj_coverage_pct"].to_numpy(), expected.to_numpy())
    row = mapview.region_row(demo_figures, "53.02.02", period, Settings())
    notes = mapview.kpi_notes(row, demo_figures, "53.02.02", period, "id")
    assert notes[0] == "Cakupan UCJ: penyebut hanya tersedia sampai tingkat kabupaten/kota"


def test_kpi_notes_say_a_rate_rests_on_part_of_the_region(registry, data_dir):
    kec = "53.02.02"
    v1, v2 = registry.children(kec)[:2]
    fig = _stored("half", pd.DataFrame({"region_code": [v1, v2], "period": ["2024-12"] * 2,
                                        "employed_workers": [100.0, np.nan], "active_participants": [50.0, 40.0]}))
    row = mapview.region_row(fig, kec, "2024-12", Settings())
    assert row["ucj_coverage_pct"] == pytest.approx(50.0)  # 50 of 100, not 90 of 100
    assert row["active_participants"] == 90
    notes = mapview.kpi_notes(row, fig, kec, "2024-12", "id")
    assert "Cakupan UCJ: berdasarkan 1 dari 2 desa/kelurahan berdata" in notes
    assert mapview.has_data(row)
    empty = mapview.region_row(fig, "11", "2024-12", Settings())
    assert not mapview.has_data(empty) and np.isnan(empty["ucj_coverage_pct"])


def test_fixed_coverage_classes():
    values = pd.Series([10, 25, 39.9, 60, np.nan])
    c = mapview.classify(values, METRICS["ucj_coverage"], "fixed", Settings())
    assert list(c.index) == [0, 1, 1, 3, -1]
    assert c.labels[0].startswith("Sangat rendah") and c.labels[3].startswith("Tinggi")
    assert mapview.colors_for(c)[-1] == mapview.NO_DATA_FILL


def test_quantiles_and_equal_interval():
    values = pd.Series(np.arange(100, dtype=float))
    q = mapview.classify(values, METRICS["uncovered_workers"], "quantiles", Settings())
    assert np.bincount(q.index).tolist() == [20, 20, 20, 20, 20]
    e = mapview.classify(values, METRICS["ucj_coverage"], "equal_interval", Settings())
    assert e.method == "equal_interval" and len(e.bins) == 5
    single = mapview.classify(pd.Series([5.0, np.nan]), METRICS["uncovered_workers"], "quantiles", Settings())
    assert list(single.index) == [0, -1]


def test_extreme_poverty_is_diverging_around_the_baseline():
    values = pd.Series([0.1, 0.5, 0.83, 1.0, 2.0, 5.0])
    c = mapview.classify(values, METRICS["extreme_poverty"], "quantiles", Settings())
    assert c.method == "baseline"
    assert c.bins[2] == pytest.approx(0.83)
    below, above = c.index[:3], c.index[3:]
    assert max(below) <= 2 < min(above)  # blue half up to the baseline (0.83 on it is not above it), red half above
    assert c.colors[0].lower() == "#2166ac" and c.colors[-1].lower() == "#b2182b"
    moved = mapview.classify(values, METRICS["extreme_poverty"], "fixed", Settings({"extreme_poverty_baseline_pct": 2.0}))
    assert moved.bins[2] == 2.0


def test_geojson_escapes_text_and_carries_the_simulated_note(registry, data_dir):
    villages = registry.descendants("53.02", Level.VILLAGE)
    rows = pd.DataFrame({"region_code": villages, "period": "2024-12", "employed_workers": 100.0, "active_participants": 30.0})
    fig = _stored("x", rows, name="<b>Nama</b>", source="src & co", simulated=True)
    period = fig.latest_period
    table = mapview.children_table(fig, registry, "53.02", period, Settings())
    table.loc[0, "name"] = '<img src=x onerror="alert(1)">'
    geoms = read_layer(Level.DISTRICT, parent="53.02")
    c = mapview.classify(table["ucj_coverage_pct"], METRICS["ucj_coverage"], "fixed", Settings())
    doc = json.loads(mapview.layer_geojson(table, geoms, METRICS["ucj_coverage"], c, period, fig, "id"))
    props = doc["features"][0]["properties"]
    assert props["name"].startswith("&lt;img") and "<" not in props["source"]
    assert "&lt;b&gt;Nama&lt;/b&gt;" in props["source"]
    assert props["source"].startswith("pembilang: ") and "penyebut: " in props["source"]
    assert props["note"] == "Data simulasi / simulated data"
    assert len(doc["features"]) == len(geoms)
    assert props["value"] == "30,0%"


def test_geojson_says_why_a_value_is_missing_and_names_both_sources(registry, demo_figures):
    period = demo_figures.latest_period
    table = mapview.children_table(demo_figures, registry, "53.02.02", period, Settings())
    geoms = read_layer(Level.VILLAGE, parent="53.02.02")
    c = mapview.classify(table["ucj_coverage_pct"], METRICS["ucj_coverage"], "fixed", Settings())
    doc = json.loads(mapview.layer_geojson(table, geoms, METRICS["ucj_coverage"], c, period, demo_figures, "en"))
    props = doc["features"][0]["properties"]
    assert props["value"] == "No data: the denominator is only given down to regency/city level"
    assert props["fill"] == mapview.NO_DATA_FILL
    assert "Dec 2024" in props["source"] and "Aug 2024" in props["source"]
    assert "Sakernas" in props["source"]


def test_legend_lists_no_data_and_simulated(registry):
    c = mapview.classify(pd.Series([10.0, np.nan]), METRICS["ucj_coverage"], "fixed", Settings())
    html = mapview.legend_html(c, "Cakupan UCJ (%)", "kelas", "id", simulated=True)
    assert "Tidak ada data" in html and "Data simulasi" in html
    assert html.count('class="ucj-sw"') == 5


def test_data_and_boundary_counts():
    table = pd.DataFrame({"code": ["53.01", "53.02", "53.03", "53.04"], **{c: np.nan for c in COUNT_COLUMNS}})
    table["employed_workers"] = [10.0, np.nan, np.nan, np.nan]
    table["population"] = [np.nan, 5.0, np.nan, np.nan]
    table["active_participants"] = [np.nan, np.nan, np.nan, 0.0]  # any count known is data, a zero too
    assert [mapview.has_data(row) for _, row in table.iterrows()] == [True, True, False, True]
    assert mapview.regions_with_data(table) == 3
    assert mapview.without_boundary(table, pd.DataFrame({"code": ["53.01", "53.03", "53.04", "53.99"]})) == 1


def test_method_label_and_metric_explanation_name_the_baseline():
    s = Settings({"extreme_poverty_baseline_pct": 1.25})
    c = mapview.classify(pd.Series([0.5, 2.0]), METRICS["extreme_poverty"], "fixed", s, "en")
    assert "1.25%" in mapview.method_label(c, s, "en")
    fixed = mapview.classify(pd.Series([10.0]), METRICS["ucj_coverage"], "fixed", s)
    assert mapview.method_label(fixed, s, "id") == t("legend.method.fixed", "id")
    explain = mapview.metric_explain(METRICS["extreme_poverty"], s, "id")
    assert "1,25%" in explain and s.item("extreme_poverty_baseline_pct").source in explain


def test_classes_without_data_or_with_one_value_have_no_open_bound():
    """No data: no class (the legend shows only "no data"); one value: one class named by it."""
    for method in ("quantiles", "equal_interval", "fixed"):
        none = mapview.classify(pd.Series([np.nan, np.nan]), METRICS["uncovered_workers"], method, Settings())
        assert none.bins == [] and none.labels == [] and list(none.index) == [-1, -1]
        legend = mapview.legend_html(none, "x", "y", "id", False)
        assert t("legend.no_data") in legend and "&lt; —" not in legend
    one = mapview.classify(pd.Series([31.0, np.nan, 31.0]), METRICS["ucj_coverage"], "quantiles", Settings(), "en")
    assert one.labels == ["31.0%"] and list(one.index) == [0, -1, 0]


ON_BREAKS = pd.Series([0, 0, 0, 10, 10, 20, 30, 40, 50, 50, 60, np.nan], dtype=float)


@pytest.mark.parametrize("method, cls", [("quantiles", mapclassify.Quantiles), ("equal_interval", mapclassify.EqualInterval)])
def test_values_on_breaks_get_mapclassifys_class(method, cls):
    """Every value, including those exactly on a break, is in mapclassify's class; no data is -1 and uncounted."""
    c = mapview.classify(ON_BREAKS, METRICS["ucj_coverage"], method, Settings())
    expected = cls(ON_BREAKS.dropna().to_numpy(), k=5)
    assert list(c.index[:-1]) == expected.yb.tolist() and c.index[-1] == -1
    assert c.bins == expected.bins.tolist()
    assert np.bincount(c.index[c.index >= 0], minlength=len(c.bins)).tolist() == expected.counts.tolist()
    assert min(c.index[:-1]) == 0  # the lowest class is not left empty


def test_quantile_labels_say_the_intervals_they_hold():
    """Upper bounds are inclusive, lower ones exclusive; the first class starts at the minimum."""
    q_id = mapview.classify(ON_BREAKS, METRICS["ucj_coverage"], "quantiles", Settings(), "id")
    assert q_id.labels == ["0,0%", "> 0,0 – 10,0%", "> 10,0 – 30,0%", "> 30,0 – 50,0%", "> 50,0 – 60,0%"]
    e_en = mapview.classify(ON_BREAKS + 3, METRICS["ucj_coverage"], "equal_interval", Settings(), "en")
    assert e_en.labels == ["3.0 – 15.0%", "> 15.0 – 27.0%", "> 27.0 – 39.0%", "> 39.0 – 51.0%", "> 51.0 – 63.0%"]
    counts = mapview.classify(pd.Series([1000.0, 2000, 3000, 4000, 5000]), METRICS["uncovered_workers"], "quantiles",
                              Settings(), "en")
    assert counts.labels == ["1,000 – 1,800", "> 1,800 – 2,600", "> 2,600 – 3,400", "> 3,400 – 4,200", "> 4,200 – 5,000"]
    assert list(counts.index) == [0, 1, 2, 3, 4]


def test_fixed_classes_agree_with_coverage_class_on_and_around_every_threshold():
    for settings in (Settings(), Settings({"class_low_below_pct": 33.3})):
        around = [x + d for x in settings.coverage_class_breaks for d in (-1e-9, -math.ulp(x), 0.0, math.ulp(x), 1e-9)]
        values = pd.Series([0.0, 100.0, np.nan, *around])
        c = mapview.classify(values, METRICS["ucj_coverage"], "fixed", settings)
        keys = [coverage_class(float(x), settings) for x in values]
        assert [mapview.COVERAGE_CLASS_KEYS[i] if i >= 0 else None for i in c.index] == keys


def test_fixed_labels_put_a_threshold_in_the_higher_class():
    c = mapview.classify(pd.Series([25.0, 40.0, 60.0, np.nan]), METRICS["ucj_coverage"], "fixed", Settings(), "id")
    assert list(c.index) == [1, 2, 3, -1]
    assert c.labels == ["Sangat rendah (< 25,0%)", "Rendah (25,0 – < 40,0%)", "Sedang (40,0 – < 60,0%)", "Tinggi (≥ 60,0%)"]
    en = mapview.classify(pd.Series([25.0]), METRICS["ucj_coverage"], "fixed", Settings(), "en")
    assert en.labels == ["Very low (< 25.0%)", "Low (25.0 – < 40.0%)", "Medium (40.0 – < 60.0%)", "High (≥ 60.0%)"]


def test_baseline_classes_hold_each_multiple_where_the_label_says():
    s = Settings({"extreme_poverty_baseline_pct": 1.0})
    multiples = pd.Series([0.25, 0.5, 1.0, 2.0, 4.0, 4.01, 0.1, np.nan])
    c = mapview.classify(multiples, METRICS["extreme_poverty"], "fixed", s, "id")
    assert list(c.index) == [0, 1, 2, 3, 4, 5, 0, -1]
    assert list(c.index[:-1]) == mapclassify.UserDefined(multiples.dropna().to_numpy(), c.bins).yb.tolist()
    assert c.labels == ["≤ 0,25%", "> 0,25 – 0,50%", "> 0,50 – 1,00%", "> 1,00 – 2,00%", "> 2,00 – 4,00%", "> 4,00%"]
    en = mapview.classify(pd.Series([0.83]), METRICS["extreme_poverty"], "quantiles", Settings(), "en")
    assert en.index[0] == 2 and en.labels[2] == "> 0.41 – 0.83%" and en.labels[3] == "> 0.83 – 1.66%"


def test_legend_shows_the_class_labels():
    c = mapview.classify(ON_BREAKS, METRICS["ucj_coverage"], "fixed", Settings(), "en")
    html = mapview.legend_html(c, "UCJ coverage (%)", "fixed", "en", simulated=False)
    assert all(label.replace("<", "&lt;").replace(">", "&gt;") in html for label in c.labels)


def test_steps_to_target_classes_hold_a_value_on_a_step_in_the_higher_class():
    from ucj_dash.analysis.indicators import METRICS
    from ucj_dash.analysis.settings import Settings

    settings = Settings({"ucj_target_pct": 50.0}, {"53": 40.0})
    values = pd.Series([9.99, 10.0, 19.99, 20.0, 49.99, 50.0, 80.0, np.nan])
    classes = mapview.classify(values, METRICS["ucj_coverage"], "target", settings, "id", parent="ID")
    assert classes.index.tolist() == [0, 1, 1, 2, 4, 5, 5, -1]  # steps at 10, 20, 30, 40, 50 (20 % … 100 % of 50)
    assert classes.labels[0] == "< 20% target (< 10,0%)" and classes.labels[1] == "< 40% target (10,0 – < 20,0%)"
    assert classes.labels[-1] == "Target tercapai (≥ 50,0%)"
    assert mapview.method_label(classes, settings, "en") == "steps towards the target 50.00% (20%, 40%, 60%, 80% and 100% of it)"
    # inside NTT its own target (40 %) sets the steps: 8, 16, 24, 32, 40
    ntt = mapview.classify(pd.Series([7.99, 8.0, 39.99, 40.0]), METRICS["ucj_coverage"], "target", settings, "id", parent="53.02")
    assert ntt.index.tolist() == [0, 1, 4, 5] and ntt.bins[:5] == pytest.approx([8, 16, 24, 32, 40])
    # village officials step towards 100 %; counts fall back to quantiles
    officials = mapview.classify(pd.Series([19.99, 20.0, 100.0]), METRICS["village_officials"], "target", settings, "id")
    assert officials.index.tolist() == [0, 1, 5]
    counts = mapview.classify(pd.Series([1.0, 2.0, 3.0]), METRICS["uncovered_workers"], "target", settings, "id")
    assert counts.method == "quantiles"
    assert not mapview.one_class(classes) and mapview.one_class(
        mapview.classify(pd.Series([31.0, 35.0, np.nan]), METRICS["ucj_coverage"], "target", settings, "id"))


def _rows_computed_alone(figs: Figures, codes: list[str], period: str, settings: Settings, since: str | None) -> pd.DataFrame:
    """Indicator rows of ``codes`` computed from their counts alone (the rule the map's table follows)."""
    from ucj_dash.analysis import indicators

    counts = figs.at(period).reindex(codes).drop(columns="level")
    out = pd.concat([counts, indicators.compute(counts, settings)], axis=1)
    then = figs.at(since).reindex(codes) if since else None
    if then is not None:
        part, whole = then["ucj__part"].astype(float), then["ucj__whole"].astype(float)
        out["ucj_coverage_change_pp"] = out["ucj_coverage_pct"] - (part / whole.where(whole > 0) * 100)
    else:
        out["ucj_coverage_change_pp"] = np.nan
    return out


@pytest.mark.parametrize("codes", [
    ["53.02.02"],
    ["53.02.02.2001", "53.02.02.2002", "53.02.02.2003"],
    ["11", "53", "91", "53.02", "53.02.02.2001"],
    ["53.02", "99.99", "53.02.02.9999"],  # codes without data: rows of NaN
    [],
])
def test_indicator_rows_taken_from_every_regions_rows_equal_those_computed_alone(registry, demo_figures, codes):
    period, since = demo_figures.latest_period, demo_figures.periods[0]
    settings = Settings({"ucj_target_pct": 40.0}, {"53.02": 75.0})  # a region's own target too
    for with_since in (None, since, "1999-01"):  # a period the figures lack: no change
        got = mapview.indicator_rows(demo_figures, codes, period, settings, with_since)
        expected = _rows_computed_alone(demo_figures, codes, period, settings, with_since if with_since == since else None)
        assert list(got.index) == codes
        assert list(got.columns) == list(expected.columns)
        pd.testing.assert_frame_equal(got.drop(columns="target_met"), expected.drop(columns="target_met"), check_dtype=False)
        assert [None if pd.isna(v) else bool(v) for v in got["target_met"]] == \
               [None if pd.isna(v) else bool(v) for v in expected["target_met"]]
    if "53.02" in codes:
        assert mapview.indicator_rows(demo_figures, ["53.02"], period, settings).at["53.02", "target_pct"] == 75.0


def test_indicator_rows_follow_the_settings_and_have_true_false_targets_where_every_row_has_a_rate(demo_figures):
    period = demo_figures.latest_period
    code = "53.02"
    low = mapview.indicator_rows(demo_figures, [code], period, Settings({"ucj_target_pct": 1.0}))
    high = mapview.indicator_rows(demo_figures, [code], period, Settings({"ucj_target_pct": 99.0}))
    assert low.at[code, "target_pct"] == 1.0 and high.at[code, "target_pct"] == 99.0
    assert low["target_met"].dtype == bool and bool(low.at[code, "target_met"]) is True
    assert bool(high.at[code, "target_met"]) is False
    assert high.at[code, "gap_to_target_workers"] > low.at[code, "gap_to_target_workers"] == 0


def test_geojson_features_follow_the_layer_and_carry_their_own_rows_values(registry, data_dir):
    kecamatan = registry.children("53.02")
    rows = pd.DataFrame({"region_code": kecamatan, "period": "2024-12", "employed_workers": 1000.0,
                         "active_participants": [10.0 * (i + 1) for i in range(len(kecamatan))]})
    fig = _stored("urut", rows)
    table = mapview.children_table(fig, registry, "53.02", "2024-12", Settings()).iloc[::-1].reset_index(drop=True)
    layer = read_layer(Level.DISTRICT, parent="53.02")
    geoms = layer.iloc[::2].iloc[::-1]  # every other boundary, in another order than the table's
    c = mapview.classify(table["ucj_coverage_pct"], METRICS["ucj_coverage"], "fixed", Settings())
    doc = json.loads(mapview.layer_geojson(table, geoms, METRICS["ucj_coverage"], c, "2024-12", fig, "id", selected=kecamatan[0]))
    assert [f["properties"]["code"] for f in doc["features"]] == list(geoms["code"])
    fill_of = dict(zip(table["code"], mapview.colors_for(c)))
    for feature in doc["features"]:
        props = feature["properties"]
        i = kecamatan.index(props["code"])
        assert props["value"] == f"{(i + 1) * 1.0:.1f}%".replace(".", ",")  # 10·(i+1) of 1.000 workers
        assert props["fill"] == fill_of[props["code"]]
        assert props["name"] == markup.html(registry.name(props["code"]))
        assert props["sel"] is (props["code"] == kecamatan[0])
        assert props["kind"] == t("kind." + registry.table.at[props["code"], "kind"], "id")
