"""Presentation mode: the slide deck (pure) and the page in Streamlit's AppTest."""

import html
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets import store
from ucj_dash.text import fmt
from ucj_dash.views import mapview, slides

APP = str(Path(__file__).resolve().parent.parent / "app.py")
NTT = "53"
BASE = ["title", "map", "figures", "priority", "cost"]
SIMULATED = "Data simulasi / simulated data"


def name_of(dataset_id: str) -> str:
    """A demo source's name as stored in its meta.json (read here, not through the code under test)."""
    return json.loads((store.dataset_path(dataset_id) / "meta.json").read_text(encoding="utf-8"))["name"]


def ucj_line(participants_month: str = "Des 2024", workers_month: str = "Agu 2024") -> str:
    """The UCJ coverage's source as a slide shows it (HTML-escaped): participants of the month, Sakernas of August."""
    return html.escape(f"Cakupan UCJ — pembilang: {name_of('demo-peserta')}, {participants_month} · "
                       f"penyebut: {name_of('demo-sakernas')}, {workers_month}", quote=False)


# ---- the deck


def test_deck_keys_are_stable_and_children_are_appended(registry):
    plain = slides.deck(registry, NTT, include_children=False)
    assert [s.key for s in plain] == BASE
    full = slides.deck(registry, NTT, include_children=True)
    children = registry.children(NTT)
    assert [s.key for s in full] == BASE + [f"child-{c}" for c in children]
    assert full[len(BASE)].kind == "child" and full[len(BASE)].region == children[0]
    # a slide keeps its key, whatever comes before or after it
    assert slides.index_of(plain, "cost") == slides.index_of(full, "cost") == 4


def test_next_and_previous(registry):
    deck = slides.deck(registry, NTT, include_children=True)
    assert slides.next_key(deck, "title") == "map"
    assert slides.prev_key(deck, "map") == "title"
    assert slides.prev_key(deck, "title") is None
    assert slides.next_key(deck, "cost") == "child-53.01"
    assert slides.next_key(deck, deck[-1].key) is None
    assert slides.next_key(deck, "nope") is None and slides.prev_key(deck, "nope") is None
    assert slides.step(deck, 0, "next") == "map" and slides.step(deck, 0, "prev") == "title"
    assert slides.step(deck, 3, "first") == "title" and slides.step(deck, 3, "last") == deck[-1].key
    assert slides.step(deck, len(deck) - 1, "next") == deck[-1].key


def test_a_village_has_no_priority_or_child_slides(registry):
    village = registry.children(registry.children("53.02")[0])[0]
    assert [s.key for s in slides.deck(registry, village, include_children=True)] == ["title", "map", "figures", "cost"]


def test_resolve_unknown_key_and_direct_child_link(registry):
    deck, i, children, notices = slides.resolve(registry, NTT, {"slide": "nope"})
    assert i == 0 and deck[0].key == "title" and not children
    assert [n.key for n in notices] == ["present.notice.unknown_slide"] and "nope" in notices[0].message("id")
    deck, i, children, notices = slides.resolve(registry, NTT, {"slide": "child-53.02"})
    assert deck[i].key == "child-53.02" and children and not notices
    deck, i, children, notices = slides.resolve(registry, NTT, {"slide": "child-61.01"})  # not a child of NTT
    assert i == 0 and notices
    assert slides.query({"region": NTT}, "figures", True) == {"region": NTT, "slide": "figures", "children": "1"}


def test_each_kind_of_slide_names_the_sources_of_what_it_shows(demo_figures):
    assert slides.slide_pairs("map", "extreme_poverty") == ("extreme_poverty",)
    assert slides.slide_pairs("figures") == ("ucj", "extreme_poverty", "vulnerable")
    assert slides.slide_pairs("priority", coverage="vulnerable") == ("vulnerable", "extreme_poverty", "extreme_poor_workers")
    assert slides.slide_pairs("cost") == ("vulnerable", "extreme_poor_workers")
    assert len(slides.slide_pairs("title")) == 4
    lines = slides.source_lines(demo_figures, "map", "2024-07", "id", metric_pair="ucj")
    assert lines == [html.unescape(ucj_line("Jul 2024", "Agu 2023"))]


