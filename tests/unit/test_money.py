"""Money: exact minor units, locale-aware parse/format, half-up fees, Stripe params."""

import dataclasses
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.money import (
    CURRENCY_EXPONENTS,
    MAX_MINOR,
    SUPPORTED_CURRENCIES,
    CurrencyMismatch,
    Money,
    MoneyParseError,
    exponent,
)

NBSP = "\u00a0"
pln = lambda minor: Money(minor, "PLN")  # noqa: E731


# --- construction and the exponent table ---------------------------------------------------

@pytest.mark.parametrize(
    ("currency", "expected"),
    [("PLN", 2), ("pln", 2), (" jpy ", 0), ("KWD", 3), ("ISK", 0), ("XOF", 0), ("THB", 2)],
)
def test_exponent(currency, expected):
    assert exponent(currency) == expected


@pytest.mark.parametrize(
    ("codes", "exp"),
    [
        ("JPY KRW VND CLP ISK UGX XOF XAF PYG RWF", 0),
        ("BHD JOD KWD OMR TND", 3),
        (
            "PLN THB EUR USD GBP CHF CZK SEK NOK DKK HUF RON BGN CAD AUD NZD SGD HKD MXN BRL INR "
            "IDR MYR PHP AED SAR ZAR TRY UAH ILS EGP",
            2,
        ),
    ],
)
def test_required_currencies_are_in_the_table(codes, exp):
    assert {code: CURRENCY_EXPONENTS[code] for code in codes.split()} == dict.fromkeys(
        codes.split(), exp
    )


def test_supported_currencies_is_the_sorted_table():
    assert isinstance(SUPPORTED_CURRENCIES, tuple)
    assert SUPPORTED_CURRENCIES == tuple(sorted(CURRENCY_EXPONENTS))


def test_currency_is_normalised():
    assert Money(5, " pln ").currency == "PLN"
    assert Money(5, "pln") == Money(5, "PLN")


@pytest.mark.parametrize(
    ("currency", "message"),
    [("XYZ", "unsupported currency 'XYZ'"), ("PL", "3-letter"), ("PLNN", "3-letter"),
     ("P1N", "3-letter"), ("", "3-letter")],
)
def test_bad_currency_is_a_value_error(currency, message):
    with pytest.raises(ValueError, match=message):
        Money(1, currency)
    with pytest.raises(ValueError, match=message):
        exponent(currency)


@pytest.mark.parametrize("minor", [1.0, 12.5, True, False, Decimal("1"), Fraction(1), "100", None])
def test_minor_must_be_a_real_int(minor):
    with pytest.raises(TypeError, match="must be an int"):
        Money(minor, "PLN")


def test_currency_must_be_a_str():
    with pytest.raises(TypeError):
        Money(1, None)


def test_frozen_and_slotted():
    m = pln(100)
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.minor = 5
    assert not hasattr(m, "__dict__")
    assert {pln(100), pln(100), Money(100, "EUR")} == {pln(100), Money(100, "EUR")}


# --- parse -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "currency", "locale", "minor"),
    [
        ("1234.50", "PLN", "en", 123450),
        ("1,234.50", "PLN", "en", 123450),
        ("1 234.50", "PLN", "en", 123450),
        ("  12  ", "PLN", "en", 1200),
        ("0", "PLN", "en", 0),
        ("0.05", "PLN", "en", 5),
        (".5", "PLN", "en", 50),
        ("1,234,567.8", "USD", "en", 123456780),
        ("PLN 1,234.50", "PLN", "en", 123450),
        ("1234.50 pln", "PLN", "en", 123450),
        ("$5", "USD", "en", 500),
        ("¥1,235", "JPY", "en", 1235),
        ("1,235 JPY", "JPY", "en", 1235),
        ("5 zł", "PLN", "en", 500),  # home-country symbol is understood in any locale
        ("฿1,234.50", "THB", "en", 123450),
        ("KWD 1.234", "KWD", "en", 1234),
        ("12,34,567.00", "INR", "en_IN", 123456700),  # Indian grouping from the locale
        # Polish: decimal comma, space/NBSP/narrow NBSP groups
        ("1 234,50", "PLN", "pl", 123450),
        (f"1{NBSP}234,50", "PLN", "pl", 123450),
        ("1\u202f234,50", "PLN", "pl", 123450),
        (f"1{NBSP}234,50{NBSP}zł", "PLN", "pl", 123450),
        ("1234,5 PLN", "PLN", "pl", 123450),
        ("1234.50", "PLN", "pl", 123450),  # lone "." with no "," is the decimal point
        ("1 234.50", "PLN", "pl", 123450),
        ("10", "PLN", "pl-PL", 1000),
        # Thai
        ("1,234.50", "THB", "th", 123450),
        ("฿1,234.50", "THB", "th", 123450),
        ("1,234.50 THB", "THB", "th", 123450),
        ("฿ 99", "THB", "th", 9900),
    ],
)
def test_parse_accepts(text, currency, locale, minor):
    assert Money.parse(text, currency, locale=locale) == Money(minor, currency)


