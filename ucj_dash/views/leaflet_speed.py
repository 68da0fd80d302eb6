"""Rendering folium maps without lexing, parsing and re-encoding their data on every rerun.

Measured with py-spy on reruns of the 514 kabupaten/kota views (~1 MB of GeoJSON), folium spent
two thirds of the page's time on its data:

- branca wraps every rendered piece of a map (the ``<script>`` of the GeoJSON layer with its
  data inlined) in a new ``Element`` whose text it compiles as a jinja template, to render it
  again later: a fifth of the time. Text with no template syntax renders to itself, so
  :func:`install` makes branca keep such text verbatim (:func:`template`);
- ``folium.GeoJson`` parses a GeoJSON text (``json.loads``) and its template encodes it again
  (``tojson``): a third. :func:`geojson_data` gives folium the parsed collection once per text
  (a few kept), carrying its text, which :func:`install` makes ``tojson`` write as it is;
- streamlit-folium turns the layer into its script on every rerun (render, ``dedent`` and regular
  expressions over the whole text). That script depends only on the layer, and a layer marked with
  :func:`mark` (its text, name and tooltip labels) is turned into it once (a few kept), with its
  GeoJSON text set in afterwards (:func:`_with_data`): the rewriting runs over a few kB, and jinja never
  reads the data (a region or dataset name with ``{{`` in it stopped the page with a template syntax error).

Applied once per process (the pinned folium and branca versions are in ``requirements.txt``);
``tests/test_leaflet_speed.py`` checks that the map's code is unchanged.
"""

from __future__ import annotations

import functools
import json
import re

import threading
from collections import OrderedDict

import branca.element
import folium
import folium.features
import folium.template
import jinja2
import jinja2.utils
import streamlit_folium

#: where jinja's syntax starts (expressions, statements, comments; line statements are off): a closing
#: ``}}`` alone, as compact JSON has it, is plain text to jinja
_SYNTAX = re.compile(r"\{[{%#]")


class Verbatim:
    """Stands for the jinja template of a text without template syntax: renders to that text, as jinja
    would (line breaks normalised to ``\\n``, one trailing line break dropped)."""

    def __init__(self, text: str):
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.text = text[:-1] if text.endswith("\n") else text

    def render(self, *args, **kwargs) -> str:
        return self.text


def template(source, *args, **kwargs):
    """``jinja2.Template(source)``; :class:`Verbatim` for a text without template syntax (folium renders each
    element's script and makes it the template of another element: unique, ids in it, ~1 ms to compile each);
    a template is compiled once per text (it keeps no state between renders)."""
    if args or kwargs or not isinstance(source, str):
        return jinja2.Template(source, *args, **kwargs)
    if not _SYNTAX.search(source):
        return Verbatim(source)
    return _compiled(source)


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> jinja2.Template:
    return jinja2.Template(source)


@functools.lru_cache(maxsize=64)
def _folium_template(source: str) -> folium.template.Template:
    """folium's own template of ``source``, compiled once: a layer's tooltip compiles the same style sheet on each
    render (~1 ms)."""
    return folium.template.Template(source)


class EncodedCollection(dict):
    """A GeoJSON collection that remembers its text, parsed without its coordinates: each feature keeps its
    ``id``, ``properties`` and geometry ``type``, all that folium reads of it (the styles, the tooltip's
    fields); the map gets the text. Do not modify (the text would no longer match).

    Without coordinates the parsed collection is a tenth of the size: a session keeps its last map (its
    page's widgets hold the page's variables) and the 514 kabupaten/kota parsed whole are ~10 MB.
    """

    def __init__(self, text: str):
        outline = getattr(text, "outline", None)  # a text that knows its features (boundaries.FeatureCollectionText)
        if outline is not None:
            data = {"type": "FeatureCollection", "features": outline}
        else:
            data = json.loads(text)
            for feature in data.get("features") or ():
                geometry = feature.get("geometry")
                if isinstance(geometry, dict):
                    feature["geometry"] = {"type": geometry.get("type")}
        super().__init__(data)
        self.text = text


@functools.lru_cache(maxsize=32)
def geojson_data(text: str) -> EncodedCollection:
    """The data to give ``folium.GeoJson`` for a GeoJSON text: parsed once per text, unless it holds its outline
    (32 kept: without their coordinates, a few hundred kB at most), written back as that very text."""
    return EncodedCollection(text)


