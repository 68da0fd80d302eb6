"""Number formatting for people: Indonesian by default (1.234.567; 35,9%; Rp1,2 miliar).

Every formatter returns an em dash "—" for a missing value: no data is never
printed as 0.
"""

from __future__ import annotations

import math

NO_DATA = "—"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value, lang: str = "id", decimals: int = 0) -> str:
    """``1234567`` → ``1.234.567`` (id) or ``1,234,567`` (en)."""
    if _missing(value):
        return NO_DATA
    text = f"{value:,.{decimals}f}"
    if lang == "id":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def percent(value, lang: str = "id", decimals: int = 1) -> str:
    """``35.86`` (already in %) → ``35,9%`` (id) or ``35.9%`` (en)."""
    return NO_DATA if _missing(value) else number(value, lang, decimals) + "%"


def points(value, lang: str = "id", decimals: int = 2) -> str:
    """Signed percentage points: ``+0,41 poin`` / ``+0.41 pp``."""
    if _missing(value):
        return NO_DATA
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{number(abs(value), lang, decimals)} {'poin' if lang == 'id' else 'pp'}"


def rupiah(value, lang: str = "id", compact: bool = True) -> str:
    """Rupiah: ``Rp1,2 miliar`` (compact) or ``Rp 1.234.567``; English ``Rp1.2 billion``."""
    if _missing(value):
        return NO_DATA
    if compact:
        for size, id_word, en_word in ((1e12, "triliun", "trillion"), (1e9, "miliar", "billion"), (1e6, "juta", "million")):
            if abs(value) >= size:
                return f"Rp{number(value / size, lang, 1)} {id_word if lang == 'id' else en_word}"
    return f"Rp {number(value, lang, 0)}"


def value(value, unit: str, lang: str = "id") -> str:
    """Format by unit: ``%`` → percent, ``orang`` (persons) → number with the unit word."""
    if unit == "%":
        return percent(value, lang)
    if unit == "orang":
        return NO_DATA if _missing(value) else f"{number(value, lang)} {'orang' if lang == 'id' else 'persons'}"
    if unit.startswith("Rp"):
        return rupiah(value, lang)
    return number(value, lang, 2)
