"""Number formatting for people: Indonesian by default (1.234.567; 35,9%; Rp1,2 miliar).

Separators, the percent pattern, the minus sign and the rupiah unit words (juta,
miliar, triliun / million, billion, trillion) come from Babel's CLDR data for
``id_ID`` and ``en``; any ``lang`` other than ``"id"`` is formatted as English.

Rules shared by every formatter:

* a missing value (``None``, NaN of any float type, ``pd.NA``, ``pd.NaT``,
  ``Decimal("NaN")``) and an infinite one print an em dash "—": no data is
  never printed as 0;
* ``int``, ``float``, ``Decimal`` and NumPy integers and floats are accepted;
* rounding is half-to-even on the value as stored (for a float, its exact
  binary value, as Python's ``format`` rounds), and a value that rounds to zero
  prints without a sign (never "-0,0").
"""

from __future__ import annotations

import copy
import decimal
import math
from decimal import Decimal
from functools import cache

import numpy as np
import pandas as pd
from babel import Locale
from babel.numbers import NumberPattern, format_decimal, format_percent

NO_DATA = "—"
MINUS = "−"  # U+2212, the sign of a negative change in percentage points

_POINTS_WORD = {"id": "poin", "en": "pp"}
_PERSONS_WORD = {"id": "orang", "en": "persons"}
_RUPIAH_EXPONENTS = (6, 9, 12)  # juta, miliar, triliun: CLDR long compact units


def _lang(lang: str) -> str:
    return "id" if lang == "id" else "en"


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse("id_ID" if lang == "id" else "en")


def _context(value: Decimal, decimals: int) -> decimal.Context:
    """A context precise enough to hold ``value`` to ``decimals`` places without rounding."""
    digits = max(value.adjusted(), 0) + 1 + max(decimals, 0)
    return decimal.Context(prec=max(digits + 2, 28), rounding=decimal.ROUND_HALF_EVEN)


def _to_decimal(value) -> Decimal | None:
    """The exact value as a Decimal, or None when missing or infinite."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (bool, int, np.integer, np.bool_)):
        number = Decimal(int(value))
    elif isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            return None
        number = Decimal(float(value))
    else:
        if pd.api.types.is_scalar(value) and pd.isna(value):
            return None  # e.g. numpy.datetime64("NaT")
        number = Decimal(value)  # a numeric string parses; any other type raises
    return number if number.is_finite() else None


def _round(number: Decimal, decimals: int) -> Decimal:
    """``number`` rounded half-to-even to ``decimals`` places; a rounded zero loses its sign."""
    context = _context(number, decimals)
    rounded = number.quantize(Decimal(1).scaleb(-decimals), context=context)
    return rounded.copy_abs() if rounded.is_zero() else rounded


@cache
def _pattern(lang: str, kind: str, decimals: int) -> NumberPattern:
    """The locale's own ``decimal`` or ``percent`` pattern with exactly ``decimals`` fraction digits."""
    locale = _locale(lang)
    pattern = copy.copy(locale.percent_formats[None] if kind == "percent" else locale.decimal_formats[None])
    pattern.frac_prec = (decimals, decimals)
    return pattern


def _number_text(rounded: Decimal, lang: str, decimals: int) -> str:
    with decimal.localcontext(_context(rounded, decimals)):
        return format_decimal(rounded, format=_pattern(_lang(lang), "decimal", decimals), locale=_locale(lang))


def number(value, lang: str = "id", decimals: int = 0) -> str:
    """Plain number, e.g. persons: ``1234567`` → ``1.234.567`` (id) / ``1,234,567`` (en).

    ``decimals`` fixes the fraction digits (``number(2.5, "id", 2)`` → ``2,50``); the minus
    sign is the locale's ("-"), dropped when the value rounds to zero. Missing → "—".
    """
    exact = _to_decimal(value)
    if exact is None:
        return NO_DATA
    return _number_text(_round(exact, decimals), lang, decimals)


def percent(value, lang: str = "id", decimals: int = 1) -> str:
    """A value already in % (``35.86``, not ``0.3586``) → ``35,9%`` (id) / ``35.9%`` (en).

    A value that rounds to zero prints unsigned (``-0.04`` → ``0,0%``). Missing → "—".
    """
    exact = _to_decimal(value)
    if exact is None:
        return NO_DATA
    rounded = _round(exact, decimals)
    with decimal.localcontext(_context(rounded, decimals)):
        # the locale pattern multiplies by 100: hand it the fraction, exactly
        pattern = _pattern(_lang(lang), "percent", decimals)
        return format_percent(rounded.scaleb(-2), format=pattern, locale=_locale(lang))


