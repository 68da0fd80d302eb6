"""Number formats for people (``ucj_dash.text.fmt``), by hand: every expected string is written out.

Indonesian ("id") groups with dots and marks decimals with a comma; English ("en") the other way
round. A missing value always prints as an em dash, never as 0, "nan" or "<NA>".
"""

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from ucj_dash.text import fmt

DASH = "—"


# --- number (persons, counts) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "id_text", "en_text"),
    [
        ((0,), "0", "0"),
        ((7,), "7", "7"),
        ((999,), "999", "999"),
        ((1000,), "1.000", "1,000"),
        ((1234567,), "1.234.567", "1,234,567"),
        ((-1234567,), "-1.234.567", "-1,234,567"),
        ((1234567.891,), "1.234.568", "1,234,568"),
        ((1234567.891, 2), "1.234.567,89", "1,234,567.89"),
        ((12.3456, 1), "12,3", "12.3"),
        ((12.3456, 3), "12,346", "12.346"),
        ((2.5, 2), "2,50", "2.50"),
        ((-3.2, 1), "-3,2", "-3.2"),
        ((1_000_000_000_000,), "1.000.000.000.000", "1,000,000,000,000"),
        ((12_345_678_901_234_567_890,), "12.345.678.901.234.567.890", "12,345,678,901,234,567,890"),
    ],
)
def test_number_in_both_languages(args, id_text, en_text):
    value, *decimals = args
    assert fmt.number(value, "id", *decimals) == id_text
    assert fmt.number(value, "en", *decimals) == en_text


def test_number_defaults_to_indonesian_and_whole_numbers():
    assert fmt.number(1234567) == "1.234.567"
    assert fmt.number(41_200.0) == "41.200"


def test_number_keeps_half_to_even_rounding_of_the_stored_value():
    assert fmt.number(2.5) == "2"  # a true tie: to even
    assert fmt.number(3.5) == "4"
    assert fmt.number(0.125, "en", 2) == "0.12"
    assert fmt.number(2.675, "en", 2) == "2.67"  # the float is 2.67499999…
    assert fmt.number(Decimal("2.675"), "en", 2) == "2.68"  # a Decimal is exact


def test_number_rounded_to_zero_has_no_sign():
    assert fmt.number(-0.4) == "0"
    assert fmt.number(-0.0) == "0"
    assert fmt.number(-0.04, "id", 1) == "0,0"
    assert fmt.number(-0.004, "en", 2) == "0.00"
    assert fmt.number(-0.006, "en", 2) == "-0.01"


def test_any_other_language_is_formatted_as_english():
    assert fmt.number(1234567.5, "fr", 1) == "1,234,567.5"


# --- percent (values already in %) --------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "id_text", "en_text"),
    [
        ((35.86,), "35,9%", "35.9%"),
        ((35.85,), "35,9%", "35.9%"),
        ((0,), "0,0%", "0.0%"),
        ((100,), "100,0%", "100.0%"),
        ((1234.5,), "1.234,5%", "1,234.5%"),
        ((0.04,), "0,0%", "0.0%"),
        ((-0.04,), "0,0%", "0.0%"),
        ((-0.05,), "-0,1%", "-0.1%"),  # the float -0.05 lies just below -0.05
        ((0.05,), "0,1%", "0.1%"),
        ((-0.06,), "-0,1%", "-0.1%"),
        ((-12.5,), "-12,5%", "-12.5%"),
        ((0.834, 2), "0,83%", "0.83%"),
        ((0.83, 2), "0,83%", "0.83%"),
        ((-0.004, 2), "0,00%", "0.00%"),
        ((61.234, 0), "61%", "61%"),
        ((-0.4, 0), "0%", "0%"),
        ((7.25, 3), "7,250%", "7.250%"),
    ],
)
def test_percent_in_both_languages(args, id_text, en_text):
    value, *decimals = args
    assert fmt.percent(value, "id", *decimals) == id_text
    assert fmt.percent(value, "en", *decimals) == en_text


def test_percent_defaults_to_indonesian_with_one_decimal():
    assert fmt.percent(35.86) == "35,9%"


def test_percent_never_prints_negative_zero():
    for value in (-0.04, -0.0, -1e-12, Decimal("-0.04"), np.float32(-0.04), np.float64(-0.01)):
        assert fmt.percent(value) == "0,0%", value
        assert fmt.percent(value, "en") == "0.0%", value


