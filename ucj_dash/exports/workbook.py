"""The region as an Excel workbook (XLSX): its figures, its priority ranking, definitions and sources.

:func:`workbook_xlsx` writes three sheets:

1. the region itself and its children with every count and indicator (the
   values of :func:`ucj_dash.views.mapview.region_row` and
   :func:`ucj_dash.views.mapview.children_table`, which the screen shows), units in
   the headers;
2. the children ranked by :func:`ucj_dash.analysis.priority.rank` with the reason of each rank;
3. "Definisi & sumber": every indicator's formula, every setting with its value,
   unit, source, date and note, where each figure comes from, one block per
   dataset used (with the periods of it used) and the boundary source.

Every sheet names, under its title, the source and period of each figure's
numerator and denominator (:meth:`~ucj_dash.datasets.figures.Figures.source_lines`):
the figures come from several datasets, each for its own period (Sakernas for
August, participants for the month shown). Missing figures are empty cells,
never 0. Text from data (names, dataset source) is passed through
:func:`~ucj_dash.exports.cells.safe_cell`, so a spreadsheet never evaluates it
as a formula. Every sheet carries the simulated-data label when any dataset
used is simulated.
"""

from __future__ import annotations

import io
from datetime import datetime
from functools import partial

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ucj_dash.analysis import priority
from ucj_dash.analysis.indicators import COVERAGES
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets.dataset import COLUMNS, COUNT_COLUMNS, column_label
from ucj_dash.datasets.figures import Figures
from ucj_dash.exports.cells import safe_cell, write_csv
from ucj_dash.exports.filenames import export_filename  # noqa: F401  (re-exported: the export helpers live together)
from ucj_dash.geography.regions import Level, Registry, level_of
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t
from ucj_dash.views import mapview, tables

HEADER_ROW = 4  # rows 1-3: title, source and simulated label, empty-cell note

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
_SIM_FILL = PatternFill("solid", fgColor="FFF3CD")
_WRAP = Alignment(wrap_text=True, vertical="top")


def put_cell(ws, row: int, col: int, value, number_format: str | None = None, font=None, fill=None, wrap: bool = False):
    """Write one cell through the formula guard (numbers with ``number_format``); an empty cell without style is
    not created at all (None returned): a nation's sheet of villages is mostly empty cells."""
    value = safe_cell(value)
    if value is None and font is None and fill is None and not wrap:
        return None
    cell = ws.cell(row=row, column=col, value=value)
    if number_format and cell.value is not None and not isinstance(cell.value, (str, bool)):
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if wrap:
        cell.alignment = _WRAP
    return cell


def sources_text(figures: Figures, period: str, lang: str) -> str:
    """Where each figure shown at ``period`` comes from, one figure after another ("Cakupan UCJ — pembilang:
    <dataset>, Des 2024 · penyebut: <dataset>, Agu 2024 | Kemiskinan ekstrem — …"): the sheets' and CSV's source."""
    return " | ".join(figures.source_lines(period, lang))


def _source_line(figures: Figures, period: str, lang: str) -> str:
    return f"{t('export.period', lang, period=period)} {sources_text(figures, period, lang)}"


def _preamble(ws, title: str, figures: Figures, period: str, lang: str, ncols: int) -> None:
    """Rows 1-3: title; period, the source of each figure and the simulated label; the empty-cell note."""
    put_cell(ws, 1, 1, title, font=_TITLE)
    line = _source_line(figures, period, lang)
    if figures.meta.simulated:
        line = f"{t('simulated.label', lang).upper()} — {t('simulated.short', lang)} {line}"
        for c in range(1, max(ncols, 1) + 1):
            ws.cell(row=2, column=c).fill = _SIM_FILL
        put_cell(ws, 2, 1, line, font=_BOLD)
    else:
        put_cell(ws, 2, 1, line)
    put_cell(ws, 3, 1, t("export.wb.empty_note", lang))


def _header(ws, row: int, headers: list[str], widths: list[float]) -> None:
    for i, (text, width) in enumerate(zip(headers, widths), start=1):
        put_cell(ws, row, i, text, font=_BOLD, fill=_HEADER_FILL, wrap=True)
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.row_dimensions[row].height = 45


def count_header(column, lang: str) -> str:
    """Header of a count column with its unit: "Penduduk bekerja (penyebut UCJ) (orang)"."""
    label = column.label_id if lang == "id" else column.label_en
    return f"{label} ({t('export.unit.persons', lang)})"


