"""What the browser tests and the map benchmark ask Leaflet inside the map iframe.

streamlit-folium exposes the map as ``window.map``; each drawn layer carries its
GeoJSON feature, whose ``code`` property is the region code.
"""

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
