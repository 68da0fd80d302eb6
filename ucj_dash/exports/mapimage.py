"""The map as a PNG for reports: the same children, classes and colours as the interactive map.

:func:`render_png` draws the children of one region from the display geometry
the interactive map uses (:func:`ucj_dash.geography.boundaries.read_layer`, EPSG:4326),
coloured with exactly the classes of :func:`ucj_dash.views.mapview.classify`.
Regions without data are hatched grey, never given a class colour. Drawing
uses Matplotlib's Agg canvas directly (no pyplot, no global backend), so it is
safe in a server thread.

Sizes are in inches (``width_in``) and dots per inch (``dpi``): the default
is A4 width at 300 dpi, 2481 pixels wide.
"""

from __future__ import annotations

import io
import math
import textwrap
from datetime import date

import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path

from ucj_dash.analysis.indicators import METRICS
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets.figures import Figures
from ucj_dash.geography import boundaries
from ucj_dash.geography.regions import NATION_CODE, Level, Registry, level_of, parent_of
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t
from ucj_dash.views import mapview

A4_WIDTH_IN = 8.27
#: no-data fill: light grey hatched with mid grey, as the interactive map's pattern
NO_DATA_FACE = "#f2f2f2"
NO_DATA_HATCH_COLOR = "#9e9e9e"
NO_DATA_HATCH = "////"
EDGE_COLOR = "#5f5f5f"
SELECTED_COLOR = "#111111"
SIM_FACE = "#fff3cd"
SIM_EDGE = "#c9a227"
PNG_COMPRESS_LEVEL = 3  # zlib level: 3 is about twice as fast as the default 6 for a few % more bytes
KM_PER_DEGREE = 111.32  # km per degree of latitude (and of longitude at the equator)


def view_geoms(parent: str, level: Level | None = None):
    """Display geometry (code, name, geometry; EPSG:4326) of the regions a map of ``parent`` draws.

    By default the children of ``parent``; with ``level``, every region at that
    level inside ``parent`` (villages only inside a kabupaten or kecamatan).
    """
    level = Level(level_of(parent) + 1) if level is None else Level(level)
    if level == Level.VILLAGE:
        if level_of(parent) < Level.REGENCY:
            raise ValueError("villages are drawn per kabupaten or kecamatan")
        layer = boundaries.read_layer(level, display=True, parent=parent[:5])
    else:
        layer = boundaries.read_layer(level, display=True)
    if parent == NATION_CODE:
        return layer
    return layer[layer["code"].str.startswith(parent + ".")].reset_index(drop=True)


def view_table(figures: Figures, registry: Registry, parent: str, period: str, settings: Settings,
               level: Level | None = None) -> pd.DataFrame:
    """The rows a map of ``parent`` draws: :func:`mapview.children_table`, or every region at ``level`` inside it."""
    if level is None or Level(level) == level_of(parent) + 1:
        return mapview.children_table(figures, registry, parent, period, settings)
    codes = registry.codes_at(Level(level))
    if parent != NATION_CODE:
        codes = [c for c in codes if c.startswith(parent + ".")]
    reg = registry.table.loc[codes, ["name", "kind"]]
    table = pd.concat([reg, mapview.indicator_rows(figures, codes, period, settings)], axis=1)
    table.index.name = "code"
    return table.reset_index()


def region_label(registry: Registry, code: str, lang: str) -> str:
    """A region's name as a title: "Indonesia", "Jawa Timur", "Kabupaten Malang", "Kecamatan Abenaho" ("Abenaho (District)")."""
    if code == NATION_CODE:
        return "Indonesia"
    name = registry.name(code)
    if level_of(code) >= Level.DISTRICT:
        if lang == "id":
            return f"{t('kind.' + registry.kind(code), lang)} {name}"
        return f"{name} ({t('level.' + level_of(code).key, lang)})"
    return name


