"""Every page at every level on datasets of awkward (but valid) shapes, in Streamlit's AppTest.

Each dataset shape is stored in a temporary store and made the only source of every page;
one AppTest per shape then walks map, profile, priority (each level the page
offers), every slide kind of the presentation (a child slide too), methodology,
about and data, at the nation, a province and a kabupaten inside and outside the
data, a kecamatan and a village. Every view must render without an exception or
a traceback; where it has no data it says so ("Tidak ada data …"), and a key
figure the data lacks reads "—", never 0 or 0%. The PNG map, PDF brief and
XLSX workbooks of the same shapes are made by calling them directly.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from tests.stores import link_demo_sources

from ucj_dash.analysis import bkbk
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets import composition, figures, store
from ucj_dash.datasets.dataset import COUNT_COLUMNS, DatasetMeta, conform
from ucj_dash.datasets.figures import Figures
from ucj_dash.exports import brief, mapimage, workbook
from ucj_dash.geography.regions import NATION_CODE, Level, Registry, level_of, parent_of
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TTS = "53.02"  # Kabupaten Timor Tengah Selatan, the template's example
PERIODS = ("2024-06", "2024-12")
POVERTY = ("population", "extreme_poor_population", "extreme_poor_workers", "extreme_poor_workers_covered")
OFFICIALS = ("village_officials", "village_officials_enrolled")
NO_DATA = "Tidak ada data"

#: where the walk looks: (name, region code); 53.01 and 11 lie outside most shapes' data
LEVELS = (
    ("nation", NATION_CODE),
    ("prov_in", "53"),
    ("prov_out", "11"),
    ("kab_in", TTS),
    ("kab_out", "53.01"),
    ("kec", "53.02.01"),
    ("desa", "53.02.01.2012"),
)
SLIDES = ("title", "map", "figures", "priority", "cost", "child")


def _levels_ranked(code: str) -> list[str]:
    """The levels the priority page offers for the view ``code`` (it ranks inside the map's parent)."""
    parent = parent_of(code) if level_of(code) == Level.VILLAGE else code
    return [Level(lv).key for lv in (level_of(parent) + 1, level_of(parent) + 2) if lv <= Level.VILLAGE]


def _views() -> list[tuple[str, str, str]]:
    """(page, variant, level name) of every view walked per dataset shape."""
    views = []
    for name, code in LEVELS:
        views += [("map", "", name), ("profile", "", name)]
        views += [("priority", plevel, name) for plevel in _levels_ranked(code)]
        views += [("present", slide, name) for slide in SLIDES if not (name == "desa" and slide in ("priority", "child"))]
        views += [("planner", "target", name)] + ([("planner", "bkbk", name)] if name in ("prov_in", "kab_out", "desa") else [])
    return views + [(page, "", "nation") for page in ("methodology", "about", "data")]


# ---- the dataset shapes


def _counts(codes: list[str], periods, columns, seed: int = 1) -> pd.DataFrame:
    """Made-up but consistent counts (persons) for ``codes`` × ``periods``, only the ``columns`` given."""
    rng = np.random.default_rng(seed)
    rows = []
    for step, period in enumerate(periods):
        for code in codes:
            pop = float(rng.integers(800, 8000))
            employed = round(pop * 0.48)
            active = round(employed * (0.15 + 0.3 * rng.random()) * (1 + 0.05 * step))
            vulnerable = round(employed * 0.33)
            poor = round(pop * 0.04 * rng.random())
            full = dict(
                population=pop, employed_workers=employed, active_participants=active,
                registered_participants=min(employed, round(active * 1.4)), active_pu=round(active * 0.4),
                active_bpu=round(active * 0.5), active_jakon=round(active * 0.1), vulnerable_workers=vulnerable,
                vulnerable_covered=round(vulnerable * 0.25), extreme_poor_population=poor,
                extreme_poor_workers=round(poor * 0.45), extreme_poor_workers_covered=round(poor * 0.09),
            )
            if level_of(code) == Level.VILLAGE and code.split(".")[3].startswith("2"):  # a desa, not a kelurahan
                full.update(village_officials=12.0, village_officials_enrolled=float(rng.integers(8, 13)))
            rows.append({"region_code": code, "period": period, **{k: v for k, v in full.items() if k in columns}})
    return pd.DataFrame(rows)


SHAPES = ("required_only", "tts_template", "one_period", "no_poverty", "kab_only", "kec_only", "counts_missing", "no_coverage")


def shape(reg: Registry, name: str) -> pd.DataFrame:
    """The figures of shape ``name`` (one of :data:`SHAPES`) as the importer stores them: absent columns are "no data"."""
    tts = reg.descendants(TTS, Level.VILLAGE)
    if name == "required_only":
        return _counts(tts, PERIODS, ("employed_workers", "active_participants"))
    if name == "tts_template":
        return _counts(tts, PERIODS, COUNT_COLUMNS)
    if name == "one_period":
        return _counts(tts, PERIODS[-1:], COUNT_COLUMNS)
    if name == "no_poverty":
        return _counts(tts, PERIODS, [c for c in COUNT_COLUMNS if c not in POVERTY])
    if name == "kab_only":  # no village level: kabupaten/kota rows, nationwide
        return _counts(reg.codes_at(Level.REGENCY), PERIODS, COUNT_COLUMNS)
    if name == "kec_only":
        return _counts(reg.descendants("53", Level.DISTRICT), PERIODS, COUNT_COLUMNS)
    if name == "counts_missing":  # TTS full; Kabupaten Kupang (53.01) village officials only; 53.03 rows without counts
        return pd.concat([
            _counts(tts, PERIODS, COUNT_COLUMNS),
            _counts(reg.descendants("53.01", Level.VILLAGE), PERIODS[-1:], OFFICIALS),
            pd.DataFrame({"region_code": reg.descendants("53.03", Level.VILLAGE), "period": PERIODS[-1]}),
        ], ignore_index=True)
    if name == "no_coverage":  # the required columns are there but empty: no coverage measure at all
        return _counts(tts, PERIODS[-1:], OFFICIALS)
    raise KeyError(name)


def _dataset(reg: Registry, name: str) -> Figures:
    """Shape ``name`` stored (in the current ``UCJ_DATA_DIR``) as the default source of every group it has
    figures of, the other groups without a source; the figures every page then shows."""
    meta = DatasetMeta(id="walk-" + name.replace("_", "-"), name=f"Uji {name}", source="uji bentuk data",
                       as_of="2024-12-31", simulated=False)
    stored = store.save(meta, conform(shape(reg, name)))
    composition.set_default(composition.Composition.of(
        {g: meta.id if composition.offers(stored, g) else None for g in composition.GROUPS}))
    figures.forget()
    return figures.load(composition.default())


# ---- the walk


@dataclass
class Walk:
    ds: Figures
    reg: Registry
    at: AppTest

    def open(self, page: str, **params: str) -> AppTest:
        self.at.query_params.clear()
        for key, value in params.items():
            self.at.query_params[key] = value
        self.at.switch_page(f"pages/{page}.py")
        return self.at.run()

    def counts(self, codes: list[str]) -> pd.DataFrame:
        """Counts of ``codes`` in the latest period, one row per code (NaN where the data has none)."""
        return self.ds.at(self.ds.latest_period).reindex(codes)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, demo_dataset):
    """A temporary store whose demo sources are links to the built ones (never written)."""
    path = tmp_path_factory.mktemp("walk") / "data"
    link_demo_sources(path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UCJ_DATA_DIR", str(path))
        for name in ("UCJ_PUBLIC_MODE", "UCJ_ADMIN_PASSWORD"):
            mp.delenv(name, raising=False)
        yield path


@pytest.fixture(scope="module", params=SHAPES)
def walk(request, store_dir, registry) -> Walk:
    """The shape stored as the active dataset, and one AppTest that has run once (switching pages needs that)."""
    assert all(registry.name(code) for _, code in LEVELS if code != NATION_CODE)
    ds = _dataset(registry, request.param)
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    return Walk(ds, registry, at)


# ---- what a view must show, from the counts themselves

#: key figure → (part, whole) counts it is computed from
FIGURES = {
    "coverage": ("active_participants", "employed_workers"),
    "uncovered": ("active_participants", "employed_workers"),
    "extreme_poverty": ("extreme_poor_population", "population"),
    "vulnerable": ("vulnerable_covered", "vulnerable_workers"),
}


def _known(counts: pd.DataFrame, figure: str) -> pd.Series:
    """Per row: whether ``figure`` can be computed (both counts given, the whole above 0)."""
    part, whole = FIGURES[figure]
    return counts[part].notna() & (counts[whole] > 0)


def _has_data(counts: pd.DataFrame) -> pd.Series:
    return counts[list(COUNT_COLUMNS)].notna().any(axis=1)


def _rankable(counts: pd.DataFrame) -> bool:
    """Whether any row rests on a figure the default priority rule uses."""
    grouped = _known(counts, "extreme_poverty") & _known(counts, "coverage")
    scored = counts[["extreme_poor_workers", "extreme_poor_workers_covered"]].notna().all(axis=1) | counts[
        ["vulnerable_workers", "vulnerable_covered"]].notna().all(axis=1)
    return bool((grouped | scored).any())


def _texts(at: AppTest) -> list[str]:
    out = [f"{m.label} {m.value}" for m in at.metric]
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "code", "info", "warning", "error",
                 "success", "exception"):
        out += [str(e.value) for e in getattr(at, kind)]
    return out


