"""A funding plan as a one- or two-page A4 PDF brief, "Rencana pendanaan" / "Funding plan" (reportlab).

:func:`plan_pdf` puts on paper what a presenter needs in a meeting: the region and goal, the inputs
(package and its price, years and phasing, the split over funding sources, the village budget and its
source), the key figures (workers to enrol, total cost, funded, unfunded, coverage reached), the plan per
year and per source, the burden on villages for APBDes and BKBK, the notes (unfunded or over-funded
remainder, no data and why), where each figure comes from, and the simulated-data label (a banner and
the top of every page) when any dataset used is simulated. Rupiah are whole rupiah as
:func:`~ucj_dash.text.fmt.rupiah` writes them; missing figures are "—", never Rp0. Fonts and table
style are the region brief's (:mod:`ucj_dash.exports.brief`), so "—" and "≥" print.
"""

from __future__ import annotations

import io
from datetime import date

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from ucj_dash.analysis import funding
from ucj_dash.datasets.figures import Figures
from ucj_dash.exports import planbook
from ucj_dash.exports.brief import (
    _SIM_BG,
    _SIM_BORDER,
    FONT,
    FONT_BOLD,
    FRAME_W,
    MARGIN,
    MAX_PAGES,
    _p,
    _styles,
    _table,
    register_fonts,
)
from ucj_dash.geography.regions import Registry
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t

#: village rows shown per source in the burden table when the brief must be shortened
LAYOUTS = (8, 5, 3, 0)


def _rp(value, lang: str) -> str:
    return fmt.rupiah(value, lang, compact=False)


def _num(value, lang: str) -> str:
    """Whole rupiah in a table column whose header says "(Rp)": "421.800.624.000" (one line even for trillions)."""
    return fmt.number(value, lang)


def _rp_both(value, lang: str) -> str:
    """"Rp80,6 juta (Rp 80.640.000)"; small amounts once; missing "—"."""
    compact, full = fmt.rupiah(value, lang), fmt.rupiah(value, lang, compact=False)
    return full if compact == full else f"{compact} ({full})"


def _inputs(plan: funding.Plan, registry: Registry, lang: str, s) -> list:
    inputs = plan.inputs
    budget = inputs.get("village_budget_rupiah")
    budget_text = (t("planbrief.budget", lang, rupiah=_rp(budget, lang), source=inputs.get("village_budget_source") or "",
                     share=fmt.percent(inputs.get("budget_share_pct"), lang, 2))
                   if budget is not None else t("planbook.in.village_budget_none", lang))
    rows = [
        (t("planbook.in.goal", lang), planbook.goal_label(plan, lang)),
        (t("planbook.in.package", lang), planbook.package_label(plan, lang)),
        (t("planbrief.years", lang), f"{planbook.years_text(plan)} · {planbook.phasing_text(plan, lang)}"),
        (t("planbrief.split", lang), planbook.split_text(plan, lang)),
        (t("planbook.in.village_budget", lang), budget_text),
        (t("planbook.in.period", lang), fmt.period(inputs["period"], lang) + f" ({inputs['period']})"),
    ]
    cells = [[_p(a, s["cell_b"]), _p(b, s["cell"])] for a, b in rows]
    return [_p(t("planbrief.inputs", lang), s["h2"]), _table(cells, [4.4 * cm, FRAME_W - 4.4 * cm], header=False)]


def _key_figures(plan: funding.Plan, lang: str, s) -> list:
    out = [_p(t("planbrief.key", lang), s["h2"])]
    if plan.no_data is not None:  # "—", never Rp0; the reason is under Notes
        rows = [(t("planbrief.workers", lang), fmt.NO_DATA), (t("planbook.cost_total", lang), fmt.NO_DATA),
                (t("planbook.unfunded", lang), fmt.NO_DATA)]
        cells = [[_p(a, s["cell_b"]), _p(b, s["cell_b"])] for a, b in rows]
        return [*out, _table(cells, [6.4 * cm, FRAME_W - 6.4 * cm], header=False)]
    funded = sum(plan.by_source.values()) - (plan.overfunded_rupiah or 0)
    last = plan.by_year[-1] if plan.by_year else None
    target = (plan.provenance.get("settings") or {}).get("ucj_target_pct", {}).get("value")
    coverage = fmt.percent(last.coverage_pct if last else None, lang, 2)
    if target is not None and last is not None and last.coverage_pct is not None:
        coverage += " · " + t("planbrief.vs_target", lang, target=fmt.percent(target, lang, 2))
    rows = [
        (t("planbrief.workers", lang), fmt.value(plan.workers_to_enrol, "orang", lang)),
        (t("planbook.cost_total", lang), _rp_both(plan.cost_total_rupiah, lang)),
        (t("planbrief.funded", lang), _rp_both(funded, lang)),
        (t("planbook.unfunded", lang), _rp_both(plan.unfunded_rupiah, lang)),
    ]
    if plan.overfunded_rupiah:
        rows.append((t("planbook.overfunded", lang), _rp_both(plan.overfunded_rupiah, lang)))
    rows.append((t("planbrief.coverage_end", lang, year=last.year if last else "—"), coverage))
    cells = [[_p(a, s["cell_b"]), _p(b, s["cell_b"])] for a, b in rows]
    return [*out, _table(cells, [6.4 * cm, FRAME_W - 6.4 * cm], header=False)]


