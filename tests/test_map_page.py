"""The map page in Streamlit's AppTest: every metric, every level, URL parameters, labels."""

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")

from ucj_dash.analysis.indicators import METRICS


def _run(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]
    parts += [h.value for h in at.subheader] + [i.value for i in at.info] + [m.label for m in at.metric]
    return "\n".join(parts)


@pytest.mark.parametrize("metric", list(METRICS))
def test_each_metric_renders_with_legend_no_data_and_simulated_label(metric):
    at = _run(metric=metric)
    text = _text(at)
    assert "Data simulasi / simulated data" in text
    legend = next(m.value for m in at.markdown if "ucj-legend" in m.value)
    assert "Tidak ada data" in legend and "Data simulasi" in legend
    assert at.selectbox(key="metric_w").value == metric


@pytest.mark.parametrize(
    "region, heading",
    [
        (None, "Provinsi di Indonesia"),
        ("53", "Kabupaten/Kota di Nusa Tenggara Timur"),
        ("53.02", "Kecamatan di Kabupaten Timor Tengah Selatan"),
        ("53.02.02", "Desa/Kelurahan di "),
        ("53.02.02.2001", "Desa/Kelurahan di "),
    ],
)
def test_each_level(region, heading, registry):
    at = _run(**({"region": region} if region else {}))
    subheaders = [h.value for h in at.subheader]
    assert any(h.startswith(heading) for h in subheaders), subheaders
    focus = registry.name(region) if region else "Indonesia"
    assert any(h.startswith(f"Angka kunci: {focus}") for h in subheaders)
    df = at.dataframe[0].value
    parent = region[:8] if region and len(region) > 8 else (region or "ID")
    assert len(df) == len(registry.children(parent))


def test_key_figures_national():
    at = _run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Cakupan UCJ"].endswith("%") and metrics["Cakupan UCJ"].startswith("36,")
    assert metrics["Kemiskinan ekstrem"] == "0,83%"


def test_english_switch_and_period():
    at = _run(lang="en", period="2024-03")
    text = _text(at)
    assert "Key figures: Indonesia (2024-03)" in text
    assert "Simulated data / data simulasi" in text
    assert at.select_slider(key="period_w").value == "2024-03"
    # March's coverage rests on the Sakernas of the August before: the source line says which months
    assert "denominator: Simulasi BPS Sakernas" in text and "Aug 2023" in text and "Mar 2024" in text


def test_broken_parameters_fall_back_to_national_view_with_notice():
    at = _run(region="99.99", metric="nope", period="1900-01")
    infos = "\n".join(i.value for i in at.info)
    assert "99.99" in infos and "nope" in infos and "1900-01" in infos
    assert any(h.value.startswith("Provinsi di Indonesia") for h in at.subheader)


def test_villages_without_boundary_are_listed_with_a_note(manifest):
    missing = manifest["villages_without_boundary"][0]
    at = _run(region=missing[:8])
    df = at.dataframe[0].value
    row = df[df["Kode"] == missing]
    assert len(row) == 1 and row["Catatan"].iloc[0] == "tanpa batas peta"
    assert any("tidak memiliki batas di peta" in c.value for c in at.caption)


def test_search_finds_and_jumps():
    at = _run()
    at.text_input(key="search_q").input("timor tengah selatan").run()
    pick = at.selectbox(key="search_pick")
    assert pick.options[0].startswith("Kabupaten Timor Tengah Selatan")
    pick.select_index(0).run()
    assert at.query_params["region"] == ["53.02"] or at.query_params["region"] == "53.02"
    assert any(h.value.startswith("Kecamatan di Kabupaten Timor Tengah Selatan") for h in at.subheader)


def test_about_page_attributes_sources():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/about.py").run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "cahya dsn" in text and "MIT" in text and "3c5a7960f4d2" in text


def _partial_kab(data_dir):
    """A stored dataset of TTS (53.02) villages: employed workers and participants, employed missing in
    every third village (so the kabupaten's rate rests on two thirds of its villages)."""
    import numpy as np
    import pandas as pd

    from ucj_dash import cli
    from ucj_dash.datasets import store
    from ucj_dash.datasets.dataset import DatasetMeta

    villages = cli.registry().descendants("53.02", 4)
    employed = np.where(np.arange(len(villages)) % 3 == 0, np.nan, 1000.0)
    figures = pd.DataFrame({"region_code": villages, "period": "2024-12", "employed_workers": employed, "active_participants": 400.0})
    store.save(DatasetMeta("ntt-tts", "TTS saja", "Dinas X", "2024-12", False), figures)
    return villages, employed


