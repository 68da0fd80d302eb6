"""The map PNG: A4 width at 300 dpi, the classes' colours of the interactive map, no data hatched."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.colors import to_rgb
from PIL import Image

from ucj_dash.analysis.indicators import METRICS
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets import figures as figures_module
from ucj_dash.datasets import store
from ucj_dash.exports import mapimage
from ucj_dash.views import mapview


def name_of(dataset_id: str) -> str:
    """A demo source's name as stored in its meta.json (read here, not through the code under test)."""
    return json.loads((store.dataset_path(dataset_id) / "meta.json").read_text(encoding="utf-8"))["name"]


class Without(figures_module.Figures):
    """``base`` with every region under ``prefix`` missing from the data (tests only; its own cache key)."""

    def __init__(self, base: figures_module.Figures, prefix: str):
        self.__dict__.update(base.__dict__)
        self._base, self._prefix = base, prefix
        self.key = (*base.key, ("without", prefix))

    def at(self, period: str) -> pd.DataFrame:
        frame = self._base.at(period)
        return frame[~(frame.index.str.startswith(self._prefix + ".") | (frame.index == self._prefix))]


def renamed(base: figures_module.Figures, **changes) -> figures_module.Figures:
    """``base`` with every dataset's metadata changed (same stored figures)."""
    datasets = {i: store.Dataset(replace(d.meta, **changes), d.version, d.path) for i, d in base.datasets.items()}
    return figures_module.Figures(base.composition, datasets, base.max_age_months)


def _pixels(png: bytes) -> tuple[Image.Image, np.ndarray]:
    im = Image.open(io.BytesIO(png))
    return im, np.asarray(im.convert("RGB"))


def _rgb_int(hex_color: str) -> int:
    r, g, b = (round(c * 255) for c in to_rgb(hex_color))
    return (r << 16) | (g << 8) | b


def _colour_counts(arr: np.ndarray) -> dict[int, int]:
    packed = (arr[..., 0].astype(np.int64) << 16) | (arr[..., 1].astype(np.int64) << 8) | arr[..., 2]
    values, counts = np.unique(packed, return_counts=True)
    return dict(zip(values.tolist(), counts.tolist()))


@pytest.fixture(scope="module")
def settings():
    return Settings()


@pytest.mark.parametrize(
    "parent, metric, classification",
    [("ID", "ucj_coverage", "fixed"), ("35", "extreme_poverty", "fixed"), ("35", "uncovered_workers", "quantiles"),
     ("35.07", "vulnerable_coverage", "quantiles")],
)
def test_png_is_a4_wide_at_300_dpi_and_shows_every_class_colour(demo_figures, registry, settings, parent, metric, classification):
    period = demo_figures.latest_period
    png = mapimage.render_png(demo_figures, registry, parent, period, metric, classification, settings, "id")
    im, arr = _pixels(png)
    assert im.format == "PNG"
    assert im.size[0] == 2481  # 8.27 in × 300 dpi
    assert im.size[1] > 1000
    assert round(im.info["dpi"][0]) == 300
    assert arr.std() > 20, "the image is (nearly) blank"
    counts = _colour_counts(arr)
    assert len(counts) > 50

    table = mapview.children_table(demo_figures, registry, parent, period, settings)
    classes = mapview.classify(table[METRICS[metric].column], METRICS[metric], classification, settings, "id")
    drawn = set(mapimage.view_geoms(parent)["code"])
    used = {classes.colors[i] for i, code in zip(classes.index, table["code"]) if i >= 0 and code in drawn}
    assert used, "the view has data"
    for color in used:
        # interior pixels carry the class colour exactly (legend swatches alone are ~2,000 px at 300 dpi)
        assert counts.get(_rgb_int(color), 0) > 2000, f"class colour {color} is not drawn"


def test_no_data_region_is_hatched_grey_not_a_class_colour(demo_figures, registry, settings):
    """A kabupaten missing from the data is drawn with the grey hatch, and the others keep their class colours."""
    period = demo_figures.latest_period
    geoms = mapimage.view_geoms("53")
    areas = shapely.area(geoms.geometry.to_numpy())  # deg²: only to pick the largest kabupaten
    missing = geoms["code"].iloc[int(np.argmax(areas))]
    ds = Without(demo_figures, missing)

    fig = mapimage.map_figure(ds, registry, "53", period, "ucj_coverage", "fixed", settings, "id")
    fig.canvas.draw()
    arr = np.asarray(fig.canvas.buffer_rgba())[..., :3]
    ax = fig.axes[0]
    point = geoms.loc[geoms["code"] == missing, "geometry"].iloc[0].representative_point()
    x, y = ax.transData.transform((point.x, point.y))
    row, col = arr.shape[0] - int(round(y)), int(round(x))
    window = arr[row - 20 : row + 21, col - 20 : col + 21]
    colours = _colour_counts(window)

    table = mapview.children_table(ds, registry, "53", period, settings)
    classes = mapview.classify(table["ucj_coverage_pct"], METRICS["ucj_coverage"], "fixed", settings, "id")
    assert classes.index[table["code"].tolist().index(missing)] == -1
    class_colours = {_rgb_int(c) for c in classes.colors}
    assert not class_colours & set(colours), "a no-data region must not be drawn in a class colour"
    assert colours.get(_rgb_int(mapimage.NO_DATA_FACE), 0) > 200, "the no-data fill is the light grey"
    hatch = _rgb_int(mapimage.NO_DATA_HATCH_COLOR)
    darker = sum(n for c, n in colours.items() if c == hatch or ((c >> 16) & 255) < 0xD0)
    assert darker > 40, "the no-data fill is hatched"

    # the whole image still shows the class colours of the kabupaten with data
    all_colours = _colour_counts(np.asarray(Image.open(io.BytesIO(
        mapimage.render_png(ds, registry, "53", period, "ucj_coverage", "fixed", settings, "id", dpi=100))).convert("RGB")))
    used = {classes.colors[i] for i in classes.index if i >= 0}
    assert all(all_colours.get(_rgb_int(c), 0) > 100 for c in used)