# --- points (signed percentage points) ----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "id_text", "en_text"),
    [
        ((0.41,), "+0,41 poin", "+0.41 pp"),
        ((-0.54,), "−0,54 poin", "−0.54 pp"),
        ((12.3,), "+12,30 poin", "+12.30 pp"),
        ((-1234.5,), "−1.234,50 poin", "−1,234.50 pp"),
        ((0,), "±0,00 poin", "±0.00 pp"),
        ((-0.001,), "±0,00 poin", "±0.00 pp"),
        ((0.001,), "±0,00 poin", "±0.00 pp"),
        ((-0.006,), "−0,01 poin", "−0.01 pp"),
        ((0.006,), "+0,01 poin", "+0.01 pp"),
        ((-3.26, 1), "−3,3 poin", "−3.3 pp"),
        ((-0.04, 1), "±0,0 poin", "±0.0 pp"),
        ((4.6, 0), "+5 poin", "+5 pp"),
        ((0.41, 0), "±0 poin", "±0 pp"),
    ],
)
def test_points_in_both_languages(args, id_text, en_text):
    value, *decimals = args
    assert fmt.points(value, "id", *decimals) == id_text
    assert fmt.points(value, "en", *decimals) == en_text


def test_points_negative_sign_is_a_true_minus():
    assert fmt.points(-0.54).startswith("\u2212")
    assert "-" not in fmt.points(-0.54)


# --- rupiah ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "id_text", "en_text"),
    [
        (0, "Rp 0", "Rp 0"),
        (16_800, "Rp 16.800", "Rp 16,800"),
        (999_999.4, "Rp 999.999", "Rp 999,999"),
        (999_999.5, "Rp1,0 juta", "Rp1.0 million"),  # rounds to a full juta
        (1_000_000, "Rp1,0 juta", "Rp1.0 million"),
        (1_234_567, "Rp1,2 juta", "Rp1.2 million"),
        (692_160_000, "Rp692,2 juta", "Rp692.2 million"),
        (999_949_999, "Rp999,9 juta", "Rp999.9 million"),
        (999_950_000, "Rp1,0 miliar", "Rp1.0 billion"),
        (999_960_000, "Rp1,0 miliar", "Rp1.0 billion"),
        (1_000_000_000, "Rp1,0 miliar", "Rp1.0 billion"),
        (1_234_567_890, "Rp1,2 miliar", "Rp1.2 billion"),
        (8_305_920_000, "Rp8,3 miliar", "Rp8.3 billion"),
        (999_949_999_999, "Rp999,9 miliar", "Rp999.9 billion"),
        (999_950_000_000, "Rp1,0 triliun", "Rp1.0 trillion"),
        (1_234_567_890_123, "Rp1,2 triliun", "Rp1.2 trillion"),
        (999_960_000_000_000, "Rp1.000,0 triliun", "Rp1,000.0 trillion"),  # triliun is the largest unit
        (1_234_567_000_000_000, "Rp1.234,6 triliun", "Rp1,234.6 trillion"),
    ],
)
def test_rupiah_compact_in_both_languages(value, id_text, en_text):
    assert fmt.rupiah(value) == id_text
    assert fmt.rupiah(value, "id") == id_text
    assert fmt.rupiah(value, "en") == en_text


@pytest.mark.parametrize(
    ("value", "id_text", "en_text"),
    [
        (0, "Rp 0", "Rp 0"),
        (16_800, "Rp 16.800", "Rp 16,800"),
        (1_234_567, "Rp 1.234.567", "Rp 1,234,567"),
        (1_234_567.5, "Rp 1.234.568", "Rp 1,234,568"),
        (999_960_000, "Rp 999.960.000", "Rp 999,960,000"),
        (1_234_567_890_123, "Rp 1.234.567.890.123", "Rp 1,234,567,890,123"),
    ],
)
def test_rupiah_in_full(value, id_text, en_text):
    assert fmt.rupiah(value, compact=False) == id_text
    assert fmt.rupiah(value, "en", compact=False) == en_text


def test_negative_rupiah_puts_the_sign_before_the_currency():
    assert fmt.rupiah(-1_234_567_890) == "-Rp1,2 miliar"
    assert fmt.rupiah(-1_234_567_890, "en") == "-Rp1.2 billion"
    assert fmt.rupiah(-999_960_000) == "-Rp1,0 miliar"
    assert fmt.rupiah(-999_949_999) == "-Rp999,9 juta"
    assert fmt.rupiah(-16_800) == "-Rp 16.800"
    assert fmt.rupiah(-1_234_567, compact=False) == "-Rp 1.234.567"
    assert fmt.rupiah(-1_234_567, "en", compact=False) == "-Rp 1,234,567"


def test_rupiah_rounded_to_zero_has_no_sign():
    assert fmt.rupiah(-0.4) == "Rp 0"
    assert fmt.rupiah(-0.4, "en", compact=False) == "Rp 0"


# --- value (by unit) ------------------------------------------------------------------------