def _infos(at: AppTest) -> list[str]:
    return [str(i.value) for i in at.info]


def _check_metrics(at: AppTest, labels: dict[str, str], counts: pd.DataFrame) -> None:
    """Each metric reads "—" exactly when its figure is missing: never 0 or 0% for no data."""
    shown = {m.label: m.value for m in at.metric}
    for figure, label in labels.items():
        known = bool(_known(counts, figure).iloc[0])
        assert (shown[label] != fmt.NO_DATA) == known, f"{label}: {shown[label]!r} (figure known: {known})"


def _check_map(w: Walk, at: AppTest, code: str) -> None:
    counts = w.counts([code])
    _check_metrics(at, {f: t(k) for f, k in (("coverage", "kpi.coverage"), ("uncovered", "kpi.uncovered"),
                                             ("extreme_poverty", "kpi.extreme_poverty"), ("vulnerable", "kpi.vulnerable"))},
                   counts)
    if not _has_data(counts).iloc[0]:
        assert t("kpi.no_data", region=w.reg.name(code), period=w.ds.latest_period) in _infos(at)
    elif level_of(code) < Level.VILLAGE and not _has_data(w.counts(w.reg.children(code))).any():
        assert any(i.startswith(NO_DATA) for i in _infos(at)), _infos(at)


