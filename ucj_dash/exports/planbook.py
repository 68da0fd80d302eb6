"""A funding plan as an Excel workbook (XLSX): inputs, years, sources, village burden, sources of the figures.

:func:`plan_xlsx` writes five sheets from a :class:`~ucj_dash.analysis.funding.Plan`:

1. "Masukan" / "Inputs": every input of the plan with its unit (region, goal, package and its price per
   worker per month, years, phasing per year, the split over funding sources, the village budget with its
   source) and every setting the cost rests on with its value, unit, source and date;
2. "Per tahun" / "By year": per year the new and cumulative workers (persons), the cost (rupiah), the UCJ
   coverage reached (%), what each source pays, the unfunded and over-funded rupiah, and a total row;
3. "Per sumber" / "By source": per source the rupiah over all years and its share of the total cost,
   then the unfunded and over-funded remainders;
4. "Beban per desa" / "Village burden": for APBDes and BKBK (the sources paid per village) a summary
   (amount a year, mean, largest, villages above the budget limit) and one row per village: code, name,
   kind, workers to enrol, rupiah a year per source, share of the village budget and whether it exceeds
   the limit;
5. "Sumber" / "Sources": where each figure comes from (dataset and period of numerator and denominator),
   the datasets with their versions, the simulated-data label.

Rupiah are whole numbers with thousands separators, persons whole numbers; a figure that is missing is an
empty cell, never 0. Every cell goes through :func:`~ucj_dash.exports.cells.safe_cell` (no text from data
runs as a formula). Every sheet names the data period and sources under its title and carries the
simulated-data label (with a fill) when any dataset used is simulated.

The labels of goals, packages and funding sources (:func:`goal_label`, :func:`package_label`,
:func:`source_label`) are shared with the PDF brief and the presentation slide.
"""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ucj_dash.analysis import funding
from ucj_dash.datasets.dataset import PAIR_BY_KEY, column_label
from ucj_dash.datasets.figures import Figures
from ucj_dash.exports.cells import safe_cell
from ucj_dash.exports.filenames import export_filename
from ucj_dash.exports.workbook import put_cell
from ucj_dash.geography.regions import NATION_CODE, Level, Registry, level_of
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t

HEADER_ROW = 4  # rows 1-3: title, period + sources (+ simulated label), empty-cell note
RUPIAH = "#,##0"
PERSONS = "#,##0"
PERCENT = "0.00"

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
_SIM_FILL = PatternFill("solid", fgColor="FFF3CD")
_OVER_FILL = PatternFill("solid", fgColor="F8D7DA")


# ------------------------------------------------------------------ labels (shared with the brief and the slide)


def source_label(source: str, lang: str) -> str:
    """A funding source's name: "APBD provinsi", "BKBK (bantuan keuangan provinsi ke desa)", …"""
    labels = {
        "apbd_prov": lambda: t("planbook.source.apbd_prov", lang),
        "apbd_kab": lambda: t("planbook.source.apbd_kab", lang),
        "apbdes": lambda: t("planbook.source.apbdes", lang),
        "bkbk": lambda: t("planbook.source.bkbk", lang),
        "csr": lambda: t("planbook.source.csr", lang),
        "baznas": lambda: t("planbook.source.baznas", lang),
        "other": lambda: t("planbook.source.other", lang),
    }
    return labels[source]() if source in labels else source


def goal_label(plan: funding.Plan, lang: str) -> str:
    """The plan's goal in words (the target one with its value: "Mencapai target cakupan UCJ 52,15%")."""
    goal = plan.inputs["goal"]
    if goal == "target":
        target = (plan.provenance.get("settings") or {}).get("ucj_target_pct", {}).get("value")
        return t("planbook.goal.target", lang, target=fmt.percent(target, lang, 2))
    labels = {
        "extreme-poor": lambda: t("planbook.goal.extreme_poor", lang),
        "vulnerable": lambda: t("planbook.goal.vulnerable", lang),
        "officials": lambda: t("planbook.goal.officials", lang),
    }
    return labels[goal]() if goal in labels else goal


def package_label(plan: funding.Plan, lang: str) -> str:
    """The package and its price: "JKK + JKM, Rp 16.800 per pekerja per bulan"."""
    name = t("planbook.package.with_jht", lang) if plan.inputs["package"] == "with-jht" else t("planbook.package.jkk_jkm", lang)
    return t("planbook.package.price", lang, package=name, rate=fmt.rupiah(plan.per_worker_monthly_rupiah, lang, compact=False))


