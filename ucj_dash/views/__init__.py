"""What a screen shows, without Streamlit: map state and its URL (``drill``), the
children table, classes, colours and GeoJSON (``mapview``), tables of regions as
screens and exports show them (``tables``), the presentation deck (``slides``)."""
