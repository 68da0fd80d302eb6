"""UCJ coverage dashboard: Streamlit entry point (``streamlit run app.py``)."""

import streamlit as st

from ucj_dash import admin
from ucj_dash.text.i18n import t
from ui import loaders, state

st.set_page_config(page_title="UCJ — Cakupan Jamsostek", page_icon="🗺️", layout="wide")
lang = state.current_lang()
loaders.ensure_built(lang)

page = st.navigation(
    [
        st.Page("pages/map.py", title=t("page.map", lang), icon=":material/map:", url_path="peta", default=True),
        st.Page("pages/profile.py", title=t("page.profile", lang), icon=":material/description:", url_path="profil"),
        st.Page("pages/priority.py", title=t("page.priority", lang), icon=":material/flag:", url_path="prioritas"),
        st.Page("pages/methodology.py", title=t("page.methodology", lang), icon=":material/tune:", url_path="metodologi"),
        st.Page("pages/present.py", title=t("page.present", lang), icon=":material/slideshow:", url_path="presentasi"),
        st.Page("pages/about.py", title=t("page.about", lang), icon=":material/info:", url_path="tentang"),
        # Public mode without an admin login: the data page is only a login form.
        st.Page("pages/data.py", title=t("data.page", lang), icon=":material/database:", url_path="data")
        if admin.may_manage_data(st.session_state.get(admin.SESSION_KEY, False), st.secrets)
        else st.Page("pages/data.py", title=t("admin.page_login", lang), icon=":material/lock:", url_path="data"),
    ]
)
page.run()