def years_text(plan: funding.Plan) -> str:
    first, last = plan.inputs["years"]
    return str(first) if first == last else f"{first}–{last}"


def plan_years(plan: funding.Plan) -> list[int]:
    first, last = plan.inputs["years"]
    return list(range(int(first), int(last) + 1))


def phasing_text(plan: funding.Plan, lang: str) -> str:
    """"sekaligus pada 2026", "merata", or each year's share ("2026: 20%, 2027: 30%, …")."""
    shares, years = list(plan.inputs["phasing"]), plan_years(plan)
    if len(shares) > 1 and shares[0] == 100 and not any(shares[1:]):
        return t("planbook.phasing.all_at_once", lang, year=years[0])
    if len(shares) == 1:
        return t("planbook.phasing.all_at_once", lang, year=years[0])
    if all(abs(s - shares[0]) < 1e-9 for s in shares):
        return t("planbook.phasing.linear", lang, share=fmt.percent(shares[0], lang, 2))
    return t("planbook.phasing.custom", lang, shares=", ".join(f"{y}: {fmt.percent(s, lang, 2)}" for y, s in zip(years, shares)))


def part_text(part: dict, lang: str) -> str:
    """One source's part of the split in words: "APBD provinsi 30% dari biaya setiap tahun" or a fixed amount a year."""
    label = source_label(part["source"], lang)
    if part.get("amount_rp") is not None:
        return t("planbook.split.amount", lang, source=label, rupiah=fmt.rupiah(part["amount_rp"], lang, compact=False))
    return t("planbook.split.share", lang, source=label, share=fmt.percent(part["share_pct"], lang, 2))


def split_text(plan: funding.Plan, lang: str) -> str:
    parts = plan.inputs.get("split") or []
    return "; ".join(part_text(p, lang) for p in parts) if parts else t("planbook.split.none", lang)


def region_title(plan: funding.Plan, registry: Registry, lang: str) -> str:
    """"Kabupaten Timor Tengah Selatan (53.02)"; the nation is "Indonesia"."""
    code = plan.inputs["region"]
    if code == NATION_CODE:
        return "Indonesia"
    if code not in registry:
        return f"{plan.inputs.get('region_name') or code} ({code})"
    name = registry.name(code)
    if level_of(code) >= Level.DISTRICT:  # kecamatan and villages: the kind is not part of the name
        name = f"{t('kind.' + registry.kind(code), lang)} {name}" if lang == "id" else \
            f"{name} ({t('level.' + level_of(code).key, lang)})"
    return f"{name} ({code})"


def provenance_lines(plan: funding.Plan, figures: Figures, lang: str) -> list[str]:
    """Where the plan's figures come from, one line per figure: the goal's pair (persons to enrol) and UCJ
    coverage (the coverage reached), each with its numerator's and denominator's dataset and period."""
    goal_pair = funding.GOALS[plan.inputs["goal"]][1]
    pairs = tuple(dict.fromkeys((goal_pair, "ucj")))
    return figures.source_lines(plan.provenance["period"], lang, pairs=pairs)


def used_datasets(plan: funding.Plan, figures: Figures) -> list:
    """The stored datasets the plan's figures come from (goal pair and UCJ coverage), in composition order."""
    goal_pair = funding.GOALS[plan.inputs["goal"]][1]
    ids = set()
    for key in dict.fromkeys((goal_pair, "ucj")):
        pair = PAIR_BY_KEY[key]
        for column in (pair.part, pair.whole):
            src = figures.source(column)
            if src is not None:
                ids.add(src.meta.id)
    return [d for d in figures.used_datasets() if d.meta.id in ids]


def is_simulated(plan: funding.Plan, figures: Figures) -> bool:
    return bool(plan.provenance.get("simulated")) or bool(figures.meta.simulated)


def plan_filename(plan: funding.Plan, registry: Registry, ext: str, simulated: bool) -> str:
    """``ucj_rencana_<region>_<code>_<period>[_simulasi]_<date>.<ext>``."""
    code = plan.inputs["region"]
    name = export_filename(code, plan.inputs.get("region_name") or registry.name(code), plan.provenance["period"], ext,
                           simulated)
    return name.replace("ucj_", "ucj_rencana_", 1)


