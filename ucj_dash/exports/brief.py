"""A one- or two-page A4 PDF brief of one region for a meeting (reportlab, no browser).

:func:`brief_pdf` puts on paper what the profile and map pages show: the
region and period (with the simulated-data label on every page), the headline
figures (why one is missing, or on what part of the region it rests) and the
source and period of each figure's numerator and denominator, the map of its children, the children
table, the priority list with reasons, the cost of closing the gap and the
method note. Meaning is never carried by colour alone (text labels, dark
borders), so the brief reads in grayscale. Fonts: DejaVu Sans as shipped with
Matplotlib, so "—", "≥", "×" and "÷" print.
"""

from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

import matplotlib
import pandas as pd
from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ucj_dash.analysis import cost, priority, profile
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets.dataset import PAIR_BY_KEY
from ucj_dash.datasets.figures import Figures, basis_text
from ucj_dash.exports import mapimage
from ucj_dash.exports.workbook import rule_text
from ucj_dash.geography.regions import Level, Registry, level_of, parent_of
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t
from ucj_dash.views import mapview, tables

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
MAP_DPI = 150
MAX_CHILD_ROWS = 10
MAX_PRIORITY_ROWS = 10
MAX_PAGES = 2
#: layouts tried in turn until the brief fits on MAX_PAGES pages:
#: (children table rows, priority rows, map area height in inches; legend and notes come below the map)
LAYOUTS = ((MAX_CHILD_ROWS, MAX_PRIORITY_ROWS, 3.2), (8, MAX_PRIORITY_ROWS, 2.6), (6, 8, 2.2), (5, 5, 1.8))
MARGIN = 1.4 * cm
FRAME_W = A4[0] - 2 * MARGIN

_HEADER_BG = colors.HexColor("#e7e6e6")
_GRID = colors.HexColor("#9a9a9a")
_SIM_BG = colors.HexColor("#fff3cd")
_SIM_BORDER = colors.HexColor("#6b5200")


def register_fonts() -> None:
    """Register DejaVu Sans (regular, bold, oblique) from Matplotlib's data once per process."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    base = matplotlib.get_data_path() + "/fonts/ttf/"
    for name, file in (
        (FONT, "DejaVuSans.ttf"),
        (FONT_BOLD, "DejaVuSans-Bold.ttf"),
        ("DejaVuSans-Oblique", "DejaVuSans-Oblique.ttf"),
        ("DejaVuSans-BoldOblique", "DejaVuSans-BoldOblique.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, base + file))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic="DejaVuSans-Oblique", boldItalic="DejaVuSans-BoldOblique")


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=8.5, leading=11, textColor=colors.black)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=2),
        "h2": ParagraphStyle("h2", parent=body, fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=7, spaceAfter=3),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.3, leading=9.2, textColor=colors.HexColor("#222222")),
        "cell": ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9.3),
        "cell_b": ParagraphStyle("cell_b", parent=body, fontName=FONT_BOLD, fontSize=7.5, leading=9.3),
        "cell_r": ParagraphStyle("cell_r", parent=body, fontSize=7.5, leading=9.3, alignment=2),
        "sim": ParagraphStyle("sim", parent=body, fontName=FONT_BOLD, fontSize=10, leading=13),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped: names from data may hold ``<`` or ``&``)."""
    return Paragraph(escape(str(text)), style)


def _table(rows: list[list], widths: list[float], header: bool = True, align_right: tuple[int, ...] = ()) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), _HEADER_BG))
    table.setStyle(TableStyle(style))
    return table


def rate_note(figures: Figures, row: pd.Series, pair_key: str, column: str, region: str, period: str, lang: str) -> str:
    """Beside a headline rate: why it is missing ("Tidak ada data: penyebut hanya tersedia sampai tingkat
    kabupaten/kota."), or the part of the region it rests on ("Berdasarkan 1 dari 2 desa berdata."); else ""."""
    pair = PAIR_BY_KEY[pair_key]
    if pd.isna(row[column]):
        return f"{t('legend.no_data', lang)}: {figures.missing_text(pair, int(level_of(region)), period, lang)}."
    basis = basis_text(row[pair.column("used")], row[pair.column("units")], row[pair.column("unit_level")], lang)
    return f"{basis[:1].upper()}{basis[1:]}." if basis else ""