@pytest.mark.parametrize(
    ("text", "currency", "locale", "message"),
    [
        ("", "PLN", "en", "Enter an amount"),
        ("   ", "PLN", "pl", "Enter an amount"),
        ("-5", "PLN", "en", "cannot be negative"),
        ("\u22125", "PLN", "en", "cannot be negative"),
        ("-$5", "USD", "en", "cannot be negative"),
        ("$-5", "USD", "en", "cannot be negative"),
        ("-1 234,50 zł", "PLN", "pl", "cannot be negative"),
        ("abc", "PLN", "en", "not a valid amount"),
        ("1e5", "PLN", "en", "not a valid amount"),
        ("+5", "PLN", "en", "not a valid amount"),
        ("1..2", "PLN", "en", "not a valid amount"),
        ("1.2.3", "PLN", "pl", "not a valid amount"),
        ("1.234,50", "PLN", "pl", "not a valid amount"),  # "." is no Polish group separator
        ("1,234.50", "PLN", "pl", "not a valid amount"),
        ("zł", "PLN", "pl", "not a valid amount"),
        ("NaN", "PLN", "en", "not a valid amount"),
        ("\u0e51\u0e52\u0e53", "THB", "th", "not a valid amount"),  # Thai digits are refused
        ("1,5", "PLN", "en", "misplaced thousands separator"),  # never silently 15
        ("12,34", "PLN", "en", "misplaced thousands separator"),
        ("1234,567.00", "PLN", "en", "misplaced thousands separator"),
        ("1,,234", "PLN", "en", "not a valid amount"),
        ("5 EUR", "PLN", "en", "in EUR, expected PLN"),
        ("€5", "PLN", "en", "not a valid amount"),
        ("1" * 65, "PLN", "en", "too long"),
        ("10000000000000.01", "PLN", "en", "too large"),
        ("1000000000000001", "JPY", "en", "too large"),
    ],
)
def test_parse_rejects(text, currency, locale, message):
    with pytest.raises(MoneyParseError, match=message):
        Money.parse(text, currency, locale=locale)


@pytest.mark.parametrize(
    ("text", "currency", "locale", "message"),
    [
        ("10.005 PLN", "PLN", "en", "PLN has at most 2 decimal places"),
        ("10,005", "PLN", "pl", "PLN has at most 2 decimal places"),
        ("1.234", "PLN", "pl", "PLN has at most 2 decimal places"),  # refused, not read as 1234
        ("100.5 JPY", "JPY", "en", "JPY has no decimal places"),
        ("100.0", "JPY", "en", "JPY has no decimal places"),
        ("100.5", "ISK", "en", "ISK has no decimal places"),
        ("1.2345", "KWD", "en", "KWD has at most 3 decimal places"),
        ("1.001", "THB", "th", "THB has at most 2 decimal places"),
    ],
)
def test_parse_rejects_too_many_decimals(text, currency, locale, message):
    with pytest.raises(MoneyParseError, match=message):
        Money.parse(text, currency, locale=locale)


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [("100", "JPY", 100), ("1.234", "KWD", 1234), ("1.2", "KWD", 1200), ("10.05", "PLN", 1005)],
)
def test_parse_accepts_up_to_the_exponent(text, currency, minor):
    assert Money.parse(text, currency) == Money(minor, currency)