# ------------------------------------------------------------------ cells




def _preamble(ws, title: str, plan: funding.Plan, figures: Figures, lang: str, ncols: int) -> None:
    """Rows 1-3: title; period, where the figures come from and the simulated label; the empty-cell note."""
    put_cell(ws, 1, 1, title, font=_TITLE)
    line = f"{t('export.period', lang, period=plan.provenance['period'])} {' | '.join(provenance_lines(plan, figures, lang))}"
    if is_simulated(plan, figures):
        for c in range(1, max(ncols, 1) + 1):
            ws.cell(row=2, column=c).fill = _SIM_FILL
        put_cell(ws, 2, 1, f"{t('simulated.label', lang).upper()} — {t('simulated.short', lang)} {line}", font=_BOLD)
    else:
        put_cell(ws, 2, 1, line)
    put_cell(ws, 3, 1, t("planbook.empty_note", lang))


def _header(ws, row: int, headers: list[str], widths: list[float] | None = None) -> None:
    for i, text in enumerate(headers, start=1):
        put_cell(ws, row, i, text, font=_BOLD, fill=_HEADER_FILL, wrap=True)
        if widths is not None and i <= len(widths):
            ws.column_dimensions[get_column_letter(i)].width = widths[i - 1]
    ws.row_dimensions[row].height = 32


def _no_data_row(ws, row: int, plan: funding.Plan, lang: str) -> None:
    put_cell(ws, row, 1, plan.no_data["reason"][lang], font=_BOLD)


# ------------------------------------------------------------------ sheets


def _inputs_sheet(ws, plan: funding.Plan, figures: Figures, registry: Registry, lang: str) -> None:
    inputs = plan.inputs
    _preamble(ws, t("planbook.title.inputs", lang, region=region_title(plan, registry, lang)), plan, figures, lang, 5)
    _header(ws, HEADER_ROW, [t("planbook.col.input", lang), t("planbook.col.key", lang), t("export.def.col.value", lang),
                             t("export.def.col.unit", lang), t("export.def.col.note", lang)], [34, 22, 18, 26, 70])
    rows: list[tuple] = [
        (t("planbook.in.region", lang), "region", inputs["region"], t("planbook.unit.code", lang),
         registry.path_label(inputs["region"]) if inputs["region"] in registry else inputs.get("region_name"), None),
        (t("planbook.in.goal", lang), "goal", inputs["goal"], "", goal_label(plan, lang), None),
        (t("planbook.in.package", lang), "package", inputs["package"], "", package_label(plan, lang), None),
        (t("planbook.in.rate", lang), "per_worker_monthly_rupiah", plan.per_worker_monthly_rupiah,
         t("planbook.unit.rp_worker_month", lang), t("planbook.in.rate_note", lang), RUPIAH),
        (t("planbook.in.first_year", lang), "years[0]", inputs["years"][0], t("planbook.unit.year", lang), "", "0"),
        (t("planbook.in.last_year", lang), "years[1]", inputs["years"][1], t("planbook.unit.year", lang), "", "0"),
        (t("planbook.in.period", lang), "period", inputs["period"], "YYYY-MM", t("planbook.in.period_note", lang), None),
    ]
    for year, share in zip(plan_years(plan), inputs["phasing"]):
        rows.append((t("planbook.in.phasing", lang, year=year), f"phasing[{year}]", share, t("planbook.unit.pct_new", lang),
                     phasing_text(plan, lang), PERCENT))
    for part in inputs.get("split") or []:
        source = part["source"]
        if part.get("amount_rp") is not None:
            rows.append((t("planbook.in.split", lang, source=source_label(source, lang)), f"split.{source}", part["amount_rp"],
                         t("planbook.unit.rp_year_fixed", lang), part_text(part, lang), RUPIAH))
        else:
            rows.append((t("planbook.in.split", lang, source=source_label(source, lang)), f"split.{source}", part["share_pct"],
                         t("planbook.unit.pct_cost", lang), part_text(part, lang), PERCENT))
    if not inputs.get("split"):
        rows.append((t("planbook.in.split_none", lang), "split", None, "", t("planbook.split.none", lang), None))
    budget = inputs.get("village_budget_rupiah")
    rows.append((t("planbook.in.village_budget", lang), "village_budget_rupiah", None if budget is None else round(budget),
                 t("planbook.unit.rp_village_year", lang),
                 inputs.get("village_budget_source") if budget is not None else t("planbook.in.village_budget_none", lang), RUPIAH))
    rows.append((t("planbook.in.budget_share", lang), "budget_share_pct", inputs.get("budget_share_pct"),
                 t("planbook.unit.pct_budget", lang), t("planbook.in.budget_share_note", lang), PERCENT))
    r = HEADER_ROW
    for label, key, value, unit, note, number_format in rows:
        r += 1
        put_cell(ws, r, 1, label, wrap=True)
        put_cell(ws, r, 2, key)
        cell = put_cell(ws, r, 3, value, number_format)
        if cell is not None and isinstance(cell.value, (int, float)):
            cell.alignment = Alignment(horizontal="right")
        put_cell(ws, r, 4, unit)
        put_cell(ws, r, 5, note, wrap=True)

    r += 2
    put_cell(ws, r, 1, t("planbook.settings", lang), font=_TITLE)
    r += 1
    for c, text in enumerate((t("export.def.col.key", lang), t("export.def.col.value", lang), t("export.def.col.unit", lang),
                              t("export.def.col.source", lang), t("export.def.col.as_of", lang)), start=1):
        put_cell(ws, r, c, text, font=_BOLD, fill=_HEADER_FILL)
    for key, used in (plan.provenance.get("settings") or {}).items():
        r += 1
        put_cell(ws, r, 1, key)
        put_cell(ws, r, 2, used.get("value"), "#,##0.00")
        put_cell(ws, r, 3, used.get("unit"))
        put_cell(ws, r, 4, used.get("source"), wrap=True)
        put_cell(ws, r, 5, used.get("as_of"))
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)