def _joined(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _headline(figures, registry, region, period, settings, lang, s) -> Table:
    """Headline figures: value and, beside it, what it is compared with, and why it is missing or on what it rests."""
    row = mapview.region_row(figures, region, period, settings)

    def note(pair_key: str, column: str) -> str:
        return rate_note(figures, row, pair_key, column, region, period, lang)

    target_item = settings.item("ucj_target_pct")
    own_target = settings.target_region(region) is not None
    target_source = t("export.brief.own_target", lang) if own_target else target_item.source
    cov, target = row["ucj_coverage_pct"], row["target_pct"]
    status = "—" if pd.isna(cov) else (t("export.brief.met", lang) if cov >= target else t("export.brief.not_met", lang))
    baseline = settings.item("extreme_poverty_baseline_pct")
    officials = profile.village_officials(figures, region, period)
    rows = [
        [t("export.brief.col.figure", lang), t("export.brief.col.value", lang), t("export.brief.col.basis", lang)],
        [
            t("kpi.coverage", lang),
            fmt.percent(cov, lang),
            _joined(t("export.brief.vs_target", lang, target=fmt.percent(target, lang, 2), status=status,
                      source=target_source, as_of=target_item.as_of), note("ucj", "ucj_coverage_pct")),
        ],
        [
            t("profile.gap", lang),
            fmt.value(row["gap_to_target_workers"], "orang", lang),
            _joined(t("export.brief.gap_basis", lang), note("ucj", "ucj_coverage_pct")),
        ],
        [
            t("profile.vulnerable", lang),
            t("export.brief.vulnerable_value", lang, covered=fmt.number(row["vulnerable_covered"], lang),
              uncovered=fmt.number(row["uncovered_vulnerable_workers"], lang), pct=fmt.percent(row["vulnerable_coverage_pct"], lang)),
            note("vulnerable", "vulnerable_coverage_pct"),
        ],
        [
            t("kpi.extreme_poverty", lang),
            fmt.percent(row["extreme_poverty_rate_pct"], lang, 2),
            _joined(t("export.brief.poverty_basis", lang, delta=fmt.points(row["extreme_poverty_vs_baseline_pp"], lang),
                      baseline=fmt.percent(baseline.value, lang, 2), source=baseline.source, as_of=baseline.as_of),
                    note("extreme_poverty", "extreme_poverty_rate_pct")),
        ],
        [
            t("profile.officials", lang),
            t("export.brief.officials_value", lang, enrolled=fmt.number(officials.enrolled, lang),
              total=fmt.number(officials.officials, lang), pct=fmt.percent(officials.enrolled_pct, lang)),
            (t("profile.officials.villages", lang, pct=fmt.percent(officials.villages_all_enrolled_pct, lang),
               n=fmt.number(officials.villages_all_enrolled, lang), reporting=fmt.number(officials.villages_reporting, lang))
             if officials.villages_reporting else t("profile.officials.none", lang)) + ".",
            note("village_officials", "village_official_coverage_pct"),
        ],
    ]
    cells = [[_p(c, s["cell_b"]) for c in rows[0]]]
    cells += [[_p(r[0], s["cell"]), _p(r[1], s["cell_b"]), _p(_joined(*r[2:]), s["small"])] for r in rows[1:]]
    return _table(cells, [4.2 * cm, 4.6 * cm, FRAME_W - 8.8 * cm])


def _sources(figures: Figures, period: str, lang: str, s) -> list:
    """Where each figure comes from: for each, its numerator's and denominator's dataset and period
    (:meth:`~ucj_dash.datasets.figures.Figures.source_lines`), the figure's name in bold. One paragraph, the
    lines separated by " | " as in the workbook: a paragraph each would push the brief to fewer table rows."""
    parts = []
    for line in figures.source_lines(period, lang):
        label, sep, rest = line.partition(" — ")
        parts.append(f"<b>{escape(label)}</b>{escape(sep + rest)}")
    text = f"<b>{escape(t('export.def.provenance', lang))}:</b> " + " | ".join(parts)
    return [Spacer(1, 3), Paragraph(text, s["small"])]


def _map(figures, registry, region, period, settings, lang, s, map_height_in: float) -> list:
    parent = parent_of(region) if level_of(region) == Level.VILLAGE else region
    selected = region if level_of(region) == Level.VILLAGE else None
    png = mapimage.render_png(figures, registry, parent, period, "ucj_coverage", "fixed", settings, lang, dpi=MAP_DPI,
                              width_in=FRAME_W / 72, selected=selected, decorations=False, max_map_height_in=map_height_in)
    with PILImage.open(io.BytesIO(png)) as im:
        w_px, h_px = im.size
    width = FRAME_W
    height = width * h_px / w_px
    child = Level(level_of(parent) + 1)
    heading = t("export.brief.map", lang, metric=t("metric.ucj_coverage", lang)) + " — " + t(
        "map.children_of", lang, level=t("level." + child.key, lang), region=mapimage.region_label(registry, parent, lang))
    return [KeepTogether([_p(heading, s["h2"]), Image(io.BytesIO(png), width=width, height=height)])]


#: the children table of the brief: the lowest coverage first
CHILD_COLUMNS = (
    tables.Column("name", "col.name"),
    tables.indicator("ucj_coverage_pct", "col.ucj_coverage_pct"),
    tables.indicator("vulnerable_coverage_pct", "col.vulnerable_coverage_pct"),
    tables.indicator("uncovered_workers", "col.uncovered_workers"),
    tables.indicator("extreme_poverty_rate_pct", "col.extreme_poverty_rate_pct"),
    tables.indicator("village_official_coverage_pct", "col.village_official_coverage_pct"),
)


def _children(children: pd.DataFrame, registry, region, lang, s, max_rows: int) -> list:
    level = t("level." + Level(level_of(region) + 1).key, lang)
    out = [_p(t("map.children_of", lang, level=level, region=mapimage.region_label(registry, region, lang)), s["h2"])]
    table = tables.build(children, CHILD_COLUMNS, lang, sort_by="ucj_coverage_pct", ascending=True)
    shown = table.frame.head(max_rows)
    out.append(_p(t("export.brief.children_note", lang, shown=fmt.number(len(shown), lang), n=fmt.number(len(children), lang),
                    count=len(children), level=level.lower()), s["small"]))
    units = list(table.units.values())
    rows = [[_p(h, s["cell_b"]) for h in shown.columns]]
    for values in shown.itertuples(index=False):
        rows.append([_p(tables.cell_text(v, unit, lang), s["cell"] if unit is tables.TEXT else s["cell_r"])
                     for v, unit in zip(values, units)])
    w = (FRAME_W - 5.2 * cm) / (len(units) - 1)
    out.append(_table(rows, [5.2 * cm] + [w] * (len(units) - 1)))
    return out


def _priority(children: pd.DataFrame, settings, lang, rule, s, max_rows: int) -> list:
    """The first ``max_rows`` children in priority order; children without any figure the rule uses are left out."""
    ranked = priority.rankable(priority.rank(children, settings, rule)).head(max_rows)
    out = [_p(t("export.brief.priority", lang, n=len(ranked)), s["h2"]), _p(rule_text(rule, lang), s["small"])]
    if ranked.empty:
        return [*out, _p(t("present.priority.none", lang), s["body"])]
    head = ("#", f"{t('col.name', lang)} · {t('col.quadrant', lang)}", t("col.reason", lang))
    rows = [[_p(h, s["cell_b"]) for h in head]]
    for _, r in ranked.iterrows():
        rows.append([
            _p(str(int(r["rank"])), s["cell_r"]),
            [_p(r["name"], s["cell_b"]), _p(t("priority.group." + r["quadrant"], lang), s["small"])],
            _p(priority.reason(r, settings, lang, rule.coverage), s["cell"]),
        ])
    out.append(_table(rows, [0.8 * cm, 5.4 * cm, FRAME_W - 6.2 * cm]))
    return out


def _cost(figures, region, period, settings, lang, with_jht, s) -> list:
    row = mapview.region_row(figures, region, period, settings)
    out = [_p(t("cost.title", lang), s["h2"])]
    head = [t("cost.group", lang), t("cost.workers", lang), t("cost.monthly", lang), t("cost.yearly", lang)]
    rows = [[_p(h, s["cell_b"]) for h in head]]
    missing = []
    for group in cost.GROUPS:
        gc = cost.gap_cost(row, group, settings, with_jht)
        if pd.isna(gc.workers):
            missing.append(cost.no_data_text(group, lang))
        rows.append([
            _p(t("cost.group." + group, lang), s["cell"]),
            _p(fmt.number(gc.workers, lang), s["cell_r"]),
            _p(f"{fmt.rupiah(gc.monthly_rp, lang)} ({fmt.rupiah(gc.monthly_rp, lang, compact=False)})", s["cell_r"]),
            _p(f"{fmt.rupiah(gc.yearly_rp, lang)} ({fmt.rupiah(gc.yearly_rp, lang, compact=False)})", s["cell_r"]),
        ])
    out.append(_table(rows, [5.0 * cm, 2.6 * cm, (FRAME_W - 7.6 * cm) / 2, (FRAME_W - 7.6 * cm) / 2]))
    for text in [cost.rate_text(settings, lang, with_jht), t("cost.note", lang), *missing]:
        out.append(_p(text, s["small"]))
    return out


def _method(settings, lang, s) -> list:
    baseline = settings.item("extreme_poverty_baseline_pct")
    target = settings.item("ucj_target_pct")
    lines = [
        t("metric.ucj_coverage.explain", lang),
        t("metric.vulnerable_coverage.explain", lang),
        t("metric.extreme_poverty.explain", lang, baseline=fmt.percent(baseline.value, lang, 2), source=baseline.source,
          as_of=baseline.as_of),
        t("metric.village_officials.explain", lang),
        f"{t('export.ind.gap_to_target_workers', lang)}: {t('export.def.gap_to_target_workers', lang)}",
        t("export.brief.baseline_note", lang, note=baseline.note),
        t("export.brief.target_note", lang, note=f"{fmt.percent(target.value, lang, 2)} ({target.source}, {target.as_of}). {target.note}"),
        t("about.method.text", lang),
        t("export.registry_source", lang),
        t("map.boundary_source", lang),
    ]
    return [_p(t("export.brief.method", lang), s["h2"])] + [_p("• " + line, s["small"]) for line in lines]


def brief_pdf(figures: Figures, registry: Registry, region: str, period: str, settings: Settings, lang: str = "id",
              rule: priority.Rule | None = None, with_jht: bool = False) -> bytes:
    """The A4 brief of ``region`` in ``period`` as PDF bytes (one or two pages).

    ``rule`` is the priority ranking rule (the default rule if None);
    ``with_jht`` adds the minimum JHT to the per-worker cost (rupiah per month).
    Should the brief run over two pages (many long names, long dataset
    names in the sources), it is laid out again with fewer table rows and a smaller map;
    the tables say how many rows they show.
    """
    register_fonts()
    rule = rule or priority.Rule()
    s = _styles()
    meta = figures.meta
    name = mapimage.region_label(registry, region, lang)
    today = date.today().isoformat()
    head: list = [_p(t("export.brief.title", lang, region=name), s["title"])]
    kind = t("kind." + registry.kind(region), lang) if region in registry else t("level.nation", lang)
    path = registry.path_label(region)
    head.append(_p(t("export.brief.meta", lang, kind=kind, path=path, code=region, period=period), s["body"]))
    if meta.simulated:
        banner = Table([[_p(f"{t('simulated.label', lang).upper()} — {t('simulated.short', lang)}", s["sim"])]], colWidths=[FRAME_W])
        banner.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), _SIM_BG), ("BOX", (0, 0), (-1, -1), 1.2, _SIM_BORDER),
                                    ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        head += [Spacer(1, 4), banner]
    head += [_p(t("export.brief.headline", lang), s["h2"]), _headline(figures, registry, region, period, settings, lang, s)]
    if not mapview.has_data(mapview.region_row(figures, region, period, settings)):
        head.append(_p(t("kpi.no_data", lang, region=name, period=period), s["body"]))
    head += _sources(figures, period, lang, s)
    village = level_of(region) == Level.VILLAGE
    children = None if village else mapview.children_table(figures, registry, region, period, settings)
    tail = _cost(figures, region, period, settings, lang, with_jht, s) + _method(settings, lang, s)

    footer_left = f"{t('app.title', lang)} · {name} · {period}"
    footer_sim = t("simulated.label", lang) if meta.simulated else ""

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.drawString(MARGIN, 0.8 * cm, footer_left)
        canvas.drawRightString(A4[0] - MARGIN, 0.8 * cm, f"{t('export.generated', lang, date=today)} · {t('export.brief.page', lang, n=doc.page)}")
        if footer_sim:
            canvas.setFont(FONT_BOLD, 8)
            canvas.drawCentredString(A4[0] / 2, A4[1] - 0.8 * cm, footer_sim.upper())
        canvas.restoreState()

    data = b""
    for child_rows, priority_rows, map_height_in in LAYOUTS:
        story = [*head, *_map(figures, registry, region, period, settings, lang, s, map_height_in)]
        if village:
            story += [Spacer(1, 6), _p(t("profile.no_children", lang), s["body"])]
        else:
            story += _children(children, registry, region, lang, s, child_rows)
            story += _priority(children, settings, lang, rule, s, priority_rows)
        story += tail
        out = io.BytesIO()
        doc = SimpleDocTemplate(
            out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=1.2 * cm, bottomMargin=1.3 * cm,
            title=f"{t('export.brief.title', lang, region=name)} — {period}", author=t("app.title", lang),
            subject=footer_sim or meta.name, lang=lang,
        )
        doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
        data = out.getvalue()
        if doc.page <= MAX_PAGES:
            break
    return data