def points(value, lang: str = "id", decimals: int = 2) -> str:
    """A signed difference in percentage points: ``+0,41 poin`` (id) / ``+0.41 pp`` (en).

    Negative values take a true minus ("−0,54 poin"); a value that rounds to zero takes
    "±" (``-0.001`` → ``±0,00 poin``). Missing → "—".
    """
    exact = _to_decimal(value)
    if exact is None:
        return NO_DATA
    rounded = _round(exact, decimals)
    sign = "±" if rounded.is_zero() else (MINUS if rounded.is_signed() else "+")
    return f"{sign}{_number_text(rounded.copy_abs(), lang, decimals)} {_POINTS_WORD[_lang(lang)]}"


def _rupiah_unit(exact: Decimal, value) -> tuple[int, Decimal]:
    """The rupiah unit (0 = whole rupiah, 6 = juta, 9 = miliar, 12 = triliun) and the amount in it, rounded.

    The unit is chosen after rounding: an amount that rounds up to a thousand of its unit
    (999,96 juta → 1.000,0 juta) moves to the next unit (1,0 miliar); 999.999,5 whole rupiah
    likewise becomes 1,0 juta. Triliun is the largest unit.
    """
    exponents = (0, *_RUPIAH_EXPONENTS)
    i = max(i for i, exponent in enumerate(exponents) if i == 0 or abs(exact) >= 10**exponent)
    while True:
        exponent = exponents[i]
        if exponent == 0:
            amount = _round(exact, 0)
        elif isinstance(value, Decimal) or abs(exact) >= 10**300:
            amount = _round(exact.scaleb(-exponent), 1)
        else:
            amount = _round(Decimal(float(value) / 10**exponent), 1)  # the float division it always was
        if i + 1 == len(exponents) or abs(amount) < 10 ** (exponents[i + 1] - exponent):
            return exponent, amount
        i += 1


def rupiah(value, lang: str = "id", compact: bool = True) -> str:
    """An amount in rupiah.

    Compact (default): whole rupiah below a million (``Rp 999.999``), else one decimal in
    juta / miliar / triliun (``Rp1,2 miliar``; English ``Rp1.2 billion``), the unit chosen
    after rounding (``999_960_000`` → ``Rp1,0 miliar``). ``compact=False``: whole rupiah,
    ``Rp 1.234.567``. A negative amount puts the locale's minus sign first, as CLDR currency
    patterns do (``-Rp1,2 miliar``); one that rounds to zero is unsigned. Missing → "—".
    """
    exact = _to_decimal(value)
    if exact is None:
        return NO_DATA
    exponent, amount = _rupiah_unit(exact, value) if compact else (0, _round(exact, 0))
    locale = _locale(lang)
    sign = locale.number_symbols["latn"]["minusSign"] if amount.is_signed() else ""
    if exponent == 0:
        return f"{sign}Rp {_number_text(amount.copy_abs(), lang, 0)}"
    amount = amount.copy_abs()
    words = locale.compact_decimal_formats["long"]
    plural = locale.plural_form(amount)
    unit = (words[plural] if plural in words else words["other"])[str(10**exponent)]
    return f"{sign}Rp{unit.prefix[0]}{_number_text(amount, lang, 1)}{unit.suffix[0]}"


def value(value, unit: str, lang: str = "id") -> str:
    """Format by unit: ``%`` → percent; ``orang`` → persons with the unit word
    (``1.234 orang`` / ``1,234 persons``); ``Rp…`` → compact rupiah; ``pp`` → signed percentage
    points with 1 decimal; anything else → 2 decimals.
    Missing → "—".
    """
    if unit == "%":
        return percent(value, lang)
    if unit == "orang":
        text = number(value, lang)
        return text if text == NO_DATA else f"{text} {_PERSONS_WORD[_lang(lang)]}"
    if unit.startswith("Rp"):
        return rupiah(value, lang)
    if unit == "pp":
        return points(value, lang, 1)
    return number(value, lang, 2)


def period(value: str, lang: str = "id") -> str:
    """A ``YYYY-MM`` period as month and year ("Des 2024" / "Dec 2024"); anything else as given."""
    from datetime import date

    from babel.dates import format_date

    try:
        return format_date(date(int(value[:4]), int(value[5:7]), 1), "MMM y", locale=_locale(lang))
    except (TypeError, ValueError):
        return str(value)