def _by_year(plan: funding.Plan, lang: str, s) -> list:
    if plan.no_data is not None or not plan.by_year:
        return []
    head = [t("planbook.col.year", lang), t("planbook.col.new_workers", lang), t("planbook.col.workers", lang),
            t("planbook.col.cost", lang), t("planbook.col.coverage", lang), t("planbrief.col.funded", lang),
            t("planbook.col.unfunded", lang)]
    rows = [[_p(h, s["cell_b"]) for h in head]]
    for y in plan.by_year:
        funded = sum(y.by_source.values()) - y.overfunded_rupiah
        rows.append([_p(str(y.year), s["cell"]), _p(fmt.number(y.new_workers, lang), s["cell_r"]),
                     _p(fmt.number(y.workers, lang), s["cell_r"]), _p(_num(y.cost_rupiah, lang), s["cell_r"]),
                     _p(fmt.percent(y.coverage_pct, lang, 2), s["cell_r"]), _p(_num(funded, lang), s["cell_r"]),
                     _p(_num(y.unfunded_rupiah, lang), s["cell_r"])])
    rows.append([_p(t("planbook.total", lang), s["cell_b"]),
                 _p(fmt.number(sum(y.new_workers for y in plan.by_year), lang), s["cell_r"]), _p("", s["cell"]),
                 _p(_num(plan.cost_total_rupiah, lang), s["cell_r"]), _p("", s["cell"]),
                 _p(_num(sum(plan.by_source.values()) - (plan.overfunded_rupiah or 0), lang), s["cell_r"]),
                 _p(_num(plan.unfunded_rupiah, lang), s["cell_r"])])
    w = (FRAME_W - 1.6 * cm) / 6
    table = _table(rows, [1.6 * cm] + [w] * 6)
    table.setStyle(TableStyle([("FONTNAME", (0, -1), (-1, -1), FONT_BOLD)]))
    note = t("planbook.by_year_note", lang, rate=_rp(plan.per_worker_monthly_rupiah, lang))
    return [_p(t("planbrief.by_year", lang), s["h2"]), table, _p(note, s["small"])]


def _by_source(plan: funding.Plan, lang: str, s) -> list:
    if plan.no_data is not None:
        return []
    cost = plan.cost_total_rupiah

    def share(value):
        return fmt.percent(value / cost * 100 if cost else None, lang, 1)

    head = [t("planbook.col.source", lang), t("planbook.col.how", lang), t("planbook.col.total_rp", lang),
            t("planbook.col.share_of_cost", lang)]
    rows = [[_p(h, s["cell_b"]) for h in head]]
    for part in plan.inputs.get("split") or []:
        total = plan.by_source.get(part["source"])
        how = (t("planbrief.how.amount", lang, rupiah=_rp(part["amount_rp"], lang)) if part.get("amount_rp") is not None
               else t("planbrief.how.share", lang, share=fmt.percent(part["share_pct"], lang, 2)))
        rows.append([_p(planbook.source_label(part["source"], lang), s["cell"]), _p(how, s["cell"]),
                     _p(_num(total, lang), s["cell_r"]), _p(share(total), s["cell_r"])])
    rows.append([_p(t("planbook.unfunded", lang), s["cell_b"]), _p("", s["cell"]),
                 _p(_num(plan.unfunded_rupiah, lang), s["cell_r"]), _p(share(plan.unfunded_rupiah), s["cell_r"])])
    if plan.overfunded_rupiah:
        rows.append([_p(t("planbook.overfunded", lang), s["cell_b"]), _p("", s["cell"]),
                     _p(_num(plan.overfunded_rupiah, lang), s["cell_r"]), _p(share(plan.overfunded_rupiah), s["cell_r"])])
    rows.append([_p(t("planbook.cost_total", lang), s["cell_b"]), _p("", s["cell"]),
                 _p(_num(cost, lang), s["cell_r"]), _p(share(cost), s["cell_r"])])
    return [_p(t("planbrief.by_source", lang, years=planbook.years_text(plan)), s["h2"]),
            _table(rows, [5.6 * cm, FRAME_W - 13.2 * cm, 4.6 * cm, 3.0 * cm])]


