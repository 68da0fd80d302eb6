"""A region and its children as machine-readable records: every count, every indicator, where each comes from.

:func:`records` builds the table (one row for the region, one per child region
in the Kepmendagri registry) from a composition's :class:`~ucj_dash.datasets.figures.Figures`;
:func:`to_csv`, :func:`to_xlsx` and :func:`to_json` turn it into the bytes of a file.
Column names are the model's and :mod:`ucj_dash.analysis.indicators`' own
(``active_participants``, ``ucj_coverage_pct``, ``uncovered_workers``, ...), plus
per pair of counts (``ucj``, ``registered``, ... of :data:`~ucj_dash.datasets.dataset.PAIRS`):

- ``<pair>_numerator_source`` / ``<pair>_denominator_source``: id of the dataset the count comes from;
- ``<pair>_numerator_period`` / ``<pair>_denominator_period``: the period of that dataset used
  (a stock count such as employed workers may come from an earlier period);
- ``<pair>_based_on_units``: units (regions at ``unit_level``) the rate's matched sums rest on;
- ``<pair>_units_with_data``: units with either count.

and ``simulated`` (any figure of the row from simulated data). An empty cell (``null`` in
JSON) is "no data", never 0. Counts are persons, rates percent (0-100).
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from ucj_dash.analysis import indicators
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets import composition as composition_module
from ucj_dash.datasets.composition import Composition
from ucj_dash.datasets.dataset import COUNT_COLUMNS, PAIRS, PERIOD_RE
from ucj_dash.datasets.figures import Figures
from ucj_dash.errors import UserError
from ucj_dash.exports.cells import plain_value, safe_cell, write_csv
from ucj_dash.geography.regions import Registry

ID_COLUMNS = ("row_type", "code", "name", "level", "period")
ROLES = (("numerator", "part"), ("denominator", "whole"))


def provenance_columns() -> list[str]:
    out = []
    for pair in PAIRS:
        for role, _ in ROLES:
            out += [f"{pair.key}_{role}_source", f"{pair.key}_{role}_period"]
        out += [f"{pair.key}_based_on_units", f"{pair.key}_units_with_data"]
    return out


def parse_composition(value: str | None, base: Composition | None = None) -> Composition:
    """The composition ``value`` (``p:<id>,w:<id>,...``) names on top of ``base`` (the default); unlike a
    page, which ignores a bad part with a notice, a bad part here is refused with :class:`UserError`."""
    base = base or composition_module.default()
    if not (value or "").strip():
        return base
    for part in str(value)[:600].split(","):
        _, notices = composition_module.from_query(part, base)
        if notices:
            kind = notices[0].key
            if kind == "notice.source_gone":
                raise UserError("records.error.source_gone", part=part.strip()[:80])
            if kind == "notice.source_lacks":
                raise UserError("records.error.source_lacks", part=part.strip()[:80])
            raise UserError("records.error.composition", part=part.strip()[:80])
    return composition_module.from_query(value, base)[0]


def check_period(figures: Figures, period: str | None) -> str:
    """``period`` (default: the latest), which must be a ``YYYY-MM`` period of ``figures``."""
    if not figures.periods:
        raise UserError("records.error.no_data")
    if period is None or period == "":
        return figures.latest_period
    period = str(period).strip()
    if not PERIOD_RE.match(period) or period not in figures.periods:
        raise UserError("records.error.period", value=period[:20], periods=", ".join(figures.periods))
    return period


def _whole(series: pd.Series) -> pd.Series:
    """Counts as nullable integers when all are whole numbers (``1234``, not ``1234.0``), else as they are."""
    values = series.astype("float64")
    known = values.dropna()
    if known.empty or bool((known == np.round(known)).all()):
        return values.round().astype("Int64")
    return values


def records(figures: Figures, registry: Registry, region: str, period: str | None = None,
            settings: Settings | None = None) -> pd.DataFrame:
    """The rows of ``region`` (any accepted form of its code) and of its children at ``period``
    (default: the latest), with every count, indicator and provenance column. Raises
    :class:`UserError` for an unknown region or a period not in the figures."""
    code = registry.require(region)
    period = check_period(figures, period)
    children = sorted(registry.children(code))
    codes = [code, *children]
    frame = figures.at(period).reindex(pd.Index(codes, name="region_code"))
    counts = frame[[*COUNT_COLUMNS, *[p.column(s) for p in PAIRS for s in ("part", "whole", "used", "units", "unit_level")]]]
    computed = indicators.compute(counts, settings or Settings())

    out = pd.DataFrame(index=frame.index)
    out["row_type"] = ["region"] + ["child"] * len(children)
    out["code"] = codes
    out["name"] = [registry.name(c) for c in codes]
    out["level"] = [registry.level(c).key for c in codes]
    out["period"] = period
    for column in COUNT_COLUMNS:
        out[column] = _whole(frame[column])
    any_rate = pd.Series(False, index=frame.index)
    for column in computed.columns:
        values = computed[column]
        if column.endswith("_pct") and column != "target_pct":
            any_rate |= values.notna()
        out[column] = values
    for column in ("uncovered_workers", "unregistered_workers", "uncovered_vulnerable_workers", "uncovered_extreme_poor_workers"):
        out[column] = _whole(out[column])
    out["target_met"] = [None if pd.isna(v) else bool(v) for v in computed["target_met"]]
    # a data-quality flag says nothing where there is no rate at all
    out["coverage_over_100"] = [bool(v) if has else None for v, has in zip(computed["coverage_over_100"], any_rate)]

    simulated = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    for column in COUNT_COLUMNS:
        source = figures.provenance(column, period)
        if source is not None:
            known = frame[column].notna()
            simulated = simulated.mask(known & simulated.isna(), False)
            if source.simulated:
                simulated = simulated.mask(known, True)
    for pair in PAIRS:
        for role, side in ROLES:
            column = getattr(pair, side)
            source = figures.provenance(column, period)
            known = frame[column].notna()
            out[f"{pair.key}_{role}_source"] = [source.dataset_id if source is not None and k else None for k in known]
            out[f"{pair.key}_{role}_period"] = [source.period if source is not None and k else None for k in known]
        has_rate = frame[pair.column("part")].notna() & frame[pair.column("whole")].notna()
        units = frame[pair.column("units")]
        out[f"{pair.key}_based_on_units"] = frame[pair.column("used")].where(has_rate).astype("float64").astype("Int64")
        out[f"{pair.key}_units_with_data"] = units.where(units > 0).astype("float64").astype("Int64")
    out["simulated"] = [None if pd.isna(v) else bool(v) for v in simulated]
    return out.reset_index(drop=True)


def sources(figures: Figures) -> pd.DataFrame:
    """One row per dataset the figures draw on: id, version, name, source, as-of, simulated, groups it provides."""
    rows = []
    for dataset_id in figures.composition.dataset_ids():
        dataset = figures.datasets.get(dataset_id)
        if dataset is None:
            continue
        groups = [g for g, i in figures.composition.sources if i == dataset_id]
        rows.append({
            "dataset_id": dataset_id, "version": dataset.version.number, "name": dataset.meta.name,
            "source": dataset.meta.source, "as_of": dataset.meta.as_of, "simulated": bool(dataset.meta.simulated),
            "groups": ", ".join(groups),
        })
    return pd.DataFrame(rows, columns=["dataset_id", "version", "name", "source", "as_of", "simulated", "groups"])


# ---- files


def to_csv(table: pd.DataFrame, lang: str) -> bytes:
    """The app's one CSV dialect (:func:`~ucj_dash.exports.cells.write_csv`): ``;``, UTF-8 with BOM, decimal comma for ``id``."""
    return write_csv(table, lang)


