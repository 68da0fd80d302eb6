"""UCJ coverage dashboard core: registry, boundaries, datasets, indicators.

This package imports no Streamlit: every number the app shows is computed here
and is testable without a browser.
"""

__version__ = "0.1.0"
