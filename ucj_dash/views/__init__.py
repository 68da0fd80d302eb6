"""What a screen shows, without Streamlit: map state and its URL (``drill``), the
map's table, classes, colours and GeoJSON (``mapview``), the presentation deck
(``slides``)."""
