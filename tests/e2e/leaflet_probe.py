"""What the browser tests and the map benchmark ask Leaflet inside the map iframe.

streamlit-folium exposes the map as ``window.map``; each drawn layer carries its
GeoJSON feature, whose ``code`` property is the region code.
"""

import json

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
MAP_PATH = "path.leaflet-interactive"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

DRAWN_CODES_JS = """() => {
  const codes = [];
  if (!(window.L && window.map instanceof L.Map)) return codes;
  window.map.eachLayer(l => { if (l.feature && l._path && l._path.isConnected) codes.push(l.feature.properties.code); });
  return codes.sort();
}"""

# Exactly the regions `want` are drawn and the map is at rest (on the first load it zooms in from zero-size paths).
MAP_DRAWN_JS = f"""(want) => JSON.stringify(({DRAWN_CODES_JS})()) === JSON.stringify(want) && !window.map._animatingZoom
  && [...document.querySelectorAll('path.leaflet-interactive')].some(p => p.getBoundingClientRect().width > 0)"""

# A point of region `code` that its own path receives (not a neighbour, not a control):
# {index: the path's position among the map's paths, x, y: relative to the path, vx, vy: in the iframe's viewport}.
HIT_POINT_JS = """(code) => {
  let path = null;
  if (!(window.L && window.map instanceof L.Map)) return null;
  window.map.eachLayer(l => { if (l.feature && l._path && l.feature.properties.code === code) path = l._path; });
  if (!path) return null;
  const r = path.getBoundingClientRect();
  const points = [];
  for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) points.push([i / 20, j / 20]);
  points.sort((a, b) => Math.hypot(a[0] - 0.5, a[1] - 0.5) - Math.hypot(b[0] - 0.5, b[1] - 0.5));
  for (const [fx, fy] of points) {
    const x = r.left + fx * r.width, y = r.top + fy * r.height;
    if (document.elementFromPoint(x, y) === path) {
      return {index: [...document.querySelectorAll('path.leaflet-interactive')].indexOf(path),
              x: x - r.left, y: y - r.top, vx: x, vy: y};
    }
  }
  return null;
}"""

# Where the drawn regions are in the map, in pixels of the map's container: the box around all of them
# ({left, right, top, bottom}) and the map's size ({width, height}); null when no region is drawn.
DRAWN_EXTENT_JS = """() => {
  if (!(window.L && window.map instanceof L.Map)) return null;
  const b = L.latLngBounds([]);
  window.map.eachLayer(l => { if (l.feature && l._path && l._path.isConnected) b.extend(l.getBounds()); });
  if (!b.isValid()) return null;
  const nw = window.map.latLngToContainerPoint(b.getNorthWest()), se = window.map.latLngToContainerPoint(b.getSouthEast());
  const size = window.map.getSize();
  return {left: nw.x, right: se.x, top: nw.y, bottom: se.y, width: size.x, height: size.y};
}"""

# For context.add_init_script: in the top page, a check on every animation frame from its start that records in
# window.__ucjDrawnAt when the map (in its same-origin frame) first draws exactly the regions `want` at rest:
# milliseconds since the page's navigation started, by the page's own clock, so that the figure does not depend
# on when the test gets to ask. Fill in with DRAWN_AT_INIT_JS % {"want": json.dumps(sorted(codes))}.
DRAWN_AT_INIT_JS = """(() => {
  if (window.top !== window) return;
  const want = %(want)s;
  const check = () => {
    const frame = document.querySelector('%(iframe)s');
    const w = frame && frame.contentWindow;
    try {
      if (w && w.map && w.eval('(' + %(drawn)s + ')')(want)) { window.__ucjDrawnAt = performance.now(); return; }
    } catch (e) { /* the frame is between documents */ }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();""".replace("%(iframe)s", MAP_IFRAME.replace("'", "\\'")).replace("%(drawn)s", json.dumps(MAP_DRAWN_JS))