def test_missing_figures_are_dashes_not_zero(demo_figures):
    row = mapview.region_row(demo_figures, "99", demo_figures.latest_period, Settings())  # no such region: all NaN
    figures = slides.key_figures(row, "99", Settings(), "id")
    assert [f.value for f in figures] == [fmt.NO_DATA] * 4
    assert all(line.monthly == fmt.NO_DATA and line.yearly == fmt.NO_DATA for line in slides.cost_lines(row, Settings(), "id"))
    assert not any(line.known for line in slides.cost_lines(row, Settings(), "id"))


def test_priority_slide_lists_no_region_without_figures(demo_figures, registry):
    """Children that lack every figure the rule uses are not "priorities" 1, 2, 3…: the list is empty."""
    from ucj_dash.analysis.priority import Rule

    children = mapview.children_table(demo_figures, registry, NTT, demo_figures.latest_period, Settings())
    items = slides.priority_items(children, Settings(), Rule(), "id")
    assert len(items) == slides.PRIORITY_TOP and [i.rank for i in items] == list(range(1, slides.PRIORITY_TOP + 1))
    blank = children.assign(**{c: float("nan") for c in ("extreme_poverty_rate_pct", "uncovered_extreme_poor_workers",
                                                           "uncovered_vulnerable_workers")})
    assert slides.priority_items(blank, Settings(), Rule(), "id") == []


# ---- the page


