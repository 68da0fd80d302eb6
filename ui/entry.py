"""The app's pages, and the rule that only those pages may run.

:data:`PAGES` declares every page once (file, URL path, title, icon); ``app.py`` hands them to
``st.navigation`` through :func:`pages`.

Streamlit discovers ``pages/*.py`` by itself until the first run of ``app.py`` has called
``st.navigation``: after a restart, a first request for ``/data`` would run that file directly
(no page config, no first-run build, the file names listed as pages). Every page calls
:func:`through_app` first: in that state it turns the discovery off and switches to the page as
``app.py`` declares it (same URL parameters), so ``app.py`` runs and routes the request.

Once ``app.py`` has run in this process (:func:`app_ran`), Streamlit has turned the discovery
off for good; only Streamlit's AppTest turns it back on (before each of its runs), and a run it
starts with widget events must keep them, so the guard then stands aside.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from ucj_dash.text.i18n import t


@dataclass(frozen=True)
class PageSpec:
    file: str  # relative to the project root
    url_path: str
    title_key: str
    icon: str
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/map.py", "peta", "page.map", ":material/map:", default=True),
    PageSpec("pages/profile.py", "profil", "page.profile", ":material/description:"),
    PageSpec("pages/priority.py", "prioritas", "page.priority", ":material/flag:"),
    PageSpec("pages/planner.py", "rencana", "page.planner", ":material/payments:"),
    PageSpec("pages/methodology.py", "metodologi", "page.methodology", ":material/tune:"),
    PageSpec("pages/present.py", "presentasi", "page.present", ":material/slideshow:"),
    PageSpec("pages/about.py", "tentang", "page.about", ":material/info:"),
    PageSpec("pages/data.py", "data", "data.page", ":material/database:"),
)
#: how the data page shows to a visitor of a public deployment who has not logged in as admin
DATA_LOGIN = PageSpec("pages/data.py", "data", "admin.page_login", ":material/lock:")

_app_has_run = False


def pages(lang: str, may_manage_data: bool) -> list:
    """The ``st.Page`` objects of the app (the data page as a login entry when data may not be managed)."""
    specs = [DATA_LOGIN if spec.file == DATA_LOGIN.file and not may_manage_data else spec for spec in PAGES]
    return [_page(spec, t(spec.title_key, lang)) for spec in specs]


def _page(spec: PageSpec, title: str | None = None):
    return st.Page(spec.file, title=title, icon=spec.icon, url_path=spec.url_path, default=spec.default)


def is_map_page(page) -> bool:
    """Whether ``page`` (one of :func:`pages`, as ``st.navigation`` returns it) is the coverage map."""
    spec = next(s for s in PAGES if s.file == "pages/map.py")
    return page.url_path == ("" if spec.default else spec.url_path)  # Streamlit gives the default page the path ""


def waits_its_turn(page) -> bool:
    """Whether ``page``'s runs take turns with the others (:mod:`ui.admission`): every page but the data page,
    whose runs wait on an upload's check or hold back a wrong password, and must not hold up the visitors."""
    return page.url_path != next(s for s in PAGES if s.file == "pages/data.py").url_path


def app_ran() -> None:
    """Called by ``app.py`` once it has declared the pages."""
    global _app_has_run
    _app_has_run = True


def through_app(page_file: str) -> None:
    """Route through ``app.py`` when Streamlit's own ``pages/`` discovery started this run of ``page_file``."""
    if PagesManager.uses_pages_directory and not _app_has_run:
        PagesManager.uses_pages_directory = False
        spec = next(s for s in PAGES if Path(s.file).name == Path(page_file).name)
        st.switch_page(_page(spec), query_params=st.query_params.to_dict())
