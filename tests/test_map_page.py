"""The map page in Streamlit's AppTest: every metric, every level, URL parameters, labels."""

from pathlib import Path

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
    at = _run(lang="en", period="2023-03")
    text = _text(at)
    assert "Key figures: Indonesia (2023-03)" in text
    assert "Simulated data / data simulasi" in text
    assert at.select_slider(key="period_w").value == "2023-03"


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


def test_partial_dataset_says_how_much_it_covers(tmp_path, monkeypatch, demo_dataset):
    from ucj_dash.datasets import store
    from ucj_dash.datasets.dataset import Dataset, DatasetMeta

    monkeypatch.setenv("UCJ_DATA_DIR", str(tmp_path))
    store.save(demo_dataset)
    figures = demo_dataset.figures
    part = figures[figures["region_code"].str.startswith("53.02.")]
    store.save(Dataset(DatasetMeta("ntt-tts", "TTS only", "Dinas X", "2024-12", False), part))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["dataset_id"] = "ntt-tts"
    at.query_params["region"] = "53"
    at.run()
    assert not at.exception
    assert any("Data mencakup 1 dari 22 Kabupaten/Kota" in c.value for c in at.caption)
    assert not any("Data simulasi" in w.value for w in at.warning)
    df = at.dataframe[0].value
    assert df["Cakupan UCJ (%)"].notna().sum() == 1  # the other 21 are no data, not zero
