"""Folium maps render the same with branca keeping plain text verbatim and templates compiled once (ucj_dash/views/leaflet_speed.py)."""

from __future__ import annotations

import itertools
import json

import branca.element
import folium
import jinja2
import pytest
from streamlit_folium import _get_feature_group_string, _get_map_string

from ucj_dash.geography import boundaries
from ucj_dash.geography.regions import Level
from ucj_dash.views import leaflet_speed, mapview

TEXTS = [
    "short\n",
    "x" * 10,
    "",
    "x" * 5000 + "\n\n",  # jinja drops one trailing line break, not two
    "a\r\nb" * 1000 + "\r\n",  # and normalises line breaks
    json.dumps({"type": "FeatureCollection", "features": [{"properties": {"a": 1}}] * 500}) + "\n",
    json.dumps({"features": [{"properties": {"a": {"b": "}}"}}}] * 500}, separators=(",", ":")),  # compact: "}}}}"
    "  indented line\n" * 500,
]


@pytest.mark.parametrize("text", TEXTS)
def test_plain_text_renders_as_jinja_renders_it(text):
    assert leaflet_speed.template(text).render(this=None, kwargs={}) == jinja2.Template(text).render(this=None, kwargs={})


@pytest.mark.parametrize("text", ["{{ this }}" * 300, "{% if x %}y{% endif %}" * 200, "{# note #}" * 300, "{{ x }}"])
def test_text_with_template_syntax_stays_a_jinja_template_compiled_once(text):
    compiled = leaflet_speed.template(text)
    assert isinstance(compiled, jinja2.Template)
    assert leaflet_speed.template(text) is compiled
    assert compiled.render(this="t", x="v") == jinja2.Template(text).render(this="t", x="v")


def _map_code(data, monkeypatch) -> str:
    ids = itertools.count()
    monkeypatch.setattr(branca.element.Element, "_generate_id", classmethod(lambda cls: f"{next(ids):032x}"))
    m = mapview.base_map(None)
    group = mapview.choropleth_group(data, "choropleth", ["a"] * 7)
    m.render()
    return _get_map_string(m) + _get_feature_group_string(group, m)


def _split_data(code: str) -> tuple[str, object]:
    """The map's code without the layer's inlined data, and that data parsed."""
    start = code.index("_add({") + len("_add(")
    end = code.index(");", start)
    return code[:start] + code[end:], json.loads(code[start:end])


def test_the_kabupaten_map_code_is_unchanged(monkeypatch):
    layer = json.loads(boundaries.read_layer(Level.REGENCY, display=True).to_json())
    for feature in layer["features"]:
        feature["properties"].update(fill="#41b6c4", sel=False, name="n", kind="k", value="v", period="p", source="s",
                                     note="<b>'&'</b>")  # what the <script> must escape
    geojson = json.dumps(layer)
    environment = folium.GeoJson._template.environment
    monkeypatch.setattr(branca.element, "Template", jinja2.Template)
    monkeypatch.setitem(environment.policies, "json.dumps_function", None)
    monkeypatch.setattr(mapview.leaflet_speed, "geojson_data", lambda text: json.loads(text))  # folium's own parse
    plain = _map_code(geojson, monkeypatch)
    leaflet_speed.install()
    fast = _map_code(geojson, monkeypatch)
    monkeypatch.undo()
    leaflet_speed.install()
    fast_data = _map_code(geojson, monkeypatch)  # parsed without coordinates, cached, the text written as it is
    assert len(plain) > 500_000 and fast == plain
    plain_code, plain_layer = _split_data(plain)
    fast_code, fast_layer = _split_data(fast_data)
    assert fast_code == plain_code and fast_layer == plain_layer == layer
    assert "<b>" not in fast_data and "\\u003cb\\u003e" in fast_data  # still escaped for the <script>


def test_a_marked_layer_script_is_made_once_and_equals_streamlit_folium_s(monkeypatch):
    geojson = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": c, "name": c, "kind": "k", "value": "v", "period": "p", "source": "s",
                                           "note": "", "fill": "#fff", "sel": c == "11"},
         "geometry": {"type": "Point", "coordinates": [100 + i, 1]}} for i, c in enumerate(["11", "12", "13"])]})
    made = []
    monkeypatch.setattr(leaflet_speed, "_feature_group_string",
                        lambda group, m, idx=0: made.append(idx) or _get_feature_group_string(group, m, idx))
    monkeypatch.setattr(leaflet_speed, "_SCRIPTS", type(leaflet_speed._SCRIPTS)())
    scripts, maps = [], []
    for labels in (["a"] * 7, ["a"] * 7, ["b"] * 7):
        m = mapview.base_map(None)
        m.render()
        group = mapview.choropleth_group(geojson, "choropleth", labels)
        scripts.append(leaflet_speed.feature_group_string(group, m))
        maps.append(m)
    assert made == [0, 0]  # the second layer like the first was not made again; the third has other labels
    m = mapview.base_map(None)
    m.render()
    assert scripts[0] == scripts[1] == _get_feature_group_string(mapview.choropleth_group(geojson, "choropleth", ["a"] * 7), m)
    assert scripts[2] != scripts[0] and "feature_group_feature_group_0" in scripts[2]
    assert all(any(isinstance(child, folium.FeatureGroup) for child in m_._children.values()) for m_ in maps)  # added