def test_parse_cap_is_inclusive():
    assert Money.parse("10000000000000.00", "PLN") == pln(MAX_MINOR)


def test_parse_error_is_a_value_error():
    assert issubclass(MoneyParseError, ValueError)


def test_parse_refuses_non_str():
    with pytest.raises(TypeError):
        Money.parse(12.5, "PLN")


# --- arithmetic ------------------------------------------------------------------------------

def test_arithmetic_within_one_currency():
    assert pln(150) + pln(50) == pln(200)
    assert pln(150) - pln(200) == pln(-50)
    assert -pln(150) == pln(-150)
    assert pln(150) * 3 == 3 * pln(150) == pln(450)
    assert pln(150) * 0 == Money.zero("PLN")
    assert Money.sum([pln(1), pln(2), pln(3)], "PLN") == pln(6)
    assert Money.sum([], "jpy") == Money(0, "JPY")
    assert Money.sum((m for m in [pln(5)]), "PLN") == pln(5)


@pytest.mark.parametrize(
    ("a", "b", "lt"),
    [(pln(1), pln(2), True), (pln(2), pln(2), False), (pln(3), pln(2), False)],
)
def test_ordering(a, b, lt):
    assert (a < b) is lt
    assert (a <= b) is (lt or a == b)
    assert (a > b) is (not lt and a != b)
    assert (a >= b) is (not lt)


@pytest.mark.parametrize(
    "op",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
        lambda a, b: Money.sum([a, b], "PLN"),
    ],
    ids=["add", "sub", "lt", "le", "gt", "ge", "sum"],
)
def test_cross_currency_is_refused(op):
    with pytest.raises(CurrencyMismatch, match="PLN and EUR"):
        op(pln(100), Money(100, "EUR"))


def test_equality_across_currencies_is_false_not_an_error():
    assert pln(0) != Money(0, "EUR")


@pytest.mark.parametrize("factor", [1.5, 2.0, True, Decimal("2"), Fraction(1, 2), "2"])
def test_multiplication_only_by_int(factor):
    with pytest.raises(TypeError):
        pln(100) * factor
    with pytest.raises(TypeError):
        factor * pln(100)


@pytest.mark.parametrize("other", [0, 1, 1.5, Decimal("1")])
def test_money_and_numbers_do_not_mix(other):
    with pytest.raises(TypeError):
        pln(100) + other
    with pytest.raises(TypeError):
        pln(100) < other


@pytest.mark.parametrize(("minor", "truth"), [(0, False), (1, True), (-1, True)])
def test_bool(minor, truth):
    assert bool(pln(minor)) is truth


# --- fee -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("minor", "bp", "fee"),
    [
        (333, 1500, 50),  # 49.95 -> 50
        (10000, 1500, 1500),
        (1, 5000, 1),  # 0.5 -> 1
        (3, 5000, 2),  # 1.5 -> 2
        (1, 4999, 0),  # 0.4999 -> 0
        (5000, 1, 1),  # 0.5 -> 1
        (4999, 1, 0),
        (12345, 0, 0),
        (12345, 10000, 12345),
        (0, 1500, 0),
        (-333, 1500, -50),  # refunds: symmetric, away from zero
        (-1, 5000, -1),
    ],
)
def test_fee_half_up(minor, bp, fee):
    assert pln(minor).fee(bp) == pln(fee)


def test_fee_keeps_currency():
    assert Money(1235, "JPY").fee(1000) == Money(124, "JPY")  # 123.5 -> 124 yen


@pytest.mark.parametrize(("bp", "error"), [(-1, ValueError), (10001, ValueError),
                                           (15.0, TypeError), (True, TypeError),
                                           (Decimal(15), TypeError)])
def test_fee_rejects_bad_basis_points(bp, error):
    with pytest.raises(error):
        pln(100).fee(bp)


# --- text and formatting ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("money", "text"),
    [
        (pln(123450), "1234.50"),
        (pln(5), "0.05"),
        (pln(-5), "-0.05"),
        (pln(-123450), "-1234.50"),
        (pln(0), "0.00"),
        (Money(1235, "JPY"), "1235"),
        (Money(-1235, "JPY"), "-1235"),
        (Money(1234, "KWD"), "1.234"),
        (Money(7, "KWD"), "0.007"),
    ],
)
def test_amount_text_and_str(money, text):
    assert money.amount_text() == text
    assert str(money) == f"{text} {money.currency}"


