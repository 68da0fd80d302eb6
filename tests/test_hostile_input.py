"""Hostile links and dataset texts show literally on every page: no live link, image or HTML.

Each page is opened with every URL parameter it reads set to one payload, and with a stored
dataset whose name, source, as-of and description are payloads; :mod:`tests.hostile` checks
every Markdown text, label and tooltip of the run.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.hostile import PAYLOADS, hostile_items, shown, shown_text
from ucj_dash.datasets import composition, store
from ucj_dash.datasets.dataset import DatasetMeta
from ucj_dash.text.i18n import t

APP = str(Path(__file__).resolve().parent.parent / "app.py")
SHARED = ("region", "metric", "period", "lang", "classes")
#: page: the URL parameters it reads beside the shared view
PAGES = {
    "pages/map.py": (),
    "pages/profile.py": ("cov",),
    "pages/priority.py": ("plevel",),
    "pages/present.py": ("slide", "children"),
    "pages/planner.py": ("goal", "pkg", "years", "phase", "apbd_prov", "csr", "vbudget", "vbsrc", "bshare", "model", "q_ep",
                         "grant"),
    "pages/methodology.py": (),
    "pages/about.py": (),
    "pages/data.py": (),
}
#: page: a widget key or title only it shows
MARKS = {
    "pages/map.py": "metric_w",
    "pages/profile.py": "cov_w",
    "pages/priority.py": "plevel_w",
    "pages/present.py": "present_next",
    "pages/planner.py": "pl_goal",
    "pages/methodology.py": "set_ucj_target_pct",
    "pages/about.py": t("page.about", "id"),
    "pages/data.py": "template_csv",
}
#: pages that say which link parameters they ignored
NOTICE_PAGES = ("pages/map.py", "pages/profile.py", "pages/priority.py", "pages/present.py", "pages/planner.py")


@pytest.fixture(autouse=True)
def private_mode(monkeypatch):
    """The data page shows itself, not a login form."""
    for name in ("UCJ_PUBLIC_MODE", "UCJ_ADMIN_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def _open(page: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if page != "pages/map.py":  # the default page
        at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    assert MARKS[page] in _marks(at), f"{page} did not run"
    return at


def _marks(at: AppTest) -> set[str]:
    """Keys of the widgets and texts of the titles the last run shows."""
    out = set()

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            out.add(child.value if getattr(child, "type", "") == "title" else getattr(child, "key", None))
            walk(child)

    walk(at._tree)
    return out


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("page", list(PAGES))
def test_hostile_link_parameters_show_literally(page, payload):
    at = _open(page, {key: payload for key in SHARED + PAGES[page]})
    assert hostile_items(at) == []
    if page in NOTICE_PAGES:  # a notice for each shared parameter names the value, as typed
        assert shown(at).count(payload) >= len(SHARED), shown(at)


def test_hostile_search_text_shows_literally():
    at = _open("pages/map.py")
    for payload in PAYLOADS:
        at.text_input(key="search_q").input(payload).run()
        assert hostile_items(at) == []
        assert any(payload in shown_text(c.value) for c in at.caption), payload


# ---- a stored dataset whose texts are payloads

DATASET_ID = "hostile-texts"
NAME = "[Login](https://evil.example) <img src=https://evil.example/x.png>"
SOURCE = "![x](https://evil.example/x.png)\n\n<img src=https://evil.example/x.png>"
AS_OF = "<script>alert(1)</script>"
DESCRIPTION = "javascript:alert(1)\n# [Login](https://evil.example) www.evil.example"


def _literal(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def hostile_store(demo_store):
    """A temporary store: the built demo sources, and a dataset with the demo's participants of NTT (53) and
    hostile texts, the default source of participants and vulnerable workers."""
    rows = store.load("demo-peserta").at("2024-12")
    villages = rows[(rows["level"] == 4) & rows.index.str.startswith("53.")]
    figures = villages[list(store.load("demo-peserta").columns())].rename_axis("region_code").reset_index().assign(period="2024-12")
    meta = DatasetMeta(DATASET_ID, NAME, SOURCE, AS_OF, False, DESCRIPTION)
    store.save(meta, figures)
    composition.use_everywhere(DATASET_ID)
    return demo_store


@pytest.mark.parametrize(
    "page, texts",
    [
        ("pages/map.py", (NAME,)),
        ("pages/profile.py", (NAME,)),
        ("pages/priority.py", (NAME,)),
        ("pages/present.py", (NAME,)),
        ("pages/planner.py", (NAME,)),
        ("pages/about.py", (NAME, SOURCE, DESCRIPTION)),
    ],
)
def test_dataset_texts_show_literally(hostile_store, page, texts):
    at = _open(page, {"region": "53"})
    assert hostile_items(at) == []
    for text in texts:
        assert _literal(text) in shown(at), text
    for component in at.get("component_instance"):  # the map's tooltips are HTML
        args = component.proto.json_args  # the map's script, JSON in JSON: "<" may be written \u003c
        assert "lt;img src=https://evil.example/x.png" in args  # the source of the figures, escaped, in every tooltip
        args = re.sub(r"\\+u003c", "<", args, flags=re.IGNORECASE)
        assert "<img src=https://evil" not in args and "<script>alert" not in args


def test_data_page_lists_dataset_texts_as_plain_text(hostile_store):
    at = _open("pages/data.py")
    stored = next(d.value for d in at.dataframe if "Sumber bawaan untuk" in d.value.columns)  # the stored datasets
    cells = stored.astype(str).to_numpy().ravel().tolist()
    assert {NAME, SOURCE, AS_OF} <= set(cells)  # table cells are plain text: not escaped
    assert f"{NAME} ({DATASET_ID})" in at.selectbox(key="default_participants").options
    at.selectbox(key="delete_pick").select(DATASET_ID)
    at.button(key="delete_ask").click().run()
    assert hostile_items(at) == []
    assert any(NAME in shown_text(w.value) for w in at.warning)


def test_uploaded_file_name_shows_literally(hostile_store):
    file_name = "[Login](https:evil.example).csv"
    head = "region_code;region_name;period;employed_workers;active_participants"
    rows = [head, "5302052001;Taebesa;2024-12;1163;1200", "5302052002;Nakfunu;2024-12;842;149"]
    at = _open("pages/data.py")
    at.get("file_uploader")[0].upload(file_name, ("\r\n".join(rows) + "\r\n").encode(), "text/csv").run()
    assert not at.exception
    assert hostile_items(at) == []
    assert any(file_name in shown_text(c.value) for c in at.caption)
    at.text_input(key="meta_source").input("BPJS Ketenagakerjaan")
    at.text_input(key="meta_as_of").input("2024-12-31")
    at.checkbox(key="confirm_warnings").check().run()
    at.button(key="do_import").click().run()
    assert not at.exception
    assert hostile_items(at) == []
    assert any("[Login](https:evil.example)" in shown_text(s.value) for s in at.success)


# ---- region names as payloads (the build's registry, its names changed for the test)

HOSTILE_KABUPATEN = "53.02"
KABUPATEN_NAME = "[Login](https://evil.example) <img src=https://evil.example/x.png>"
KECAMATAN_NAME = "![x](https://evil.example/x.png) <script>alert(1)</script>"


@pytest.fixture
def hostile_names():
    """Kabupaten 53.02 and its first kecamatan named as payloads in the registry every page reads; the names and
    every view made from them are put back afterwards."""
    from ui import loaders

    table = loaders.registry().table
    kecamatan = loaders.registry().children(HOSTILE_KABUPATEN)[0]
    names = {HOSTILE_KABUPATEN: KABUPATEN_NAME, kecamatan: KECAMATAN_NAME}
    before = {code: table.at[code, "name"] for code in names}
    loaders.forget_views()
    try:
        for code, name in names.items():
            table.at[code, "name"] = name
        yield names
    finally:
        for code, name in before.items():
            table.at[code, "name"] = name
        loaders.forget_views()


@pytest.mark.parametrize("page", ["pages/map.py", "pages/profile.py", "pages/priority.py", "pages/present.py",
                                  "pages/planner.py"])
@pytest.mark.parametrize("region", [HOSTILE_KABUPATEN, "53"])
def test_region_names_show_literally(hostile_names, page, region):
    at = _open(page, {"region": region})
    assert hostile_items(at) == []
    if region == HOSTILE_KABUPATEN:  # its name in the page's titles, breadcrumb or figures, as it is
        assert _literal(KABUPATEN_NAME) in shown(at)
    specs = [chart.proto.spec for chart in at.get("plotly_chart")]  # titles, axis and hover labels are HTML to Plotly
    assert not any("<img src=https://evil" in spec or "<script>alert" in spec for spec in specs)
    if page == "pages/profile.py" and region == HOSTILE_KABUPATEN:  # the title of its trend and bars, escaped
        assert sum("&lt;img src=https:" in spec for spec in specs) >= 2  # (Plotly writes "/" as \\u002f)