def _check_profile(w: Walk, at: AppTest, code: str) -> None:
    counts = w.counts([code])
    coverage = t("profile.coverage", measure=t("coverage.short.employed_active"))
    _check_metrics(at, {"coverage": coverage, "uncovered": t("profile.gap"), "extreme_poverty": t("profile.extreme_poverty")},
                   counts)
    if not _has_data(counts).iloc[0]:
        assert t("kpi.no_data", region=w.reg.name(code), period=w.ds.latest_period) in _infos(at)
    assert not any("(0 dari 0)" in c.value for c in at.caption)


def _check_priority(w: Walk, at: AppTest, code: str, plevel: str) -> None:
    parent = parent_of(code) if level_of(code) == Level.VILLAGE else code
    counts = w.counts(w.reg.descendants(parent, Level.from_key(plevel)))
    drawn = bool((_known(counts, "extreme_poverty") & _known(counts, "coverage")).any())
    scatter_none = [i for i in _infos(at) if i.startswith(NO_DATA)]
    assert bool(at.get("plotly_chart")) == drawn and bool(scatter_none) != drawn, scatter_none


def _slide_html(at: AppTest) -> str:
    return next(m.value for m in at.markdown if 'data-testid="ucj-slide"' in m.value)


def _check_figures_slide(w: Walk, html: str, code: str) -> None:
    counts = w.counts([code])
    if not _has_data(counts).iloc[0]:
        assert NO_DATA in html
        return
    values = dict(re.findall(r'data-figure="(\w+)".*?class="ucj-fig-value">([^<]*)<', html))
    for figure, value in values.items():
        assert (value != fmt.NO_DATA) == bool(_known(counts, figure).iloc[0]), (figure, value)