def _write_sheet(ws, table: pd.DataFrame) -> None:
    bold = Font(bold=True)
    for col, name in enumerate(table.columns, start=1):
        ws.cell(row=1, column=col, value=safe_cell(str(name))).font = bold
    for row, values in enumerate(table.itertuples(index=False), start=2):
        for col, value in enumerate(values, start=1):
            ws.cell(row=row, column=col, value=safe_cell(value))
    ws.freeze_panes = "C2"


def to_xlsx(table: pd.DataFrame, source_table: pd.DataFrame) -> bytes:
    """Sheet ``records`` (the table, machine column names in row 1; empty cell = no data) and sheet
    ``sources`` (the datasets it draws on). Every cell passes :func:`~ucj_dash.exports.cells.safe_cell`."""
    wb = Workbook()
    ws = wb.active
    ws.title = "records"
    _write_sheet(ws, table)
    _write_sheet(wb.create_sheet("sources"), source_table)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()




def _json_rows(table: pd.DataFrame) -> list[dict]:
    columns = list(table.columns)
    return [{c: plain_value(v) for c, v in zip(columns, values)} for values in table.itertuples(index=False)]


def to_json(table: pd.DataFrame, figures: Figures, region: str, period: str, generated_at: str | None = None) -> bytes:
    """``{"region", "period", "composition", "datasets", "generated_at", "rows"}``; ``null`` = no data."""
    document = {
        "region": region,
        "period": period,
        "composition": figures.composition.as_dict(),
        "datasets": _json_rows(sources(figures)),
        "generated_at": generated_at or datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "rows": _json_rows(table),
    }
    return (json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode("utf-8")


__all__ = ["ID_COLUMNS", "check_period", "parse_composition", "provenance_columns", "records", "sources", "to_csv", "to_json",
           "to_xlsx"]
