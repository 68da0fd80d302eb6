"""Data: the import template, upload with a validation report (a new dataset or new periods of a stored one),
stored datasets with their versions (roll back), the default source of each group of figures, delete.

In public mode (see :mod:`ucj_dash.admin`) everything below the login form
needs the admin password; the password lives only in a cleared form field
and is never written to the URL, the session or a log.
"""

from __future__ import annotations

import hashlib
import math
import time

import streamlit as st

from ucj_dash import admin, audit
from ucj_dash.datasets import catalog, composition, importer, store, template, worker
from ucj_dash.errors import UserError
from ucj_dash.text.i18n import t
from ucj_dash.text.markup import markdown as md
from ui import admin_session, entry, loaders, state, widgets

entry.through_app(__file__)

WRONG_PASSWORD_DELAY_S = 0.5  # slows down guessing; the comparison itself is constant-time
REPORT_ROWS_SHOWN = 2000
_address = st.context.ip_address
ORIGIN = _address if isinstance(_address, str) and _address else "unknown"  # where admin actions come from, for the audit log

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
        wait_s = audit.login_wait_s(ORIGIN)
        if wait_s > 0:  # too many wrong guesses lately, from here or from everywhere: the password is not even checked
            audit.record("login", "throttled", ORIGIN)
            st.error(t("admin.throttled", lang, minutes=math.ceil(wait_s / 60)))
            st.stop()
        if admin.check_password(password, st.secrets):
            admin_session.login(ORIGIN)  # audited; a login cookie too when a session secret is set
            st.rerun()
        audit.record("login", "failed", ORIGIN)
        time.sleep(WRONG_PASSWORD_DELAY_S)
        st.error(t("admin.wrong", lang))
    st.stop()


public = admin.public_mode(st.secrets)
if not admin_session.may_manage_data():
    login_form()
if public:
    st.sidebar.caption(t("admin.logged_in", lang))
    secret_warning = admin_session.secret_warning(lang)
    if secret_warning:  # the login lasts only as long as this connection
        st.sidebar.warning(secret_warning)
    if st.sidebar.button(t("admin.logout", lang), key="admin_logout"):
        admin_session.logout(ORIGIN)  # revoked on every replica, the cookie cleared, audited
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
    st.dataframe(template.column_table(lang), hide_index=True, width="stretch")


# ---- 2. upload and check

st.header(t("data.upload.header", lang))
upload_key = f"upload_{st.session_state.get('upload_n', 0)}"
uploaded = st.file_uploader(
    t("data.upload.label", lang),
    type=["csv", "txt", "tsv", "xlsx", "xls"],
    key=upload_key,
    help=t("data.upload.help", lang, limit=loaders.upload_limit_mb()),
    max_upload_size=loaders.upload_limit_mb(),
)


def current_report(file) -> importer.Report:
    """The check of ``file``, computed once per file content (reruns reuse it; the report keeps no bytes it cannot store)."""
    data = file.getvalue()
    held = st.session_state.get("import_report")
    if held is None or held.file_name != file.name or held.sha256 != hashlib.sha256(data).hexdigest():
        with st.spinner(t("data.checking", lang)):
            held = worker.check(data, file.name, loaders.registry())  # in a worker process, time and memory capped
        st.session_state["import_report"] = held
    return held


if uploaded is not None:
    report = current_report(uploaded)
    st.subheader(t("data.report.header", lang))
    st.caption(md(report.summary(lang)))  # plain text (it also heads the CSV report), with the file name
    if report.errors:
        st.error(t("data.report.blocked", lang, n=report.error_count))
    elif report.warnings:
        st.warning(t("data.report.warnings", lang, n=report.warning_count))
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
        st.caption(catalog.import_preview(report.figures, report.rows_imported, lang))
        same = store.find_by_checksum(report.sha256)
        if same:
            st.info(t("data.same_file", lang, names=", ".join(f"“{md(m.name)}” ({m.id})" for m in same)))
        stored_now = catalog.Catalog.read(loaders.default_composition())
        targets = stored_now.deletable
        mode = st.radio(t("data.import.mode", lang), ["new", "append"], horizontal=True, key="import_mode",
                        format_func=lambda m: t("data.import.mode." + m, lang), disabled=not targets)
        append_to = None
        if mode == "append" and targets:
            append_to = st.selectbox(t("data.import.append_to", lang), targets, format_func=stored_now.label, key="append_to")
            have = set(stored_now.dataset(append_to).periods) & set(report.figures["period"].unique())
            st.caption(t("data.import.append_note", lang, replaced=", ".join(sorted(have)) or "—"))
            name = source = description = ""
        else:
            name = st.text_input(t("data.meta.name", lang), value=report.file_name.rsplit(".", 1)[0], key="meta_name")
            source = st.text_input(t("data.meta.source", lang), key="meta_source")
            description = st.text_area(t("data.meta.description", lang), key="meta_description")
        as_of = st.text_input(t("data.meta.as_of", lang), key="meta_as_of", placeholder="2024-12-31")
        confirmed = True
        if report.warnings:
            confirmed = st.checkbox(t("data.confirm_warnings", lang, n=report.warning_count), key="confirm_warnings")
        activate = append_to is None and st.checkbox(t("data.activate_after", lang), value=True, key="activate_after")
        if st.button(t("data.import", lang), type="primary", disabled=not confirmed, key="do_import"):
            try:
                ds = importer.store_import(
                    report, name=name, source=source, as_of=as_of, description=description, append_to=append_to,
                    accept_warnings=confirmed,
                )
                if activate:
                    composition.use_everywhere(ds.meta.id)
            except UserError as exc:
                audit.record("import", "refused", ORIGIN, append_to, file_sha256=report.sha256, reason=exc.key)
                st.error(exc.markdown(lang))
            else:
                audit.record("import", "ok", ORIGIN, ds.meta.id, file_sha256=report.sha256, version=ds.version.number)
                if activate:
                    audit.record("activate", "ok", ORIGIN, ds.meta.id)
                st.session_state.pop("import_report", None)
                st.session_state["upload_n"] = st.session_state.get("upload_n", 0) + 1
                st.session_state["data_flash"] = t("data.imported", lang, name=md(ds.meta.name), id=ds.meta.id,
                                                   version=ds.version.number)
                st.rerun()