def _burden(plan: funding.Plan, registry: Registry, lang: str, s, village_rows: int) -> list:
    if plan.no_data is not None or not plan.burden:
        return []
    last_year = plan.by_year[-1].year if plan.by_year else plan.inputs["years"][1]
    out = [_p(t("planbrief.burden", lang, year=last_year), s["h2"])]
    head = [t("planbook.col.source", lang), t("planbook.burden.amount", lang), t("planbrief.burden.villages", lang),
            t("planbook.burden.mean", lang), t("planbrief.burden.max", lang), t("planbrief.burden.over", lang)]
    rows = [[_p(h, s["cell_b"]) for h in head]]
    notes = []
    for b in plan.burden.values():
        label = planbook.source_label(b.source, lang)
        excluded = ", ".join(f"{t('kind.' + k, lang)} {fmt.number(n, lang)}" for k, n in sorted(b.excluded_kinds.items()))
        villages = t("planbrief.burden.villages_value", lang, n=fmt.number(len(b.villages), lang),
                     no_data=fmt.number(len(b.no_data), lang))
        if excluded:
            villages += " · " + t("planbrief.burden.excluded", lang, kinds=excluded)
        top = (f"{_rp(b.max_rupiah, lang)} — {registry.name(b.max_village)}" if b.max_village else fmt.NO_DATA)
        limit = planbook.burden_limit(b)
        if b.over_budget is None:
            over = t("planbrief.burden.no_budget", lang)
        else:
            over = t("planbrief.burden.over_value", lang, n=fmt.number(len(b.over_budget), lang),
                     total=fmt.number(len(b.villages), lang), limit=_rp(limit, lang),
                     share=fmt.percent(b.budget_share_pct, lang, 2), budget=_rp(b.budget_rupiah, lang),
                     source=b.budget_source or "")
        rows.append([_p(label, s["cell_b"]), _p(_num(b.amount_rupiah, lang), s["cell_r"]), _p(villages, s["cell"]),
                     _p(_num(b.mean_rupiah, lang), s["cell_r"]), _p(top, s["cell"]), _p(over, s["cell"])])
        notes += [f"{label}: {n[lang]}" for n in b.notes]
    out.append(_table(rows, [3.0 * cm, 2.7 * cm, 3.3 * cm, 2.4 * cm, 3.6 * cm, FRAME_W - 15.0 * cm]))
    if village_rows:
        for b in plan.burden.values():
            if not b.villages:
                continue
            top = sorted(b.villages, key=lambda v: (-v["burden_rupiah"], v["code"]))[:village_rows]
            caption = _p(t("planbrief.burden.top", lang, source=planbook.source_label(b.source, lang),
                           shown=fmt.number(len(top), lang), n=fmt.number(len(b.villages), lang)), s["small_gap"])
            limit = planbook.burden_limit(b)
            head = [t("planbook.col.name", lang), t("planbook.col.workers_to_enrol", lang), t("planbrief.col.burden", lang),
                    t("planbrief.col.budget_share", lang)]
            vrows = [[_p(h, s["cell_b"]) for h in head]]
            for v in top:
                over = limit is not None and v["burden_rupiah"] > limit
                name = f"{v['name']} ({v['code']})" + (f" — {t('planbrief.over_mark', lang)}" if over else "")
                vrows.append([_p(name, s["cell_b"] if over else s["cell"]), _p(fmt.number(v["workers"], lang), s["cell_r"]),
                              _p(_num(v["burden_rupiah"], lang), s["cell_r"]),
                              _p(fmt.percent(planbook.burden_share_pct(b, v["burden_rupiah"]), lang, 2), s["cell_r"])])
            out.append(KeepTogether([caption, _table(vrows, [FRAME_W - 9.6 * cm, 2.6 * cm, 4.0 * cm, 3.0 * cm])]))
    out += [_p(n, s["small_gap"]) for n in notes[:1]] + [_p(n, s["small"]) for n in notes[1:]]
    out.append(_p(t("planbook.burden.explain", lang), s["small"]))
    return out


def _notes(plan: funding.Plan, lang: str, s) -> list:
    lines = [n[lang] for n in plan.notes]
    if plan.no_data is not None:
        lines.insert(0, plan.no_data["reason"][lang])
    if not lines:
        lines = [t("planbrief.notes.none", lang)]
    return [_p(t("planbrief.notes", lang), s["h2"])] + [_p("• " + line, s["body"]) for line in lines]