def _open(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/present.py").run()
    assert not at.exception, at.exception
    return at


def _param(at: AppTest, key: str):
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def _html(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown if "ucj-present-css" not in m.value)


def _counter(at: AppTest) -> str:
    text = _html(at)
    start = text.index('data-testid="ucj-slide-counter">') + len('data-testid="ucj-slide-counter">')
    return text[start:text.index("</div>", start)]


def test_title_slide_shows_region_period_dataset_and_simulated_label(demo_figures):
    at = _open(region=NTT, slide="title")
    text = _html(at)
    assert "<h1>Nusa Tenggara Timur</h1>" in text
    assert 'data-testid="ucj-sim-big"' in text and SIMULATED in text
    assert f"Periode data: {demo_figures.latest_period}" in text
    assert f"Dataset: {html.escape(demo_figures.meta.name, quote=False)}" in text  # the summary of the sources
    # the source and period of each figure: participants of December, Sakernas of August, BPS poverty of March
    assert ucj_line() in text
    poverty = html.escape(name_of("demo-kemiskinan"), quote=False)
    assert f"Kemiskinan ekstrem — pembilang: {poverty}, Mar 2024 · penyebut: {poverty}, Mar 2024" in text
    assert "Aparat desa terdaftar — pembilang: " in text
    assert _counter(at) == "1 / 5"


def test_no_slide_parameter_opens_the_title_and_names_it_in_the_url():
    at = _open(region=NTT)
    assert _counter(at) == "1 / 5" and "<h1>Nusa Tenggara Timur</h1>" in _html(at)
    assert _param(at, "slide") == "title" and _param(at, "region") == NTT


def test_figures_slide_shows_coverage_as_formatted(demo_figures):
    at = _open(region=NTT, slide="figures")
    row = mapview.region_row(demo_figures, NTT, demo_figures.latest_period, Settings())
    text = _html(at)
    assert "Angka kunci — Nusa Tenggara Timur" in text
    assert f'<div class="ucj-fig-value">{fmt.percent(row["ucj_coverage_pct"], "id")}</div>' in text
    assert f'<div class="ucj-fig-value">{fmt.percent(row["extreme_poverty_rate_pct"], "id", 2)}</div>' in text
    assert "Baseline 0,83% (BPS" in text and "Maret 2024" in text  # constants with their source
    assert ucj_line() in text and "Kemiskinan ekstrem — pembilang: " in text
    assert "Aparat desa terdaftar" not in text  # not a figure of this slide
    assert _counter(at) == "3 / 5"


def test_a_kecamatan_figures_slide_says_why_coverage_is_missing():
    """Sakernas gives employed workers by kabupaten: a kecamatan's UCJ coverage is "—", with the reason."""
    at = _open(region="53.02.02", slide="figures")
    text = _html(at)
    assert f'<div class="ucj-fig-value">{fmt.NO_DATA}</div>' in text
    assert "Cakupan UCJ: penyebut hanya tersedia sampai tingkat kabupaten/kota" in text


def test_map_slide_names_the_source_of_its_metric():
    at = _open(region=NTT, slide="map", metric="extreme_poverty")
    text = _html(at)
    poverty = html.escape(name_of("demo-kemiskinan"), quote=False)
    assert f"Kemiskinan ekstrem — pembilang: {poverty}, Mar 2024" in text
    assert html.escape(name_of("demo-sakernas"), quote=False) not in text


@pytest.mark.parametrize("key", BASE)
def test_every_slide_is_labelled_simulated(key):
    at = _open(region=NTT, slide=key)
    text = _html(at)
    assert 'data-testid="ucj-slide-sim">' + SIMULATED in text
    assert _counter(at) == f"{BASE.index(key) + 1} / 5"
    assert _param(at, "slide") == key


def test_priority_and_cost_slides(demo_figures):
    at = _open(region=NTT, slide="priority")
    text = _html(at)
    assert text.count("<tr data-code=") == 8 and "kemiskinan ekstrem" in text
    at = _open(region=NTT, slide="cost")
    text = _html(at)
    assert "Biaya menutup kesenjangan — Nusa Tenggara Timur" in text
    assert "Rp 16.800 per pekerja per bulan" in text and "PP 44/2015" in text
    # the cost rests on the vulnerable and extreme-poor workers (participants' source), not on Sakernas
    assert "Cakupan pekerja rentan — pembilang: " in text and "Cakupan pekerja miskin ekstrem — pembilang: " in text
    assert html.escape(name_of("demo-sakernas"), quote=False) not in text
    row = mapview.region_row(demo_figures, NTT, demo_figures.latest_period, Settings())
    yearly = fmt.rupiah(row["uncovered_vulnerable_workers"] * 16_800 * 12, "id")
    assert f'<td class="ucj-num">{yearly}</td>' in text


def test_unknown_slide_falls_back_to_title_with_notice():
    at = _open(region=NTT, slide="nope")
    assert any("nope" in i.value for i in at.info)
    assert "<h1>Nusa Tenggara Timur</h1>" in _html(at)
    assert _counter(at) == "1 / 5"
    assert _param(at, "slide") == "title"  # the link is repaired


def test_children_adds_one_slide_per_child(registry):
    n = len(BASE) + len(registry.children(NTT))
    at = _open(region=NTT, children="1")
    assert _counter(at) == f"1 / {n}"
    assert at.toggle(key="present_children_w").value is True
    at = _open(region=NTT, slide="child-53.02", children="1")
    text = _html(at)
    assert "<h1>Kabupaten Timor Tengah Selatan</h1>" in text and "2 dari 22" in text
    assert _counter(at) == f"{len(BASE) + 2} / {n}"


def test_a_link_to_a_child_slide_turns_the_walkthrough_on(registry):
    at = _open(region=NTT, slide="child-53.02")
    assert "<h1>Kabupaten Timor Tengah Selatan</h1>" in _html(at)
    assert _param(at, "children") == "1"


def test_buttons_step_and_write_the_slide_key():
    at = _open(region=NTT, slide="figures")
    at.button(key="present_next").click().run()
    assert not at.exception
    assert _param(at, "slide") == "priority" and _counter(at) == "4 / 5"
    at.button(key="present_prev").click().run()
    at.button(key="present_prev").click().run()
    assert _param(at, "slide") == "map" and _counter(at) == "2 / 5"
    assert _param(at, "region") == NTT
    assert at.button(key="present_first").disabled is False
    at.button(key="present_first").click().run()
    assert _param(at, "slide") == "title" and at.button(key="present_prev").disabled


def test_toggle_children_off_on_a_child_slide_goes_to_the_last_slide():
    at = _open(region=NTT, slide="child-53.02", children="1")
    at.toggle(key="present_children_w").set_value(False).run()
    assert not at.exception
    assert _param(at, "slide") == "cost" and _param(at, "children") is None
    assert _counter(at) == "5 / 5"


def test_village_deck_and_english():
    at = _open(region="53.02.02.2001", children="1", lang="en", slide="figures")
    text = _html(at)
    assert _counter(at) == "3 / 4"
    assert "Key figures — " in text and "Simulated data / data simulasi" in text
    assert not at.get("toggle")  # a village has no child regions to walk through


@pytest.mark.parametrize("region", [None, "53.02.02"])
def test_every_slide_renders_for_the_nation_and_a_kecamatan(region, registry):
    at = _open(**({"region": region} if region else {}), children="1")
    n = len(slides.deck(registry, region or "ID", include_children=True))
    assert _counter(at) == f"1 / {n}"
    for i in range(len(BASE) + 1):  # the base slides and the first child
        text = _html(at)
        assert _counter(at) == f"{i + 1} / {n}" and SIMULATED in text, text[:300]
        at.button(key="present_next").click().run()
        assert not at.exception, at.exception


# ---- the funding-plan slide


def test_the_plan_slide_comes_after_the_cost_slide_when_the_link_asks_for_it(registry):
    assert [s.key for s in slides.deck(registry, NTT, include_plan=True)] == BASE + ["plan"]
    full = slides.deck(registry, NTT, include_children=True, include_plan=True)
    assert [s.key for s in full[:6]] == BASE + ["plan"] and full[6].key == "child-53.01"
    village = registry.children(registry.children("53.02")[0])[0]
    assert [s.key for s in slides.deck(registry, village, True, True)] == ["title", "map", "figures", "cost", "plan"]
    assert not slides.wants_plan({"region": NTT, "slide": "cost"})
    for params in ({"slide": "plan"}, {"plan": "1"}, {"goal": "target"}, {"years": "2026-2028"}):
        assert slides.wants_plan(params), params
    deck, i, children, notices = slides.resolve(registry, NTT, {"slide": "plan"})
    assert deck[i].key == "plan" and i == 5 and not children and not notices
    assert slides.plan_params({"region": NTT, "slide": "plan", "goal": "target", "lang": "en"}) == {"goal": "target", "plan": "1"}
    assert slides.plan_params({"region": NTT, "slide": "cost"}) == {}
    assert slides.query({"region": NTT}, "plan", False, {"plan": "1", "goal": "target"}) == {
        "region": NTT, "slide": "plan", "plan": "1", "goal": "target"}


def test_plan_slide_sources_are_the_goals_and_ucj_coverage(demo_figures):
    assert slides.slide_pairs("plan") == ("vulnerable", "ucj")
    assert slides.slide_pairs("plan", goal="target") == ("ucj",)
    assert slides.slide_pairs("plan", goal="extreme-poor") == ("extreme_poor_workers", "ucj")


def _slide_html(at: AppTest) -> str:
    text = _html(at)
    start = text.index('data-slide="plan"')
    return text[start:text.index('data-testid="ucj-slide-sources"', start)]


def _default_plan(demo_figures, registry, code: str, **changes):
    """The plan the slide shows without plan parameters, computed here with the defaults spelled out."""
    args = {"goal": "vulnerable", "years": "2026-2029", "package": "jkk-jkm", "split": "apbd_kab=100", "phasing": "linear",
            **changes}
    return funding_plan(demo_figures, registry, code, period=demo_figures.latest_period, **args)


def funding_plan(*args, **kw):
    from ucj_dash.analysis import funding

    return funding.plan(*args, **kw)


def test_default_plan_slide_shows_workers_cost_per_year_split_unfunded_and_sources(demo_figures, registry):
    at = _open(region="53.02", slide="plan")
    plan = _default_plan(demo_figures, registry, "53.02")
    text, slide = _html(at), _slide_html(at)
    assert _counter(at) == "6 / 6" and _param(at, "slide") == "plan" and _param(at, "plan") == "1"
    assert "<h2>Rencana pendanaan — Kabupaten Timor Tengah Selatan (53.02)</h2>" in slide
    assert "Melindungi semua pekerja rentan · 2026–2029" in slide and "rencana bawaan" in slide
    assert f'<div class="ucj-fig-value">{fmt.number(plan.workers_to_enrol, "id")}</div>' in slide
    assert f'<div class="ucj-fig-value">{fmt.rupiah(plan.cost_total_rupiah, "id")}</div>' in slide
    for year in plan.by_year:
        row = (f'<tr data-year="{year.year}"><td>{year.year}</td><td class="ucj-num">{fmt.number(year.new_workers, "id")}</td>'
               f'<td class="ucj-num">{fmt.number(year.workers, "id")}</td><td class="ucj-num">{fmt.rupiah(year.cost_rupiah, "id")}</td>'
               f'<td class="ucj-num">{fmt.percent(year.coverage_pct, "id")}</td><td class="ucj-num">Rp 0</td></tr>')
        assert row in slide, row
    assert '<tr data-source="apbd_kab"><td class="ucj-name">APBD kabupaten/kota</td>' in slide
    assert f'<td class="ucj-num">{fmt.rupiah(plan.cost_total_rupiah, "id")}</td><td class="ucj-num">100,0%</td>' in slide
    assert '<tr data-source="unfunded"><td class="ucj-name">Belum terdanai</td><td></td><td class="ucj-num">Rp 0</td>' in slide
    # the sources of what it shows: vulnerable workers (persons to enrol) and UCJ coverage (reached), the label
    assert "Cakupan pekerja rentan — pembilang: " in text and ucj_line() in text
    assert 'data-testid="ucj-slide-sim">' + SIMULATED in text


def test_the_plan_slide_stays_in_the_deck_while_stepping(demo_figures):
    at = _open(region="53.02", slide="plan", goal="target")
    at.button(key="present_prev").click().run()
    assert not at.exception
    assert _param(at, "slide") == "cost" and _counter(at) == "5 / 6"
    assert _param(at, "plan") == "1" and _param(at, "goal") == "target"  # the plan travels with the deck
    at.button(key="present_last").click().run()
    assert _param(at, "slide") == "plan" and "Mencapai target cakupan UCJ 52,15%" in _slide_html(at)
    assert "slide=plan" in _html(at) and "goal=target" in _html(at)  # the link to this slide keeps the plan


def test_plan_slide_shows_the_plan_of_the_planner_link_in_english(demo_figures, registry):
    at = _open(region="53.02", slide="plan", goal="target", years="2026-2027", apbd_prov="30", csr="Rp5000000", lang="en")
    plan = _default_plan(demo_figures, registry, "53.02", goal="target", years="2026-2027",
                         split="apbd_prov=30,csr=Rp5000000")
    slide = _slide_html(at)
    assert "Funding plan — Kabupaten Timor Tengah Selatan (53.02)" in slide and "the plan of the link" in slide
    assert "Reach the UCJ coverage target of 52.15% · 2026–2027" in slide
    assert f'<div class="ucj-fig-value">{fmt.rupiah(plan.unfunded_rupiah, "en")}</div>' in slide
    assert [y.year for y in plan.by_year] == [2026, 2027] and plan.unfunded_rupiah > 0
    assert f'<td class="ucj-num">{fmt.rupiah(plan.by_source["apbd_prov"], "en")}</td><td class="ucj-num">30.0%</td>' in slide
    assert "CSR (corporate social responsibility)" in slide and "Rp5.0 million a year (fixed)" in slide
    assert html.escape(next(n["en"] for n in plan.notes if n["key"] == "plan.note.unfunded")) in slide


def test_plan_slide_escapes_the_link_and_names_a_bad_value(demo_figures):
    evil = '<img src=x onerror="alert(1)">'
    at = _open(region="53.02", slide="plan", goal=evil, years="2020-2021")
    assert not at.exception
    assert "<img" not in "\n".join(m.value for m in at.markdown)  # the HTML blocks
    notices = "\n".join(i.value for i in at.info)  # Markdown: the value is shown as text, never as a tag
    assert "\\<img" in notices and "<img" not in notices.replace("\\<img", "")
    assert "goal" in notices and "2020" in notices
    assert 'data-slide="plan"' in _html(at)  # the slide is still shown, on the defaults


def test_plan_slide_without_data_says_why_not_rp0():
    at = _open(region="53.02.02", slide="plan", goal="target")  # employed workers are by kabupaten only
    slide = _slide_html(at)
    assert 'data-testid="ucj-plan-no-data"' in slide and "Tidak ada data" in slide
    assert "Rp 0" not in slide and "ucj-fig-value" not in slide


def test_the_map_slide_s_legend_steps_to_the_region_s_own_target(demo_figures):
    """The classes step up to the target of the region whose children are drawn (here its own, 20%), in the
    legend as in the map's colours."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["region_targets"] = {"53": 20.0}
    at.query_params["region"] = "53"
    at.query_params["slide"] = "map"
    at.run()
    at.switch_page("pages/present.py").run()
    assert not at.exception, at.exception
    legend = next(m.value for m in at.markdown if "ucj-legend" in m.value)
    steps = [fmt.percent(20.0 * share, "id", 1) for share in (0.2, 0.4, 0.6, 0.8)]  # 4,0% … 16,0%
    assert all(step.rstrip("%") in legend for step in steps), legend
