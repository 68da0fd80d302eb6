"""File names for exports: which region, which period, simulated or not, made when.

``ucj_kabupaten-malang_3507_2024-12_simulasi_2025-06-30.pdf``: a slug of the
region's name and its code without dots (the nation is ``indonesia``), the
data period, ``simulasi`` for simulated data and the date the file was made.
Only ASCII letters, digits, ``-``, ``_`` and ``.`` are used, so the name is
safe on every file system and in a Content-Disposition header.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from ucj_dash.geography.regions import NATION_CODE

MAX_SLUG = 40


def slug(text: str, max_len: int = MAX_SLUG) -> str:
    """``"Kota Bau-Bau"`` → ``"kota-bau-bau"``: accents dropped, anything else non-alphanumeric becomes ``-``."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return out[:max_len].rstrip("-")


def export_filename(region_code: str, region_name: str, period: str, ext: str, simulated: bool,
                    today: date | None = None) -> str:
    """The download name of an export of ``region_code`` for ``period`` (``ext`` without the dot)."""
    day = (today or date.today()).isoformat()
    if region_code == NATION_CODE:
        region = "indonesia"
    else:
        code = re.sub(r"[^0-9]", "", region_code)
        region = "_".join(p for p in (slug(region_name), code) if p)
    period_part = re.sub(r"[^0-9A-Za-z-]", "", str(period)) or "periode"
    sim = "_simulasi" if simulated else ""
    ext = re.sub(r"[^0-9a-z]", "", ext.lower()) or "bin"
    return f"ucj_{region}_{period_part}{sim}_{day}.{ext}"
