"""The app's maps give streamlit-folium's component what st_folium gives it, rendering the base map once (ui/map_component.py)."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from ui import map_component


#: a script's start: the layer of the run (``st.session_state["layer"]``) as the page would draw it
_LAYER = """
import json

import streamlit as st
from streamlit_folium import st_folium

from ucj_dash.views import leaflet_speed, mapview
from ui import loaders, map_component

leaflet_speed.install()
i = st.session_state.get("layer", 0)
layer = json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"code": c, "name": c, "kind": "k", "value": str(i), "period": "p", "source": "s",
                                       "note": "", "fill": f"#{i:06x}", "sel": c == "11"},
     "geometry": {"type": "Point", "coordinates": [100 + i + j, 1]}} for j, c in enumerate(["11", "12", "13"])]})
labels = ["a", "b", "c", "d", "e", "f", "g"]
"""
THROUGH_MAP_COMPONENT = _LAYER + """
map_component.folium_map(layer, "choropleth", labels, key="testmap", height=432, returned_objects=["last_active_drawing"],
                         report_drawn=True)
"""
THROUGH_ST_FOLIUM = _LAYER + """
st_folium(mapview.base_map(loaders.ASSET_URLS, report_drawn=True), key="testmap",
          feature_group_to_add=mapview.choropleth_group(layer, "choropleth", labels),
          returned_objects=["last_active_drawing"], height=432, use_container_width=True)
"""


def _component(script: str, layer: int) -> tuple[dict, str]:
    at = AppTest.from_string(script, default_timeout=60)
    at.session_state["layer"] = layer
    at.run()
    assert not at.exception, at.exception
    (component,) = at.get("component_instance")
    # the element's id: a hash of the script's page, then the widget's key (the hash st_folium makes of the map)
    return json.loads(component.proto.json_args), component.proto.id.rsplit("-", 1)[1]


@pytest.fixture
def no_recorded_maps(monkeypatch):
    monkeypatch.setattr(map_component, "_ARGS", {})


def test_later_maps_get_what_st_folium_gives_without_it(no_recorded_maps):
    first = _component(THROUGH_MAP_COMPONENT, 1)  # recorded through st_folium
    (kind,) = map_component._ARGS
    assert kind == ("testmap", 432, ("last_active_drawing",), False, True)
    assert first == _component(THROUGH_ST_FOLIUM, 1)
    for layer in (2, 1, 3):  # given again, with each run's layer
        args, element_id = _component(THROUGH_MAP_COMPONENT, layer)
        assert (args, element_id) == _component(THROUGH_ST_FOLIUM, layer)
        assert f'"value": "{layer}"' in args["feature_group"] and "map_div.addLayer" in args["feature_group"]
    assert list(map_component._ARGS) == [kind]  # recorded once


def test_each_kind_of_map_is_recorded_on_its_own(no_recorded_maps):
    _component(THROUGH_MAP_COMPONENT, 1)
    with pytest.raises(KeyError):
        map_component._ARGS[("testmap", 600, ("last_active_drawing",), False, True)]
    assert map_component._ARGS[("testmap", 432, ("last_active_drawing",), False, True)]["height"] == 432
