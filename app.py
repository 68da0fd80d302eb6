"""UCJ coverage dashboard: Streamlit entry point (``streamlit run app.py``).

Each session runs this file as its script (``__main__``). ``streamlit run app.py`` also imports it as a module, to
serve the ``st.App`` declared below: that app warms what a first visit needs as the server starts (ui/warmup.py).
"""

from ucj_dash import memory

memory.arrow_uses_malloc()  # before pandas loads pyarrow: its freed memory goes back to the system (ucj_dash/memory.py)

import streamlit as st  # noqa: E402

if __name__ != "__main__":  # imported by `streamlit run` (or an ASGI server): the server, not a session
    from ui import warmup

    app = st.App(__file__, lifespan=warmup.lifespan)
else:
    from ucj_dash.database.connection import StoreUnavailable
    from ui import admin_session, admission, entry, loaders, state, widgets

    loaders.new_run()
    state.forget_stale_widgets()
    st.set_page_config(page_title="UCJ — Cakupan Jamsostek", page_icon="🗺️", layout="wide")
    lang = state.current_lang()

    # Public mode without an admin login: the data page is only a login form.
    # (an admin session: a login here, or a valid login cookie on a new connection; ui/admin_session.py)
    page = st.navigation(entry.pages(lang, admin_session.may_manage_data()))
    admin_session.sync_cookie()
    entry.app_ran()
    # after st.navigation, so that the sidebar lists only these pages while a first build runs
    loaders.ensure_built(lang)
    # a few runs at once: under load they finish sooner one after another (ui/admission.py)
    with admission.turn(waits=entry.waits_its_turn(page)):
        try:
            if not (entry.is_map_page(page) and state.map_first()):  # on a first visit the map comes before the sidebar's controls
                widgets.sources_sidebar(lang)
            page.run()
        except StoreUnavailable as exc:  # the shared store is down or refuses us: say so and what to do; nothing is lost
            st.error(exc.markdown(lang))
