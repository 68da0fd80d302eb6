"""Data: the import template, upload with a validation report, stored datasets (pick the active one, delete).

In public mode (see :mod:`ucj_dash.admin`) everything below the login form
needs the admin password; the password lives only in a cleared form field
and is never written to the URL, the session or a log.
"""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from ucj_dash import admin
from ucj_dash.datasets import importer, store, template
from ucj_dash.errors import UserError
from ucj_dash.geography.regions import level_of
from ucj_dash.text.i18n import t
from ui import loaders, state, widgets

WRONG_PASSWORD_DELAY_S = 0.5  # slows down guessing; the comparison itself is constant-time
REPORT_ROWS_SHOWN = 2000

view, _ = state.current_view()
lang = view.lang
widgets.language_switch(view)


def login_form() -> None:
    """The admin login; stops the page for anyone not logged in."""
    st.title(t("admin.page_login", lang))
    st.caption(t("admin.login.explain", lang))
    if not admin.password_configured(st.secrets):
        st.error(t("admin.not_configured", lang))
        st.stop()
    with st.form("admin_login", clear_on_submit=True):
        password = st.text_input(t("admin.password", lang), type="password", key="admin_password")
        submitted = st.form_submit_button(t("admin.login", lang))
    if submitted:
        if admin.check_password(password, st.secrets):
            st.session_state[admin.SESSION_KEY] = True
            st.rerun()
        time.sleep(WRONG_PASSWORD_DELAY_S)
        st.error(t("admin.wrong", lang))
    st.stop()


public = admin.public_mode(st.secrets)
if not admin.may_manage_data(st.session_state.get(admin.SESSION_KEY, False), st.secrets):
    login_form()
if public:
    st.sidebar.caption(t("admin.logged_in", lang))
    if st.sidebar.button(t("admin.logout", lang), key="admin_logout"):
        st.session_state[admin.SESSION_KEY] = False
        st.rerun()

st.title(t("data.page", lang))
st.markdown(t("data.intro", lang))
flash = st.session_state.pop("data_flash", None)
if flash:
    st.success(flash)


# ---- 1. template


@st.cache_data(show_spinner=False)
def template_files() -> tuple[bytes, bytes]:
    reg = loaders.registry()
    return template.csv_bytes(reg), template.xlsx_bytes(reg)


st.header(t("data.template.header", lang))
st.markdown(t("data.template.explain", lang))
csv_template, xlsx_template = template_files()
c1, c2 = st.columns(2)
c1.download_button(t("data.template.csv", lang), csv_template, "ucj_template.csv", "text/csv", key="template_csv")
c2.download_button(
    t("data.template.xlsx", lang), xlsx_template, "ucj_template.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="template_xlsx",
)
with st.expander(t("data.template.columns", lang)):
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("import.col.column", lang): d["column"],
                    t("data.col.description", lang): d["text_" + lang],
                    t("data.col.unit", lang): d["unit_" + lang],
                    t("data.col.required", lang): "✓" if d["required"] else "",
                }
                for d in template.column_docs()
            ]
        ),
        hide_index=True,
        width="stretch",
    )


# ---- 2. upload and check

