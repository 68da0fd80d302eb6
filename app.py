"""UCJ coverage dashboard: Streamlit entry point (``streamlit run app.py``)."""

import streamlit as st

from ucj_dash import admin
from ui import entry, loaders, state, widgets

st.set_page_config(page_title="UCJ — Cakupan Jamsostek", page_icon="🗺️", layout="wide")
lang = state.current_lang()

# Public mode without an admin login: the data page is only a login form.
page = st.navigation(entry.pages(lang, admin.may_manage_data(st.session_state.get(admin.SESSION_KEY, False), st.secrets)))
entry.app_ran()
# after st.navigation, so that the sidebar lists only these pages while a first build runs
loaders.ensure_built(lang)
widgets.sources_sidebar(lang)
page.run()
