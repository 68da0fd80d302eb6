"""What one map view shows: the children of a region, their values, classes and colours.

:func:`children_table` joins the registry, the dataset and the indicators for
the children of one region; :func:`classify` bins a metric (mapclassify);
:func:`layer_geojson` writes the GeoJSON the map draws; :func:`base_map` and
:func:`choropleth_group` build the folium objects (no Streamlit here).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import folium
import mapclassify
import numpy as np
import pandas as pd

from ucj_dash.analysis import indicators
from ucj_dash.analysis.indicators import Metric
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets import figures as figures_module
from ucj_dash.datasets.figures import Figures, basis_text
from ucj_dash.geography.boundaries import feature_collection
from ucj_dash.datasets.dataset import COUNT_COLUMNS, PAIR_BY_KEY
from ucj_dash.geography.regions import Level, Registry, level_of
from ucj_dash.text import fmt, markup
from ucj_dash.text.i18n import t
from ucj_dash.views import leaflet_speed

# ColorBrewer schemes (colour-blind safe), light to dark.
PALETTES = {
    "YlGnBu": ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
    "PuBuGn": ["#f6eff7", "#bdc9e1", "#67a9cf", "#1c9099", "#016c59"],
    "OrRd": ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"],
    "BuPu": ["#edf8fb", "#b3cde3", "#8c96c6", "#8856a7", "#810f7c"],
    "RdBu_r": ["#2166ac", "#67a9cf", "#d1e5f0", "#fddbc7", "#ef8a62", "#b2182b"],
    "PiYG": ["#c51b7d", "#e9a3c9", "#fde0ef", "#f7f7f7", "#e6f5d0", "#a1d76a", "#4d9221"],
}
COVERAGE_CLASS_COLORS = ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"]
#: upper bounds of the "steps to target" classes as shares of the target; the last class is "target met"
TARGET_STEPS = (0.2, 0.4, 0.6, 0.8, 1.0)
TARGET_STEP_COLORS = ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"]
COVERAGE_CLASS_KEYS = ("very_low", "low", "medium", "high")
#: SVG pattern defined by the base map; the fallback colour shows where patterns are unsupported
NO_DATA_FILL = "url(#ucj-nodata)"
NO_DATA_SWATCH = "repeating-linear-gradient(45deg,#f2f2f2 0 3px,#9e9e9e 3px 5px)"
POVERTY_RATIOS = (0.25, 0.5, 1.0, 2.0, 4.0)  # multiples of the baseline where the diverging classes break
#: upper bounds of the coverage-change classes (percentage points), symmetric around 0
CHANGE_STEPS_PP = (-5.0, -2.0, -0.5, 0.5, 2.0, 5.0)


@dataclass
class Classes:
    """A classification: ``index`` is the class per value (-1 = no data, never counted in a class).

    ``bins`` are the class upper bounds, mapclassify's: inclusive, i.e. class
    ``i`` holds (bins[i-1], bins[i]], the first from its minimum; the fixed
    coverage classes hold [threshold, next threshold), as
    :func:`ucj_dash.analysis.indicators.coverage_class`, so their bins are the
    thresholds (exclusive) and ``inf``. ``labels`` name each class's interval.
    """

    bins: list[float]
    colors: list[str]
    labels: list[str]
    index: np.ndarray
    method: str
    target: float | None = None  # the target (%) the "target" classes step towards


def children_table(
    dataset: Figures, registry: Registry, parent: str, period: str, settings: Settings, level: Level | None = None,
    since: str | None = None,
) -> pd.DataFrame:
    """One row per child of ``parent`` (every registry child, with or without data).

    With ``level``, one row per descendant of ``parent`` at that level instead
    (e.g. every kecamatan of a province). Columns: code, name, kind, the counts
    of ``period``, every indicator and the change of UCJ coverage since period
    ``since`` (percentage points; NaN without ``since``); regions the dataset does
    not cover have NaN counts ("no data").
    """
    codes = registry.descendants(parent, level) if level is not None else registry.children(parent)
    at = registry.table.index.get_indexer(codes)  # faster than ``.loc`` on the registry's 92k codes
    reg = pd.DataFrame({column: registry.table[column].array.take(at) for column in ("name", "kind")}, index=codes)
    table = pd.concat([reg, indicator_rows(dataset, codes, period, settings, since)], axis=1)
    table.index.name = "code"
    return table.reset_index()


#: one region's indicator row per (figures, code, period, settings, since): pages ask for a few on every rerun
_REGION_ROWS = figures_module.LRU(512)
figures_module.CACHES.append(_REGION_ROWS)


def region_row(dataset: Figures, code: str, period: str, settings: Settings, since: str | None = None) -> pd.Series:
    """Counts and indicators of one region in one period (all NaN when the data lacks it; a copy)."""
    key = (dataset.key, code, period, settings.key(), since)
    return _REGION_ROWS.get(key, lambda: indicator_rows(dataset, [code], period, settings, since).iloc[0]).copy()


def has_data(row: pd.Series) -> bool:
    """Whether an indicator row has any figures (any count known)."""
    return any(not pd.isna(row[column]) for column in COUNT_COLUMNS)


def regions_with_data(table: pd.DataFrame) -> int:
    """Rows of an indicator table with any figures (see :func:`has_data`)."""
    counts = table[list(COUNT_COLUMNS)].to_numpy(dtype=float, na_value=np.nan)  # as one array: ~0.7 ms, not ~2
    return int((~np.isnan(counts)).any(axis=1).sum())


#: the headline figures of a region and the pair each rests on
KPI_PAIRS = (("kpi.coverage", "ucj_coverage_pct", "ucj"), ("kpi.extreme_poverty", "extreme_poverty_rate_pct", "extreme_poverty"),
             ("kpi.vulnerable", "vulnerable_coverage_pct", "vulnerable"))


def kpi_notes(row: pd.Series, figures: Figures, code: str, period: str, lang: str) -> list[str]:
    """For each headline rate of ``row`` (region ``code``): why it is missing, or what share of the region it
    rests on when only part ("Cakupan UCJ: berdasarkan 3 dari 5 kabupaten/kota berdata"). Plain text."""
    notes = []
    for label, column, key in KPI_PAIRS:
        pair = PAIR_BY_KEY[key]
        if pd.isna(row[column]):
            notes.append(f"{t(label, lang)}: {figures.missing_text(pair, int(level_of(code)), period, lang)}")
        else:
            basis = basis_text(row[pair.column("used")], row[pair.column("units")], row[pair.column("unit_level")], lang)
            if basis:
                notes.append(f"{t(label, lang)}: {basis}")
    return notes


def without_boundary(table: pd.DataFrame, geoms: pd.DataFrame) -> int:
    """Rows of ``table`` (regions by ``code``) that have no boundary in the layer ``geoms``: listed, not drawn."""
    return int((~table["code"].isin(set(geoms["code"]))).sum())


def indicator_rows(dataset: Figures, codes: list[str], period: str, settings: Settings, since: str | None = None) -> pd.DataFrame:
    """Counts, matched pair sums and indicators of ``codes`` in ``period``, indexed by code; rows of NaN
    (units too) for codes without data. With ``since``, the change of UCJ coverage since that period
    (percentage points) in :data:`~ucj_dash.analysis.indicators.CHANGE_COLUMN`, else NaN.

    Taken out of every region's rows (:func:`_all_indicator_rows`, made once per figures, period, settings and
    ``since``): computing a few regions costs ~10 ms of pandas overhead whatever their number, taking them 0.5 ms.
    """
    since = since if since is not None and since in dataset.periods else None
    every = _ALL_ROWS.get((dataset.key, period, settings.key(), since), lambda: _all_indicator_rows(dataset, period, settings, since))
    out = every.reindex(codes)
    absent = every.index.get_indexer(out.index) < 0  # (``isin`` with 92k Arrow strings takes a second)
    if absent.any():  # regions the figures lack still have their target, and no covered count above its whole
        out.loc[absent, "target_pct"] = settings.targets_for(list(out.index[absent]))
        out["coverage_over_100"] = out["coverage_over_100"].eq(True)
    met = out["target_met"]
    if len(out) and met.notna().all():  # True/False where every row has a rate (NaN only where one lacks it)
        out["target_met"] = met.astype(bool)
    return out


#: :func:`_all_indicator_rows` per (figures, period, settings, since): ~43 MB each for 92k regions
_ALL_ROWS = figures_module.LRU(3)
figures_module.CACHES.append(_ALL_ROWS)


def _all_indicator_rows(dataset: Figures, period: str, settings: Settings, since: str | None) -> pd.DataFrame:
    """:func:`indicator_rows` of every region in ``period`` (~35 ms), its columns in a few blocks (one per dtype), so
    that taking rows out of it is one take per dtype."""
    counts = dataset.at(period).drop(columns="level")
    out = pd.concat([counts, indicators.compute(counts, settings)], axis=1)
    if since is not None:
        then = indicators.pct(*indicators.pair_sums(dataset.at(since), "ucj"))
        out[indicators.CHANGE_COLUMN] = indicators.coverage_change(out["ucj_coverage_pct"], then)
    else:
        out[indicators.CHANGE_COLUMN] = np.nan
    return out.copy()  # a deep copy consolidates the blocks: reindexing 49 blocks costs 3× more


def _value_label(value: float, unit: str, lang: str) -> str:
    """A class bound or value as the legend shows it: percent with 1 decimal, counts whole."""
    return fmt.number(value, lang, 1) + "%" if unit == "%" else fmt.number(value, lang, 0)


def _range_label(lo: float, hi: float, unit: str, lang: str, lower_closed: bool, upper_closed: bool,
                 decimals: int = 1) -> str:
    """The interval from ``lo`` to ``hi`` as the legend shows it; a bare bound is included, "<"/">" excludes it.

    ``lo`` = -inf: "≤ 25,0%" / "< 25,0%"; ``hi`` = inf: "≥ 60,0%" / "> 60,0%";
    otherwise "25,0 – < 40,0%" (closed lower, open upper) or "> 25,0 – 40,0%"
    (open lower, closed upper); a closed class of one value is that value.
    Percent with ``decimals`` decimals, counts whole.
    """
    dec = decimals if unit in ("%", "pp") else 0
    suffix = "%" if unit == "%" else ""
    lo_s, hi_s = fmt.number(lo, lang, dec), fmt.number(hi, lang, dec)
    if lower_closed and upper_closed and lo == hi:
        return f"{lo_s}{suffix}"
    if math.isinf(lo):
        return f"{'≤' if upper_closed else '<'} {hi_s}{suffix}"
    if math.isinf(hi):
        return f"{'≥' if lower_closed else '>'} {lo_s}{suffix}"
    return f"{'' if lower_closed else '> '}{lo_s} – {'' if upper_closed else '< '}{hi_s}{suffix}"


def _user_defined(data: np.ndarray, bins: list[float]) -> np.ndarray:
    """mapclassify's class per value of ``data`` (no NaN) for the upper bounds ``bins`` (last = inf)."""
    return mapclassify.UserDefined(data, bins).yb if len(data) else np.zeros(0, dtype=int)