def _sources_in_plan(plan: funding.Plan) -> list[str]:
    return [p["source"] for p in plan.inputs.get("split") or []]


def _by_year_sheet(ws, plan: funding.Plan, figures: Figures, registry: Registry, lang: str) -> None:
    sources = _sources_in_plan(plan)
    target = (plan.provenance.get("settings") or {}).get("ucj_target_pct", {}).get("value")
    headers = [t("planbook.col.year", lang), t("planbook.col.new_workers", lang), t("planbook.col.workers", lang),
               t("planbook.col.cost", lang), t("planbook.col.coverage", lang)]
    if target is not None:
        headers.append(t("planbook.col.target", lang))
    headers += [t("planbook.col.source_rp", lang, source=source_label(s, lang)) for s in sources]
    headers += [t("planbook.col.unfunded", lang), t("planbook.col.overfunded", lang)]
    _preamble(ws, t("planbook.title.by_year", lang, region=region_title(plan, registry, lang), goal=goal_label(plan, lang),
                    years=years_text(plan)), plan, figures, lang, len(headers))
    _header(ws, HEADER_ROW, headers, [10, 16, 16, 20, 14] + [16] * (len(headers) - 5))
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=2)
    r = HEADER_ROW
    if plan.no_data is not None:
        _no_data_row(ws, r + 1, plan, lang)
        return
    for y in plan.by_year:
        r += 1
        values = [(y.year, "0"), (y.new_workers, PERSONS), (y.workers, PERSONS), (y.cost_rupiah, RUPIAH),
                  (y.coverage_pct, PERCENT)]
        if target is not None:
            values.append((target, PERCENT))
        values += [(y.by_source.get(s), RUPIAH) for s in sources]
        values += [(y.unfunded_rupiah, RUPIAH), (y.overfunded_rupiah, RUPIAH)]
        for c, (value, number_format) in enumerate(values, start=1):
            put_cell(ws, r, c, value, number_format)
    r += 1
    totals = [(t("planbook.total", lang), None), (sum(y.new_workers for y in plan.by_year), PERSONS), (None, None),
              (plan.cost_total_rupiah, RUPIAH), (None, None)]
    if target is not None:
        totals.append((None, None))
    totals += [(plan.by_source.get(s), RUPIAH) for s in sources]
    totals += [(plan.unfunded_rupiah, RUPIAH), (plan.overfunded_rupiah, RUPIAH)]
    for c, (value, number_format) in enumerate(totals, start=1):
        put_cell(ws, r, c, value, number_format, font=_BOLD)
    r += 2
    put_cell(ws, r, 1, t("planbook.by_year_note", lang, rate=fmt.rupiah(plan.per_worker_monthly_rupiah, lang, compact=False)))
    for note in plan.notes:
        r += 1
        put_cell(ws, r, 1, note[lang], font=_BOLD)


