"""Streamlit glue shared by the pages (not pages themselves): cached loaders, URL-backed state, widgets, export buttons."""