def test_partial_dataset_says_how_much_it_covers(demo_store):
    villages, employed = _partial_kab(demo_store)
    at = _run(region="53", src="p:ntt-tts,w:ntt-tts")
    with_both = int((~np.isnan(employed)).sum())
    # the province's rate rests on the villages of the one kabupaten that has both figures
    assert any(f"Cakupan UCJ: berdasarkan {with_both} dari {len(villages)} desa/kelurahan berdata" in c.value for c in at.caption)
    assert any("pembilang: TTS saja, Des 2024 · penyebut: TTS saja, Des 2024" in c.value for c in at.caption)
    df = at.dataframe[0].value
    assert df["Cakupan UCJ (%)"].notna().sum() == 1  # the other 21 are no data, not zero
    # 400 of 1000 in every village with both figures: 40%, not (400 × all) / (1000 × two thirds)
    assert df.loc[df["Kode"] == "53.02", "Cakupan UCJ (%)"].iloc[0] == pytest.approx(40.0)
    at = _run(region="53.02", src="p:ntt-tts,w:ntt-tts")
    assert any(f"berdasarkan {with_both} dari {len(villages)} desa/kelurahan berdata" in c.value for c in at.caption)
    assert at.metric[0].value == "40,0%"


def test_a_composition_in_the_url_shows_the_same_figures_in_a_new_session(demo_store):
    _partial_kab(demo_store)
    first = _run(region="53.02", src="w:ntt-tts")  # participants from the demo, employed workers from ntt-tts
    again = _run(region="53.02", src="w:ntt-tts")
    default = _run(region="53.02")
    assert [m.value for m in first.metric] == [m.value for m in again.metric]
    assert first.metric[0].value != default.metric[0].value
    assert "TTS saja, Des 2024" in _text(first) and "Simulasi peserta BPJS" in _text(first)
    gone = _run(region="53.02", src="w:dihapus-123,p:")
    infos = "\n".join(i.value for i in gone.info)
    assert "dihapus-123" in infos and "p:" in infos
    assert [m.value for m in gone.metric] == [m.value for m in default.metric]  # the default sources, not zeros


def test_below_the_denominators_level_the_rate_is_missing_with_the_reason():
    at = _run(region="53.02.05")  # a kecamatan: Sakernas gives employed workers by kabupaten only
    assert at.metric[0].value == "—"
    assert any("penyebut hanya tersedia sampai tingkat kabupaten/kota" in c.value for c in at.caption)


