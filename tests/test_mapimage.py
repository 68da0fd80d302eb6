"""The map PNG: A4 width at 300 dpi, the classes' colours of the interactive map, no data hatched."""

from __future__ import annotations

import io

import numpy as np
import pytest
import shapely
from matplotlib.colors import to_rgb
from PIL import Image

from ucj_dash.analysis.indicators import METRICS
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets.dataset import Dataset
from ucj_dash.exports import mapimage
from ucj_dash.views import mapview


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
    [("ID", "ucj_coverage", "fixed"), ("35", "extreme_poverty", "fixed"), ("35.07", "uncovered_workers", "quantiles")],
)
def test_png_is_a4_wide_at_300_dpi_and_shows_every_class_colour(demo_dataset, registry, settings, parent, metric, classification):
    period = demo_dataset.latest_period
    png = mapimage.render_png(demo_dataset, registry, parent, period, metric, classification, settings, "id")
    im, arr = _pixels(png)
    assert im.format == "PNG"
    assert im.size[0] == 2481  # 8.27 in × 300 dpi
    assert im.size[1] > 1000
    assert round(im.info["dpi"][0]) == 300
    assert arr.std() > 20, "the image is (nearly) blank"
    counts = _colour_counts(arr)
    assert len(counts) > 50

    table = mapview.children_table(demo_dataset, registry, parent, period, settings)
    classes = mapview.classify(table[METRICS[metric].column], METRICS[metric], classification, settings, "id")
    drawn = set(mapimage.view_geoms(parent)["code"])
    used = {classes.colors[i] for i, code in zip(classes.index, table["code"]) if i >= 0 and code in drawn}
    assert used, "the view has data"
    for color in used:
        # interior pixels carry the class colour exactly (legend swatches alone are ~2,000 px at 300 dpi)
        assert counts.get(_rgb_int(color), 0) > 2000, f"class colour {color} is not drawn"


def test_no_data_region_is_hatched_grey_not_a_class_colour(demo_dataset, registry, settings):
    """A kabupaten missing from the data is drawn with the grey hatch, and the others keep their class colours."""
    period = demo_dataset.latest_period
    geoms = mapimage.view_geoms("53")
    areas = shapely.area(geoms.geometry.to_numpy())  # deg²: only to pick the largest kabupaten
    missing = geoms["code"].iloc[int(np.argmax(areas))]
    figures = demo_dataset.figures
    keep = (figures["period"] == period) & figures["region_code"].str.startswith("53.")
    keep &= ~figures["region_code"].str.startswith(missing + ".")
    ds = Dataset(demo_dataset.meta, figures[keep].reset_index(drop=True))

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


def test_village_view_outlines_the_selected_village_and_says_so(demo_dataset, registry, settings):
    period = demo_dataset.latest_period
    kec = "35.07.01"
    village = registry.children(kec)[0]
    fig = mapimage.map_figure(demo_dataset, registry, kec, period, "ucj_coverage", "fixed", settings, "en", selected=village)
    texts = " ".join(t.get_text() for t in fig.texts)
    assert "selected" in texts and registry.name(village) in texts
    assert "SIMULATED DATA" in texts
    assert "Kepmendagri" in texts and "EPSG:4326" in texts
    # the selection is an extra outline collection over the filled one
    assert len(fig.axes[0].collections) >= 3


def test_labels_source_period_and_simulated_on_the_image(demo_dataset, registry, settings):
    period = demo_dataset.latest_period
    fig = mapimage.map_figure(demo_dataset, registry, "ID", period, "ucj_coverage", "fixed", settings, "id")
    texts = " ".join(" ".join(t.get_text() for t in fig.texts).split())  # long lines are wrapped
    assert "DATA SIMULASI" in texts
    assert period in texts and demo_dataset.meta.as_of in texts and demo_dataset.meta.source in texts
    assert "Kepmendagri No 300.2.2-2430 Tahun 2025" in texts
    legend = fig.legends[0]
    labels = [t.get_text() for t in legend.get_texts()]
    assert "Tidak ada data" in labels and len(labels) == 5  # 4 coverage classes + no data
    assert any(p.get_hatch() for p in legend.get_patches())


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


def test_a_dollar_in_the_source_is_drawn_as_written_not_as_a_formula(demo_dataset, registry, settings):
    import copy
    from dataclasses import replace

    ds = copy.copy(demo_dataset)
    ds.meta = replace(demo_dataset.meta, source="Dinas $x^2$ & BPJS", name="Uji $\\frac{1}{0}$")
    fig = mapimage.map_figure(ds, registry, "53", ds.latest_period, "ucj_coverage", "fixed", settings, "id")
    drawn = [t for t in fig.texts if "$" in t.get_text()]
    assert drawn and not any(t.get_parse_math() for t in drawn)
    png = mapimage.render_png(ds, registry, "53", ds.latest_period, "ucj_coverage", "fixed", settings, "id", dpi=60)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"  # "\frac{1}{0}" as mathtext would not render
