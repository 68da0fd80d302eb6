"""Files the app serves to the browser from ``static/`` (Streamlit's static file serving).

``server.enableStaticServing`` (``.streamlit/config.toml``) serves ``static/<file>`` at
``app/static/<file>``, relative to the page's URL so that it works behind a path prefix too.
"""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
#: the presentation page's key listener, loaded by a hidden same-origin iframe
PRESENT_KEYS_URL = "app/static/present_keys.js"
#: the map page's layout (static/map.css), put in the page with its title (in a markdown element, whose script the
#: browser has loaded already: ``st.html`` would make it load another before the map)
MAP_CSS = (STATIC_DIR / "map.css").read_text(encoding="utf-8")