def test_an_import_from_the_command_line_shows_on_the_next_rerun_of_every_page(demo_store):
    """The app caches figures by each dataset's current version: an append by another process (the CLI)
    is on screen at the next rerun of an open session, on the map, profile and priority pages."""
    import subprocess
    import sys

    villages, _ = _partial_kab(demo_store)
    src = "p:ntt-tts,w:ntt-tts"
    sessions = {}
    for page in ("pages/map.py", "pages/profile.py", "pages/priority.py"):
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params.update({"region": "53.02", "src": src})
        at.run()
        if page != "pages/map.py":
            at.switch_page(page).run()
        assert not at.exception
        sessions[page] = at
    assert [m.value for m in sessions["pages/map.py"].metric][0] == "40,0%"
    head = "region_code;period;employed_workers;active_participants"
    csv = demo_store / "januari.csv"
    csv.write_text("\n".join([head, f"{villages[1]};2025-01;1000;900"]) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "ucj_dash", "import", str(csv), "--append-to", "ntt-tts",
                           "--as-of", "2025-01-31", "--yes"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for page, at in sessions.items():
        at.run()
        assert not at.exception
        text = _text(at) + "\n".join(str(s.options) for s in at.selectbox) + str([s.options for s in at.select_slider])
        assert "2025-01" in text, page  # the new month is offered (and shown: it is the latest now)
    # the map now shows January: one village with both figures, 900 of 1,000
    assert sessions["pages/map.py"].metric[0].value == "90,0%"


def test_a_view_in_one_class_says_so_and_shows_the_spread_in_one_click(demo_store):
    """Kecamatan of TTS all between 38% and 41% covered: one "steps to target" class (31,3 – < 41,7%); the
    legend says so, and one click shows quantiles, which tell them apart."""
    import pandas as pd

    from ucj_dash import cli
    from ucj_dash.datasets import store
    from ucj_dash.datasets.dataset import DatasetMeta

    villages = cli.registry().descendants("53.02", 4)
    active = 380.0 + (np.arange(len(villages)) % 4) * 10  # 38, 39, 40, 41 % of 1,000 employed
    store.save(DatasetMeta("ntt-flat", "TTS rata", "Uji", "2024-12", False),
               pd.DataFrame({"region_code": villages, "period": "2024-12", "employed_workers": 1000.0, "active_participants": active}))
    at = _run(region="53.02", src="p:ntt-flat,w:ntt-flat")
    n = len(cli.registry().children("53.02"))
    legend = next(m.value for m in at.markdown if "ucj-legend" in m.value)
    assert f"Semua {n} wilayah berada dalam satu kelas" in legend and "tahapan menuju target 52,15%" in legend
    at.button(key="show_spread").click().run()
    assert not at.exception and at.query_params["classes"] in ("quantiles", ["quantiles"])
    legend = next(m.value for m in at.markdown if "ucj-legend" in m.value)
    assert "satu kelas" not in legend and "kuantil" in legend
    assert not [b for b in at.button if b.key == "show_spread"]


def test_progress_since_a_chosen_period_and_the_most_improved(demo_figures, registry):
    """The change metric is this month's coverage minus the compared month's (percentage points), per region;
    the most-improved list holds the five largest changes, computed here from the two months' figures."""
    at = _run(region="53", metric="ucj_change", since="2024-06")
    assert at.selectbox(key="since_w").value == "2024-06"
    kabs = registry.children("53")

    def coverage(period):
        rows = demo_figures.at(period).reindex(kabs)
        return rows["ucj__part"] / rows["ucj__whole"] * 100

    change = (coverage("2024-12") - coverage("2024-06")).dropna().sort_values(ascending=False)
    improved = next(d.value for d in at.dataframe  # the most-improved list: rank, name, change, coverage
                    if list(d.value.columns) == ["#", "Wilayah", "Perubahan cakupan UCJ (poin)", "Cakupan UCJ (%)"])
    names = [registry.name(c) for c in change.index[:5]]
    assert improved["Wilayah"].tolist() == names
    assert improved["Perubahan cakupan UCJ (poin)"].tolist() == pytest.approx(change.iloc[:5].tolist())
    legend = next(m.value for m in at.markdown if "ucj-legend" in m.value)
    assert "berpusat pada 0" in legend
    focus = coverage("2024-12").sum()  # (the province's own change is in the coverage metric's delta)
    assert focus > 0 and any("sejak 2024-06" in str(m.delta) for m in at.metric)
    bad = _run(since="1999-01")
    assert any("1999-01" in i.value for i in bad.info)


def _source_boxes(at: AppTest) -> dict[str, str]:
    return {box.key: box.value for box in at.selectbox if str(box.key).startswith("src_")}


def test_the_sources_show_their_datasets_once_opened(demo_store):
    _partial_kab(demo_store)
    at = _run(region="53.02")
    assert _source_boxes(at) == {}  # closed: its selectboxes are not made
    at.session_state["sources_box"] = True  # opened
    at.run()
    assert _source_boxes(at) == {"src_participants": "demo-peserta", "src_workers": "demo-sakernas",
                                 "src_vulnerable": "demo-peserta", "src_poverty": "demo-kemiskinan",
                                 "src_officials": "demo-aparat-desa"}
    chosen = _run(region="53.02", src="w:ntt-tts")  # a link with chosen sources opens them
    assert _source_boxes(chosen)["src_workers"] == "ntt-tts"


def test_a_session_holds_no_more_state_after_many_regions_than_after_one():
    """Nothing kept per region visited: the state of a kabupaten view is as large after twelve views as after one."""
    at = _run(region="53.02")
    first = len(at.session_state.to_dict())
    for region in ("11", "11.01", "11.01.01", "12", "12.01", "32", "32.01", "32.01.01", "53", "53.01", "53.01.01"):
        at.query_params["region"] = region
        at.run()
    at.query_params["region"] = "53.03"
    at.run()
    assert not at.exception
    assert len(at.session_state.to_dict()) == first, sorted(at.session_state.to_dict())
