"""The app's maps: streamlit-folium's component, without rendering the same base map on every rerun.

``st_folium`` renders the whole folium map on every call (its HTML, header and script, a SHA-256 of the script, a
walk for script and style links): ~6 ms of a map click's ~80 ms of server CPU (``bench/bench_load.py``), though the
base map (:func:`ucj_dash.views.mapview.base_map`) is the same for every view and only the regions' layer changes.
The first call for a kind of map goes through ``st_folium`` and records what it gives the component; later calls
give the component the same, with the view's layer script (made once per layer:
:mod:`ucj_dash.views.leaflet_speed`). The component's own arguments do not depend on the folium objects' random ids
(``mapview.base_map`` fixes them), which ``tests/test_map_component.py`` checks against ``st_folium``.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Callable, Sequence

import streamlit as st
import streamlit_folium
from streamlit_folium import st_folium

from ucj_dash.views import leaflet_speed, mapview
from ui import loaders

_component = streamlit_folium._component_func  # noqa: SLF001 - the component st_folium declares
_recording = threading.local()
#: per kind of map (widget key, height, returned objects, tiles, drawn report): the component's arguments but the
#: layer and the change callback; a handful (the app's three maps), never more
_ARGS: dict[tuple, dict] = {}
_PER_CALL = ("feature_group", "on_change")


def _recorded(**kwargs):
    """The component as ``st_folium`` calls it, telling a recording call (:func:`_recording_into`) its arguments."""
    sink = getattr(_recording, "sink", None)
    if sink is not None:
        sink.update(kwargs)
    return _component(**kwargs)


if getattr(streamlit_folium._component_func, "__name__", "") != "_recorded":  # noqa: SLF001 - once per process
    streamlit_folium._component_func = _recorded  # noqa: SLF001 - st_folium looks it up at each call


@contextmanager
def _recording_into(sink: dict):
    _recording.sink = sink
    try:
        yield
    finally:
        _recording.sink = None


def folium_map(geojson: str, layer_name: str, tooltip_labels: Sequence[str], *, key: str, height: int,
               returned_objects: Sequence[str] = (), on_change: Callable[[], None] | None = None, basemap: bool = False,
               report_drawn: bool = False):
    """The map of :func:`mapview.base_map` (the app's Leaflet, tiles with ``basemap``) with the layer of
    :func:`mapview.choropleth_group` drawn from ``geojson``, as wide as its container and ``height`` px high; returns
    the component's value (``returned_objects`` of it), as ``st_folium`` would, and calls ``on_change`` after a
    new value is in ``st.session_state[key]``."""
    labels = tuple(tooltip_labels)
    kind = (key, height, tuple(returned_objects), basemap, report_drawn)
    args = _ARGS.get(kind)
    script = leaflet_speed.layer_script(*mapview.choropleth_key(geojson, layer_name, labels))
    if args is None or script is None:
        base = mapview.base_map(loaders.ASSET_URLS, basemap=basemap, report_drawn=report_drawn)
        layer = mapview.choropleth_group(geojson, layer_name, labels)
        if args is None:  # through st_folium itself, recording what it gives the component
            sink: dict = {}
            with _recording_into(sink):
                value = st_folium(base, key=key, feature_group_to_add=layer, returned_objects=list(returned_objects),
                                  on_change=on_change, height=height, use_container_width=True)
            _ARGS[kind] = {name: arg for name, arg in sink.items() if name not in _PER_CALL}
            return value
        script = leaflet_speed.feature_group_string(layer, base)  # as st_folium makes it (and keeps it)
    hash_key = args["key"]

    def changed() -> None:  # as st_folium's own callback: the value under the key the page reads, then the page's
        st.session_state[key] = st.session_state.get(hash_key, {})
        if on_change is not None:
            on_change()

    return _component(**args, feature_group=script, on_change=changed)