def classify(values: pd.Series, metric: Metric, method: str, settings: Settings, lang: str = "id",
             parent: str | None = None) -> Classes:
    """Bin ``values`` for the map; the class of every value is mapclassify's (``yb``).

    - ``target`` (the default) on a coverage %: five steps up to the target and
      one for "target met" (upper bounds at 20, 40, 60, 80 and 100% of the
      target of ``parent``, the region whose children are drawn, else the
      national one; 100% for village officials), each closed below ("20,9 – < 31,3%"), so that the regions a
      meeting compares fall into different colours; on counts it falls back to quantiles;
    - extreme poverty: always a diverging scale centred on the baseline, with
      upper bounds at ¼, ½, 1, 2 and 4 times it (``UserDefined``, labels with
      2 decimals as the baseline): a value exactly at the baseline is in the
      class "> 0,42 – 0,83%" below it, as the priority groups count it "not
      above the baseline";
    - ``fixed`` on a coverage %: the sangat rendah / rendah / sedang / tinggi
      classes of the settings, a value on a threshold in the higher class as
      :func:`~ucj_dash.analysis.indicators.coverage_class` ("25,0 – < 40,0%");
      on counts ``fixed`` falls back to quantiles;
    - ``quantiles`` (5 classes) or ``equal_interval`` (5 classes) via mapclassify,
      the first class from the minimum ("10,0 – 25,0%"), the others
      "> 25,0 – 40,0%" up to the maximum; fewer classes with fewer distinct
      values; when every region with data has the same value, one class named
      by that value; with no data at all, no class (the legend shows only "no data").
    """
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
    valid = ~np.isnan(v)
    data = v[valid]
    index = np.full(len(v), -1)
    if metric.change:
        bins = [*CHANGE_STEPS_PP, math.inf]
        index[valid] = _user_defined(data, bins)
        colors, method = PALETTES[metric.scheme], "change"
        lows, lower_closed, decimals = [-math.inf, *bins[:-1]], False, 1
    elif metric.diverging_around:
        centre = settings[metric.diverging_around]
        bins = [centre * r for r in POVERTY_RATIOS] + [math.inf]
        index[valid] = _user_defined(data, bins)
        colors, method = PALETTES[metric.scheme], "baseline"
        lows, lower_closed, decimals = [-math.inf, *bins[:-1]], False, 2
    elif method == "target" and metric.unit == "%":
        target = 100.0 if metric.key == "village_officials" else float(settings.target_for(parent) if parent else settings.target_pct)
        thresholds = [target * f for f in TARGET_STEPS]
        index[valid] = _user_defined(data, [*np.nextafter(thresholds, -math.inf), math.inf])
        bins, colors = [*thresholds, math.inf], TARGET_STEP_COLORS
        lows, lower_closed, decimals = [-math.inf, *thresholds], True, 1
    elif method == "fixed" and metric.unit == "%":
        thresholds = [float(b) for b in settings.coverage_class_breaks]
        # below a threshold = at most the float just under it: mapclassify's (lo, hi] becomes [lo, hi)
        index[valid] = _user_defined(data, [*np.nextafter(thresholds, -math.inf), math.inf])
        bins, colors = [*thresholds, math.inf], COVERAGE_CLASS_COLORS
        lows, lower_closed, decimals = [-math.inf, *thresholds], True, 1
    else:
        method = "equal_interval" if method == "equal_interval" else "quantiles"  # counts: fixed/target make no sense
        distinct = np.unique(data)
        colors = PALETTES[metric.scheme]
        if len(distinct) < 2:
            index[valid] = 0
            bins = [float(x) for x in distinct]
            colors = [colors[len(colors) // 2]] if len(distinct) else []
            labels = [_value_label(x, metric.unit, lang) for x in bins]
            return Classes(bins=bins, colors=colors, labels=labels, index=index, method=method)
        k = min(len(colors), len(distinct))
        cls = mapclassify.EqualInterval(data, k=k) if method == "equal_interval" else mapclassify.Quantiles(data, k=k)
        index[valid] = cls.yb
        bins = [float(b) for b in cls.bins]
        colors = colors[-len(bins):]
        lows, lower_closed, decimals = [float(distinct[0]), *bins[:-1]], False, 1
    labels = []
    for i, (lo, hi) in enumerate(zip(lows, bins)):
        # the first class of quantiles / equal interval is closed at its minimum
        closed = lower_closed or (i == 0 and not math.isinf(lo))
        label = _range_label(lo, hi, metric.unit, lang, closed, not lower_closed, decimals)
        if method == "fixed":
            label = f"{t('class.' + COVERAGE_CLASS_KEYS[i], lang)} ({label})"
        elif method == "target":
            label = (t("class.target_met", lang, range=label) if math.isinf(hi)
                     else t("class.target_step", lang, share=fmt.number(TARGET_STEPS[i] * 100, lang), range=label))
        labels.append(label)
    return Classes(bins=bins, colors=colors, labels=labels, index=index, method=method, target=target if method == "target" else None)


def one_class(classes: Classes) -> bool:
    """Whether every region with data (two or more) falls into one class: the colours then tell nothing apart."""
    drawn = classes.index[classes.index >= 0]
    return len(drawn) > 1 and len(np.unique(drawn)) == 1


def spread_alternative(classes: Classes) -> str | None:
    """The classification to offer when :func:`one_class` holds: quantiles show the spread (none once quantiles
    are shown: the values are then all equal)."""
    return None if classes.method in ("quantiles", "equal_interval", "baseline", "change") else "quantiles"


def method_label(classes: Classes, settings: Settings, lang: str) -> str:
    """How the classes were made, in words ("kelas tetap", "kuantil", "around the baseline 0.83%")."""
    if classes.method == "baseline":
        return t("legend.method.baseline", lang, baseline=fmt.percent(settings.baseline_pct, lang, 2))
    if classes.method == "target":
        return t("legend.method.target", lang, target=fmt.percent(classes.target, lang, 2))
    if classes.method == "change":
        return t("legend.method.change", lang)
    return t("legend.method." + classes.method, lang)


def metric_explain(metric: Metric, settings: Settings, lang: str) -> str:
    """What ``metric`` measures, in words; a diverging metric names its centre's value, source and date."""
    params = {}
    if metric.diverging_around:
        item = settings.item(metric.diverging_around)
        params = {"baseline": fmt.percent(item.value, lang, 2), "source": item.source, "as_of": item.as_of}
    return t(f"metric.{metric.key}.explain", lang, **params)


def colors_for(classes: Classes) -> list[str]:
    return [classes.colors[i] if i >= 0 else NO_DATA_FILL for i in classes.index]


def layer_geojson(table: pd.DataFrame, geoms: pd.DataFrame, metric: Metric | None, classes: Classes, period: str,
                  figures: Figures, lang: str, selected: str | None = None, value_text: pd.Series | None = None,
                  pairs: tuple[str, ...] = ()) -> str:
    """GeoJSON of the children that have a boundary, with escaped tooltip text and fill colour.

    ``geoms`` has code and geometry (display layer). The tooltip's value is the
    metric's, or ``value_text`` (one string per table row) when given; a missing
    value says why (e.g. the denominator is only given down to kabupaten level),
    a rate resting on only part of a region says so. The source names where the
    numerator and denominator of the metric's pair (or of ``pairs``) come from, with
    their periods. Text from data (names, dataset names) is HTML-escaped: Leaflet
    renders tooltips as HTML.
    """
    shown_pairs = [PAIR_BY_KEY[metric.pair]] if metric is not None else [PAIR_BY_KEY[k] for k in pairs]
    wanted = ["code", "name", "kind"]
    if value_text is None:
        pair = shown_pairs[0]
        wanted += [metric.column, pair.column("used"), pair.column("units"), pair.column("unit_level")]
    # the rows with a boundary, in the layer's order, as lists of only the columns the features need (a pandas
    # merge and walk of the table's ~70 columns took ~15 ms a view)
    columns = {column: table[column].tolist() for column in wanted}
    columns["fill_color"] = colors_for(classes)
    if value_text is not None:
        columns["value_text"] = list(value_text)
    position = {code: i for i, code in enumerate(columns["code"])}
    drawn = [(j, position[code]) for j, code in enumerate(geoms["code"].tolist()) if code in position]
    rows = {column: [values[i] for _, i in drawn] for column, values in columns.items()}
    geometry = geoms["geometry"].to_numpy()[[j for j, _ in drawn]]
    source = markup.html(" | ".join(figures.rate_provenance(p, period, lang) for p in shown_pairs) or "—")
    simulated = t("simulated.label", lang) if figures.meta.simulated else ""
    period_text = fmt.period(period, lang)
    kinds: dict[str, str] = {}
    missing: dict[int, str] = {}
    props = []
    for i, code in enumerate(rows["code"]):
        notes = [simulated] if simulated else []
        if value_text is not None:
            shown = markup.html(rows["value_text"][i])
        else:
            value = rows[metric.column][i]
            if pd.isna(value):
                level = int(level_of(code))
                if level not in missing:
                    missing[level] = figures.missing_text(pair, level, period, lang)
                shown = markup.html(f"{t('legend.no_data', lang)}: {missing[level]}")
            else:
                shown = fmt.value(value, metric.unit, lang)
                basis = basis_text(rows[pair.column("used")][i], rows[pair.column("units")][i],
                                   rows[pair.column("unit_level")][i], lang)
                if basis:
                    notes.append(basis)
        kind = rows["kind"][i]
        if kind not in kinds:
            kinds[kind] = markup.html(t("kind." + kind, lang))
        props.append(
            {
                "id": code,
                "kind": kinds[kind],
                "value": shown,
                "period": period_text,
                "source": source,
                "note": markup.html(" · ".join(notes)),
                "fill": rows["fill_color"][i],
                "sel": code == selected,
            }
        )
    names = [markup.html(n) for n in rows["name"]]
    return feature_collection(rows["code"], names, geometry, props)


#: (min lng, min lat, max lng, max lat): what the map shows when a view draws no region (none has a boundary)
INDONESIA_BOUNDS = (95.0, -11.0, 141.0, 6.0)


_NODATA_PATTERN_JS = """
(function () {
  var map = %(map)s;
  function addHatch() {
    var svg = map.getPanes().overlayPane.querySelector('svg');
    if (!svg || svg.querySelector('#ucj-nodata')) { return; }
    var ns = 'http://www.w3.org/2000/svg';
    var defs = document.createElementNS(ns, 'defs');
    var pat = document.createElementNS(ns, 'pattern');
    pat.setAttribute('id', 'ucj-nodata');
    pat.setAttribute('patternUnits', 'userSpaceOnUse');
    pat.setAttribute('width', '6'); pat.setAttribute('height', '6');
    pat.setAttribute('patternTransform', 'rotate(45)');
    var bg = document.createElementNS(ns, 'rect');
    bg.setAttribute('width', '6'); bg.setAttribute('height', '6'); bg.setAttribute('fill', '#f2f2f2');
    var line = document.createElementNS(ns, 'rect');
    line.setAttribute('width', '2'); line.setAttribute('height', '6'); line.setAttribute('fill', '#9e9e9e');
    pat.appendChild(bg); pat.appendChild(line); defs.appendChild(pat);
    svg.insertBefore(defs, svg.firstChild);
  }
  map.on('layeradd', addHatch);
  addHatch();
  // Leaflet focuses the map on mousedown; inside Streamlit's iframe that scrolls the
  // page to bring the whole map into view and the click's release misses its target.
  var container = map.getContainer();
  container.focus = function () { HTMLElement.prototype.focus.call(container, {preventScroll: true}); };
})();
"""


# The view fits the regions drawn, at once: streamlit-folium's own ``center``/``zoom`` start a Leaflet
# zoom animation after each drill, and a click during it lands wherever the moving regions happen to be
# (another region or the sea: the click was lost). Fitting here also uses the map's real size, so the
# region fills the map (Indonesia its width at the national view).
_FIT_JS = """
(function () {
  var map = %(map)s;
  var fallback = L.latLngBounds([[%(south)s, %(west)s], [%(north)s, %(east)s]]);
  var pending = false, fitted = null, atFit = false, fitting = false, reported = !%(report)s;
  function drawnBounds() {
    var b = L.latLngBounds([]);
    map.eachLayer(function (l) { if (l.feature && l.getBounds) { b.extend(l.getBounds()); } });
    return b.isValid() ? b : fallback;
  }
  function fit(b) {
    fitting = true;
    try { map.fitBounds(b, {animate: false, padding: [10, 10]}); } finally { fitting = false; }
    fitted = b; atFit = true;
    if (!reported) { reported = true; setTimeout(report, 0); }
  }
  // Tell the app the map is drawn (once per map): a value with "drawn" beside streamlit-folium's own, which stays its
  // reference, so that it sends nothing for it.
  function report() {
    var g = window.__GLOBAL_DATA__, S = window.Streamlit;
    if (g && S) { S.setComponentValue(Object.assign({}, g.previous_data, {drawn: true})); }
  }
  // A new set of regions (a drill, another metric) is added in one go: fit once it is all there, in the same
  // task (before the browser paints or takes a click), and only when the regions' bounds changed.
  map.on('layeradd', function (e) {
    if (pending || !(e.layer.feature || e.layer instanceof L.GeoJSON)) { return; }
    pending = true;
    Promise.resolve().then(function () {
      pending = false;
      var b = drawnBounds();
      if (!fitted || !b.equals(fitted)) { fit(b); }
    });
  });
  // The page's layout can change the map's width after it is drawn: fit again unless the user moved the map.
  map.on('movestart zoomstart', function () { if (!fitting) { atFit = false; } });
  map.on('resize', function () { if (atFit) { fit(fitted); } });
})();
"""

# streamlit-folium sends a click to the app 250 ms after it (a debounce for drawings and pans). A click on a
# region is sent at once here, with exactly the value streamlit-folium would send (keys in its order), which
# it then finds unchanged and does not send again. Region layers handle a click before the map does.
_CLICK_JS = """
(function () {
  var map = %(map)s;
  var KEYS = ['last_object_clicked', 'last_object_clicked_count', 'last_object_clicked_tooltip',
              'last_object_clicked_popup', 'all_drawings', 'last_active_drawing'];
  map.on('click', function (e) {
    var g = window.__GLOBAL_DATA__, S = window.Streamlit;
    if (!g || !S || g.wrap_longitude || !g.returned_objects || g.last_object_clicked !== e.latlng) { return; }
    if (!g.returned_objects.every(function (k) { return KEYS.indexOf(k) >= 0; })) { return; }
    var data = {};
    KEYS.forEach(function (k) { if (g.returned_objects.indexOf(k) >= 0) { data[k] = g[k]; } });
    if (JSON.stringify(data) !== JSON.stringify(g.previous_data)) {
      g.previous_data = data;
      S.setComponentValue(data);
    }
  });
})();
"""


class _Script(folium.MacroElement):
    """A raw script run once the map exists (``%(map)s`` is the map variable, ``params`` fill the other
    ``%(name)s``)."""

    def __init__(self, js: str, **params):
        super().__init__()
        self._js = js
        self._params = params
        self._template = leaflet_speed.template("{% macro script(this, kwargs) %}{{ this.js() }}{% endmacro %}")

    def js(self) -> str:
        return self._js % {"map": self._parent.get_name(), **self._params}


class _Css(folium.MacroElement):
    def __init__(self, css: str):
        super().__init__()
        self._template = leaflet_speed.template("{% macro header(this, kwargs) %}<style>" + css + "</style>{% endmacro %}")


@functools.lru_cache(maxsize=8)
def _map_class(asset_urls: tuple[tuple[str, str], ...]) -> type[folium.Map]:
    """``folium.Map`` loading Leaflet from ``asset_urls`` (``leaflet_js``/``leaflet_css``; CDN when empty): one
    class per set of URLs, not one per map (a class per rerun is garbage only a full collection frees)."""
    urls = dict(asset_urls)

    class OfflineMap(folium.Map):
        default_js = [("leaflet", urls["leaflet_js"])] if urls else folium.Map.default_js
        default_css = [("leaflet_css", urls["leaflet_css"])] if urls else folium.Map.default_css

    return OfflineMap


def base_map(asset_urls: dict[str, str] | None = None, basemap: bool = False, report_drawn: bool = False) -> folium.Map:
    """The constant base map: no tiles (works offline), the no-data hatch defined; it fits the regions drawn
    without animation (Indonesia when none is drawn) and sends a click on a region at once.

    ``asset_urls`` maps ``leaflet_js``/``leaflet_css`` to URLs the app serves
    itself; with them, the map loads nothing from a CDN. Give ``st_folium`` no
    ``center`` or ``zoom``: it would animate to them. With ``report_drawn``, the
    map sends a value ``{..., "drawn": true}`` once its first regions are drawn.
    """
    OfflineMap = _map_class(tuple(sorted(asset_urls.items())) if asset_urls else ())
    west, south, east, north = INDONESIA_BOUNDS
    # zoom_snap 0: the fit is exact (a region fills the map's width or height), any zoom level is drawn sharp
    m = OfflineMap(location=[(south + north) / 2, (west + east) / 2], zoom_start=5, tiles=None, control_scale=True,
                   min_zoom=3, max_bounds=True, zoom_snap=0, prefer_canvas=False)
    if basemap:
        folium.TileLayer("OpenStreetMap", attr="© OpenStreetMap contributors").add_to(m)
    m.get_root().header.add_child(_Css(".leaflet-container{background:#dfe9f3 !important;font:13px/1.4 sans-serif}"
        ".leaflet-tooltip{white-space:normal;min-width:220px;max-width:320px}"))
    m.add_child(_Script(_NODATA_PATTERN_JS))
    m.add_child(_Script(_FIT_JS, west=west, south=south, east=east, north=north, report=str(report_drawn).lower()))
    m.add_child(_Script(_CLICK_JS))
    return m


#: the feature properties a region's tooltip shows, in order (:func:`choropleth_group`)
TOOLTIP_FIELDS = ("name", "kind", "code", "value", "period", "source", "note")


def tooltip_labels(lang: str) -> list[str]:
    """The labels of :data:`TOOLTIP_FIELDS` in ``lang``."""
    return [t("tooltip." + f, lang) for f in TOOLTIP_FIELDS]


def choropleth_key(geojson: str, name: str, tooltip_aliases) -> tuple:
    """What determines the script of a :func:`choropleth_group` layer (:func:`leaflet_speed.mark`): its GeoJSON
    text, name and tooltip labels."""
    return geojson, name, tuple(tooltip_aliases)


def choropleth_group(geojson: str, name: str, tooltip_aliases: list[str]) -> folium.FeatureGroup:
    """The layer drawn for one view: fill from each feature's ``fill`` property, tooltip, hover highlight."""
    group = folium.FeatureGroup(name=name)
    folium.GeoJson(
        leaflet_speed.geojson_data(geojson),  # parsed once per text, written back as that text
        name=name,
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "color": "#111111" if f["properties"]["sel"] else "#5f5f5f",
            "weight": 3 if f["properties"]["sel"] else 0.7,
            "fillOpacity": 0.85,
        },
        highlight_function=lambda f: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(
            fields=list(TOOLTIP_FIELDS),
            aliases=tooltip_aliases,
            sticky=True,
        ),
        zoom_on_click=False,
    ).add_to(group)
    return leaflet_speed.mark(group, *choropleth_key(geojson, name, tooltip_aliases))


def legend_html(classes: Classes, metric_label: str, method_label: str, lang: str, simulated: bool) -> str:
    """The legend as HTML: a swatch per class, one for "no data", the simulated label."""
    rows = [
        f'<span class="ucj-sw" style="background:{c}"></span>{markup.html(label)}'
        for c, label in zip(classes.colors, classes.labels)
    ]
    rows.append(f'<span class="ucj-sw" style="background:{NO_DATA_SWATCH}"></span>{markup.html(t("legend.no_data", lang))}')
    title = markup.html(t("legend.title", lang, metric=metric_label, method=method_label))
    sim = f'<div class="ucj-sim">{markup.html(t("simulated.label", lang))}</div>' if simulated else ""
    items = "".join(f'<div class="ucj-li">{r}</div>' for r in rows)
    if one_class(classes):
        n = int((classes.index >= 0).sum())
        items += f'<div class="ucj-one" data-testid="ucj-one-class">{markup.html(t("legend.one_class", lang, n=n))}</div>'

    return (
        "<style>.ucj-legend{font-size:0.9rem;line-height:1.5}.ucj-li{display:inline-block;margin:0 14px 2px 0;white-space:nowrap}"
        ".ucj-sw{display:inline-block;width:18px;height:12px;border:1px solid #777;margin-right:5px;vertical-align:middle}"
        ".ucj-one{font-style:italic;color:#7a4b00}"
        ".ucj-sim{display:inline-block;background:#fff3cd;border:1px solid #c9a227;padding:0 6px;border-radius:4px;font-weight:600}</style>"
        f'<div class="ucj-legend" data-testid="ucj-legend"><div><b>{title}</b></div>{items}{sim}</div>'
    )