def test_value_picks_the_format_from_the_unit():
    assert fmt.value(35.86, "%") == "35,9%"
    assert fmt.value(35.86, "%", "en") == "35.9%"
    assert fmt.value(1234, "orang") == "1.234 orang"
    assert fmt.value(1234, "orang", "en") == "1,234 persons"
    assert fmt.value(1_234_567_890, "Rp/bulan") == "Rp1,2 miliar"
    assert fmt.value(999_960_000, "Rp", "en") == "Rp1.0 billion"
    assert fmt.value(1234.5678, "km") == "1.234,57"
    assert fmt.value(1234.5678, "km", "en") == "1,234.57"


# --- numeric types --------------------------------------------------------------------------


def test_numpy_and_decimal_values_format_like_python_numbers():
    assert fmt.number(np.int64(1234567)) == "1.234.567"
    assert fmt.number(np.int32(-5), "en") == "-5"
    assert fmt.number(np.uint64(1234567), "en") == "1,234,567"
    assert fmt.number(np.float64(1234567.891), "id", 1) == "1.234.567,9"
    assert fmt.percent(np.float32(35.86)) == "35,9%"
    assert fmt.percent(np.float64(35.86), "en") == "35.9%"
    assert fmt.points(np.float32(-0.54)) == "−0,54 poin"
    assert fmt.rupiah(np.int64(1_234_567_890)) == "Rp1,2 miliar"
    assert fmt.rupiah(np.float64(999_960_000), "en") == "Rp1.0 billion"
    assert fmt.rupiah(np.int64(1_234_567), compact=False) == "Rp 1.234.567"
    assert fmt.number(Decimal("1234567.891"), "en", 2) == "1,234,567.89"
    assert fmt.percent(Decimal("35.86")) == "35,9%"
    assert fmt.points(Decimal("0.41"), "en") == "+0.41 pp"
    assert fmt.rupiah(Decimal(1234567890)) == "Rp1,2 miliar"
    assert fmt.rupiah(Decimal(999960000)) == "Rp1,0 miliar"
    assert fmt.rupiah(Decimal(999949999), "en") == "Rp999.9 million"
    assert fmt.rupiah(Decimal(1234567), compact=False) == "Rp 1.234.567"


def test_values_straight_from_pandas():
    row = pd.Series({"workers": 41_200, "pct": 35.86})
    assert fmt.number(row["workers"]) == "41.200"
    assert fmt.percent(row["pct"], "en") == "35.9%"
    counts = pd.array([1234, None], dtype="Int64")
    assert fmt.number(counts[0]) == "1.234"
    assert fmt.number(counts[1]) == DASH


# --- missing values -------------------------------------------------------------------------

MISSING = [
    pytest.param(None, id="None"),
    pytest.param(float("nan"), id="float-nan"),
    pytest.param(np.nan, id="numpy-nan"),
    pytest.param(np.float64("nan"), id="float64-nan"),
    pytest.param(np.float32("nan"), id="float32-nan"),
    pytest.param(pd.NA, id="pd-NA"),
    pytest.param(pd.NaT, id="pd-NaT"),
    pytest.param(np.datetime64("NaT"), id="datetime64-NaT"),
    pytest.param(Decimal("NaN"), id="Decimal-NaN"),
    pytest.param(float("inf"), id="inf"),
    pytest.param(-np.inf, id="minus-inf"),
]

FORMATTERS = [
    pytest.param(lambda v, lang: fmt.number(v, lang), id="number"),
    pytest.param(lambda v, lang: fmt.number(v, lang, 2), id="number-2"),
    pytest.param(lambda v, lang: fmt.percent(v, lang), id="percent"),
    pytest.param(lambda v, lang: fmt.percent(v, lang, 2), id="percent-2"),
    pytest.param(lambda v, lang: fmt.points(v, lang), id="points"),
    pytest.param(lambda v, lang: fmt.rupiah(v, lang), id="rupiah"),
    pytest.param(lambda v, lang: fmt.rupiah(v, lang, compact=False), id="rupiah-full"),
    pytest.param(lambda v, lang: fmt.value(v, "%", lang), id="value-%"),
    pytest.param(lambda v, lang: fmt.value(v, "orang", lang), id="value-orang"),
    pytest.param(lambda v, lang: fmt.value(v, "Rp/bulan", lang), id="value-Rp"),
    pytest.param(lambda v, lang: fmt.value(v, "km", lang), id="value-other"),
]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("missing", MISSING)
@pytest.mark.parametrize("formatter", FORMATTERS)
def test_every_missing_kind_prints_a_dash(formatter, missing, lang):
    assert formatter(missing, lang) == DASH


def test_no_data_constant_is_the_em_dash():
    assert fmt.NO_DATA == "\u2014"