st.header(t("data.upload.header", lang))
upload_key = f"upload_{st.session_state.get('upload_n', 0)}"
uploaded = st.file_uploader(
    t("data.upload.label", lang),
    type=["csv", "txt", "tsv", "xlsx", "xls"],
    key=upload_key,
    help=t("data.upload.help", lang, limit=importer.MAX_FILE_BYTES // (1024 * 1024)),
)


def current_report(file) -> importer.Report:
    """The check of ``file``, computed once per file content (reruns reuse it)."""
    data = file.getvalue()
    held = st.session_state.get("import_report")
    if held is None or held.file_name != file.name or held.data != data:
        with st.spinner(t("data.checking", lang)):
            held = importer.check(data, file.name, loaders.registry())
        st.session_state["import_report"] = held
    return held


if uploaded is not None:
    report = current_report(uploaded)
    st.subheader(t("data.report.header", lang))
    st.caption(report.summary(lang))
    if report.errors:
        st.error(t("data.report.blocked", lang, n=len(report.errors)))
    elif report.warnings:
        st.warning(t("data.report.warnings", lang, n=len(report.warnings)))
    else:
        st.success(t("data.report.ok", lang))
    if report.problems:
        table = report.table(lang)
        if len(table) > REPORT_ROWS_SHOWN:
            st.caption(t("data.report.more", lang, shown=REPORT_ROWS_SHOWN, n=len(table)))
        st.dataframe(table.head(REPORT_ROWS_SHOWN), hide_index=True, width="stretch")
        st.download_button(
            t("data.report.download", lang), report.to_csv(lang),
            f"ucj_report_{report.file_name.rsplit('.', 1)[0]}.csv", "text/csv", key="report_csv",
        )

    if report.ok:
        figures = report.figures
        levels = sorted({level_of(c) for c in figures["region_code"]})
        st.caption(
            t(
                "data.preview", lang, rows=report.rows_imported, regions=figures["region_code"].nunique(),
                levels=", ".join(t("level." + lv.key, lang) for lv in levels),
                periods=", ".join(sorted(figures["period"].unique())),
            )
        )
        same = store.find_by_checksum(report.sha256)
        if same:
            st.info(t("data.same_file", lang, names=", ".join(f"“{m.name}” ({m.id})" for m in same)))
        name = st.text_input(t("data.meta.name", lang), value=report.file_name.rsplit(".", 1)[0], key="meta_name")
        source = st.text_input(t("data.meta.source", lang), key="meta_source")
        as_of = st.text_input(t("data.meta.as_of", lang), key="meta_as_of", placeholder="2024-12-31")
        description = st.text_area(t("data.meta.description", lang), key="meta_description")
        confirmed = True
        if report.warnings:
            confirmed = st.checkbox(t("data.confirm_warnings", lang, n=len(report.warnings)), key="confirm_warnings")
        activate = st.checkbox(t("data.activate_after", lang), value=True, key="activate_after")
        if st.button(t("data.import", lang), type="primary", disabled=not confirmed, key="do_import"):
            try:
                ds = importer.store_import(
                    report, name=name, source=source, as_of=as_of, description=description, accept_warnings=confirmed
                )
            except UserError as exc:
                st.error(exc.message(lang))
            else:
                if activate:
                    store.set_active(ds.meta.id)
                    st.session_state["dataset_id"] = ds.meta.id
                st.session_state.pop("import_report", None)
                st.session_state["upload_n"] = st.session_state.get("upload_n", 0) + 1
                st.session_state["data_flash"] = t("data.imported", lang, name=ds.meta.name, id=ds.meta.id)
                st.rerun()


# ---- 3. stored datasets


def clear_dataset_caches() -> None:
    """Forget cached datasets and views: an id freed by a delete may be reused by a later import."""
    loaders.dataset.clear()
    loaders.children_table_cached.clear()
    loaders.layer_geojson_cached.clear()


st.header(t("data.list.header", lang))
metas = store.list_datasets()
active = state.active_dataset_id()
rows = []
for m in metas:
    x = m.extra
    rows.append(
        {
            t("data.col.active", lang): "●" if m.id == active else "",
            t("data.col.name", lang): m.name,
            t("data.col.kind", lang): t("data.kind.simulated" if m.simulated else "data.kind.imported", lang),
            t("data.col.source", lang): m.source,
            t("data.col.as_of", lang): m.as_of,
            t("data.col.uploaded_at", lang): (x.get("uploaded_at") or m.created_at or "")[:16].replace("T", " "),
            t("data.col.file", lang): x.get("file_name", ""),
            t("data.col.sha256", lang): x.get("file_sha256", "")[:16],
            t("data.col.rows", lang): f"{x['rows_imported']} / {x['rows_read']}" if "rows_read" in x else "",
            t("data.col.periods", lang): ", ".join(x.get("periods", [])),
            t("data.col.levels", lang): ", ".join(t("level." + k, lang) for k in x.get("levels", [])),
            t("data.col.id", lang): m.id,
        }
    )
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

ids = [m.id for m in metas]
names = {m.id: m.name for m in metas}
if ids:
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    pick = c1.selectbox(
        t("data.active.label", lang), ids, index=ids.index(active) if active in ids else 0,
        format_func=lambda i: f"{names[i]} ({i})", key="active_pick",
    )
    if c2.button(t("data.active.set", lang), key="set_active", disabled=pick == active):
        store.set_active(pick)
        st.session_state["dataset_id"] = pick
        st.session_state["data_flash"] = t("data.active.now", lang, name=names[pick])
        st.rerun()

st.subheader(t("data.delete.header", lang))
deletable = [i for i in ids if i != store.DEMO_ID]
if not deletable:
    st.caption(t("data.delete.none", lang))
else:
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    victim = c1.selectbox(t("data.delete.pick", lang), deletable, format_func=lambda i: f"{names[i]} ({i})", key="delete_pick")
    if c2.button(t("data.delete.button", lang), key="delete_ask"):
        st.session_state["pending_delete"] = victim
    pending = st.session_state.get("pending_delete")
    if pending in deletable:
        st.warning(t("data.delete.confirm", lang, name=names[pending], id=pending))
        y, n = st.columns(2)
        if y.button(t("data.delete.yes", lang), type="primary", key="delete_yes"):
            try:
                store.delete(pending)
            except UserError as exc:
                st.error(exc.message(lang))
            else:
                if st.session_state.get("dataset_id") == pending:
                    st.session_state.pop("dataset_id")
                clear_dataset_caches()
                st.session_state.pop("pending_delete", None)
                st.session_state["data_flash"] = t("data.deleted", lang, name=names[pending])
                st.rerun()
        if n.button(t("data.delete.cancel", lang), key="delete_no"):
            st.session_state.pop("pending_delete", None)
            st.rerun()