#: the regions sheet: row type (this region / sub-region), code, name, kind, every indicator, every count, reporting
REGION_COLUMNS = (
    tables.Column("row_type", "export.wb.row"),
    tables.Column("code", "col.code"),
    tables.Column("name", "col.name"),
    tables.Column("kind", "col.kind", labels="kind."),
    *(tables.Column(c, "export.ind." + c, unit) for c, unit in tables.INDICATOR_UNITS.items()),
    *(tables.Column(c.name, partial(count_header, c), tables.PERSONS) for c in COLUMNS),
    tables.Column("reporting", "export.wb.reporting", tables.COUNT),
)


def region_columns(lang: str) -> list[tuple[str, str, str]]:
    """(column, header, number format) of the regions sheet after row type, code, name and kind."""
    return [(c.key, c.header_text(lang), c.unit.excel) for c in REGION_COLUMNS[4:]]


def _rows(ws, table: tables.Table, bold_first: bool = False) -> None:
    """The rows of a built table below the header, each cell in its unit's number format (long text wrapped)."""
    units = list(table.units.values())
    for i, values in enumerate(table.frame.itertuples(index=False)):
        font = _BOLD if bold_first and i == 0 else None
        for j, (value, unit) in enumerate(zip(values, units), start=1):
            put_cell(ws, HEADER_ROW + 1 + i, j, value, unit.excel, font=font, wrap=unit is tables.PROSE)


def _level_label(registry: Registry, region: str, lang: str, level: Level | None = None) -> str:
    child = Level(level_of(region) + 1) if level_of(region) < Level.VILLAGE else Level.VILLAGE
    return t("level." + (level or child).key, lang)


def _regions_sheet(ws, figures: Figures, registry, region, period, settings, lang) -> pd.DataFrame:
    """Sheet 1: the region itself, then its children in code order; returns the children table (empty for a village)."""
    name = registry.name(region)
    children = mapview.children_table(figures, registry, region, period, settings)
    if level_of(region) == Level.VILLAGE:
        title = t("export.wb.title_village", lang, region=name, period=period)
    else:
        title = t("export.wb.title", lang, region=name, period=period, level=_level_label(registry, region, lang).lower())
    own = mapview.indicator_rows(figures, [region], period, settings).rename_axis("code").reset_index()
    own = own.assign(name=name, kind=registry.kind(region) if region in registry else "negara")
    rows = pd.concat([own, children], ignore_index=True) if len(children) else own
    rows["row_type"] = [t("export.wb.row.self", lang)] + [t("export.wb.row.child", lang)] * len(children)
    table = tables.build(rows, REGION_COLUMNS, lang)
    ncols = len(table.units)
    _preamble(ws, title, figures, period, lang, ncols)
    _header(ws, HEADER_ROW, list(table.frame.columns), [12, 16, 30, 14] + [14] * (ncols - 4))
    _rows(ws, table, bold_first=True)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=4)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(ncols)}{HEADER_ROW + len(table.frame)}"
    return children


def rule_text(rule: priority.Rule, lang: str) -> str:
    """The ranking rule in words (weights multiply persons)."""
    return t(
        "export.rule",
        lang,
        first=t("export.yes", lang) if rule.act_first_group_first else t("export.no", lang),
        w_ep=fmt.number(rule.weight_extreme_poor, lang, 1),
        w_vul=fmt.number(rule.weight_vulnerable, lang, 1),
        w_gap=fmt.number(rule.weight_gap, lang, 1),
        coverage=t("coverage." + rule.coverage, lang),
    )


def priority_columns(coverage: str) -> tuple[tables.Column, ...]:
    """The priority sheet: rank, region, group, score, reason and the figures the rank rests on (coverage by ``coverage``)."""
    shown = ("extreme_poverty_rate_pct", COVERAGES[coverage].column, "target_pct", "uncovered_extreme_poor_workers",
               "uncovered_vulnerable_workers", "gap_to_target_workers")
    return (
        tables.Column("rank", "col.rank", tables.RANK),
        tables.Column("code", "col.code"),
        tables.Column("name", "col.name"),
        tables.Column("quadrant", "col.quadrant", labels="priority.group."),
        tables.Column("score", "export.wb.score", tables.PERSONS),
        tables.Column("reason", "col.reason", tables.PROSE),
        *(tables.indicator(c, "export.ind." + c) for c in shown),
    )