def _by_source_sheet(ws, plan: funding.Plan, figures: Figures, registry: Registry, lang: str) -> None:
    headers = [t("planbook.col.source", lang), t("planbook.col.key", lang), t("planbook.col.how", lang),
               t("planbook.col.total_rp", lang), t("planbook.col.share_of_cost", lang)]
    _preamble(ws, t("planbook.title.by_source", lang, region=region_title(plan, registry, lang), years=years_text(plan)),
              plan, figures, lang, len(headers))
    _header(ws, HEADER_ROW, headers, [40, 14, 50, 22, 16])
    r = HEADER_ROW
    if plan.no_data is not None:
        _no_data_row(ws, r + 1, plan, lang)
        return
    cost = plan.cost_total_rupiah

    def share(value):
        return None if value is None or not cost else value / cost * 100

    for part in plan.inputs.get("split") or []:
        r += 1
        total = plan.by_source.get(part["source"])
        for c, (value, number_format) in enumerate(
                [(source_label(part["source"], lang), None), (part["source"], None), (part_text(part, lang), None),
                 (total, RUPIAH), (share(total), PERCENT)], start=1):
            put_cell(ws, r, c, value, number_format, wrap=c == 3)
    for key, label, value in (
        ("unfunded", t("planbook.unfunded", lang), plan.unfunded_rupiah),
        ("overfunded", t("planbook.overfunded", lang), plan.overfunded_rupiah),
        ("cost_total", t("planbook.cost_total", lang), cost),
    ):
        r += 1
        font = _BOLD if key != "overfunded" or value else None
        put_cell(ws, r, 1, label, font=font)
        put_cell(ws, r, 2, key)
        put_cell(ws, r, 4, value, RUPIAH, font=font)
        put_cell(ws, r, 5, share(value), PERCENT, font=font)
    r += 2
    put_cell(ws, r, 1, t("planbook.by_source_note", lang))
    for note in plan.notes:
        r += 1
        put_cell(ws, r, 1, note[lang], font=_BOLD)


def _kind_text(kind: str, lang: str) -> str:
    return t("kind." + kind, lang)


def burden_share_pct(burden: funding.VillageBurden, rupiah) -> float | None:
    """A village's burden as % of the village budget (None without a budget or a burden)."""
    if burden.budget_rupiah is None or not burden.budget_rupiah or rupiah is None:
        return None
    return rupiah / burden.budget_rupiah * 100


def burden_limit(burden: funding.VillageBurden) -> float | None:
    """The rupiah a year a village may bear: budget × allowed share (None without a budget)."""
    if burden.budget_rupiah is None:
        return None
    return burden.budget_rupiah * (burden.budget_share_pct if burden.budget_share_pct is not None else 100.0) / 100