def _check_slide(w: Walk, at: AppTest, code: str, slide: str) -> None:
    html = _slide_html(at)
    if slide == "figures":
        _check_figures_slide(w, html, code)
    elif slide == "child":
        _check_figures_slide(w, html, w.reg.children(code)[0])
    elif slide == "priority":
        rankable = _rankable(w.counts(w.reg.children(code)))
        assert ('class="ucj-table"' in html) == rankable and (t("present.priority.none") in html) != rankable
    elif slide == "cost":
        counts = w.counts([code])
        for group, columns in (("vulnerable", ["vulnerable_workers", "vulnerable_covered"]),
                               ("extreme_poor", ["extreme_poor_workers", "extreme_poor_workers_covered"])):
            known = bool(counts[columns].notna().all(axis=1).iloc[0])
            cells = re.search(f'data-group="{group}">(.*?)</tr>', html).group(1)
            assert (f'<td class="ucj-num">{fmt.NO_DATA}</td>' not in cells) == known, (group, cells)
            assert (t("cost.no_data", group=t("cost.group." + group).lower()) in html) != known


def _check_planner(w: Walk, at: AppTest, code: str, variant: str) -> None:
    """A plan says "no data" (and shows no cost, never Rp0) exactly when the goal's figures are missing."""
    counts = w.counts([code])
    if variant == "target":
        known = bool(_known(counts, "coverage").iloc[0])
    else:
        known = bool(counts[["vulnerable_workers", "vulnerable_covered"]].notna().all(axis=1).iloc[0])
    shown = {m.label: m.value for m in at.metric}
    no_data = [i for i in _infos(at) if i.startswith(t("plan.no_data_for", region=w.reg.name(code), reason="")[:28])]
    assert bool(no_data) != known, (no_data, known)
    assert any(label.startswith(t("plan.m.workers")) for label in shown) == known
    if variant == "bkbk":
        model = bkbk.apply(w.ds, w.reg, code)
        assert shown[t("plan.bkbk.m.workers")] == fmt.value(model.workers, "orang")
        assert (shown[t("plan.bkbk.m.cost")] == fmt.NO_DATA) == (model.n_with_data == 0)


VIEWS = _views()


@pytest.mark.parametrize(("page", "variant", "level"), VIEWS, ids=["-".join(filter(None, v)) for v in VIEWS])
def test_every_view_renders_and_says_no_data(walk, page, variant, level):
    code = dict(LEVELS)[level]
    params = {"region": code}
    if page == "priority":
        params["plevel"] = variant
    elif page == "present":
        params["slide"] = f"child-{walk.reg.children(code)[0]}" if variant == "child" else variant
        if variant == "child":
            params["children"] = "1"
    elif page == "planner":
        params.update({"goal": "target", "apbd_prov": "40", "apbdes": "60"} if variant == "target" else
                      {"goal": "vulnerable", "bkbk": "100", "model": "bkbk", "vbudget": "100000000", "vbsrc": "uji", "bshare": "10"})
    at = walk.open(page, **params)
    assert not at.exception, [e.message for e in at.exception]
    texts = _texts(at)
    assert not any("Traceback" in text for text in texts)
    assert not any("< —" in text or "&lt; —" in text for text in texts)  # a legend class bounded by "no data"
    if page == "map":
        _check_map(walk, at, code)
    elif page == "profile":
        _check_profile(walk, at, code)
    elif page == "priority":
        _check_priority(walk, at, code, variant)
    elif page == "present":
        _check_slide(walk, at, code, variant)
    elif page == "planner":
        _check_planner(walk, at, code, variant)


# ---- the exports of the same shapes, called directly


@pytest.mark.parametrize("name", SHAPES)
def test_exports_of_every_shape(name, registry, demo_store):
    """PNG map, PDF brief and XLSX workbooks of a region outside the data and of a village: made, and "no data" said."""
    ds = _dataset(registry, name)
    period, settings = ds.latest_period, Settings()
    for code in ("53.01", "53.02.01.2012"):
        parent = parent_of(code) if level_of(code) == Level.VILLAGE else code
        png = mapimage.render_png(ds, registry, parent, period, "uncovered_workers", "quantiles", settings, "id", dpi=50)
        assert png.startswith(b"\x89PNG")
        text = " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(
            brief.brief_pdf(ds, registry, code, period, settings, "id"))).pages).split())
        no_data = t("kpi.no_data", region=mapimage.region_label(registry, code, "id"), period=period)
        assert (no_data in text) != bool(_has_data(ds.at(period).reindex([code])).iloc[0])
        assert "(0 dari 0)" not in text and "< —" not in text
        for data in (workbook.workbook_xlsx(ds, registry, code, period, settings, "en"),
                     workbook.priority_xlsx(ds, registry, parent, Level(level_of(parent) + 1), period, settings, "id")):
            assert openpyxl.load_workbook(io.BytesIO(data)).worksheets