def _priority_sheet(ws, figures: Figures, registry, region, period, settings, lang, rule, children: pd.DataFrame,
                    level: Level | None = None) -> None:
    name = registry.name(region)
    level = _level_label(registry, region, lang, level)
    cols = priority_columns(rule.coverage)
    title = t("export.wb.priority_title", lang, level=level.lower(), region=name, period=period)
    _preamble(ws, title, figures, period, lang, len(cols))
    put_cell(ws, HEADER_ROW - 1, 1, f"{t('export.wb.empty_note', lang)} {rule_text(rule, lang)}")
    _header(ws, HEADER_ROW, [c.header_text(lang) for c in cols], [9, 16, 30, 30, 14, 70, 12, 12, 10, 14, 14, 14])
    if children.empty:
        put_cell(ws, HEADER_ROW + 1, 1, t("export.wb.priority_none", lang, region=name))
        return
    ranked = priority.rank(children, settings, rule)
    ranked["reason"] = priority.reasons(ranked, settings, lang, rule.coverage)
    _rows(ws, tables.build(ranked, cols, lang))
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=4)


def used_periods(figures: Figures, dataset, period: str, lang: str) -> str:
    """The periods of ``dataset`` whose figures are shown for ``period``, each with the counts taken from it
    ("Agu 2024: Penduduk bekerja (penyebut UCJ)")."""
    by_period: dict[str, list[str]] = {}
    for column in COUNT_COLUMNS:
        source = figures.source(column)
        if source is None or source.meta.id != dataset.meta.id:
            continue
        used = figures.provenance(column, period)
        if used is not None:
            by_period.setdefault(used.period, []).append(column_label(column, lang))
    if not by_period:
        return t("export.ds.none_used", lang, period=fmt.period(period, lang))
    return "; ".join(f"{fmt.period(p, lang)}: {', '.join(columns)}" for p, columns in sorted(by_period.items()))


def _definitions_sheet(ws, figures: Figures, period, settings, lang) -> None:
    _preamble(ws, t("export.sheet.definitions", lang), figures, period, lang, 6)
    for i, w in enumerate([34, 30, 18, 50, 14, 60], start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    r = HEADER_ROW

    def section(title: str, headers: list[str]) -> None:
        nonlocal r
        r += 1
        put_cell(ws, r, 1, title, font=_TITLE)
        r += 1
        for c, h in enumerate(headers, start=1):
            put_cell(ws, r, c, h, font=_BOLD, fill=_HEADER_FILL)

    section(t("export.def.indicators", lang), [t("export.def.col.name", lang), t("export.def.col.key", lang),
                                                t("export.def.col.definition", lang)])
    for col in tables.INDICATOR_UNITS:
        r += 1
        put_cell(ws, r, 1, t("export.ind." + col, lang), wrap=True)
        put_cell(ws, r, 2, col)
        put_cell(ws, r, 3, t("export.def." + col, lang))
        ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=6)
    for c in COLUMNS:
        r += 1
        put_cell(ws, r, 1, count_header(c, lang), wrap=True)
        put_cell(ws, r, 2, c.name)
        put_cell(ws, r, 3, t("export.def.counts", lang))
        ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=6)
    r += 1
    section(
        t("export.def.settings", lang),
        [t("export.def.col.key", lang), t("export.def.col.value", lang), t("export.def.col.unit", lang),
         t("export.def.col.source", lang), t("export.def.col.as_of", lang), t("export.def.col.note", lang)],
    )
    for item in settings.items():
        r += 1
        put_cell(ws, r, 1, item.key)
        put_cell(ws, r, 2, item.value, "#,##0.00")
        put_cell(ws, r, 3, item.unit)
        put_cell(ws, r, 4, item.source, wrap=True)
        put_cell(ws, r, 5, item.as_of)
        put_cell(ws, r, 6, item.note, wrap=True)
    if settings.region_targets:
        for code, value in sorted(settings.region_targets.items()):
            r += 1
            put_cell(ws, r, 1, f"ucj_target_pct[{code}]")
            put_cell(ws, r, 2, value, "0.00")
            put_cell(ws, r, 3, "%")
    r += 1
    section(t("export.def.provenance", lang), [t("export.def.col.note", lang)])
    for line in figures.source_lines(period, lang):
        r += 1
        put_cell(ws, r, 1, line)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
    r += 1
    section(t("export.def.dataset", lang), [t("export.def.col.name", lang), t("export.def.col.value", lang)])
    r += 1
    put_cell(ws, r, 1, t("export.ds.period", lang), font=_BOLD)
    put_cell(ws, r, 2, period)
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=6)
    for dataset in figures.used_datasets():
        meta = dataset.meta
        r += 1  # an empty row before each dataset
        for key, value in (
            ("export.ds.id", meta.id),
            ("export.ds.name", meta.name),
            ("export.ds.source", meta.source),
            ("export.ds.version", dataset.version.number),
            ("export.ds.periods_used", used_periods(figures, dataset, period, lang)),
            ("export.ds.simulated", (t("export.yes", lang) if meta.simulated else t("export.no", lang))
             + (f" — {t('simulated.label', lang)}" if meta.simulated else "")),
            ("export.ds.description", meta.description),
            ("export.ds.created_at", meta.created_at),
        ):
            r += 1
            put_cell(ws, r, 1, t(key, lang), font=_BOLD)
            cell = put_cell(ws, r, 2, value, font=_BOLD if key == "export.ds.id" else None)
            if isinstance(value, int):
                cell.alignment = Alignment(horizontal="left")
            if key == "export.ds.simulated" and meta.simulated:
                cell.fill = _SIM_FILL
                cell.font = _BOLD
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=6)
    r += 1
    section(t("export.def.boundaries", lang), [t("export.def.col.note", lang)])
    for text in (
        t("export.registry_source", lang),
        t("map.boundary_source", lang),
        t("about.method.text", lang),
        t("export.generated", lang, date=datetime.now().strftime("%Y-%m-%d %H:%M")),
    ):
        r += 1
        put_cell(ws, r, 1, text)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)