def _burden_sheet(ws, plan: funding.Plan, figures: Figures, registry: Registry, lang: str) -> None:
    burdens = list(plan.burden.values())
    ncols = 5 + 3 * max(len(burdens), 1)
    last_year = plan.by_year[-1].year if plan.by_year else plan.inputs["years"][1]
    _preamble(ws, t("planbook.title.burden", lang, region=region_title(plan, registry, lang), year=last_year), plan, figures,
              lang, ncols)
    r = HEADER_ROW
    if plan.no_data is not None:
        _no_data_row(ws, r, plan, lang)
        return
    if not burdens:
        put_cell(ws, r, 1, t("planbook.burden.none", lang))
        return
    # the summary of each source paid per village
    summary = [t("planbook.col.source", lang), t("planbook.burden.amount", lang), t("planbook.burden.villages", lang),
               t("planbook.burden.no_data_n", lang), t("planbook.burden.excluded", lang), t("planbook.burden.mean", lang),
               t("planbook.burden.max", lang), t("planbook.burden.max_village", lang), t("planbook.burden.budget", lang),
               t("planbook.burden.budget_source", lang), t("planbook.burden.limit", lang), t("planbook.burden.over_n", lang)]
    _header(ws, r, summary, [16, 34, 20, 20, 20, 20, 20, 30, 20, 30, 20, 20])
    for b in burdens:
        r += 1
        excluded = ", ".join(f"{_kind_text(k, lang)}: {n}" for k, n in sorted(b.excluded_kinds.items()))
        top = f"{registry.name(b.max_village)} ({b.max_village})" if b.max_village else None
        values = [(source_label(b.source, lang), None), (b.amount_rupiah, RUPIAH), (len(b.villages), PERSONS),
                  (len(b.no_data), PERSONS), (excluded or None, None),
                  (None if b.mean_rupiah is None else round(b.mean_rupiah), RUPIAH), (b.max_rupiah, RUPIAH), (top, None),
                  (None if b.budget_rupiah is None else round(b.budget_rupiah), RUPIAH), (b.budget_source, None),
                  (None if burden_limit(b) is None else round(burden_limit(b)), RUPIAH),
                  (None if b.over_budget is None else len(b.over_budget), PERSONS)]
        for c, (value, number_format) in enumerate(values, start=1):
            put_cell(ws, r, c, value, number_format, wrap=c in (5, 8, 10))
        for note in b.notes:
            r += 1
            put_cell(ws, r, 1, f"{source_label(b.source, lang)}: {note[lang]}")
    r += 1
    put_cell(ws, r, 1, t("planbook.burden.explain", lang))
    # one row per village
    r += 2
    headers = [t("planbook.col.code", lang), t("planbook.col.name", lang), t("planbook.col.kind", lang),
               t("planbook.col.workers_to_enrol", lang)]
    for b in burdens:
        label = source_label(b.source, lang)
        headers += [t("planbook.col.burden_rp", lang, source=label), t("planbook.col.budget_share", lang, source=label),
                    t("planbook.col.over", lang, source=label)]
    headers.append(t("planbook.col.note", lang))
    _header(ws, r, headers)
    table_head = r
    rows: dict[str, dict] = {}
    for b in burdens:
        for v in b.villages:
            row = rows.setdefault(v["code"], {"name": v["name"], "kind": v["kind"], "workers": v["workers"], "notes": []})
            row[b.source] = v["burden_rupiah"]
        for v in b.no_data:
            row = rows.setdefault(v["code"], {"name": v["name"], "kind": registry.kind(v["code"]), "workers": None, "notes": []})
            row["notes"].append(t("planbook.burden.row_no_data", lang, source=source_label(b.source, lang),
                                  figures=", ".join(column_label(c, lang) for c in v["missing"])))
    for b in burdens:  # a village the source does not pay (kelurahan: no Dana Desa) but another source does
        for code, row in rows.items():
            if b.source not in row and row["kind"] not in funding.VILLAGE_SOURCES[b.source]:
                row["notes"].append(t("planbook.burden.row_excluded", lang, source=source_label(b.source, lang),
                                      kind=_kind_text(row["kind"], lang)))
    for code in sorted(rows):
        row = rows[code]
        r += 1
        values = [(code, None), (row["name"], None), (_kind_text(row["kind"], lang), None), (row["workers"], PERSONS)]
        over_cols = []
        for b in burdens:
            rupiah = row.get(b.source)
            limit = burden_limit(b)
            over = None if limit is None or rupiah is None else rupiah > limit
            values += [(rupiah, RUPIAH), (burden_share_pct(b, rupiah), PERCENT),
                       (None if over is None else (t("export.yes", lang) if over else t("export.no", lang)), None)]
            if over:
                over_cols.append(len(values))
        values.append(("; ".join(row["notes"]) or None, None))
        for c, (value, number_format) in enumerate(values, start=1):
            put_cell(ws, r, c, value, number_format, fill=_OVER_FILL if c in over_cols else None)
    for i in range(1, len(headers) + 1):
        ws.column_dimensions[get_column_letter(i)].width = max(ws.column_dimensions[get_column_letter(i)].width or 0, 16)
    ws.column_dimensions["B"].width = 34
    ws.column_dimensions[get_column_letter(len(headers))].width = max(ws.column_dimensions[get_column_letter(len(headers))].width or 0, 30)
    if rows:
        ws.auto_filter.ref = f"A{table_head}:{get_column_letter(len(headers))}{r}"