#: while a layer's script is made (:func:`feature_group_string`): the collections' texts, written as placeholders
_placing = threading.local()


def _placeholder(i: int) -> str:
    """Stands for the ``i``-th collection in a layer's script while it is made: no underscore, quote or line break,
    which streamlit-folium's rewriting of the script (variable names, indentation) would touch."""
    return f"UCJLAYERDATA{i}X"


def _dumps(obj, **kwargs) -> str:
    """``json.dumps`` as jinja's ``tojson`` calls it, but an :class:`EncodedCollection` as its own text
    (jinja still escapes ``<``, ``>``, ``&`` and ``'`` in it for the ``<script>``), or as a placeholder while a layer's
    script is made."""
    if isinstance(obj, EncodedCollection):
        texts = getattr(_placing, "texts", None)
        if texts is None:
            return obj.text
        texts.append(obj.text)
        return _placeholder(len(texts) - 1)
    return json.dumps(obj, **kwargs)


def _with_data(make) -> str:
    """The script ``make()`` returns, made with its collections' texts as placeholders, then the texts in their
    place, escaped as jinja's ``tojson`` escapes them: streamlit-folium's regular expressions and ``dedent`` then run
    over a few kB instead of the whole GeoJSON (~3 ms a view)."""
    texts = _placing.texts = []
    try:
        script = make()
    finally:
        _placing.texts = None
    for i, text in enumerate(texts):
        script = script.replace(_placeholder(i), str(jinja2.utils.htmlsafe_json_dumps(text, dumps=lambda t, **_: t)), 1)
    return script


#: streamlit-folium's own maker of a layer's script
_feature_group_string = streamlit_folium._get_feature_group_string
_SCRIPTS: OrderedDict = OrderedDict()  # (mark, index) -> script, the most recent last
#: as many as the map layers kept (``ui.loaders.layer_geojson_cached``): with fewer, 20 sessions on different views
#: made each other's scripts again (~3% of the server's time under load); a script is its layer's text plus a few kB
_SCRIPTS_KEPT = 64
_scripts_lock = threading.Lock()


def mark(group: folium.FeatureGroup, *key) -> folium.FeatureGroup:
    """Mark a layer whose script is determined by ``key`` (e.g. its GeoJSON text, name and tooltip labels)."""
    group.ucj_key = key
    return group


def feature_group_string(feature_group: folium.FeatureGroup, map: folium.Map, idx: int = 0) -> str:
    """streamlit-folium's script of a layer, made once for a layer marked with :func:`mark` (the layer is
    still added to the map, as streamlit-folium does)."""
    key = getattr(feature_group, "ucj_key", None)
    if key is None:
        return _feature_group_string(feature_group, map, idx)
    with _scripts_lock:
        script = _SCRIPTS.get((key, idx))
        if script is not None:
            _SCRIPTS.move_to_end((key, idx))
    if script is None:
        script = _with_data(lambda: _feature_group_string(feature_group, map, idx))
        with _scripts_lock:
            _SCRIPTS[(key, idx)] = script
            while len(_SCRIPTS) > _SCRIPTS_KEPT:
                _SCRIPTS.popitem(last=False)
    else:
        feature_group._id = f"feature_group_{idx}"
        feature_group.add_to(map)
    return script


def layer_script(*key) -> str | None:
    """The script made for a layer marked with ``key`` (:func:`mark`), while it is kept; else None."""
    with _scripts_lock:
        script = _SCRIPTS.get((key, 0))
        if script is not None:
            _SCRIPTS.move_to_end((key, 0))
    return script


def forget() -> None:
    """Drop the kept parses and layer scripts (the compiled templates stay: they are the app's own)."""
    geojson_data.cache_clear()
    with _scripts_lock:
        _SCRIPTS.clear()


def install() -> None:
    """Make branca's elements built from text use :func:`template`, folium's layers compile their templates once,
    folium's ``tojson`` write an :class:`EncodedCollection` as its text, and streamlit-folium make a marked layer's
    script once (idempotent)."""
    branca.element.Template = template
    folium.features.Template = _folium_template
    folium.GeoJson._template.environment.policies["json.dumps_function"] = _dumps
    streamlit_folium._get_feature_group_string = feature_group_string