def workbook_xlsx(figures: Figures, registry: Registry, region: str, period: str, settings: Settings, lang: str,
                  rule: priority.Rule | None = None) -> bytes:
    """The XLSX of ``region`` in ``period``: regions sheet, priority sheet, definitions and sources sheet."""
    rule = rule or priority.Rule()
    wb = Workbook()
    ws = wb.active
    ws.title = t("export.sheet.regions", lang)
    children = _regions_sheet(ws, figures, registry, region, period, settings, lang)
    _priority_sheet(wb.create_sheet(t("export.sheet.priority", lang)), figures, registry, region, period, settings, lang,
                    rule, children)
    _definitions_sheet(wb.create_sheet(t("export.sheet.definitions", lang)), figures, period, settings, lang)
    wb.properties.title = f"UCJ — {registry.name(region)} — {period}"
    wb.properties.creator = t("app.title", lang)
    wb.properties.created = datetime.now()
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(table: pd.DataFrame, figures: Figures, period: str, lang: str) -> bytes:
    """CSV of a table as shown, with period, the source of each figure (:func:`sources_text`) and data status in every row.

    Written by :func:`~ucj_dash.exports.cells.write_csv` (``;``, UTF-8 with BOM,
    decimal commas in Indonesian): text never runs as a formula, NaN stays empty.
    """
    out = table.copy()
    out[t("tooltip.period", lang)] = period
    out[t("tooltip.source", lang)] = sources_text(figures, period, lang)
    out[t("col.data_status", lang)] = t("simulated.label", lang) if figures.meta.simulated else ""
    return write_csv(out, lang)


def priority_xlsx(figures: Figures, registry: Registry, parent: str, level: Level, period: str, settings: Settings,
                  lang: str, rule: priority.Rule | None = None) -> bytes:
    """The priority list of every region at ``level`` inside ``parent`` (as on the priority page), with definitions."""
    rule = rule or priority.Rule()
    wb = Workbook()
    ws = wb.active
    ws.title = t("export.sheet.priority", lang)
    table = mapview.children_table(figures, registry, parent, period, settings, level)
    _priority_sheet(ws, figures, registry, parent, period, settings, lang, rule, table, level)
    _definitions_sheet(wb.create_sheet(t("export.sheet.definitions", lang)), figures, period, settings, lang)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


__all__ = ["workbook_xlsx", "priority_xlsx", "csv_bytes", "export_filename", "region_columns", "sources_text",
           "HEADER_ROW"]