def test_village_view_outlines_the_selected_village_and_says_so(demo_figures, registry, settings):
    period = demo_figures.latest_period
    kec = "35.07.01"
    village = registry.children(kec)[0]
    fig = mapimage.map_figure(demo_figures, registry, kec, period, "ucj_coverage", "fixed", settings, "en", selected=village)
    texts = " ".join(t.get_text() for t in fig.texts)
    assert "selected" in texts and registry.name(village) in texts
    assert "SIMULATED DATA" in texts
    assert "Kepmendagri" in texts and "EPSG:4326" in texts
    # the selection is an extra outline collection over the filled one
    assert len(fig.axes[0].collections) >= 3


def test_labels_source_period_and_simulated_on_the_image(demo_figures, registry, settings):
    period = demo_figures.latest_period
    assert period == "2024-12"
    fig = mapimage.map_figure(demo_figures, registry, "ID", period, "ucj_coverage", "fixed", settings, "id")
    texts = " ".join(" ".join(t.get_text() for t in fig.texts).split())  # long lines are wrapped
    assert "DATA SIMULASI" in texts
    assert "Periode data: 2024-12." in texts
    # the coverage's numerator (participants of the month) and denominator (Sakernas of August)
    peserta, sakernas = name_of("demo-peserta"), name_of("demo-sakernas")
    assert f"Cakupan UCJ — pembilang: {peserta}, Des 2024 · penyebut: {sakernas}, Agu 2024" in texts
    assert name_of("demo-kemiskinan") not in texts  # only the sources of the metric shown
    assert "Kepmendagri No 300.2.2-2430 Tahun 2025" in texts
    legend = fig.legends[0]
    labels = [t.get_text() for t in legend.get_texts()]
    assert "Tidak ada data" in labels and len(labels) == 5  # 4 coverage classes + no data
    assert any(p.get_hatch() for p in legend.get_patches())


def test_the_source_follows_the_metric_and_the_period(demo_figures, registry, settings):
    """Extreme poverty names BPS's March figures; an earlier month's coverage the August before it."""
    fig = mapimage.map_figure(demo_figures, registry, "53", "2024-12", "extreme_poverty", "fixed", settings, "en")
    texts = " ".join(" ".join(t.get_text() for t in fig.texts).split())
    poverty = name_of("demo-kemiskinan")
    assert f"Extreme poverty — numerator: {poverty}, Mar 2024 · denominator: {poverty}, Mar 2024" in texts
    assert name_of("demo-sakernas") not in texts and "SIMULATED DATA" in texts
    fig = mapimage.map_figure(demo_figures, registry, "53", "2024-07", "ucj_coverage", "fixed", settings, "en")
    texts = " ".join(" ".join(t.get_text() for t in fig.texts).split())
    assert f"numerator: {name_of('demo-peserta')}, Jul 2024 · denominator: {name_of('demo-sakernas')}, Aug 2023" in texts


def test_feature_paths_keep_holes_and_parts():
    """Holes stay empty when filled (Agg fills by the non-zero rule, so holes must wind against shells)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure

    shell = [(0, 0), (0, 4), (4, 4), (4, 0)]  # clockwise, like its hole: orientation is fixed by feature_paths
    ring = shapely.Polygon(shell, [[(1, 1), (1, 2), (2, 2), (2, 1)]])
    multi = shapely.MultiPolygon([shapely.box(5, 5, 6, 6), ring])
    paths = mapimage.feature_paths([ring, multi])
    assert len(paths) == 2
    for path in paths:
        fig = Figure(figsize=(2, 2), dpi=50)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, 8)
        ax.set_ylim(0, 8)
        ax.add_collection(PathCollection([path], facecolors="red", edgecolors="none"))
        fig.canvas.draw()
        arr = np.asarray(fig.canvas.buffer_rgba())

        def px(x, y):
            return tuple(arr[100 - int(y * 12.5), int(x * 12.5), :3])

        assert px(3, 3) == (255, 0, 0)  # in the shell
        assert px(1.5, 1.5) == (255, 255, 255)  # in the hole
    assert px(5.5, 5.5) == (255, 0, 0)  # the multipolygon's second part


def test_a_dollar_in_a_dataset_name_is_drawn_as_written_not_as_a_formula(demo_figures, registry, settings):
    ds = renamed(demo_figures, source="Dinas $x^2$ & BPJS", name="Uji $\\frac{1}{0}$")
    fig = mapimage.map_figure(ds, registry, "53", ds.latest_period, "ucj_coverage", "fixed", settings, "id")
    drawn = [t for t in fig.texts if "$" in t.get_text()]
    assert drawn and not any(t.get_parse_math() for t in drawn)
    assert any("Uji $\\frac{1}{0}$, Des 2024" in t.get_text() for t in drawn)
    png = mapimage.render_png(ds, registry, "53", ds.latest_period, "ucj_coverage", "fixed", settings, "id", dpi=60)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"  # "\frac{1}{0}" as mathtext would not render
