"""Download buttons for the map PNG, the PDF brief and the XLSX workbook; and for a funding plan (XLSX, PDF, JSON).

The files are made only when a button is clicked: ``st.download_button`` is
given a callable, which Streamlit runs on click in its own thread, and
``on_click="ignore"`` keeps the click from rerunning the page.
"""

from __future__ import annotations


import streamlit as st

from ucj_dash.analysis import funding, priority
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets.figures import Figures
from ucj_dash.exports import brief, mapimage, workbook
from ucj_dash.exports.filenames import export_filename
from ucj_dash.geography.regions import Registry
from ucj_dash.text.i18n import t
from ucj_dash.views import drill

MIME = {
    "png": "image/png",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def export_buttons(ds: Figures, reg: Registry, view: drill.View, settings: Settings, lang: str,
                   rule: priority.Rule | None = None, key_prefix: str = "export") -> None:
    """Three download buttons for ``view``: the map as PNG (A4 width, 300 dpi), the brief as PDF, the workbook as XLSX.

    ``ds`` is the figures the page shows (several datasets: each file names the source and period of each
    figure; its name says "simulasi" when any of them is simulated)."""
    period = view.period or ds.latest_period
    region = view.region
    name = reg.name(region)
    rule = rule or priority.Rule()

    def file_name(ext: str) -> str:
        return export_filename(region, name, period, ext, ds.meta.simulated)

    def png() -> bytes:
        return mapimage.render_png(ds, reg, view.map_parent, period, view.metric, view.classification, settings, lang,
                                   selected=view.selected_village)

    def pdf() -> bytes:
        return brief.brief_pdf(ds, reg, region, period, settings, lang, rule)

    def xlsx() -> bytes:
        return workbook.workbook_xlsx(ds, reg, region, period, settings, lang, rule)

    _buttons(key_prefix, t("export.help", lang), file_name, (
        ("png", t("export.png", lang), png, ":material/map:"),
        ("pdf", t("export.pdf", lang), pdf, ":material/picture_as_pdf:"),
        ("xlsx", t("export.xlsx", lang), xlsx, ":material/table_view:"),
    ))


def _buttons(key_prefix: str, help_text: str, file_name, files) -> None:
    """One row of download buttons: ``files`` are (extension, label, function making the bytes, icon); each
    file is made only when its button is clicked, and named ``file_name(extension)``."""
    with st.container(horizontal=True, gap="small", key=f"{key_prefix}_row"):
        for ext, label, make, icon in files:
            st.download_button(label, data=make, file_name=file_name(ext), mime=MIME[ext], key=f"{key_prefix}_{ext}",
                               help=help_text, on_click="ignore", icon=icon)


def plan_export_buttons(plan: funding.Plan, figures: Figures, registry: Registry, lang: str,
                        key_prefix: str = "plan_export") -> None:
    """Download buttons for a funding plan: the XLSX plan (inputs, by year, by source, village burden, sources),
    the "Rencana pendanaan" PDF brief and the plan as JSON (as ``python -m ucj_dash plan`` writes it).

    ``figures`` are the figures the plan was made on (its sources and simulated label); each file is made
    only when its button is clicked. The file names say "rencana", the region, period and "simulasi"."""
    from ucj_dash.exports import planbook, planbrief

    simulated = planbook.is_simulated(plan, figures)

    def xlsx() -> bytes:
        return planbook.plan_xlsx(plan, figures, registry, lang)

    def pdf() -> bytes:
        return planbrief.plan_pdf(plan, figures, registry, lang)

    _buttons(key_prefix, t("plan.export.help", lang), lambda ext: planbook.plan_filename(plan, registry, ext, simulated), (
        ("xlsx", t("plan.export.xlsx", lang), xlsx, ":material/table_view:"),
        ("pdf", t("plan.export.pdf", lang), pdf, ":material/picture_as_pdf:"),
        ("json", t("plan.export.json", lang), plan.json_bytes, ":material/data_object:"),
    ))