def _sources_sheet(ws, plan: funding.Plan, figures: Figures, registry: Registry, lang: str) -> None:
    _preamble(ws, t("planbook.title.sources", lang), plan, figures, lang, 6)
    for i, w in enumerate([34, 60, 18, 18, 18, 18], start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    r = HEADER_ROW

    def section(title: str) -> None:
        nonlocal r
        r += 1
        put_cell(ws, r, 1, title, font=_TITLE)

    def pair(label: str, value, font=None, fill=None) -> None:
        nonlocal r
        r += 1
        put_cell(ws, r, 1, label, font=_BOLD)
        cell = put_cell(ws, r, 2, value, font=font, fill=fill)
        if cell is not None and isinstance(cell.value, (int, float)):
            cell.alignment = Alignment(horizontal="left")

    prov = plan.provenance
    simulated = is_simulated(plan, figures)
    section(t("planbook.src.figures", lang))
    pair(t("planbook.src.goal_figures", lang), f"{t('pair.' + funding.GOALS[plan.inputs['goal']][1], lang)} — {prov['text'][lang]}")
    for line in provenance_lines(plan, figures, lang):
        r += 1
        put_cell(ws, r, 1, line)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
    pair(t("planbook.src.composition", lang), prov.get("composition"))
    pair(t("export.ds.period", lang), prov.get("period"))
    for side in ("numerator", "denominator"):
        src = (prov.get("figures") or {}).get(side)
        label = t("planbook.src.numerator", lang) if side == "numerator" else t("planbook.src.denominator", lang)
        if src is None:
            pair(label, t("planbook.src.side_none", lang))
        else:
            sim = f" — {t('simulated.label', lang)}" if src.get("simulated") else ""
            pair(label, t("planbook.src.side", lang, name=src["dataset_name"], id=src["dataset_id"], period=src["period"],
                          as_of=src["as_of"]) + sim)
    r += 1
    section(t("export.def.dataset", lang))
    for dataset in used_datasets(plan, figures):
        meta = dataset.meta
        r += 1
        for key, value in (
            ("export.ds.id", meta.id),
            ("export.ds.name", meta.name),
            ("export.ds.source", meta.source),
            ("export.ds.version", dataset.version.number),
            ("export.ds.simulated", (t("export.yes", lang) if meta.simulated else t("export.no", lang))
             + (f" — {t('simulated.label', lang)}" if meta.simulated else "")),
        ):
            sim = key == "export.ds.simulated" and meta.simulated
            pair(t(key, lang), value, font=_BOLD if sim or key == "export.ds.id" else None, fill=_SIM_FILL if sim else None)
    r += 1
    section(t("planbook.src.data_status", lang))
    if simulated:
        pair(t("export.ds.simulated", lang), f"{t('simulated.label', lang)} — {t('simulated.short', lang)}", font=_BOLD,
             fill=_SIM_FILL)
    else:
        pair(t("export.ds.simulated", lang), t("export.no", lang))
    r += 1
    for text in (t("planbook.src.method", lang), t("export.registry_source", lang),
                 t("export.generated", lang, date=datetime.now().strftime("%Y-%m-%d %H:%M"))):
        r += 1
        put_cell(ws, r, 1, text)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)


def plan_xlsx(plan: funding.Plan, figures: Figures, registry: Registry, lang: str = "id") -> bytes:
    """The XLSX of ``plan`` (made on ``figures``): inputs, by year, by source, village burden, sources."""
    wb = Workbook()
    ws = wb.active
    ws.title = t("planbook.sheet.inputs", lang)
    _inputs_sheet(ws, plan, figures, registry, lang)
    _by_year_sheet(wb.create_sheet(t("planbook.sheet.by_year", lang)), plan, figures, registry, lang)
    _by_source_sheet(wb.create_sheet(t("planbook.sheet.by_source", lang)), plan, figures, registry, lang)
    _burden_sheet(wb.create_sheet(t("planbook.sheet.burden", lang)), plan, figures, registry, lang)
    _sources_sheet(wb.create_sheet(t("planbook.sheet.sources", lang)), plan, figures, registry, lang)
    wb.properties.title = safe_cell(f"{t('planbook.title', lang)} — {region_title(plan, registry, lang)} — {years_text(plan)}")
    wb.properties.creator = t("app.title", lang)
    wb.properties.created = datetime.now()
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


__all__ = ["plan_xlsx", "plan_filename", "source_label", "goal_label", "package_label", "phasing_text", "split_text",
           "part_text", "region_title", "provenance_lines", "used_datasets", "is_simulated", "years_text", "burden_limit",
           "burden_share_pct", "HEADER_ROW"]