def _sources(plan: funding.Plan, figures: Figures, lang: str, s) -> list:
    out = [_p(t("planbrief.sources", lang), s["h2"])]
    for line in planbook.provenance_lines(plan, figures, lang):
        out.append(_p("• " + line, s["small"]))
    datasets = "; ".join(
        t("planbrief.dataset", lang, id=d.meta.id, name=d.meta.name, version=d.version.number)
        + (f" ({t('simulated.label', lang)})" if d.meta.simulated else "")
        for d in planbook.used_datasets(plan, figures))
    if datasets:
        out.append(_p(f"{t('export.def.dataset', lang)}: {datasets}", s["small"]))
    settings = plan.provenance.get("settings") or {}
    rate = settings.get("bpu_min_package_rp") or {}
    out.append(_p(t("planbrief.rate_source", lang, rate=_rp(plan.per_worker_monthly_rupiah, lang),
                    source=rate.get("source", ""), as_of=rate.get("as_of", "")), s["small"]))
    if "ucj_target_pct" in settings:
        target = settings["ucj_target_pct"]
        out.append(_p(t("planbrief.target_source", lang, target=fmt.percent(target.get("value"), lang, 2),
                        source=target.get("source", ""), as_of=target.get("as_of", "")), s["small"]))
    out.append(_p(t("planbook.src.method", lang), s["small"]))
    return out


def plan_pdf(plan: funding.Plan, figures: Figures, registry: Registry, lang: str = "id") -> bytes:
    """The A4 "Rencana pendanaan" brief of ``plan`` (made on ``figures``) as PDF bytes: one or two pages.

    Should it run over two pages (a long plan, many sources), it is laid out again with fewer village rows.
    """
    register_fonts()
    s = _styles()
    s["small_gap"] = ParagraphStyle("small_gap", parent=s["small"], spaceBefore=4, spaceAfter=2)
    simulated = planbook.is_simulated(plan, figures)
    region = planbook.region_title(plan, registry, lang)
    code = plan.inputs["region"]

    def story(village_rows: int) -> list:
        """The brief's flowables, made anew for each layout tried (reportlab marks flowables it has moved on)."""
        head: list = [_p(t("planbrief.title", lang, region=region), s["title"]),
                      _p(t("planbrief.subtitle", lang, goal=planbook.goal_label(plan, lang), years=planbook.years_text(plan)),
                         s["body"])]
        if code in registry:
            head.append(_p(t("planbrief.meta", lang, path=registry.path_label(code), period=plan.provenance["period"]), s["small"]))
        if simulated:
            banner = Table([[_p(f"{t('simulated.label', lang).upper()} — {t('simulated.short', lang)}", s["sim"])]],
                           colWidths=[FRAME_W])
            banner.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), _SIM_BG), ("BOX", (0, 0), (-1, -1), 1.2, _SIM_BORDER),
                                        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
            head += [Spacer(1, 4), banner]
        head += _inputs(plan, registry, lang, s) + _key_figures(plan, lang, s)
        middle = _by_year(plan, lang, s) + _by_source(plan, lang, s)
        tail = _notes(plan, lang, s) + _sources(plan, figures, lang, s)
        return [*head, *middle, *_burden(plan, registry, lang, s, village_rows), *tail]

    today = date.today().isoformat()
    footer_left = f"{t('app.title', lang)} · {t('planbook.title', lang)} · {region}"
    footer_sim = t("simulated.label", lang) if simulated else ""

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.drawString(MARGIN, 0.8 * cm, footer_left[:110])
        canvas.drawRightString(A4[0] - MARGIN, 0.8 * cm,
                               f"{t('export.generated', lang, date=today)} · {t('export.brief.page', lang, n=doc.page)}")
        if footer_sim:
            canvas.setFont(FONT_BOLD, 8)
            canvas.drawCentredString(A4[0] / 2, A4[1] - 0.8 * cm, footer_sim.upper())
        canvas.restoreState()

    data = b""
    for village_rows in LAYOUTS:
        out = io.BytesIO()
        doc = SimpleDocTemplate(
            out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=1.2 * cm, bottomMargin=1.3 * cm,
            title=f"{t('planbrief.title', lang, region=region)} — {planbook.years_text(plan)}", author=t("app.title", lang),
            subject=footer_sim or figures.meta.name, lang=lang,
        )
        doc.build(story(village_rows), onFirstPage=on_page, onLaterPages=on_page)
        data = out.getvalue()
        if doc.page <= MAX_PAGES:
            break
    return data


__all__ = ["plan_pdf"]
