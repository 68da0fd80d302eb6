"""What a first visit needs, made as the server starts (issue 14: the first visit after a start took 5.5 s).

``streamlit run app.py`` serves the ``st.App`` that ``app.py`` declares when it is imported (not when it runs as a
session's script). Its :func:`lifespan` runs :func:`warm_up` before the server takes requests: it imports what the
pages use and fills the shared caches the map page's first run reads (the registry, the default sources' figures,
the national view's table and GeoJSON in each language, the map's code). The server starts about 3 s later (2 cores),
and its first visitor no longer waits for it; a warm-up longer than :data:`WAIT_S` goes on while the server serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time

_LOG = logging.getLogger(__name__)
#: the longest the server's start waits for :func:`warm_up`
WAIT_S = 60.0
_THREAD = "ucj-warm-up"


class _QuietWithoutSession(logging.Filter):
    """Streamlit warns about every call made outside a session's script run; the warm-up makes them on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.threadName == _THREAD and "missing ScriptRunContext" in record.getMessage())


@contextlib.asynccontextmanager
async def lifespan(_app):
    """The server's lifespan: serve once :func:`warm_up` is done (or after :data:`WAIT_S`)."""
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_QuietWithoutSession())
    thread = threading.Thread(target=warm_up, name=_THREAD, daemon=True)
    thread.start()
    await asyncio.to_thread(thread.join, WAIT_S)
    from ui import idle

    idle.start()  # memory back to the system whenever the server is idle
    yield


def warm_up() -> float:
    """Make what the map page's first run needs (the national view, default sources and settings); the seconds it
    took. Nothing when the boundary layers are not built yet (the first visit builds them); a failure is logged, and
    the first visit makes what it needs itself."""
    start = time.perf_counter()
    try:
        from ucj_dash import build

        if not build.is_built():
            return 0.0
        # imported here: a server that is starting has not imported the app's modules yet
        from streamlit import runtime

        import ui.exports  # noqa: F401  (the map page's export buttons: PDF, PNG and XLSX makers)
        from ucj_dash.analysis.indicators import METRICS
        from ucj_dash.analysis.settings import Settings
        from ucj_dash.text.i18n import LANGS
        from ucj_dash.views import drill, leaflet_speed, mapview, tables  # noqa: F401
        from ui import loaders, map_component, widgets  # noqa: F401

        # Streamlit registers a component declared while a session's script runs; these were declared here, by the
        # imports above, so they are registered as the first run would have
        registry = runtime.get_instance().component_registry
        for component in (map_component._component, loaders.leaflet_assets):  # streamlit-folium's, and Leaflet's
            registry.register_component(component)
        loaders.ensure_built(LANGS[0])  # built: the process's start-up settings only
        loaders.registry()
        settings = Settings()
        figures = loaders.figures(loaders.source_key(loaders.default_composition(), int(settings["denominator_max_age_months"])))
        period = figures.latest_period
        view = drill.View()  # the national view a first visit shows
        since = view.since_for(figures.periods)
        loaders.children_table_cached(figures.key, view.map_parent, period, settings.key(), None, since)
        loaders.children_geoms(view.map_parent, view.child_level)
        mapview.region_row(figures, view.region, period, settings, since)
        metric = METRICS[view.metric]
        for lang in LANGS:
            geojson = loaders.layer_geojson_cached(figures.key, view.map_parent, period, metric.key, view.classification,
                                                   lang, view.selected_village, settings.key(), since)
            group = mapview.choropleth_group(geojson, "choropleth", mapview.tooltip_labels(lang))
            base = mapview.base_map(loaders.ASSET_URLS, report_drawn=True)
            base.get_root().render()  # its templates compiled, as the first visit's st_folium renders it
            leaflet_speed.feature_group_string(group, base)  # the layer's script, made once
    except Exception:  # noqa: BLE001 - the first visit makes what it needs itself
        _LOG.exception("warming up the map page failed")
    seconds = time.perf_counter() - start
    _LOG.info("map page warmed up in %.1f s", seconds)
    return seconds