@pytest.mark.parametrize(
    ("money", "locale", "expected"),
    [
        (pln(123450), "en", "PLN1,234.50"),
        (pln(123450), "pl", f"1{NBSP}234,50{NBSP}zł"),
        (pln(123450), "th", "PLN1,234.50"),
        (pln(5), "pl", f"0,05{NBSP}zł"),
        (pln(-123450), "pl", f"-1{NBSP}234,50{NBSP}zł"),
        (Money(123450, "THB"), "th", "฿1,234.50"),
        (Money(123450, "THB"), "en", "THB1,234.50"),
        (Money(123450, "THB"), "pl", f"1{NBSP}234,50{NBSP}THB"),
        (Money(100, "USD"), "en", "$1.00"),
        (Money(1235, "JPY"), "en", "¥1,235"),
        (Money(1235, "JPY"), "th", "¥1,235"),
        (Money(1235, "JPY"), "pl", f"1{NBSP}235{NBSP}JPY"),
        (Money(1235, "ISK"), "en", "ISK1,235"),
        (Money(1234567, "KWD"), "en", "KWD1,234.567"),
        (Money(1234560, "KWD"), "en", "KWD1,234.560"),  # trailing zero kept
        # CLDR says RSD has 0 digits; ISO and Stripe say 2, and so do we
        (Money(123450, "RSD"), "en", "RSD1,234.50"),
    ],
)
def test_format(money, locale, expected):
    assert money.format(locale) == expected


def test_format_defaults_to_english():
    assert pln(100).format() == "PLN1.00"


# --- Stripe ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("money", "params"),
    [
        (pln(123450), {"amount": 123450, "currency": "pln"}),
        (Money(500, "JPY"), {"amount": 500, "currency": "jpy"}),
        (Money(1230, "KWD"), {"amount": 1230, "currency": "kwd"}),
        (Money(5, "ISK"), {"amount": 500, "currency": "isk"}),  # Stripe keeps 2 decimals for ISK
        (pln(0), {"amount": 0, "currency": "pln"}),
    ],
)
def test_stripe_round_trip(money, params):
    assert money.to_stripe() == params
    assert Money.from_stripe(params["amount"], params["currency"]) == money


def test_stripe_rejects_bad_amounts():
    with pytest.raises(ValueError, match="negative"):
        pln(-1).to_stripe()
    with pytest.raises(ValueError, match="whole number"):
        Money.from_stripe(550, "isk")
    with pytest.raises(TypeError):
        Money.from_stripe(12.5, "pln")
    with pytest.raises(ValueError):
        Money.from_stripe(100, "xyz")


# --- properties ------------------------------------------------------------------------------

currencies = st.sampled_from(SUPPORTED_CURRENCIES)
amounts = st.builds(Money, st.integers(0, MAX_MINOR), currencies)


@settings(database=None)
@given(amounts)
def test_parse_round_trips_plain_text(money):
    assert Money.parse(money.amount_text(), money.currency) == money
    assert Money.parse(str(money), money.currency) == money


@settings(database=None)
@given(amounts, st.sampled_from(["en", "pl", "th"]))
def test_parse_round_trips_localised_format(money, locale):
    assert Money.parse(money.format(locale), money.currency, locale=locale) == money


@settings(database=None)
@given(st.integers(-MAX_MINOR, MAX_MINOR), currencies)
def test_format_shows_exactly_the_exponent_decimals(minor, currency):
    text = Money(minor, currency).format("en")  # en puts the symbol first: "KWD1,234.567"
    exp = exponent(currency)
    assert ("." in text) is bool(exp)
    assert not exp or len(text.rpartition(".")[2]) == exp


@settings(database=None)
@given(st.integers(0, MAX_MINOR), st.integers(0, 10_000))
def test_fee_is_exact_half_up_and_bounded(minor, bp):
    fee = pln(minor).fee(bp)
    assert fee.minor == math.floor(Fraction(minor * bp, 10_000) + Fraction(1, 2))
    assert pln(0) <= fee <= pln(minor)
    assert pln(-minor).fee(bp) == -fee