# ---- 3. stored datasets


st.header(t("data.list.header", lang))
stored = catalog.Catalog.read(loaders.default_composition())
st.dataframe(stored.table(lang), hide_index=True, width="stretch")

st.subheader(t("data.default.header", lang))
st.caption(t("data.default.explain", lang))
with st.form("default_sources"):
    chosen = {}
    for group in composition.GROUPS:
        options = stored.offering(group)
        if not options:
            st.caption(f"{t('sources.group.' + group, lang)}: {t('sources.none', lang)}")
            continue
        current = stored.default.source(group)
        chosen[group] = st.selectbox(t("sources.group." + group, lang), options, format_func=stored.label, key=f"default_{group}",
                                     index=options.index(current) if current in options else 0)
    if st.form_submit_button(t("data.default.save", lang)):
        try:
            composition.set_default(composition.Composition.of(chosen))
        except UserError as exc:
            st.error(exc.markdown(lang))
        else:
            audit.record("activate", "ok", ORIGIN, composition.Composition.of(chosen).to_query())
            st.session_state["data_flash"] = t("data.default.saved", lang)
            st.rerun()

st.subheader(t("data.versions.header", lang))
if stored.ids:
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    which = c1.selectbox(t("data.versions.pick", lang), stored.ids, format_func=stored.label, key="versions_pick")
    st.dataframe(catalog.versions_table(which, lang), hide_index=True, width="stretch", key="versions_table")
    older = [v.number for v in store.versions(which) if v.number != store.current_version_number(which)]
    if older and not store.is_demo(which):
        back_to = c2.selectbox(t("data.versions.back_to", lang), older[::-1], key="rollback_to")
        if st.button(t("data.versions.rollback", lang, n=back_to), key="do_rollback"):
            try:
                store.roll_back(which, back_to)
            except UserError as exc:
                audit.record("rollback", "refused", ORIGIN, which, reason=exc.key)
                st.error(exc.markdown(lang))
            else:
                audit.record("rollback", "ok", ORIGIN, which, version=back_to)
                st.session_state["data_flash"] = t("data.versions.rolled_back", lang, name=md(stored.name(which)), n=back_to)
                st.rerun()

st.subheader(t("data.delete.header", lang))
deletable = stored.deletable
if not deletable:
    st.caption(t("data.delete.none", lang))
else:
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    victim = c1.selectbox(t("data.delete.pick", lang), deletable, format_func=stored.label, key="delete_pick")
    if c2.button(t("data.delete.button", lang), key="delete_ask"):
        st.session_state["pending_delete"] = victim
    pending = st.session_state.get("pending_delete")
    if pending in deletable:
        st.warning(t("data.delete.confirm", lang, name=md(stored.name(pending)), id=pending))
        y, n = st.columns(2)
        if y.button(t("data.delete.yes", lang), type="primary", key="delete_yes"):
            try:
                store.delete(pending)
            except UserError as exc:
                audit.record("delete", "refused", ORIGIN, pending, reason=exc.key)
                st.error(exc.markdown(lang))
            else:
                audit.record("delete", "ok", ORIGIN, pending)
                loaders.forget_datasets()
                st.session_state.pop("pending_delete", None)
                st.session_state["data_flash"] = t("data.deleted", lang, name=md(stored.name(pending)))
                st.rerun()
        if n.button(t("data.delete.cancel", lang), key="delete_no"):
            st.session_state.pop("pending_delete", None)
            st.rerun()