def feature_paths(geoms) -> list[Path]:
    """One compound Matplotlib path per (multi)polygon, holes wound opposite to shells.

    Vectorised with shapely: no Python loop over rings, only one over features.
    """
    geoms = np.asarray(geoms, dtype=object)
    n = len(geoms)
    if n == 0:
        return []
    oriented = shapely.orient_polygons(geoms)
    parts, part_of = shapely.get_parts(oriented, return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    feature_of_ring = part_of[ring_of]
    counts = shapely.get_num_coordinates(rings)
    coords = shapely.get_coordinates(rings)
    codes = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
    ends = np.cumsum(counts)
    starts = ends - counts
    codes[starts] = Path.MOVETO
    codes[ends - 1] = Path.CLOSEPOLY
    per_feature = np.bincount(feature_of_ring, weights=counts, minlength=n).astype(int)
    bounds = np.concatenate([[0], np.cumsum(per_feature)])
    return [Path(coords[bounds[i] : bounds[i + 1]], codes[bounds[i] : bounds[i + 1]]) for i in range(n)]


def _nice_km(max_km: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ km not above ``max_km``."""
    if max_km <= 0:
        return 0.0
    exp = math.floor(math.log10(max_km))
    for m in (5, 2, 1):
        if m * 10**exp <= max_km:
            return m * 10**exp
    return 10**exp


def _km_label(km: float, lang: str) -> str:
    return f"{fmt.number(km, lang, 0 if km >= 1 else 1)} km"


STRIP_H_IN = 0.42  # the band under the map holding the scale bar and the north arrow


def _draw_scale_and_north(strip, width_in: float, span_x_deg: float, mid_lat: float, lang: str, fontsize: float) -> None:
    """Scale bar (left) and north arrow (right) in the band under the map, so neither hides any region.

    ``strip`` is an axes whose data units are inches; the map shows ``span_x_deg``
    degrees of longitude across ``width_in`` inches.
    """
    km_per_deg_x = KM_PER_DEGREE * math.cos(math.radians(mid_lat))
    in_per_km = width_in / (span_x_deg * km_per_deg_x)
    km = _nice_km(0.25 * width_in / in_per_km)
    if km > 0:
        length = km * in_per_km
        h = 0.07
        for i, face in enumerate(("#111111", "#ffffff")):
            strip.add_patch(Rectangle((i * length / 2, 0.06), length / 2, h, facecolor=face, edgecolor="#111111", lw=0.6))
        for frac, text in ((0, "0"), (0.5, _km_label(km / 2, lang)), (1, _km_label(km, lang))):
            strip.text(frac * length, 0.06 + h + 0.04, text, ha="center", va="bottom", fontsize=fontsize)
    x = width_in - 0.12
    strip.annotate("", xy=(x, STRIP_H_IN - 0.12), xytext=(x, 0.02),
                   arrowprops=dict(facecolor="#111111", edgecolor="#111111", width=2.2, headwidth=8, headlength=8))
    strip.text(x - 0.1, STRIP_H_IN - 0.2, t("export.north", lang), ha="right", va="center", fontsize=fontsize * 1.3,
               fontweight="bold")


def _constant_lines(metric, classes: mapview.Classes, settings: Settings, lang: str) -> list[str]:
    """The settings the colour classes rest on, with source and date (baseline or class thresholds)."""
    if metric.diverging_around:
        item = settings.item(metric.diverging_around)
        return [t("profile.setting_line", lang, name="Baseline", value=fmt.percent(item.value, lang, 2), source=item.source,
                  as_of=item.as_of)]
    if classes.method == "fixed":
        keys = ("class_very_low_below_pct", "class_low_below_pct", "class_medium_below_pct")
        first = settings.item(keys[0])
        value = " / ".join(fmt.percent(settings[k], lang) for k in keys)
        return [t("profile.setting_line", lang, name=t("map.classification.fixed", lang), value=value, source=first.source,
                  as_of=first.as_of)]
    return []


def _wrap(text: str, width_in: float, fontsize: float) -> str:
    """Wrap ``text`` to about ``width_in`` inches at ``fontsize`` points (DejaVu Sans averages ≈0.55 em)."""
    chars = max(20, int(width_in * 72 / (fontsize * 0.55)))
    return "\n".join(textwrap.wrap(text, chars)) or text


def map_figure(
    figures: Figures,
    registry: Registry,
    parent: str,
    period: str,
    metric_key: str,
    classification: str,
    settings: Settings,
    lang: str,
    dpi: int = 300,
    width_in: float = A4_WIDTH_IN,
    selected: str | None = None,
    *,
    level: Level | None = None,
    decorations: bool = True,
    max_map_height_in: float = 8.0,
) -> Figure:
    """The figure :func:`render_png` saves (its first axes is the map, in degrees); arguments as there."""
    return _draw(figures, registry, parent, period, metric_key, classification, settings, lang, dpi, width_in, selected,
                 level, decorations, max_map_height_in)


def render_png(
    figures: Figures,
    registry: Registry,
    parent: str,
    period: str,
    metric_key: str,
    classification: str,
    settings: Settings,
    lang: str,
    dpi: int = 300,
    width_in: float = A4_WIDTH_IN,
    selected: str | None = None,
    *,
    level: Level | None = None,
    decorations: bool = True,
    max_map_height_in: float = 8.0,
) -> bytes:
    """PNG of the children of ``parent`` coloured by ``metric_key``; ``width_in`` × ``dpi`` pixels wide.

    ``classification`` is a :data:`ucj_dash.views.drill.CLASSIFICATIONS` key;
    ``selected`` a child code drawn with a thick outline (a village given as
    ``parent`` draws its kecamatan's villages with it selected); ``level`` draws every
    region at that level inside ``parent`` instead of its children. With
    ``decorations`` the image carries the title, period, the source and period of
    the metric's numerator and denominator, the boundary source, the
    simulated-data label and the projection note; without, only the map, legend, north arrow, scale bar
    and projection note (for a document that states the rest itself).
    ``max_map_height_in`` caps the map area's height (inches).
    """
    fig = _draw(figures, registry, parent, period, metric_key, classification, settings, lang, dpi, width_in, selected,
                level, decorations, max_map_height_in)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi, facecolor="white", pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
    return out.getvalue()


def _draw(*args) -> Figure:
    """:func:`_draw_figure` with every text drawn as written: a "$" in a dataset's name never starts a formula."""
    with matplotlib.rc_context({"text.parse_math": False}):
        return _draw_figure(*args)


def _draw_figure(figures, registry, parent, period, metric_key, classification, settings, lang, dpi, width_in, selected,
                 level, decorations, max_map_height_in) -> Figure:
    if level_of(parent) == Level.VILLAGE:  # a village has no children: draw its kecamatan's villages, it selected
        parent, selected = parent_of(parent), selected or parent
    metric = METRICS[metric_key]
    table = view_table(figures, registry, parent, period, settings, level)
    classes = mapview.classify(table[metric.column], metric, classification, settings, lang, parent)
    geoms = view_geoms(parent, level)
    class_of = pd.Series(classes.index, index=table["code"].to_numpy())
    geoms = geoms[geoms["code"].isin(class_of.index)].reset_index(drop=True)
    index = class_of.reindex(geoms["code"]).to_numpy()
    missing_boundary = mapview.without_boundary(table, geoms)

    meta = figures.meta
    region_name = region_label(registry, parent, lang)
    child_level = Level(level_of(parent) + 1) if level is None else Level(level)
    margin = 0.4
    inner_w = width_in - 2 * margin
    small = 7.0

    # --- map extent and size (x stretched by 1/cos(mid latitude), as GeoPandas does for EPSG:4326)
    if len(geoms):
        minx, miny, maxx, maxy = (float(v) for v in geoms.total_bounds)
    else:
        minx, miny, maxx, maxy = 95.0, -11.0, 141.0, 6.0
    mid_lat = (miny + maxy) / 2
    aspect = 1 / math.cos(math.radians(mid_lat))
    dx, dy = max(maxx - minx, 1e-3), max(maxy - miny, 1e-3)
    pad = 0.03
    map_h = min(max(inner_w * dy * aspect / dx, 2.5), max_map_height_in)

    # --- texts first, to know how tall the figure is
    legend_items = len(classes.colors) + 1
    legend_cols = 3 if legend_items > 4 else legend_items
    legend_rows = math.ceil(legend_items / legend_cols)
    legend_h = 0.28 + 0.24 * legend_rows
    title = t("export.map.title", lang, metric=t("metric." + metric.key, lang), region=region_name, period=period)
    subtitle = t("map.children_of", lang, level=t("level." + child_level.key, lang), region=region_name)
    if selected and selected in registry:
        subtitle += " · " + t("export.map.selected", lang, name=region_label(registry, selected, lang))
    footer: list[str] = [*_constant_lines(metric, classes, settings, lang),
                         t("export.projection", lang, lat=fmt.number(mid_lat, lang, 1))]
    if decorations:
        footer = [
            t("export.period", lang, period=period),
            *figures.source_lines(period, lang, pairs=(metric.pair,)),
            t("map.boundary_source", lang),
            *footer,
        ]
        if missing_boundary:
            footer.append(t("map.no_boundary", lang, n=fmt.number(missing_boundary, lang), count=missing_boundary))
        footer.append(t("export.generated", lang, date=date.today().isoformat()))
    footer_text = "\n".join(_wrap(line, inner_w, small) for line in footer)
    footer_h = 0.16 * (footer_text.count("\n") + 1) + 0.12
    sim_text = f"{t('simulated.label', lang).upper()} — {t('simulated.short', lang)}" if meta.simulated else ""
    header_h = (0.72 if decorations else 0.0) + (0.36 if (decorations and sim_text) else 0.0)
    top_pad = 0.3 if decorations else 0.12
    height = top_pad + header_h + map_h + STRIP_H_IN + legend_h + footer_h + 0.2

    fig = Figure(figsize=(width_in, height), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)

    def y_in(v: float) -> float:  # inches from the top → figure fraction
        return 1 - v / height

    cursor = top_pad
    if decorations:
        fig.text(margin / width_in, y_in(cursor), title, ha="left", va="top", fontsize=13, fontweight="bold")
        fig.text(margin / width_in, y_in(cursor + 0.3), subtitle, ha="left", va="top", fontsize=9)
        cursor += 0.72
        if sim_text:
            fig.text(
                margin / width_in, y_in(cursor), sim_text, ha="left", va="top", fontsize=10, fontweight="bold", color="#111111",
                bbox=dict(boxstyle="square,pad=0.35", facecolor=SIM_FACE, edgecolor=SIM_EDGE, linewidth=1.2),
            )
            cursor += 0.36

    ax = fig.add_axes((margin / width_in, y_in(cursor + map_h), inner_w / width_in, map_h / height))
    ax.set_axis_off()
    # limits that fill the axes box at the chosen aspect (so the map is neither squashed nor clipped)
    span_x, span_y = dx * (1 + 2 * pad), dy * (1 + 2 * pad)
    if span_y * aspect / span_x < map_h / inner_w:
        span_y = span_x * map_h / inner_w / aspect
    else:
        span_x = span_y * aspect * inner_w / map_h
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ax.set_xlim(cx - span_x / 2, cx + span_x / 2)
    ax.set_ylim(cy - span_y / 2, cy + span_y / 2)
    line_w = 0.25 if len(geoms) > 300 else (0.35 if len(geoms) > 60 else 0.5)
    if len(geoms):
        paths = feature_paths(geoms.geometry.to_numpy())
        has_data = index >= 0
        if has_data.any():
            faces = [classes.colors[i] for i in index[has_data]]
            ax.add_collection(
                PathCollection([p for p, ok in zip(paths, has_data) if ok], facecolors=faces, edgecolors=EDGE_COLOR,
                               linewidths=line_w, zorder=2),
                autolim=False,
            )
        if (~has_data).any():
            hatched = PathCollection([p for p, ok in zip(paths, has_data) if not ok], facecolors=NO_DATA_FACE,
                                     edgecolors=EDGE_COLOR, linewidths=line_w, hatch=NO_DATA_HATCH, zorder=2)
            hatched.set_hatchcolor(NO_DATA_HATCH_COLOR)
            hatched.set_hatch_linewidth(0.8)
            ax.add_collection(hatched, autolim=False)
        if selected is not None:
            sel = [p for p, c in zip(paths, geoms["code"]) if c == selected]
            if sel:
                ax.add_collection(PathCollection(sel, facecolors="none", edgecolors="white", linewidths=4.0, zorder=3), autolim=False)
                ax.add_collection(PathCollection(sel, facecolors="none", edgecolors=SELECTED_COLOR, linewidths=2.2, zorder=4),
                                  autolim=False)
    else:
        ax.text(0.5, 0.5, t("export.map.no_geometry", lang), transform=ax.transAxes, ha="center", va="center", fontsize=10)
    cursor += map_h + 0.05
    strip = fig.add_axes((margin / width_in, y_in(cursor + STRIP_H_IN), inner_w / width_in, STRIP_H_IN / height))
    strip.set_axis_off()
    strip.set_xlim(0, inner_w)
    strip.set_ylim(0, STRIP_H_IN)
    _draw_scale_and_north(strip, inner_w, span_x, mid_lat, lang, small)
    cursor += STRIP_H_IN + 0.1

    # --- legend: a swatch per class and the hatched no-data swatch
    handles = [Patch(facecolor=c, edgecolor="#555555", linewidth=0.6, label=label) for c, label in zip(classes.colors, classes.labels)]
    no_data = Patch(facecolor=NO_DATA_FACE, edgecolor="#555555", linewidth=0.6, hatch=NO_DATA_HATCH, label=t("legend.no_data", lang))
    no_data.set_hatchcolor(NO_DATA_HATCH_COLOR)
    handles.append(no_data)
    legend_title = t("legend.title", lang, metric=t("metric." + metric.key, lang), method=mapview.method_label(classes, settings, lang))
    fig.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(margin / width_in, y_in(cursor)), ncols=legend_cols,
        frameon=False, fontsize=8, title=_wrap(legend_title, inner_w, 8.5), title_fontsize=8.5, alignment="left",
        handlelength=2.2, handleheight=1.2, columnspacing=1.6, borderaxespad=0, borderpad=0,
    )
    cursor += legend_h
    fig.text(margin / width_in, y_in(cursor), footer_text, ha="left", va="top", fontsize=small, color="#222222", linespacing=1.35)
    return fig