def test_the_parsed_collection_keeps_ids_properties_and_geometry_types_but_no_coordinates():
    square = [[[106.0, -6.0], [107.0, -6.0], [107.0, -7.0], [106.0, -6.0]]]
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "31.71", "properties": {"code": "31.71", "fill": "#fff"},
         "geometry": {"type": "Polygon", "coordinates": square}},
        {"type": "Feature", "id": "31.72", "properties": {"code": "31.72", "fill": "#000"},
         "geometry": {"type": "MultiPolygon", "coordinates": [square, square]}},
        {"type": "Feature", "id": "31.73", "properties": {"code": "31.73", "fill": "#000"}, "geometry": None},
    ]}
    text = json.dumps(collection)
    parsed = leaflet_speed.EncodedCollection(text)
    assert parsed.text == text
    assert parsed["features"] == [
        {"type": "Feature", "id": "31.71", "properties": {"code": "31.71", "fill": "#fff"}, "geometry": {"type": "Polygon"}},
        {"type": "Feature", "id": "31.72", "properties": {"code": "31.72", "fill": "#000"}, "geometry": {"type": "MultiPolygon"}},
        {"type": "Feature", "id": "31.73", "properties": {"code": "31.73", "fill": "#000"}, "geometry": None},
    ]
    assert leaflet_speed._dumps(parsed) == text  # what the map is given: the whole text


def _hostile_layer() -> str:
    names = ["<b>A&amp;B's</b>", "Kab_0 \u2028 x", "map_div feature_group_0 geo_json_0 _0"]
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": f"11.0{i}", "name": name, "kind": "k", "value": "<1%", "period": "p",
                                           "source": "a > b", "note": "'q'", "fill": "#fff", "sel": i == 0},
         "geometry": {"type": "Point", "coordinates": [100 + i, 1]}} for i, name in enumerate(names)]},
        ensure_ascii=False)


@pytest.mark.parametrize("layer", ["villages", "hostile"])
def test_a_layer_script_made_with_its_data_set_in_afterwards_is_streamlit_folium_s(monkeypatch, manifest, layer):
    if layer == "villages":
        frame = boundaries.read_layer(Level.VILLAGE, display=True, parent="53.71")
        geojson = boundaries.feature_collection(frame["code"], frame["name"], frame.geometry.to_numpy(), [
            {"kind": "desa", "value": "1", "period": "p", "source": "s", "note": "", "fill": "#fff", "sel": False}] * len(frame))
    else:
        geojson = _hostile_layer()
    monkeypatch.setattr(leaflet_speed, "_SCRIPTS", type(leaflet_speed._SCRIPTS)())
    leaflet_speed.install()
    made = leaflet_speed.feature_group_string(mapview.choropleth_group(geojson, "choropleth", ["a"] * 7), mapview.base_map(None))
    original = leaflet_speed._feature_group_string(mapview.choropleth_group(geojson, "choropleth", ["a"] * 7), mapview.base_map(None))
    assert made == original
    assert "UCJLAYERDATA" not in made and len(made) > len(geojson)


def test_a_layer_whose_texts_look_like_templates_is_drawn_as_they_are():
    """Texts are set into a layer's script after it is made: jinja never reads them (streamlit-folium's own way
    compiles the whole script as a template, and a name such as ``{{ 'x' }}`` stopped the page with a syntax error)."""
    geojson = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "11", "name": "{{ 'x' }} {% if %} {# #}", "kind": "k", "value": "{{ 7*7 }}",
                                           "period": "p", "source": "s", "note": "", "fill": "#fff", "sel": False},
         "geometry": {"type": "Point", "coordinates": [100, 1]}}]})
    leaflet_speed.install()
    with pytest.raises(jinja2.TemplateSyntaxError):
        leaflet_speed._feature_group_string(mapview.choropleth_group(geojson, "c", ["a"] * 7), mapview.base_map(None))
    made = leaflet_speed.feature_group_string(mapview.choropleth_group(geojson, "choropleth", ["t"] * 7), mapview.base_map(None))
    assert '"name": "{{ \\u0027x\\u0027 }} {% if %} {# #}"' in made and '"value": "{{ 7*7 }}"' in made


def test_a_layer_s_outline_is_its_parsed_text_without_coordinates(demo_figures, registry):
    from ucj_dash.analysis.indicators import METRICS
    from ucj_dash.analysis.settings import Settings

    settings = Settings()
    for parent in ("53", "53.71", "53.71.01"):
        table = mapview.children_table(demo_figures, registry, parent, demo_figures.latest_period, settings)
        level = Level(len(parent.split(".")) + 1)
        geoms = boundaries.read_display(level, parent[:5] if level == Level.VILLAGE else None)
        geoms = geoms[geoms["code"].str.startswith(parent + ".")]
        metric = METRICS["ucj_coverage"]
        classes = mapview.classify(table[metric.column], metric, "target", settings, "id", parent)
        text = mapview.layer_geojson(table, geoms, metric, classes, demo_figures.latest_period, demo_figures, "id", None)
        parsed = leaflet_speed.EncodedCollection(str(text))  # a plain text: parsed
        outlined = leaflet_speed.EncodedCollection(text)  # from its outline
        assert outlined == parsed and outlined.text == parsed.text == str(text) and len(parsed["features"]) > 0
        assert json.loads(text)["features"][0]["properties"] == outlined["features"][0]["properties"]
